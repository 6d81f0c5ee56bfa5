/* al-site-fill.h: the lattice prior. Every site of the honeycomb that the
 * columns found imply, and no column holds, is tested at its known
 * position; the sites that pass become columns, and they imply further
 * sites in turn, so the lattice grows from where it is clear.
 */
#pragma once

#include <glib.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

typedef struct
{
  double width_px;          /* the columns' Gaussian sigma */
  double neighbour_px;      /* nearest-neighbour distance */
  /* Prior probability that a lattice site holds a column (vacancies are
   * the rest). */
  double prior_occupied;
  guint  n_threads;
} AlSiteFillParams;

void  al_site_fill_params_init (AlSiteFillParams       *params,
                                double                  width_px,
                                double                  neighbour_px);
/* Appends to `fits` the columns found on empty sites (amplitude and its
 * standard error from the fit at the site; ok = TRUE); returns how many.
 * Where the hexagon centres show a 1T region, their columns are added too
 * and the indices of the columns that hold one chalcogen (the centres and
 * the dim sites among them) are appended to `single` (guint) when it is
 * not NULL. */
guint al_site_fill             (const float            *frame,
                                const float            *background,
                                guint                   width,
                                guint                   height,
                                GArray                 *fits,
                                const AlSiteFillParams *params,
                                GArray                 *single);

G_END_DECLS
