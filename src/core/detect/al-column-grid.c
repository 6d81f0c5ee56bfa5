/* al-column-grid.c: spatial hash of columns (see al-column-grid.h). */
#include "detect/al-column-grid.h"

#include <math.h>

void
al_column_grid_init (AlColumnGrid      *grid,
                     const AlColumnFit *columns,
                     const gboolean    *use,
                     guint              n_columns,
                     guint              width,
                     guint              height,
                     double             cell_px)
{
  grid->cell = MAX (cell_px, 1.0);
  grid->gw = (guint) (width / grid->cell) + 1;
  grid->gh = (guint) (height / grid->cell) + 1;
  grid->head = g_new (gint32, (gsize) grid->gw * grid->gh);
  grid->next = g_new (gint32, MAX (n_columns, 1));
  for (gsize i = 0; i < (gsize) grid->gw * grid->gh; i++)
    grid->head[i] = -1;
  for (guint i = 0; i < n_columns; i++)
    {
      int gx, gy;
      if (use != NULL && !use[i])
        continue;
      gx = CLAMP ((int) (columns[i].x / grid->cell), 0, (int) grid->gw - 1);
      gy = CLAMP ((int) (columns[i].y / grid->cell), 0, (int) grid->gh - 1);
      grid->next[i] = grid->head[(gsize) gy * grid->gw + gx];
      grid->head[(gsize) gy * grid->gw + gx] = (gint32) i;
    }
}

void
al_column_grid_clear (AlColumnGrid *grid)
{
  g_clear_pointer (&grid->head, g_free);
  g_clear_pointer (&grid->next, g_free);
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

  for (int gy = MAX (cy - reach, 0); gy <= MIN (cy + reach, (int) grid->gh - 1); gy++)
    for (int gx = MAX (cx - reach, 0); gx <= MIN (cx + reach, (int) grid->gw - 1); gx++)
      for (gint32 j = grid->head[(gsize) gy * grid->gw + gx]; j >= 0; j = grid->next[j])
        {
          double dx = columns[j].x - x, dy = columns[j].y - y;
          if (dx * dx + dy * dy <= radius * radius)
            func ((guint) j, dx, dy, data);
        }
}
