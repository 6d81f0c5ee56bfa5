/* al-sites.h: lattice-site reasoning for column decisions: a spatial grid
 * for neighbour look-ups, and the honeycomb test that lets a faint column
 * count when it sits exactly where its bright neighbours say a column of
 * the other sublattice must be (an S2 column among Mo at low dose), and
 * not at a hexagon's empty centre.
 */
#pragma once

#include <glib.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

typedef struct
{
  double  cell;
  guint   gw;
  guint   gh;
  gint32 *head;   /* first column of each cell, -1: none */
  gint32 *next;   /* next column in the same cell */
} AlColumnGrid;

void     al_column_grid_init    (AlColumnGrid      *grid,
                                 const AlColumnFit *columns,
                                 const gboolean    *use,
                                 guint              n_columns,
                                 guint              width,
                                 guint              height,
                                 double             cell_px);
void     al_column_grid_clear   (AlColumnGrid      *grid);
/* Calls `func` for every column of the grid within `radius` of (x, y). */
void     al_column_grid_foreach (const AlColumnGrid *grid,
                                 const AlColumnFit  *columns,
                                 double              x,
                                 double              y,
                                 double              radius,
                                 void              (*func) (guint index, double dx, double dy, gpointer data),
                                 gpointer            data);

void     al_sites_accept_faint  (const AlColumnFit *columns,
                                 guint              n_columns,
                                 const gboolean    *strong,
                                 const gboolean    *faint,
                                 gboolean          *accept,
                                 guint              width,
                                 guint              height,
                                 double             neighbour_px);

guint    al_sites_predict       (const AlColumnFit *columns,
                                 guint              n_columns,
                                 guint              width,
                                 guint              height,
                                 double             neighbour_px,
                                 double             width_px,
                                 GArray            *out);

G_END_DECLS
