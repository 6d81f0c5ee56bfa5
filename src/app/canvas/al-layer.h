/* al-layer.h: AlLayer, one overlay the canvas draws over the image (atoms,
 * bonds, defects, strain...). The base class keeps the properties every
 * layer shares: visible, opacity and a name for the Layers list.
 *
 * A layer with many marks implements `capture` and `render`: its drawing is
 * then cut in tiles of the screen at each zoom, rendered by worker threads
 * and kept (al-layer-tiles.c), so a redraw only pastes tiles; panning
 * reuses them, and a tile is rendered again only when the zoom changes or
 * the layer calls al_layer_invalidate(). Meanwhile the old tiles (or those
 * of another zoom, scaled) stand in. `snapshot` draws, at every frame on
 * the main thread, what changes often and is small (a selection); it is
 * called with the snapshot already transformed to image coordinates (see
 * al-canvas-view.h). `hit_test` answers picking.
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
  /* Main thread: what `render` will need, as data no one changes any more
   * (a reference on immutable results, a copy of the style); NULL when
   * there is nothing to draw. `release` frees it, in any thread. */
  gpointer (*capture)  (AlLayer            *layer);
  void     (*release)  (gpointer            data);
  /* Any thread: draws `data` in `tile`'s widget coordinates (a tile is a
   * small view: al_canvas_view_to_widget maps into it). Must read nothing
   * but `data` and `tile`. */
  void     (*render)   (gpointer            data,
                        cairo_t            *cr,
                        const AlCanvasView *tile);

  gpointer padding[5];
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
/* Tells the canvas to redraw: subclasses call it when what `snapshot`
 * draws changes. */
void         al_layer_changed     (AlLayer            *layer);
/* What `render` draws changed: tiles are made again (the old ones show
 * until then), and the canvas redraws. */
void         al_layer_invalidate  (AlLayer            *layer);
/* Tiles being rendered by workers (0: the layer is all on screen). */
guint        al_layer_get_n_pending (AlLayer          *layer);

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
