/* al-refine-profile.c: the columns' shared Gaussian width, measured on a
 * radial profile with independent halves of the pixels (see below).
 */
#include "detect/al-refine-private.h"

#include <string.h>

/* Columns used to measure the width profile, at most. */
#define AL_REFINE_PROFILE_COLUMNS 4000
/* Radial bins of the width profile, px. */
#define AL_REFINE_PROFILE_BIN_PX 0.25
/* A column whose half-image fit places it no better than this many widths
 * (standard error) is left out of the profile: its position is noise, and
 * its variance, taken out of the profile's below, can be any size (one
 * column with a 200 px error, on a 4500-column WS2 image at 10⁴ e⁻/Å²,
 * once took the width to half its value and lost 60 % of the columns). */
#define AL_REFINE_PROFILE_MAX_SE_WIDTHS 1.0

/* Gaussian width of the radial profile summed over columns (each minus the
 * other columns' model and its background), out to `radius_px`.
 *
 * A column's fitted position is pulled towards its own noise, so a profile
 * taken about it looks sharper than the column is, and a width fitted along
 * with every position comes out low at low dose. Here positions are fitted
 * on one half of the pixels (a checkerboard) and the profile is read on the
 * other half, whose noise is independent, then the halves swap. Returns 0
 * when there is nothing to measure. */
double
al_refine_profile_width (const float          *image,
                         guint                 width,
                         guint                 height,
                         const AlColumnFit    *columns,
                         guint                 n_columns,
                         double                radius_px,
                         const AlRefineParams *params)
{
  const double bin = AL_REFINE_PROFILE_BIN_PX;
  int n_bins = (int) ceil (radius_px / bin);
  g_autofree float *model = g_new (float, (gsize) width * height);
  g_autofree double *sum = g_new0 (double, n_bins);
  g_autofree double *count = g_new0 (double, n_bins);
  g_autofree AlColumnFit *subset = NULL;
  g_autofree AlColumnFit *refit = NULL;
  g_autofree guint *index = NULL;
  double best_cost = G_MAXDOUBLE, best = 0.0, se2 = 0.0, max_se;
  guint n_se = 0;
  guint n_sub = 0, stride = MAX (1, n_columns / AL_REFINE_PROFILE_COLUMNS);
  int r = (int) ceil (radius_px);
  AlSweepJob job = { 0 };

  subset = g_new (AlColumnFit, n_columns / stride + 1);
  refit = g_new (AlColumnFit, n_columns / stride + 1);
  index = g_new (guint, n_columns / stride + 1);
  for (guint c = 0; c < n_columns; c += stride)
    if (columns[c].ok)
      {
        index[n_sub] = c;
        subset[n_sub++] = columns[c];
      }
  if (n_sub == 0)
    return 0.0;

  al_refine_render_threaded (model, width, height, columns, n_columns, params->n_threads);
  job.image = image;
  job.model = model;
  job.width = width;
  job.height = height;
  job.params = params;
  job.fix_width = TRUE;
  job.fixed_width = subset[0].width;
  max_se = AL_REFINE_PROFILE_MAX_SE_WIDTHS * job.fixed_width;
  job.radius = CLAMP ((int) ceil (AL_REFINE_WINDOW_SIGMAS * params->width_px), 2, 120);

  for (int parity = 0; parity < 2; parity++)
    {
      job.parity = parity;
      job.old = subset;
      job.new = refit;
      al_refine_run_sweep (&job, n_sub, params->n_threads);
      for (guint k = 0; k < n_sub; k++)
        {
          const AlColumnFit *orig = &columns[index[k]];
          const AlColumnFit *col = &refit[k];
          AlWindow w;
          if (!col->ok || !(orig->amplitude > 0)
              || !(MAX (col->se_x, col->se_y) <= max_se))
            continue;
          se2 += 0.5 * (col->se_x * col->se_x + col->se_y * col->se_y);
          n_se++;
          w = al_column_window (col->x, col->y, r, width, height);
          for (int y = w.y0; y < w.y1; y++)
            for (int x = w.x0; x < w.x1; x++)
              {
                double d2 = (x - col->x) * (x - col->x) + (y - col->y) * (y - col->y);
                double o2 = (x - orig->x) * (x - orig->x) + (y - orig->y) * (y - orig->y);
                int b = (int) (sqrt (d2) / bin);
                gsize i = (gsize) y * width + x;
                double own = orig->amplitude * exp (-0.5 * o2 / (orig->width * orig->width));
                if (b >= n_bins || ((x + y) & 1) == parity)
                  continue;
                /* Normalised by the amplitude: bright and dim columns weigh
                 * alike in the shape. */
                sum[b] += (image[i] - model[i] + own - orig->background) / orig->amplitude;
                count[b] += 1.0;
              }
        }
    }

  /* Profile ≈ K exp(-r²/2s²) + c: linear in K and c for each s tried. */
  for (double s = 0.15 * radius_px; s <= radius_px; s += 0.002 * radius_px)
    {
      double a[3] = { 0 }, v[2] = { 0 }, det, k, c0, cost = 0;
      for (int b = 0; b < n_bins; b++)
        {
          double rr = (b + 0.5) * bin, g = exp (-0.5 * rr * rr / (s * s)), p;
          if (count[b] == 0)
            continue;
          p = sum[b] / count[b];
          a[0] += count[b] * g * g;
          a[1] += count[b] * g;
          a[2] += count[b];
          v[0] += count[b] * g * p;
          v[1] += count[b] * p;
        }
      det = a[0] * a[2] - a[1] * a[1];
      if (fabs (det) < 1e-300)
        continue;
      k = (a[2] * v[0] - a[1] * v[1]) / det;
      c0 = (a[0] * v[1] - a[1] * v[0]) / det;
      for (int b = 0; b < n_bins; b++)
        {
          double rr = (b + 0.5) * bin, p;
          if (count[b] == 0)
            continue;
          p = sum[b] / count[b];
          cost += count[b] * pow (p - k * exp (-0.5 * rr * rr / (s * s)) - c0, 2);
        }
      if (cost < best_cost)
        {
          best_cost = cost;
          best = s;
        }
    }
  /* The half-image positions scatter independently of the profile's
   * pixels and blur it by their variance: take that out. */
  se2 = n_se > 0 ? se2 / n_se : 0.0;
  return best > 0 ? sqrt (MAX (best * best - se2, 0.25 * best * best)) : 0.0;
}
