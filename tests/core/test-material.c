/* test-material.c: material presets and the defect vocabulary. */
#include <math.h>

#include "al-material.h"

static void
test_presets (void)
{
  const AlMaterial *mos2 = al_material_from_name ("MoS2");

  g_assert_nonnull (mos2);
  g_assert_cmpint (mos2->id, ==, AL_MATERIAL_MOS2);
  g_assert_cmpint (al_material_species_index (mos2, "S2"), ==, 1);
  g_assert_cmpint (al_material_species_index (mos2, "C"), ==, -1);
  g_assert_cmpfloat_with_epsilon (al_material_neighbour_nm (al_material_get (AL_MATERIAL_GRAPHENE)),
                                  0.142, 0.001);
  /* Two S atoms scatter less than one Mo at n = 1.7: the metal is brighter. */
  g_assert_cmpfloat (al_species_z_sum (&mos2->species[0], 1.7), >,
                     al_species_z_sum (&mos2->species[1], 1.7));
  g_assert_null (al_material_from_name ("unobtainium"));
  for (int m = 0; m < AL_N_MATERIALS; m++)
    g_assert_cmpstr (al_material_from_name (al_material_get (m)->name)->name, ==,
                     al_material_get (m)->name);
}

static void
test_defect_names_round_trip (void)
{
  for (int t = 0; t < AL_N_DEFECT_TYPES; t++)
    g_assert_cmpint (al_defect_type_from_name (al_defect_type_name (t)), ==, t);
  g_assert_cmpint (al_defect_type_from_name ("V_S2"), ==, AL_DEFECT_V_S2);
  g_assert_true (al_defect_type_is_point (AL_DEFECT_SW));
  g_assert_false (al_defect_type_is_point (AL_DEFECT_EDGE));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/material/presets", test_presets);
  g_test_add_func ("/core/material/defect-names-round-trip", test_defect_names_round_trip);
  return g_test_run ();
}
