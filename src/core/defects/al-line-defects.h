/* al-line-defects.h: edges and grain boundaries.
 *
 * Edges: the open faces of the bond graph (faces longer than any ring)
 * surround vacuum; walking such a face gives the edge atoms in order, which
 * is the edge's polyline. Atoms at the border of the field of view are not
 * edge atoms: the crystal goes on beyond the image. With the image (may be
 * NULL), a row is an edge only when the image beyond it is vacuum
 * (al_site_vacuum_beyond): at low dose, missed columns open faces too.
 *
 * Grain boundaries: each atom's lattice orientation is the sixfold circular
 * mean of the bond directions around it (bond directions repeat every 60°).
 * Atoms joined by bonds with orientations within a few degrees grow into
 * grains; atoms with two large grains within reach are boundary atoms. The
 * boundary polyline follows the atoms along their principal axis, and the
 * misorientation is the angle between the two grains' orientations, folded
 * into 0–30°.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "defects/al-defects.h"
#include "defects/al-site-intensity.h"
#include "graph/al-bonds.h"
#include "graph/al-rings.h"

G_BEGIN_DECLS

void al_edges_find           (const AlAtoms *atoms,
                              const AlBonds *bonds,
                              const AlRings *rings,
                              double         width,
                              double         height,
                              const AlSiteImage *image,
                              guint          frame,
                              guint8        *edge_atoms,
                              AlDefects     *defects);
void al_grain_boundaries_find (const AlAtoms *atoms,
                               const AlBonds *bonds,
                               const guint8  *skip,
                               guint          frame,
                               guint8        *boundary_atoms,
                               AlDefects     *defects);

G_END_DECLS
