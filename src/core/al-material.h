/* al-material.h: the material presets: lattice, species per column and the
 * defect vocabulary of DESIGN.md §5.
 *
 * All five materials project, in plan view, onto a honeycomb: two
 * sublattices A and B at distance a/√3. In graphene both hold C; in hBN, B
 * and N; in a 2H TMD, A holds the metal column and B the column of two
 * chalcogens stacked on top of each other.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AL_MATERIAL_GRAPHENE,
  AL_MATERIAL_HBN,
  AL_MATERIAL_MOS2,
  AL_MATERIAL_WS2,
  AL_MATERIAL_WSE2,
  AL_N_MATERIALS,
  AL_MATERIAL_UNKNOWN = -1,
} AlMaterialId;

#define AL_MAX_SPECIES 4
#define AL_MAX_ATOMS_PER_COLUMN 2

/* One kind of projected column: its name and the atoms stacked in it. */
typedef struct
{
  const char *name;
  guint       n_atoms;
  guint8      z[AL_MAX_ATOMS_PER_COLUMN];
} AlSpecies;

typedef struct
{
  AlMaterialId id;
  const char  *name;            /* as on the command line: "mos2" */
  const char  *label;           /* for people: "MoS₂" */
  double       a_nm;            /* in-plane lattice constant */
  double       thickness_nm;    /* chalcogen–chalcogen height (0 for one-atom layers) */
  guint        n_species;
  AlSpecies    species[AL_MAX_SPECIES];
  int          site_species[2]; /* species on sublattice A and B of the perfect crystal */
  gboolean     is_tmd;
} AlMaterial;

const AlMaterial *al_material_get             (AlMaterialId       id);
const AlMaterial *al_material_from_name       (const char        *name);
int               al_material_species_index   (const AlMaterial  *material,
                                               const char        *species_name);
double            al_material_neighbour_nm    (const AlMaterial  *material);
double            al_species_z_sum            (const AlSpecies   *species,
                                               double             exponent);

/* Defect types, named as in DESIGN.md §5. In WS2 and WSe2 the TMD names
 * mean the analogous site: V_S is a mono-chalcogen vacancy, W_Mo a foreign
 * metal on a metal site, Mo_S2 a metal on a chalcogen-column site. */
typedef enum
{
  AL_DEFECT_NONE,
  AL_DEFECT_V_S,
  AL_DEFECT_V_S2,
  AL_DEFECT_V_MO,
  AL_DEFECT_MO_S2,
  AL_DEFECT_W_MO,
  AL_DEFECT_V1,
  AL_DEFECT_V2_585,
  AL_DEFECT_SW,
  AL_DEFECT_SI_C3,
  AL_DEFECT_SI_C4,
  AL_DEFECT_DISLOCATION_57,
  AL_DEFECT_GRAIN_BOUNDARY,
  AL_DEFECT_EDGE,
  AL_DEFECT_PHASE_1T,
  AL_DEFECT_PHASE_2H,
  AL_DEFECT_PHASE_1TP,
  AL_DEFECT_AMORPHOUS,
  AL_N_DEFECT_TYPES,
} AlDefectType;

const char   *al_defect_type_name      (AlDefectType  type);
AlDefectType  al_defect_type_from_name (const char   *name);
gboolean      al_defect_type_is_point  (AlDefectType  type);

G_END_DECLS
