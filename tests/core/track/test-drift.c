/* test-drift.c: drift by phase correlation (shifted images, a simulated
 * series), refined on the columns, and the non-rigid drift field of a
 * frame scanned while the stage drifts. */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-test.h"
#include "track-truth.h"
#include "track/al-drift.h"
#include "track/al-drift-atoms.h"
#include "track/al-drift-field.h"
#include "track/al-series.h"

/* Shifts a frame by (dx, dy) px, periodically, with the shift theorem. */
static void
fourier_shift (const float *in,
               float       *out,
               guint        w,
               guint        h,
               double       dx,
               double       dy)
{
  guint half = w / 2 + 1;
  float *real = fftwf_alloc_real ((gsize) w * h);
  fftwf_complex *spec = fftwf_alloc_complex ((gsize) h * half);
  fftwf_plan fwd = fftwf_plan_dft_r2c_2d (h, w, real, spec, FFTW_ESTIMATE);
  fftwf_plan bwd = fftwf_plan_dft_c2r_2d (h, w, spec, real, FFTW_ESTIMATE);

  memcpy (real, in, sizeof (float) * w * h);
  fftwf_execute (fwd);
  for (guint ky = 0; ky < h; ky++)
    for (guint kx = 0; kx < half; kx++)
      {
        double u = (double) kx / w, v = (ky <= h / 2 ? (double) ky : (double) ky - h) / h;
        double ph = -2 * G_PI * (u * dx + v * dy), c = cos (ph), s = sin (ph);
        fftwf_complex *z = &spec[(gsize) ky * half + kx];
        double re = (*z)[0] * c - (*z)[1] * s, im = (*z)[0] * s + (*z)[1] * c;
        /* The Nyquist column and row cannot carry a sub-pixel shift. */
        if ((w % 2 == 0 && kx == w / 2) || (h % 2 == 0 && ky == h / 2))
          re = im = 0;
        (*z)[0] = (float) (re / ((double) w * h));
        (*z)[1] = (float) (im / ((double) w * h));
      }
  fftwf_execute (bwd);
  memcpy (out, real, sizeof (float) * w * h);
  fftwf_destroy_plan (fwd);
  fftwf_destroy_plan (bwd);
  fftwf_free (real);
  fftwf_free (spec);
}

/* One noisy image shifted by known amounts, whole and sub-pixel, is
 * registered to a hundredth of a pixel. */
static void
test_drift_shifted (void)
{
  static const double shift[][2] = { { 0, 0 }, { 3, -2 }, { 1.37, 0.61 }, { -2.25, 4.8 }, { 0.5, -0.5 } };
  g_autoptr (AlSimResult) r = al_test_simulate ("mos2", SIZE, 1, "V_S=0.02", NULL, 3);
  g_autoptr (AlImage) series = al_image_new (SIZE, SIZE, G_N_ELEMENTS (shift), NULL);
  g_autoptr (GError) error = NULL;
  double dx[G_N_ELEMENTS (shift)], dy[G_N_ELEMENTS (shift)], worst = 0;

  for (guint f = 0; f < G_N_ELEMENTS (shift); f++)
    fourier_shift (al_image_frame (r->image, 0), al_image_frame (series, f), SIZE, SIZE,
                   shift[f][0], shift[f][1]);
  g_assert_true (al_drift_estimate (series, 0, G_N_ELEMENTS (shift) - 1, 0, dx, dy, NULL, &error));
  g_assert_no_error (error);
  for (guint f = 0; f < G_N_ELEMENTS (shift); f++)
    {
      g_test_message ("frame %u: %.4f %.4f (true %.4f %.4f)", f, dx[f], dy[f], shift[f][0], shift[f][1]);
      worst = MAX (worst, hypot (dx[f] - shift[f][0], dy[f] - shift[f][1]));
    }
  g_test_message ("shifted copies: worst drift error %.4f px", worst);
  g_assert_cmpfloat (worst, <, 0.02);
}

/* A simulated series with random drift between frames (and defects that
 * hop and convert, and noise): the cumulative drift within 0.1 px. */
static void
test_drift_series (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("mos2", SIZE, N_FRAMES, "V_S=0.03",
                                                "frame_drift=0.03", 11);
  g_autoptr (GError) error = NULL;
  double dx[N_FRAMES], dy[N_FRAMES], tx = 0, ty = 0, worst = 0, travel = 0;

  double a_px = r->params.material->a_nm / r->params.pixel_size_nm;

  g_assert_true (al_drift_estimate (r->image, 0, N_FRAMES - 1, AL_SERIES_MAX_STEP_A * a_px,
                                    dx, dy, NULL, &error));
  g_assert_no_error (error);
  for (guint f = 1; f < N_FRAMES; f++)
    {
      double sx, sy;
      track_truth_step (r, f, &sx, &sy);
      tx += sx;
      ty += sy;
      travel = MAX (travel, hypot (tx, ty));
      g_test_message ("frame %u: %.4f %.4f (true %.4f %.4f)", f, dx[f], dy[f], tx, ty);
      worst = MAX (worst, hypot (dx[f] - tx, dy[f] - ty));
    }
  g_test_message ("simulated series: drift up to %.2f px, worst error %.4f px", travel, worst);
  g_assert_cmpfloat (travel, >, 1.0);
  g_assert_cmpfloat (worst, <, 0.1);
}

/* Bad input: too small frames, frames outside the image. */
static void
test_drift_bad (void)
{
  g_autoptr (AlImage) tiny = al_image_new (8, 8, 2, NULL);
  g_autoptr (GError) error = NULL;
  double dx[2], dy[2];

  g_assert_false (al_drift_estimate (tiny, 0, 1, 0, dx, dy, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_drift_estimate (tiny, 0, 2, 0, dx, dy, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
}

/* Columns of a lattice moved by a known shift, each with fitting noise,
 * some of them moved further (a defect's columns) and some missing, give
 * the shift back to a hundredth of a pixel from an estimate half a pixel
 * off; too few columns refine nothing. */
static void
test_drift_atoms (void)
{
  const double spacing = 8, sx = 1.3, sy = -0.7, noise = 0.05;
  g_autoptr (AlAtoms) a = al_atoms_new (0);
  g_autoptr (AlAtoms) b = al_atoms_new (0);
  g_autoptr (AlAtoms) few = al_atoms_new (0);
  g_autoptr (GRand) rng = g_rand_new_with_seed (7);
  double dx = sx + 0.4, dy = sy - 0.3;
  guint k = 0, n_pairs;

  for (double y = 4; y < 200; y += spacing)
    for (double x = 4; x < 200; x += spacing, k++)
      {
        /* Sums of uniforms: near-Gaussian noise of rms `noise`. */
        double nx = noise * (g_rand_double (rng) + g_rand_double (rng) + g_rand_double (rng) - 1.5) * 2;
        double ny = noise * (g_rand_double (rng) + g_rand_double (rng) + g_rand_double (rng) - 1.5) * 2;
        double extra = k % 37 == 0 ? 0.25 * spacing : 0;
        al_atoms_append (a, x, y, 0);
        if (k % 53 != 0)
          al_atoms_append (b, x + sx + nx + extra, y + sy + ny, 0);
        if (k < 5)
          al_atoms_append (few, x + sx, y + sy, 0);
      }
  g_assert_true (al_drift_refine_atoms (a, b, 200, 200, spacing, &dx, &dy, &n_pairs));
  g_test_message ("columns: shift %.4f %.4f (true %.4f %.4f), %u pairs", dx, dy, sx, sy, n_pairs);
  g_assert_cmpfloat (fabs (dx - sx), <, 0.01);
  g_assert_cmpfloat (fabs (dy - sy), <, 0.01);
  g_assert_cmpuint (n_pairs, >, 400);
  dx = dy = 0.5;
  g_assert_false (al_drift_refine_atoms (a, few, 200, 200, spacing, &dx, &dy, &n_pairs));
  g_assert_cmpfloat (dx, ==, 0.5);
  g_assert_cmpuint (n_pairs, ==, 0);
  g_assert_false (al_drift_refine_atoms (a, b, 200, 200, 0, &dx, &dy, NULL));
}

/* A frame scanned while the stage drifts is sheared and stretched: the
 * same MoS2 scene (same seed, same noise) scanned with drift during the
 * frame against one without gives the known field (x' = x + Sx·y'/H,
 * y' = y/(1 - Sy/H)) back to a tenth of a pixel across the frame, where
 * one rigid shift would err by more than a pixel. */
static void
test_drift_field (void)
{
  const double sx_px = 3.0, sy_px = 1.5;
  g_autoptr (AlSimResult) still = al_test_simulate ("mos2", SIZE, 1, "V_S=0.02", NULL, 3);
  g_autoptr (AlSimResult) sheared = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *scan = NULL;
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];
  double pixel = still->params.pixel_size_nm, a_px = still->params.material->a_nm / pixel;
  double worst = 0, rigid_worst = 0, rdx, rdy;
  AlDriftField field;

  scan = g_strdup_printf ("drift=%s:%s", g_ascii_dtostr (bx, sizeof bx, sx_px * pixel),
                          g_ascii_dtostr (by, sizeof by, sy_px * pixel));
  sheared = al_test_simulate ("mos2", SIZE, 1, "V_S=0.02", scan, 3);
  g_assert_true (al_drift_field_estimate (al_image_frame (still->image, 0),
                                          al_image_frame (sheared->image, 0), SIZE, SIZE, 64,
                                          AL_SERIES_MAX_STEP_A * a_px, &field, &error));
  g_assert_no_error (error);
  g_assert_true (al_drift_pair (al_image_frame (still->image, 0), al_image_frame (sheared->image, 0),
                                SIZE, SIZE, AL_SERIES_MAX_STEP_A * a_px, &rdx, &rdy, &error));
  for (double y = 16; y < SIZE - 16; y += 16)
    for (double x = 16; x < SIZE - 16; x += 16)
      {
        /* Columns at pixel centres: the simulator's y in nm is (y + 0.5)·pixel. */
        double yc = y + 0.5, ys = yc / (1.0 - sy_px / SIZE);
        double tdx = sx_px * ys / SIZE, tdy = ys - yc, dx, dy;
        al_drift_field_at (&field, x, y, &dx, &dy);
        worst = MAX (worst, hypot (dx - tdx, dy - tdy));
        rigid_worst = MAX (rigid_worst, hypot (rdx - tdx, rdy - tdy));
      }
  g_test_message ("drift field: %u windows, rms %.3f px; worst error %.3f px (one rigid shift: %.3f px)",
                  field.n_windows, field.rms_px, worst, rigid_worst);
  g_assert_cmpfloat (worst, <, 0.1);
  g_assert_cmpfloat (rigid_worst, >, 1.0);
  g_assert_cmpuint (field.n_windows, >=, 40);
  /* Too small a frame for the windows. */
  g_assert_false (al_drift_field_estimate (al_image_frame (still->image, 0),
                                           al_image_frame (sheared->image, 0), SIZE, SIZE, 160, 0,
                                           &field, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/track/drift-shifted", test_drift_shifted);
  g_test_add_func ("/core/track/drift-series", test_drift_series);
  g_test_add_func ("/core/track/drift-bad", test_drift_bad);
  g_test_add_func ("/core/track/drift-atoms", test_drift_atoms);
  g_test_add_func ("/core/track/drift-field", test_drift_field);
  return g_test_run ();
}
