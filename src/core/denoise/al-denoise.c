/* al-denoise.c: a denoising network on a frame. See al-denoise.h. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "denoise/al-denoise.h"
#include "nn/al-nn-resample.h"

#define AL_DENOISE_TASK "denoise"
/* Share of the memory budget the network's tiles may take; the rest is
 * for the frame's own buffers (input, output, resampled copies). */
#define AL_DENOISE_TILE_BUDGET_SHARE 0.5
/* Frame-sized float buffers alive at once: the resampled input, the
 * network's output and the result (plus a copy while resampling back). */
#define AL_DENOISE_FRAME_BUFFERS 3

static const char *const mode_names[] = { "off", "on", "auto" };

const char *
al_denoise_mode_name (AlDenoiseMode mode)
{
  return (guint) mode < G_N_ELEMENTS (mode_names) ? mode_names[mode] : "off";
}

int
al_denoise_mode_from_name (const char *name)
{
  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (mode_names); i++)
    if (g_ascii_strcasecmp (name, mode_names[i]) == 0)
      return (int) i;
  return -1;
}

gboolean
al_denoise_check_model (const AlNnModel *model,
                        GError         **error)
{
  const char *task = al_nn_model_get_task (model);

  if (g_strcmp0 (task, AL_DENOISE_TASK) != 0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "This network is not a denoiser (atomlens.task is “%s”, not “denoise”)",
                   task ? task : "absent");
      return FALSE;
    }
  if (al_nn_model_get_in_channels (model) != 1 || al_nn_model_get_out_channels (model) != 1)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "A denoiser maps one image to one image; this network has %u input and %u "
                   "output channels", al_nn_model_get_in_channels (model),
                   al_nn_model_get_out_channels (model));
      return FALSE;
    }
  return TRUE;
}

AlNnModel *
al_denoise_model_load (const char *path,
                       GError    **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (AlNnModel) model = al_nn_model_load (path, &local);

  if (model == NULL || !al_denoise_check_model (model, &local))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "Denoiser %s: ", path);
      return NULL;
    }
  return g_steal_pointer (&model);
}

static void
mean_std (const float *x,
          gsize        n,
          double      *mean,
          double      *std)
{
  double s = 0.0, ss = 0.0;

  for (gsize i = 0; i < n; i++)
    s += x[i];
  *mean = n > 0 ? s / n : 0.0;
  for (gsize i = 0; i < n; i++)
    ss += (x[i] - *mean) * (x[i] - *mean);
  *std = n > 1 ? sqrt (ss / n) : 0.0;
}

/* The network's normalisation is affine (x − b) / a for every value the
 * engine knows; its inverse comes from the statistics before and after. */
static void
denormalise (float       *out,
             gsize        n,
             double       raw_mean,
             double       raw_std,
             const float *normalised)
{
  double norm_mean, norm_std, a, b;

  mean_std (normalised, n, &norm_mean, &norm_std);
  a = norm_std > 0 ? raw_std / norm_std : 1.0;
  b = raw_mean - a * norm_mean;
  for (gsize i = 0; i < n; i++)
    out[i] = (float) (a * out[i] + b);
}

float *
al_denoise_frame (AlNnModel    *model,
                  const float  *frame,
                  guint         width,
                  guint         height,
                  double        pixel_size_nm,
                  guint         n_threads,
                  AlProgress   *progress,
                  GCancellable *cancellable,
                  GError      **error)
{
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  guint mw, mh;
  gsize n;
  double raw_mean, raw_std;
  g_autofree float *input = NULL;
  g_autofree float *normalised = NULL;
  g_autofree float *out = NULL;
  float *result;

  g_return_val_if_fail (model != NULL && frame != NULL, NULL);
  if (!al_denoise_check_model (model, error)
      || !al_nn_model_grid (model, width, height, pixel_size_nm, &mw, &mh, error))
    return NULL;
  n = (gsize) mw * mh;
  if (!al_limits_check ((guint64) AL_DENOISE_FRAME_BUFFERS * sizeof (float)
                          * (n + (gsize) width * height),
                        "Denoising this frame", error))
    return NULL;
  input = g_try_new (float, n);
  normalised = g_try_new (float, n);
  out = g_try_new (float, n);
  if (input == NULL || normalised == NULL || out == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "Not enough memory to denoise a %u × %u px frame", mw, mh);
      return NULL;
    }
  if (mw == width && mh == height)
    memcpy (input, frame, sizeof (float) * n);
  else
    al_nn_resample_bilinear (frame, width, height, input, mw, mh, 1);
  mean_std (input, n, &raw_mean, &raw_std);
  memcpy (normalised, input, sizeof (float) * n);
  if (!al_nn_model_normalise_input (model, normalised, n, error))
    return NULL;
  opts.n_threads = n_threads;
  opts.memory_budget = MIN (AL_NN_DEFAULT_MEMORY_BUDGET,
                            (gsize) (al_limits_get_memory_budget () * AL_DENOISE_TILE_BUDGET_SHARE));
  if (!al_nn_run_tiled (model, normalised, mw, mh, 1, out, &opts, progress, cancellable, error))
    return NULL;
  denormalise (out, n, raw_mean, raw_std, normalised);
  if (mw == width && mh == height)
    return g_steal_pointer (&out);
  result = g_try_new (float, (gsize) width * height);
  if (result == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "Not enough memory for a %u × %u px denoised frame", width, height);
      return NULL;
    }
  al_nn_resample_bilinear (out, mw, mh, result, width, height, 1);
  return result;
}

/* Variance of the Laplacian over that of white noise of unit variance. */
#define AL_DENOISE_LAPLACIAN_GAIN 1.25

double
al_denoise_estimate_snr (const float *frame,
                         guint        width,
                         guint        height)
{
  double mean, std, lap = 0.0, signal;
  gsize n_lap = 0;

  if (width < 3 || height < 3)
    return 0.0;
  mean_std (frame, (gsize) width * height, &mean, &std);
  for (guint y = 1; y + 1 < height; y++)
    for (guint x = 1; x + 1 < width; x++)
      {
        const float *p = frame + (gsize) y * width + x;
        double l = p[0] - 0.25 * ((double) p[-1] + p[1] + p[-(gssize) width] + p[width]);
        lap += l * l;
        n_lap++;
      }
  lap /= n_lap * AL_DENOISE_LAPLACIAN_GAIN;
  signal = std * std - lap;
  if (!(lap > 0) || !(signal > 0))
    return 0.0;
  return sqrt (signal / lap);
}
