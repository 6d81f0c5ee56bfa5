/* test-lattice-pull.c: fitted columns pulled towards their local lattice
 * sites (al-lattice-pull.c), on simulated MoS2 at 10⁴ e⁻/Å² scored
 * against the simulator's truth: the S2 columns, whose own fits err by
 * two thirds of a pixel per axis, come out far closer to their true
 * positions and none lands beyond the match radius while a found column
 * sits near it; the metal neighbours of S2 vacancies (both sulphur atoms
 * of a column gone) keep most of their relaxation towards the vacancy.
 * Fixed seeds. */
#include <math.h>

#include "al-material.h"
#include "detect/al-detect.h"
#include "simulate/al-match.h"
#include "simulate/al-simulate.h"

#define SIDE 256
#define DOSE 1e4
/* S2 position error, rms per axis in px: 0.50 with the fits alone
 * (seed 3), 0.20 pulled. */
#define MAX_S2_RMS_PX 0.35
/* S2 columns with a found column within half a neighbour distance but
 * none within the match radius: 17 with the fits alone, 1 pulled. */
#define MAX_S2_MISLOCATED 4
/* The metal neighbours of an S2 vacancy move in by 0.012 nm (0.4 px,
 * al-sim-point.c); the found columns may stand out from their true
 * positions by at most this share of it on average (a full snap to the
 * ideal lattice: 1; measured 0.29). */
#define MAX_RELAXATION_LOST 0.6
/* The vacancy's first neighbours are this close (neighbour distances). */
#define NEIGHBOUR_SHELL 1.2
#define RELAXATION_PX (0.012 / 0.03)

static AlSimResult *
simulate_and_detect (guint64     seed,
                     const char *defects,
                     AlAtoms   **found)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (GError) error = NULL;
  AlSimParams sp;
  AlSimResult *sim;
  AlDetectParams dp;

  al_sim_params_init (&sp, m);
  sp.width = sp.height = SIDE;
  sp.dose = DOSE;
  sp.seed = seed;
  g_assert_true (al_sim_defect_spec_parse (&sp.defects, m, defects, &error));
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  g_assert_no_error (error);
  al_detect_params_init (&dp);
  dp.material = m;
  dp.pixel_size_nm = sim->image->pixel_size;
  dp.n_threads = 2;
  *found = al_detect_run (sim->image->pixels, SIDE, SIDE, &dp, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return sim;
}

static double
match_radius (const AlSimResult *sim)
{
  return 0.25 * al_material_neighbour_nm (sim->params.material) / sim->image->pixel_size;
}

static void
test_s2_positions (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  int s2 = al_material_species_index (m, "S2");
  g_autoptr (AlAtoms) found = NULL;
  AlSimResult *sim = simulate_and_detect (3, "V_S=0.02,V_Mo=0.003", &found);
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  double radius = match_radius (sim), ss = 0;
  g_autofree int *mt = g_new (int, MAX (truth->n_atoms, 1));
  g_autofree int *mf = g_new (int, MAX (found->n_atoms, 1));
  guint n = 0, mislocated = 0;

  al_match_points (truth->x, truth->y, truth->n_atoms, found->x, found->y, found->n_atoms,
                   radius, mt, mf);
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      if (truth->species[i] != s2)
        continue;
      if (mt[i] >= 0)
        {
          ss += pow (found->x[mt[i]] - truth->x[i], 2) + pow (found->y[mt[i]] - truth->y[i], 2);
          n++;
          continue;
        }
      for (guint j = 0; j < found->n_atoms; j++)
        if (mf[j] < 0 && hypot (found->x[j] - truth->x[i], found->y[j] - truth->y[i]) < 2 * radius)
          {
            mislocated++;
            break;
          }
    }
  g_test_message ("S2: rms error %.3f px per axis over %u, %u mislocated", sqrt (ss / (2.0 * n)),
                  n, mislocated);
  g_assert_cmpuint (n, >, 500);
  g_assert_cmpfloat (sqrt (ss / (2.0 * n)), <=, MAX_S2_RMS_PX);
  g_assert_cmpuint (mislocated, <=, MAX_S2_MISLOCATED);
  al_sim_result_free (sim);
}

static void
test_keeps_relaxation (void)
{
  g_autoptr (AlAtoms) found = NULL;
  AlSimResult *sim = simulate_and_detect (4, "V_S2=0.04", &found);
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  g_autofree int *mt = g_new (int, MAX (truth->n_atoms, 1));
  g_autofree int *mf = g_new (int, MAX (found->n_atoms, 1));
  double neighbour_px = al_material_neighbour_nm (sim->params.material) / sim->image->pixel_size;
  double outward = 0;
  guint n = 0;

  al_match_points (truth->x, truth->y, truth->n_atoms, found->x, found->y, found->n_atoms,
                   match_radius (sim), mt, mf);
  for (guint k = 0; k < sim->defects->len; k++)
    {
      const AlSimDefect *d = g_ptr_array_index (sim->defects, k);
      if (d->type != AL_DEFECT_V_S2)
        continue;
      for (guint i = 0; i < truth->n_atoms; i++)
        {
          double rx = truth->x[i] - d->x_px, ry = truth->y[i] - d->y_px, r = hypot (rx, ry);
          if (mt[i] < 0 || r > NEIGHBOUR_SHELL * neighbour_px)
            continue;
          outward += ((found->x[mt[i]] - truth->x[i]) * rx + (found->y[mt[i]] - truth->y[i]) * ry) / r;
          n++;
        }
    }
  g_test_message ("V_S2 neighbours: found %.3f px outward of their true positions on average "
                  "over %u (relaxation %.3f px)", outward / n, n, RELAXATION_PX);
  g_assert_cmpuint (n, >, 40);
  g_assert_cmpfloat (outward / n, <=, MAX_RELAXATION_LOST * RELAXATION_PX);
  al_sim_result_free (sim);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/lattice-pull/mos2-s2-positions", test_s2_positions);
  g_test_add_func ("/core/detect/lattice-pull/mos2-keeps-relaxation", test_keeps_relaxation);
  return g_test_run ();
}
