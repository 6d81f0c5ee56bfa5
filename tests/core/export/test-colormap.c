/* test-colormap.c: colour maps match their published control points;
 * display levels come out where the percentiles say. */
#include <math.h>

#include "export/al-colormap.h"
#include "export/al-contrast.h"

static void
assert_rgb (AlRgb c, double r, double g, double b, double tol)
{
  g_assert_cmpfloat_with_epsilon (c.r, r, tol);
  g_assert_cmpfloat_with_epsilon (c.g, g, tol);
  g_assert_cmpfloat_with_epsilon (c.b, b, tol);
}

static double
luminance (AlRgb c)
{
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b;
}

static void
test_published_points (void)
{
  /* matplotlib's viridis entries 0, 128 and 255; ColorBrewer's RdBu ends and centre. */
  assert_rgb (al_colormap_eval (AL_COLORMAP_VIRIDIS, 0.0), 0.2670, 0.0049, 0.3294, 1e-4);
  assert_rgb (al_colormap_eval (AL_COLORMAP_VIRIDIS, 128 / 255.0), 0.1276, 0.5669, 0.5506, 1e-4);
  assert_rgb (al_colormap_eval (AL_COLORMAP_VIRIDIS, 1.0), 0.9932, 0.9062, 0.1439, 1e-4);
  /* between control points: matplotlib's entry 100 is (0.1667, 0.4636, 0.5581) */
  assert_rgb (al_colormap_eval (AL_COLORMAP_VIRIDIS, 100 / 255.0), 0.1667, 0.4636, 0.5581, 2.0 / 255);
  assert_rgb (al_colormap_eval (AL_COLORMAP_MAGMA, 0.0), 0.0015, 0.0005, 0.0139, 1e-4);
  assert_rgb (al_colormap_eval (AL_COLORMAP_RDBU, 0.5), 0xf7 / 255.0, 0xf7 / 255.0, 0xf7 / 255.0, 1e-9);
  assert_rgb (al_colormap_eval (AL_COLORMAP_RDBU, 0.0), 0x05 / 255.0, 0x30 / 255.0, 0x61 / 255.0, 1e-9);
  assert_rgb (al_colormap_eval (AL_COLORMAP_RDBU, 1.0), 0x67 / 255.0, 0x00 / 255.0, 0x1f / 255.0, 1e-9);
  assert_rgb (al_colormap_eval (AL_COLORMAP_GREY, 0.25), 0.25, 0.25, 0.25, 1e-12);
  /* out of range and NaN clamp */
  assert_rgb (al_colormap_eval (AL_COLORMAP_MAGMA, NAN), 0.0015, 0.0005, 0.0139, 1e-4);
  assert_rgb (al_colormap_eval (AL_COLORMAP_MAGMA, 7.0), 0.9871, 0.9914, 0.7495, 1e-4);
}

static void
test_sequential_maps_rise (void)
{
  for (AlColormap map = AL_COLORMAP_GREY; map <= AL_COLORMAP_MAGMA; map++)
    for (int i = 1; i <= 100; i++)
      g_assert_cmpfloat (luminance (al_colormap_eval (map, i / 100.0)), >,
                         luminance (al_colormap_eval (map, (i - 1) / 100.0)));
}

static void
test_lut_and_names (void)
{
  guint32 lut[AL_COLORMAP_LUT_SIZE];

  al_colormap_lut (AL_COLORMAP_GREY, lut);
  g_assert_cmphex (lut[0], ==, 0xff000000);
  g_assert_cmphex (lut[255], ==, 0xffffffff);
  g_assert_cmphex (lut[128], ==, 0xff808080);
  g_assert_cmpint (al_colormap_from_name ("Viridis"), ==, AL_COLORMAP_VIRIDIS);
  g_assert_cmpint (al_colormap_from_name ("gray"), ==, AL_COLORMAP_GREY);
  g_assert_cmpint (al_colormap_from_name ("jet"), ==, -1);
  g_assert_cmpstr (al_colormap_name (AL_COLORMAP_MAGMA), ==, "magma");
  /* Okabe–Ito orange first; palettes cycle */
  assert_rgb (al_palette_species (0), 0xE6 / 255.0, 0x9F / 255.0, 0x00, 1e-9);
  assert_rgb (al_palette_species (7), 0xE6 / 255.0, 0x9F / 255.0, 0x00, 1e-9);
}

static void
test_percentile_levels (void)
{
  const gsize n = 10000;
  g_autofree float *ramp = g_new (float, n + 2);
  AlContrast c;
  double black, white;

  for (gsize i = 0; i < n; i++)
    ramp[i] = (float) i;
  ramp[n] = NAN;          /* ignored */
  ramp[n + 1] = INFINITY; /* ignored */
  al_contrast_init (&c);
  g_assert_true (al_contrast_levels (&c, ramp, n + 2, &black, &white));
  g_assert_cmpfloat_with_epsilon (black, 0.005 * n, 1.0);
  g_assert_cmpfloat_with_epsilon (white, 0.995 * n, 1.0);

  c.mode = AL_CONTRAST_MINMAX;
  g_assert_true (al_contrast_levels (&c, ramp, n + 2, &black, &white));
  g_assert_cmpfloat (black, ==, 0.0);
  g_assert_cmpfloat (white, ==, n - 1.0);

  c.mode = AL_CONTRAST_MANUAL;
  c.black = 5, c.white = 5; /* degenerate: widened */
  g_assert_true (al_contrast_levels (&c, ramp, n, &black, &white));
  g_assert_cmpfloat (white, ==, 6.0);

  c.mode = AL_CONTRAST_PERCENTILE;
  ramp[0] = NAN;
  g_assert_false (al_contrast_levels (&c, ramp, 1, &black, &white));
}

static void
test_apply_gamma (void)
{
  const float src[4] = { 0.0f, 0.25f, 1.0f, NAN };
  guint32 dst[4];
  AlContrast c;

  al_contrast_init (&c);
  al_contrast_apply (&c, 0.0, 1.0, src, 4, 1, 4, dst, 4);
  g_assert_cmphex (dst[0], ==, 0xff000000);
  g_assert_cmphex (dst[1] & 0xff, ==, 64);
  g_assert_cmphex (dst[2], ==, 0xffffffff);
  g_assert_cmphex (dst[3], ==, 0xff000000);
  c.gamma = 2.0;   /* 0.25^(1/2) = 0.5 */
  al_contrast_apply (&c, 0.0, 1.0, src, 4, 1, 4, dst, 4);
  g_assert_cmpint (dst[1] & 0xff, ==, 128);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/export/colormap/published-points", test_published_points);
  g_test_add_func ("/core/export/colormap/sequential-rise", test_sequential_maps_rise);
  g_test_add_func ("/core/export/colormap/lut-and-names", test_lut_and_names);
  g_test_add_func ("/core/export/contrast/percentiles", test_percentile_levels);
  g_test_add_func ("/core/export/contrast/apply-gamma", test_apply_gamma);
  return g_test_run ();
}
