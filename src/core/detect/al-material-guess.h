/* al-material-guess.h: `--material auto`: which preset an image shows, from
 * its lattice constant when the image is calibrated and from the contrast
 * between its two sublattices (one brightness: graphene; two: hBN or a TMD,
 * told apart by their ratio).
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "detect/al-lattice-fft.h"

G_BEGIN_DECLS

const AlMaterial *al_material_guess (const AlAtoms   *atoms,
                                     const AlLattice *lattice,
                                     double           pixel_size_nm,
                                     guint            width,
                                     guint            height);

G_END_DECLS
