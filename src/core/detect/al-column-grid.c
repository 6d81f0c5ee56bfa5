/* al-column-grid.c: spatial hash of columns (see al-column-grid.h).
 *
 * The columns of each cell are stored together with a copy of their
 * positions (cells in row order), so a look-up reads a few short runs of
 * memory rather than one 72-byte AlColumnFit per column scattered over an
 * array of 100,000: on a 2048² image the look-ups of a detection were
 * mostly cache misses. Within a cell the columns come in decreasing index
 * order, as they did from the linked lists this replaced, so that sums
 * over neighbours add in the same order.
 */
#include "detect/al-column-grid.h"

#include <math.h>

static gsize
cell_of (const AlColumnGrid *grid,
         double              x,
         double              y)
{
  int gx = CLAMP ((int) (x / grid->cell), 0, (int) grid->gw - 1);
  int gy = CLAMP ((int) (y / grid->cell), 0, (int) grid->gh - 1);

  return (gsize) gy * grid->gw + gx;
}

void
al_column_grid_init (AlColumnGrid      *grid,
                     const AlColumnFit *columns,
                     const gboolean    *use,
                     guint              n_columns,
                     guint              width,
                     guint              height,
                     double             cell_px)
{
  gsize n_cells;
  g_autofree guint32 *fill = NULL;
  guint n_used = 0;

  grid->cell = MAX (cell_px, 1.0);
  grid->gw = (guint) (width / grid->cell) + 1;
  grid->gh = (guint) (height / grid->cell) + 1;
  n_cells = (gsize) grid->gw * grid->gh;
  grid->start = g_new0 (guint32, n_cells + 1);
  for (guint i = 0; i < n_columns; i++)
    if (use == NULL || use[i])
      {
        grid->start[cell_of (grid, columns[i].x, columns[i].y) + 1]++;
        n_used++;
      }
  for (gsize c = 0; c < n_cells; c++)
    grid->start[c + 1] += grid->start[c];
  grid->index = g_new (guint32, MAX (n_used, 1));
  grid->xy = g_new (double, 2 * MAX (n_used, 1));
  /* Each cell is filled from its end, so that the highest index comes first. */
  fill = g_memdup2 (grid->start + 1, n_cells * sizeof (guint32));
  for (guint i = 0; i < n_columns; i++)
    if (use == NULL || use[i])
      {
        guint32 k = --fill[cell_of (grid, columns[i].x, columns[i].y)];
        grid->index[k] = i;
        grid->xy[2 * k] = columns[i].x;
        grid->xy[2 * k + 1] = columns[i].y;
      }
}

void
al_column_grid_clear (AlColumnGrid *grid)
{
  g_clear_pointer (&grid->start, g_free);
  g_clear_pointer (&grid->index, g_free);
  g_clear_pointer (&grid->xy, g_free);
}

void
al_column_grid_foreach (const AlColumnGrid *grid,
                        const AlColumnFit  *columns,
                        double              x,
                        double              y,
                        double              radius,
                        void              (*func) (guint index, double dx, double dy, gpointer data),
                        gpointer            data)
{
  int reach = (int) ceil (radius / grid->cell);
  int cx = (int) (x / grid->cell), cy = (int) (y / grid->cell);
  double r2 = radius * radius;

  for (int gy = MAX (cy - reach, 0); gy <= MIN (cy + reach, (int) grid->gh - 1); gy++)
    {
      int gx0 = MAX (cx - reach, 0), gx1 = MIN (cx + reach, (int) grid->gw - 1);
      gsize row = (gsize) gy * grid->gw;
      if (gx0 > gx1)
        continue;
      for (int gx = gx0; gx <= gx1; gx++)
        for (guint32 k = grid->start[row + gx]; k < grid->start[row + gx + 1]; k++)
          {
            double dx = grid->xy[2 * k] - x, dy = grid->xy[2 * k + 1] - y;
            if (dx * dx + dy * dy <= r2)
              func (grid->index[k], dx, dy, data);
          }
    }
}
