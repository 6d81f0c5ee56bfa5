/* fuzz-onnx.c: libFuzzer target for the network loader: protobuf-c parsing,
 * graph validation and constant folding, then, for a model that loads and
 * is cheap enough, a tiled run on a fixed 24×24 input inside the smallest
 * memory budget. Any input must give a model or an AL_NN_ERROR (an
 * AL_ERROR when cancelled or over the budget): never a crash, hang, leak or
 * GLib critical. */
#include <math.h>

#include "al-error.h"
#include "al-limits.h"
#include "nn/al-nn.h"

#include "fuzz-glib.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Input side of the trial run (pixels; not a multiple of 8, so padding to
 * the alignment is exercised too), and the most convolution work a trial
 * may cost (floating-point operations): above it a fuzzed model could take
 * seconds per input, and loading is what the target tests. */
#define FUZZ_SIDE      24
#define FUZZ_MAX_FLOPS 2e8
/* Largest number of output channels a trial allocates for. */
#define FUZZ_MAX_OUT_CHANNELS 64

static void
try_run (AlNnModel *model)
{
  g_autoptr (GError) error = NULL;
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  float input[FUZZ_SIDE * FUZZ_SIDE * 4];
  g_autofree float *out = NULL;
  guint in_c = al_nn_model_get_in_channels (model), out_c = al_nn_model_get_out_channels (model);
  gboolean ok;

  if (in_c == 0 || in_c > 4 || out_c == 0 || out_c > FUZZ_MAX_OUT_CHANNELS
      || !(al_nn_model_get_flops (model, FUZZ_SIDE, FUZZ_SIDE) <= FUZZ_MAX_FLOPS))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (input); i++)
    input[i] = (float) ((i * 37) % 101) / 50.0f - 1.0f;
  if (!al_nn_model_normalise_input (model, input, FUZZ_SIDE * FUZZ_SIDE, &error))
    {
      g_assert (error->domain == AL_NN_ERROR);
      return;
    }
  out = g_new (float, (gsize) out_c * FUZZ_SIDE * FUZZ_SIDE);
  opts.n_threads = 1;
  opts.memory_budget = 16 << 20;
  ok = al_nn_run_tiled (model, input, FUZZ_SIDE, FUZZ_SIDE, in_c, out, &opts, NULL, NULL, &error);
  g_assert (ok == (error == NULL));
  g_assert (ok || error->domain == AL_NN_ERROR || error->domain == AL_ERROR);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;

  /* A critical is a bug the fuzzer must report; the budget is the least
   * the app accepts, so a model that asks for more is refused, not run. */
  al_fuzz_glib_init ();
  al_limits_set_memory_budget (AL_LIMITS_SMALL_BUDGET);
  model = al_nn_model_load_from_data (data, size, &error);
  g_assert ((model == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == AL_NN_ERROR);
  if (model != NULL)
    {
      /* Metadata getters must cope with whatever the file holds. */
      (void) al_nn_model_get_task (model);
      (void) al_nn_model_get_classes (model);
      (void) al_nn_model_get_material (model);
      (void) isfinite (al_nn_model_get_pixel_size_nm (model));
      (void) al_nn_model_get_alignment (model);
      (void) al_nn_model_get_receptive_radius (model);
      try_run (model);
    }
  return 0;
}
