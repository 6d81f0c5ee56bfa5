/* test-levels.c: histograms, percentile auto-levels and the grey mapping. */
#include <math.h>

#include "al-levels.h"

/* 0, 1, ..., 999: every percentile is known exactly. */
static float *
make_ramp (gsize n)
{
  float *v = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    v[i] = (float) i;
  return v;
}

static void
test_histogram_counts (void)
{
  g_autofree float *v = make_ramp (1000);
  g_autoptr (AlHistogram) h = NULL;

  v[10] = NAN;
  v[20] = INFINITY;
  h = al_histogram_new (v, 1000, 10);
  g_assert_cmpuint (h->total, ==, 998);
  g_assert_cmpuint (h->n_nonfinite, ==, 2);
  g_assert_cmpfloat (h->min, ==, 0);
  g_assert_cmpfloat (h->max, ==, 999);
  /* Bin 0 holds 0..99 less the two non-finite values; the last bin holds 900..999. */
  g_assert_cmpuint (h->counts[0], ==, 98);
  g_assert_cmpuint (h->counts[9], ==, 100);
  g_assert_cmpuint (al_histogram_max_count (h), ==, 100);
}

static void
test_auto_levels_percentiles (void)
{
  g_autofree float *v = make_ramp (100000);
  g_autoptr (AlHistogram) h = al_histogram_new (v, 100000, AL_HISTOGRAM_DEFAULT_BINS);
  AlLevels levels = { 0, 0, 0 };

  al_levels_auto (&levels, h, AL_LEVELS_AUTO_LOW_PERCENT, AL_LEVELS_AUTO_HIGH_PERCENT);
  /* 0.5 % of 100000 evenly spread values lie below 500; within one bin (~24). */
  g_assert_cmpfloat_with_epsilon (levels.min, 500, 25);
  g_assert_cmpfloat_with_epsilon (levels.max, 99500, 25);
  g_assert_cmpfloat (levels.gamma, ==, 1.0);
}

static void
test_flat_image (void)
{
  float v[16];
  g_autoptr (AlHistogram) h = NULL;
  AlLevels levels = { 0, 0, 2.0 };
  guint8 lut[AL_LEVELS_LUT_SIZE];

  for (guint i = 0; i < 16; i++)
    v[i] = 7.0f;
  h = al_histogram_new (v, 16, 64);
  al_levels_auto (&levels, h, 0.5, 99.5);
  g_assert_cmpfloat (levels.max, >, levels.min);
  g_assert_cmpfloat (levels.gamma, ==, 2.0);
  al_levels_make_lut (&levels, lut);
  /* Mid grey with gamma 2: 255 * 0.5^(1/2) = 180. */
  g_assert_cmpint (al_levels_map_one (&levels, lut, 7.0f), ==, 180);
}

static void
test_map (void)
{
  AlLevels levels = { 10, 20, 1.0 };
  guint8 lut[AL_LEVELS_LUT_SIZE];
  float in[] = { 0, 10, 15, 20, 30, NAN, -INFINITY };
  guint8 out[G_N_ELEMENTS (in)];

  al_levels_make_lut (&levels, lut);
  al_levels_map (&levels, lut, in, G_N_ELEMENTS (in), out);
  g_assert_cmpint (out[0], ==, 0);
  g_assert_cmpint (out[1], ==, 0);
  g_assert_cmpint (out[2], ==, 128);
  g_assert_cmpint (out[3], ==, 255);
  g_assert_cmpint (out[4], ==, 255);
  g_assert_cmpint (out[5], ==, 0);
  g_assert_cmpint (out[6], ==, 0);

  /* Gamma 2 lifts a quarter of the range to half grey. */
  levels.gamma = 2.0;
  al_levels_make_lut (&levels, lut);
  g_assert_cmpint (al_levels_map_one (&levels, lut, 12.5f), ==, 128);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/levels/histogram-counts", test_histogram_counts);
  g_test_add_func ("/core/levels/auto-percentiles", test_auto_levels_percentiles);
  g_test_add_func ("/core/levels/flat-image", test_flat_image);
  g_test_add_func ("/core/levels/map", test_map);
  return g_test_run ();
}
