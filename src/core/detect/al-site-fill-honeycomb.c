/* al-site-fill-honeycomb.c: the lattice prior of one-species honeycombs
 * (see al-site-fill-honeycomb.h).
 *
 * Each site's column amplitude A is the least-squares amplitude of a
 * Gaussian of the columns' width fixed on the site, fitted to the image
 * less every column found, every other site's expected column and the
 * background (A = Σgr / Σg², se = σ/√Σg²). The expected column A_ref is
 * the median over all sites (a found column counting with its own
 * amplitude); the background is what remains of the image once the
 * columns are taken out, smoothed, so it is found again with A_ref.
 *
 * The decision is Bayes', as in al-site-fill.c: an empty site's A is
 * N(0, se²), a column's N(A_ref, se² + s_x²), where s_x is the spread of
 * real columns that the pixel noise does not explain (counting noise on
 * the column, the site's position error), measured as the sites' robust
 * spread less se; the column is taken when the log likelihood ratio beats
 * the prior odds of a vacancy. At 10⁶ e⁻/Å² a carbon column has z0 ≈ 9 and a vacancy stays
 * empty; at 10⁴ (z0 ≈ 0.7) no single site can tell, and the lattice
 * decides, as it should.
 */
#include "detect/al-site-fill-honeycomb.h"

#include <math.h>
#include <string.h>

#include "detect/al-column-grid.h"
#include "detect/al-filter.h"
#include "detect/al-honeycomb-lattice.h"
#include "detect/al-refine-private.h"

/* A site is held when a found column is within this many neighbour
 * distances: more than half, so that an Si in a divacancy (Si_C4, half a
 * distance from each of its two sites) holds both and no carbon is put
 * beside it (graphene 768² at 10⁵: Si_C4 recall 0.64 -> 1.00); a column
 * on its own site reaches no other. */
#define AL_HC_FILL_HELD_FRACTION 0.6
/* The site's fit uses pixels within this many widths. */
#define AL_HC_FILL_WINDOW_SIGMAS 2.5
/* The reference amplitude's fixed point is believed up to this many times
 * the first measurement. */
#define AL_HC_FILL_MAX_EXTRAPOLATION 4.0
#define AL_HC_FILL_MAD_TO_SIGMA 1.4826
/* A fitted column this many standard errors (fit and site together) off
 * its site keeps the fit's position. */
#define AL_HC_FILL_OFF_SITE_SIGMAS 6.0
/* The width's radial profile: its reach and bins (px), and the σ scanned,
 * in neighbour distances. */
#define AL_HC_FILL_PROFILE_REACH 0.8
#define AL_HC_FILL_PROFILE_BIN 0.25
#define AL_HC_FILL_MIN_WIDTH 0.08
#define AL_HC_FILL_MAX_WIDTH 0.45
#define AL_HC_FILL_WIDTH_STEP 0.0025

typedef struct
{
  double x;
  double y;
  double se_pos;
  int    held;      /* index of the column holding the site, or -1 */
  gint8  label;     /* AL_HONEYCOMB_LABEL of its grain and sublattice */
  double amp;
  double se_amp;
} Site;

/* Least-squares amplitude of a Gaussian fixed at (x, y) in `resid`, and
 * its standard error for pixel noise variance `var`. */
static void
fit_amplitude (const float *resid,
               guint        width,
               guint        height,
               double       x,
               double       y,
               double       s,
               double       var,
               double      *amp,
               double      *se)
{
  double ex[256], ey[256], sgg = 0, sgr = 0;
  int r = MIN ((int) ceil (AL_HC_FILL_WINDOW_SIGMAS * s), 120);
  AlWindow w = al_column_window (x, y, r, width, height);

  al_gauss_1d (ex, w.x0, w.x1, x, s);
  al_gauss_1d (ey, w.y0, w.y1, y, s);
  for (int py = w.y0; py < w.y1; py++)
    for (int px = w.x0; px < w.x1; px++)
      {
        double g = ex[px - w.x0] * ey[py - w.y0];
        sgg += g * g;
        sgr += g * resid[(gsize) py * width + px];
      }
  *amp = sgg > 0 ? sgr / sgg : 0.0;
  *se = sgg > 0 ? sqrt (var / sgg) : G_MAXDOUBLE;
}

static void
nearest_column (guint    j,
                double   dx,
                double   dy,
                gpointer data)
{
  int *held = data;

  if (*held < 0)
    *held = (int) j;
}

/* The sites, each marked with the found column holding it. */
static GArray *
lattice_sites (const float            *flat,
               guint                   width,
               guint                   height,
               GArray                 *fits,
               const AlSiteFillParams *params)
{
  AlHoneycombLattice lattice;
  AlColumnGrid grid;
  GArray *sites = g_array_new (FALSE, FALSE, sizeof (Site));
  double nn = params->neighbour_px;

  al_honeycomb_lattice_find (flat, width, height, nn, al_filter_noise_sigma (flat, width, height),
                             &lattice);
  g_debug ("honeycomb: %u grains, %u sites", lattice.n_grains, lattice.sites->len);
  for (guint k = 0; k < lattice.n_grains; k++)
    g_debug ("honeycomb: grain %u at %.2f°, spot SNR %.3g, window %.1f px", k,
             lattice.angle_deg[k], lattice.spot_snr[k], lattice.window_px[k]);
  al_column_grid_init (&grid, (AlColumnFit *) fits->data, NULL, fits->len, width, height,
                       AL_HC_FILL_HELD_FRACTION * nn);
  for (guint k = 0; k < lattice.sites->len; k++)
    {
      const AlHoneycombSite *h = &g_array_index (lattice.sites, AlHoneycombSite, k);
      Site s = { h->x, h->y, h->se_px, -1, AL_HONEYCOMB_LABEL (h->grain, h->sublattice), 0, 0 };
      al_column_grid_foreach (&grid, (AlColumnFit *) fits->data, s.x, s.y,
                              AL_HC_FILL_HELD_FRACTION * nn, nearest_column, &s.held);
      g_array_append_val (sites, s);
    }
  al_column_grid_clear (&grid);
  al_honeycomb_lattice_clear (&lattice);
  return sites;
}

/* e^{−x} I0(x), the scaled modified Bessel function (Abramowitz & Stegun
 * 9.6.12 and 9.7.1). */
static double
bessel_i0e (double x)
{
  if (x < 15.0)
    {
      double term = 1.0, sum = 1.0, q = 0.25 * x * x;
      for (int k = 1; k < 60 && term > 1e-12 * sum; k++)
        {
          term *= q / ((double) k * k);
          sum += term;
        }
      return sum * exp (-x);
    }
  return (1.0 + 1.0 / (8.0 * x) + 9.0 / (128.0 * x * x)) / sqrt (2.0 * G_PI * x);
}

/* The angular mean at radius r of a ring of n Gaussians (sigma s) at
 * distance d: n e^{−(r−d)²/2s²} · e^{−x} I0(x), x = r d / s². */
static double
ring_mean (double r,
           double d,
           double n,
           double s)
{
  double x = r * d / (s * s);

  return n * exp (-0.5 * (r - d) * (r - d) / (s * s)) * bessel_i0e (x);
}

/* The columns' Gaussian sigma from the mean radial profile around the
 * sites (A exp(−r²/2σ²) + c, least squares in A and c at each σ of a
 * scan): averaged over every site, this holds where a single column's
 * width is lost in the noise. The model holds the column and, averaged
 * over angle, its first two shells of neighbours (3 at nn, 6 at √3 nn).
 * Returns 0 when the profile has no peak. */
static double
lattice_width (const float *flat,
               guint        width,
               guint        height,
               GArray      *sites,
               double       nn)
{
  double reach = AL_HC_FILL_PROFILE_REACH * nn, best = 0, best_res = G_MAXDOUBLE;
  guint n_bins = (guint) ceil (reach / AL_HC_FILL_PROFILE_BIN) + 1;
  g_autofree double *sum = g_new0 (double, n_bins);
  g_autofree double *count = g_new0 (double, n_bins);
  int r = (int) ceil (reach);

  for (guint k = 0; k < sites->len; k++)
    {
      const Site *site = &g_array_index (sites, Site, k);
      AlWindow w = al_column_window (site->x, site->y, r, width, height);
      for (int py = w.y0; py < w.y1; py++)
        for (int px = w.x0; px < w.x1; px++)
          {
            double d = hypot (px - site->x, py - site->y);
            guint b = (guint) (d / AL_HC_FILL_PROFILE_BIN);
            if (d >= reach)
              continue;
            sum[b] += flat[(gsize) py * width + px];
            count[b] += 1;
          }
    }
  for (double sigma = AL_HC_FILL_MIN_WIDTH * nn; sigma <= AL_HC_FILL_MAX_WIDTH * nn;
       sigma += AL_HC_FILL_WIDTH_STEP * nn)
    {
      /* Weighted least squares of the bin means on (g, 1). */
      double sw = 0, sg = 0, sgg = 0, sy = 0, sgy = 0, syy = 0, det, a, c, res;
      for (guint b = 0; b < n_bins; b++)
        {
          double rb = (b + 0.5) * AL_HC_FILL_PROFILE_BIN, g, y;
          if (count[b] == 0)
            continue;
          g = exp (-0.5 * rb * rb / (sigma * sigma)) + ring_mean (rb, nn, 3, sigma)
              + ring_mean (rb, sqrt (3.0) * nn, 6, sigma);
          y = sum[b] / count[b];
          sw += count[b];
          sg += count[b] * g;
          sgg += count[b] * g * g;
          sy += count[b] * y;
          sgy += count[b] * g * y;
          syy += count[b] * y * y;
        }
      det = sw * sgg - sg * sg;
      if (!(det > 0))
        continue;
      a = (sw * sgy - sg * sy) / det;
      c = (sgg * sy - sg * sgy) / det;
      res = syy - 2 * a * sgy - 2 * c * sy + a * a * sgg + 2 * a * c * sg + c * c * sw;
      if (a > 0 && res < best_res)
        {
          best_res = res;
          best = sigma;
        }
    }
  /* A best σ at either end of the scan is no measurement. */
  if (best <= (AL_HC_FILL_MIN_WIDTH + 0.5 * AL_HC_FILL_WIDTH_STEP) * nn
      || best >= (AL_HC_FILL_MAX_WIDTH - 0.5 * AL_HC_FILL_WIDTH_STEP) * nn)
    return 0.0;
  return best;
}

/* Fits every free site's amplitude on the image less the found columns,
 * the other sites at `ref` and the background; returns the pixel noise
 * variance. `columns` holds the found columns followed by one per site. */
static double
measure_sites (const float       *frame,
               guint              width,
               guint              height,
               GArray            *sites,
               AlColumnFit       *columns,
               guint              n_found,
               double             ref,
               double             s,
               double             nn,
               guint              n_threads,
               float             *resid,
               float             *smooth)
{
  gsize n_px = (gsize) width * height;
  double var;

  for (guint k = 0; k < sites->len; k++)
    columns[n_found + k].amplitude = g_array_index (sites, Site, k).held >= 0 ? 0.0 : ref;
  al_refine_render_threaded (resid, width, height, columns, n_found + sites->len, n_threads);
  for (gsize i = 0; i < n_px; i++)
    resid[i] = frame[i] - resid[i];
  al_filter_background (resid, smooth, width, height, nn);
  for (gsize i = 0; i < n_px; i++)
    resid[i] -= smooth[i];
  var = pow (al_filter_noise_sigma (resid, width, height), 2);
  for (guint k = 0; k < sites->len; k++)
    {
      Site *site = &g_array_index (sites, Site, k);
      if (site->held >= 0)
        continue;
      fit_amplitude (resid, width, height, site->x, site->y, s, var, &site->amp, &site->se_amp);
      /* The site's own expected column was taken out with the others. */
      site->amp += ref;
    }
  return var;
}

/* Median column amplitude over all sites; `spread`, when not NULL, gets
 * their robust standard deviation. */
static double
reference_amplitude (GArray            *sites,
                     const AlColumnFit *found,
                     double            *spread)
{
  g_autofree float *a = g_new (float, MAX (sites->len, 1));
  double median;

  if (sites->len == 0)
    return 0.0;
  for (guint k = 0; k < sites->len; k++)
    {
      const Site *site = &g_array_index (sites, Site, k);
      a[k] = (float) (site->held >= 0 ? found[site->held].amplitude : site->amp);
    }
  median = al_filter_percentile (a, sites->len, 0.5);
  if (spread != NULL)
    {
      for (guint k = 0; k < sites->len; k++)
        a[k] = (float) fabs (a[k] - median);
      *spread = AL_HC_FILL_MAD_TO_SIGMA * al_filter_percentile (a, sites->len, 0.5);
    }
  return median;
}

/* Log likelihood ratio of a column (amplitude ~ N(ref, se² + extra²):
 * counting noise, and the spread of real columns' amplitudes that the
 * pixel noise does not explain) against an empty site (~ N(0, se²)). */
static double
column_log_ratio (double amp,
                  double se,
                  double ref,
                  double extra_var)
{
  double va = se * se + extra_var, ve = se * se;

  return -0.5 * (amp - ref) * (amp - ref) / va - 0.5 * log (va)
         + 0.5 * amp * amp / ve + 0.5 * log (ve);
}

/* Sizes `labels` to the columns and marks each found column with the
 * site it holds. */
static void
label_found (GArray *labels,
             GArray *sites,
             guint   n_columns)
{
  g_array_set_size (labels, n_columns);
  for (guint i = 0; i < n_columns; i++)
    g_array_index (labels, gint8, i) = -1;
  for (guint k = 0; k < sites->len; k++)
    {
      const Site *site = &g_array_index (sites, Site, k);
      if (site->held >= 0 && g_array_index (labels, gint8, site->held) < 0)
        g_array_index (labels, gint8, site->held) = site->label;
    }
}

guint
al_site_fill_honeycomb (const float            *frame,
                        const float            *background,
                        guint                   width,
                        guint                   height,
                        GArray                 *fits,
                        const AlSiteFillParams *params,
                        double                 *lattice_width_px,
                        GArray                 *labels)
{
  gsize n_px = (gsize) width * height;
  double s = params->width_px, nn = params->neighbour_px, ref = 0.0, w;
  double log_odds, var = 0.0, spread = 0.0, se_typical, extra_var;
  g_autoptr (GArray) sites = NULL;
  g_autofree AlColumnFit *columns = NULL;
  g_autofree float *resid = NULL;
  g_autofree float *smooth = NULL;
  guint n_found = fits->len, added = 0;

  g_return_val_if_fail (params->prior_occupied > 0 && params->prior_occupied < 1, 0);
  log_odds = log (params->prior_occupied / (1.0 - params->prior_occupied));
  *lattice_width_px = 0.0;
  resid = g_new (float, n_px);
  for (gsize i = 0; i < n_px; i++)
    resid[i] = frame[i] - background[i];
  sites = lattice_sites (resid, width, height, fits, params);
  if (labels != NULL)
    label_found (labels, sites, n_found);
  if (sites->len == 0)
    return 0;
  w = lattice_width (resid, width, height, sites, nn);
  g_debug ("honeycomb fill: column width on the lattice %g px (was %g)", w, s);
  if (w > 0)
    s = *lattice_width_px = w;
  columns = g_new0 (AlColumnFit, n_found + sites->len);
  if (n_found > 0)   /* fits->data is NULL when nothing was found */
    memcpy (columns, fits->data, n_found * sizeof (AlColumnFit));
  for (guint i = 0; i < n_found; i++)
    if (!columns[i].ok)
      columns[i].amplitude = 0.0;
  for (guint k = 0; k < sites->len; k++)
    {
      const Site *site = &g_array_index (sites, Site, k);
      columns[n_found + k].x = site->x;
      columns[n_found + k].y = site->y;
      columns[n_found + k].width = s;
      columns[n_found + k].ok = TRUE;
    }
  smooth = g_new (float, n_px);
  /* The median measured with the others at ref is close to linear in ref
   * (the background takes a share of what the sites leave out): two
   * measurements give its fixed point, a third measures at it. */
  {
    double f0, f1;
    measure_sites (frame, width, height, sites, columns, n_found, 0.0, s, nn, params->n_threads,
                   resid, smooth);
    f0 = reference_amplitude (sites, columns, NULL);
    if (!(f0 > 0))
      return 0;
    measure_sites (frame, width, height, sites, columns, n_found, f0, s, nn, params->n_threads,
                   resid, smooth);
    f1 = reference_amplitude (sites, columns, NULL);
    ref = 2 * f0 - f1 > 0 ? f0 * f0 / (2 * f0 - f1) : f1;
    ref = CLAMP (ref, f0, AL_HC_FILL_MAX_EXTRAPOLATION * f0);
    var = measure_sites (frame, width, height, sites, columns, n_found, ref, s, nn,
                         params->n_threads, resid, smooth);
    reference_amplitude (sites, columns, &spread);
    se_typical = sqrt (var / (G_PI * s * s));
    extra_var = MAX (0.0, spread * spread - se_typical * se_typical);
    g_debug ("honeycomb fill: reference amplitude %g (%g, %g), spread %g (noise alone %g)", ref,
             f0, f1, spread, se_typical);
  }
  for (guint k = 0; k < sites->len; k++)
    {
      const Site *site = &g_array_index (sites, Site, k);
      AlColumnFit c = { 0 };

      if (site->held >= 0
          || column_log_ratio (site->amp, site->se_amp, ref, extra_var) < -log_odds)
        continue;
      c.x = site->x;
      c.y = site->y;
      c.amplitude = site->amp;
      c.width = s;
      c.background = smooth[(gsize) lround (site->y) * width + (gsize) lround (site->x)];
      c.se_amplitude = site->se_amp;
      c.se_x = c.se_y = site->se_pos;
      c.ok = TRUE;
      g_array_append_val (fits, c);
      if (labels != NULL)
        g_array_append_val (labels, site->label);
      added++;
    }
  return added;
}

void
al_site_fill_honeycomb_settle (AlColumnFit       *fitted,
                               const AlColumnFit *placed,
                               guint              n_columns)
{
  for (guint k = 0; k < n_columns; k++)
    {
      AlColumnFit *c = &fitted[k];
      const AlColumnFit *p = &placed[k];
      double wf, ws;

      if (!c->ok || !(c->se_x > 0) || !(c->se_y > 0) || !(p->se_x > 0))
        {
          *c = *p;
          continue;
        }
      /* A fit far off its site, beyond both errors, is a column the
       * lattice does not hold (a defect's relaxed neighbours): the fit
       * alone says where. */
      if (hypot ((c->x - p->x) / hypot (c->se_x, p->se_x), (c->y - p->y) / hypot (c->se_y, p->se_y))
          > AL_HC_FILL_OFF_SITE_SIGMAS)
        continue;
      ws = 1.0 / (p->se_x * p->se_x);
      wf = 1.0 / (c->se_x * c->se_x);
      c->x = (wf * c->x + ws * p->x) / (wf + ws);
      c->se_x = 1.0 / sqrt (wf + ws);
      wf = 1.0 / (c->se_y * c->se_y);
      c->y = (wf * c->y + ws * p->y) / (wf + ws);
      c->se_y = 1.0 / sqrt (wf + ws);
    }
}
