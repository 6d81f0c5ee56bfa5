/* al-strain.h: AlStrain, per-atom displacement and strain.
 *
 * Displacement is each atom's offset from its site of the fitted lattice.
 * Strain is local: for each atom, the 2×2 map F that best takes the ideal
 * vectors to its first and second neighbours onto the measured ones (least
 * squares); F = R·U splits into a rotation R and a stretch U, and the strain
 * is U − I, so a rigid rotation gives exactly zero strain. The ideal vectors
 * come from the reference lattice: the material's lattice constant turned to
 * the fitted orientation when the pixel size is known, otherwise the lattice
 * fitted to the whole field or to a region the user chose.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "graph/al-bonds.h"
#include "strain/al-honeycomb.h"

G_BEGIN_DECLS

typedef enum
{
  AL_STRAIN_REFERENCE_AUTO,      /* material when calibrated, else fit */
  AL_STRAIN_REFERENCE_FIT,       /* the lattice fitted to the field (or region) */
  AL_STRAIN_REFERENCE_MATERIAL,  /* the material's lattice constant */
} AlStrainReference;

typedef struct
{
  AlStrainReference reference;
  AlPolygon         region;      /* n_vertices 0: the whole field */
  double            radius_a;    /* neighbourhood of the per-atom fit, in a; 0: chosen
                                  * from the position noise (2–5 a, for 0.15 % noise);
                                  * < 0: bonded shells only */
} AlStrainParams;

typedef struct
{
  guint     n_atoms;
  /* Per atom; NaN where the atom has too few labelled neighbours. */
  float    *exx;
  float    *eyy;
  float    *exy;          /* tensor shear, (∂ux/∂y + ∂uy/∂x)/2 */
  float    *rotation;     /* degrees, counter-clockwise in image axes (y down) */
  float    *ux;           /* displacement from the fitted site, px */
  float    *uy;

  AlHoneycomb fit;          /* fitted to the atoms (in the region) */
  AlHoneycomb reference;    /* what strain is measured against */
  AlStrainReference reference_used;
  double    fit_rms_px;   /* residual of the fit */
  double    a_px;         /* fitted lattice constant, mean of |a1| and |a2| */
  double    a1_px;
  double    a2_px;
  double    gamma_deg;    /* angle between a1 and a2 */
  double    a_local_spread_px;  /* standard deviation of the per-atom lattice constant */
  double    radius_a;     /* neighbourhood radius used, in a (0: bonded shells) */
  guint     n_valid;      /* atoms with a strain */
} AlStrain;

AlStrain *al_strain_compute (const AlAtoms          *atoms,
                             const AlBonds          *bonds,
                             const AlHoneycombLabels  *labels,
                             const AlMaterial       *material,
                             double                  pixel_size_nm,
                             const AlStrainParams   *params,
                             GError                **error);
AlStrain *al_strain_compute_like (const AlAtoms        *atoms,
                                  const AlBonds        *bonds,
                                  const AlHoneycombLabels *labels,
                                  const AlStrain       *like);
void      al_strain_free    (AlStrain               *strain);
gboolean  al_strain_local_map (const AlAtoms        *atoms,
                               const AlBonds        *bonds,
                               const AlHoneycombLabels *labels,
                               const AlHoneycomb      *lattice,
                               guint                 atom,
                               double                f[4]);
void      al_strain_stats   (const AlStrain         *strain,
                             double                 *mean,
                             double                 *sd);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlStrain, al_strain_free)

G_END_DECLS
