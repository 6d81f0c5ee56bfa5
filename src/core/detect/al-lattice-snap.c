/* al-lattice-snap.c: columns moved to their local lattice sites. See
 * al-lattice-snap.h. */
#include <math.h>

#include "detect/al-column-grid.h"
#include "detect/al-filter.h"
#include "detect/al-lattice-snap-private.h"
#include "detect/al-parallel.h"

/* The local lattice is fitted to the bright columns (the metal
 * sublattice: about half the columns of a TMD, located two to three times
 * better than the chalcogen columns at low dose) within this many lattice
 * periods: about 30 of them, enough to beat one column's error fivefold,
 * few enough to follow strain and to stay inside a grain. */
#define SNAP_RADIUS_PERIODS 3.2
#define SNAP_MIN_NEIGHBOURS 10
/* Columns at or above this amplitude percentile are the bright ones. */
#define SNAP_BRIGHT_PERCENTILE 0.7
/* A lattice that fits its bright columns worse than this (rms per axis,
 * periods) is not one lattice: a grain boundary, an amorphous patch
 * (random points give 0.29). */
#define SNAP_MAX_RMS_PERIODS 0.15
/* Columns further from the fit than this many rms (and than the floor)
 * are outliers: another grain, a misplaced column. */
#define SNAP_OUTLIER_RMS 3.0
#define SNAP_OUTLIER_FLOOR_PERIODS 0.1
#define SNAP_OUTLIER_CEILING_PERIODS 0.25
#define SNAP_OUTLIER_ROUNDS 3
/* A column further than this from every site (neighbour distances) is
 * left where it was fitted. */
#define SNAP_MAX_MOVE_NEIGHBOURS 0.5
#define SNAP_DUPLICATE_NEIGHBOURS 0.5
/* Length tolerance when picking the sublattice offset. */
#define SNAP_BASIS_TOLERANCE 0.05
/* Neighbours this close to one period away give the orientation. */
#define SNAP_PERIOD_TOLERANCE 0.2
/* Rounds of filling empty sites (al-lattice-fill.c). */
#define SNAP_FILL_ROUNDS 2
/* Only columns whose local lattice fits this well (rms per axis,
 * periods) propose sites: near a grain boundary the lattice of the
 * other grain pulls the fit and its extrapolated sites. */
#define SNAP_MAX_FILL_RMS_PERIODS 0.1
/* Counts are summed in discs of this many column widths about sites. */
#define SNAP_DISC_WIDTHS 1.2
/* The two non-metal cosets hold different things (2H) when their mean
 * counts differ by more than this fraction of the metal's excess over the
 * dimmer one, by default (al-detect.c sets it from the material: half the
 * chalcogen-to-metal ratio; 2H MoS2 measures 0.42, 1T 0). */
#define SNAP_SPLIT_FRACTION 0.2

void
al_lattice_snap_params_init (AlLatticeSnapParams *params,
                             double               neighbour_px)
{
  double period = sqrt (3.0) * neighbour_px;

  params->radius_px = SNAP_RADIUS_PERIODS * period;
  params->min_neighbours = SNAP_MIN_NEIGHBOURS;
  params->max_rms_px = SNAP_MAX_RMS_PERIODS * period;
  params->max_move_px = SNAP_MAX_MOVE_NEIGHBOURS * neighbour_px;
  params->duplicate_px = SNAP_DUPLICATE_NEIGHBOURS * neighbour_px;
  params->neighbour_px = neighbour_px;
  params->max_fill_rms_px = SNAP_MAX_FILL_RMS_PERIODS * period;
  params->split_fraction = SNAP_SPLIT_FRACTION;
}

/* The Bravais basis's inverse and tau, the offset (lattice coordinates)
 * from one honeycomb site to the other: 0, tau and 2 tau are the metal,
 * chalcogen and hexagon-centre sites in some order. FALSE when the
 * lattice is not hexagonal. */
static gboolean
lattice_frame (const AlLattice *lattice,
               double           inv[2][2],
               double           tau[2])
{
  const double *a1 = lattice->a1, *a2 = lattice->a2;
  const int combos[4][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 1, -1 } };
  double side = lattice->period_px / sqrt (3.0);
  double det = a1[0] * a2[1] - a2[0] * a1[1];

  if (!lattice->found || !lattice->hexagonal || !(side > 0) || fabs (det) < 1e-9)
    return FALSE;
  inv[0][0] = a2[1] / det;
  inv[0][1] = -a2[0] / det;
  inv[1][0] = -a1[1] / det;
  inv[1][1] = a1[0] / det;
  for (guint k = 0; k < G_N_ELEMENTS (combos); k++)
    {
      double tx = (combos[k][0] * a1[0] + combos[k][1] * a2[0]) / 3.0;
      double ty = (combos[k][0] * a1[1] + combos[k][1] * a2[1]) / 3.0;
      if (fabs (hypot (tx, ty) / side - 1.0) < SNAP_BASIS_TOLERANCE)
        {
          tau[0] = combos[k][0] / 3.0;
          tau[1] = combos[k][1] / 3.0;
          return TRUE;
        }
    }
  return FALSE;
}

/* One column's bright neighbours: positions relative to the column. */
typedef struct
{
  GArray *dx, *dy;   /* double */
  GArray *index;     /* guint */
} Hood;

static void
collect (guint    index,
         double   dx,
         double   dy,
         gpointer data)
{
  Hood *h = data;

  g_array_append_val (h->dx, dx);
  g_array_append_val (h->dy, dy);
  g_array_append_val (h->index, index);
}

/* Each bright column's sixfold orientation: the sum of (cos 6φ, sin 6φ)
 * over the directions φ to its bright neighbours one period away (metal
 * to metal; metal to chalcogen is shorter and left out, its directions
 * being 30° off, which the sixfold sum would cancel). */
typedef struct
{
  double  period;
  double *sum;   /* 2 per column */
  guint   self;
} Orient;

static void
add_direction (guint    index,
               double   dx,
               double   dy,
               gpointer data)
{
  Orient *o = data;
  double r = hypot (dx, dy), phi = atan2 (dy, dx);

  if (index == o->self || fabs (r / o->period - 1.0) > SNAP_PERIOD_TOLERANCE)
    return;
  o->sum[2 * o->self] += cos (6 * phi);
  o->sum[2 * o->self + 1] += sin (6 * phi);
}

static double *
orientations (const AlColumnGrid *bright_grid,
              const AlColumnFit  *cols,
              const gboolean     *bright,
              guint               n,
              double              period)
{
  Orient o = { period, g_new0 (double, 2 * (gsize) MAX (n, 1)), 0 };

  for (o.self = 0; o.self < n; o.self++)
    if (bright[o.self])
      al_column_grid_foreach (bright_grid, cols, cols[o.self].x, cols[o.self].y,
                              (1.0 + SNAP_PERIOD_TOLERANCE) * period, add_direction, &o);
  return o.sum;
}

/* Least squares (dx, dy) = c + G m over the neighbours with use[j]:
 * c, G (rows x and y), the residual rms per axis and c's variance factor
 * ((MᵀM)⁻¹ at c). FALSE when the design is singular. */
typedef struct
{
  double c[2];
  double g[2][2];
  double rms;
  double var_factor;
  guint  n_used;
} Affine;

static gboolean
fit_affine (const Hood     *h,
            const double   *m1,
            const double   *m2,
            const gboolean *use,
            Affine         *fit)
{
  double s[3][3] = { { 0 } }, bx[3] = { 0 }, by[3] = { 0 }, inv[3][3], det, ss = 0;
  double px[3], py[3];
  guint n = 0;

  for (guint j = 0; j < h->dx->len; j++)
    {
      double v[3] = { 1.0, m1[j], m2[j] };
      if (!use[j])
        continue;
      n++;
      for (int a = 0; a < 3; a++)
        {
          bx[a] += v[a] * g_array_index (h->dx, double, j);
          by[a] += v[a] * g_array_index (h->dy, double, j);
          for (int b = 0; b < 3; b++)
            s[a][b] += v[a] * v[b];
        }
    }
  fit->n_used = n;
  if (n < 4)
    return FALSE;
  inv[0][0] = s[1][1] * s[2][2] - s[1][2] * s[2][1];
  inv[0][1] = s[0][2] * s[2][1] - s[0][1] * s[2][2];
  inv[0][2] = s[0][1] * s[1][2] - s[0][2] * s[1][1];
  inv[1][0] = s[1][2] * s[2][0] - s[1][0] * s[2][2];
  inv[1][1] = s[0][0] * s[2][2] - s[0][2] * s[2][0];
  inv[1][2] = s[0][2] * s[1][0] - s[0][0] * s[1][2];
  inv[2][0] = s[1][0] * s[2][1] - s[1][1] * s[2][0];
  inv[2][1] = s[0][1] * s[2][0] - s[0][0] * s[2][1];
  inv[2][2] = s[0][0] * s[1][1] - s[0][1] * s[1][0];
  det = s[0][0] * inv[0][0] + s[0][1] * inv[1][0] + s[0][2] * inv[2][0];
  if (fabs (det) < 1e-9)
    return FALSE;
  for (int a = 0; a < 3; a++)
    {
      px[a] = (inv[a][0] * bx[0] + inv[a][1] * bx[1] + inv[a][2] * bx[2]) / det;
      py[a] = (inv[a][0] * by[0] + inv[a][1] * by[1] + inv[a][2] * by[2]) / det;
    }
  for (guint j = 0; j < h->dx->len; j++)
    if (use[j])
      {
        double rx = g_array_index (h->dx, double, j) - (px[0] + px[1] * m1[j] + px[2] * m2[j]);
        double ry = g_array_index (h->dy, double, j) - (py[0] + py[1] * m1[j] + py[2] * m2[j]);
        ss += rx * rx + ry * ry;
      }
  fit->c[0] = px[0];
  fit->c[1] = py[0];
  fit->g[0][0] = px[1];
  fit->g[0][1] = px[2];
  fit->g[1][0] = py[1];
  fit->g[1][1] = py[2];
  fit->rms = n > 3 ? sqrt (ss / (2.0 * (n - 3))) : 0.0;
  fit->var_factor = inv[0][0] / det;
  return TRUE;
}

static double
residual (const Hood   *h,
          guint         j,
          double        m1,
          double        m2,
          const Affine *fit)
{
  double ex = fit->c[0] + fit->g[0][0] * m1 + fit->g[0][1] * m2;
  double ey = fit->c[1] + fit->g[1][0] * m1 + fit->g[1][1] * m2;

  return hypot (g_array_index (h->dx, double, j) - ex, g_array_index (h->dy, double, j) - ey);
}

/* The site nearest to the column (at the origin) of the fitted lattice:
 * its offset from the column. */
static double
nearest_site (const Affine *fit,
              const double  tau[2],
              double       *sx,
              double       *sy,
              int           site[3])
{
  double det = fit->g[0][0] * fit->g[1][1] - fit->g[0][1] * fit->g[1][0];
  double u1 = (fit->g[1][1] * -fit->c[0] - fit->g[0][1] * -fit->c[1]) / det;
  double u2 = (-fit->g[1][0] * -fit->c[0] + fit->g[0][0] * -fit->c[1]) / det;
  double best = G_MAXDOUBLE;

  for (int k = 0; k < 3; k++)
    {
      double v1 = round (u1 - k * tau[0]) + k * tau[0], v2 = round (u2 - k * tau[1]) + k * tau[1];
      double x = fit->c[0] + fit->g[0][0] * v1 + fit->g[0][1] * v2;
      double y = fit->c[1] + fit->g[1][0] * v1 + fit->g[1][1] * v2;
      if (hypot (x, y) < best)
        {
          best = hypot (x, y);
          *sx = x;
          *sy = y;
          site[0] = (int) round (u1 - k * tau[0]);
          site[1] = (int) round (u2 - k * tau[1]);
          site[2] = k;
        }
    }
  return best;
}

/* The column's site from its bright neighbourhood; FALSE: no lattice
 * there, or no site near the column. */
static gboolean
snap_one (const AlColumnGrid        *bright,
          const AlColumnFit         *cols,
          guint                      i,
          const double               inv[2][2],
          const double              *orient,
          double                     global_angle,
          const double               tau[2],
          const AlLatticeSnapParams *p,
          SiteFrame                 *out)
{
  Hood h = { g_array_new (FALSE, FALSE, sizeof (double)),
             g_array_new (FALSE, FALSE, sizeof (double)),
             g_array_new (FALSE, FALSE, sizeof (guint)) };
  double ox = 0, oy = 0, turn, ct, st;
  g_autofree gboolean *use = NULL;
  g_autofree double *m1 = NULL, *m2 = NULL;
  double rx = 0, ry = 0, best = G_MAXDOUBLE, cut, ex = 0, ey = 0;
  Affine fit;
  gboolean ok = FALSE;
  guint n;

  al_column_grid_foreach (bright, cols, cols[i].x, cols[i].y, p->radius_px, collect, &h);
  n = h.dx->len;
  if (n < p->min_neighbours)
    goto out;
  /* Lattice coordinates relative to the nearest bright column: exact
   * integers while positions err by less than half a period. */
  for (guint j = 0; j < n; j++)
    {
      double d = hypot (g_array_index (h.dx, double, j), g_array_index (h.dy, double, j));
      if (d < best)
        {
          best = d;
          rx = g_array_index (h.dx, double, j);
          ry = g_array_index (h.dy, double, j);
        }
    }
  /* A grain turned from the one the FFT saw: the basis turned with it
   * (sixfold, so by at most 30°). */
  for (guint j = 0; j < n; j++)
    {
      ox += orient[2 * g_array_index (h.index, guint, j)];
      oy += orient[2 * g_array_index (h.index, guint, j) + 1];
    }
  turn = ox != 0 || oy != 0 ? remainder (atan2 (oy, ox) - global_angle, 2 * G_PI) / 6 : 0.0;
  ct = cos (turn);
  st = sin (turn);
  use = g_new (gboolean, n);
  m1 = g_new (double, n);
  m2 = g_new (double, n);
  for (guint j = 0; j < n; j++)
    {
      double qx = g_array_index (h.dx, double, j) - rx, qy = g_array_index (h.dy, double, j) - ry;
      double dx = ct * qx + st * qy, dy = -st * qx + ct * qy;   /* turned back by `turn` */
      m1[j] = round (inv[0][0] * dx + inv[0][1] * dy);
      m2[j] = round (inv[1][0] * dx + inv[1][1] * dy);
      use[j] = TRUE;
    }
  if (!fit_affine (&h, m1, m2, use, &fit))
    goto out;
  /* Chalcogen columns among the bright ones sit a third of a cell off
   * the metal lattice, symmetrically: they barely move the first fit and
   * go as outliers. */
  for (guint round_ = 0; round_ < SNAP_OUTLIER_ROUNDS; round_++)
    {
      cut = CLAMP (SNAP_OUTLIER_RMS * fit.rms, p->max_rms_px * SNAP_OUTLIER_FLOOR_PERIODS
                                                 / SNAP_MAX_RMS_PERIODS,
                   p->max_rms_px * SNAP_OUTLIER_CEILING_PERIODS / SNAP_MAX_RMS_PERIODS);
      for (guint j = 0; j < n; j++)
        use[j] = residual (&h, j, m1[j], m2[j], &fit) <= cut;
      if (round_ + 1 < SNAP_OUTLIER_ROUNDS && !fit_affine (&h, m1, m2, use, &fit))
        goto out;
    }
  if (!fit_affine (&h, m1, m2, use, &fit)
      || fit.n_used < p->min_neighbours || fit.rms > p->max_rms_px)
    goto out;
  if (nearest_site (&fit, tau, &ex, &ey, out->site) > p->max_move_px)
    goto out;
  /* The fit is in the image's frame (only the rounding to lattice
   * coordinates was turned). */
  out->x = cols[i].x + ex;
  out->y = cols[i].y + ey;
  out->se = fit.rms * sqrt (fit.var_factor);
  out->rms = fit.rms;
  out->o[0] = cols[i].x + fit.c[0];
  out->o[1] = cols[i].y + fit.c[1];
  out->g[0] = fit.g[0][0];
  out->g[1] = fit.g[0][1];
  out->g[2] = fit.g[1][0];
  out->g[3] = fit.g[1][1];
  ok = TRUE;
out:
  g_array_unref (h.dx);
  g_array_unref (h.dy);
  g_array_unref (h.index);
  return ok;
}

typedef struct
{
  const AlColumnGrid        *grid;
  const AlColumnFit         *cols;
  const double             (*inv)[2];
  const double              *orient;
  double                     global_angle;
  const double              *tau;
  const AlLatticeSnapParams *params;
  SiteFrame                 *frames;
} FrameJob;

static void
frames_band (gpointer data,
             guint    start,
             guint    end)
{
  FrameJob *job = data;

  for (guint i = start; i < end; i++)
    if (!snap_one (job->grid, job->cols, i, job->inv, job->orient, job->global_angle, job->tau,
                   job->params, &job->frames[i]))
      job->frames[i].se = 0;
}

gboolean
al_lattice_site_frames (const AlColumnFit         *cols,
                        guint                      n,
                        const AlLattice           *lattice,
                        guint                      width,
                        guint                      height,
                        const AlLatticeSnapParams *params,
                        guint                      n_threads,
                        SiteFrame                 *frames,
                        double                     tau[2])
{
  double inv[2][2];
  g_autofree gboolean *bright = NULL;
  g_autofree float *amplitude = NULL;
  g_autofree double *orient = NULL;
  AlColumnGrid grid;
  FrameJob job;

  if (n == 0 || !lattice_frame (lattice, inv, tau))
    return FALSE;
  amplitude = g_new (float, n);
  for (guint i = 0; i < n; i++)
    amplitude[i] = (float) cols[i].amplitude;
  bright = g_new (gboolean, n);
  {
    double cut = al_filter_percentile (amplitude, n, SNAP_BRIGHT_PERCENTILE);
    for (guint i = 0; i < n; i++)
      bright[i] = cols[i].amplitude >= cut;
  }
  al_column_grid_init (&grid, cols, bright, n, width, height, MAX (params->radius_px / 2, 1.0));
  orient = orientations (&grid, cols, bright, n, lattice->period_px);
  job = (FrameJob) { &grid, cols, (const double (*)[2]) inv, orient,
                     remainder (6 * atan2 (lattice->a1[1], lattice->a1[0]), 2 * G_PI), tau,
                     params, frames };
  al_parallel_range (n_threads, n, frames_band, &job);
  al_column_grid_clear (&grid);
  return TRUE;
}

guint
al_lattice_snap (GArray                    *columns,
                 const AlLattice           *lattice,
                 const float               *frame,
                 const float               *counts,
                 guint                      width,
                 guint                      height,
                 const AlLatticeSnapParams *params)
{
  AlColumnFit *cols = (AlColumnFit *) columns->data;
  guint n = columns->len, n_snapped = 0, k;
  double tau[2];
  g_autoptr (GArray) frames = NULL;

  if (n == 0)
    return 0;
  frames = g_array_sized_new (FALSE, TRUE, sizeof (SiteFrame), n);
  g_array_set_size (frames, n);
  if (!al_lattice_site_frames (cols, n, lattice, width, height, params, 1,
                               (SiteFrame *) frames->data, tau))
    return 0;
  for (guint i = 0; i < n; i++)
    {
      SiteFrame *f = &g_array_index (frames, SiteFrame, i);
      if (!(f->se > 0))
        continue;
      cols[i].x = f->x;
      cols[i].y = f->y;
      cols[i].se_x = cols[i].se_y = f->se;
      n_snapped++;
      if (frame != NULL)
        f->occupied = al_lattice_coset_occupancy (f, tau, frame, counts != NULL ? counts : frame, width,
                                       height, SNAP_DISC_WIDTHS * cols[i].width, params);
    }
  if (frame != NULL)
    {
      /* A column on a coset that holds none here is a ghost (a hexagon
       * centre of 2H); the empty sites of occupied cosets are filled. */
      k = 0;
      for (guint i = 0; i < columns->len; i++)
        {
          const SiteFrame *f = &g_array_index (frames, SiteFrame, i);
          if (f->se > 0 && !(f->occupied & (1u << f->site[2])))
            continue;
          if (!(f->se > 0))
            continue;
          g_array_index (columns, AlColumnFit, k) = g_array_index (columns, AlColumnFit, i);
          g_array_index (frames, SiteFrame, k) = *f;
          k++;
        }
      g_array_set_size (columns, k);
      g_array_set_size (frames, k);
      for (guint round_ = 0; round_ < SNAP_FILL_ROUNDS; round_++)
        {
          guint added = al_lattice_fill_sites (columns, frames, width, height, tau, params);
          g_debug ("snap: round %u, %u sites filled", round_, added);
          if (added == 0)
            break;
        }
    }
  al_lattice_remove_duplicates (columns, width, height, params);
  return n_snapped;
}

