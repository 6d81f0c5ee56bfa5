/* test-detect-scale.c: the classical path finds every column of simulated
 * graphene across the pixel sizes of real images (0.012 to 0.05 nm/px),
 * scored against the simulator's truth with the optimal matcher. Guards
 * against scale assumptions (site reasoning that filled the hexagon
 * centres of graphene at 0.05 nm/px: F1 0.02). */
#include <math.h>

#include "al-material.h"
#include "detect/al-detect.h"
#include "simulate/al-match.h"
#include "simulate/al-simulate.h"

#define SIDE_PX 256
/* Columns closer than this to the border are half outside the image: they
 * are neither required nor held against the detector. */
#define BORDER_NM 0.1
/* A found column matches a true one within this fraction of the C–C bond. */
#define MATCH_FRACTION 0.25
#define MIN_SCORE 0.98

static gboolean
inside (double x,
        double y,
        double margin)
{
  return x >= margin && y >= margin && x <= SIDE_PX - 1 - margin && y <= SIDE_PX - 1 - margin;
}

/* Matching uses every point, so that a column just across the border
 * still pairs; only the counts are restricted to the inside. */
static void
score (const AlAtoms *truth,
       const AlAtoms *found,
       double         margin,
       double         radius,
       double        *recall,
       double        *f1)
{
  g_autofree int *mt = g_new (int, MAX (truth->n_atoms, 1));
  g_autofree int *mf = g_new (int, MAX (found->n_atoms, 1));
  guint n_t = 0, n_f = 0, hit_t = 0, hit_f = 0;
  double precision;

  al_match_points (truth->x, truth->y, truth->n_atoms, found->x, found->y, found->n_atoms,
                   radius, mt, mf);
  for (guint i = 0; i < truth->n_atoms; i++)
    if (inside (truth->x[i], truth->y[i], margin))
      {
        n_t++;
        hit_t += mt[i] >= 0;
      }
  for (guint i = 0; i < found->n_atoms; i++)
    if (inside (found->x[i], found->y[i], margin))
      {
        n_f++;
        hit_f += mf[i] >= 0;
      }
  g_assert_cmpuint (n_t, >, 100);
  *recall = (double) hit_t / n_t;
  precision = n_f ? (double) hit_f / n_f : 0.0;
  *f1 = *recall + precision > 0 ? 2 * *recall * precision / (*recall + precision) : 0.0;
}

static void
check_graphene (double pixel_size_nm,
                double dose)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  g_autoptr (GError) error = NULL;
  AlSimParams sp;
  AlSimResult *sim;
  AlDetectParams dp;
  g_autoptr (AlAtoms) found = NULL;
  double recall, f1;

  al_sim_params_init (&sp, m);
  sp.width = sp.height = SIDE_PX;
  sp.pixel_size_nm = pixel_size_nm;
  sp.dose = dose;
  sp.seed = 11;
  sp.rotation_deg = 17.0;
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  g_assert_no_error (error);

  al_detect_params_init (&dp);
  dp.material = m;
  dp.pixel_size_nm = pixel_size_nm;
  dp.n_threads = 2;
  found = al_detect_run (sim->image->pixels, SIDE_PX, SIDE_PX, &dp, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  score (g_ptr_array_index (sim->atoms, 0), found, BORDER_NM / pixel_size_nm,
         MATCH_FRACTION * al_material_neighbour_nm (m) / pixel_size_nm, &recall, &f1);
  g_test_message ("graphene %.3f nm/px, dose %g: recall %.4f, F1 %.4f",
                  pixel_size_nm, dose, recall, f1);
  g_assert_cmpfloat (recall, >=, MIN_SCORE);
  g_assert_cmpfloat (f1, >=, MIN_SCORE);
  al_sim_result_free (sim);
}

/* The bundled sample's scale: a C–C bond of 12 px. */
static void
test_graphene_fine (void)
{
  check_graphene (0.012, 5e6);
}

static void
test_graphene_medium (void)
{
  check_graphene (0.03, 1e6);
}

/* A bond of 2.8 px: columns one pixel wide, hexagon centres 2.8 px away. */
static void
test_graphene_coarse (void)
{
  check_graphene (0.05, 1e6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/scale/graphene-0.012", test_graphene_fine);
  g_test_add_func ("/core/detect/scale/graphene-0.03", test_graphene_medium);
  g_test_add_func ("/core/detect/scale/graphene-0.05", test_graphene_coarse);
  return g_test_run ();
}
