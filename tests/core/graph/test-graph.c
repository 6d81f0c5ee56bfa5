/* test-graph.c: cell-grid neighbour search, bonds, coordination and rings
 * on hand-built honeycombs. */
#include <math.h>

#include "al-error.h"

#include "al-test-lattice.h"
#include "graph/al-bonds.h"
#include "graph/al-rings.h"

#define A_PX 20.0

/* Interior atoms of a honeycomb have three bonds of length a/√3. */
static void
test_perfect_honeycomb (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (400, 300, A_PX, 0.3, 0, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlBonds) bonds = al_bonds_build (atoms, m, NULL, &error);
  g_autoptr (AlRings) rings = NULL;
  guint counts[AL_RING_MAX_SIZE + 1], n_open, n_inner = 0;

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (bonds->nn_px, A_PX / sqrt (3.0), 1e-6);
  for (guint k = 0; k < bonds->n_bonds; k++)
    g_assert_cmpfloat_with_epsilon (bonds->length[k], A_PX / sqrt (3.0), 1e-6);
  al_bonds_set_coordination (bonds, atoms);
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->x[i] > 20 && atoms->x[i] < 380 && atoms->y[i] > 20 && atoms->y[i] < 280)
      {
        double gap, rms;
        g_assert_cmpuint (atoms->coordination[i], ==, 3);
        al_bonds_angle_stats (bonds, i, &gap, &rms);
        g_assert_cmpfloat_with_epsilon (gap, 120.0, 1e-3);
        g_assert_cmpfloat (rms, <, 1e-3);
        n_inner++;
      }
  g_assert_cmpuint (n_inner, >, 300);

  rings = al_rings_find (bonds, atoms);
  n_open = al_rings_histogram (rings, counts, G_N_ELEMENTS (counts));
  /* Only hexagons, and one open face: the border of the field. */
  g_assert_cmpuint (n_open, ==, 1);
  for (guint k = 0; k <= AL_RING_MAX_SIZE; k++)
    if (k != 6)
      g_assert_cmpuint (counts[k], ==, 0);
  g_assert_cmpuint (counts[6], >, 200);
  /* Euler: V − E + F = 1 + components for a plane graph. */
  g_assert_cmpint ((int) atoms->n_atoms - (int) bonds->n_bonds + (int) rings->n_rings, ==, 2);
}

/* Removing one atom merges three hexagons into a 12-member face. */
static void
test_vacancy_ring (void)
{
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (300, 300, A_PX, 0.0, 0, 0);
  g_autoptr (AlBonds) bonds = NULL;
  g_autoptr (AlRings) rings = NULL;
  guint counts[AL_RING_MAX_SIZE + 1];

  al_atoms_remove (atoms, al_test_nearest (atoms, 150, 150));
  bonds = al_bonds_build (atoms, al_material_get (AL_MATERIAL_GRAPHENE), NULL, NULL);
  rings = al_rings_find (bonds, atoms);
  al_rings_histogram (rings, counts, G_N_ELEMENTS (counts));
  g_assert_cmpuint (counts[12], ==, 1);
  g_assert_cmpuint (counts[5] + counts[7], ==, 0);
}

/* TMD chalcogen columns do not bond to each other; an Si–C bond is longer
 * than C–C and still bonded. */
static void
test_species_windows (void)
{
  const AlMaterial *mos2 = al_material_get (AL_MATERIAL_MOS2);
  const AlMaterial *gr = al_material_get (AL_MATERIAL_GRAPHENE);

  g_assert_false (al_bonds_pair_allowed (mos2, 1, 2));
  g_assert_true (al_bonds_pair_allowed (mos2, 0, 1));
  g_assert_true (al_bonds_pair_allowed (mos2, 3, 0));
  g_assert_true (al_species_is_metal (mos2, 3));
  g_assert_false (al_species_is_metal (mos2, 2));
  g_assert_cmpfloat (al_bonds_pair_scale (gr, 0, 1), >, 1.2);
  g_assert_cmpfloat (al_bonds_pair_scale (gr, 0, 0), ==, 1.0);
}

/* The grid finds exactly the points a brute-force scan finds. */
static void
test_cell_grid_matches_brute_force (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  double x[500], y[500];
  g_autoptr (AlCellGrid) grid = NULL;

  for (guint i = 0; i < 500; i++)
    {
      x[i] = g_rand_double_range (rand, -50, 150);
      y[i] = g_rand_double_range (rand, 0, 80);
    }
  grid = al_cell_grid_new (x, y, 500, 7.0);
  for (guint q = 0; q < 50; q++)
    {
      double qx = g_rand_double_range (rand, -60, 160), qy = g_rand_double_range (rand, -10, 90);
      guint brute = 0;
      for (guint i = 0; i < 500; i++)
        brute += hypot (x[i] - qx, y[i] - qy) <= 9.0;
      g_assert_cmpuint (al_cell_grid_count (grid, qx, qy, 9.0), ==, brute);
    }
}

static void
test_bad_input (void)
{
  g_autoptr (AlAtoms) atoms = al_atoms_new (0);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlBonds) empty = al_bonds_build (atoms, NULL, NULL, &error);
  AlBonds *bad;

  g_assert_no_error (error);
  g_assert_cmpuint (empty->n_bonds, ==, 0);
  al_atoms_append (atoms, 1.0, 2.0, 0);
  al_atoms_append (atoms, NAN, 2.0, 0);
  bad = al_bonds_build (atoms, NULL, NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/graph/perfect-honeycomb", test_perfect_honeycomb);
  g_test_add_func ("/core/graph/vacancy-ring", test_vacancy_ring);
  g_test_add_func ("/core/graph/species-windows", test_species_windows);
  g_test_add_func ("/core/graph/cell-grid", test_cell_grid_matches_brute_force);
  g_test_add_func ("/core/graph/bad-input", test_bad_input);
  return g_test_run ();
}
