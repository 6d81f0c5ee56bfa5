/* cli-infer.c: `atomlens-cli infer --model M.onnx IMAGE --out OUT.tif`:
 * the network's raw output, one float32 TIFF page per output channel, so
 * anyone can check our numbers against the framework that trained it. */
#include <stdio.h>

#include "al-cli.h"
#include "io/al-io.h"
#include "io/al-tiff.h"
#include "nn/al-nn.h"

int
al_cli_infer (int    argc,
              char **argv)
{
  g_autofree char *model_path = NULL, *out_path = NULL;
  int n_threads = 0, tile = 0, memory_mb = 0, frame = 0;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, "The ONNX network", "M.onnx" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, "Output TIFF (one float32 page per channel)", "OUT.tif" },
    { "frame", 0, 0, G_OPTION_ARG_INT, &frame, "Frame of a series to run on (default 0)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &n_threads, "Threads (default: all cores)", "T" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, "Tile side in pixels (default: from the memory budget)", "N" },
    { "memory-mb", 0, 0, G_OPTION_ARG_INT, &memory_mb, "Working memory budget (default 400)", "MB" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;
  g_autoptr (AlImage) image = NULL, result = NULL;
  g_autofree float *input = NULL;
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  gsize n_pixels;
  guint n_out;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Run an ONNX network on an image and save its raw output.");
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2 || model_path == NULL || out_path == NULL)
    return al_cli_fail ("infer needs --model M.onnx, one IMAGE and --out OUT.tif");
  if (n_threads < 0 || tile < 0 || memory_mb < 0 || frame < 0)
    return al_cli_fail ("--threads, --tile, --memory-mb and --frame must not be negative");

  model = al_nn_model_load (model_path, &error);
  if (model == NULL)
    return al_cli_fail ("%s", error->message);
  image = al_image_load (argv[1], &error);
  if (image == NULL)
    return al_cli_fail ("%s", error->message);
  if ((guint) frame >= image->n_frames)
    return al_cli_fail ("%s has %u frames; there is no frame %d", argv[1], image->n_frames, frame);
  if (al_nn_model_get_in_channels (model) != 1)
    return al_cli_fail ("the network takes %u channels; images have one",
                        al_nn_model_get_in_channels (model));

  n_pixels = al_image_frame_samples (image);
  input = g_memdup2 (al_image_frame_const (image, frame), n_pixels * sizeof (float));
  if (!al_nn_model_normalise_input (model, input, n_pixels, &error))
    return al_cli_fail ("%s", error->message);

  n_out = al_nn_model_get_out_channels (model);
  result = al_image_new (image->width, image->height, n_out, &error);
  if (result == NULL)
    return al_cli_fail ("%s", error->message);
  opts.n_threads = (guint) n_threads;
  opts.tile_size = (guint) tile;
  if (memory_mb > 0)
    opts.memory_budget = (gsize) memory_mb << 20;
  if (!al_nn_run_tiled (model, input, image->width, image->height, 1, result->pixels, &opts, NULL,
                        NULL, &error))
    return al_cli_fail ("%s", error->message);
  if (image->unit != NULL)
    al_image_set_calibration (result, image->scale_x, image->scale_y, image->unit);
  if (!al_tiff_write (out_path, result, &error))
    return al_cli_fail ("%s", error->message);
  return 0;
}
