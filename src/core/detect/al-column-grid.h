/* al-column-grid.h: a spatial hash of fitted columns for neighbour
 * look-ups (cells of a given side; each cell lists its columns).
 */
#pragma once

#include <glib.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

typedef struct
{
  double   cell;
  guint    gw;
  guint    gh;
  guint32 *start;   /* cell c's columns are index[start[c] .. start[c + 1]) */
  guint32 *index;   /* the columns, cell by cell */
  double  *xy;      /* their positions, in the same order */
} AlColumnGrid;

void     al_column_grid_init    (AlColumnGrid      *grid,
                                 const AlColumnFit *columns,
                                 const gboolean    *use,
                                 guint              n_columns,
                                 guint              width,
                                 guint              height,
                                 double             cell_px);
void     al_column_grid_clear   (AlColumnGrid      *grid);
/* Calls `func` for every column of the grid within `radius` of (x, y), at
 * the position it had when the grid was made (`columns` is not read). */
void     al_column_grid_foreach (const AlColumnGrid *grid,
                                 const AlColumnFit  *columns,
                                 double              x,
                                 double              y,
                                 double              radius,
                                 void              (*func) (guint index, double dx, double dy, gpointer data),
                                 gpointer            data);

G_END_DECLS
