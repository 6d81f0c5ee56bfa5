/* al-sites.h: lattice-site reasoning for column decisions: the honeycomb
 * test that lets a faint column count when it sits exactly where its
 * bright neighbours say a column of the other sublattice must be (an S2
 * column among Mo at low dose), and not at a hexagon's empty centre.
 */
#pragma once

#include <glib.h>

#include "detect/al-column-grid.h"

G_BEGIN_DECLS

void     al_sites_accept_faint  (const AlColumnFit *columns,
                                 guint              n_columns,
                                 const gboolean    *strong,
                                 const gboolean    *faint,
                                 gboolean          *accept,
                                 guint              width,
                                 guint              height,
                                 double             neighbour_px,
                                 guint              n_threads);

gboolean al_sites_honeycomb     (const AlColumnFit *columns,
                                 guint              n_columns,
                                 guint              width,
                                 guint              height,
                                 double             neighbour_px,
                                 guint              n_threads,
                                 double            *split,
                                 double            *family);

guint    al_sites_predict       (const AlColumnFit *columns,
                                 guint              n_columns,
                                 guint              width,
                                 guint              height,
                                 double             neighbour_px,
                                 double             width_px,
                                 guint              n_threads,
                                 GArray            *out);

G_END_DECLS
