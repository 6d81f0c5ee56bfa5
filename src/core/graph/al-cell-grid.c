/* al-cell-grid.c: counting-sort of points into square cells, and queries
 * that visit only the cells a disc overlaps. */
#include "al-cell-grid.h"

#include <math.h>

/* At most this many cells per point, so a few far-flung points cannot make
 * the grid huge: the cell side grows instead. */
#define AL_CELL_GRID_MAX_CELLS_PER_POINT 4.0

AlCellGrid *
al_cell_grid_new (const double *x,
                  const double *y,
                  guint         n_points,
                  double        cell)
{
  AlCellGrid *grid = g_new0 (AlCellGrid, 1);
  double x1 = 0.0, y1 = 0.0;
  guint32 *count;

  g_return_val_if_fail (cell > 0.0 && isfinite (cell), grid);
  grid->n_points = n_points;
  grid->x = x;
  grid->y = y;
  grid->x0 = n_points ? x[0] : 0.0;
  grid->y0 = n_points ? y[0] : 0.0;
  x1 = grid->x0;
  y1 = grid->y0;
  for (guint i = 0; i < n_points; i++)
    {
      grid->x0 = MIN (grid->x0, x[i]);
      grid->y0 = MIN (grid->y0, y[i]);
      x1 = MAX (x1, x[i]);
      y1 = MAX (y1, y[i]);
    }
  {
    double max_cells = MAX (16.0, AL_CELL_GRID_MAX_CELLS_PER_POINT * n_points);
    double area = (x1 - grid->x0 + cell) * (y1 - grid->y0 + cell);
    if (area / (cell * cell) > max_cells)
      cell = sqrt (area / max_cells) * 1.01;
  }
  grid->cell = cell;
  grid->n_cx = (guint) floor ((x1 - grid->x0) / cell) + 1;
  grid->n_cy = (guint) floor ((y1 - grid->y0) / cell) + 1;

  grid->cell_start = g_new0 (guint32, (gsize) grid->n_cx * grid->n_cy + 1);
  grid->order = g_new (guint32, MAX (n_points, 1));
  count = grid->cell_start + 1;
  for (guint i = 0; i < n_points; i++)
    {
      guint cx = (guint) ((x[i] - grid->x0) / cell);
      guint cy = (guint) ((y[i] - grid->y0) / cell);
      count[(gsize) MIN (cy, grid->n_cy - 1) * grid->n_cx + MIN (cx, grid->n_cx - 1)]++;
    }
  for (gsize c = 1; c <= (gsize) grid->n_cx * grid->n_cy; c++)
    grid->cell_start[c] += grid->cell_start[c - 1];
  {
    guint32 *fill = g_memdup2 (grid->cell_start, ((gsize) grid->n_cx * grid->n_cy + 1) * sizeof (guint32));
    for (guint i = 0; i < n_points; i++)
      {
        guint cx = MIN ((guint) ((x[i] - grid->x0) / cell), grid->n_cx - 1);
        guint cy = MIN ((guint) ((y[i] - grid->y0) / cell), grid->n_cy - 1);
        grid->order[fill[(gsize) cy * grid->n_cx + cx]++] = i;
      }
    g_free (fill);
  }
  return grid;
}

void
al_cell_grid_free (AlCellGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->cell_start);
  g_free (grid->order);
  g_free (grid);
}

/* Calls `func` for every point within `radius` of (qx, qy). */
void
al_cell_grid_query (const AlCellGrid *grid,
                    double            qx,
                    double            qy,
                    double            radius,
                    AlCellGridFunc    func,
                    gpointer          user_data)
{
  double r2 = radius * radius;
  long cx0, cx1, cy0, cy1;

  if (grid->n_points == 0 || !isfinite (qx) || !isfinite (qy))
    return;
  cx0 = (long) floor ((qx - radius - grid->x0) / grid->cell);
  cx1 = (long) floor ((qx + radius - grid->x0) / grid->cell);
  cy0 = (long) floor ((qy - radius - grid->y0) / grid->cell);
  cy1 = (long) floor ((qy + radius - grid->y0) / grid->cell);
  cx0 = MAX (cx0, 0);
  cy0 = MAX (cy0, 0);
  cx1 = MIN (cx1, (long) grid->n_cx - 1);
  cy1 = MIN (cy1, (long) grid->n_cy - 1);
  for (long cy = cy0; cy <= cy1; cy++)
    for (long cx = cx0; cx <= cx1; cx++)
      {
        gsize c = (gsize) cy * grid->n_cx + (gsize) cx;
        for (guint32 k = grid->cell_start[c]; k < grid->cell_start[c + 1]; k++)
          {
            guint i = grid->order[k];
            double dx = grid->x[i] - qx, dy = grid->y[i] - qy;
            double d2 = dx * dx + dy * dy;
            if (d2 <= r2 && !func (i, d2, user_data))
              return;
          }
      }
}

typedef struct
{
  int    best;
  double best_d2;
  int    exclude;
  guint  count;
} Nearest;

static gboolean
nearest_visit (guint    index,
               double   d2,
               gpointer user_data)
{
  Nearest *n = user_data;

  if ((int) index == n->exclude)
    return TRUE;
  n->count++;
  if (n->best < 0 || d2 < n->best_d2)
    {
      n->best = (int) index;
      n->best_d2 = d2;
    }
  return TRUE;
}

/* Index of the point nearest to (qx, qy) within `radius` other than
 * `exclude` (-1 for none), or -1. */
int
al_cell_grid_nearest (const AlCellGrid *grid,
                      double            qx,
                      double            qy,
                      double            radius,
                      int               exclude,
                      double           *distance)
{
  Nearest n = { -1, 0.0, exclude, 0 };

  al_cell_grid_query (grid, qx, qy, radius, nearest_visit, &n);
  if (distance != NULL)
    *distance = n.best >= 0 ? sqrt (n.best_d2) : INFINITY;
  return n.best;
}

/* Number of points within `radius` of (qx, qy). */
guint
al_cell_grid_count (const AlCellGrid *grid,
                    double            qx,
                    double            qy,
                    double            radius)
{
  Nearest n = { -1, 0.0, -1, 0 };

  al_cell_grid_query (grid, qx, qy, radius, nearest_visit, &n);
  return n.count;
}
