/* test-drift.c: drift by phase correlation (shifted images, a simulated
 * series), refined on the columns, and the non-rigid drift field of a
 * frame scanned while the stage drifts. */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-pipeline.h"
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

/* Drift during the scan of the sheared frames below, px over the frame. */
#define SHEAR_X_PX 3.0
#define SHEAR_Y_PX 1.5

/* The same MoS2 scene (same seed, same noise) scanned still and while
 * the stage drifts by (SHEAR_X_PX, SHEAR_Y_PX) during the frame. */
static void
simulate_sheared (AlSimResult **still,
                  AlSimResult **sheared)
{
  g_autofree char *scan = NULL;
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];
  double pixel;

  *still = al_test_simulate ("mos2", SIZE, 1, "V_S=0.02", NULL, 3);
  pixel = (*still)->params.pixel_size_nm;
  scan = g_strdup_printf ("drift=%s:%s", g_ascii_dtostr (bx, sizeof bx, SHEAR_X_PX * pixel),
                          g_ascii_dtostr (by, sizeof by, SHEAR_Y_PX * pixel));
  *sheared = al_test_simulate ("mos2", SIZE, 1, "V_S=0.02", scan, 3);
}

/* The true displacement of the sheared frame at (x, y): x' = x + Sx·y'/H,
 * y' = y/(1 - Sy/H), columns at pixel centres (the simulator's y in nm
 * is (y + 0.5)·pixel). */
static void
shear_truth (double  y,
             double *dx,
             double *dy)
{
  double yc = y + 0.5, ys = yc / (1.0 - SHEAR_Y_PX / SIZE);

  *dx = SHEAR_X_PX * ys / SIZE;
  *dy = ys - yc;
}

/* A frame scanned while the stage drifts is sheared and stretched: the
 * sheared frame against the still one gives the known field back to a
 * tenth of a pixel across the frame, where one rigid shift would err by
 * more than a pixel. */
static void
test_drift_field (void)
{
  g_autoptr (AlSimResult) still = NULL, sheared = NULL;
  g_autoptr (GError) error = NULL;
  double a_px, worst = 0, rigid_worst = 0, rdx, rdy;
  AlDriftField field;

  simulate_sheared (&still, &sheared);
  a_px = still->params.material->a_nm / still->params.pixel_size_nm;
  g_assert_true (al_drift_field_estimate (al_image_frame (still->image, 0),
                                          al_image_frame (sheared->image, 0), SIZE, SIZE, 64,
                                          AL_SERIES_MAX_STEP_A * a_px, &field, &error));
  g_assert_no_error (error);
  g_assert_true (al_drift_pair (al_image_frame (still->image, 0), al_image_frame (sheared->image, 0),
                                SIZE, SIZE, AL_SERIES_MAX_STEP_A * a_px, &rdx, &rdy, &error));
  for (double y = 16; y < SIZE - 16; y += 16)
    for (double x = 16; x < SIZE - 16; x += 16)
      {
        double tdx, tdy, dx, dy;
        shear_truth (y, &tdx, &tdy);
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

/* The mean distance between the two observations of each defect tracked
 * through both frames, once the series' drift at each is taken out. */
static double
pair_residual (const AlSeries *s)
{
  const GArray *points = s->tracks->points;
  g_autofree int *first = g_new (int, s->tracks->n_tracks + 1);
  double sum = 0;
  guint n = 0;

  for (guint t = 0; t <= s->tracks->n_tracks; t++)
    first[t] = -1;
  for (guint k = 0; k < points->len; k++)
    {
      const AlTrackPoint *p = &g_array_index (points, AlTrackPoint, k);
      double dx, dy;
      if (p->frame == s->frame[0])
        {
          first[p->track_id] = (int) k;
          continue;
        }
      if (first[p->track_id] < 0)
        continue;
      al_series_drift_at (s, 1, p->x, p->y, &dx, &dy);
      sum += hypot (p->x - dx - g_array_index (points, AlTrackPoint, first[p->track_id]).x,
                    p->y - dy - g_array_index (points, AlTrackPoint, first[p->track_id]).y);
      n++;
    }
  g_assert_cmpuint (n, >, 5);
  return sum / n;
}

/* The still and sheared frames as a series (analyze --drift field): the
 * series' drift follows the shear across the frame where the rigid model
 * errs by more than a pixel, and the defects found in both frames line up
 * closer once each one's own drift is taken out. */
static void
test_series_drift_field (void)
{
  g_autoptr (AlSimResult) still = NULL, sheared = NULL;
  g_autoptr (AlImage) stack = al_image_new (SIZE, SIZE, 2, NULL);
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (AlSeries) rigid = NULL, field = NULL;
  g_autoptr (GError) error = NULL;
  double worst = 0, rigid_worst = 0, field_residual, rigid_residual;
  AlPipelineParams pp;

  simulate_sheared (&still, &sheared);
  memcpy (al_image_frame (stack, 0), al_image_frame (still->image, 0), sizeof (float) * SIZE * SIZE);
  memcpy (al_image_frame (stack, 1), al_image_frame (sheared->image, 0), sizeof (float) * SIZE * SIZE);
  stack->pixel_size = still->image->pixel_size;
  al_pipeline_params_init (&pp);
  pp.material = still->params.material;
  pp.n_threads = 2;
  analysis = al_pipeline_run (stack, &pp, NULL, NULL, &error);
  g_assert_no_error (error);
  rigid = al_series_track_drift (stack, NULL, analysis, AL_SERIES_DRIFT_RIGID, NULL, &error);
  g_assert_no_error (error);
  field = al_series_track_drift (stack, NULL, analysis, AL_SERIES_DRIFT_FIELD, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (rigid->fields);
  g_assert_cmpuint (field->n_field_steps, ==, 1);
  for (double y = 16; y < SIZE - 16; y += 16)
    for (double x = 16; x < SIZE - 16; x += 16)
      {
        double tdx, tdy, dx, dy;
        shear_truth (y, &tdx, &tdy);
        al_series_drift_at (field, 1, x, y, &dx, &dy);
        worst = MAX (worst, hypot (dx - tdx, dy - tdy));
        al_series_drift_at (rigid, 1, x, y, &dx, &dy);
        rigid_worst = MAX (rigid_worst, hypot (dx - tdx, dy - tdy));
      }
  field_residual = pair_residual (field);
  rigid_residual = pair_residual (rigid);
  g_test_message ("series drift: field worst error %.3f px (rigid %.3f px); defects tracked "
                  "through both frames %.3f px apart after the drift (rigid %.3f px)",
                  worst, rigid_worst, field_residual, rigid_residual);
  g_assert_cmpfloat (worst, <, 0.15);
  g_assert_cmpfloat (rigid_worst, >, 1.0);
  g_assert_cmpfloat (field_residual, <, 0.75 * rigid_residual);
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
  g_test_add_func ("/core/track/series-drift-field", test_series_drift_field);
  return g_test_run ();
}
