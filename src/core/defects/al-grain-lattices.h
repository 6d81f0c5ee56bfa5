/* al-grain-lattices.h: one reference lattice per grain.
 *
 * A field of two grains fitted with one lattice leaves a residual of the
 * grains' misfit (0.65 nm on the simulated two-grain MoS2 sample): neither
 * grain's lattice constant or orientation comes out. Here the grains are
 * the pieces of the bond graph that the grain boundaries (the
 * orientation-map boundaries of al-line-defects.h) cut apart, and each
 * grain of at least AL_GRAIN_LATTICE_MIN_ATOMS atoms is labelled and
 * fitted on its own.
 */
#pragma once

#include "defects/al-structure.h"

G_BEGIN_DECLS

/* Fewest atoms of a grain fitted on its own (a few lattice constants
 * across: fewer give a lattice constant no better than the local one). */
#define AL_GRAIN_LATTICE_MIN_ATOMS 100

typedef struct
{
  guint       n_atoms;
  double      cx, cy;            /* centre of its atoms, px */
  AlHoneycomb fit;
  double      fit_rms_px;
  double      a_px;              /* mean of |a1| and |a2| */
  double      a1_px;
  double      a2_px;
  double      gamma_deg;         /* angle between a1 and a2 */
  double      orientation_deg;   /* direction of a1, folded into [0°, 60°) */
} AlGrainLattice;

/* The grains' lattices (AlGrainLattice), largest grain first; empty when
 * the frame has no grain boundary or fewer than two grains are large
 * enough (one lattice then fits the field). */
GArray *al_grain_lattices_fit (const AlAtoms     *atoms,
                               const AlStructure *structure,
                               const AlMaterial  *material);

G_END_DECLS
