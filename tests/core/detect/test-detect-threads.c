/* test-detect-threads.c: detection gives the same result whatever the
 * number of threads: the threaded filters, map and peaks match the serial
 * ones bit for bit, and a whole detection of a simulated MoS2 image with defects (which
 * runs every step: residual rounds, lattice sites, species) finds the
 * same columns, to the bit, with 1, 2 and 3 threads. */
#include <math.h>
#include <string.h>

#include "detect/al-detect.h"
#include "detect/al-filter.h"
#include "detect/al-log.h"
#include "detect/al-peaks.h"
#include "simulate/al-simulate.h"

/* A deterministic test pattern with detail at every scale. */
static float *
pattern (guint width,
         guint height,
         guint seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  float *img = g_new (float, (gsize) width * height);

  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      img[(gsize) y * width + x] = (float) (100.0 * sin (0.3 * x) * cos (0.17 * y) + 0.01 * x * y
                                            + g_rand_double_range (rand, -20.0, 20.0));
  return img;
}

static void
test_filters (void)
{
  /* Odd sides (bands and blocks of lines that do not divide them), and
   * scales that take the full-resolution and the block-averaged paths. */
  const guint sizes[][2] = { { 301, 187 }, { 64, 333 }, { 17, 9 } };
  const double scales[] = { 2.5, 9.0, 40.0 };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      guint w = sizes[s][0], h = sizes[s][1];
      gsize n = (gsize) w * h;
      g_autofree float *img = pattern (w, h, 3 + s);
      g_autofree float *one = g_new (float, n);
      g_autofree float *many = g_new (float, n);

      for (guint k = 0; k < G_N_ELEMENTS (scales); k++)
        for (guint t = 2; t <= 5; t += 3)
          {
            al_filter_gaussian (img, one, w, h, scales[k] / 4.0);
            al_filter_gaussian_threaded (img, many, w, h, scales[k] / 4.0, t);
            g_assert_cmpmem (one, n * sizeof (float), many, n * sizeof (float));
            al_filter_background (img, one, w, h, scales[k]);
            al_filter_background_threaded (img, many, w, h, scales[k], t);
            g_assert_cmpmem (one, n * sizeof (float), many, n * sizeof (float));
          }
    }
}

/* The Laplacian-of-Gaussian map and its peaks. */
static void
test_map_and_peaks (void)
{
  const guint w = 211, h = 157;
  gsize n = (gsize) w * h;
  g_autofree float *img = pattern (w, h, 9);
  g_autofree float *one = al_log_response (img, w, h, 1.7);
  g_autoptr (GArray) peaks_one = al_peaks_find (one, w, h, 3.0, 1.0f, 1);

  g_assert_cmpuint (peaks_one->len, >, 50);
  for (guint t = 2; t <= 5; t += 3)
    {
      g_autofree float *many = al_log_response_threaded (img, w, h, 1.7, t);
      g_autoptr (GArray) peaks_many = al_peaks_find_threaded (one, w, h, 3.0, 1.0f, 1, t);
      g_assert_cmpmem (one, n * sizeof (float), many, n * sizeof (float));
      g_assert_cmpmem (peaks_one->data, peaks_one->len * sizeof (AlPeak),
                       peaks_many->data, peaks_many->len * sizeof (AlPeak));
    }
}

static AlAtoms *
detect (const AlSimResult *sim,
        guint              n_threads)
{
  g_autoptr (GError) error = NULL;
  AlDetectParams dp;
  AlAtoms *atoms;

  al_detect_params_init (&dp);
  dp.material = al_material_get (AL_MATERIAL_MOS2);
  dp.pixel_size_nm = sim->image->pixel_size;
  dp.n_threads = n_threads;
  atoms = al_detect_run (al_image_frame (sim->image, 0), sim->image->width, sim->image->height,
                         &dp, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (atoms);
  return atoms;
}

static void
test_detect_threads (void)
{
  const AlMaterial *material = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  g_autoptr (AlAtoms) one = NULL;
  AlSimParams sp;

  al_sim_params_init (&sp, material);
  sp.width = sp.height = 256;
  sp.seed = 11;
  /* Low dose: faint columns, so residual rounds and lattice sites add some. */
  sp.dose = 1e4;
  g_assert_true (al_sim_defect_spec_parse (&sp.defects, material,
                                           "V_S=0.02,V_S2=0.01,V_Mo=0.01,W_Mo=0.02,phase_1T=1",
                                           &error));
  g_assert_no_error (error);
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  g_assert_no_error (error);

  one = detect (sim, 1);
  g_assert_cmpuint (one->n_atoms, >, 1000);
  for (guint t = 2; t <= 3; t++)
    {
      g_autoptr (AlAtoms) many = detect (sim, t);
      guint n = one->n_atoms;

      g_assert_cmpuint (many->n_atoms, ==, n);
      g_assert_cmpmem (one->x, n * sizeof *one->x, many->x, n * sizeof *many->x);
      g_assert_cmpmem (one->y, n * sizeof *one->y, many->y, n * sizeof *many->y);
      g_assert_cmpmem (one->sigma_x, n * sizeof *one->sigma_x, many->sigma_x, n * sizeof *many->sigma_x);
      g_assert_cmpmem (one->intensity, n * sizeof *one->intensity, many->intensity,
                       n * sizeof *many->intensity);
      g_assert_cmpmem (one->species, n * sizeof *one->species, many->species, n * sizeof *many->species);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/threads/filters", test_filters);
  g_test_add_func ("/core/detect/threads/map-and-peaks", test_map_and_peaks);
  g_test_add_func ("/core/detect/threads/detect", test_detect_threads);
  return g_test_run ();
}
