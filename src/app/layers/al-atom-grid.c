/* al-atom-grid.c: a counting sort of the atoms by cell. */
#include "al-atom-grid.h"

#include <math.h>

AlAtomGrid *
al_atom_grid_new (const AlAtoms *atoms)
{
  AlAtomGrid *grid = g_new0 (AlAtomGrid, 1);
  double x1 = 0, y1 = 0;
  guint n_cells;
  g_autofree guint32 *cell_of = NULL;
  g_autofree guint32 *fill = NULL;

  grid->atoms = atoms;
  grid->x0 = grid->y0 = 0;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      grid->x0 = MIN (grid->x0, atoms->x[i]);
      grid->y0 = MIN (grid->y0, atoms->y[i]);
      x1 = MAX (x1, atoms->x[i]);
      y1 = MAX (y1, atoms->y[i]);
    }
  grid->n_x = (guint) floor ((x1 - grid->x0) / AL_ATOM_GRID_CELL_PX) + 1;
  grid->n_y = (guint) floor ((y1 - grid->y0) / AL_ATOM_GRID_CELL_PX) + 1;
  n_cells = grid->n_x * grid->n_y;
  grid->start = g_new0 (guint32, n_cells + 1);
  grid->index = g_new (guint32, MAX (atoms->n_atoms, 1));
  cell_of = g_new (guint32, MAX (atoms->n_atoms, 1));
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      guint cx = MIN ((guint) ((atoms->x[i] - grid->x0) / AL_ATOM_GRID_CELL_PX), grid->n_x - 1);
      guint cy = MIN ((guint) ((atoms->y[i] - grid->y0) / AL_ATOM_GRID_CELL_PX), grid->n_y - 1);
      cell_of[i] = cy * grid->n_x + cx;
      grid->start[cell_of[i] + 1]++;
    }
  for (guint c = 0; c < n_cells; c++)
    grid->start[c + 1] += grid->start[c];
  fill = g_memdup2 (grid->start, sizeof (guint32) * n_cells);
  for (guint i = 0; i < atoms->n_atoms; i++)
    grid->index[fill[cell_of[i]]++] = i;
  return grid;
}

void
al_atom_grid_free (AlAtomGrid *grid)
{
  if (grid == NULL)
    return;
  g_free (grid->start);
  g_free (grid->index);
  g_free (grid);
}

void
al_atom_grid_visit (const AlAtomGrid   *grid,
                    const AlCanvasView *view,
                    double              margin,
                    AlAtomVisitFunc     visit,
                    gpointer            user_data)
{
  double fx0 = floor ((view->visible_x0 - margin - grid->x0) / AL_ATOM_GRID_CELL_PX);
  double fy0 = floor ((view->visible_y0 - margin - grid->y0) / AL_ATOM_GRID_CELL_PX);
  double fx1 = floor ((view->visible_x1 + margin - grid->x0) / AL_ATOM_GRID_CELL_PX);
  double fy1 = floor ((view->visible_y1 + margin - grid->y0) / AL_ATOM_GRID_CELL_PX);
  guint cx0, cy0, cx1, cy1;

  if (fx1 < 0 || fy1 < 0 || fx0 >= grid->n_x || fy0 >= grid->n_y)
    return;
  cx0 = (guint) MAX (fx0, 0);
  cy0 = (guint) MAX (fy0, 0);
  cx1 = (guint) MIN (fx1, grid->n_x - 1);
  cy1 = (guint) MIN (fy1, grid->n_y - 1);
  for (guint cy = cy0; cy <= cy1; cy++)
    for (guint cx = cx0; cx <= cx1; cx++)
      {
        guint c = cy * grid->n_x + cx;
        for (guint32 k = grid->start[c]; k < grid->start[c + 1]; k++)
          visit (grid->index[k], user_data);
      }
}
