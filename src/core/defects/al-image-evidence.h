/* al-image-evidence.h: checking point defects against the image.
 *
 * At low dose the detection misses faint columns and confuses species; a
 * vacancy found as an empty lattice site, or an antisite found as a metal
 * on a chalcogen site, is then checked against the intensity the image
 * shows there, relative to the same site's neighbours (HAADF intensity
 * grows with Σ Zⁿ), measured above the hexagon centres around the site:
 *   empty site brighter than 0.6 of its neighbours' columns: a column the
 *     detection missed, not a vacancy (dropped);
 *   Mo_S2 whose column is dimmer than halfway from S2 to a metal: a
 *     chalcogen column taken for a metal (dropped).
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "defects/al-defects.h"
#include "graph/al-bonds.h"

G_BEGIN_DECLS

void al_image_evidence_check (AlDefects        *defects,
                              const AlAtoms    *atoms,
                              const AlBonds    *bonds,
                              const AlMaterial *material,
                              const float      *frame,
                              guint             width,
                              guint             height);

G_END_DECLS
