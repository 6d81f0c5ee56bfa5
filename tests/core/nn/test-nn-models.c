/* test-nn-models.c: whole networks against PyTorch: the reference U-Net
 * and every per-operator micro-model written by
 * models/train/reference_unet.py, to 1e-4; model metadata; tiled inference
 * against one whole-image run. */
#include "nn/al-nn-private.h"
#include "nn-test-util.h"

#define GOLDEN_DIR "0001-unet-golden"
/* PyTorch and we sum in different orders: 1e-4 is the bound. */
#define MAX_ERROR 1e-4

static AlNnModel *
load_golden_model (const char *name)
{
  g_autofree char *rel = g_build_filename (GOLDEN_DIR, name, NULL);
  g_autofree char *path = al_test_data_path (rel);
  g_autoptr (GError) error = NULL;
  AlNnModel *model = al_nn_model_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static void
check_pair (AlNnModel  *model,
            const char *in_name,
            const char *out_name,
            guint       n_threads)
{
  NnGolden in, out;
  g_autofree char *in_rel = g_build_filename (GOLDEN_DIR, in_name, NULL);
  g_autofree char *out_rel = g_build_filename (GOLDEN_DIR, out_name, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree float *got = NULL;
  double err;

  g_assert_true (nn_golden_load (in_rel, &in));
  g_assert_true (nn_golden_load (out_rel, &out));
  g_assert_cmpuint (in.n_dims, ==, 4);
  g_assert_cmpuint (out.n_dims, ==, 4);
  got = g_new0 (float, out.numel);
  g_assert_true (al_nn_model_run (model, in.data, in.dims[3], in.dims[2], in.dims[1], got, n_threads,
                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (al_nn_model_get_out_channels (model), ==, out.dims[1]);
  err = nn_max_abs_diff (got, out.data, out.numel);
  if (err > MAX_ERROR)
    g_test_message ("%s: max abs error %g", out_name, err);
  g_assert_cmpfloat (err, <=, MAX_ERROR);
  g_free (in.data);
  g_free (out.data);
}

static void
test_unet_golden (void)
{
  g_autoptr (AlNnModel) model = load_golden_model ("unet.onnx");

  g_assert_cmpuint (al_nn_model_get_in_channels (model), ==, 1);
  g_assert_cmpuint (al_nn_model_get_out_channels (model), ==, 3);
  g_assert_cmpuint (al_nn_model_get_alignment (model), ==, 8);
  /* every BatchNorm and ReLU fused: 15 convs, 3 pools, 3 resizes, 3 concats, softmax */
  g_assert_cmpuint (model->n_nodes, ==, 25);
  check_pair (model, "unet-in-64x64.bin", "unet-out-64x64.bin", 1);
  check_pair (model, "unet-in-96x80.bin", "unet-out-96x80.bin", 2);
}

static void
test_unet_metadata (void)
{
  g_autoptr (AlNnModel) model = load_golden_model ("unet.onnx");
  const char *const *classes = al_nn_model_get_classes (model);

  g_assert_cmpstr (al_nn_model_get_task (model), ==, "atoms");
  g_assert_cmpstr (al_nn_model_get_material (model), ==, "MoS2");
  g_assert_cmpstr (al_nn_model_get_normalisation (model), ==, "none");
  g_assert_cmpfloat_with_epsilon (al_nn_model_get_pixel_size_nm (model), 0.02, 1e-12);
  g_assert_nonnull (classes);
  g_assert_cmpstr (classes[0], ==, "background");
  g_assert_cmpstr (classes[1], ==, "Mo");
  g_assert_cmpstr (classes[2], ==, "S2");
  g_assert_null (classes[3]);
  g_assert_cmpstr (al_nn_model_get_metadata (model, "atomlens.task"), ==, "atoms");
  g_assert_null (al_nn_model_get_metadata (model, "no.such.key"));
}

static void
test_micro_model (gconstpointer data)
{
  const char *name = data;
  g_autofree char *onnx = g_strdup_printf ("op-%s.onnx", name);
  g_autofree char *in = g_strdup_printf ("op-%s-in.bin", name);
  g_autofree char *out = g_strdup_printf ("op-%s-out.bin", name);
  g_autoptr (AlNnModel) model = load_golden_model (onnx);

  check_pair (model, in, out, 1);
  check_pair (model, in, out, 2);
}

/* The image (odd size, not a multiple of 8) through many small tiles must
 * equal one tile covering the whole reflection-padded canvas. */
static void
test_tiled_matches_whole (void)
{
  g_autoptr (AlNnModel) model = load_golden_model ("unet.onnx");
  guint w = 203, h = 157, n_out = al_nn_model_get_out_channels (model);
  g_autofree float *image = g_new (float, (gsize) w * h);
  g_autofree float *whole = g_new (float, (gsize) n_out * w * h);
  g_autofree float *tiled = g_new (float, (gsize) n_out * w * h);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  double err;

  for (gsize i = 0; i < (gsize) w * h; i++)
    image[i] = (float) g_rand_double (rand);
  opts.n_threads = 2;
  opts.tile_size = 4096;   /* one tile: the whole canvas */
  g_assert_true (al_nn_run_tiled (model, image, w, h, 1, whole, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  /* a 3 × 2 grid of tiles with the default overlap (72 + 40 blend) */
  opts.tile_size = 256;
  g_assert_true (al_nn_run_tiled (model, image, w, h, 1, tiled, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  err = nn_max_abs_diff (whole, tiled, (gsize) n_out * w * h);
  g_test_message ("tiled vs whole: max abs difference %g", err);
  g_assert_cmpfloat (err, <=, MAX_ERROR);
  /* softmax output: channels sum to one everywhere, so blending covered every pixel */
  for (gsize i = 0; i < (gsize) w * h; i += 97)
    g_assert_cmpfloat (fabs (tiled[i] + tiled[i + (gsize) w * h] + tiled[i + 2 * (gsize) w * h] - 1.0),
                       <, 1e-5);
}

static void
count_reports (const char *stage,
               double      fraction,
               gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_tiled_cancel_and_progress (void)
{
  g_autoptr (AlNnModel) model = load_golden_model ("unet.onnx");
  guint w = 100, h = 80, n_reports = 0;
  g_autofree float *image = g_new0 (float, (gsize) w * h);
  g_autofree float *out = g_new (float, 3 * (gsize) w * h);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  g_autoptr (GError) error = NULL;
  AlProgress progress;

  al_progress_init (&progress, count_reports, &n_reports);
  opts.tile_size = 64;
  opts.overlap = 8;   /* small tiles, many reports, a fast test */
  opts.n_threads = 1;
  g_assert_true (al_nn_run_tiled (model, image, w, h, 1, out, &opts, &progress, NULL, &error));
  g_assert_cmpuint (n_reports, >, 1);

  g_cancellable_cancel (cancellable);
  g_assert_false (al_nn_run_tiled (model, image, w, h, 1, out, &opts, NULL, cancellable, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_CANCELLED);
  g_clear_error (&error);

  /* a budget too small for any tile is an error, not a crash */
  opts.tile_size = 0;
  opts.memory_budget = 1024;
  g_assert_false (al_nn_run_tiled (model, image, w, h, 1, out, &opts, NULL, NULL, &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *list_path = NULL;
  g_autofree char *list = NULL;
  g_auto (GStrv) names = NULL;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/nn/unet-golden", test_unet_golden);
  g_test_add_func ("/core/nn/unet-metadata", test_unet_metadata);
  g_test_add_func ("/core/nn/tiled-matches-whole", test_tiled_matches_whole);
  g_test_add_func ("/core/nn/tiled-cancel-progress", test_tiled_cancel_and_progress);

  list_path = al_test_data_path (GOLDEN_DIR "/micro-models.txt");
  g_assert_true (g_file_get_contents (list_path, &list, NULL, NULL));
  names = g_strsplit (g_strstrip (list), "\n", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *test = g_strdup_printf ("/core/nn/micro/%s", names[i]);
      g_test_add_data_func (test, names[i], test_micro_model);
    }
  return g_test_run ();
}
