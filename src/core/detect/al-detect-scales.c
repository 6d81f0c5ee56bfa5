/* al-detect-scales.c: the scales detection works at, measured on the
 * image: the column width (one shared Gaussian sigma fitted to every
 * column of a central crop) and, for an unknown structure, the
 * nearest-neighbour distance.
 */
#include "detect/al-detect-private.h"

#include <math.h>
#include <string.h>

#include "detect/al-filter.h"
#include "detect/al-log.h"

/* A central crop of at most `side` px, copied. */
float *
al_detect_central_crop (const float *frame,
              guint        width,
              guint        height,
              guint        side,
              guint       *cw,
              guint       *ch)
{
  guint w = MIN (width, side), h = MIN (height, side);
  guint x0 = (width - w) / 2, y0 = (height - h) / 2;
  float *crop = g_new (float, (gsize) w * h);

  for (guint y = 0; y < h; y++)
    memcpy (crop + (gsize) y * w, frame + (gsize) (y + y0) * width + x0, w * sizeof *crop);
  *cw = w;
  *ch = h;
  return crop;
}

/* Starting fits at the peaks: amplitude above the local background. */
AlColumnFit *
al_detect_columns_from_peaks (const float *frame,
                    const float *background,
                    guint        width,
                    GArray      *peaks,
                    double       width_px)
{
  AlColumnFit *cols = g_new0 (AlColumnFit, MAX (peaks->len, 1));

  for (guint i = 0; i < peaks->len; i++)
    {
      const AlPeak *p = &g_array_index (peaks, AlPeak, i);
      gsize k = (gsize) lround (p->y) * width + (gsize) lround (p->x);
      cols[i].x = p->x;
      cols[i].y = p->y;
      cols[i].background = background[k];
      cols[i].amplitude = MAX (frame[k] - background[k], 1e-6);
      cols[i].width = width_px;
      cols[i].ok = TRUE;
    }
  return cols;
}

double
al_detect_median_double (GArray *values)
{
  g_autofree float *f = g_new (float, MAX (values->len, 1));
  for (guint i = 0; i < values->len; i++)
    f[i] = (float) g_array_index (values, double, i);
  return al_filter_percentile (f, values->len, 0.5);
}

/* Sum of squared residuals of the columns `fits` (fitted with `width_px`
 * fixed) over the inside of the crop; `median_z` (nullable) gets the
 * median significance of the fitted columns. */
static double
width_cost (const float *crop,
            guint        cw,
            guint        ch,
            GArray      *peaks,
            const float *bg,
            double       width_px,
            double       neighbour_px,
            guint        n_threads,
            GCancellable *cancellable,
            double      *median_z)
{
  g_autofree AlColumnFit *cols = al_detect_columns_from_peaks (crop, bg, cw, peaks, width_px);
  g_autofree float *model = g_new (float, (gsize) cw * ch);
  g_autofree float *back = g_new (float, (gsize) cw * ch);
  AlRefineParams rp;
  guint margin = (guint) ceil (neighbour_px);
  double sse = 0.0;

  al_refine_params_init (&rp, width_px);
  rp.known_width = TRUE;
  rp.weighted = FALSE;
  rp.max_sweeps = 2;
  rp.n_threads = n_threads;
  rp.max_shift_px = 0.5 * neighbour_px;
  rp.background_scale_px = neighbour_px;
  if (!al_refine_columns (crop, cw, ch, cols, peaks->len, &rp, cancellable, NULL))
    return G_MAXDOUBLE;
  if (median_z != NULL)
    {
      g_autoptr (GArray) z = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint i = 0; i < peaks->len; i++)
        {
          double zi = al_detect_significance (&cols[i]);
          g_array_append_val (z, zi);
        }
      *median_z = al_detect_median_double (z);
    }
  al_refine_render (model, cw, ch, cols, peaks->len);
  for (gsize i = 0; i < (gsize) cw * ch; i++)
    model[i] = crop[i] - model[i];
  al_filter_background (model, back, cw, ch, neighbour_px);
  for (guint y = margin; y + margin < ch; y++)
    for (guint x = margin; x + margin < cw; x++)
      {
        gsize i = (gsize) y * cw + x;
        double r = model[i] - back[i];
        sse += r * r;
      }
  return sse;
}

/* The column sigma: the one width with which Gaussians fitted to every
 * column of a central crop explain it best (golden-section search on the
 * residual). One shared parameter fitted to thousands of pixels is robust
 * where free widths of single noisy columns are biased. Once
 * `cancellable` is cancelled it returns soon, with a meaningless width:
 * the caller checks. */
double
al_detect_measure_width (const float *frame,
               guint        width,
               guint        height,
               double       neighbour_px,
               double       noise,
               GArray      *fits,
               gboolean     on_lattice,
               guint        n_threads,
               GCancellable *cancellable)
{
  const double golden = 0.6180339887498949;
  guint cw, ch;
  g_autofree float *crop = al_detect_central_crop (frame, width, height, AL_DETECT_WIDTH_CROP, &cw, &ch);
  double guess = AL_DETECT_WIDTH_GUESS_FRACTION * neighbour_px;
  g_autofree float *map = al_log_response (crop, cw, ch, AL_LOG_SCALE_FRACTION * guess);
  g_autofree float *bg = g_new (float, (gsize) cw * ch);
  g_autoptr (GArray) peaks = NULL;
  double lo = AL_DETECT_MIN_WIDTH_FRACTION * neighbour_px;
  double hi = AL_DETECT_MAX_WIDTH_FRACTION * neighbour_px;
  double a, b, fa, fb;

  al_filter_background (crop, bg, cw, ch, neighbour_px);
  if (fits != NULL)
    {
      /* The columns already found: free candidates on noise would fit it
       * better with narrow Gaussians, and bias the width low. */
      guint x0 = (width - cw) / 2, y0 = (height - ch) / 2;
      peaks = g_array_new (FALSE, FALSE, sizeof (AlPeak));
      for (guint i = 0; i < fits->len; i++)
        {
          const AlColumnFit *c = &g_array_index (fits, AlColumnFit, i);
          AlPeak p = { (float) (c->x - x0), (float) (c->y - y0), (float) c->amplitude };
          if (p.x >= 0 && p.y >= 0 && p.x <= cw - 1 && p.y <= ch - 1)
            g_array_append_val (peaks, p);
        }
    }
  else
    peaks = al_peaks_find (map, cw, ch, AL_DETECT_NMS_FRACTION * neighbour_px,
                           (float) (AL_DETECT_CANDIDATE_SIGMAS * noise
                                    * al_log_noise_gain (AL_LOG_SCALE_FRACTION * guess)), 1);
  if (peaks->len < 3)
    return guess;
  a = hi - golden * (hi - lo);
  b = lo + golden * (hi - lo);
  fa = width_cost (crop, cw, ch, peaks, bg, a, neighbour_px, n_threads, cancellable, NULL);
  fb = width_cost (crop, cw, ch, peaks, bg, b, neighbour_px, n_threads, cancellable, NULL);
  for (int it = 0; it < AL_DETECT_WIDTH_ITERATIONS; it++)
    {
      /* Each step fits every column of the crop (tens of ms at 2048²). */
      if (g_cancellable_is_cancelled (cancellable))
        return guess;
      if (fa < fb)
        {
          hi = b;
          b = a;
          fb = fa;
          a = hi - golden * (hi - lo);
          fa = width_cost (crop, cw, ch, peaks, bg, a, neighbour_px, n_threads, cancellable, NULL);
        }
      else
        {
          lo = a;
          a = b;
          fa = fb;
          b = lo + golden * (hi - lo);
          fb = width_cost (crop, cw, ch, peaks, bg, b, neighbour_px, n_threads, cancellable, NULL);
        }
    }
  {
    double w = 0.5 * (lo + hi), z = 0.0;
    width_cost (crop, cw, ch, peaks, bg, w, neighbour_px, n_threads, cancellable, &z);
    g_debug ("detect: width %g px (guess %g), median significance %g", w, guess, z);
    /* In a noisy image narrow Gaussians on the noise explain the residual
     * best, and the measured width collapses towards a pixel (graphene at
     * 0.05 nm/px: 0.59 px for 0.8, and nothing found): below this
     * significance, and where the material's lattice is seen (so that the
     * guess is a column's scale, not a blob's), the width is no narrower
     * than the lattice-scale guess. */
    return on_lattice && z < AL_DETECT_WIDTH_MIN_SIGNIFICANCE ? MAX (w, guess) : w;
  }
}

/* Nearest-neighbour distance of an unknown structure: the median distance
 * from each significant peak (well above the noise of the map) to its
 * nearest one. */
double
al_detect_measure_neighbour (const float *frame,
                   guint        width,
                   guint        height,
                   double       period_px,
                   double       noise)
{
  guint cw, ch;
  g_autofree float *crop = al_detect_central_crop (frame, width, height, 2 * AL_DETECT_WIDTH_CROP, &cw, &ch);
  double sigma = MAX (0.08 * period_px, 0.7);
  g_autofree float *map = al_log_response (crop, cw, ch, sigma);
  float threshold = (float) (AL_DETECT_NEIGHBOUR_SIGMAS * noise * al_log_noise_gain (sigma));
  g_autoptr (GArray) peaks = al_peaks_find (map, cw, ch, 0.25 * period_px, threshold, 1);
  g_autoptr (GArray) nn = g_array_new (FALSE, FALSE, sizeof (double));

  if (peaks->len < 4)
    return period_px / sqrt (3.0);
  for (guint i = 0; i < peaks->len; i++)
    {
      const AlPeak *a = &g_array_index (peaks, AlPeak, i);
      double best = G_MAXDOUBLE;
      for (guint j = 0; j < peaks->len; j++)
        {
          const AlPeak *b = &g_array_index (peaks, AlPeak, j);
          double d = hypot (a->x - b->x, a->y - b->y);
          if (j != i && d < best)
            best = d;
        }
      g_array_append_val (nn, best);
    }
  return MIN (al_detect_median_double (nn), period_px);
}
