/* test-detect.c: the detection stage on synthetic Gaussian columns with
 * fixed seeds: lattice from the FFT, sub-pixel refinement, overlapping
 * pairs, species, and images with nothing to find. */
#include <math.h>

#include "al-error.h"
#include "detect/al-detect.h"
#include "detect/al-filter.h"
#include "detect/al-lattice-fft.h"
#include "detect/al-log.h"
#include "detect/al-peaks.h"
#include "detect/al-refine.h"
#include "detect-synth.h"

static void
test_lattice_fft (void)
{
  const double a_px = 19.3, angle = 17.0 * G_PI / 180.0;
  g_autoptr (GArray) cols = synth_honeycomb (300, 280, a_px, angle, 400, 150, 0);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7);
  g_autofree float *img = synth_render ((SynthColumn *) cols->data, cols->len, 300, 280, 2.2, 20, rand);
  AlLattice lat;
  g_autoptr (GError) error = NULL;

  g_assert_true (al_lattice_estimate (img, 300, 280, &lat, &error));
  g_assert_no_error (error);
  g_assert_true (lat.found);
  g_assert_true (lat.hexagonal);
  g_assert_cmpfloat_with_epsilon (lat.period_px, a_px, 0.003 * a_px);
  g_assert_cmpfloat_with_epsilon (lat.angle_deg, 17.0, 0.3);
  /* MoS2's 0.316 nm over 19.3 px. */
  g_assert_cmpfloat_with_epsilon (al_lattice_pixel_size (&lat, al_material_get (AL_MATERIAL_MOS2)),
                                  0.316 / a_px, 0.003 * 0.316 / a_px);
}

/* Two grains at 0° and 21°: the basis is one grain's (hexagonal, right
 * period), not a mix of both; likewise with the expected period given. */
static void
test_lattice_two_grains (void)
{
  const guint side = 256;
  g_autoptr (GArray) left = synth_honeycomb (side, side, 12.0, 0.0, 300, 120, 0);
  g_autoptr (GArray) right = synth_honeycomb (side, side, 12.0, 21.0 * G_PI / 180.0, 300, 120, 0);
  g_autoptr (GArray) both = g_array_new (FALSE, FALSE, sizeof (SynthColumn));
  g_autoptr (GRand) rand = g_rand_new_with_seed (8);
  g_autofree float *img = NULL;
  AlLattice lat;

  for (guint i = 0; i < left->len; i++)
    if (g_array_index (left, SynthColumn, i).x < side / 2.0)
      g_array_append_val (both, g_array_index (left, SynthColumn, i));
  for (guint i = 0; i < right->len; i++)
    if (g_array_index (right, SynthColumn, i).x >= side / 2.0)
      g_array_append_val (both, g_array_index (right, SynthColumn, i));
  img = synth_render ((SynthColumn *) both->data, both->len, side, side, 1.6, 10, rand);
  for (int hinted = 0; hinted < 2; hinted++)
    {
      /* (a hint agreeing with the free estimate keeps it) */
      g_assert_true (al_lattice_estimate_near (img, side, side, hinted ? 12.5 : 0.0, &lat, NULL));
      g_test_message ("hinted %d: found %d hex %d period %.3f a1 %.2f %.2f a2 %.2f %.2f spots %u", hinted, lat.found, lat.hexagonal, lat.period_px, lat.a1[0], lat.a1[1], lat.a2[0], lat.a2[1], lat.n_spots);
      g_assert_true (lat.found && lat.hexagonal);
      g_assert_cmpfloat_with_epsilon (lat.period_px, 12.0, 0.15);
    }
}

static void
test_lattice_none (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  g_autofree float *img = g_new (float, 128 * 128);
  AlLattice lat;

  for (guint i = 0; i < 128 * 128; i++)
    img[i] = (float) synth_poisson (rand, 50);
  g_assert_true (al_lattice_estimate (img, 128, 128, &lat, NULL));
  g_assert_false (lat.found);
  g_assert_false (al_lattice_estimate (img, 16, 16, &lat, NULL));
}

/* Isolated columns at random sub-pixel positions, high dose. */
static void
test_refine_subpixel (void)
{
  const guint side = 160, grid = 16;
  const double sigma = 2.0;
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autoptr (GArray) truth = g_array_new (FALSE, FALSE, sizeof (SynthColumn));
  g_autofree float *img = NULL;
  g_autofree AlColumnFit *fits = NULL;
  AlRefineParams rp;
  double worst = 0;

  for (guint gy = 1; gy < side / grid; gy++)
    for (guint gx = 1; gx < side / grid; gx++)
      {
        SynthColumn c = { gx * grid + g_rand_double (rand) - 0.5, gy * grid + g_rand_double (rand) - 0.5,
                          20000, 0 };
        g_array_append_val (truth, c);
      }
  img = synth_render ((SynthColumn *) truth->data, truth->len, side, side, sigma, 100, rand);
  fits = g_new0 (AlColumnFit, truth->len);
  for (guint i = 0; i < truth->len; i++)
    {
      SynthColumn *c = &g_array_index (truth, SynthColumn, i);
      fits[i] = (AlColumnFit) { round (c->x), round (c->y), 15000, 2.5, 90, 0, 0, 0, TRUE };
    }
  al_refine_params_init (&rp, 2.5);
  rp.n_threads = 2;
  g_assert_true (al_refine_columns (img, side, side, fits, truth->len, &rp, NULL, NULL));
  for (guint i = 0; i < truth->len; i++)
    {
      SynthColumn *c = &g_array_index (truth, SynthColumn, i);
      g_assert_true (fits[i].ok);
      worst = MAX (worst, hypot (fits[i].x - c->x, fits[i].y - c->y));
      /* The standard error is of the size of the bound σ/√N. */
      g_assert_cmpfloat (fits[i].se_x, <, 0.01);
      g_assert_cmpfloat (fits[i].se_x, >, 0.0002);
    }
  g_assert_cmpfloat (worst, <, 0.02);
  g_assert_cmpfloat_with_epsilon (fits[0].width, sigma, 0.02);
}

/* Two columns 2.5 sigma apart: the LoG map shows both, and the joint fit
 * puts both where they are. */
static void
test_overlapping_pair (void)
{
  const double sigma = 2.0;
  SynthColumn truth[2] = { { 30.3, 31.6, 5000, 0 }, { 35.3, 31.6, 3000, 0 } };
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autofree float *img = synth_render (truth, 2, 64, 64, sigma, 50, rand);
  g_autofree float *map = al_log_response (img, 64, 64, AL_LOG_SCALE_FRACTION * sigma);
  g_autoptr (GArray) peaks = al_peaks_find (map, 64, 64, 3.0, 0.05f * 5000, 1);
  AlColumnFit fits[2];
  AlRefineParams rp;

  g_assert_cmpuint (peaks->len, ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      AlPeak *p = &g_array_index (peaks, AlPeak, i);
      float peak = img[(gsize) lround (p->y) * 64 + (gsize) lround (p->x)];
      fits[i] = (AlColumnFit) { p->x, p->y, peak - 50, sigma, 50, 0, 0, 0, TRUE };
    }
  al_refine_params_init (&rp, sigma);
  rp.max_sweeps = 12;
  g_assert_true (al_refine_columns (img, 64, 64, fits, 2, &rp, NULL, NULL));
  for (guint i = 0; i < 2; i++)
    {
      /* Peaks come brightest first. */
      g_assert_true (fits[i].ok);
      g_assert_cmpfloat (hypot (fits[i].x - truth[i].x, fits[i].y - truth[i].y), <, 0.05);
    }
}

static const AlMaterial *
mos2 (void)
{
  return al_material_get (AL_MATERIAL_MOS2);
}

/* A MoS2-like honeycomb with S2 columns turned into S at a few sites. */
static void
test_detect_mos2 (void)
{
  const guint side = 256;
  const double a_px = 16.0;
  g_autoptr (GArray) truth = synth_honeycomb (side, side, a_px, 0.3, 600, 230, 3);
  g_autoptr (GRand) rand = g_rand_new_with_seed (21);
  g_autofree float *img = NULL;
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (GError) error = NULL;
  AlDetectParams params;
  AlDetectInfo info;
  guint matched = 0, right_species = 0;
  double sum2 = 0;

  for (guint i = 0; i < truth->len; i++)
    {
      SynthColumn *c = &g_array_index (truth, SynthColumn, i);
      if (c->species == 1 && i % 13 == 0)
        {
          c->species = 2;  /* S: one sulphur */
          c->amplitude = 115;
        }
    }
  img = synth_render ((SynthColumn *) truth->data, truth->len, side, side, 1.9, 15, rand);

  al_detect_params_init (&params);
  params.material = mos2 ();
  params.n_threads = 2;
  atoms = al_detect_run (img, side, side, &params, &info, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (atoms);
  g_assert_cmpfloat_with_epsilon (info.neighbour_px, a_px / sqrt (3.0), 0.02);
  g_assert_cmpfloat_with_epsilon (info.pixel_size_nm, 0.316 / a_px, 0.002);
  g_assert_cmpfloat_with_epsilon (info.column_width_px, 1.9, 0.1);

  for (guint i = 0; i < truth->len; i++)
    {
      SynthColumn *c = &g_array_index (truth, SynthColumn, i);
      double best = G_MAXDOUBLE;
      guint arg = 0;
      for (guint j = 0; j < atoms->n_atoms; j++)
        {
          double d = hypot (atoms->x[j] - c->x, atoms->y[j] - c->y);
          if (d < best)
            {
              best = d;
              arg = j;
            }
        }
      if (best >= 0.25 * info.neighbour_px)
        g_test_message ("missed %.2f %.2f species %d (nearest %.2f)", c->x, c->y, c->species, best);
      if (best < 0.25 * info.neighbour_px)
        {
          matched++;
          sum2 += best * best;
          right_species += atoms->species[arg] == c->species;
        }
    }
  g_test_message ("%u true, %u found, %u matched, rmse %.4f px, species %u right",
                  truth->len, atoms->n_atoms, matched, sqrt (sum2 / MAX (matched, 1)), right_species);
  g_test_message ("width %.3f", info.column_width_px);
  g_assert_cmpuint (matched, ==, truth->len);
  g_assert_cmpuint (atoms->n_atoms, ==, truth->len);
  g_assert_cmpfloat (sqrt (sum2 / matched), <, 0.08);
  g_assert_cmpuint (right_species, >=, 0.98 * truth->len);
}

static guint
detect_count (const float      *img,
              guint             side,
              const AlMaterial *material,
              double            pixel_size)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (GError) error = NULL;
  AlDetectParams params;

  al_detect_params_init (&params);
  params.material = material;
  params.pixel_size_nm = pixel_size;
  atoms = al_detect_run (img, side, side, &params, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (atoms);
  return atoms->n_atoms;
}

/* A blank image, pure noise and a smooth non-lattice image: nothing or
 * almost nothing (a 128² MoS2 image at this scale holds ~200 columns). */
static void
test_nothing_to_find (void)
{
  const guint side = 128;
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  g_autofree float *blank = g_new0 (float, side * side);
  g_autofree float *noise = g_new (float, side * side);
  g_autofree float *blobs = NULL;
  SynthColumn big[6];

  for (guint i = 0; i < side * side; i++)
    noise[i] = (float) synth_poisson (rand, 30);
  for (guint i = 0; i < G_N_ELEMENTS (big); i++)
    big[i] = (SynthColumn) { g_rand_double_range (rand, 0, side), g_rand_double_range (rand, 0, side),
                             g_rand_double_range (rand, 50, 200), 0 };
  blobs = synth_render (big, G_N_ELEMENTS (big), side, side, 18.0, 40, rand);

  for (int calibrated = 0; calibrated < 2; calibrated++)
    {
      const AlMaterial *m = calibrated ? mos2 () : NULL;
      double px = calibrated ? 0.03 : 0.0;
      g_assert_cmpuint (detect_count (blank, side, m, px), ==, 0);
      g_assert_cmpuint (detect_count (noise, side, m, px), <=, 3);
      g_assert_cmpuint (detect_count (blobs, side, m, px), <=, 6);
    }
}

static void
test_bad_input (void)
{
  float tiny[16] = { 0 };
  g_autofree float *nan_img = g_new0 (float, 64 * 64);
  g_autoptr (GError) error = NULL;
  AlDetectParams params;

  al_detect_params_init (&params);
  g_assert_null (al_detect_run (tiny, 4, 4, &params, NULL, NULL, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  nan_img[100] = NAN;
  g_assert_null (al_detect_run (nan_img, 64, 64, &params, NULL, NULL, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
}

static void
test_noise_sigma (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  g_autofree float *img = g_new (float, 200 * 200);

  for (guint i = 0; i < 200 * 200; i++)
    img[i] = (float) synth_poisson (rand, 400);
  g_assert_cmpfloat_with_epsilon (al_filter_noise_sigma (img, 200, 200), 20.0, 1.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/lattice-fft", test_lattice_fft);
  g_test_add_func ("/core/detect/lattice-none", test_lattice_none);
  g_test_add_func ("/core/detect/lattice-two-grains", test_lattice_two_grains);
  g_test_add_func ("/core/detect/noise-sigma", test_noise_sigma);
  g_test_add_func ("/core/detect/refine-subpixel", test_refine_subpixel);
  g_test_add_func ("/core/detect/overlapping-pair", test_overlapping_pair);
  g_test_add_func ("/core/detect/mos2-synthetic", test_detect_mos2);
  g_test_add_func ("/core/detect/nothing-to-find", test_nothing_to_find);
  g_test_add_func ("/core/detect/bad-input", test_bad_input);
  return g_test_run ();
}
