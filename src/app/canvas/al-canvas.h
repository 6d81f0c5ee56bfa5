/* al-canvas.h: AlCanvas, the image view. It draws an AlRaster frame with
 * the chosen contrast (levels) at any zoom, pans and zooms about the pointer,
 * and draws an ordered list of AlLayer overlays above the image.
 *
 * Coordinates: see al-canvas-view.h. Properties follow the C API: zoom,
 * offset-x, offset-y (pan), contrast-min, contrast-max, gamma, frame,
 * has-image.
 */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas-view.h"
#include "al-layer.h"
#include "al-levels.h"
#include "al-raster.h"

G_BEGIN_DECLS

/* Zoom limits: screen pixels per image pixel. The lower limit is relative
 * to the zoom that fits the image (never below a tenth of it). */
#define AL_CANVAS_ZOOM_MAX 64.0
#define AL_CANVAS_ZOOM_MIN_OF_FIT 0.1
/* One step of zoom-in / zoom-out (keys, buttons, one wheel notch). */
#define AL_CANVAS_ZOOM_STEP 1.25

#define AL_TYPE_CANVAS (al_canvas_get_type ())
G_DECLARE_FINAL_TYPE (AlCanvas, al_canvas, AL, CANVAS, GtkWidget)

GtkWidget   *al_canvas_new              (void);

/* Shows a raster (NULL clears). If the frame's pyramid is not built yet,
 * it is built in a worker and the canvas draws once it is ready; the
 * geometry (size, zoom, value_at) is valid at once. */
void         al_canvas_set_raster       (AlCanvas     *self,
                                         AlRaster     *raster);
AlRaster    *al_canvas_get_raster       (AlCanvas     *self);
gboolean     al_canvas_get_has_image    (AlCanvas     *self);
/* TRUE once the current frame's pyramid is in place (drawing possible). */
gboolean     al_canvas_get_ready        (AlCanvas     *self);

guint        al_canvas_get_frame        (AlCanvas     *self);
void         al_canvas_set_frame        (AlCanvas     *self,
                                         guint         frame);
guint        al_canvas_get_n_frames     (AlCanvas     *self);

/* Zoom and pan (al-canvas-zoom.c). */
double       al_canvas_get_zoom         (AlCanvas     *self);
/* Sets the zoom keeping the widget centre fixed. */
void         al_canvas_set_zoom         (AlCanvas     *self,
                                         double        zoom);
/* Sets the zoom keeping the image point under widget point (wx, wy) fixed. */
void         al_canvas_zoom_about       (AlCanvas     *self,
                                         double        zoom,
                                         double        wx,
                                         double        wy);
void         al_canvas_zoom_in          (AlCanvas     *self);
void         al_canvas_zoom_out         (AlCanvas     *self);
void         al_canvas_zoom_to_fit      (AlCanvas     *self);
void         al_canvas_zoom_1to1        (AlCanvas     *self);
double       al_canvas_get_fit_zoom     (AlCanvas     *self);
gboolean     al_canvas_get_fitted       (AlCanvas     *self);
double       al_canvas_get_offset_x     (AlCanvas     *self);
void         al_canvas_set_offset_x     (AlCanvas     *self,
                                         double        offset_x);
double       al_canvas_get_offset_y     (AlCanvas     *self);
void         al_canvas_set_offset_y     (AlCanvas     *self,
                                         double        offset_y);
/* Moves the image by (dx, dy) widget pixels. */
void         al_canvas_pan_by           (AlCanvas     *self,
                                         double        dx,
                                         double        dy);
/* Centres image point (x, y) in the widget. */
void         al_canvas_center_on        (AlCanvas     *self,
                                         double        x,
                                         double        y);

/* Coordinates. widget_to_image returns TRUE when the point is on the image. */
gboolean     al_canvas_widget_to_image  (AlCanvas     *self,
                                         double        wx,
                                         double        wy,
                                         double       *x,
                                         double       *y);
void         al_canvas_image_to_widget  (AlCanvas     *self,
                                         double        x,
                                         double        y,
                                         double       *wx,
                                         double       *wy);
/* The value of the pixel containing image point (x, y) in the current
 * frame; FALSE outside the image. */
gboolean     al_canvas_value_at         (AlCanvas     *self,
                                         double        x,
                                         double        y,
                                         float        *value);
/* Where the pointer is over the image, as last seen; FALSE when it is not. */
gboolean     al_canvas_get_pointer      (AlCanvas     *self,
                                         double       *x,
                                         double       *y);
void         al_canvas_get_view         (AlCanvas     *self,
                                         AlCanvasView *view);

/* Contrast. */
void         al_canvas_get_levels       (AlCanvas     *self,
                                         AlLevels     *levels);
void         al_canvas_set_levels       (AlCanvas     *self,
                                         const AlLevels *levels);
double       al_canvas_get_contrast_min (AlCanvas     *self);
void         al_canvas_set_contrast_min (AlCanvas     *self,
                                         double        value);
double       al_canvas_get_contrast_max (AlCanvas     *self);
void         al_canvas_set_contrast_max (AlCanvas     *self,
                                         double        value);
double       al_canvas_get_gamma        (AlCanvas     *self);
void         al_canvas_set_gamma        (AlCanvas     *self,
                                         double        gamma);
/* Percentile auto-levels of the current frame; keeps the gamma. */
void         al_canvas_auto_levels      (AlCanvas     *self,
                                         double        low_percent,
                                         double        high_percent);
/* The current frame's histogram, or NULL before it is ready. */
const AlHistogram *al_canvas_get_histogram (AlCanvas  *self);

gboolean     al_canvas_get_show_scale_bar (AlCanvas   *self);
void         al_canvas_set_show_scale_bar (AlCanvas   *self,
                                           gboolean    show);

/* The overlays, drawn in list order (first at the bottom). */
GListStore  *al_canvas_get_layers       (AlCanvas     *self);

/* Whether a drag with the primary button pans (the default); when not, it
 * emits "dragged" (image coordinates where it began and ended), for box
 * selection and moving atoms. The middle button always pans. */
void          al_canvas_set_drag_pans      (AlCanvas      *self,
                                            gboolean       pans);

G_END_DECLS
