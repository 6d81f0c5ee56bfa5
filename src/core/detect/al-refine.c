/* al-refine.c: joint Gaussian fitting of atomic columns (see al-refine.h).
 *
 * Each column is fitted in a square window by Levenberg–Marquardt with the
 * model A·exp(-r²/2s²) + b on the data minus the other columns' current
 * Gaussians. Exponentials are separable, so a window costs 2(2R+1) exp()
 * per evaluation. Sweeps are Jacobi iterations: every column reads the
 * model of the previous sweep, so the columns split over threads with no
 * locking, and the result does not depend on the number of threads.
 */
#include "detect/al-refine-private.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-column-grid.h"
#include "detect/al-filter.h"
#include "detect/al-parallel.h"

/* Fraction of a sweep's change taken (see al_refine_columns). */
#define AL_REFINE_DAMPING 0.65
/* A column has converged when a sweep moves it less than this fraction of
 * its standard error (or converged_px, when larger): adds < 1 % to its
 * variance. */
#define AL_REFINE_SE_FRACTION 0.2
/* A column is fitted again when its neighbours' moves in the last sweep,
 * weighted by their reach, add up to this fraction of its tolerance. */
#define AL_REFINE_ACTIVE_MOVE 0.5f
/* Neighbours whose moves are counted as adding up on a column, at most. */
#define AL_REFINE_MAX_NEIGHBOURS 12.0f
/* Columns closer than this many widths overlap strongly (damped sweeps). */
#define AL_REFINE_CROWDED_SIGMAS 3.0

void
al_refine_params_init (AlRefineParams *params,
                       double          width_px)
{
  memset (params, 0, sizeof *params);
  params->width_px = width_px;
  params->max_shift_px = 1.5 * width_px;
  params->min_width_px = 0.4 * width_px;
  params->max_width_px = 2.5 * width_px;
  params->max_sweeps = 6;
  params->converged_px = 0.005;
  params->fix_width = TRUE;
  params->weighted = TRUE;
  params->n_threads = 1;
}

static double
median_width (const AlColumnFit *columns,
              guint              n_columns)
{
  g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_columns; i++)
    if (columns[i].ok)
      g_array_append_val (widths, columns[i].width);
  if (widths->len == 0)
    return 0.0;
  for (guint i = 1; i < widths->len; i++)
    for (guint j = i; j > 0 && g_array_index (widths, double, j - 1) > g_array_index (widths, double, j); j--)
      {
        double t = g_array_index (widths, double, j);
        g_array_index (widths, double, j) = g_array_index (widths, double, j - 1);
        g_array_index (widths, double, j - 1) = t;
      }
  return g_array_index (widths, double, widths->len / 2);
}

/* How far a column may still move for its fit to count as converged:
 * `converged_px`, or a fraction of its own standard error when that is
 * larger (a change well inside the error bar is not worth a sweep). */
static double
column_tolerance (const AlColumnFit *c,
                  double             converged_px)
{
  return MAX (converged_px, AL_REFINE_SE_FRACTION * MAX (c->se_x, c->se_y));
}

typedef struct
{
  guint index;
  float influence;
} Contribution;

/* A band of mark_active's columns, with what they gather. */
typedef struct
{
  const AlColumnFit  *columns;
  const AlColumnGrid *grid;
  const float        *moved;
  guint8             *active;
  double              reach;
  double              inv_4s2;
  double              inv_s;
  guint               self;
  GArray             *found;   /* Contribution */
  gboolean            near;
} Neighbourhood;

/* How much a neighbour's move reaches a column's fitted position: through
 * the overlap of their Gaussians' slopes, about (d/σ)·exp(-d²/4σ²) (at
 * most 1). */
static void
gather_influence (guint    j,
                  double   dx,
                  double   dy,
                  gpointer data)
{
  Neighbourhood *n = data;
  double d2 = dx * dx + dy * dy;
  Contribution c;

  c.index = j;
  c.influence = j == n->self
                  ? n->moved[j]
                  : n->moved[j] * (float) MIN (1.0, sqrt (d2) * n->inv_s * exp (-d2 * n->inv_4s2));
  g_array_append_val (n->found, c);
}

/* Puts a column's few contributions in the order of the columns' indices. */
static void
sort_contributions (GArray *found)
{
  Contribution *c = (Contribution *) found->data;

  for (guint i = 1; i < found->len; i++)
    for (guint j = i; j > 0 && c[j - 1].index > c[j].index; j--)
      {
        Contribution t = c[j];
        c[j] = c[j - 1];
        c[j - 1] = t;
      }
}

/* Columns [start, end) of mark_active. Each sums what reaches it in the
 * order of the columns' indices, so the float sum is the same whatever
 * the split. */
static void
mark_active_band (gpointer data,
                  guint    start,
                  guint    end)
{
  Neighbourhood n = *(Neighbourhood *) data;
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (Contribution));

  n.found = found;
  for (guint i = start; i < end; i++)
    {
      float influence = 0.0f;
      gboolean self = FALSE;
      g_array_set_size (found, 0);
      n.self = i;
      al_column_grid_foreach (n.grid, n.columns, n.columns[i].x, n.columns[i].y, n.reach,
                              gather_influence, &n);
      sort_contributions (found);
      for (guint k = 0; k < found->len; k++)
        {
          const Contribution *c = &g_array_index (found, Contribution, k);
          if (!self && c->index >= i)
            {
              /* A column's own move counts whatever its size. */
              if (c->index > i)
                influence += n.moved[i];
              self = TRUE;
            }
          influence += c->influence;
        }
      if (!self)
        influence += n.moved[i];
      n.active[i] = influence >= AL_REFINE_ACTIVE_MOVE;
    }
}

/* Marks the columns worth fitting again: those that moved half their
 * tolerance in the last sweep (`moved` is in units of it), or whose
 * neighbours' moves, weighted by how much they reach it, add up to that.
 * (Refitting only through the neighbours, since an undamped column that
 * moved is where its fit put it, was tried: at coarse sampling, where the
 * first fit is rough, graphene lost a quarter of its atoms.) */
static void
mark_active (const AlColumnFit *columns,
             guint              n_columns,
             const float       *moved,
             guint              width,
             guint              height,
             double             width_px,
             double             reach,
             guint              n_threads,
             guint8            *active)
{
  AlColumnGrid grid;
  Neighbourhood n = { columns, &grid, moved, active, reach,
                      0.25 / (width_px * width_px), 1.0 / width_px, 0, NULL, FALSE };
  g_autofree gboolean *spreads = g_new (gboolean, MAX (n_columns, 1));

  /* Reach is at most 1 and there are a few neighbours: a small move
   * spreads nothing worth a fit, and such columns are left out of the
   * grid the others look in. */
  for (guint j = 0; j < n_columns; j++)
    spreads[j] = moved[j] >= AL_REFINE_ACTIVE_MOVE / AL_REFINE_MAX_NEIGHBOURS;
  al_column_grid_init (&grid, columns, spreads, n_columns, width, height, reach);
  al_parallel_range (n_threads, n_columns, mark_active_band, &n);
  al_column_grid_clear (&grid);
}

static void
mark_near (guint    j,
           double   dx,
           double   dy,
           gpointer data)
{
  Neighbourhood *n = data;

  n->near = n->near || j != n->self;
}

static void
mark_crowded_band (gpointer data,
                   guint    start,
                   guint    end)
{
  Neighbourhood n = *(Neighbourhood *) data;

  for (guint i = start; i < end; i++)
    {
      n.self = i;
      n.near = FALSE;
      al_column_grid_foreach (n.grid, n.columns, n.columns[i].x, n.columns[i].y, n.reach,
                              mark_near, &n);
      n.active[i] = n.near;
    }
}

/* Marks the columns that overlap a neighbour strongly: Jacobi sweeps over
 * such pairs overshoot in turn (each subtracts the other's last, too
 * bright model), and are damped. */
static void
mark_crowded (const AlColumnFit *columns,
              guint              n_columns,
              guint              width,
              guint              height,
              double             distance,
              guint              n_threads,
              guint8            *crowded)
{
  AlColumnGrid grid;
  Neighbourhood n = { columns, &grid, NULL, crowded, distance, 0, 0, 0, NULL, FALSE };

  al_column_grid_init (&grid, columns, NULL, n_columns, width, height, distance);
  al_parallel_range (n_threads, n_columns, mark_crowded_band, &n);
  al_column_grid_clear (&grid);
}

/* What a sweep leaves to be settled, column by column. */
typedef struct
{
  AlColumnFit          *columns;
  AlColumnFit          *next;
  const double         *start;
  float                *moved;
  const guint8         *crowded;
  const AlRefineParams *params;
  gboolean              damp;
  double                max_move[AL_PARALLEL_MAX_THREADS];
  guint                 n_bands;
  guint                 n_columns;
} SettleJob;

/* Columns [start, end): how far each moved, the damping of crowded ones
 * (see mark_crowded) once the noise model and width are settled, the new
 * fits taken, and those that wandered off marked failed. */
static void
settle_band (gpointer data,
             guint    start,
             guint    end)
{
  SettleJob *job = data;
  AlColumnFit *columns = job->columns, *next = job->next;
  double max_move = 0.0;
  guint band = 0;

  /* The band al_parallel_range gave: the one starting at `start`. */
  while (band + 1 < job->n_bands
         && (guint) ((guint64) job->n_columns * (band + 1) / job->n_bands) <= start)
    band++;
  for (guint i = start; i < end; i++)
    {
      /* In units of the column's tolerance; a column that failed left
       * its neighbours' data: as if it moved. */
      job->moved[i] = next[i].ok && columns[i].ok
                        ? (float) (hypot (next[i].x - columns[i].x, next[i].y - columns[i].y)
                                   / column_tolerance (&next[i], job->params->converged_px))
                        : columns[i].ok ? 1.0f : 0.0f;
      max_move = MAX (max_move, job->moved[i]);
      if (job->damp && next[i].ok && columns[i].ok && job->crowded[i])
        {
          next[i].x = columns[i].x + AL_REFINE_DAMPING * (next[i].x - columns[i].x);
          next[i].y = columns[i].y + AL_REFINE_DAMPING * (next[i].y - columns[i].y);
          next[i].amplitude = columns[i].amplitude
                              + AL_REFINE_DAMPING * (next[i].amplitude - columns[i].amplitude);
        }
      columns[i] = next[i];
      if (al_distance_beyond (columns[i].x - job->start[2 * i],
                              columns[i].y - job->start[2 * i + 1], job->params->max_shift_px))
        columns[i].ok = FALSE;
    }
  job->max_move[band] = max_move;
}

/* Refines `columns` in place. Their x, y, amplitude, width and background
 * must hold a starting guess with ok = TRUE; a column whose fit fails or
 * wanders off comes back with ok = FALSE. */
gboolean
al_refine_columns (const float          *image,
                   guint                 width,
                   guint                 height,
                   AlColumnFit          *columns,
                   guint                 n_columns,
                   const AlRefineParams *params,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autofree float *model = NULL;
  g_autofree AlColumnFit *next = NULL;
  g_autofree AlColumnFit *drawn = NULL;
  g_autofree double *start = NULL;
  g_autofree float *bg_map = NULL;
  g_autofree float *moved = NULL;
  g_autofree guint8 *active = NULL;
  g_autofree guint8 *crowded = NULL;
  g_autofree guint *order = NULL;
  guint first_weighted;
  AlNoiseModel noise;
  gboolean have_noise = FALSE;
  AlSweepJob job = { 0 };

  g_return_val_if_fail (image != NULL && params != NULL, FALSE);
  g_return_val_if_fail (n_columns == 0 || columns != NULL, FALSE);
  if (!(params->width_px > 0.0) || params->width_px > 40.0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Column width of %g px is outside what refinement handles (0–40 px)",
                   params->width_px);
      return FALSE;
    }
  if (n_columns == 0)
    return TRUE;

  model = g_new (float, (gsize) width * height);
  next = g_new (AlColumnFit, n_columns);
  drawn = g_new (AlColumnFit, n_columns);
  start = g_new (double, 2 * n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      start[2 * i] = columns[i].x;
      start[2 * i + 1] = columns[i].y;
    }
  job.image = image;
  job.model = model;
  job.width = width;
  job.height = height;
  job.params = params;
  job.cancellable = cancellable;
  job.radius = params->window_px > 0 ? (int) ceil (params->window_px)
                                     : (int) ceil (AL_REFINE_WINDOW_SIGMAS * params->width_px);
  job.radius = CLAMP (job.radius, 2, 120);
  job.parity = -1;
  job.origin = start;
  job.prior_inv_var = params->position_prior_px > 0 ? 1.0 / pow (params->position_prior_px, 2) : 0.0;

  first_weighted = params->warm && params->known_width ? 0 : 1;
  moved = g_new (float, n_columns);
  active = g_new (guint8, n_columns);
  crowded = g_new (guint8, n_columns);
  mark_crowded (columns, n_columns, width, height, AL_REFINE_CROWDED_SIGMAS * params->width_px,
                params->n_threads, crowded);
  for (guint i = 0; i < n_columns; i++)
    moved[i] = params->active == NULL || params->active[i] ? G_MAXFLOAT : 0.0f;
  job.active = params->active;
  order = al_refine_spatial_order (columns, n_columns, 2.0 * job.radius + 1.0);
  job.order = order;

  for (guint sweep = 0; sweep < params->max_sweeps; sweep++)
    {
      double max_move = 0.0;

      /* After the first sweep only what the last one changed is redrawn. */
      if (sweep == 0)
        al_refine_render_threaded (model, width, height, columns, n_columns, params->n_threads);
      else
        al_refine_render_changed (model, width, height, columns, drawn, n_columns,
                                  params->n_threads);
      memcpy (drawn, columns, sizeof *columns * n_columns);
      if (sweep > first_weighted)
        {
          mark_active (columns, n_columns, moved, width, height, params->width_px,
                       job.radius + AL_REFINE_RENDER_SIGMAS * params->width_px,
                       params->n_threads, active);
          job.active = active;
        }
      if (sweep == first_weighted && params->weighted)
        have_noise = al_refine_fit_noise_model (image, model, width, height, columns, n_columns,
                                      job.radius, &noise);
      if (sweep == 0 && params->known_width)
        {
          job.fixed_width = params->width_px;
          job.fix_width = TRUE;
        }
      else if (sweep == 1 && params->fix_width && !params->known_width)
        {
          job.fixed_width = median_width (columns, n_columns);
          job.fix_width = job.fixed_width > 0.0;
        }
      /* The background map needs every column roughly right: after a sweep. */
      if (sweep == 1 && params->background_scale_px > 0 && job.fix_width)
        {
          /* The background under the columns: what the columns leave, smoothed. */
          g_autofree float *resid = g_new (float, (gsize) width * height);
          if (bg_map == NULL)
            bg_map = g_new (float, (gsize) width * height);
          al_parallel_subtract (params->n_threads, image, model, resid, (gsize) width * height);
          al_filter_background_threaded (resid, bg_map, width, height,
                                         params->background_scale_px, params->n_threads);
          job.bg_map = bg_map;
        }
      job.noise = have_noise ? &noise : NULL;
      job.old = columns;
      job.new = next;
      al_refine_run_sweep (&job, n_columns, params->n_threads);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      {
        SettleJob settle = { columns, next, start, moved, crowded, params, sweep > first_weighted,
                             { 0 }, CLAMP (params->n_threads, 1, MIN (AL_PARALLEL_MAX_THREADS,
                                                                      n_columns)),
                             n_columns };
        al_parallel_range (settle.n_bands, n_columns, settle_band, &settle);
        for (guint b = 0; b < settle.n_bands; b++)
          max_move = MAX (max_move, settle.max_move[b]);
      }
      /* The weighted, fixed-width sweeps are the answer: never stop before them. */
      if (sweep > first_weighted && max_move < 1.0)
        break;
    }
  return TRUE;
}
