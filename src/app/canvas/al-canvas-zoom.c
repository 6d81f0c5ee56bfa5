/* al-canvas-zoom.c: the canvas's geometry: zoom about a point, fit, 1:1,
 * panning and the limits that keep the image on screen. */
#include "al-canvas-private.h"

#include <math.h>
#include <string.h>

static gboolean
has_size (AlCanvas *self)
{
  return self->raster != NULL && gtk_widget_get_width (GTK_WIDGET (self)) > 0
         && gtk_widget_get_height (GTK_WIDGET (self)) > 0;
}

double
al_canvas_get_fit_zoom (AlCanvas *self)
{
  const AlImage *image;

  g_return_val_if_fail (AL_IS_CANVAS (self), 1.0);
  if (!has_size (self))
    return 1.0;
  image = al_raster_get_image (self->raster);
  return MIN ((double) gtk_widget_get_width (GTK_WIDGET (self)) / image->width,
              (double) gtk_widget_get_height (GTK_WIDGET (self)) / image->height);
}

double
_al_canvas_min_zoom (AlCanvas *self)
{
  return MIN (al_canvas_get_fit_zoom (self), 1.0) * AL_CANVAS_ZOOM_MIN_OF_FIT;
}

/* Along one axis: an image narrower than the widget is centred; a wider one
 * may not leave a gap at either side. */
static double
clamp_axis (double offset,
            double zoom,
            int    widget_size,
            guint  image_size)
{
  double view = widget_size / zoom;
  double lo = -0.5, hi = image_size - 0.5 - view;

  if (view >= image_size)
    return -0.5 + (image_size - view) / 2.0;
  return CLAMP (offset, lo, hi);
}

void
_al_canvas_clamp_offsets (AlCanvas *self)
{
  const AlImage *image;

  if (!has_size (self))
    return;
  image = al_raster_get_image (self->raster);
  self->offset_x = clamp_axis (self->offset_x, self->zoom,
                               gtk_widget_get_width (GTK_WIDGET (self)), image->width);
  self->offset_y = clamp_axis (self->offset_y, self->zoom,
                               gtk_widget_get_height (GTK_WIDGET (self)), image->height);
}

/* Every change of the view ends here: clamp, notify what changed, redraw. */
static void
apply_view (AlCanvas *self,
            double    zoom,
            double    offset_x,
            double    offset_y)
{
  double old_zoom = self->zoom, old_x = self->offset_x, old_y = self->offset_y;

  self->zoom = CLAMP (zoom, _al_canvas_min_zoom (self), AL_CANVAS_ZOOM_MAX);
  self->offset_x = offset_x;
  self->offset_y = offset_y;
  _al_canvas_clamp_offsets (self);
  _al_canvas_notify_view (self, old_zoom, old_x, old_y);
}

void
al_canvas_zoom_about (AlCanvas *self,
                      double    zoom,
                      double    wx,
                      double    wy)
{
  double x, y;

  g_return_if_fail (AL_IS_CANVAS (self));
  if (!has_size (self))
    return;
  zoom = CLAMP (zoom, _al_canvas_min_zoom (self), AL_CANVAS_ZOOM_MAX);
  /* The image point under (wx, wy) before must stay under it after. */
  x = wx / self->zoom + self->offset_x;
  y = wy / self->zoom + self->offset_y;
  self->fitted = FALSE;
  apply_view (self, zoom, x - wx / zoom, y - wy / zoom);
}

double
al_canvas_get_zoom (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 1.0);
  return self->zoom;
}

void
al_canvas_set_zoom (AlCanvas *self,
                    double    zoom)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  al_canvas_zoom_about (self, zoom, gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
                        gtk_widget_get_height (GTK_WIDGET (self)) / 2.0);
}

/* Keyboard and button zoom go about the pointer when it is over the
 * canvas, as a wheel would, else about the centre. */
static void
zoom_about_pointer (AlCanvas *self,
                    double    zoom)
{
  double wx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double wy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;

  if (self->pointer_inside)
    wx = self->pointer_wx, wy = self->pointer_wy;
  al_canvas_zoom_about (self, zoom, wx, wy);
}

void
al_canvas_zoom_in (AlCanvas *self)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  zoom_about_pointer (self, self->zoom * AL_CANVAS_ZOOM_STEP);
}

void
al_canvas_zoom_out (AlCanvas *self)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  zoom_about_pointer (self, self->zoom / AL_CANVAS_ZOOM_STEP);
}

void
al_canvas_zoom_to_fit (AlCanvas *self)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->fitted = TRUE;
  if (!has_size (self))
    return;
  /* Offsets are centred by the clamp, which treats a fitting image so. */
  apply_view (self, al_canvas_get_fit_zoom (self), 0, 0);
}

void
al_canvas_zoom_1to1 (AlCanvas *self)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  zoom_about_pointer (self, 1.0);
}

gboolean
al_canvas_get_fitted (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->fitted;
}

void
_al_canvas_size_changed (AlCanvas *self)
{
  if (self->fitted)
    al_canvas_zoom_to_fit (self);
  else
    apply_view (self, self->zoom, self->offset_x, self->offset_y);
}

double
al_canvas_get_offset_x (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->offset_x;
}

void
al_canvas_set_offset_x (AlCanvas *self,
                        double    offset_x)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->fitted = FALSE;
  apply_view (self, self->zoom, offset_x, self->offset_y);
}

double
al_canvas_get_offset_y (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->offset_y;
}

void
al_canvas_set_offset_y (AlCanvas *self,
                        double    offset_y)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->fitted = FALSE;
  apply_view (self, self->zoom, self->offset_x, offset_y);
}

void
al_canvas_pan_by (AlCanvas *self,
                  double    dx,
                  double    dy)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->fitted = FALSE;
  apply_view (self, self->zoom, self->offset_x - dx / self->zoom, self->offset_y - dy / self->zoom);
}

void
al_canvas_center_on (AlCanvas *self,
                     double    x,
                     double    y)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->fitted = FALSE;
  apply_view (self, self->zoom,
              x - gtk_widget_get_width (GTK_WIDGET (self)) / (2.0 * self->zoom),
              y - gtk_widget_get_height (GTK_WIDGET (self)) / (2.0 * self->zoom));
}

gboolean
al_canvas_widget_to_image (AlCanvas *self,
                           double    wx,
                           double    wy,
                           double   *x,
                           double   *y)
{
  double ix, iy;
  const AlImage *image;

  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  ix = wx / self->zoom + self->offset_x;
  iy = wy / self->zoom + self->offset_y;
  if (x != NULL)
    *x = ix;
  if (y != NULL)
    *y = iy;
  if (self->raster == NULL)
    return FALSE;
  image = al_raster_get_image (self->raster);
  return ix >= -0.5 && iy >= -0.5 && ix < image->width - 0.5 && iy < image->height - 0.5;
}

void
al_canvas_image_to_widget (AlCanvas *self,
                           double    x,
                           double    y,
                           double   *wx,
                           double   *wy)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  if (wx != NULL)
    *wx = (x - self->offset_x) * self->zoom;
  if (wy != NULL)
    *wy = (y - self->offset_y) * self->zoom;
}

void
al_canvas_get_view (AlCanvas     *self,
                    AlCanvasView *view)
{
  const AlImage *image;

  g_return_if_fail (AL_IS_CANVAS (self));
  memset (view, 0, sizeof *view);
  view->zoom = self->zoom;
  view->offset_x = self->offset_x;
  view->offset_y = self->offset_y;
  view->widget_width = gtk_widget_get_width (GTK_WIDGET (self));
  view->widget_height = gtk_widget_get_height (GTK_WIDGET (self));
  view->frame = self->frame;
  view->scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  view->gpu = _al_canvas_renderer_has_gpu (self);
  if (self->raster == NULL)
    return;
  image = al_raster_get_image (self->raster);
  view->image_width = image->width;
  view->image_height = image->height;
  view->pixel_size = image->pixel_size;
  view->visible_x0 = MAX (-0.5, self->offset_x);
  view->visible_y0 = MAX (-0.5, self->offset_y);
  view->visible_x1 = MIN (image->width - 0.5, self->offset_x + view->widget_width / self->zoom);
  view->visible_y1 = MIN (image->height - 0.5, self->offset_y + view->widget_height / self->zoom);
}
