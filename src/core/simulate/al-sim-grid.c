/* al-sim-grid.c: a uniform cell grid over the columns of a frame, for the
 * neighbour queries of relaxation, merging and edge detection. */
#include "al-sim-private.h"

#include <math.h>

AlSimGrid *
al_sim_grid_new (const GArray *columns,
                 double        cell)
{
  AlSimGrid *grid = g_new0 (AlSimGrid, 1);
  double x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  guint n = columns->len;
  guint *fill;

  grid->x0 = grid->y0 = G_MAXDOUBLE;
  for (guint k = 0; k < n; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      grid->x0 = MIN (grid->x0, c->x);
      grid->y0 = MIN (grid->y0, c->y);
      x1 = MAX (x1, c->x);
      y1 = MAX (y1, c->y);
    }
  if (n == 0)
    grid->x0 = grid->y0 = x1 = y1 = 0;
  grid->cell = cell;
  grid->nx = (guint) ((x1 - grid->x0) / cell) + 1;
  grid->ny = (guint) ((y1 - grid->y0) / cell) + 1;
  grid->start = g_new0 (guint, (gsize) grid->nx * grid->ny + 1);
  grid->index = g_new (guint, MAX (n, 1));
  fill = g_new0 (guint, (gsize) grid->nx * grid->ny);

  /* Counting sort of the columns by cell. */
  for (guint k = 0; k < n; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      guint cx = (guint) ((c->x - grid->x0) / cell), cy = (guint) ((c->y - grid->y0) / cell);
      grid->start[(gsize) cy * grid->nx + cx + 1]++;
    }
  for (gsize q = 0; q < (gsize) grid->nx * grid->ny; q++)
    grid->start[q + 1] += grid->start[q];
  for (guint k = 0; k < n; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      guint cx = (guint) ((c->x - grid->x0) / cell), cy = (guint) ((c->y - grid->y0) / cell);
      gsize q = (gsize) cy * grid->nx + cx;
      grid->index[grid->start[q] + fill[q]++] = k;
    }
  g_free (fill);
  return grid;
}

void
al_sim_grid_free (AlSimGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->start);
  g_free (grid->index);
  g_free (grid);
}

void
al_sim_grid_query (const AlSimGrid *grid,
                   const GArray    *columns,
                   double           x,
                   double           y,
                   double           radius,
                   GArray          *out)
{
  int cx0 = (int) floor ((x - radius - grid->x0) / grid->cell);
  int cx1 = (int) floor ((x + radius - grid->x0) / grid->cell);
  int cy0 = (int) floor ((y - radius - grid->y0) / grid->cell);
  int cy1 = (int) floor ((y + radius - grid->y0) / grid->cell);

  g_array_set_size (out, 0);
  cx0 = MAX (cx0, 0);
  cy0 = MAX (cy0, 0);
  cx1 = MIN (cx1, (int) grid->nx - 1);
  cy1 = MIN (cy1, (int) grid->ny - 1);
  for (int cy = cy0; cy <= cy1; cy++)
    for (int cx = cx0; cx <= cx1; cx++)
      {
        gsize q = (gsize) cy * grid->nx + cx;
        for (guint p = grid->start[q]; p < grid->start[q + 1]; p++)
          {
            guint k = grid->index[p];
            const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
            double dx = c->x - x, dy = c->y - y;
            if (!c->removed && dx * dx + dy * dy <= radius * radius)
              g_array_append_val (out, k);
          }
      }
}
