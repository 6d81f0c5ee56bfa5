/* al-bonds.h: AlBonds, the bond graph of one frame.
 *
 * Two atoms are bonded when their distance lies in a window around the
 * projected nearest-neighbour distance d. d is measured from the atoms
 * themselves (the median nearest-neighbour distance), so the graph does not
 * depend on the image's calibration; the material only says which species
 * pairs may bond and how much longer their bond is (Si–C 1.77–1.9 Å against
 * C–C 1.42 Å; Ziatdinov et al., Sci. Adv. 5, eaaw8989 (2019)).
 *
 * Besides the bond list, each atom's neighbours are kept sorted by direction
 * (half-edges), which is what ring finding and angle statistics need.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "graph/al-cell-grid.h"

G_BEGIN_DECLS

/* Bond window as fractions of the nearest-neighbour distance d. Second
 * neighbours of a honeycomb sit at √3·d ≈ 1.73 d, so 1.3 d keeps them out
 * while allowing the stretched bonds of 5-7 and 5-8-5 rings. */
#define AL_BOND_MIN_FRACTION 0.55
#define AL_BOND_MAX_FRACTION 1.30

typedef struct
{
  double nn_px;          /* expected nearest-neighbour distance; 0: measure it */
  double min_fraction;   /* 0: AL_BOND_MIN_FRACTION */
  double max_fraction;   /* 0: AL_BOND_MAX_FRACTION */
} AlBondParams;

typedef struct
{
  guint     n_atoms;
  guint     n_bonds;
  guint32  *a;            /* a[k] < b[k] */
  guint32  *b;
  double   *length;       /* px */
  double    nn_px;        /* the nearest-neighbour distance used */

  /* Half-edges: atom i's neighbours are neighbour[offset[i] .. offset[i+1]),
   * sorted by direction angle (atan2 (dy, dx), increasing). */
  guint32  *offset;
  guint32  *neighbour;
  guint32  *bond;         /* the bond each half-edge belongs to */
  float    *angle;        /* direction of each half-edge, radians */
  guint32  *twin;         /* the half-edge going back */

  AlCellGrid *grid;       /* over the atoms, cell ≈ the bond window */
} AlBonds;

double   al_bonds_measure_nn   (const AlAtoms      *atoms);
AlBonds *al_bonds_build        (const AlAtoms      *atoms,
                                const AlMaterial   *material,
                                const AlBondParams *params,
                                GError            **error);
AlBonds *al_bonds_new_from_pairs (const AlAtoms   *atoms,
                                  const guint32   *pairs,
                                  guint            n_pairs,
                                  double           nn_px);
void     al_bonds_free         (AlBonds            *bonds);
void     al_bonds_set_coordination (const AlBonds  *bonds,
                                    AlAtoms        *atoms);
double   al_bonds_pair_scale   (const AlMaterial   *material,
                                int                 species_a,
                                int                 species_b);
gboolean al_bonds_pair_allowed (const AlMaterial   *material,
                                int                 species_a,
                                int                 species_b);
gboolean al_species_is_metal   (const AlMaterial   *material,
                                int                 species);

static inline guint
al_bonds_degree (const AlBonds *bonds,
                 guint          atom)
{
  return bonds->offset[atom + 1] - bonds->offset[atom];
}

/* Largest gap between consecutive bond directions and the RMS deviation of
 * the angles from the ideal 360°/n, in degrees. */
void     al_bonds_angle_stats  (const AlBonds      *bonds,
                                guint               atom,
                                double             *max_gap_deg,
                                double             *rms_dev_deg);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlBonds, al_bonds_free)

G_END_DECLS
