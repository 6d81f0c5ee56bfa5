/* al-log.c: the Laplacian-of-Gaussian response -σ²∇²(G_σ * I).
 *
 * At σ equal to the column's own Gaussian width the response to a column is
 * largest (Lindeberg, Int. J. Comput. Vision 30, 79 (1998)), and unlike plain
 * smoothing it keeps a dim column on the flank of a bright neighbour (S next
 * to Mo) a local maximum of its own.
 */
#include "detect/al-log.h"

#include <math.h>
#include <string.h>

#include "detect/al-filter.h"
#include "detect/al-parallel.h"

/* Side of the probe image used to measure the filter's noise gain, px. */
#define AL_LOG_PROBE_SIGMAS 12

typedef struct
{
  const float *smooth;
  float       *out;
  guint        width;
  guint        height;
  float        s2;
} Laplacian;

/* Rows [y0, y1) of -σ²∇² of the smoothed frame (mirrored edges). */
static void
laplacian_rows (gpointer data,
                guint    y0,
                guint    y1)
{
  const Laplacian *l = data;
  const float *smooth = l->smooth;
  float *out = l->out;
  guint width = l->width, height = l->height;
  float s2 = l->s2;

  for (guint y = y0; y < y1; y++)
    {
      guint ym = y > 0 ? y - 1 : MIN (1, height - 1), yp = y + 1 < height ? y + 1 : (height > 1 ? y - 1 : y);
      for (guint x = 0; x < width; x++)
        {
          guint xm = x > 0 ? x - 1 : MIN (1, width - 1), xp = x + 1 < width ? x + 1 : (width > 1 ? x - 1 : x);
          const float *r = smooth + (gsize) y * width;
          float lap = r[xm] + r[xp] + smooth[(gsize) ym * width + x] + smooth[(gsize) yp * width + x]
                      - 4.0f * r[x];
          out[(gsize) y * width + x] = -s2 * lap;
        }
    }
}

/* Returns a new map of -σ²∇²(G_σ * frame), same size as the frame. */
float *
al_log_response (const float *frame,
                 guint        width,
                 guint        height,
                 double       sigma_px)
{
  return al_log_response_threaded (frame, width, height, sigma_px, 1);
}

/* The same on `n_threads` threads (the same result). */
float *
al_log_response_threaded (const float *frame,
                          guint        width,
                          guint        height,
                          double       sigma_px,
                          guint        n_threads)
{
  g_autofree float *smooth = g_new (float, (gsize) width * height);
  float *out = g_new (float, (gsize) width * height);
  Laplacian l = { smooth, out, width, height, (float) (sigma_px * sigma_px) };

  al_filter_gaussian_threaded (frame, smooth, width, height, sigma_px, n_threads);
  al_parallel_range (n_threads, height, laplacian_rows, &l);
  return out;
}

/* The standard deviation of the response to white noise of unit variance:
 * the L2 norm of the filter, measured on an impulse. */
double
al_log_noise_gain (double sigma_px)
{
  guint n = (guint) (AL_LOG_PROBE_SIGMAS * MAX (sigma_px, 0.5)) | 1;
  g_autofree float *delta = g_new0 (float, (gsize) n * n);
  g_autofree float *resp = NULL;
  double sum = 0.0;

  delta[(gsize) (n / 2) * n + n / 2] = 1.0f;
  resp = al_log_response (delta, n, n, sigma_px);
  for (gsize i = 0; i < (gsize) n * n; i++)
    sum += (double) resp[i] * resp[i];
  return sqrt (sum);
}
