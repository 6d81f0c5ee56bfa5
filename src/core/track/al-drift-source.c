/* al-drift-source.c: the drift of a series read frame by frame from its
 * file (io/al-frame-source.h), holding two frames at a time: the same
 * consecutive shifts as al_drift_estimate() on the loaded frames. */
#include "track/al-drift.h"

#include "al-error.h"

gboolean
al_drift_estimate_source (AlFrameSource *source,
                          guint          first,
                          guint          last,
                          double         max_step_px,
                          double        *dx,
                          double        *dy,
                          GCancellable  *cancellable,
                          GError       **error)
{
  gsize n = al_frame_source_frame_samples (source);
  guint width = al_frame_source_get_width (source), height = al_frame_source_get_height (source);
  g_autofree float *previous = NULL, *current = NULL;

  g_return_val_if_fail (dx != NULL && dy != NULL, FALSE);
  if (first > last || last >= al_frame_source_get_n_frames (source))
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frames %u–%u are not in an image of %u frames", first, last,
                   al_frame_source_get_n_frames (source));
      return FALSE;
    }
  previous = g_try_new (float, n);
  current = g_try_new (float, n);
  if (previous == NULL || current == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE, "Not enough memory for two frames");
      return FALSE;
    }
  dx[0] = dy[0] = 0;
  if (!al_frame_source_read (source, first, 1, previous, error))
    return FALSE;
  for (guint f = first + 1; f <= last; f++)
    {
      double sx, sy;
      float *swap;
      if (g_cancellable_set_error_if_cancelled (cancellable, error)
          || !al_frame_source_read (source, f, 1, current, error)
          || !al_drift_pair (previous, current, width, height, max_step_px, &sx, &sy, error))
        return FALSE;
      dx[f - first] = dx[f - 1 - first] + sx;
      dy[f - first] = dy[f - 1 - first] + sy;
      swap = previous;
      previous = current;
      current = swap;
    }
  return TRUE;
}
