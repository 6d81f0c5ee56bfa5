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

/* Side of the probe image used to measure the filter's noise gain, px. */
#define AL_LOG_PROBE_SIGMAS 12

/* Returns a new map of -σ²∇²(G_σ * frame), same size as the frame. */
float *
al_log_response (const float *frame,
                 guint        width,
                 guint        height,
                 double       sigma_px)
{
  g_autofree float *smooth = g_new (float, (gsize) width * height);
  float *out = g_new0 (float, (gsize) width * height);
  float s2 = (float) (sigma_px * sigma_px);

  al_filter_gaussian (frame, smooth, width, height, sigma_px);
  for (guint y = 0; y < height; y++)
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
