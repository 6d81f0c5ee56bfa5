/* test-model-registry.c: finding the trained network for a material and a
 * task (nn/al-model-registry.h), and --model auto in the pipeline: the
 * folders of $AL_MODELS_DIR come before the source tree's models/, files
 * that do not load are skipped, a model of another task or material is
 * refused with a message, and the analysis (and summary.json) names the
 * network it used. */
#include <string.h>

#include "al-pipeline.h"
#include "al-test.h"
#include "export/al-summary-json.h"
#include "nn/al-model-registry.h"
#include "simulate/al-simulate.h"

static char *
source_model (const char *file)
{
  return g_build_filename (g_getenv ("AL_SOURCE_ROOT"), "models", file, NULL);
}

static void
test_task_names (void)
{
  for (int t = 0; t < AL_MODEL_N_TASKS; t++)
    g_assert_cmpint (al_model_task_from_name (al_model_task_name (t)), ==, t);
  g_assert_cmpint (al_model_task_from_name ("PHASE"), ==, AL_MODEL_TASK_PHASE);
  g_assert_cmpint (al_model_task_from_name ("segment"), ==, -1);
  g_assert_cmpint (al_model_task_from_name (NULL), ==, -1);
}

/* The committed models are found for every preset they were trained for. */
static void
test_find_committed (void)
{
  static const struct { const char *material; AlModelTask task; const char *file; } cases[] = {
    { "mos2", AL_MODEL_TASK_ATOMS, "mos2-atoms.onnx" },
    { "ws2", AL_MODEL_TASK_ATOMS, "ws2-atoms.onnx" },
    { "wse2", AL_MODEL_TASK_ATOMS, "wse2-atoms.onnx" },
    { "graphene", AL_MODEL_TASK_ATOMS, "graphene-atoms.onnx" },
    { "hbn", AL_MODEL_TASK_ATOMS, "hbn-atoms.onnx" },
    { "ws2", AL_MODEL_TASK_PHASE, "tmd-phase.onnx" },
    { "wse2", AL_MODEL_TASK_DENOISE, "tmd-denoise.onnx" },
  };

  g_unsetenv ("AL_MODELS_DIR");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = al_model_find (al_material_from_name (cases[i].material), cases[i].task);
      g_autofree char *expected = source_model (cases[i].file);
      g_assert_cmpstr (path, ==, expected);
    }
  g_assert_null (al_model_find (al_material_from_name ("graphene"), AL_MODEL_TASK_PHASE));
  g_assert_null (al_model_find (NULL, AL_MODEL_TASK_ATOMS));
}

static void
copy_file (const char *from,
           const char *to)
{
  g_autofree char *data = NULL;
  gsize size;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (from, &data, &size, &error));
  g_assert_true (g_file_set_contents (to, data, size, &error));
  g_assert_no_error (error);
}

/* A user's folder in $AL_MODELS_DIR comes first; a broken file in it is
 * skipped, not fatal; a name seen once hides the same name later. */
static void
test_user_folder (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *mine = g_build_filename (dir, "a-my-mos2.onnx", NULL);
  g_autofree char *broken = g_build_filename (dir, "0-broken.onnx", NULL);
  g_autofree char *shadow = g_build_filename (dir, "tmd-denoise.onnx", NULL);
  g_autofree char *atoms = source_model ("mos2-atoms.onnx");
  g_autofree char *phase = source_model ("tmd-phase.onnx");
  g_autoptr (GPtrArray) list = NULL;
  g_auto (GStrv) dirs = NULL;
  guint n_denoise = 0;

  copy_file (atoms, mine);
  copy_file (phase, shadow);   /* a phase model under the denoiser's name */
  g_assert_true (g_file_set_contents (broken, "not an onnx file", -1, NULL));
  g_setenv ("AL_MODELS_DIR", dir, TRUE);

  dirs = al_model_search_dirs ();
  g_assert_cmpstr (dirs[0], ==, dir);
  {
    g_autofree char *found = al_model_find (al_material_from_name ("mos2"), AL_MODEL_TASK_ATOMS);
    g_assert_cmpstr (found, ==, mine);
  }
  {
    /* The user's tmd-denoise.onnx hides the committed one; it is no denoiser. */
    g_autofree char *found = al_model_find (al_material_from_name ("mos2"), AL_MODEL_TASK_DENOISE);
    g_assert_null (found);
  }
  list = al_model_list ();
  for (guint i = 0; i < list->len; i++)
    {
      AlModelInfo *info = list->pdata[i];
      g_assert_cmpstr (info->path, !=, broken);
      g_assert_nonnull (info->task);
      if (g_str_has_suffix (info->path, "tmd-denoise.onnx"))
        n_denoise++;
    }
  g_assert_cmpuint (n_denoise, ==, 1);
  g_assert_cmpstr (((AlModelInfo *) list->pdata[0])->path, ==, mine);
  g_assert_cmpfloat_with_epsilon (((AlModelInfo *) list->pdata[0])->pixel_size_nm, 0.03, 1e-9);
  g_assert_cmpstr (((AlModelInfo *) list->pdata[0])->classes, ==, "background,Mo,S2,S,W");

  g_unsetenv ("AL_MODELS_DIR");
  al_test_rmdir (dir);
}

/* A file the user brings: the task and the material must fit. */
static void
test_check (void)
{
  g_autofree char *atoms = source_model ("mos2-atoms.onnx");
  g_autofree char *phase = source_model ("tmd-phase.onnx");
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *broken = g_build_filename (dir, "x.onnx", NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (al_model_check (atoms, AL_MODEL_TASK_ATOMS, al_material_from_name ("mos2"), &error));
  g_assert_no_error (error);
  g_assert_true (al_model_check (phase, AL_MODEL_TASK_PHASE, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (al_model_check (atoms, AL_MODEL_TASK_ATOMS, al_material_from_name ("ws2"), &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "trained for MoS2"));
  g_clear_error (&error);

  g_assert_false (al_model_check (phase, AL_MODEL_TASK_ATOMS, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "for “phase”, not for “atoms”"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (broken, "\x08\x07", 2, NULL));
  g_assert_false (al_model_check (broken, AL_MODEL_TASK_ATOMS, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Cannot load network"));
  al_test_rmdir (dir);
}

static AlImage *
simulated_mos2 (guint n_frames)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) result = NULL;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = 160;
  p.pixel_size_nm = 0.03;
  p.dose = 1e5;
  p.seed = 11;
  p.n_frames = n_frames;
  result = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&result->image);
}

/* --model auto: the analysis uses and names the material's network, with a
 * given or a guessed material; --model none keeps the classical path. */
static void
test_pipeline_auto (void)
{
  g_autoptr (AlImage) image = simulated_mos2 (1);
  g_autofree char *expected = source_model ("mos2-atoms.onnx");
  AlPipelineParams params;

  g_unsetenv ("AL_MODELS_DIR");
  for (int given = 0; given < 2; given++)
    for (int auto_model = 0; auto_model < 2; auto_model++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AlAnalysis) a = NULL;
        g_autofree char *json = NULL;
        AlFrameResult *r;

        al_pipeline_params_init (&params);
        params.n_threads = 1;
        params.material = given ? al_material_from_name ("mos2") : NULL;
        params.auto_material = !given;
        params.auto_model = auto_model;
        a = al_pipeline_run (image, &params, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (a->material == al_material_from_name ("mos2"));
        g_assert_cmpstr (a->model_path, ==, auto_model ? expected : NULL);
        if (auto_model)
          g_assert_cmpfloat (al_analysis_get_timing (a, "network"), >, 0.0);
        else
          g_assert_cmpfloat (al_analysis_get_timing (a, "network"), ==, 0.0);
        r = a->frames->pdata[0];
        g_assert_cmpuint (r->atoms->n_atoms, >, 100);
        json = al_summary_json (a, image, 0.0);
        if (auto_model)
          g_assert_nonnull (strstr (json, "mos2-atoms.onnx"));
        else
          g_assert_nonnull (strstr (json, "\"model\" : null"));
      }
}

/* A series with a guessed material: the first frame settles the material
 * and the network, the others run with it (one frame at a time, as the
 * network cannot be shared between frame workers). */
static void
test_pipeline_auto_series (void)
{
  g_autoptr (AlImage) image = simulated_mos2 (3);
  g_autofree char *expected = source_model ("mos2-atoms.onnx");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlAnalysis) a = NULL;
  AlPipelineParams params;

  g_unsetenv ("AL_MODELS_DIR");
  al_pipeline_params_init (&params);
  params.n_threads = 3;
  params.auto_material = TRUE;
  params.auto_model = TRUE;
  a = al_pipeline_run (image, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (a->material == al_material_from_name ("mos2"));
  g_assert_cmpstr (a->model_path, ==, expected);
  g_assert_cmpuint (a->frames->len, ==, 3);
  for (guint f = 0; f < 3; f++)
    g_assert_cmpuint (((AlFrameResult *) a->frames->pdata[f])->atoms->n_atoms, >, 100);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/models/registry/task-names", test_task_names);
  g_test_add_func ("/core/models/registry/find-committed", test_find_committed);
  g_test_add_func ("/core/models/registry/user-folder", test_user_folder);
  g_test_add_func ("/core/models/registry/check", test_check);
  g_test_add_func ("/core/models/registry/pipeline-auto", test_pipeline_auto);
  g_test_add_func ("/core/models/registry/pipeline-auto-series", test_pipeline_auto_series);
  return g_test_run ();
}
