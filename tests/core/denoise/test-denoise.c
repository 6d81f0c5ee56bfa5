/* test-denoise.c: the (denoise) stage (denoise/al-denoise.h) with the
 * committed models/tmd-denoise.onnx on images the simulator makes here
 * (fixed seeds): a 10³ e⁻/Å² MoS2 frame comes back in its own units and
 * size, at least 10 dB closer (PSNR) to the noiseless image, also at a
 * pixel size the network was not trained at; the signal-to-noise ratio
 * orders doses; a network of another task, a cancelled run and a budget
 * too small fail with a GError; the pipeline keeps the denoised frame in
 * the frame's result when it denoises and not otherwise; at 10³ e⁻/Å² the
 * low-dose path (denoised frame, local lattice) finds the columns that
 * the raw path cannot. */
#include <math.h>

#include "al-error.h"
#include "al-limits.h"
#include "al-pipeline.h"
#include "al-test.h"
#include "denoise/al-denoise.h"
#include "simulate/al-simulate.h"

#define TEST_SIDE 192
#define TEST_SEED 21
/* PSNR gain the issue asks of the denoiser at 10³ e⁻/Å² (dB). */
#define REQUIRED_GAIN_DB 10.0
/* F1 of the low-dose path on the test's 192² MoS2 image at 10³ e⁻/Å²
 * (measured 0.928; 512² images score 0.960, README). */
#define LOW_DOSE_MIN_F1 0.9

static char *
model_path (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".onnx", NULL);
  return g_build_filename (g_getenv ("AL_SOURCE_ROOT"), "models", file, NULL);
}

static AlNnModel *
load_denoiser (void)
{
  g_autofree char *path = model_path ("tmd-denoise");
  g_autoptr (GError) error = NULL;
  AlNnModel *model = al_denoise_model_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static AlSimResult *
simulate (double   dose,
          double   pixel_size_nm,
          gboolean noiseless)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  AlSimResult *result;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = TEST_SIDE;
  p.pixel_size_nm = pixel_size_nm;
  p.dose = dose;
  p.seed = TEST_SEED;
  p.rotation_deg = 11.0;
  p.noiseless = noiseless;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, "V_S=0.02,V_S2=0.005", &error));
  result = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* Peak signal-to-noise ratio of `x` against `clean` (peak: the clean
 * image's range), dB. */
static double
psnr (const float *x,
      const float *clean,
      gsize        n)
{
  double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, mse = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, clean[i]);
      hi = MAX (hi, clean[i]);
      mse += pow ((double) x[i] - clean[i], 2) / n;
    }
  return 10.0 * log10 ((hi - lo) * (hi - lo) / mse);
}

static void
check_gain (double pixel_size_nm,
            double min_gain_db)
{
  g_autoptr (AlNnModel) model = load_denoiser ();
  g_autoptr (AlSimResult) noisy = simulate (1e3, pixel_size_nm, FALSE);
  g_autoptr (AlSimResult) clean = simulate (1e3, pixel_size_nm, TRUE);
  g_autoptr (GError) error = NULL;
  gsize n = (gsize) TEST_SIDE * TEST_SIDE;
  g_autofree float *out = al_denoise_frame (model, noisy->image->pixels, TEST_SIDE, TEST_SIDE,
                                            pixel_size_nm, 2, NULL, NULL, &error);
  double before, after, mean_clean = 0, mean_out = 0;

  g_assert_no_error (error);
  g_assert_nonnull (out);
  before = psnr (noisy->image->pixels, clean->image->pixels, n);
  after = psnr (out, clean->image->pixels, n);
  for (gsize i = 0; i < n; i++)
    {
      mean_clean += clean->image->pixels[i] / n;
      mean_out += out[i] / n;
    }
  g_test_message ("%g nm/px, 1e3 e/A2: PSNR %.1f -> %.1f dB (gain %.1f); mean %.4f counts "
                  "(noiseless %.4f)", pixel_size_nm, before, after, after - before, mean_out,
                  mean_clean);
  g_assert_cmpfloat (after - before, >=, min_gain_db);
  /* Counts in, counts out (the network's own bias at this dose is ~7 %). */
  g_assert_cmpfloat (fabs (mean_out / mean_clean - 1.0), <, 0.15);
}

static void
test_gain_at_model_pixel_size (void)
{
  check_gain (0.03, REQUIRED_GAIN_DB);
}

/* 0.024 nm/px: resampled to the network's 0.03 and back. Interpolation
 * costs some of the gain; it must still be large. */
static void
test_gain_resampled (void)
{
  check_gain (0.024, 0.8 * REQUIRED_GAIN_DB);
}

static void
test_snr_orders_doses (void)
{
  double snr[2];
  const double doses[2] = { 1e3, 1e5 };

  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (AlSimResult) sim = simulate (doses[k], 0.03, FALSE);
      snr[k] = al_denoise_estimate_snr (sim->image->pixels, TEST_SIDE, TEST_SIDE);
    }
  g_test_message ("signal-to-noise ratio %.3g at 1e3, %.3g at 1e5", snr[0], snr[1]);
  /* Auto mode denoises the first and not the second. */
  g_assert_cmpfloat (snr[0], >, 0.0);
  g_assert_cmpfloat (snr[0], <, AL_DENOISE_AUTO_MAX_SNR);
  g_assert_cmpfloat (snr[1], >, 2 * AL_DENOISE_AUTO_MAX_SNR);
}

static void
test_bad_model (void)
{
  g_autofree char *phase = model_path ("tmd-phase");
  g_autofree char *missing = model_path ("no-such-denoiser");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = al_denoise_model_load (phase, &error);

  g_assert_null (model);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "not a denoiser"));
  g_clear_error (&error);
  g_assert_null (al_denoise_model_load (missing, &error));
  g_assert_nonnull (error);
}

static void
test_cancel_and_budget (void)
{
  g_autoptr (AlNnModel) model = load_denoiser ();
  g_autoptr (AlSimResult) sim = simulate (1e3, 0.03, FALSE);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  float *out;

  g_cancellable_cancel (cancellable);
  out = al_denoise_frame (model, sim->image->pixels, TEST_SIDE, TEST_SIDE, 0.03, 1, NULL,
                          cancellable, &error);
  g_assert_null (out);
  g_assert_error (error, AL_ERROR, AL_ERROR_CANCELLED);
  g_clear_error (&error);

  al_limits_set_memory_budget ((guint64) 256 << 10);
  out = al_denoise_frame (model, sim->image->pixels, TEST_SIDE, TEST_SIDE, 0.03, 1, NULL, NULL,
                          &error);
  al_limits_set_memory_budget (0);
  g_assert_null (out);
  g_assert_error (error, AL_ERROR, AL_ERROR_TOO_LARGE);
}

/* F1 of `found` against the true columns: one-to-one matches, nearest
 * first, within a quarter of the neighbour distance (as `score`). */
static double
match_f1 (const AlAtoms *truth,
          const AlAtoms *found,
          double         radius)
{
  g_autofree gboolean *taken = g_new0 (gboolean, MAX (found->n_atoms, 1));
  guint matched = 0;

  for (guint i = 0; i < truth->n_atoms; i++)
    {
      double best = radius;
      int k = -1;
      for (guint j = 0; j < found->n_atoms; j++)
        {
          double d = hypot (found->x[j] - truth->x[i], found->y[j] - truth->y[i]);
          if (!taken[j] && d < best)
            {
              best = d;
              k = (int) j;
            }
        }
      if (k >= 0)
        {
          taken[k] = TRUE;
          matched++;
        }
    }
  return 2.0 * matched / (truth->n_atoms + found->n_atoms);
}

/* The low-dose path: at 10³ e⁻/Å² a MoS2 column's own fit cannot place it
 * within a quarter neighbour distance; columns found on the denoised
 * frame and placed by their local lattice can. */
static void
test_low_dose_finds_columns (void)
{
  g_autoptr (AlSimResult) sim = simulate (1e3, 0.03, FALSE);
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  double radius = 0.25 * al_material_neighbour_nm (al_material_from_name ("mos2")) / 0.03;
  double f1[2];

  for (guint k = 0; k < 2; k++)
    {
      AlPipelineParams params;
      g_autoptr (GError) error = NULL;
      g_autoptr (AlAnalysis) analysis = NULL;

      al_pipeline_params_init (&params);
      params.material = al_material_from_name ("mos2");
      params.n_threads = 2;
      params.denoise = k == 0 ? AL_DENOISE_OFF : AL_DENOISE_AUTO;
      analysis = al_pipeline_run (sim->image, &params, NULL, NULL, &error);
      g_assert_no_error (error);
      f1[k] = match_f1 (truth, ((AlFrameResult *) analysis->frames->pdata[0])->atoms, radius);
    }
  g_test_message ("MoS2 %u columns at 1e3 e/A2: F1 %.3f raw, %.3f denoised + lattice",
                  truth->n_atoms, f1[0], f1[1]);
  g_assert_cmpfloat (f1[1], >=, LOW_DOSE_MIN_F1);
  g_assert_cmpfloat (f1[1], >, f1[0] + 0.2);
}

/* The pipeline keeps the frame it found the columns on. */
static void
test_pipeline_keeps_denoised (void)
{
  g_autoptr (AlSimResult) low = simulate (1e3, 0.03, FALSE);
  g_autoptr (AlSimResult) high = simulate (1e5, 0.03, FALSE);
  const struct { AlSimResult *sim; AlDenoiseMode mode; gboolean kept; } cases[] = {
    { low, AL_DENOISE_OFF, FALSE },
    { low, AL_DENOISE_AUTO, TRUE },
    { high, AL_DENOISE_AUTO, FALSE },
    { high, AL_DENOISE_ON, TRUE },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      AlPipelineParams params;
      g_autoptr (GError) error = NULL;
      g_autoptr (AlAnalysis) analysis = NULL;
      const AlFrameResult *r;

      al_pipeline_params_init (&params);
      params.material = al_material_from_name ("mos2");
      params.n_threads = 2;
      params.denoise = cases[k].mode;
      analysis = al_pipeline_run (cases[k].sim->image, &params, NULL, NULL, &error);
      g_assert_no_error (error);
      r = analysis->frames->pdata[0];
      g_assert_cmpint (r->denoised != NULL, ==, cases[k].kept);
      g_assert_cmpuint (analysis->n_denoised, ==, cases[k].kept ? 1 : 0);
      g_assert_false (r->fitted_on_denoised);
      /* The ratio is measured whenever the denoiser ran. */
      g_assert_cmpint (r->denoise_snr > 0, ==, cases[k].mode != AL_DENOISE_OFF);
      /* The network is loaded and run only for frames it denoises. */
      g_assert_cmpint (analysis->denoise_model_path != NULL, ==, cases[k].kept);
      g_assert_cmpfloat (al_analysis_get_timing (analysis, "denoise") > 0, ==, cases[k].kept);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/denoise/gain-1e3", test_gain_at_model_pixel_size);
  g_test_add_func ("/denoise/gain-resampled", test_gain_resampled);
  g_test_add_func ("/denoise/snr-orders-doses", test_snr_orders_doses);
  g_test_add_func ("/denoise/bad-model", test_bad_model);
  g_test_add_func ("/denoise/cancel-and-budget", test_cancel_and_budget);
  g_test_add_func ("/denoise/pipeline-keeps-denoised", test_pipeline_keeps_denoised);
  g_test_add_func ("/denoise/low-dose-finds-columns", test_low_dose_finds_columns);
  return g_test_run ();
}
