/* al-raster.c: the shared, reference-counted image and its per-frame mip
 * pyramids. Building a pyramid reads the frame once per level; for an
 * 8192x8192 frame that is ~85 MiB of extra floats and a fraction of a second,
 * done in a GTask worker. */
#include "al-raster.h"

#include <math.h>

#include "al-error.h"

struct _AlRaster
{
  AlImage  *image;              /* pixels NULL when read from source */
  AlFrameSource *source;        /* a stack over the memory budget, or NULL */
  GMutex    mutex;              /* guards pyramids */
  GQueue    pyramids;           /* AlPyramid*, most recently used first */
};

static void
raster_clear (gpointer data)
{
  AlRaster *self = data;

  if (self->source != NULL)
    al_frame_source_free (self->source);   /* it owns self->image */
  else
    al_image_free (self->image);
  g_queue_clear_full (&self->pyramids, (GDestroyNotify) al_pyramid_unref);
  g_mutex_clear (&self->mutex);
}

AlRaster *
al_raster_new (AlImage *image)
{
  AlRaster *self;

  g_return_val_if_fail (image != NULL && image->width > 0 && image->height > 0, NULL);

  self = g_atomic_rc_box_new0 (AlRaster);
  self->image = image;
  g_mutex_init (&self->mutex);
  g_queue_init (&self->pyramids);
  return self;
}

AlRaster *
al_raster_new_lazy (AlFrameSource *source)
{
  AlRaster *self;
  const AlImage *info;

  g_return_val_if_fail (source != NULL, NULL);
  info = al_frame_source_get_info (source);
  g_return_val_if_fail (info->width > 0 && info->height > 0 && info->n_frames > 0, NULL);
  self = g_atomic_rc_box_new0 (AlRaster);
  self->source = source;
  /* The file's description, pixels NULL; the source owns it and is the
   * raster's own, so the calibration may be set on it. */
  self->image = (AlImage *) info;
  g_mutex_init (&self->mutex);
  g_queue_init (&self->pyramids);
  return self;
}

AlFrameSource *
al_raster_get_source (AlRaster *raster)
{
  return raster->source;
}

AlRaster *
al_raster_ref (AlRaster *raster)
{
  return g_atomic_rc_box_acquire (raster);
}

void
al_raster_unref (AlRaster *raster)
{
  g_atomic_rc_box_release_full (raster, raster_clear);
}

const AlImage *
al_raster_get_image (AlRaster *raster)
{
  return raster->image;
}

void
al_raster_set_pixel_size (AlRaster *raster,
                          double    nm)
{
  if (nm > 0)
    al_image_set_calibration (raster->image, nm, nm, "nm");
  else
    al_image_set_calibration (raster->image, 0, 0, NULL);
}

static void
pyramid_clear (gpointer data)
{
  AlPyramid *self = data;

  for (guint i = 0; i < AL_PYRAMID_MAX_LEVELS; i++)
    g_free (self->owned[i]);
  al_histogram_free (self->histogram);
}

AlPyramid *
al_pyramid_ref (AlPyramid *pyramid)
{
  return g_atomic_rc_box_acquire (pyramid);
}

void
al_pyramid_unref (AlPyramid *pyramid)
{
  g_atomic_rc_box_release_full (pyramid, pyramid_clear);
}

/* One 2x2 box-filtered level from the one below; an odd last row or column
 * averages the pixels that exist. */
static float *
downsample (const AlPyramidLevel *src,
            guint                 width,
            guint                 height)
{
  float *dst = g_new (float, (gsize) width * height);

  for (guint y = 0; y < height; y++)
    {
      const float *r0 = src->pixels + (gsize) (2 * y) * src->width;
      const float *r1 = 2 * y + 1 < src->height ? r0 + src->width : r0;
      float *out = dst + (gsize) y * width;
      for (guint x = 0; x < width; x++)
        {
          guint x0 = 2 * x, x1 = MIN (2 * x + 1, src->width - 1);
          out[x] = 0.25f * (r0[x0] + r0[x1] + r1[x0] + r1[x1]);
        }
    }
  return dst;
}

/* Frame `frame` of a lazy raster, read from its file into level 0 (the
 * pyramid cache, AL_RASTER_CACHED_FRAMES, is then the cache of frames). */
static gboolean
pyramid_read_frame (AlPyramid     *p,
                    AlFrameSource *source,
                    guint          frame)
{
  g_autoptr (GError) error = NULL;
  gsize n = al_frame_source_frame_samples (source);

  p->owned[0] = g_try_new (float, n);
  if (p->owned[0] == NULL || !al_frame_source_read (source, frame, 1, p->owned[0], &error))
    {
      g_debug ("raster: frame %u not read: %s", frame, error ? error->message : "out of memory");
      return FALSE;
    }
  return TRUE;
}

static AlPyramid *
pyramid_build (const AlImage *image,
               AlFrameSource *source,
               guint          frame,
               GCancellable  *cancellable)
{
  AlPyramid *p = g_atomic_rc_box_new0 (AlPyramid);

  p->frame = frame;
  p->levels[0].width = image->width;
  p->levels[0].height = image->height;
  if (source != NULL && !pyramid_read_frame (p, source, frame))
    {
      al_pyramid_unref (p);
      return NULL;
    }
  p->levels[0].pixels = source != NULL ? p->owned[0] : al_image_frame_const (image, frame);
  p->n_levels = 1;
  p->histogram = al_histogram_new (p->levels[0].pixels, al_image_frame_samples (image),
                                   AL_RASTER_HISTOGRAM_BINS);
  while (p->n_levels < AL_PYRAMID_MAX_LEVELS)
    {
      const AlPyramidLevel *prev = &p->levels[p->n_levels - 1];
      AlPyramidLevel *next = &p->levels[p->n_levels];
      if (MAX (prev->width, prev->height) <= AL_PYRAMID_TOP_SIDE)
        break;
      if (g_cancellable_is_cancelled (cancellable))
        {
          al_pyramid_unref (p);
          return NULL;
        }
      next->width = (prev->width + 1) / 2;
      next->height = (prev->height + 1) / 2;
      p->owned[p->n_levels] = downsample (prev, next->width, next->height);
      next->pixels = p->owned[p->n_levels];
      p->n_levels++;
    }
  return p;
}

static AlPyramid *
lookup_locked (AlRaster *self,
               guint     frame)
{
  for (GList *l = self->pyramids.head; l != NULL; l = l->next)
    {
      AlPyramid *p = l->data;
      if (p->frame == frame)
        {
          /* Most recently used first, so eviction drops the oldest. */
          g_queue_unlink (&self->pyramids, l);
          g_queue_push_head_link (&self->pyramids, l);
          return p;
        }
    }
  return NULL;
}

gboolean
al_raster_has_pyramid (AlRaster *raster,
                       guint     frame)
{
  gboolean found;

  g_mutex_lock (&raster->mutex);
  found = lookup_locked (raster, frame) != NULL;
  g_mutex_unlock (&raster->mutex);
  return found;
}

AlPyramid *
al_raster_get_pyramid (AlRaster     *raster,
                       guint         frame,
                       GCancellable *cancellable)
{
  AlPyramid *p;

  g_return_val_if_fail (frame < raster->image->n_frames, NULL);

  g_mutex_lock (&raster->mutex);
  p = lookup_locked (raster, frame);
  if (p != NULL)
    p = al_pyramid_ref (p);
  g_mutex_unlock (&raster->mutex);
  if (p != NULL)
    return p;

  /* Built outside the lock: two workers may race on one frame; the loser's
   * copy is simply dropped. */
  p = pyramid_build (raster->image, raster->source, frame, cancellable);
  if (p == NULL)
    return NULL;
  g_mutex_lock (&raster->mutex);
  if (lookup_locked (raster, frame) == NULL)
    {
      g_queue_push_head (&raster->pyramids, al_pyramid_ref (p));
      while (g_queue_get_length (&raster->pyramids) > AL_RASTER_CACHED_FRAMES)
        al_pyramid_unref (g_queue_pop_tail (&raster->pyramids));
    }
  g_mutex_unlock (&raster->mutex);
  return p;
}

static void
get_pyramid_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  AlRaster *raster = task_data;
  guint frame = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (task), "frame"));
  AlPyramid *p = al_raster_get_pyramid (raster, frame, cancellable);

  if (p == NULL)
    g_task_return_new_error (task, AL_ERROR, AL_ERROR_CANCELLED, "Cancelled");
  else
    g_task_return_pointer (task, p, (GDestroyNotify) al_pyramid_unref);
}

void
al_raster_get_pyramid_async (AlRaster            *raster,
                             guint                frame,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, al_raster_get_pyramid_async);
  g_task_set_task_data (task, al_raster_ref (raster), (GDestroyNotify) al_raster_unref);
  g_object_set_data (G_OBJECT (task), "frame", GUINT_TO_POINTER (frame));
  g_task_run_in_thread (task, get_pyramid_thread);
}

AlPyramid *
al_raster_get_pyramid_finish (AlRaster      *raster,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
al_pyramid_level_for_zoom (const AlPyramid *pyramid,
                           double           zoom)
{
  guint level = 0;

  /* Level k has 2^-k texels per image pixel; keep texels per screen pixel
   * (2^-k / zoom) at or above one so downscaling never skips texels. */
  while (level + 1 < pyramid->n_levels && ldexp (1.0, -(int) (level + 1)) >= zoom)
    level++;
  return level;
}
