/* al-drift-atoms.c: drift from the columns paired between two frames (see
 * al-drift-atoms.h). */
#include <math.h>

#include "track/al-drift-atoms.h"

/* Pairs are searched within this fraction of the column spacing of the
 * predicted place: the estimate's error is far smaller, and the next
 * column lies a whole spacing away. */
#define AL_DRIFT_ATOMS_GATE 0.3
/* Pairs whose move differs from the robust centre by more than this many
 * standard deviations are outliers (columns that really moved). */
#define AL_DRIFT_ATOMS_CLIP 3.0
/* The median distance of a 2-D Gaussian from its centre, in σ:
 * sqrt (2 ln 2). */
#define AL_DRIFT_ATOMS_MEDIAN_R 1.1774
/* Rounds of clip and mean, then of pairing again at the new shift. */
#define AL_DRIFT_ATOMS_CLIP_ROUNDS 3
#define AL_DRIFT_ATOMS_PAIR_ROUNDS 2

/* The moved frame's columns sorted into square cells of the gate's size,
 * so the candidates of a place lie in its cell and the 8 around. */
typedef struct
{
  guint  nx, ny;
  double cell;
  guint *start;   /* nx·ny + 1 offsets into order */
  guint *order;   /* column indices, cell by cell */
} AlCellGrid;

static void
grid_build (AlCellGrid    *g,
            const AlAtoms *a,
            guint          width,
            guint          height,
            double         cell)
{
  guint n_cells;

  g->cell = cell;
  g->nx = (guint) ceil (width / cell) + 1;
  g->ny = (guint) ceil (height / cell) + 1;
  n_cells = g->nx * g->ny;
  g->start = g_new0 (guint, n_cells + 1);
  g->order = g_new (guint, MAX (a->n_atoms, 1));
  for (int pass = 0; pass < 2; pass++)
    {
      g_autofree guint *fill = pass ? g_memdup2 (g->start, sizeof (guint) * n_cells) : NULL;
      for (guint i = 0; i < a->n_atoms; i++)
        {
          guint cx = (guint) CLAMP (a->x[i] / cell, 0, g->nx - 1);
          guint cy = (guint) CLAMP (a->y[i] / cell, 0, g->ny - 1);
          if (pass == 0)
            g->start[cy * g->nx + cx + 1]++;
          else
            g->order[fill[cy * g->nx + cx]++] = i;
        }
      if (pass == 0)
        for (guint c = 0; c < n_cells; c++)
          g->start[c + 1] += g->start[c];
    }
}

static void
grid_clear (AlCellGrid *g)
{
  g_free (g->start);
  g_free (g->order);
}

/* The moved column nearest (x, y) within the gate, or -1. */
static int
grid_nearest (const AlCellGrid *g,
              const AlAtoms    *a,
              double            x,
              double            y)
{
  int cx = (int) floor (x / g->cell), cy = (int) floor (y / g->cell), best = -1;
  double best_d2 = g->cell * g->cell;

  for (int j = cy - 1; j <= cy + 1; j++)
    for (int i = cx - 1; i <= cx + 1; i++)
      {
        if (i < 0 || j < 0 || i >= (int) g->nx || j >= (int) g->ny)
          continue;
        for (guint k = g->start[j * g->nx + i]; k < g->start[j * g->nx + i + 1]; k++)
          {
            guint q = g->order[k];
            double d2 = (a->x[q] - x) * (a->x[q] - x) + (a->y[q] - y) * (a->y[q] - y);
            if (d2 < best_d2)
              {
                best_d2 = d2;
                best = (int) q;
              }
          }
      }
  return best;
}

/* A column that is part of a defect may change between frames. */
static gboolean
usable (const AlAtoms *a,
        guint          i)
{
  return a->defect_id == NULL || a->defect_id[i] < 0;
}

/* The moves of the columns of `ref` paired at shift (dx, dy), each column
 * of `mov` used once (a column claimed twice pairs with neither). */
static GArray *
pair_moves (const AlAtoms    *ref,
            const AlAtoms    *mov,
            const AlCellGrid *grid,
            guint             width,
            guint             height,
            double            margin,
            double            dx,
            double            dy)
{
  GArray *moves = g_array_new (FALSE, FALSE, sizeof (double) * 2);
  g_autofree int *claim = g_new (int, MAX (mov->n_atoms, 1));
  g_autofree int *partner = g_new (int, MAX (ref->n_atoms, 1));

  for (guint q = 0; q < mov->n_atoms; q++)
    claim[q] = -1;
  for (guint i = 0; i < ref->n_atoms; i++)
    {
      double px = ref->x[i] + dx, py = ref->y[i] + dy;
      partner[i] = -1;
      if (!usable (ref, i) || ref->x[i] < margin || ref->y[i] < margin || ref->x[i] > width - margin
          || ref->y[i] > height - margin || px < margin || py < margin || px > width - margin
          || py > height - margin)
        continue;
      partner[i] = grid_nearest (grid, mov, px, py);
      if (partner[i] >= 0)
        claim[partner[i]] = claim[partner[i]] == -1 ? (int) i : -2;
    }
  for (guint i = 0; i < ref->n_atoms; i++)
    if (partner[i] >= 0 && claim[partner[i]] == (int) i && usable (mov, partner[i]))
      {
        double v[2] = { mov->x[partner[i]] - ref->x[i], mov->y[partner[i]] - ref->y[i] };
        g_array_append_val (moves, v);
      }
  return moves;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof (double), compare_double);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The mean move after clipping outliers around a median start; the
 * number of moves kept goes to *n_kept. */
static void
robust_mean (const GArray *moves,
             double       *mx,
             double       *my,
             guint        *n_kept)
{
  guint n = moves->len;
  g_autofree double *t = g_new (double, n);
  const double (*v)[2] = (const double (*)[2]) moves->data;

  for (guint k = 0; k < n; k++)
    t[k] = v[k][0];
  *mx = median (t, n);
  for (guint k = 0; k < n; k++)
    t[k] = v[k][1];
  *my = median (t, n);
  for (int round = 0; round < AL_DRIFT_ATOMS_CLIP_ROUNDS; round++)
    {
      double sx = 0, sy = 0, limit;
      guint kept = 0;
      for (guint k = 0; k < n; k++)
        t[k] = hypot (v[k][0] - *mx, v[k][1] - *my);
      limit = AL_DRIFT_ATOMS_CLIP * median (t, n) / AL_DRIFT_ATOMS_MEDIAN_R;
      for (guint k = 0; k < n; k++)
        if (hypot (v[k][0] - *mx, v[k][1] - *my) <= limit)
          {
            sx += v[k][0];
            sy += v[k][1];
            kept++;
          }
      if (kept == 0)
        break;
      *mx = sx / kept;
      *my = sy / kept;
      *n_kept = kept;
    }
}

gboolean
al_drift_refine_atoms (const AlAtoms *reference,
                       const AlAtoms *moved,
                       guint          width,
                       guint          height,
                       double         neighbour_px,
                       double        *dx,
                       double        *dy,
                       guint         *n_pairs)
{
  AlCellGrid grid;
  double sx = *dx, sy = *dy;
  guint kept = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (reference != NULL && moved != NULL && dx != NULL && dy != NULL, FALSE);
  if (n_pairs)
    *n_pairs = 0;
  if (!(neighbour_px > 0) || !isfinite (sx) || !isfinite (sy) || width == 0 || height == 0)
    return FALSE;
  grid_build (&grid, moved, width, height, AL_DRIFT_ATOMS_GATE * neighbour_px);
  for (int round = 0; round < AL_DRIFT_ATOMS_PAIR_ROUNDS && ok; round++)
    {
      g_autoptr (GArray) moves = pair_moves (reference, moved, &grid, width, height, neighbour_px,
                                             sx, sy);
      ok = moves->len >= AL_DRIFT_ATOMS_MIN_PAIRS;
      if (ok)
        robust_mean (moves, &sx, &sy, &kept);
    }
  grid_clear (&grid);
  if (!ok || kept < AL_DRIFT_ATOMS_MIN_PAIRS)
    return FALSE;
  *dx = sx;
  *dy = sy;
  if (n_pairs)
    *n_pairs = kept;
  return TRUE;
}
