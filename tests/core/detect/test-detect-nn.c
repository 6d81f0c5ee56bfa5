/* test-detect-nn.c: the network path of the pipeline (--model): a
 * simulated MoS2 frame analysed with models/mos2-atoms.onnx finds its
 * columns, the channels map to the material's species, and a network made
 * for another task or material is refused with a clear error. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-material.h"
#include "al-pipeline.h"
#include "simulate/al-match.h"
#include "simulate/al-simulate.h"

#define SIDE_PX 128
#define PIXEL_NM 0.03
#define DOSE 1e5
#define SEED 7
#define BORDER_NM 0.1
/* A found column matches a true one within this fraction of the
 * metal–chalcogen column distance. */
#define MATCH_FRACTION 0.3
#define MIN_RECALL 0.90

static char *
model_path (const char *name)
{
  const char *root = g_getenv ("AL_SOURCE_ROOT");
  g_assert_nonnull (root);
  return g_build_filename (root, "models", name, NULL);
}

static AlSimResult *
simulate_mos2 (double pixel_nm)
{
  g_autoptr (GError) error = NULL;
  AlSimParams sp;
  AlSimResult *sim;

  al_sim_params_init (&sp, al_material_get (AL_MATERIAL_MOS2));
  sp.width = sp.height = SIDE_PX;
  sp.pixel_size_nm = pixel_nm;
  sp.dose = DOSE;
  sp.seed = SEED;
  sp.rotation_deg = 11.0;
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  g_assert_no_error (error);
  return sim;
}

static AlAnalysis *
analyse (AlSimResult *sim,
         const char  *model,
         GError     **error)
{
  g_autofree char *path = model_path (model);
  AlPipelineParams pp;

  al_pipeline_params_init (&pp);
  pp.material = al_material_get (AL_MATERIAL_MOS2);
  pp.n_threads = 2;
  pp.model_path = path;
  return al_pipeline_run (sim->image, &pp, NULL, NULL, error);
}

static void
check_recall (double pixel_nm)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (GError) error = NULL;
  AlSimResult *sim = simulate_mos2 (pixel_nm);
  g_autoptr (AlAnalysis) a = analyse (sim, "mos2-atoms.onnx", &error);
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  const AlAtoms *found;
  double margin = BORDER_NM / pixel_nm;
  g_autofree int *mt = NULL;
  g_autofree int *mf = NULL;
  guint n_t = 0, hit_t = 0, right_species = 0;

  g_assert_no_error (error);
  g_assert_nonnull (a);
  g_assert_true (a->material == m);
  g_assert_cmpuint (a->frames->len, ==, 1);
  g_assert_cmpfloat (al_analysis_get_timing (a, "network"), >, 0.0);
  found = ((AlFrameResult *) g_ptr_array_index (a->frames, 0))->atoms;
  mt = g_new (int, MAX (truth->n_atoms, 1));
  mf = g_new (int, MAX (found->n_atoms, 1));
  al_match_points (truth->x, truth->y, truth->n_atoms, found->x, found->y, found->n_atoms,
                   MATCH_FRACTION * al_material_neighbour_nm (m) / pixel_nm, mt, mf);
  for (guint i = 0; i < truth->n_atoms; i++)
    if (truth->x[i] >= margin && truth->y[i] >= margin
        && truth->x[i] <= SIDE_PX - 1 - margin && truth->y[i] <= SIDE_PX - 1 - margin)
      {
        n_t++;
        if (mt[i] >= 0)
          {
            hit_t++;
            right_species += found->species[mt[i]] == truth->species[i];
          }
      }
  g_test_message ("MoS2 %.3f nm/px: %u of %u columns found, %u with the right species",
                  pixel_nm, hit_t, n_t, right_species);
  g_assert_cmpuint (n_t, >, 50);
  g_assert_cmpfloat ((double) hit_t / n_t, >=, MIN_RECALL);
  /* Species come from the network's channels, through atomlens.classes. */
  g_assert_cmpfloat ((double) right_species / hit_t, >=, MIN_RECALL);
  al_sim_result_free (sim);
}

/* At the network's own pixel size: no resampling. */
static void
test_recall_native (void)
{
  check_recall (PIXEL_NM);
}

/* A frame 1/3 finer than the network's: resampled to it and back. */
static void
test_recall_resampled (void)
{
  check_recall (0.02);
}

static void
test_wrong_task (void)
{
  g_autoptr (GError) error = NULL;
  AlSimResult *sim = simulate_mos2 (PIXEL_NM);
  g_autoptr (AlAnalysis) a = analyse (sim, "tmd-denoise.onnx", &error);

  g_assert_null (a);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not an atom finder"));
  al_sim_result_free (sim);
}

static void
test_wrong_material (void)
{
  g_autoptr (GError) error = NULL;
  AlSimResult *sim = simulate_mos2 (PIXEL_NM);
  g_autoptr (AlAnalysis) a = analyse (sim, "graphene-atoms.onnx", &error);

  g_assert_null (a);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not of mos2"));
  al_sim_result_free (sim);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/detect/nn/recall-native", test_recall_native);
  g_test_add_func ("/detect/nn/recall-resampled", test_recall_resampled);
  g_test_add_func ("/detect/nn/wrong-task", test_wrong_task);
  g_test_add_func ("/detect/nn/wrong-material", test_wrong_material);
  return g_test_run ();
}
