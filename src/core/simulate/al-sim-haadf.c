/* al-sim-haadf.c: HAADF-STEM image formation (incoherent imaging).
 *
 * The expected count at pixel p is
 *   λ(p) = D [Σ_c σ_c P_c(p) + A_px β]
 * with D the dose (e⁻/Å²), σ_c = κ Σ Zⁿ the column's cross-section for
 * scattering onto the annular detector (Å²), P_c the probe intensity
 * around the column integrated over the pixel (it sums to 1 over pixels),
 * A_px the pixel area (Å²) and β the fraction of the beam a support film
 * scatters onto the detector. So a column's counts summed over the image
 * are D σ_c whatever the pixel size, as on a real instrument.
 *
 * The probe is a Gaussian core (the aberration-corrected probe broadened by
 * thermal vibration and source size) plus a broad Gaussian tail holding a
 * fraction w of the intensity. The core is drawn per column in a window of
 * a few sigmas with exact pixel integration (differences of erf); the tail
 * is that core image convolved with a Gaussian of width
 * √(σ_tail² − σ_core²), separable, in plain C (no FFT, so the result is
 * the same bit for bit on every machine).
 */
#include "al-sim-private.h"

#include <math.h>
#include <string.h>

/* Half-width of the window a column's core is drawn in, in core sigmas. */
#define AL_SIM_CORE_WINDOW_SIGMAS 4.5
/* Half-width of the tail kernel, in its sigmas. */
#define AL_SIM_TAIL_KERNEL_SIGMAS 4.0
#define AL_SIM_ANGSTROM_PER_NM 10.0

double
al_sim_column_cross_section (const AlSimParams *params,
                             const AlSimColumn *column)
{
  double sum = 0;

  for (guint k = 0; k < column->n_z; k++)
    sum += pow (column->z[k], params->z_exponent);
  return params->cross_section * sum;
}

/* Pixel-integrated 1D Gaussian: out[t] for pixels first..first+n-1. */
static void
integrated_gaussian (double  centre,
                     double  sigma,
                     int     first,
                     int     n,
                     double *edges,
                     float  *out)
{
  double scale = 1.0 / (G_SQRT2 * sigma);

  for (int t = 0; t <= n; t++)
    edges[t] = erf ((first + t - 0.5 - centre) * scale);
  for (int t = 0; t < n; t++)
    out[t] = (float) (0.5 * (edges[t + 1] - edges[t]));
}

/* Draws the probe cores of n points (pixel coordinates, weights in
 * counts) into `canvas` (cw × ch, the image at offset pad). */
static void
draw_cores (guint         height,
            double        sigma,
            const double *px,
            const double *py,
            const double *weights,
            guint         n_points,
            const double *row_shift,
            float        *canvas,
            int           cw,
            int           ch,
            int           pad)
{
  int half = (int) ceil (AL_SIM_CORE_WINDOW_SIGMAS * sigma) + 1;
  int n = 2 * half + 1;
  g_autofree double *edges = g_new (double, n + 1);
  g_autofree float *gx = g_new (float, n);
  g_autofree float *gy = g_new (float, n);

  for (guint k = 0; k < n_points; k++)
    {
      double cx = px[k] + pad, cy = py[k] + pad;
      int x0 = (int) floor (cx) - half, y0 = (int) floor (cy) - half;

      if (x0 + n <= 0 || y0 + n <= 0 || x0 >= cw || y0 >= ch)
        continue;
      integrated_gaussian (cx, sigma, x0, n, edges, gx);
      integrated_gaussian (cy, sigma, y0, n, edges, gy);
      for (int t = 0; t < n; t++)
        {
          int y = y0 + t, image_row = y - pad;
          float wy = (float) (weights[k] * gy[t]);
          float *row;

          if (y < 0 || y >= ch)
            continue;
          row = canvas + (gsize) y * cw;
          if (row_shift != NULL && image_row >= 0 && image_row < (int) height
              && row_shift[image_row] != 0)
            {
              /* A scan line displaced along x sees the column elsewhere. */
              integrated_gaussian (cx - row_shift[image_row], sigma, x0, n, edges, gx);
              for (int s = 0; s < n; s++)
                if (x0 + s >= 0 && x0 + s < cw)
                  row[x0 + s] += wy * gx[s];
              integrated_gaussian (cx, sigma, x0, n, edges, gx);
              continue;
            }
          for (int s = 0; s < n; s++)
            if (x0 + s >= 0 && x0 + s < cw)
              row[x0 + s] += wy * gx[s];
        }
    }
}

static float *
gaussian_kernel (double sigma,
                 int   *half)
{
  float *kernel;
  double sum = 0;

  *half = MAX (1, (int) ceil (AL_SIM_TAIL_KERNEL_SIGMAS * sigma));
  kernel = g_new (float, 2 * *half + 1);
  for (int t = -*half; t <= *half; t++)
    sum += kernel[t + *half] = (float) exp (-0.5 * t * t / (sigma * sigma));
  for (int t = 0; t <= 2 * *half; t++)
    kernel[t] = (float) (kernel[t] / sum);
  return kernel;
}

/* out = in ⊗ G(sigma), separable, zero outside. */
void
al_sim_gaussian_blur (const float *in,
                      float       *out,
                      int          w,
                      int          h,
                      double       sigma)
{
  int half;
  g_autofree float *kernel = gaussian_kernel (sigma, &half);
  g_autofree float *line = g_new0 (float, w + 2 * half);
  g_autofree float *tmp = g_new0 (float, (gsize) w * h);

  /* Along x: taps outer, pixels inner, so the inner loop vectorises. */
  for (int y = 0; y < h; y++)
    {
      float *dst = tmp + (gsize) y * w;
      memcpy (line + half, in + (gsize) y * w, w * sizeof (float));
      for (int t = 0; t <= 2 * half; t++)
        {
          float k = kernel[t];
          const float *src = line + t;
          for (int x = 0; x < w; x++)
            dst[x] += k * src[x];
        }
    }
  /* Along y: whole rows at a time. */
  memset (out, 0, (gsize) w * h * sizeof (float));
  for (int y = 0; y < h; y++)
    {
      float *dst = out + (gsize) y * w;
      for (int t = -half; t <= half; t++)
        {
          int ys = y + t;
          float k = kernel[t + half];
          const float *src;
          if (ys < 0 || ys >= h)
            continue;
          src = tmp + (gsize) ys * w;
          for (int x = 0; x < w; x++)
            dst[x] += k * src[x];
        }
    }
}

void
al_sim_probe_render (guint         width,
                     guint         height,
                     double        sigma_core_px,
                     double        sigma_tail_px,
                     double        tail_fraction,
                     const double *px,
                     const double *py,
                     const double *counts,
                     guint         n_points,
                     const double *row_shift,
                     float        *out)
{
  double w = tail_fraction;
  double tail_blur = sqrt (MAX (sigma_tail_px * sigma_tail_px - sigma_core_px * sigma_core_px, 0.0));
  gboolean has_tail = w > 0 && tail_blur > 0;
  int pad = (has_tail ? (int) ceil (AL_SIM_TAIL_KERNEL_SIGMAS * tail_blur) : 0) + 2;
  int cw = (int) width + 2 * pad, ch = (int) height + 2 * pad;
  g_autofree float *core = g_new0 (float, (gsize) cw * ch);
  g_autofree float *tail = NULL;
  float a = (float) (has_tail ? 1.0 - w : 1.0), b = (float) w;

  draw_cores (height, sigma_core_px, px, py, counts, n_points, row_shift, core, cw, ch, pad);
  if (has_tail)
    {
      tail = g_new (float, (gsize) cw * ch);
      al_sim_gaussian_blur (core, tail, cw, ch, tail_blur);
    }
  for (guint y = 0; y < height; y++)
    {
      const float *src = core + (gsize) (y + pad) * cw + pad;
      const float *srt = tail ? tail + (gsize) (y + pad) * cw + pad : NULL;
      float *dst = out + (gsize) y * width;
      for (guint x = 0; x < width; x++)
        dst[x] = a * src[x] + (srt ? b * srt[x] : 0.0f);
    }
}

void
al_sim_haadf_render (const AlSimParams *params,
                     const GArray      *columns,
                     const double      *row_shift,
                     float             *out)
{
  double pix = params->pixel_size_nm;
  double pixel_area = pow (pix * AL_SIM_ANGSTROM_PER_NM, 2);
  float bg = (float) (params->dose * pixel_area * params->background);
  g_autofree double *px = g_new (double, MAX (columns->len, 1));
  g_autofree double *py = g_new (double, MAX (columns->len, 1));
  g_autofree double *counts = g_new (double, MAX (columns->len, 1));
  guint n = 0;
  gsize n_pixels = (gsize) params->width * params->height;

  for (guint k = 0; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      if (c->removed)
        continue;
      px[n] = c->x / pix;
      py[n] = c->y / pix;
      counts[n] = params->dose * al_sim_column_cross_section (params, c);
      n++;
    }
  al_sim_probe_render (params->width, params->height, params->probe_sigma_nm / pix,
                       params->tail_sigma_nm / pix, params->tail_fraction, px, py, counts, n,
                       row_shift, out);
  for (gsize q = 0; q < n_pixels; q++)
    out[q] += bg;
}

void
al_sim_noise_apply (const AlSimParams *params,
                    float             *pixels,
                    gsize              n,
                    AlSimRng          *rng)
{
  for (gsize q = 0; q < n; q++)
    {
      double v = al_sim_rng_poisson (rng, pixels[q]);
      if (params->detector_noise > 0)
        v += params->detector_noise * al_sim_rng_normal (rng);
      pixels[q] = (float) v;
    }
}
