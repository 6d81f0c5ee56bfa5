/* al-detect.c: the detection stage entry (see al-detect.h).
 *
 * Distances come from the lattice: the nearest-neighbour column distance
 * (from the FFT period and the material, or measured on peaks when the
 * structure is unknown) sets the suppression radius; the column width,
 * measured by free Gaussian fits on a central crop, sets the filter scale
 * and the fitting windows. Candidates are taken generously, fitted, and
 * kept only when their fitted amplitude is significant and bright enough
 * for the dimmest species the material can have; the survivors are fitted
 * again without the rejected ones pulling on them.
 */
#include "detect/al-detect.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-filter.h"
#include "detect/al-log.h"
#include "detect/al-peaks.h"
#include "detect/al-refine.h"
#include "detect/al-sites.h"

#define AL_DETECT_MIN_SIDE 8
/* Suppression radius and duplicate distance, in nearest-neighbour distances. */
#define AL_DETECT_NMS_FRACTION 0.6
#define AL_DETECT_DUPLICATE_FRACTION 0.45
/* First guess of the column sigma, in nearest-neighbour distances. */
#define AL_DETECT_WIDTH_GUESS_FRACTION 0.25
/* Candidates: this many noise sigmas of the map... */
#define AL_DETECT_CANDIDATE_SIGMAS 3.0
/* ...and this fraction of a bright peak's response. */
#define AL_DETECT_CANDIDATE_FRACTION 0.04
/* Default significance of a kept column: amplitude / its standard error. */
#define AL_DETECT_MIN_SIGNIFICANCE 5.0
/* A faint column (below the default significance) is kept at this
 * significance when it sits on a lattice site of significant columns. */
#define AL_DETECT_FAINT_SIGNIFICANCE 2.0
/* A kept column is at least this fraction of the dimmest species' expected
 * brightness (relative to the brightest species of the perfect crystal). */
#define AL_DETECT_DIMMEST_FRACTION 0.5
/* Brightness reference: this percentile of fitted amplitudes. */
#define AL_DETECT_REFERENCE_PERCENTILE 0.75
/* Without a material, keep columns above this fraction of the reference. */
#define AL_DETECT_UNKNOWN_FRACTION 0.1
/* Peaks counted when measuring an unknown structure's neighbour distance:
 * this many noise sigmas of the map. */
#define AL_DETECT_NEIGHBOUR_SIGMAS 6.0
/* Side of the central crop on which the column width is measured, px. */
#define AL_DETECT_WIDTH_CROP 256
/* The width searched, in nearest-neighbour distances, and the search steps. */
#define AL_DETECT_MIN_WIDTH_FRACTION 0.1
#define AL_DETECT_MAX_WIDTH_FRACTION 0.5
#define AL_DETECT_WIDTH_ITERATIONS 8
/* The measured width is trusted (even when narrower than the guess) when
 * the median column fitted with it is this significant. */
#define AL_DETECT_WIDTH_MIN_SIGNIFICANCE 8.0
/* The radial profile that measures the width reaches this far, in
 * nearest-neighbour distances. */
#define AL_DETECT_PROFILE_RADIUS 0.5
/* Sigma of the position prior of a fit, in nearest-neighbour distances. */
#define AL_DETECT_POSITION_PRIOR 0.2
/* Sweeps of the joint fit after each round of new candidates. */
#define AL_DETECT_SWEEPS 4
/* Rounds of looking for columns in the residual of the fit. */
#define AL_DETECT_RESIDUAL_ROUNDS 4
/* A residual peak is a candidate this many noise sigmas up. */
#define AL_DETECT_RESIDUAL_SIGMAS 2.5
/* Pixels sampled for the residual's noise. */
#define AL_DETECT_NOISE_SAMPLES 262144
/* Network maps: a column is where the atom probability passes one half. */
#define AL_DETECT_PROB_THRESHOLD 0.5f
#define AL_DETECT_Z_EXPONENT 1.7

void
al_detect_params_init (AlDetectParams *params)
{
  memset (params, 0, sizeof *params);
  params->min_significance = AL_DETECT_MIN_SIGNIFICANCE;
  params->n_threads = 1;
}

/* A central crop of at most `side` px, copied. */
static float *
central_crop (const float *frame,
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
static AlColumnFit *
columns_from_peaks (const float *frame,
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

static GArray *
fits_from_peaks (const float *frame,
                 const float *background,
                 guint        width,
                 GArray      *peaks,
                 double       width_px)
{
  g_autofree AlColumnFit *cols = columns_from_peaks (frame, background, width, peaks, width_px);
  GArray *fits = g_array_sized_new (FALSE, FALSE, sizeof (AlColumnFit), peaks->len);

  g_array_append_vals (fits, cols, peaks->len);
  return fits;
}

static double
median_double (GArray *values)
{
  g_autofree float *f = g_new (float, MAX (values->len, 1));
  for (guint i = 0; i < values->len; i++)
    f[i] = (float) g_array_index (values, double, i);
  return al_filter_percentile (f, values->len, 0.5);
}

static double
significance (const AlColumnFit *c)
{
  return c->se_amplitude > 0 ? c->amplitude / c->se_amplitude : 0.0;
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
            double      *median_z)
{
  g_autofree AlColumnFit *cols = columns_from_peaks (crop, bg, cw, peaks, width_px);
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
  if (!al_refine_columns (crop, cw, ch, cols, peaks->len, &rp, NULL, NULL))
    return G_MAXDOUBLE;
  if (median_z != NULL)
    {
      g_autoptr (GArray) z = g_array_new (FALSE, FALSE, sizeof (double));
      for (guint i = 0; i < peaks->len; i++)
        {
          double zi = significance (&cols[i]);
          g_array_append_val (z, zi);
        }
      *median_z = median_double (z);
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
 * where free widths of single noisy columns are biased. */
static double
measure_width (const float *frame,
               guint        width,
               guint        height,
               double       neighbour_px,
               double       noise,
               GArray      *fits,
               gboolean     on_lattice,
               guint        n_threads)
{
  const double golden = 0.6180339887498949;
  guint cw, ch;
  g_autofree float *crop = central_crop (frame, width, height, AL_DETECT_WIDTH_CROP, &cw, &ch);
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
  fa = width_cost (crop, cw, ch, peaks, bg, a, neighbour_px, n_threads, NULL);
  fb = width_cost (crop, cw, ch, peaks, bg, b, neighbour_px, n_threads, NULL);
  for (int it = 0; it < AL_DETECT_WIDTH_ITERATIONS; it++)
    {
      if (fa < fb)
        {
          hi = b;
          b = a;
          fb = fa;
          a = hi - golden * (hi - lo);
          fa = width_cost (crop, cw, ch, peaks, bg, a, neighbour_px, n_threads, NULL);
        }
      else
        {
          lo = a;
          a = b;
          fa = fb;
          b = lo + golden * (hi - lo);
          fb = width_cost (crop, cw, ch, peaks, bg, b, neighbour_px, n_threads, NULL);
        }
    }
  {
    double w = 0.5 * (lo + hi), z = 0.0;
    width_cost (crop, cw, ch, peaks, bg, w, neighbour_px, n_threads, &z);
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
static double
measure_neighbour (const float *frame,
                   guint        width,
                   guint        height,
                   double       period_px,
                   double       noise)
{
  guint cw, ch;
  g_autofree float *crop = central_crop (frame, width, height, 2 * AL_DETECT_WIDTH_CROP, &cw, &ch);
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
  return MIN (median_double (nn), period_px);
}

/* The smallest brightness a column of `material` can have, relative to the
 * brightest species of its perfect crystal. */
static double
dimmest_fraction (const AlMaterial *material)
{
  double brightest = 0.0, dimmest = G_MAXDOUBLE;

  if (material == NULL)
    return AL_DETECT_UNKNOWN_FRACTION;
  for (int s = 0; s < 2; s++)
    brightest = MAX (brightest, al_species_z_sum (&material->species[material->site_species[s]],
                                                  AL_DETECT_Z_EXPONENT));
  for (guint k = 0; k < material->n_species; k++)
    dimmest = MIN (dimmest, al_species_z_sum (&material->species[k], AL_DETECT_Z_EXPONENT));
  return AL_DETECT_DIMMEST_FRACTION * dimmest / brightest;
}

static int
compare_by_significance (gconstpointer a,
                         gconstpointer b,
                         gpointer      data)
{
  const AlColumnFit *cols = data;
  double x = significance (&cols[*(const guint *) a]), y = significance (&cols[*(const guint *) b]);
  return (x < y) - (x > y);
}

static void
mark_duplicate (guint    j,
                double   dx,
                double   dy,
                gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Whether the two honeycomb sites hold different columns (TMDs, hBN): the
 * site reasoning of al-sites.c tells the sublattices apart by brightness,
 * and in graphene it would take noise for the split and fill the hexagon
 * centres (graphene at 0.05 nm/px: 8720 such sites tried for 6253 atoms). */
static gboolean
two_sublattices (const AlMaterial *material)
{
  return material != NULL && material->site_species[0] != material->site_species[1];
}

/* Keeps the columns that are significant (or faint but on a lattice site
 * of significant ones) and bright enough for the material, one per place;
 * returns how many are left (compacted to the front). */
static guint
prune_columns (AlColumnFit          *cols,
               guint                 n,
               const AlDetectParams *params,
               double                neighbour_px,
               guint                 width,
               guint                 height)
{
  g_autofree float *amps = g_new (float, MAX (n, 1));
  g_autofree gboolean *strong = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *faint = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *keep = g_new0 (gboolean, MAX (n, 1));
  g_autofree guint *order = g_new (guint, MAX (n, 1));
  AlColumnGrid grid;
  double min_amp, dup = AL_DETECT_DUPLICATE_FRACTION * neighbour_px;
  guint n_amps = 0, n_order = 0, kept = 0;

  for (guint i = 0; i < n; i++)
    if (cols[i].ok && significance (&cols[i]) >= params->min_significance)
      amps[n_amps++] = (float) cols[i].amplitude;
  min_amp = dimmest_fraction (params->material)
            * al_filter_percentile (amps, n_amps, AL_DETECT_REFERENCE_PERCENTILE);

  for (guint i = 0; i < n; i++)
    {
      double z = significance (&cols[i]);
      if (!cols[i].ok || cols[i].amplitude < min_amp)
        continue;
      strong[i] = z >= params->min_significance;
      faint[i] = !strong[i] && params->material != NULL && z >= AL_DETECT_FAINT_SIGNIFICANCE;
    }
  al_sites_accept_faint (cols, n, strong, faint, keep, width, height, neighbour_px);
  for (guint i = 0; i < n; i++)
    if (strong[i] || keep[i])
      order[n_order++] = i;

  /* Two starts that converged on one column: the more significant stays. */
  g_qsort_with_data (order, n_order, sizeof *order, compare_by_significance, cols);
  memset (keep, 0, sizeof (gboolean) * n);
  al_column_grid_init (&grid, cols, keep, n, width, height, dup);
  for (guint k = 0; k < n_order; k++)
    {
      guint i = order[k];
      gboolean taken = FALSE;
      int gx, gy;
      al_column_grid_foreach (&grid, cols, cols[i].x, cols[i].y, dup, mark_duplicate, &taken);
      if (taken)
        continue;
      keep[i] = TRUE;
      gx = CLAMP ((int) (cols[i].x / grid.cell), 0, (int) grid.gw - 1);
      gy = CLAMP ((int) (cols[i].y / grid.cell), 0, (int) grid.gh - 1);
      grid.next[i] = grid.head[(gsize) gy * grid.gw + gx];
      grid.head[(gsize) gy * grid.gw + gx] = (gint32) i;
    }
  al_column_grid_clear (&grid);
  for (guint i = 0; i < n; i++)
    if (keep[i])
      cols[kept++] = cols[i];
  return kept;
}

static gboolean
fit_and_prune (const float          *frame,
               guint                 width,
               guint                 height,
               GArray               *fits,
               const AlRefineParams *rp,
               const AlDetectParams *params,
               double                neighbour_px,
               GCancellable         *cancellable,
               GError              **error)
{
  guint n_start = fits->len;

  if (!al_refine_columns (frame, width, height, (AlColumnFit *) fits->data, fits->len, rp,
                          cancellable, error))
    return FALSE;
  g_array_set_size (fits, prune_columns ((AlColumnFit *) fits->data, fits->len, params,
                                         neighbour_px, width, height));
  g_debug ("detect: fitted %u columns, kept %u", n_start, fits->len);
  return TRUE;
}

/* Adds, as new starting fits, the peaks of the matched-filtered residual
 * (image minus the fitted columns and the background) that stand above its
 * noise and are not next to a fitted column. Returns how many. */
static guint
add_residual_candidates (const float *frame,
                         const float *background,
                         guint        width,
                         guint        height,
                         GArray      *fits,
                         double       width_px,
                         double       neighbour_px)
{
  gsize n_px = (gsize) width * height;
  g_autofree float *resid = g_new (float, n_px);
  g_autofree float *smooth = g_new (float, n_px);
  g_autofree float *sample = NULL;
  g_autoptr (GArray) peaks = NULL;
  g_autofree gint32 *grid = NULL;
  double cell = AL_DETECT_DUPLICATE_FRACTION * neighbour_px, threshold;
  guint gw = (guint) (width / cell) + 1, gh = (guint) (height / cell) + 1, n_old = fits->len;
  gsize n_sample = 0, step = MAX (1, n_px / AL_DETECT_NOISE_SAMPLES);

  al_refine_render (resid, width, height, (AlColumnFit *) fits->data, fits->len);
  for (gsize i = 0; i < n_px; i++)
    resid[i] = frame[i] - resid[i];
  /* The background is what the columns leave, smoothed. */
  al_filter_background (resid, smooth, width, height, neighbour_px);
  for (gsize i = 0; i < n_px; i++)
    resid[i] -= smooth[i];
  al_filter_gaussian (resid, smooth, width, height, width_px);

  /* Threshold: the median of the filtered residual (the background between
   * columns) plus a few times its noise, which is the pixel noise (measured
   * on the raw residual, where a Laplacian cancels what signal is left)
   * through the filter: a Gaussian of sigma s has a noise gain 1/(2√π s). */
  sample = g_new (float, n_px / step + 1);
  for (gsize i = 0; i < n_px; i += step)
    sample[n_sample++] = smooth[i];
  threshold = al_filter_percentile (sample, n_sample, 0.5)
              + AL_DETECT_RESIDUAL_SIGMAS * al_filter_noise_sigma (resid, width, height)
                / (2.0 * sqrt (G_PI) * width_px);
  peaks = al_peaks_find (smooth, width, height, AL_DETECT_NMS_FRACTION * neighbour_px,
                         (float) threshold, 0);

  g_debug ("detect: residual threshold %g, %u peaks", threshold, peaks->len);
  grid = g_new0 (gint32, (gsize) gw * gh);
  for (guint i = 0; i < fits->len; i++)
    {
      const AlColumnFit *c = &g_array_index (fits, AlColumnFit, i);
      int gx = CLAMP ((int) (c->x / cell), 0, (int) gw - 1), gy = CLAMP ((int) (c->y / cell), 0, (int) gh - 1);
      grid[(gsize) gy * gw + gx] = 1;
    }
  for (guint p = 0; p < peaks->len; p++)
    {
      const AlPeak *pk = &g_array_index (peaks, AlPeak, p);
      int gx = (int) (pk->x / cell), gy = (int) (pk->y / cell);
      gboolean taken = FALSE;
      AlColumnFit c = { 0 };
      gsize k = (gsize) lround (pk->y) * width + (gsize) lround (pk->x);

      for (int y = MAX (gy - 1, 0); y <= MIN (gy + 1, (int) gh - 1) && !taken; y++)
        for (int x = MAX (gx - 1, 0); x <= MIN (gx + 1, (int) gw - 1); x++)
          if (grid[(gsize) y * gw + x])
            {
              /* Cells are coarse: check the true distance. */
              for (guint i = 0; i < n_old && !taken; i++)
                {
                  const AlColumnFit *o = &g_array_index (fits, AlColumnFit, i);
                  if (fabs (o->x - pk->x) < 2 * cell && fabs (o->y - pk->y) < 2 * cell
                      && hypot (o->x - pk->x, o->y - pk->y) < cell)
                    taken = TRUE;
                }
              break;
            }
      if (taken)
        continue;
      c.x = pk->x;
      c.y = pk->y;
      /* Smoothing a Gaussian by one of its own width halves its peak. */
      c.amplitude = 2.0 * pk->value;
      c.width = width_px;
      c.background = background[k];
      c.ok = TRUE;
      g_array_append_val (fits, c);
    }
  return fits->len - n_old;
}

static guint
add_site_candidates (GArray *fits,
                     guint   width,
                     guint   height,
                     double  width_px,
                     double  neighbour_px)
{
  g_autoptr (GArray) sites = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
  guint n = al_sites_predict ((AlColumnFit *) fits->data, fits->len, width, height,
                              neighbour_px, width_px, sites);

  g_array_append_vals (fits, sites->data, sites->len);
  g_debug ("detect: %u empty lattice sites to try", n);
  return n;
}

/* The detection map and its candidate threshold. */
static float *
detection_map (const float          *frame,
               guint                 width,
               guint                 height,
               const AlDetectParams *params,
               double                width_px,
               double                noise,
               float                *threshold)
{
  gsize n_px = (gsize) width * height;
  float *map;

  if (params->prob_maps != NULL)
    {
      map = g_new0 (float, n_px);
      for (guint c = 0; c < params->n_channels; c++)
        if (params->channel_species[c] >= 0)
          for (gsize i = 0; i < n_px; i++)
            map[i] += params->prob_maps[c * n_px + i];
      *threshold = AL_DETECT_PROB_THRESHOLD;
      return map;
    }
  map = al_log_response (frame, width, height, AL_LOG_SCALE_FRACTION * width_px);
  {
    double floor = AL_DETECT_CANDIDATE_SIGMAS * noise
                   * al_log_noise_gain (AL_LOG_SCALE_FRACTION * width_px);
    g_autoptr (GArray) probe = al_peaks_find (map, width, height, 4.0 * width_px, (float) floor, 1);
    float bright = probe->len ? g_array_index (probe, AlPeak, probe->len / 10).value : 0.0f;
    *threshold = (float) MAX (floor, AL_DETECT_CANDIDATE_FRACTION * bright);
  }
  return map;
}

/* Species from the network's channels: the strongest atom channel around
 * the column. */
static void
species_from_channels (AlAtoms              *atoms,
                       const AlDetectParams *params,
                       guint                 width,
                       guint                 height)
{
  gsize n_px = (gsize) width * height;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int cx = (int) lround (atoms->x[i]), cy = (int) lround (atoms->y[i]);
      double best = -1, total = 0;
      int arg = -1;
      for (guint c = 0; c < params->n_channels; c++)
        {
          double sum = 0;
          if (params->channel_species[c] < 0)
            continue;
          for (int y = MAX (cy - 1, 0); y <= MIN (cy + 1, (int) height - 1); y++)
            for (int x = MAX (cx - 1, 0); x <= MIN (cx + 1, (int) width - 1); x++)
              sum += params->prob_maps[c * n_px + (gsize) y * width + x];
          total += sum;
          if (sum > best)
            {
              best = sum;
              arg = params->channel_species[c];
            }
        }
      atoms->species[i] = (gint16) arg;
      atoms->confidence[i] = total > 0 ? (float) (best / total) : 0.0f;
    }
}

static gboolean
check_input (const float *frame,
             guint        width,
             guint        height,
             GError     **error)
{
  if (width < AL_DETECT_MIN_SIDE || height < AL_DETECT_MIN_SIDE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The image is too small to find atoms in (%u × %u pixels)", width, height);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    if (!isfinite (frame[i]))
      {
        g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                     "The image has a pixel that is not a number at x %u, y %u",
                     (guint) (i % width), (guint) (i / width));
        return FALSE;
      }
  return TRUE;
}

/* Sets the scales in `info`; FALSE when the image gives none (no lattice,
 * no calibration to go by): then there is nothing periodic to detect. */
static gboolean
find_scales (const float          *frame,
             guint                 width,
             guint                 height,
             const AlDetectParams *params,
             AlDetectInfo         *info,
             GError              **error)
{
  const AlMaterial *m = params->material;

  double hint = m != NULL && params->pixel_size_nm > 0 ? m->a_nm / params->pixel_size_nm : 0.0;

  if (MIN (width, height) >= 32
      && !al_lattice_estimate_near (frame, width, height, hint, &info->lattice, error))
    return FALSE;
  info->pixel_size_nm = params->pixel_size_nm;
  if (info->pixel_size_nm <= 0)
    info->pixel_size_nm = al_lattice_pixel_size (&info->lattice, m);

  if (m != NULL && info->lattice.found && info->lattice.hexagonal
      && (params->pixel_size_nm <= 0
          || fabs (info->lattice.period_px * params->pixel_size_nm / m->a_nm - 1.0) < 0.15))
    info->neighbour_px = al_lattice_neighbour_px (&info->lattice, m);
  else if (m != NULL && params->pixel_size_nm > 0)
    info->neighbour_px = al_material_neighbour_nm (m) / params->pixel_size_nm;
  else if (info->lattice.found)
    info->neighbour_px = measure_neighbour (frame, width, height, info->lattice.period_px,
                                            info->noise_sigma);
  return info->neighbour_px >= 2.0;
}

/* Finds the atomic columns of one frame. Returns an empty AlAtoms (not an
 * error) when the image holds no lattice to find. */
AlAtoms *
al_detect_run (const float          *frame,
               guint                 width,
               guint                 height,
               const AlDetectParams *params,
               AlDetectInfo         *info_out,
               AlProgress           *progress,
               GCancellable         *cancellable,
               GError              **error)
{
  AlDetectInfo info = { 0 };
  const float *fit_frame;
  g_autofree float *map = NULL;
  g_autofree float *bg = NULL;
  g_autoptr (GArray) fits = NULL;
  AlColumnFit *cols;
  g_autofree double *intensity = NULL;
  g_autoptr (GArray) peaks = NULL;
  g_autoptr (AlAtoms) atoms = NULL;
  AlRefineParams rp;
  float threshold;
  guint n;
  gint64 t0 = g_get_monotonic_time (), t1;

  g_return_val_if_fail (frame != NULL && params != NULL, NULL);
  if (!check_input (frame, width, height, error))
    return NULL;
  fit_frame = params->refine_frame ? params->refine_frame : frame;
  atoms = al_atoms_new (0);

  al_progress_report (progress, "Finding the lattice", 0.0);
  info.noise_sigma = al_filter_noise_sigma (frame, width, height);
  if (!find_scales (frame, width, height, params, &info, error))
    {
      if (error != NULL && *error != NULL)
        return NULL;
      if (info_out)
        *info_out = info;
      return g_steal_pointer (&atoms);
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  info.column_width_px = params->column_width_px > 0
                           ? params->column_width_px
                           : measure_width (fit_frame, width, height, info.neighbour_px,
                                            info.noise_sigma, NULL,
                                            params->material != NULL && info.lattice.found
                                              && info.lattice.hexagonal,
                                            params->n_threads);
  t1 = g_get_monotonic_time ();
  info.time_lattice_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Finding peaks", 0.15);
  map = detection_map (frame, width, height, params, info.column_width_px, info.noise_sigma,
                       &threshold);
  peaks = al_peaks_find (map, width, height, AL_DETECT_NMS_FRACTION * info.neighbour_px,
                         threshold, 0);
  info.n_candidates = peaks->len;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  t1 = g_get_monotonic_time ();
  info.time_peaks_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Refining positions", 0.3);
  bg = g_new (float, (gsize) width * height);
  al_filter_background (fit_frame, bg, width, height, info.neighbour_px);
  fits = fits_from_peaks (fit_frame, bg, width, peaks, info.column_width_px);
  al_refine_params_init (&rp, info.column_width_px);
  rp.known_width = TRUE;
  rp.n_threads = params->n_threads;
  rp.max_shift_px = 0.5 * info.neighbour_px;
  rp.background_scale_px = info.neighbour_px;
  rp.position_prior_px = AL_DETECT_POSITION_PRIOR * info.neighbour_px;
  rp.max_sweeps = 3;
  if (!fit_and_prune (fit_frame, width, height, fits, &rp, params, info.neighbour_px,
                      cancellable, error))
    return NULL;

  /* Columns hidden by brighter neighbours (S2 next to Mo, at low dose)
   * show up once the fitted columns are taken away. */
  rp.max_sweeps = AL_DETECT_SWEEPS;
  rp.warm = TRUE;
  for (guint round = 0; round < AL_DETECT_RESIDUAL_ROUNDS; round++)
    {
      al_progress_report (progress, "Refining positions",
                          0.5 + 0.4 * round / AL_DETECT_RESIDUAL_ROUNDS);
      guint added = add_residual_candidates (fit_frame, bg, width, height, fits,
                                             info.column_width_px, info.neighbour_px);
      /* Sites of the honeycomb left empty: a faint column may hide there. */
      if (two_sublattices (params->material))
        added += add_site_candidates (fits, width, height, info.column_width_px,
                                      info.neighbour_px);
      if (added == 0 && round > 0)
        break;
      for (guint i = 0; i < fits->len; i++)
        g_array_index (fits, AlColumnFit, i).width = info.column_width_px;
      if (!fit_and_prune (fit_frame, width, height, fits, &rp, params, info.neighbour_px,
                          cancellable, error))
        return NULL;
    }
  if (params->column_width_px <= 0)
    {
      /* The width again, now on real columns only, and a last fit with it. */
      double w = al_refine_profile_width (fit_frame, width, height, (AlColumnFit *) fits->data,
                                          fits->len, AL_DETECT_PROFILE_RADIUS * info.neighbour_px,
                                          &rp);
      if (w > 0)
        info.column_width_px = w;
      rp.width_px = info.column_width_px;
      add_residual_candidates (fit_frame, bg, width, height, fits, info.column_width_px,
                               info.neighbour_px);
      if (two_sublattices (params->material))
        add_site_candidates (fits, width, height, info.column_width_px, info.neighbour_px);
      for (guint i = 0; i < fits->len; i++)
        g_array_index (fits, AlColumnFit, i).width = info.column_width_px;
      if (!fit_and_prune (fit_frame, width, height, fits, &rp, params, info.neighbour_px,
                          cancellable, error))
        return NULL;
    }
  cols = (AlColumnFit *) fits->data;
  n = fits->len;

  t1 = g_get_monotonic_time ();
  info.time_refine_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Assigning species", 0.95);
  intensity = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint k = al_atoms_append (atoms, cols[i].x, cols[i].y, -1);
      atoms->sigma_x[k] = (float) cols[i].se_x;
      atoms->sigma_y[k] = (float) cols[i].se_y;
      atoms->width[k] = (float) cols[i].width;
      intensity[i] = 2.0 * G_PI * cols[i].amplitude * cols[i].width * cols[i].width;
      atoms->intensity[k] = (float) intensity[i];
    }
  if (params->prob_maps != NULL)
    species_from_channels (atoms, params, width, height);
  else
    al_species_classify (intensity, n, params->material, atoms->species, atoms->confidence,
                         &info.species_model);
  info.time_species_s = (g_get_monotonic_time () - t0) * 1e-6;
  al_progress_report (progress, "Assigning species", 1.0);
  if (info_out)
    *info_out = info;
  return g_steal_pointer (&atoms);
}
