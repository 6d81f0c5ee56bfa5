/* test-gpa.c: geometric phase analysis on synthetic lattice images. */
#include <math.h>
#include <string.h>

#include "al-error.h"

#include "al-test-lattice.h"
#include "strain/al-gpa.h"
#include "strain/al-honeycomb.h"

#define SIDE 256
#define A_PX 16.0
#define THETA 0.2
#define COLUMN_SIGMA_PX 1.6

/* A HAADF-like image: a Gaussian per column, metals brighter. */
static float *
render (const AlAtoms *atoms)
{
  float *img = g_new0 (float, SIDE * SIDE);

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int cx = (int) lround (atoms->x[i]), cy = (int) lround (atoms->y[i]);
      float amp = atoms->species[i] == 0 ? 1.0f : 0.6f;
      for (int y = MAX (cy - 6, 0); y <= MIN (cy + 6, SIDE - 1); y++)
        for (int x = MAX (cx - 6, 0); x <= MIN (cx + 6, SIDE - 1); x++)
          {
            double r2 = pow (x - atoms->x[i], 2) + pow (y - atoms->y[i], 2);
            img[y * SIDE + x] += amp * (float) exp (-r2 / (2 * COLUMN_SIGMA_PX * COLUMN_SIGMA_PX));
          }
    }
  return img;
}

/* Mean of a map over the central half of the image. */
static double
central_mean (const float *map)
{
  double s = 0.0;
  guint n = 0;

  for (guint y = SIDE / 4; y < 3 * SIDE / 4; y++)
    for (guint x = SIDE / 4; x < 3 * SIDE / 4; x++)
      if (!isnan (map[y * SIDE + x]))
        {
          s += map[y * SIDE + x];
          n++;
        }
  g_assert_cmpuint (n, >, SIDE * SIDE / 8);
  return s / n;
}

static double
central_rms_error (const float *map,
                   double       truth)
{
  double s = 0.0;
  guint n = 0;

  for (guint y = SIDE / 4; y < 3 * SIDE / 4; y++)
    for (guint x = SIDE / 4; x < 3 * SIDE / 4; x++)
      {
        s += pow (map[y * SIDE + x] - truth, 2);
        n++;
      }
  return sqrt (s / n);
}

/* An unstrained lattice, reflections found automatically: no strain. */
static void
test_unstrained_auto (void)
{
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (SIDE, SIDE, A_PX, THETA, 0, 1);
  g_autofree float *img = render (atoms);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlGpaMaps) maps = al_gpa_run (img, SIDE, SIDE, NULL, NULL, &error);
  double g = 2.0 / (sqrt (3.0) * A_PX);

  g_assert_no_error (error);
  /* The reflections are first-order ones of the lattice. */
  for (int k = 0; k < 2; k++)
    g_assert_cmpfloat_with_epsilon (hypot (maps->g[k][0], maps->g[k][1]), g, 0.02 * g);
  g_assert_cmpfloat (central_rms_error (maps->exx, 0), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->eyy, 0), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->exy, 0), <, 1e-3);
}

/* A homogeneous strain measured against the unstrained lattice's
 * reflections is recovered to 0.1 %. */
static void
test_homogeneous_strain (void)
{
  double exx = 0.02, eyy = -0.01, exy = 0.005, b[2][2];
  double f[4] = { 1 + exx, exy, exy, 1 + eyy };
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (SIDE, SIDE, A_PX, THETA, 0, 1);
  g_autofree float *img = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlGpaMaps) maps = NULL;
  AlGpaParams params;
  AlHoneycomb ideal;

  al_test_deform (atoms, f, SIDE / 2.0, SIDE / 2.0);
  img = render (atoms);
  al_gpa_params_init (&params);
  al_honeycomb_ideal (&ideal, A_PX, THETA);
  al_gpa_reciprocal (ideal.a1, ideal.a2, b);
  /* Find the peaks in the strained image, compare with the ideal ones. */
  maps = al_gpa_run (img, SIDE, SIDE, &params, NULL, &error);
  g_assert_no_error (error);
  params.auto_g = FALSE;
  memcpy (params.g, maps->g, sizeof params.g);
  params.have_reference = TRUE;
  al_gpa_match_reference (maps->g, b, params.g_ref);
  g_clear_pointer (&maps, al_gpa_maps_free);
  maps = al_gpa_run (img, SIDE, SIDE, &params, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("GPA mean exx %.5f eyy %.5f exy %.5f", central_mean (maps->exx),
                  central_mean (maps->eyy), central_mean (maps->exy));
  g_assert_cmpfloat (central_rms_error (maps->exx, exx), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->eyy, eyy), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->exy, exy), <, 1e-3);
}

/* A rigid rotation of 1° shows as rotation, not strain. */
static void
test_rotation (void)
{
  double th = G_PI / 180.0, b[2][2];
  double f[4] = { cos (th), -sin (th), sin (th), cos (th) };
  g_autoptr (AlAtoms) atoms = al_test_honeycomb (SIDE, SIDE, A_PX, THETA, 0, 1);
  g_autofree float *img = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlGpaMaps) maps = NULL;
  AlGpaParams params;
  AlHoneycomb ideal;

  al_test_deform (atoms, f, SIDE / 2.0, SIDE / 2.0);
  img = render (atoms);
  al_gpa_params_init (&params);
  al_honeycomb_ideal (&ideal, A_PX, THETA);
  al_gpa_reciprocal (ideal.a1, ideal.a2, b);
  maps = al_gpa_run (img, SIDE, SIDE, &params, NULL, &error);
  g_assert_no_error (error);
  params.have_reference = TRUE;
  al_gpa_match_reference (maps->g, b, params.g_ref);
  g_clear_pointer (&maps, al_gpa_maps_free);
  maps = al_gpa_run (img, SIDE, SIDE, &params, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (central_rms_error (maps->exx, 0), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->eyy, 0), <, 1e-3);
  g_assert_cmpfloat (central_rms_error (maps->rotation, 1.0), <, 0.05);
}

static void
test_bad_input (void)
{
  float flat[32 * 32] = { 0 };
  g_autoptr (GError) error = NULL;
  AlGpaMaps *maps = al_gpa_run (flat, 8, 8, NULL, NULL, &error);

  g_assert_null (maps);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  maps = al_gpa_run (flat, 32, 32, NULL, NULL, &error);
  g_assert_null (maps);
  g_assert_nonnull (error);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/strain/gpa-unstrained", test_unstrained_auto);
  g_test_add_func ("/core/strain/gpa-homogeneous", test_homogeneous_strain);
  g_test_add_func ("/core/strain/gpa-rotation", test_rotation);
  g_test_add_func ("/core/strain/gpa-bad-input", test_bad_input);
  return g_test_run ();
}
