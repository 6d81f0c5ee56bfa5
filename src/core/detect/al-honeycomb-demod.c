/* al-honeycomb-demod.c: one grain's lattice demodulated at its three
 * first-order vectors (steps 2 and 3 of al-honeycomb-lattice.c): the
 * local complex amplitude of each Bragg spot, averaged over a Gaussian
 * window on a grid of blocks; g refined by the phase gradient.
 */
#include "detect/al-honeycomb-private.h"

#include <math.h>

/* Demodulation blocks per window sigma. */
#define AL_HC_BLOCKS_PER_SIGMA 3.0

void
al_hc_demod_clear (AlHcDemod *d)
{
  for (int j = 0; j < 3; j++)
    {
      g_clear_pointer (&d->re[j], g_free);
      g_clear_pointer (&d->im[j], g_free);
    }
}

/* Sum of squares of the normalised sampled Gaussian kernel (1-D). */
static double
kernel_power (double sigma)
{
  int radius = MAX (1, (int) ceil (3.0 * sigma));
  double sum = 0, sum2 = 0;

  for (int i = -radius; i <= radius; i++)
    {
      double k = exp (-0.5 * i * i / (sigma * sigma));
      sum += k;
      sum2 += k * k;
    }
  return sum2 / (sum * sum);
}

/* Gaussian blur of a block map with the window cut at the edges (each
 * value the mean over what of its window is inside): a mirrored edge
 * would reflect the lattice wave and pull the phase near the edges. */
static void
blur_truncated (float  *map,
                guint   cw,
                guint   ch,
                double  sigma)
{
  int radius = MAX (1, (int) ceil (3.0 * sigma));
  g_autofree double *k = g_new (double, 2 * radius + 1);
  g_autofree double *line = g_new (double, MAX (cw, ch));

  for (int i = -radius; i <= radius; i++)
    k[i + radius] = exp (-0.5 * i * i / (sigma * sigma));
  for (int pass = 0; pass < 2; pass++)
    {
      guint n = pass == 0 ? cw : ch, lines = pass == 0 ? ch : cw;
      gsize step = pass == 0 ? 1 : cw, stride = pass == 0 ? cw : 1;
      for (guint l = 0; l < lines; l++)
        {
          float *v = map + l * stride;
          for (guint i = 0; i < n; i++)
            {
              double sum = 0, wsum = 0;
              for (int t = MAX (-(int) i, -radius); t <= MIN ((int) (n - 1 - i), radius); t++)
                {
                  sum += k[t + radius] * v[(i + t) * step];
                  wsum += k[t + radius];
                }
              line[i] = sum / wsum;
            }
          for (guint i = 0; i < n; i++)
            v[i * step] = (float) line[i];
        }
    }
}

/* Demodulates `image` at the grain's three first-order vectors. */
void
al_hc_demod_compute (AlHcDemod   *d,
                     const float *image,
                     guint        width,
                     guint        height,
                     double       noise_sigma)
{
  double sigma_blocks;
  g_autofree double *ex = g_new (double, 2 * width);
  g_autofree float *count = NULL;
  gsize nb;

  d->q = MAX (1u, (guint) floor (d->window / AL_HC_BLOCKS_PER_SIGMA));
  d->cw = (width + d->q - 1) / d->q;
  d->ch = (height + d->q - 1) / d->q;
  nb = (gsize) d->cw * d->ch;
  sigma_blocks = d->window / d->q;
  count = g_new0 (float, nb);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      count[(gsize) (y / d->q) * d->cw + x / d->q] += 1.0f;
  for (int j = 0; j < 3; j++)
    {
      d->re[j] = g_new0 (float, nb);
      d->im[j] = g_new0 (float, nb);
      for (guint x = 0; x < width; x++)
        {
          double ph = -2.0 * G_PI * d->g[j][0] * x;
          ex[2 * x] = cos (ph);
          ex[2 * x + 1] = sin (ph);
        }
      for (guint y = 0; y < height; y++)
        {
          double ph = -2.0 * G_PI * d->g[j][1] * y, cy = cos (ph), sy = sin (ph);
          const float *row = image + (gsize) y * width;
          float *re = d->re[j] + (gsize) (y / d->q) * d->cw;
          float *im = d->im[j] + (gsize) (y / d->q) * d->cw;
          for (guint x = 0; x < width; x++)
            {
              double c = ex[2 * x] * cy - ex[2 * x + 1] * sy;
              double s = ex[2 * x] * sy + ex[2 * x + 1] * cy;
              re[x / d->q] += (float) (row[x] * c);
              im[x / d->q] += (float) (row[x] * s);
            }
        }
      for (gsize i = 0; i < nb; i++)
        {
          d->re[j][i] /= count[i];
          d->im[j][i] /= count[i];
        }
      blur_truncated (d->re[j], d->cw, d->ch, sigma_blocks);
      blur_truncated (d->im[j], d->cw, d->ch, sigma_blocks);
    }
  d->noise_var = noise_sigma * noise_sigma / ((double) d->q * d->q)
                 * pow (kernel_power (sigma_blocks), 2);
}

/* The mean phase gradient of d_j over the image is what g_j is off by:
 * moves g_0 and g_1 there (g_2 = −g_0 − g_1). The gradient is read
 * between blocks two window sigmas apart, whose noise is independent (the
 * noise of neighbouring blocks, shared through the window, would pull it
 * towards zero). */
double
al_hc_demod_refine_g (AlHcDemod *d,
                      gboolean   rotation_only)
{
  double moved = 0, turn = 0;
  guint step = MAX (1u, MIN ((guint) lround (2.0 * d->window / d->q), MIN (d->cw, d->ch) / 2));

  for (int j = 0; j < 2; j++)
    {
      double sx_re = 0, sx_im = 0, sy_re = 0, sy_im = 0;
      const float *re = d->re[j], *im = d->im[j];
      for (guint v = 0; v < d->ch; v++)
        for (guint u = 0; u < d->cw; u++)
          {
            gsize i = (gsize) v * d->cw + u;
            /* d(there) · conj(d(here)) */
            if (u + step < d->cw)
              {
                sx_re += re[i + step] * re[i] + im[i + step] * im[i];
                sx_im += im[i + step] * re[i] - re[i + step] * im[i];
              }
            if (v + step < d->ch)
              {
                gsize k = i + (gsize) step * d->cw;
                sy_re += re[k] * re[i] + im[k] * im[i];
                sy_im += im[k] * re[i] - re[k] * im[i];
              }
          }
      double dx = 0, dy = 0;
      if (sx_re != 0 || sx_im != 0)
        dx = atan2 (sx_im, sx_re) / (2.0 * G_PI * step * d->q);
      if (sy_re != 0 || sy_im != 0)
        dy = atan2 (sy_im, sy_re) / (2.0 * G_PI * step * d->q);
      if (rotation_only)
        {
          double g2 = d->g[j][0] * d->g[j][0] + d->g[j][1] * d->g[j][1];
          turn += 0.5 * (d->g[j][0] * dy - d->g[j][1] * dx) / g2;
          continue;
        }
      d->g[j][0] += dx;
      d->g[j][1] += dy;
      moved = MAX (moved, hypot (dx, dy));
    }
  if (rotation_only)
    for (int j = 0; j < 2; j++)
      {
        double x = d->g[j][0], y = d->g[j][1];
        d->g[j][0] = x * cos (turn) - y * sin (turn);
        d->g[j][1] = x * sin (turn) + y * cos (turn);
        moved = MAX (moved, fabs (turn) * hypot (x, y));
      }
  d->g[2][0] = -d->g[0][0] - d->g[1][0];
  d->g[2][1] = -d->g[0][1] - d->g[1][1];
  return moved;
}

void
al_hc_demod_set_basis (AlHcDemod *d)
{
  double det = d->g[0][0] * d->g[1][1] - d->g[0][1] * d->g[1][0];

  d->a1[0] = d->g[1][1] / det;
  d->a1[1] = -d->g[1][0] / det;
  d->a2[0] = -d->g[0][1] / det;
  d->a2[1] = d->g[0][0] / det;
}

/* Bilinear value of a block map at pixel (x, y). */
double
al_hc_demod_sample (const AlHcDemod *d,
                    const float     *map,
                    double           x,
                    double           y)
{
  double u = CLAMP ((x + 0.5) / d->q - 0.5, 0.0, d->cw - 1.0);
  double v = CLAMP ((y + 0.5) / d->q - 0.5, 0.0, d->ch - 1.0);
  guint u0 = MIN ((guint) u, d->cw - 1), v0 = MIN ((guint) v, d->ch - 1);
  guint u1 = MIN (u0 + 1, d->cw - 1), v1 = MIN (v0 + 1, d->ch - 1);
  double fu = u - u0, fv = v - v0;

  return (1 - fv) * ((1 - fu) * map[(gsize) v0 * d->cw + u0] + fu * map[(gsize) v0 * d->cw + u1])
         + fv * ((1 - fu) * map[(gsize) v1 * d->cw + u0] + fu * map[(gsize) v1 * d->cw + u1]);
}

/* Lattice signal power at (x, y): the spots' mean squared amplitude less
 * the noise's share. */
double
al_hc_demod_signal (const AlHcDemod *d,
                    double           x,
                    double           y)
{
  double e = 0;

  for (int j = 0; j < 3; j++)
    {
      double re = al_hc_demod_sample (d, d->re[j], x, y), im = al_hc_demod_sample (d, d->im[j], x, y);
      e += re * re + im * im;
    }
  return e / 3.0 - d->noise_var;
}

