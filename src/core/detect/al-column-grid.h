/* al-column-grid.h: a spatial hash of fitted columns for neighbour
 * look-ups (cells of a given side; each cell lists its columns).
 */
#pragma once

#include <glib.h>
#include <math.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

/* Squared distances within this relative margin of a radius's square are
 * left to hypot(); outside it, rounding (a few 1e-16) cannot change the
 * answer. */
#define AL_DISTANCE_MARGIN 1e-9

/* hypot (dx, dy) compared with `radius` (`strict`: <, else <=), with the
 * same answer as that comparison, but hypot() (tens of cycles) called only
 * where the squares are too close to decide. */
static inline gboolean
al_distance_within (double   dx,
                    double   dy,
                    double   radius,
                    gboolean strict)
{
  double d2 = dx * dx + dy * dy, r2 = radius * radius;

  if (radius > 1e-100 && radius < 1e100)
    {
      if (d2 > r2 * (1.0 + AL_DISTANCE_MARGIN))
        return FALSE;
      if (d2 < r2 * (1.0 - AL_DISTANCE_MARGIN))
        return TRUE;
    }
  return strict ? hypot (dx, dy) < radius : hypot (dx, dy) <= radius;
}

/* hypot (dx, dy) > radius, likewise (not the negation of the above where
 * a coordinate is NaN). */
static inline gboolean
al_distance_beyond (double dx,
                    double dy,
                    double radius)
{
  double d2 = dx * dx + dy * dy, r2 = radius * radius;

  if (radius > 1e-100 && radius < 1e100)
    {
      if (d2 > r2 * (1.0 + AL_DISTANCE_MARGIN))
        return TRUE;
      if (d2 < r2 * (1.0 - AL_DISTANCE_MARGIN))
        return FALSE;
    }
  return hypot (dx, dy) > radius;
}

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
