/* al-atom-grid.h: atoms binned in square cells, so a layer visits only the
 * atoms in view instead of all of them at every frame. */
#pragma once

#include "al-atoms.h"
#include "al-canvas-view.h"

G_BEGIN_DECLS

/* Cell side, image pixels: a screen of atoms spans tens of cells. */
#define AL_ATOM_GRID_CELL_PX 128.0

typedef struct
{
  const AlAtoms *atoms;     /* not owned */
  double         x0, y0;    /* the first cell's corner */
  guint          n_x, n_y;
  guint32       *start;     /* n_x * n_y + 1 offsets into index */
  guint32       *index;     /* atom indices, cell by cell */
} AlAtomGrid;

AlAtomGrid *al_atom_grid_new  (const AlAtoms *atoms);
void        al_atom_grid_free (AlAtomGrid    *grid);

typedef void (*AlAtomVisitFunc) (guint    atom,
                                 gpointer user_data);

/* Calls `visit` for the atoms within `margin` image pixels of the view (and
 * a few more nearby: callers that care test each one). */
void        al_atom_grid_visit (const AlAtomGrid   *grid,
                                const AlCanvasView *view,
                                double              margin,
                                AlAtomVisitFunc     visit,
                                gpointer            user_data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlAtomGrid, al_atom_grid_free)

G_END_DECLS
