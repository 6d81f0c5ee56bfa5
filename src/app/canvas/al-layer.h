/* al-layer.h: AlLayer, one overlay the canvas draws over the image (atoms,
 * bonds, defects, strain...). Subclasses implement `snapshot`, called with
 * the snapshot already transformed to image coordinates (see
 * al-canvas-view.h), and `hit_test` for picking. The base class keeps the
 * properties every layer shares: visible, opacity and a name for the Layers
 * list.
 */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas-view.h"

G_BEGIN_DECLS

#define AL_TYPE_LAYER (al_layer_get_type ())
G_DECLARE_DERIVABLE_TYPE (AlLayer, al_layer, AL, LAYER, GObject)

struct _AlLayerClass
{
  GObjectClass parent_class;

  /* Draws in image coordinates; only the view's visible rectangle matters. */
  void     (*snapshot) (AlLayer            *layer,
                        GtkSnapshot        *snapshot,
                        const AlCanvasView *view);
  /* Index of the item within `radius` image pixels of (x_img, y_img), or -1. */
  gint64   (*hit_test) (AlLayer            *layer,
                        double              x_img,
                        double              y_img,
                        double              radius);

  gpointer padding[8];
};

void         al_layer_snapshot    (AlLayer            *layer,
                                   GtkSnapshot        *snapshot,
                                   const AlCanvasView *view);
gint64       al_layer_hit_test    (AlLayer            *layer,
                                   double              x_img,
                                   double              y_img,
                                   double              radius);

gboolean     al_layer_get_visible (AlLayer            *layer);
void         al_layer_set_visible (AlLayer            *layer,
                                   gboolean            visible);
double       al_layer_get_opacity (AlLayer            *layer);
void         al_layer_set_opacity (AlLayer            *layer,
                                   double              opacity);
const char  *al_layer_get_name    (AlLayer            *layer);
void         al_layer_set_name    (AlLayer            *layer,
                                   const char         *name);
/* Tells the canvas to redraw: subclasses call it when their data change. */
void         al_layer_changed     (AlLayer            *layer);

/* For subclasses that draw marks of a fixed size on screen: a Cairo
 * context in widget coordinates over the whole canvas (map image points
 * with al_canvas_view_to_widget ()); end it with al_layer_end_cairo (). */
cairo_t     *al_layer_begin_cairo (AlLayer            *layer,
                                   GtkSnapshot        *snapshot,
                                   const AlCanvasView *view);
void         al_layer_end_cairo   (AlLayer            *layer,
                                   GtkSnapshot        *snapshot,
                                   cairo_t            *cr);

G_END_DECLS
