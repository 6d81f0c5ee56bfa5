/* test-grain-lattices.c: a field of two grains (different lattice
 * constants and orientations) gets one lattice per grain, each matching
 * its grain, where one lattice across both fits neither. */
#include <math.h>

#include "al-test-lattice.h"
#include "defects/al-grain-lattices.h"

#define SIDE 480.0
#define A_LEFT 20.0
#define A_RIGHT 20.8
#define THETA_RIGHT (18.0 * G_PI / 180.0)
#define JITTER_PX 0.2

/* Left of x = SIDE / 2 one grain, right of it the other. */
static AlAtoms *
two_grains (void)
{
  g_autoptr (AlAtoms) left = al_test_honeycomb (SIDE, SIDE, A_LEFT, 0.0, 0, 0);
  g_autoptr (AlAtoms) right = al_test_honeycomb (SIDE, SIDE, A_RIGHT, THETA_RIGHT, 0, 0);
  AlAtoms *atoms = al_atoms_new (left->n_atoms);

  for (guint i = 0; i < left->n_atoms; i++)
    if (left->x[i] < SIDE / 2 - 2)
      al_atoms_append (atoms, left->x[i], left->y[i], 0);
  for (guint i = 0; i < right->n_atoms; i++)
    if (right->x[i] > SIDE / 2 + 2)
      al_atoms_append (atoms, right->x[i], right->y[i], 0);
  al_test_jitter (atoms, JITTER_PX, 5);
  return atoms;
}

static void
test_two_grains (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  g_autoptr (AlAtoms) atoms = two_grains ();
  AlStructureParams params = { { 0 }, { 0 }, (guint) SIDE, (guint) SIDE };
  g_autoptr (GError) error = NULL;
  g_autoptr (AlStructure) s = al_structure_analyze (atoms, m, 0.0, 0, &params, NULL, NULL, &error);
  g_autoptr (GArray) grains = NULL;
  const AlGrainLattice *g;
  double rot;

  g_assert_no_error (error);
  g_assert_cmpuint (al_defects_count_type (s->defects, AL_DEFECT_GRAIN_BOUNDARY), >=, 1);
  grains = al_grain_lattices_fit (atoms, s, m);
  g_assert_cmpuint (grains->len, ==, 2);
  for (guint k = 0; k < 2; k++)
    {
      g = &g_array_index (grains, AlGrainLattice, k);
      g_test_message ("grain %u: %u atoms at (%.0f, %.0f): a %.3f px, a1 %.3f, a2 %.3f, gamma %.2f, "
                      "orientation %.2f deg, rms %.3f px (one lattice: rms %.3f px)",
                      k, g->n_atoms, g->cx, g->cy, g->a_px, g->a1_px, g->a2_px, g->gamma_deg,
                      g->orientation_deg, g->fit_rms_px, s->strain->fit_rms_px);
      g_assert_cmpfloat (fabs (g->gamma_deg - 60.0), <, 0.5);   /* a1, a2 at 60° or 120° */
      g_assert_cmpfloat (g->fit_rms_px, <, 2 * JITTER_PX);
      g_assert_cmpfloat (g->fit_rms_px, <, s->strain->fit_rms_px / 4);
      if (g->cx < SIDE / 2)
        g_assert_cmpfloat (fabs (g->a_px - A_LEFT), <, 0.03);
      else
        g_assert_cmpfloat (fabs (g->a_px - A_RIGHT), <, 0.03);
    }
  /* Their orientations differ by the grains' misorientation (mod 60°). */
  rot = fabs (g_array_index (grains, AlGrainLattice, 0).orientation_deg
              - g_array_index (grains, AlGrainLattice, 1).orientation_deg);
  rot = fmod (rot, 60.0);
  rot = MIN (rot, 60.0 - rot);
  g_assert_cmpfloat (fabs (rot - 18.0), <, 0.3);
}

/* One grain: no per-grain lattices. */
static void
test_one_grain (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (SIDE, SIDE, A_LEFT, 0.1, 0, 0);
  AlStructureParams params = { { 0 }, { 0 }, (guint) SIDE, (guint) SIDE };
  g_autoptr (AlStructure) s = al_structure_analyze (atoms, m, 0.0, 0, &params, NULL, NULL, NULL);
  g_autoptr (GArray) grains = al_grain_lattices_fit (atoms, s, m);

  g_assert_cmpuint (grains->len, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/grain-lattices/two-grains", test_two_grains);
  g_test_add_func ("/core/grain-lattices/one-grain", test_one_grain);
  return g_test_run ();
}
