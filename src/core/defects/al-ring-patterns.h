/* al-ring-patterns.h: naming the odd rings of one cluster in a honeycomb.
 *
 * Neighbouring defects merge into one cluster of odd rings; their ring
 * signatures are then taken apart greedily, largest ring first, each
 * pattern built from rings that share a bond:
 *   14          V2_585 (unreconstructed divacancy)
 *   12          V1 (unreconstructed vacancy)
 *   9 + 5       V1 (reconstructed, 5-9)
 *   8 + 5 + 5   V2_585
 *   7 + 7 + 5 + 5  SW (55-77)
 *   7 + 5       dislocation_57
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "defects/al-defects.h"
#include "graph/al-rings.h"

G_BEGIN_DECLS

guint al_ring_patterns_emit (const AlAtoms *atoms,
                             const AlRings *rings,
                             const guint32 *ring_ids,
                             guint          n_ring_ids,
                             guint          frame,
                             AlDefects     *defects);

G_END_DECLS
