/* al-material.c: material presets and the defect vocabulary.
 *
 * Lattice constants (room temperature, monolayer or bulk in-plane):
 * graphene 0.246 nm (C–C 0.142 nm), hBN 0.2504 nm, MoS2 0.3160 nm,
 * WS2 0.3153 nm, WSe2 0.3282 nm (Wilson & Yoffe, Adv. Phys. 18, 193 (1969);
 * Schutte et al., J. Solid State Chem. 70, 207 (1987)). Chalcogen heights
 * S–S 0.317 nm, Se–Se 0.334 nm in the monolayer.
 */
#include "al-material.h"

#include <math.h>
#include <string.h>

static const AlMaterial materials[AL_N_MATERIALS] = {
  [AL_MATERIAL_GRAPHENE] = {
    AL_MATERIAL_GRAPHENE, "graphene", "graphene", 0.2460, 0.0, 2,
    { { "C", 1, { 6 } }, { "Si", 1, { 14 } } }, { 0, 0 }, FALSE },
  [AL_MATERIAL_HBN] = {
    AL_MATERIAL_HBN, "hbn", "hBN", 0.2504, 0.0, 2,
    { { "B", 1, { 5 } }, { "N", 1, { 7 } } }, { 0, 1 }, FALSE },
  [AL_MATERIAL_MOS2] = {
    AL_MATERIAL_MOS2, "mos2", "MoS₂", 0.3160, 0.317, 4,
    { { "Mo", 1, { 42 } }, { "S2", 2, { 16, 16 } }, { "S", 1, { 16 } }, { "W", 1, { 74 } } },
    { 0, 1 }, TRUE },
  [AL_MATERIAL_WS2] = {
    AL_MATERIAL_WS2, "ws2", "WS₂", 0.3153, 0.314, 4,
    { { "W", 1, { 74 } }, { "S2", 2, { 16, 16 } }, { "S", 1, { 16 } }, { "Mo", 1, { 42 } } },
    { 0, 1 }, TRUE },
  [AL_MATERIAL_WSE2] = {
    AL_MATERIAL_WSE2, "wse2", "WSe₂", 0.3282, 0.334, 4,
    { { "W", 1, { 74 } }, { "Se2", 2, { 34, 34 } }, { "Se", 1, { 34 } }, { "Te", 2, { 34, 52 } } },
    { 0, 1 }, TRUE },
};

const AlMaterial *
al_material_get (AlMaterialId id)
{
  g_return_val_if_fail (id >= 0 && id < AL_N_MATERIALS, NULL);
  return &materials[id];
}

/* The preset named `name` (case-insensitive), or NULL. */
const AlMaterial *
al_material_from_name (const char *name)
{
  if (name == NULL)
    return NULL;
  for (guint i = 0; i < AL_N_MATERIALS; i++)
    if (g_ascii_strcasecmp (name, materials[i].name) == 0)
      return &materials[i];
  return NULL;
}

/* Index of a species in the material's table, or -1. */
int
al_material_species_index (const AlMaterial *material,
                           const char       *species_name)
{
  g_return_val_if_fail (material != NULL, -1);
  if (species_name == NULL)
    return -1;
  for (guint i = 0; i < material->n_species; i++)
    if (strcmp (material->species[i].name, species_name) == 0)
      return (int) i;
  return -1;
}

/* Projected nearest-neighbour distance of the honeycomb: a/√3. */
double
al_material_neighbour_nm (const AlMaterial *material)
{
  return material->a_nm / sqrt (3.0);
}

/* Σ Z^n over the atoms of a column: its HAADF scattering power. */
double
al_species_z_sum (const AlSpecies *species,
                  double           exponent)
{
  double sum = 0.0;

  for (guint i = 0; i < species->n_atoms; i++)
    sum += pow (species->z[i], exponent);
  return sum;
}

static const char *const defect_names[AL_N_DEFECT_TYPES] = {
  [AL_DEFECT_NONE] = "none",
  [AL_DEFECT_V_S] = "V_S",
  [AL_DEFECT_V_S2] = "V_S2",
  [AL_DEFECT_V_MO] = "V_Mo",
  [AL_DEFECT_MO_S2] = "Mo_S2",
  [AL_DEFECT_W_MO] = "W_Mo",
  [AL_DEFECT_V1] = "V1",
  [AL_DEFECT_V2_585] = "V2_585",
  [AL_DEFECT_SW] = "SW",
  [AL_DEFECT_SI_C3] = "Si_C3",
  [AL_DEFECT_SI_C4] = "Si_C4",
  [AL_DEFECT_DISLOCATION_57] = "dislocation_57",
  [AL_DEFECT_GRAIN_BOUNDARY] = "grain_boundary",
  [AL_DEFECT_EDGE] = "edge",
  [AL_DEFECT_PHASE_1T] = "phase_1T",
  [AL_DEFECT_PHASE_2H] = "phase_2H",
  [AL_DEFECT_PHASE_1TP] = "phase_1Tp",
  [AL_DEFECT_AMORPHOUS] = "amorphous",
};

const char *
al_defect_type_name (AlDefectType type)
{
  g_return_val_if_fail (type >= 0 && type < AL_N_DEFECT_TYPES, "none");
  return defect_names[type];
}

/* The type named `name` (exact, as in DESIGN.md §5), or AL_DEFECT_NONE. */
AlDefectType
al_defect_type_from_name (const char *name)
{
  if (name == NULL)
    return AL_DEFECT_NONE;
  for (guint i = 0; i < AL_N_DEFECT_TYPES; i++)
    if (strcmp (name, defect_names[i]) == 0)
      return (AlDefectType) i;
  return AL_DEFECT_NONE;
}

gboolean
al_defect_type_is_point (AlDefectType type)
{
  return type >= AL_DEFECT_V_S && type <= AL_DEFECT_DISLOCATION_57;
}
