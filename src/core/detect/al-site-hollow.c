/* al-site-hollow.c: 1T regions of the lattice prior (see
 * al-site-fill-private.h).
 *
 * In 2H the centre of every hexagon of the honeycomb is empty and the dim
 * site holds two chalcogens stacked; in 1T the two split, one staying on
 * the dim site and one moving to the centre (octahedral coordination), so
 * a 1T patch shows a column of one chalcogen on every dim site and every
 * centre. At 10⁴ e⁻/Å² such a column is about 2.5 standard errors: too
 * faint to be found, or to be tested alone against the thousands of empty
 * centres of the 2H lattice. The phase is what decides, and a
 * neighbourhood shares it: each site's log likelihood ratio of 1T over 2H
 * (its fitted amplitude under the column contents either phase expects,
 * vacancies included) adds up over the sites around it, and with a small
 * prior for 1T, the sites not yet taken become columns where that sum
 * beats the prior odds. Dim sites and centres of a 1T patch fill, those
 * of 2H stay as they are: a single centre's contrast separates the two
 * phases by about four standard errors at 10⁴, and its neighbours add to
 * that.
 */
#include "detect/al-site-fill-private.h"

#include <math.h>

#include "detect/al-column-grid.h"
#include "detect/al-filter.h"
#include "detect/al-parallel.h"
#include "detect/al-refine-private.h"

/* Columns around a centre that must predict it (six in the bulk), and
 * around a dim site (three). */
#define AL_HOLLOW_MIN_SUPPORT 3
#define AL_HOLLOW_DIM_MIN_SUPPORT 2
/* The dim sites around a centre (three, one neighbour distance away) are
 * within this many neighbour distances. */
#define AL_HOLLOW_PAIR_REACH 1.3
/* How often a centre's contrast reads as the other phase's (vacancies,
 * stray columns). */
#define AL_HOLLOW_ODD 0.1
/* Prior probability that a neighbourhood is 1T. */
#define AL_HOLLOW_PRIOR_1T 0.01
/* Centres whose ratios are summed: within this many lattice constants
 * (19 in the bulk; the six nearest are one lattice constant, √3 neighbour
 * distances, away). Wide enough that the few centres around a cluster of
 * vacancies, which read partly like 1T, do not make a region (one lattice
 * constant: 36 columns added on a 1024² 2H image at 10⁴; two: about 15). */
#define AL_HOLLOW_REGION_A 2.0
/* Centres around a centre that must read as 1T on their own. */
#define AL_HOLLOW_MIN_CENTRES 2
/* Centres next to a dim site (of three) that must be 1T for it to be. */
#define AL_HOLLOW_DIM_CENTRES 2
/* A 1T region has at least this many centres. A cluster of point defects
 * (V_S, Mo_S2 next to each other) can still make a few centres around it
 * read as 1T (up to 11 at 10⁴ e⁻/Å² in simulated MoS2 with the one-
 * lattice-constant sum), whose added columns the site call then reads as
 * empty metal sites: false V_Mo. A patch of 1 nm radius holds some 36
 * centres (one per 0.087 nm² of MoS2); the simulated ones, 78 and more. */
#define AL_HOLLOW_MIN_REGION_CENTRES 20

typedef struct
{
  double   x, y;
  gboolean centre;  /* a hexagon centre (else a dim site) */
  double   amp, se, se_pos;
  double   lambda;  /* log likelihood ratio, 1T over 2H */
  double   fill_amp; /* the amplitude of a column added there */
  gint32   held;    /* the column on the site, or -1 */
  gint32   next;    /* next site in the same grid cell */
  gboolean is_1t;   /* judged to be in a 1T region */
} PhaseSite;

typedef struct
{
  gint32 nearest;
  double d2;
} Nearest;

static void
find_nearest (guint    j,
              double   dx,
              double   dy,
              gpointer data)
{
  Nearest *n = data;

  if (dx * dx + dy * dy < n->d2)
    {
      n->d2 = dx * dx + dy * dy;
      n->nearest = (gint32) j;
    }
}

/* The supported centres and dim sites, and which column (if any) holds
 * each; `dim_sites` are the dim sites every column places (what
 * al_site_predict gives with hollow FALSE). */
static GArray *
predict_phase_sites (GArray       *fits,
                     guint         width,
                     guint         height,
                     double        nn,
                     double        split,
                     double        family,
                     const GArray *dim_sites)
{
  const AlColumnFit *cols = (const AlColumnFit *) fits->data;
  GArray *out = g_array_new (FALSE, FALSE, sizeof (PhaseSite));
  double empty = AL_SITE_EMPTY_FRACTION * nn;
  AlColumnGrid grid;

  al_column_grid_init (&grid, cols, NULL, fits->len, width, height, empty);
  for (int centre = 0; centre < 2; centre++)
    {
      g_autoptr (GArray) own = centre ? al_site_predict (cols, fits->len, width, height, nn,
                                                         split, family, TRUE)
                                      : NULL;
      const GArray *sites = centre ? own : dim_sites;
      for (guint k = 0; k < sites->len; k++)
        {
          const AlSite *site = &g_array_index (sites, AlSite, k);
          PhaseSite p = { site->sx / site->support, site->sy / site->support, centre };
          Nearest near = { -1, empty * empty };

          if ((!centre && site->bright)
              || site->support < (centre ? AL_HOLLOW_MIN_SUPPORT : AL_HOLLOW_DIM_MIN_SUPPORT))
            continue;
          al_column_grid_foreach (&grid, cols, p.x, p.y, empty, find_nearest, &near);
          p.held = near.nearest;
          p.next = -1;
          g_array_append_val (out, p);
        }
    }
  al_column_grid_clear (&grid);
  return out;
}

/* log Σ w_k N(z; μ_k, 1), up to the constant. */
static double
log_mixture (double        z,
             const double *w,
             const double *mu,
             guint         n)
{
  double m = -G_MAXDOUBLE, sum = 0;

  for (guint k = 0; k < n; k++)
    m = MAX (m, -0.5 * (z - mu[k]) * (z - mu[k]));
  for (guint k = 0; k < n; k++)
    sum += w[k] * exp (-0.5 * (z - mu[k]) * (z - mu[k]) - m);
  return m + log (sum);
}

typedef struct
{
  const PhaseSite *sites;
  gboolean         centres;  /* collect the centres (else the dim sites) */
  double           sum;
  guint            n;
} Around;

static void
collect_around (guint    j,
                double   dx,
                double   dy,
                gpointer data)
{
  Around *a = data;

  if (a->sites[j].centre == a->centres)
    {
      a->sum += a->sites[j].amp;
      a->n++;
    }
}

typedef struct
{
  const float  *resid;
  guint         width;
  guint         height;
  const GArray *fits;
  PhaseSite    *sites;
  AlColumnFit  *at;
  const AlColumnGrid *grid;
  double        s;
  double        nn;
  double        var;
  double        dim_amp;
} MeasureJob;

/* The fits at sites [start, end) (each writes its own site). */
static void
fit_sites (gpointer data,
           guint    start,
           guint    end)
{
  const MeasureJob *job = data;
  PhaseSite *c = job->sites;

  for (guint k = start; k < end; k++)
    {
      const AlColumnFit *h = c[k].held >= 0 ? &g_array_index (job->fits, AlColumnFit, c[k].held)
                                            : NULL;
      al_site_fit_at (job->resid, job->width, job->height, h ? h->x : c[k].x, h ? h->y : c[k].y,
                      job->s, job->var, &c[k].amp, &c[k].se, &c[k].se_pos);
      job->at[k] = (AlColumnFit) { .x = c[k].x, .y = c[k].y };
    }
}

/* The ratios of sites [start, end), from the amplitudes every site has. */
static void
rate_sites (gpointer data,
            guint    start,
            guint    end)
{
  const MeasureJob *job = data;
  PhaseSite *c = job->sites;
  double dim_amp = job->dim_amp;

  for (guint k = start; k < end; k++)
    {
      Around around = { c, !c[k].centre, 0, 0 };
      double contrast, se, z, mu;

      al_column_grid_foreach (job->grid, job->at, c[k].x, c[k].y, AL_HOLLOW_PAIR_REACH * job->nn,
                              collect_around, &around);
      c[k].lambda = 0;
      c[k].fill_amp = 0;
      if (around.n == 0 || !(c[k].se > 0) || !(dim_amp > 0))
        continue;
      /* Dim site less centre: dim_amp in 2H, 0 in 1T. */
      contrast = c[k].centre ? around.sum / around.n - c[k].amp : c[k].amp - around.sum / around.n;
      /* Both phases hold two chalcogens per dim site and centre: what the
       * pair reads beyond that is background. */
      c[k].fill_amp = 0.5 * (dim_amp + (c[k].centre ? -contrast : contrast));
      if (!c[k].centre)
        continue;
      se = c[k].se * sqrt (1.0 + 1.0 / around.n);
      z = contrast / se;
      mu = dim_amp / se;
      {
        double means[2] = { 0.0, mu };
        double w1t[2] = { 1.0 - AL_HOLLOW_ODD, AL_HOLLOW_ODD };
        double w2h[2] = { AL_HOLLOW_ODD, 1.0 - AL_HOLLOW_ODD };
        c[k].lambda = log_mixture (z, w1t, means, 2) - log_mixture (z, w2h, means, 2);
      }
    }
}

/* What the frame less the bright columns reads at each site (the
 * amplitude of a Gaussian fitted there, background and all), and for
 * each centre the log likelihood ratio of 1T over 2H from its contrast
 * with the dim sites around it. 2H holds two chalcogens on a dim site and
 * none on a centre, 1T one on each: the dim sites read `dim_amp` (the dim
 * columns' fitted amplitude) more than the centre in 2H and as much in
 * 1T, whatever the background, which both share. A stray column or a
 * vacancy makes a site of either phase read like the other one now and
 * then (AL_HOLLOW_ODD). Every site gets the amplitude of one chalcogen
 * its contrast implies. */
static void
measure_sites (const float *frame,
               guint        width,
               guint        height,
               const GArray *fits,
               GArray      *sites,
               double       s,
               double       nn,
               double       var,
               double       split,
               double       dim_amp,
               guint        n_threads)
{
  gsize n_px = (gsize) width * height;
  g_autofree float *resid = g_new (float, n_px);
  g_autofree AlColumnFit *bright = g_memdup2 (fits->data, sizeof (AlColumnFit) * MAX (fits->len, 1));
  g_autofree AlColumnFit *at = g_new (AlColumnFit, MAX (sites->len, 1));
  AlColumnGrid grid;
  MeasureJob job = { resid, width, height, fits, (PhaseSite *) sites->data, at, &grid, s, nn, var,
                     dim_amp };

  for (guint j = 0; j < fits->len; j++)
    bright[j].ok = bright[j].ok && bright[j].amplitude >= split;
  al_refine_render_threaded (resid, width, height, bright, fits->len, n_threads);
  al_parallel_subtract (n_threads, frame, resid, resid, n_px);
  al_parallel_range (n_threads, sites->len, fit_sites, &job);
  al_column_grid_init (&grid, at, NULL, sites->len, width, height, AL_HOLLOW_PAIR_REACH * nn);
  al_parallel_range (n_threads, sites->len, rate_sites, &job);
  al_column_grid_clear (&grid);
}

typedef struct
{
  PhaseSite    *sites;
  const gint32 *head;
  guint         gw;
  guint         gh;
  double        reach;
  double        prior;
  double        nn;
  gboolean      centres;  /* judge the centres (else the dim sites) */
} JudgeJob;

/* Sites [start, end) of one kind: a centre by the ratios of the centres
 * around it; a dim site by the centres next to it (its own three read a
 * vacancy there as 1T; their neighbourhoods do not). A centre reads only
 * ratios and a dim site only the centres' calls, so each pass writes what
 * no site of it reads. */
static void
judge_band (gpointer data,
            guint    start,
            guint    end)
{
  const JudgeJob *job = data;
  PhaseSite *c = job->sites;
  const gint32 *head = job->head;
  double reach = job->reach;
  int gw = (int) job->gw, gh = (int) job->gh;

  for (guint i = start; i < end; i++)
    {
      int cx = (int) (MAX (c[i].x, 0) / reach), cy = (int) (MAX (c[i].y, 0) / reach);
      double sum = job->prior;
      guint centres = 0, n_1t = 0;
      if (c[i].centre != job->centres)
        continue;
      for (int gy = MAX (cy - 1, 0); gy <= MIN (cy + 1, gh - 1); gy++)
        for (int gx = MAX (cx - 1, 0); gx <= MIN (cx + 1, gw - 1); gx++)
          for (gint32 j = head[(gsize) gy * gw + gx]; j >= 0; j = c[j].next)
            if (!c[j].centre)
              continue;
            else if (job->centres
                     && al_distance_within (c[j].x - c[i].x, c[j].y - c[i].y, reach, FALSE))
              {
                sum += c[j].lambda;
                centres += c[j].lambda > 0;
              }
            else if (!job->centres)
              n_1t += c[j].is_1t
                      && al_distance_within (c[j].x - c[i].x, c[j].y - c[i].y,
                                             AL_HOLLOW_PAIR_REACH * job->nn, FALSE);
      c[i].is_1t = job->centres ? sum > 0 && centres >= AL_HOLLOW_MIN_CENTRES
                                : n_1t >= AL_HOLLOW_DIM_CENTRES;
    }
}

/* Judges each site's phase on its own ratio and its neighbours'. */
static void
judge_sites (GArray *sites,
             guint   width,
             guint   height,
             double  nn,
             guint   n_threads)
{
  double reach = AL_HOLLOW_REGION_A * sqrt (3.0) * nn;
  guint gw = (guint) (width / reach) + 1, gh = (guint) (height / reach) + 1;
  g_autofree gint32 *head = g_new (gint32, (gsize) gw * gh);
  PhaseSite *c = (PhaseSite *) sites->data;
  JudgeJob job = { c, head, gw, gh, reach,
                   log (AL_HOLLOW_PRIOR_1T / (1.0 - AL_HOLLOW_PRIOR_1T)), nn, TRUE };

  for (gsize k = 0; k < (gsize) gw * gh; k++)
    head[k] = -1;
  for (guint i = 0; i < sites->len; i++)
    {
      guint gx = MIN ((guint) (MAX (c[i].x, 0) / reach), gw - 1);
      guint gy = MIN ((guint) (MAX (c[i].y, 0) / reach), gh - 1);
      c[i].next = head[(gsize) gy * gw + gx];
      head[(gsize) gy * gw + gx] = (gint32) i;
    }
  al_parallel_range (n_threads, sites->len, judge_band, &job);
  job.centres = FALSE;
  al_parallel_range (n_threads, sites->len, judge_band, &job);
}

static guint32
region_root (guint32 *parent,
             guint32  i)
{
  while (parent[i] != i)
    i = parent[i] = parent[parent[i]];
  return i;
}

/* Clears the 1T sites of regions with too few centres (their sites
 * joined when within AL_HOLLOW_PAIR_REACH neighbour distances). */
static void
drop_small_regions (GArray *sites,
                    guint   width,
                    guint   height,
                    double  nn)
{
  PhaseSite *c = (PhaseSite *) sites->data;
  double reach = AL_HOLLOW_PAIR_REACH * nn;
  guint gw = (guint) (width / reach) + 1, gh = (guint) (height / reach) + 1;
  g_autofree gint32 *head = g_new (gint32, (gsize) gw * gh);
  g_autofree guint32 *parent = g_new (guint32, sites->len + 1);
  g_autofree guint *centres = g_new0 (guint, sites->len + 1);

  for (gsize k = 0; k < (gsize) gw * gh; k++)
    head[k] = -1;
  for (guint i = 0; i < sites->len; i++)
    {
      guint gx = MIN ((guint) (MAX (c[i].x, 0) / reach), gw - 1);
      guint gy = MIN ((guint) (MAX (c[i].y, 0) / reach), gh - 1);
      parent[i] = i;
      if (!c[i].is_1t)
        continue;
      c[i].next = head[(gsize) gy * gw + gx];
      head[(gsize) gy * gw + gx] = (gint32) i;
    }
  for (guint i = 0; i < sites->len; i++)
    {
      int cx = (int) (MAX (c[i].x, 0) / reach), cy = (int) (MAX (c[i].y, 0) / reach);
      if (!c[i].is_1t)
        continue;
      for (int gy = MAX (cy - 1, 0); gy <= MIN (cy + 1, (int) gh - 1); gy++)
        for (int gx = MAX (cx - 1, 0); gx <= MIN (cx + 1, (int) gw - 1); gx++)
          for (gint32 j = head[(gsize) gy * gw + gx]; j >= 0; j = c[j].next)
            if (al_distance_within (c[j].x - c[i].x, c[j].y - c[i].y, reach, FALSE))
              parent[region_root (parent, i)] = region_root (parent, (guint32) j);
    }
  for (guint i = 0; i < sites->len; i++)
    centres[region_root (parent, i)] += c[i].is_1t && c[i].centre;
  for (guint i = 0; i < sites->len; i++)
    if (c[i].is_1t && centres[region_root (parent, i)] < AL_HOLLOW_MIN_REGION_CENTRES)
      c[i].is_1t = FALSE;
}

/* Whether a column added before lies within `radius` of (x, y) (grid
 * `head`/`next` over the columns from `from` on, cell `cell`). */
static gboolean
added_near (const GArray *fits,
            guint         from,
            const gint32 *head,
            const gint32 *next,
            guint         gw,
            guint         gh,
            double        cell,
            double        x,
            double        y,
            double        radius)
{
  int cx = (int) (x / cell), cy = (int) (y / cell);

  for (int gy = MAX (cy - 1, 0); gy <= MIN (cy + 1, (int) gh - 1); gy++)
    for (int gx = MAX (cx - 1, 0); gx <= MIN (cx + 1, (int) gw - 1); gx++)
      for (gint32 j = head[(gsize) gy * gw + gx]; j >= 0; j = next[j - from])
        {
          const AlColumnFit *f = &g_array_index (fits, AlColumnFit, j);
          if (al_distance_within (f->x - x, f->y - y, radius, TRUE))
            return TRUE;
        }
  return FALSE;
}

/* Adds the columns of the sites judged 1T that no column holds (and
 * whose contrast implies more than nothing); a centre and a dim site
 * predicted on one spot (where lattices meet) get one. Returns how many. */
static guint
add_columns (guint         width,
             guint         height,
             GArray       *fits,
             const GArray *sites,
             const float  *background,
             double        s,
             double        nn)
{
  double cell = AL_SITE_EMPTY_FRACTION * nn;
  guint gw = (guint) (width / cell) + 1, gh = (guint) (height / cell) + 1, from = fits->len;
  g_autofree gint32 *head = g_new (gint32, (gsize) gw * gh);
  g_autofree gint32 *next = g_new (gint32, sites->len + 1);

  for (gsize k = 0; k < (gsize) gw * gh; k++)
    head[k] = -1;
  for (guint i = 0; i < sites->len; i++)
    {
      const PhaseSite *c = &g_array_index (sites, PhaseSite, i);
      AlColumnFit f = { 0 };
      gsize cell_index;

      if (!c->is_1t || c->held >= 0 || !(c->fill_amp > 0)
          || added_near (fits, from, head, next, gw, gh, cell, c->x, c->y, cell))
        continue;
      f.x = c->x;
      f.y = c->y;
      f.amplitude = c->fill_amp;
      f.width = s;
      f.background = background[(gsize) CLAMP (lround (c->y), 0, (long) height - 1) * width
                                + (gsize) CLAMP (lround (c->x), 0, (long) width - 1)];
      f.se_amplitude = c->se;
      f.se_x = f.se_y = s * c->se / c->fill_amp;
      f.ok = TRUE;
      cell_index = (gsize) MIN ((guint) (MAX (c->y, 0) / cell), gh - 1) * gw
                   + MIN ((guint) (MAX (c->x, 0) / cell), gw - 1);
      next[fits->len - from] = head[cell_index];
      head[cell_index] = (gint32) fits->len;
      g_array_append_val (fits, f);
    }
  return fits->len - from;
}

guint
al_site_fill_hollows (const float *frame,
                      guint        width,
                      guint        height,
                      GArray      *fits,
                      const float *background,
                      double       width_px,
                      double       neighbour_px,
                      double       var,
                      double       split,
                      double       family,
                      double       dim_amp,
                      const GArray *dim_sites,
                      guint        n_threads,
                      GArray      *single)
{
  g_autoptr (GArray) sites = NULL;
  guint n_before = fits->len;

  if (!(var > 0) || !(dim_amp > 0))
    return 0;
  sites = predict_phase_sites (fits, width, height, neighbour_px, split, family, dim_sites);
  measure_sites (frame, width, height, fits, sites, width_px, neighbour_px, var, split, dim_amp,
                 n_threads);
  judge_sites (sites, width, height, neighbour_px, n_threads);
  drop_small_regions (sites, width, height, neighbour_px);
  add_columns (width, height, fits, sites, background, width_px, neighbour_px);
  g_debug ("site fill: %u columns of one chalcogen added (%u sites)", fits->len - n_before,
           sites->len);
  /* The dim columns of the 1T regions, found or added, hold one chalcogen. */
  for (guint i = 0; single != NULL && i < sites->len; i++)
    {
      const PhaseSite *c = &g_array_index (sites, PhaseSite, i);
      guint index = (guint) c->held;
      if (c->is_1t && c->held >= 0 && g_array_index (fits, AlColumnFit, index).amplitude < split)
        g_array_append_val (single, index);
    }
  for (guint i = n_before; single != NULL && i < fits->len; i++)
    g_array_append_val (single, i);
  return fits->len - n_before;
}
