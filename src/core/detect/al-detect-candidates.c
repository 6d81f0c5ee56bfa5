/* al-detect-candidates.c: the rounds of the classical detection:
 * candidates (peaks of the matched-filtered residual, empty honeycomb
 * sites) are fitted with the columns already found, and kept when
 * significant, bright enough for the material and one per place.
 *
 * A round refits only the new candidates and the columns near where
 * something was added or removed (the refinement then follows whatever
 * moves): on a 2048² image a round adds a few thousand candidates to
 * 87,000 columns. (Not trying again a candidate rejected before was tried
 * too: at coarse sampling a column rejected in one round is often kept in
 * a later one, and recall fell.)
 */
#include "detect/al-detect-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "detect/al-filter.h"
#include "detect/al-parallel.h"
#include "detect/al-refine-private.h"
#include "detect/al-sites.h"

double
al_detect_significance (const AlColumnFit *c)
{
  return c->se_amplitude > 0 ? c->amplitude / c->se_amplitude : 0.0;
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

typedef struct
{
  double significance;
  guint  index;
} Ranked;

/* Most significant first; equal ones in the order of their indices. */
static int
compare_ranked (const void *a,
                const void *b)
{
  const Ranked *x = a, *y = b;

  if (x->significance != y->significance)
    return x->significance < y->significance ? 1 : -1;
  return (x->index > y->index) - (x->index < y->index);
}

static void
mark_duplicate (guint    j,
                double   dx,
                double   dy,
                gpointer data)
{
  *(gboolean *) data = TRUE;
}

typedef struct
{
  const gboolean *kept;
  gboolean        taken;
} KeptNear;

static void
mark_kept (guint    j,
           double   dx,
           double   dy,
           gpointer data)
{
  KeptNear *k = data;

  k->taken = k->taken || k->kept[j];
}

typedef struct
{
  const AlColumnFit  *cols;
  const gboolean     *candidate;
  const AlColumnGrid *grid;
  double              dup;
  gboolean           *alone;
} DuplicateJob;

typedef struct
{
  guint self;
  guint others;
} CountNear;

static void
count_other (guint    j,
             double   dx,
             double   dy,
             gpointer data)
{
  CountNear *c = data;

  c->others += j != c->self;
}

/* Marks the candidates of [start, end) that have no other within `dup`
 * (the grid holds the candidates; distances are symmetric, so such a
 * candidate is within `dup` of no other either). */
static void
mark_alone (gpointer data,
            guint    start,
            guint    end)
{
  const DuplicateJob *job = data;

  for (guint i = start; i < end; i++)
    {
      CountNear near = { i, 0 };
      if (job->candidate[i])
        al_column_grid_foreach (job->grid, job->cols, job->cols[i].x, job->cols[i].y, job->dup,
                                count_other, &near);
      job->alone[i] = job->candidate[i] && near.others == 0;
    }
}

/* Marks in `keep_out` the columns that are significant (or faint but on a
 * lattice site of significant ones) and bright enough for the material,
 * one per place; returns how many. */
static guint
prune_columns (const AlColumnFit    *cols,
               guint                 n,
               const AlDetectParams *params,
               double                neighbour_px,
               guint                 width,
               guint                 height,
               gboolean             *keep_out)
{
  g_autofree float *amps = g_new (float, MAX (n, 1));
  g_autofree gboolean *strong = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *faint = g_new0 (gboolean, MAX (n, 1));
  g_autofree gboolean *keep = g_new0 (gboolean, MAX (n, 1));
  g_autofree Ranked *order = g_new (Ranked, MAX (n, 1));
  AlColumnGrid grid;
  DuplicateJob dup_job;
  double min_amp, dup = AL_DETECT_DUPLICATE_FRACTION * neighbour_px;
  guint n_amps = 0, n_order = 0, kept = 0;

  for (guint i = 0; i < n; i++)
    if (cols[i].ok && al_detect_significance (&cols[i]) >= params->min_significance)
      amps[n_amps++] = (float) cols[i].amplitude;
  min_amp = dimmest_fraction (params->material)
            * al_filter_percentile (amps, n_amps, AL_DETECT_REFERENCE_PERCENTILE);

  for (guint i = 0; i < n; i++)
    {
      double z = al_detect_significance (&cols[i]);
      if (!cols[i].ok || cols[i].amplitude < min_amp)
        continue;
      strong[i] = z >= params->min_significance;
      faint[i] = !strong[i] && params->material != NULL && z >= AL_DETECT_FAINT_SIGNIFICANCE;
    }
  al_sites_accept_faint (cols, n, strong, faint, keep, width, height, neighbour_px,
                         params->n_threads);
  /* Two starts that converged on one column: the more significant stays.
   * `strong` now marks the candidates; `keep` those taken so far. A
   * candidate with no other within `dup` is taken whatever the order, and
   * is near none of the others: only those that have a neighbour are
   * ranked and taken in turn. */
  for (guint i = 0; i < n; i++)
    strong[i] = strong[i] || keep[i];
  al_column_grid_init (&grid, cols, strong, n, width, height, dup);
  dup_job = (DuplicateJob) { cols, strong, &grid, dup, keep };
  al_parallel_range (params->n_threads, n, mark_alone, &dup_job);
  for (guint i = 0; i < n; i++)
    if (strong[i] && !keep[i])
      order[n_order++] = (Ranked) { al_detect_significance (&cols[i]), i };
  qsort (order, n_order, sizeof *order, compare_ranked);
  for (guint k = 0; k < n_order; k++)
    {
      guint i = order[k].index;
      KeptNear near = { keep, FALSE };
      al_column_grid_foreach (&grid, cols, cols[i].x, cols[i].y, dup, mark_kept, &near);
      keep[i] = !near.taken;
    }
  al_column_grid_clear (&grid);
  for (guint i = 0; i < n; i++)
    {
      keep_out[i] = keep[i];
      kept += keep[i] ? 1 : 0;
    }
  return kept;
}

void
al_detect_memory_init (AlDetectMemory *memory)
{
  memory->n_fitted = 0;
  memory->changed = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
}

void
al_detect_memory_clear (AlDetectMemory *memory)
{
  g_clear_pointer (&memory->changed, g_array_unref);
}

/* Whether a column of `grid` lies within `radius` of (x, y). */
static gboolean
grid_near (const AlColumnGrid *grid,
           const AlColumnFit  *columns,
           double              x,
           double              y,
           double              radius)
{
  gboolean found = FALSE;

  if (grid->start != NULL)
    al_column_grid_foreach (grid, columns, x, y, radius, mark_duplicate, &found);
  return found;
}

/* The columns a round must fit: the new ones (from memory->n_fitted on)
 * and the old ones within `reach` of a new one or of a removed one; NULL
 * when every column is to be fitted. */
static guint8 *
active_columns (GArray               *fits,
                const AlDetectMemory *memory,
                guint                 width,
                guint                 height,
                double                reach)
{
  const AlColumnFit *cols = (const AlColumnFit *) fits->data;
  g_autoptr (GArray) sources = NULL;
  guint8 *active;
  AlColumnGrid grid;

  if (memory == NULL || memory->n_fitted == 0 || memory->n_fitted > fits->len)
    return NULL;
  sources = g_array_sized_new (FALSE, FALSE, sizeof (AlColumnFit),
                               memory->changed->len + fits->len - memory->n_fitted);
  g_array_append_vals (sources, memory->changed->data, memory->changed->len);
  g_array_append_vals (sources, cols + memory->n_fitted, fits->len - memory->n_fitted);
  active = g_new0 (guint8, MAX (fits->len, 1));
  al_column_grid_init (&grid, (AlColumnFit *) sources->data, NULL, sources->len, width, height, reach);
  for (guint i = 0; i < fits->len; i++)
    active[i] = i >= memory->n_fitted
                || grid_near (&grid, (AlColumnFit *) sources->data, cols[i].x, cols[i].y, reach);
  al_column_grid_clear (&grid);
  return active;
}

/* After a prune: where columns went (their neighbours are fitted again
 * in the next round). */
static void
remember_prune (AlDetectMemory    *memory,
                const AlColumnFit *cols,
                const gboolean    *keep,
                guint              n)
{
  g_array_set_size (memory->changed, 0);
  for (guint i = 0; i < n; i++)
    if (!keep[i])
      g_array_append_val (memory->changed, cols[i]);
}

static guint
count_active (const guint8 *active,
              guint         n)
{
  guint count = 0;

  for (guint i = 0; i < n; i++)
    count += active == NULL || active[i] ? 1 : 0;
  return count;
}

/* Fits the columns (only what changed since the last round, given a
 * `memory`) and drops those prune_columns does not keep. */
gboolean
al_detect_fit_and_prune (const float          *frame,
                         guint                 width,
                         guint                 height,
                         GArray               *fits,
                         const AlRefineParams *rp,
                         const AlDetectParams *params,
                         double                neighbour_px,
                         AlDetectMemory       *memory,
                         GCancellable         *cancellable,
                         GError              **error)
{
  guint n = fits->len, kept = 0;
  AlColumnFit *cols = (AlColumnFit *) fits->data;
  /* A change reaches a column's fit through its window and the changed
   * column's drawn Gaussian. */
  double reach = (AL_REFINE_WINDOW_SIGMAS + AL_REFINE_RENDER_SIGMAS) * rp->width_px;
  g_autofree guint8 *active = rp->warm ? active_columns (fits, memory, width, height, reach) : NULL;
  g_autofree gboolean *keep = g_new (gboolean, MAX (n, 1));
  AlRefineParams p = *rp;

  p.active = active;
  if (!al_refine_columns (frame, width, height, cols, n, &p, cancellable, error))
    return FALSE;
  prune_columns (cols, n, params, neighbour_px, width, height, keep);
  if (memory != NULL)
    remember_prune (memory, cols, keep, n);
  for (guint i = 0; i < n; i++)
    if (keep[i])
      cols[kept++] = cols[i];
  g_array_set_size (fits, kept);
  if (memory != NULL)
    memory->n_fitted = kept;
  g_debug ("detect: fitted %u columns (%u anew), kept %u", n, count_active (active, n), kept);
  return TRUE;
}

/* Adds, as new starting fits, the peaks of the matched-filtered residual
 * (image minus the fitted columns and the background) that stand above its
 * noise and are not next to a fitted column. Returns how many. */
guint
al_detect_add_residual_candidates (const float          *frame,
                                   const float          *background,
                                   guint                 width,
                                   guint                 height,
                                   GArray               *fits,
                                   double                width_px,
                                   double                neighbour_px,
                                   guint                 n_threads)
{
  gsize n_px = (gsize) width * height;
  g_autofree float *resid = g_new (float, n_px);
  g_autofree float *smooth = g_new (float, n_px);
  g_autofree float *sample = NULL;
  g_autoptr (GArray) peaks = NULL;
  double cell = AL_DETECT_DUPLICATE_FRACTION * neighbour_px, threshold;
  guint n_old = fits->len;
  AlColumnGrid grid;
  gsize n_sample = 0, step = MAX (1, n_px / AL_DETECT_NOISE_SAMPLES);

  al_refine_render_threaded (resid, width, height, (AlColumnFit *) fits->data, fits->len,
                             n_threads);
  al_parallel_subtract (n_threads, frame, resid, resid, n_px);
  /* The background is what the columns leave, smoothed. */
  al_filter_background_threaded (resid, smooth, width, height, neighbour_px, n_threads);
  al_parallel_subtract (n_threads, resid, smooth, resid, n_px);
  al_filter_gaussian_threaded (resid, smooth, width, height, width_px, n_threads);

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
  peaks = al_peaks_find_threaded (smooth, width, height, AL_DETECT_NMS_FRACTION * neighbour_px,
                                  (float) threshold, 0, n_threads);

  g_debug ("detect: residual threshold %g, %u peaks", threshold, peaks->len);
  al_column_grid_init (&grid, (AlColumnFit *) fits->data, NULL, n_old, width, height, cell);
  for (guint p = 0; p < peaks->len; p++)
    {
      const AlPeak *pk = &g_array_index (peaks, AlPeak, p);
      AlColumnFit c = { 0 };
      gsize k = (gsize) lround (pk->y) * width + (gsize) lround (pk->x);

      if (grid_near (&grid, (AlColumnFit *) fits->data, pk->x, pk->y, cell))
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
  al_column_grid_clear (&grid);
  return fits->len - n_old;
}

guint
al_detect_add_site_candidates (GArray *fits,
                               guint   width,
                               guint   height,
                               double  width_px,
                               double  neighbour_px,
                               guint   n_threads)
{
  g_autoptr (GArray) sites = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
  guint n = al_sites_predict ((AlColumnFit *) fits->data, fits->len, width, height,
                              neighbour_px, width_px, n_threads, sites);

  g_array_append_vals (fits, sites->data, sites->len);
  g_debug ("detect: %u empty lattice sites to try", n);
  return n;
}
