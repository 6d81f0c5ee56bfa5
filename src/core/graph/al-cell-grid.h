/* al-cell-grid.h: a uniform grid of cells over a point set, for neighbour
 * searches in O(n): every point within a radius r of a query lies in the
 * cells that the disc of radius r touches, and with cells about r wide that
 * is a 3×3 block holding a handful of points.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint         n_points;
  const double *x;           /* borrowed: the caller keeps them alive */
  const double *y;
  double        x0, y0;      /* lower corner of cell (0, 0) */
  double        cell;        /* cell side, same unit as x and y */
  guint         n_cx, n_cy;
  guint32      *cell_start;  /* n_cx·n_cy + 1 offsets into `order` */
  guint32      *order;       /* point indices sorted by cell */
} AlCellGrid;

/* Visits one point found by a query; return FALSE to stop. */
typedef gboolean (*AlCellGridFunc) (guint    index,
                                    double   distance_sq,
                                    gpointer user_data);

AlCellGrid *al_cell_grid_new      (const double *x,
                                   const double *y,
                                   guint         n_points,
                                   double        cell);
void        al_cell_grid_free     (AlCellGrid   *grid);
void        al_cell_grid_query    (const AlCellGrid *grid,
                                   double        qx,
                                   double        qy,
                                   double        radius,
                                   AlCellGridFunc func,
                                   gpointer      user_data);
int         al_cell_grid_nearest  (const AlCellGrid *grid,
                                   double        qx,
                                   double        qy,
                                   double        radius,
                                   int           exclude,
                                   double       *distance);
guint       al_cell_grid_count    (const AlCellGrid *grid,
                                   double        qx,
                                   double        qy,
                                   double        radius);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlCellGrid, al_cell_grid_free)

G_END_DECLS
