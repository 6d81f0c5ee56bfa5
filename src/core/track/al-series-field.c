/* al-series-field.c: the drift field of a series (AL_SERIES_DRIFT_FIELD,
 * see al-series.h): each step between consecutive frames measured as a
 * field (al-drift-field.h) and accumulated. The rigid drift (the frame's
 * mean shift, refined on the columns) stays the series' own; a field adds
 * only how the displacement varies across the frame. */
#include "track/al-series.h"

#include "al-error.h"

/* The mean of each polynomial term over the frame (u, v uniform on
 * [-1, 1]): 1, u, v, u², uv, v². */
static const double term_means[AL_DRIFT_FIELD_TERMS] = { 1, 0, 0, 1.0 / 3, 0, 1.0 / 3 };

/* Adds `step` less its mean over the frame to `sum`. */
static void
accumulate_shape (AlDriftField       *sum,
                  const AlDriftField *step)
{
  double mean_x = 0, mean_y = 0;

  for (guint k = 0; k < AL_DRIFT_FIELD_TERMS; k++)
    {
      mean_x += step->cx[k] * term_means[k];
      mean_y += step->cy[k] * term_means[k];
      sum->cx[k] += step->cx[k];
      sum->cy[k] += step->cy[k];
    }
  sum->cx[0] -= mean_x;
  sum->cy[0] -= mean_y;
}

/* Frame `frame` of the series: in `image`, or read from `source` into
 * `buffer`. */
static const float *
frame_pixels (const AlImage *image,
              AlFrameSource *source,
              guint          frame,
              float         *buffer,
              GError       **error)
{
  if (source == NULL)
    return al_image_frame_const (image, frame);
  return al_frame_source_read (source, frame, 1, buffer, error) ? buffer : NULL;
}

gboolean
al_series_measure_fields (AlSeries      *s,
                          const AlImage *image,
                          AlFrameSource *source,
                          GCancellable  *cancellable,
                          GError       **error)
{
  guint width = source != NULL ? al_frame_source_get_width (source) : image->width;
  guint height = source != NULL ? al_frame_source_get_height (source) : image->height;
  guint window = MIN (width, height) / AL_SERIES_FIELD_WINDOW_PARTS;
  gsize n = (gsize) width * height;
  g_autofree float *previous = NULL, *current = NULL;
  const float *a, *b;

  if (source != NULL)
    {
      previous = g_try_new (float, n);
      current = g_try_new (float, n);
      if (previous == NULL || current == NULL)
        {
          g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE, "Not enough memory for two frames");
          return FALSE;
        }
    }
  s->fields = g_new0 (AlDriftField, s->n_frames);
  for (guint i = 0; i < s->n_frames; i++)
    {
      s->fields[i].width = width;
      s->fields[i].height = height;
    }
  a = frame_pixels (image, source, s->frame[0], previous, error);
  for (guint i = 1; a != NULL && i < s->n_frames; i++)
    {
      g_autoptr (GError) local = NULL;
      AlDriftField step;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      b = frame_pixels (image, source, s->frame[i], current, error);
      if (b == NULL)
        return FALSE;
      s->fields[i] = s->fields[i - 1];
      if (al_drift_field_estimate (a, b, width, height, window,
                                   AL_SERIES_MAX_STEP_A * s->lattice_px, &step, &local))
        {
          accumulate_shape (&s->fields[i], &step);
          s->n_field_steps++;
        }
      else
        g_debug ("series: frame %u keeps its rigid drift: %s", s->frame[i], local->message);
      /* The current frame is the next step's reference. */
      if (source != NULL)
        {
          float *t = previous;
          previous = current;
          current = t;
        }
      a = b;
    }
  return a != NULL;
}
