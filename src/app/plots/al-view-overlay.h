/* al-view-overlay.h: AlViewOverlay, drawn over the canvas (in a GtkOverlay)
 * and never taking a click: the legend of what the visible layers mark
 * (species markers, defect colours), the colour bar of a colour-mapped
 * layer, and the outline of a lasso being drawn. It also holds popovers
 * that point at the canvas (the species chooser). */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas.h"
#include "al-results.h"
#include "export/al-colormap.h"

G_BEGIN_DECLS

#define AL_TYPE_VIEW_OVERLAY (al_view_overlay_get_type ())
G_DECLARE_FINAL_TYPE (AlViewOverlay, al_view_overlay, AL, VIEW_OVERLAY, GtkWidget)

void     al_view_overlay_set_canvas    (AlViewOverlay *self,
                                        AlCanvas      *canvas);
/* The results whose material and defects the legend lists (NULL: none). */
void     al_view_overlay_set_results   (AlViewOverlay *self,
                                        AlResults     *results);
void     al_view_overlay_set_show_legend (AlViewOverlay *self,
                                          gboolean       show);
gboolean al_view_overlay_get_show_legend (AlViewOverlay *self);
/* A colour bar from `min` to `max` labelled "title (unit)"; title NULL
 * removes it. */
void     al_view_overlay_set_color_bar (AlViewOverlay *self,
                                        const char    *title,
                                        const char    *unit,
                                        AlColormap     map,
                                        double         min,
                                        double         max);
gboolean al_view_overlay_get_color_bar_shown (AlViewOverlay *self);
/* What the legend lists now, one entry a line (for tests). */
char    *al_view_overlay_describe_legend (AlViewOverlay *self);
/* The lasso outline, in image coordinates (n_points 0: none). */
void     al_view_overlay_set_path      (AlViewOverlay *self,
                                        const double  *xy,
                                        guint          n_points);
/* Makes `popover` a child of the overlay (it stays until disposed). */
void     al_view_overlay_add_popover   (AlViewOverlay *self,
                                        GtkWidget     *popover);
/* Colour of map `map` at t in [0, 1]. */
void     al_color_map_rgb              (AlColormap     map,
                                        double         t,
                                        double        *rgb);

G_END_DECLS
