/* al-sites.c: neighbour grid and honeycomb site test (see al-sites.h).
 *
 * In a honeycomb the three nearest neighbours of a column lie along one of
 * two families of directions, 120° apart: family F from a sublattice-A
 * column to its B neighbours, and F + 60° from B to A. The empty centre of
 * a hexagon is also one neighbour distance from the A columns around it,
 * but along F + 60°. So a faint candidate surrounded by bright columns is a
 * B column when the bright columns see it along F, and a hollow when they
 * see it along F + 60°. F is measured on the image, from the pairs of
 * strong columns one neighbour distance apart, bright to dim; this needs
 * two kinds of column (TMDs, hBN), and does nothing for graphene.
 */
#include "detect/al-sites.h"

#include <math.h>
#include <string.h>

#include "detect/al-parallel.h"
#include "detect/al-species.h"

/* A neighbour lies within this fraction of the neighbour distance. */
#define AL_SITES_DISTANCE_TOLERANCE 0.22
/* A direction agrees with a family within this many degrees. */
#define AL_SITES_ANGLE_TOLERANCE_DEG 22.0
/* Bright columns that must agree (and none may disagree). */
#define AL_SITES_MIN_AGREEING 2
/* The two-class split must be this clear (pooled sigmas between means). */
#define AL_SITES_MIN_SEPARATION 2.0
#define AL_SITES_MIN_PAIRS 20
/* A predicted site is empty when no column is within this fraction of the
 * neighbour distance. */
#define AL_SITES_EMPTY_FRACTION 0.45
/* Predicted sites compared against for de-duplication. */
#define AL_SITES_RECENT 64
/* A neighbour's class is clear when its amplitude is this factor away
 * from the split between the classes. */
#define AL_SITES_CLASS_MARGIN 1.2

typedef struct
{
  const AlColumnFit *columns;
  double             split;      /* amplitude between the dim and bright class */
  double             nn;
  double             family;     /* F, radians in [0, 2π/3) */
  /* pair collection */
  double             sum_cos;
  double             sum_sin;
  guint              n_pairs;
  /* candidate test */
  double             cx;
  double             cy;
  guint              agree;
  guint              disagree;
  guint              self;
  GArray            *pairs;      /* double: cos, sin of each pair, in order */
} SiteState;

static gboolean
at_neighbour_distance (double dx,
                       double dy,
                       double nn)
{
  return fabs (hypot (dx, dy) / nn - 1.0) < AL_SITES_DISTANCE_TOLERANCE;
}

/* Angle of (dx, dy) folded into one 120° period and scaled to a full turn. */
static double
folded (double dx,
        double dy)
{
  return 3.0 * atan2 (dy, dx);
}

static void
collect_pair (guint    j,
              double   dx,
              double   dy,
              gpointer data)
{
  SiteState *s = data;

  /* From a bright column to a dim one. */
  if (j == s->self || s->columns[j].amplitude >= s->split || !at_neighbour_distance (dx, dy, s->nn))
    return;
  {
    double f = folded (dx, dy);
    g_array_append_vals (s->pairs, (double[2]) { cos (f), sin (f) }, 2);
  }
}

typedef struct
{
  const SiteState    *state;
  const AlColumnGrid *grid;
  const gboolean     *strong;
  double              radius;
  GArray             *pairs[AL_PARALLEL_MAX_THREADS];
  guint               n_bands;
  guint               n_columns;
} PairJob;

/* The pairs of the bright strong columns of a band of columns. */
static void
collect_band (gpointer data,
              guint    start,
              guint    end)
{
  PairJob *job = data;
  SiteState s = *job->state;
  guint band = 0;

  /* The band al_parallel_range gave: the one starting at `start`. */
  while (band + 1 < job->n_bands
         && (guint) ((guint64) job->n_columns * (band + 1) / job->n_bands) <= start)
    band++;
  s.pairs = job->pairs[band];
  for (guint i = start; i < end; i++)
    if (job->strong[i] && s.columns[i].amplitude >= s.split)
      {
        s.self = i;
        al_column_grid_foreach (job->grid, s.columns, s.columns[i].x, s.columns[i].y, job->radius,
                                collect_pair, &s);
      }
}

static void
test_neighbour (guint    j,
                double   dx,
                double   dy,
                gpointer data)
{
  SiteState *s = data;
  double amp = s->columns[j].amplitude;
  gboolean bright = amp >= s->split;
  /* Direction from the neighbour to the candidate. */
  double a = folded (-dx, -dy) - 3.0 * s->family - (bright ? 0.0 : G_PI);
  double off = fabs (remainder (a, 2.0 * G_PI)) / 3.0 * 180.0 / G_PI;

  /* A neighbour of unclear class says nothing. */
  if (!at_neighbour_distance (dx, dy, s->nn)
      || (amp < s->split * AL_SITES_CLASS_MARGIN && amp > s->split / AL_SITES_CLASS_MARGIN))
    return;
  if (off < AL_SITES_ANGLE_TOLERANCE_DEG)
    s->agree++;
  else
    s->disagree++;
}

/* The bright/dim split and the direction family F from the candidates;
 * FALSE when the columns are not of two kinds or too few. */
static gboolean
site_model (const AlColumnFit *columns,
            guint              n_columns,
            const gboolean    *strong,
            const gboolean    *faint,
            guint              width,
            guint              height,
            double             neighbour_px,
            guint              n_threads,
            SiteState         *s)
{
  PairJob job = { 0 };
  g_autofree double *amps = g_new (double, MAX (n_columns, 1));
  g_autofree gboolean *either = g_new (gboolean, MAX (n_columns, 1));
  double mean[2], var[2];
  double radius = (1.0 + AL_SITES_DISTANCE_TOLERANCE) * neighbour_px;
  guint n_amps = 0;
  AlColumnGrid grid;

  memset (s, 0, sizeof *s);
  s->columns = columns;
  s->nn = neighbour_px;
  /* The classes are told apart on every candidate: at low dose most of the
   * dim class is faint. */
  for (guint i = 0; i < n_columns; i++)
    {
      either[i] = strong[i] || (faint != NULL && faint[i]);
      if (either[i])
        amps[n_amps++] = columns[i].amplitude;
    }
  if (n_amps < AL_SITES_MIN_PAIRS)
    return FALSE;
  al_species_two_class (amps, n_amps, mean, var);
  if (!(mean[0] > 0)
      || (mean[1] - mean[0]) / sqrt (0.5 * (var[0] + var[1]) + 1e-300) < AL_SITES_MIN_SEPARATION)
    return FALSE;
  s->split = sqrt (mean[0] * mean[1]);

  /* F from the bright strong columns to every candidate of the dim class
   * around them (noise candidates scatter over all directions). */
  al_column_grid_init (&grid, columns, either, n_columns, width, height, radius);
  job = (PairJob) { s, &grid, strong, radius, { NULL },
                    CLAMP (n_threads, 1, MIN (AL_PARALLEL_MAX_THREADS, n_columns)), n_columns };
  for (guint b = 0; b < job.n_bands; b++)
    job.pairs[b] = g_array_new (FALSE, FALSE, sizeof (double));
  al_parallel_range (job.n_bands, n_columns, collect_band, &job);
  al_column_grid_clear (&grid);
  /* Summed in the order of the columns, whatever the bands. */
  for (guint b = 0; b < job.n_bands; b++)
    {
      for (guint k = 0; k + 1 < job.pairs[b]->len; k += 2)
        {
          s->sum_cos += g_array_index (job.pairs[b], double, k);
          s->sum_sin += g_array_index (job.pairs[b], double, k + 1);
          s->n_pairs++;
        }
      g_array_unref (job.pairs[b]);
    }
  g_debug ("sites: %u candidates, split %g, %u bright-dim pairs", n_amps, s->split, s->n_pairs);
  if (s->n_pairs < AL_SITES_MIN_PAIRS)
    return FALSE;
  s->family = atan2 (s->sum_sin, s->sum_cos) / 3.0;
  return TRUE;
}

/* The honeycomb as the columns show it: the amplitude between the dim and
 * the bright class, and the direction family F (radians) from a bright
 * column to its dim neighbours. FALSE when the columns are not of two
 * kinds or too few. */
gboolean
al_sites_honeycomb (const AlColumnFit *columns,
                    guint              n_columns,
                    guint              width,
                    guint              height,
                    double             neighbour_px,
                    guint              n_threads,
                    double            *split,
                    double            *family)
{
  g_autofree gboolean *all = g_new (gboolean, MAX (n_columns, 1));
  SiteState s;

  for (guint i = 0; i < n_columns; i++)
    all[i] = columns[i].ok;
  if (!site_model (columns, n_columns, all, NULL, width, height, neighbour_px, n_threads, &s))
    return FALSE;
  *split = s.split;
  *family = s.family;
  return TRUE;
}

typedef struct
{
  const SiteState    *state;
  const AlColumnGrid *grid;
  const gboolean     *faint;
  gboolean           *accept;
  double              radius;
} FaintJob;

/* The faint columns of [start, end): each band counts on its own copy of
 * the state and writes only its columns. */
static void
test_faint (gpointer data,
            guint    start,
            guint    end)
{
  const FaintJob *job = data;
  SiteState s = *job->state;

  for (guint i = start; i < end; i++)
    {
      if (!job->faint[i])
        continue;
      s.agree = s.disagree = 0;
      s.self = G_MAXUINT;
      al_column_grid_foreach (job->grid, s.columns, s.columns[i].x, s.columns[i].y, job->radius,
                              test_neighbour, &s);
      job->accept[i] = s.agree >= AL_SITES_MIN_AGREEING && s.disagree == 0;
    }
}

/* Sets accept[i] for each faint column i that sits on a honeycomb site of
 * the strong columns around it. */
void
al_sites_accept_faint (const AlColumnFit *columns,
                       guint              n_columns,
                       const gboolean    *strong,
                       const gboolean    *faint,
                       gboolean          *accept,
                       guint              width,
                       guint              height,
                       double             neighbour_px,
                       guint              n_threads)
{
  AlColumnGrid grid;
  SiteState s;
  double radius = (1.0 + AL_SITES_DISTANCE_TOLERANCE) * neighbour_px;
  FaintJob job;

  for (guint i = 0; i < n_columns; i++)
    accept[i] = FALSE;
  if (!site_model (columns, n_columns, strong, faint, width, height, neighbour_px, n_threads, &s))
    return;
  al_column_grid_init (&grid, columns, strong, n_columns, width, height, radius);
  job = (FaintJob) { &s, &grid, faint, accept, radius };
  al_parallel_range (n_threads, n_columns, test_faint, &job);
  al_column_grid_clear (&grid);
}

static void
mark_near (guint    j,
           double   dx,
           double   dy,
           gpointer data)
{
  *(gboolean *) data = TRUE;
}

typedef struct
{
  const AlColumnFit  *columns;
  const AlColumnGrid *grid;
  double              split;
  double            (*dir_x)[3];
  double            (*dir_y)[3];
  guint               width;
  guint               height;
  double              empty;
  guint8             *held;     /* 3 per column: off the image or held by a column */
} HeldJob;

/* For columns [start, end): which of the three sites each predicts lies
 * off the image or has a column on it (what the columns alone decide). */
static void
mark_held_sites (gpointer data,
                 guint    start,
                 guint    end)
{
  const HeldJob *job = data;

  for (guint i = start; i < end; i++)
    {
      gboolean bright = job->columns[i].amplitude >= job->split;
      for (int k = 0; k < 3; k++)
        {
          double x = job->columns[i].x + job->dir_x[bright][k];
          double y = job->columns[i].y + job->dir_y[bright][k];
          gboolean taken = x < 0 || y < 0 || x > job->width - 1 || y > job->height - 1;
          if (!taken)
            al_column_grid_foreach (job->grid, job->columns, x, y, job->empty, mark_near, &taken);
          job->held[3 * (gsize) i + k] = (guint8) taken;
        }
    }
}

/* Appends to `out` (AlColumnFit, ok, amplitude 0) every honeycomb site that
 * the `columns` (all taken as found) imply and that no column occupies:
 * the sites a faint column would hide on. */
guint
al_sites_predict (const AlColumnFit *columns,
                  guint              n_columns,
                  guint              width,
                  guint              height,
                  double             neighbour_px,
                  double             width_px,
                  guint              n_threads,
                  GArray            *out)
{
  double dir_x[2][3], dir_y[2][3];
  g_autofree gboolean *all = g_new (gboolean, MAX (n_columns, 1));
  AlColumnGrid grid;
  SiteState s;
  double empty = AL_SITES_EMPTY_FRACTION * neighbour_px;
  guint n_old = out->len;
  GArray *added = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
  g_autofree guint8 *held = NULL;
  HeldJob job;

  for (guint i = 0; i < n_columns; i++)
    all[i] = TRUE;
  if (!site_model (columns, n_columns, all, NULL, width, height, neighbour_px, n_threads, &s))
    {
      g_array_unref (added);
      return 0;
    }
  /* The three directions from a dim column, then from a bright one. */
  for (int bright = 0; bright < 2; bright++)
    for (int k = 0; k < 3; k++)
      {
        double angle = s.family + k * 2.0 * G_PI / 3.0 + (bright ? 0.0 : G_PI / 3.0);
        dir_x[bright][k] = neighbour_px * cos (angle);
        dir_y[bright][k] = neighbour_px * sin (angle);
      }
  al_column_grid_init (&grid, columns, all, n_columns, width, height, neighbour_px);
  held = g_new (guint8, 3 * (gsize) MAX (n_columns, 1));
  job = (HeldJob) { columns, &grid, s.split, dir_x, dir_y, width, height, empty, held };
  al_parallel_range (n_threads, n_columns, mark_held_sites, &job);
  for (guint i = 0; i < n_columns; i++)
    {
      gboolean bright = columns[i].amplitude >= s.split;
      for (int k = 0; k < 3; k++)
        {
          AlColumnFit c = { 0 };
          gboolean taken = FALSE;

          if (held[3 * (gsize) i + k])
            continue;
          c.x = columns[i].x + dir_x[bright][k];
          c.y = columns[i].y + dir_y[bright][k];
          /* Sites predicted by several columns are added once. */
          for (guint a = 0; !taken && a < added->len; a++)
            {
              const AlColumnFit *o = &g_array_index (added, AlColumnFit, a);
              taken = fabs (o->x - c.x) < empty && fabs (o->y - c.y) < empty;
            }
          if (taken)
            continue;
          c.width = width_px;
          c.amplitude = 0.5 * s.split;
          c.background = columns[i].background;
          c.ok = TRUE;
          g_array_append_val (added, c);
          /* Keep the de-duplication local: only recent additions can be near. */
          if (added->len > AL_SITES_RECENT)
            {
              g_array_append_vals (out, added->data, added->len - AL_SITES_RECENT / 2);
              g_array_remove_range (added, 0, added->len - AL_SITES_RECENT / 2);
            }
        }
    }
  g_array_append_vals (out, added->data, added->len);
  g_array_unref (added);
  al_column_grid_clear (&grid);
  return out->len - n_old;
}
