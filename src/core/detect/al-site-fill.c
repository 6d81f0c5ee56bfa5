/* al-site-fill.c: the lattice prior (see al-site-fill.h).
 *
 * Finding a column of unknown position means searching for a peak among
 * all the noise of the image; testing for one at a known position is a
 * single likelihood ratio, far more sensitive at low dose. The honeycomb
 * that the columns found show (the bright/dim split and the bond direction
 * family F, al_sites_honeycomb) places each neighbour site one neighbour
 * distance from every column; a site is taken when at least two columns
 * place it (the mean of their predictions: local, so strain and grain
 * boundaries are followed, and never out into vacuum from one edge column
 * alone) and no column holds it.
 *
 * At the site the amplitude of a Gaussian of the columns' width is fitted
 * to the image minus every column and the background (linear least
 * squares: A = Σgr / Σg², se = σ/√Σg²). The decision is Bayes': with z =
 * A/se and z0 the same for a column of the site's class (the median
 * amplitude of that class over se), the log likelihood ratio of a column
 * against an empty site is z·z0 − z0²/2, and the site is a column when
 * that beats the prior odds of a vacancy, ln((1 − p)/p). At high dose this
 * asks for z ≈ z0/2 (a vacancy stays empty); at low dose, where a single
 * column is not significant, the lattice decides, as it should. A floor
 * on z keeps sites that look less like a column than like nothing empty.
 */
#include "detect/al-site-fill.h"

#include <math.h>
#include <string.h>

#include "detect/al-column-grid.h"
#include "detect/al-filter.h"
#include "detect/al-parallel.h"
#include "detect/al-refine-private.h"
#include "detect/al-site-fill-private.h"
#include "detect/al-sites.h"

/* Rounds of growth (each round's columns imply the next round's sites). */
#define AL_SITE_FILL_ROUNDS 8
/* Columns that must place a site; at the image border, where its other
 * neighbours lie outside the image, one (a vacuum edge inside the image
 * still needs two). The border is this many neighbour distances wide. */
#define AL_SITE_MIN_SUPPORT 2
#define AL_SITE_BORDER_FRACTION 0.6
/* A site whose z is below this stays empty whatever the prior says. */
#define AL_SITE_MIN_Z 0.5
/* The site's fit uses pixels within this many widths. */
#define AL_SITE_WINDOW_SIGMAS 2.5
/* A taken site's Gaussian is removed from the residual this far out. */
#define AL_SITE_RENDER_SIGMAS 4.0
#define AL_SITE_PRIOR_OCCUPIED 0.98

void
al_site_fill_params_init (AlSiteFillParams *params,
                          double            width_px,
                          double            neighbour_px)
{
  memset (params, 0, sizeof *params);
  params->width_px = width_px;
  params->neighbour_px = neighbour_px;
  params->prior_occupied = AL_SITE_PRIOR_OCCUPIED;
  params->n_threads = 1;
}

void
al_site_fit_at (const float *resid,
                guint        width,
                guint        height,
                double       x,
                double       y,
                double       s,
                double       var,
                double      *amp,
                double      *se_amp,
                double      *se_pos)
{
  double ex[256], ey[256], sgg = 0, sgr = 0, sdd = 0;
  int r = MIN ((int) ceil (AL_SITE_WINDOW_SIGMAS * s), 120);
  AlWindow w = al_column_window (x, y, r, width, height);

  al_gauss_1d (ex, w.x0, w.x1, x, s);
  al_gauss_1d (ey, w.y0, w.y1, y, s);
  for (int py = w.y0; py < w.y1; py++)
    for (int px = w.x0; px < w.x1; px++)
      {
        double g = ex[px - w.x0] * ey[py - w.y0], dx = (px - x) / (s * s);
        sgg += g * g;
        sgr += g * resid[(gsize) py * width + px];
        sdd += g * g * dx * dx;
      }
  *amp = sgg > 0 ? sgr / sgg : 0.0;
  *se_amp = sgg > 0 ? sqrt (var / sgg) : G_MAXDOUBLE;
  *se_pos = *amp > 0 && sdd > 0 ? sqrt (var / (*amp * *amp * sdd)) : 0.0;
}

void
al_site_subtract (float  *resid,
                  guint   width,
                  guint   height,
                  double  x,
                  double  y,
                  double  s,
                  double  amp)
{
  double ex[256], ey[256];
  int r = MIN ((int) ceil (AL_SITE_RENDER_SIGMAS * s), 120);
  AlWindow w = al_column_window (x, y, r, width, height);

  al_gauss_1d (ex, w.x0, w.x1, x, s);
  al_gauss_1d (ey, w.y0, w.y1, y, s);
  for (int py = w.y0; py < w.y1; py++)
    for (int px = w.x0; px < w.x1; px++)
      resid[(gsize) py * width + px] -= (float) (amp * ex[px - w.x0] * ey[py - w.y0]);
}

/* Median amplitude of the ok columns on one side of `split`. */
static double
class_amplitude (const AlColumnFit *cols,
                 guint              n,
                 double             split,
                 gboolean           bright)
{
  g_autofree float *a = g_new (float, MAX (n, 1));
  guint m = 0;

  for (guint i = 0; i < n; i++)
    if (cols[i].ok && (cols[i].amplitude >= split) == bright)
      a[m++] = (float) cols[i].amplitude;
  return m > 0 ? al_filter_percentile (a, m, 0.5) : 0.0;
}

/* Gathers the sites the columns place, merged where they agree. A bright
 * column sees its neighbours along the family F and the hexagon centres
 * along F + 60°; a dim column the other way round. Columns are taken in
 * the order of their indices, so a predictor fed columns [0, n) and then
 * [n, m) holds what one fed [0, m) at once does (the rounds of
 * al_site_fill only add columns). */
void
al_site_predictor_init (AlSitePredictor *pred,
                        guint            width,
                        guint            height,
                        double           nn,
                        double           split,
                        double           family,
                        gboolean         hollow)
{
  memset (pred, 0, sizeof *pred);
  pred->sites = g_array_new (FALSE, FALSE, sizeof (AlSite));
  pred->cell = AL_SITE_MERGE_FRACTION * nn;
  pred->gw = (guint) (width / pred->cell) + 3;
  pred->gh = (guint) (height / pred->cell) + 3;
  pred->grid = g_new (gint32, (gsize) pred->gw * pred->gh);
  pred->width = width;
  pred->height = height;
  pred->split = split;
  pred->hollow = hollow;
  /* The three steps from a column, by whether it is bright == hollow. */
  for (int turned = 0; turned < 2; turned++)
    for (int k = 0; k < 3; k++)
      {
        double angle = family + k * 2.0 * G_PI / 3.0 + (turned ? G_PI / 3.0 : 0.0);
        pred->dx[turned][k] = nn * cos (angle);
        pred->dy[turned][k] = nn * sin (angle);
      }
  for (gsize k = 0; k < (gsize) pred->gw * pred->gh; k++)
    pred->grid[k] = -1;
}

void
al_site_predictor_clear (AlSitePredictor *pred)
{
  g_clear_pointer (&pred->sites, g_array_unref);
  g_clear_pointer (&pred->grid, g_free);
}

/* Adds the sites of columns [pred->n_columns, n) of `cols`. */
void
al_site_predictor_add (AlSitePredictor   *pred,
                       const AlColumnFit *cols,
                       guint              n)
{
  GArray *sites = pred->sites;
  gint32 *grid = pred->grid;
  double cell = pred->cell;
  guint gw = pred->gw, width = pred->width, height = pred->height;
  gboolean hollow = pred->hollow;

  for (guint i = pred->n_columns; i < n; i++)
    {
      gboolean bright = cols[i].amplitude >= pred->split;
      gboolean site_class = hollow ? FALSE : !bright;
      if (!cols[i].ok)
        continue;
      for (int k = 0; k < 3; k++)
        {
          double x = cols[i].x + pred->dx[bright == hollow][k];
          double y = cols[i].y + pred->dy[bright == hollow][k];
          int gx, gy;
          gint32 found = -1;
          /* Sites on the image, to the outer edge of its outer pixels;
           * a column is kept on the pixel centres (the fit's windows and
           * the stages after it expect that), half a pixel at most from
           * its site. */
          if (x < -0.5 || y < -0.5 || x > width - 0.5 || y > height - 0.5)
            continue;
          x = CLAMP (x, 0.0, width - 1.0);
          y = CLAMP (y, 0.0, height - 1.0);
          gx = (int) floor (x / cell) + 1;
          gy = (int) floor (y / cell) + 1;
          for (int yy = gy - 1; yy <= gy + 1 && found < 0; yy++)
            for (int xx = gx - 1; xx <= gx + 1 && found < 0; xx++)
              for (gint32 t = grid[(gsize) yy * gw + xx]; t >= 0 && found < 0;
                   t = g_array_index (sites, AlSite, t).next)
                {
                  const AlSite *o = &g_array_index (sites, AlSite, t);
                  if (o->bright == site_class
                      && al_distance_within (o->sx / o->support - x, o->sy / o->support - y, cell,
                                             TRUE))
                    found = t;
                }
          if (found >= 0)
            {
              AlSite *o = &g_array_index (sites, AlSite, found);
              o->sx += x;
              o->sy += y;
              o->support++;
            }
          else
            {
              AlSite site = { x, y, 1, site_class, grid[(gsize) gy * gw + gx] };
              grid[(gsize) gy * gw + gx] = (gint32) sites->len;
              g_array_append_val (sites, site);
            }
        }
    }
  pred->n_columns = MAX (pred->n_columns, n);
}

GArray *
al_site_predict (const AlColumnFit *cols,
                 guint              n,
                 guint              width,
                 guint              height,
                 double             nn,
                 double             split,
                 double             family,
                 gboolean           hollow)
{
  AlSitePredictor pred;
  GArray *sites;

  al_site_predictor_init (&pred, width, height, nn, split, family, hollow);
  al_site_predictor_add (&pred, cols, n);
  sites = g_steal_pointer (&pred.sites);
  al_site_predictor_clear (&pred);
  return sites;
}

static gboolean
near_border (double x,
             double y,
             guint  width,
             guint  height,
             double nn)
{
  double b = AL_SITE_BORDER_FRACTION * nn;

  return x < b - 0.5 || y < b - 0.5 || x > width - 0.5 - b || y > height - 0.5 - b;
}

static void
mark_held (guint    j,
           double   dx,
           double   dy,
           gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* What one round shares with the threads that test its sites. */
typedef struct
{
  const float            *resid;
  guint                   width;
  guint                   height;
  const AlColumnFit      *fits;
  const AlColumnGrid     *grid;
  const GArray           *sites;
  const AlSiteFillParams *params;
  const float            *background;
  double                  var;
  double                  log_odds;
  const double           *class_amp;
  AlColumnFit            *out;      /* per site: the column, ok = FALSE when none */
} RoundJob;

/* Tests sites [start, end): each writes only its own entry of job->out,
 * and the residual is not changed until every site is tested, so the
 * decisions do not depend on the threads. */
static void
test_sites (gpointer data,
            guint    start,
            guint    end)
{
  const RoundJob *job = data;
  const double nn = job->params->neighbour_px, s = job->params->width_px;
  guint width = job->width, height = job->height;

  for (guint k = start; k < end; k++)
    {
      const AlSite *site = &g_array_index (job->sites, AlSite, k);
      double x = site->sx / site->support, y = site->sy / site->support;
      double amp, se, se_pos, z, z0, threshold;
      gboolean held = FALSE;
      AlColumnFit *c = &job->out[k];

      *c = (AlColumnFit) { 0 };
      if (site->support < (near_border (x, y, width, height, nn) ? 1 : AL_SITE_MIN_SUPPORT))
        continue;
      al_column_grid_foreach (job->grid, job->fits, x, y, AL_SITE_EMPTY_FRACTION * nn, mark_held,
                              &held);
      if (held)
        continue;
      al_site_fit_at (job->resid, width, height, x, y, s, job->var, &amp, &se, &se_pos);
      z = amp / se;
      z0 = job->class_amp[site->bright ? 1 : 0] / se;
      if (!(z0 > 0))
        continue;
      threshold = MAX (AL_SITE_MIN_Z, (0.5 * z0 * z0 - job->log_odds) / z0);
      if (z < threshold)
        continue;
      c->x = x;
      c->y = y;
      c->amplitude = amp;
      c->width = s;
      c->background = job->background[(gsize) CLAMP (lround (y), 0, (long) height - 1) * width
                                      + (gsize) CLAMP (lround (x), 0, (long) width - 1)];
      c->se_amplitude = se;
      c->se_x = c->se_y = se_pos;
      c->ok = TRUE;
    }
}

/* One round: tests every supported empty site; returns how many it took. */
static guint
fill_round (float                  *resid,
            guint                   width,
            guint                   height,
            GArray                 *fits,
            const AlSiteFillParams *params,
            const float            *background,
            double                  var,
            AlSitePredictor        *pred,
            const double           *class_amp)
{
  const double nn = params->neighbour_px, s = params->width_px;
  GArray *sites;
  g_autoptr (GArray) taken = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
  g_autofree AlColumnFit *out = NULL;
  AlColumnGrid grid;
  RoundJob job;

  /* The sites of every column so far (those of the last round's added). */
  al_site_predictor_add (pred, (AlColumnFit *) fits->data, fits->len);
  sites = pred->sites;
  out = g_new (AlColumnFit, MAX (sites->len, 1));
  job = (RoundJob) { resid, width, height, (AlColumnFit *) fits->data, &grid, sites, params,
                     background, var,
                     log (params->prior_occupied / (1.0 - params->prior_occupied)), class_amp,
                     out };
  al_column_grid_init (&grid, (AlColumnFit *) fits->data, NULL, fits->len, width, height,
                       AL_SITE_EMPTY_FRACTION * nn);
  al_parallel_range (params->n_threads, sites->len, test_sites, &job);
  al_column_grid_clear (&grid);
  for (guint k = 0; k < sites->len; k++)
    if (out[k].ok)
      g_array_append_val (taken, out[k]);
  for (guint k = 0; k < taken->len; k++)
    {
      const AlColumnFit *c = &g_array_index (taken, AlColumnFit, k);
      al_site_subtract (resid, width, height, c->x, c->y, s, c->amplitude);
    }
  g_array_append_vals (fits, taken->data, taken->len);
  return taken->len;
}

guint
al_site_fill (const float            *frame,
              const float            *background,
              guint                   width,
              guint                   height,
              GArray                 *fits,
              const AlSiteFillParams *params,
              GArray                 *single)
{
  gsize n_px = (gsize) width * height;
  g_autofree float *resid = NULL;
  g_autofree float *smooth = NULL;
  double split, family, var, class_amp[2];
  guint n_old = fits->len;
  g_auto (AlSitePredictor) pred = { 0 };

  g_return_val_if_fail (params->prior_occupied > 0 && params->prior_occupied < 1, 0);
  if (!al_sites_honeycomb ((AlColumnFit *) fits->data, fits->len, width, height,
                           params->neighbour_px, params->n_threads, &split, &family))
    return 0;
  class_amp[0] = class_amplitude ((AlColumnFit *) fits->data, fits->len, split, FALSE);
  class_amp[1] = class_amplitude ((AlColumnFit *) fits->data, fits->len, split, TRUE);
  resid = g_new (float, n_px);
  al_refine_render_threaded (resid, width, height, (AlColumnFit *) fits->data, fits->len,
                             params->n_threads);
  /* The background under the columns: what the columns leave, smoothed. */
  smooth = g_new (float, n_px);
  al_parallel_subtract (params->n_threads, frame, resid, resid, n_px);
  al_filter_background_threaded (resid, smooth, width, height, params->neighbour_px,
                                 params->n_threads);
  al_parallel_subtract (params->n_threads, resid, smooth, resid, n_px);
  var = pow (al_filter_noise_sigma (resid, width, height), 2);
  al_site_predictor_init (&pred, width, height, params->neighbour_px, split, family, FALSE);
  for (int round = 0; round < AL_SITE_FILL_ROUNDS; round++)
    {
      guint added = fill_round (resid, width, height, fits, params, background, var, &pred,
                                class_amp);
      g_debug ("site fill: round %d took %u sites (split %g, class amplitudes %g / %g)",
               round, added, split, class_amp[0], class_amp[1]);
      if (added == 0)
        break;
    }
  /* The dim sites of every column, for the 1T step. */
  al_site_predictor_add (&pred, (AlColumnFit *) fits->data, fits->len);
  al_site_fill_hollows (frame, width, height, fits, background, params->width_px,
                        params->neighbour_px, var, split, family, class_amp[0], pred.sites,
                        params->n_threads, single);
  return fits->len - n_old;
}
