/* al-point-defects.h: point defects of DESIGN.md §5 from chemistry, not
 * pixels (the review's central point: coordination, bonds and rings tell
 * Si_C3 from Si_C4 where pixel classes cannot).
 *
 * - TMDs: V_S (a chalcogen column with one atom), W_Mo (a foreign atom on
 *   its own kind of site), Mo_S2 (a metal whose neighbours are metals: it
 *   sits on a chalcogen site), V_S2 and V_Mo (empty sites, by sublattice);
 *   with `tmd_sites_read` these were already named from the image
 *   (defects/al-site-classify.h) and only dislocation cores are added.
 * - Graphene-like lattices: clusters of non-hexagonal rings and empty sites,
 *   named by their ring signature: V1 (one empty site; a 12-ring or 5-9),
 *   V2_585 (two; 5-8-5 or a 14-ring), SW (5-5-7-7, no empty site),
 *   dislocation_57 (one 5-7 pair); with Si: Si_C3 or Si_C4 by its bonds.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "defects/al-defects.h"
#include "graph/al-bonds.h"
#include "graph/al-rings.h"

G_BEGIN_DECLS

void al_point_defects_find (const AlAtoms    *atoms,
                            const AlBonds    *bonds,
                            const AlRings    *rings,
                            const GArray     *empty_sites,
                            const AlMaterial *material,
                            const guint8     *excluded,
                            gboolean          tmd_sites_read,
                            guint             frame,
                            AlDefects        *defects);

G_END_DECLS
