/* al-canvas-image.c: what AlCanvas shows of the image: the raster and its
 * current frame (whose mip pyramid is built in a worker, the previous frame
 * staying on screen meanwhile), pixel values under a point, and the
 * contrast levels the tiles are made with. */
#include "al-canvas-private.h"

#include <math.h>

/* The current frame's pyramid arrived: levels from it unless set already. */
static void
use_pyramid (AlCanvas  *self,
             AlPyramid *pyramid)
{
  gboolean was_ready = self->pyramid != NULL;

  g_clear_pointer (&self->pyramid, al_pyramid_unref);
  self->pyramid = al_pyramid_ref (pyramid);
  if (!self->levels_set)
    al_canvas_auto_levels (self, AL_LEVELS_AUTO_LOW_PERCENT, AL_LEVELS_AUTO_HIGH_PERCENT);
  al_tile_cache_set_source (self->tiles, self->pyramid, &self->levels);
  if (!was_ready)
    _al_canvas_notify (self, AL_CANVAS_PROP_READY);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pyramid_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AlCanvas) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlPyramid) pyramid = NULL;

  if (self->raster == NULL)
    return;
  pyramid = al_raster_get_pyramid_finish (self->raster, result, &error);
  if (pyramid == NULL || pyramid->frame != self->frame)
    return;
  use_pyramid (self, pyramid);
}

static void
load_frame (AlCanvas *self)
{
  g_cancellable_cancel (self->pyramid_cancellable);
  g_clear_object (&self->pyramid_cancellable);
  if (self->raster == NULL)
    return;
  if (al_raster_has_pyramid (self->raster, self->frame))
    {
      g_autoptr (AlPyramid) pyramid = al_raster_get_pyramid (self->raster, self->frame, NULL);
      use_pyramid (self, pyramid);
      return;
    }
  /* The previous frame stays on screen until this one is ready. */
  self->pyramid_cancellable = g_cancellable_new ();
  al_raster_get_pyramid_async (self->raster, self->frame, self->pyramid_cancellable,
                               on_pyramid_ready, g_object_ref (self));
}

void
al_canvas_set_raster (AlCanvas *self,
                      AlRaster *raster)
{
  gboolean was_ready;

  g_return_if_fail (AL_IS_CANVAS (self));
  if (raster == self->raster)
    return;
  was_ready = self->pyramid != NULL;
  g_clear_pointer (&self->pyramid, al_pyramid_unref);
  al_tile_cache_set_source (self->tiles, NULL, NULL);
  g_clear_pointer (&self->raster, al_raster_unref);
  self->raster = raster != NULL ? al_raster_ref (raster) : NULL;
  self->frame = 0;
  self->levels_set = FALSE;
  self->fitted = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  _al_canvas_size_changed (self);
  _al_canvas_notify (self, AL_CANVAS_PROP_HAS_IMAGE);
  _al_canvas_notify (self, AL_CANVAS_PROP_FRAME);
  if (was_ready)
    _al_canvas_notify (self, AL_CANVAS_PROP_READY);
  load_frame (self);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AlRaster *
al_canvas_get_raster (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->raster;
}

gboolean
al_canvas_get_has_image (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->raster != NULL;
}

gboolean
al_canvas_get_ready (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->pyramid != NULL;
}

guint
al_canvas_get_frame (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->frame;
}

guint
al_canvas_get_n_frames (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->raster != NULL ? al_raster_get_image (self->raster)->n_frames : 0;
}

void
al_canvas_set_frame (AlCanvas *self,
                     guint     frame)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  if (self->raster == NULL)
    return;
  frame = MIN (frame, al_canvas_get_n_frames (self) - 1);
  if (frame == self->frame)
    return;
  self->frame = frame;
  load_frame (self);
  _al_canvas_notify (self, AL_CANVAS_PROP_FRAME);
  _al_canvas_pointer_changed (self);
}

gboolean
al_canvas_value_at (AlCanvas *self,
                    double    x,
                    double    y,
                    float    *value)
{
  const AlImage *image;
  double col, row;

  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  if (self->raster == NULL)
    return FALSE;
  image = al_raster_get_image (self->raster);
  /* Pixel centres at integers: pixel i covers [i - 0.5, i + 0.5). */
  col = floor (x + 0.5);
  row = floor (y + 0.5);
  if (col < 0 || row < 0 || col >= image->width || row >= image->height)
    return FALSE;
  if (value != NULL && image->pixels != NULL)
    *value = al_image_frame_const (image, self->frame)[(gsize) row * image->width + (gsize) col];
  else if (value != NULL)
    {
      /* A stack read frame by frame: the frame shown is in the cache. */
      g_autoptr (AlPyramid) p = al_raster_has_pyramid (self->raster, self->frame)
                                  ? al_raster_get_pyramid (self->raster, self->frame, NULL) : NULL;
      if (p == NULL)
        return FALSE;
      *value = p->levels[0].pixels[(gsize) row * image->width + (gsize) col];
    }
  return TRUE;
}

void
al_canvas_get_levels (AlCanvas *self,
                      AlLevels *levels)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  *levels = self->levels;
}

void
al_canvas_set_levels (AlCanvas       *self,
                      const AlLevels *levels)
{
  AlLevels old;

  g_return_if_fail (AL_IS_CANVAS (self));
  g_return_if_fail (levels != NULL);
  old = self->levels;
  self->levels = *levels;
  self->levels.gamma = CLAMP (levels->gamma, AL_LEVELS_GAMMA_MIN, AL_LEVELS_GAMMA_MAX);
  self->levels_set = TRUE;
  if (al_levels_equal (&old, &self->levels))
    return;
  if (self->pyramid != NULL)
    al_tile_cache_set_source (self->tiles, self->pyramid, &self->levels);
  g_object_freeze_notify (G_OBJECT (self));
  if (old.min != self->levels.min)
    _al_canvas_notify (self, AL_CANVAS_PROP_CONTRAST_MIN);
  if (old.max != self->levels.max)
    _al_canvas_notify (self, AL_CANVAS_PROP_CONTRAST_MAX);
  if (old.gamma != self->levels.gamma)
    _al_canvas_notify (self, AL_CANVAS_PROP_GAMMA);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
al_canvas_get_contrast_min (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->levels.min;
}

void
al_canvas_set_contrast_min (AlCanvas *self,
                            double    value)
{
  AlLevels levels = self->levels;

  levels.min = value;
  al_canvas_set_levels (self, &levels);
}

double
al_canvas_get_contrast_max (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 1);
  return self->levels.max;
}

void
al_canvas_set_contrast_max (AlCanvas *self,
                            double    value)
{
  AlLevels levels = self->levels;

  levels.max = value;
  al_canvas_set_levels (self, &levels);
}

double
al_canvas_get_gamma (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 1);
  return self->levels.gamma;
}

void
al_canvas_set_gamma (AlCanvas *self,
                     double    gamma)
{
  AlLevels levels = self->levels;

  levels.gamma = gamma;
  al_canvas_set_levels (self, &levels);
}

void
al_canvas_auto_levels (AlCanvas *self,
                       double    low_percent,
                       double    high_percent)
{
  AlLevels levels = self->levels;

  g_return_if_fail (AL_IS_CANVAS (self));
  if (self->pyramid == NULL)
    return;
  al_levels_auto (&levels, self->pyramid->histogram, low_percent, high_percent);
  al_canvas_set_levels (self, &levels);
}

const AlHistogram *
al_canvas_get_histogram (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->pyramid != NULL ? self->pyramid->histogram : NULL;
}
