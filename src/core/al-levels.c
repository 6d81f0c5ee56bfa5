/* al-levels.c: histograms, percentile auto-levels and the grey mapping
 * shared by the canvas and figure export. */
#include "al-levels.h"

#include <math.h>

AlHistogram *
al_histogram_new (const float *values,
                  gsize        n_values,
                  guint        n_bins)
{
  AlHistogram *h;
  double lo = INFINITY, hi = -INFINITY, scale;

  g_return_val_if_fail (values != NULL || n_values == 0, NULL);
  g_return_val_if_fail (n_bins > 0, NULL);

  h = g_new0 (AlHistogram, 1);
  h->n_bins = n_bins;
  h->counts = g_new0 (guint64, n_bins);

  for (gsize i = 0; i < n_values; i++)
    {
      float v = values[i];
      if (!isfinite (v))
        continue;
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (!isfinite (lo))
    {
      h->n_nonfinite = n_values;
      return h;
    }
  h->min = lo;
  h->max = hi;
  /* A flat image still gets one populated bin. */
  scale = hi > lo ? n_bins / (hi - lo) : 0.0;
  for (gsize i = 0; i < n_values; i++)
    {
      float v = values[i];
      gint64 bin;
      if (!isfinite (v))
        {
          h->n_nonfinite++;
          continue;
        }
      bin = (gint64) ((v - lo) * scale);
      h->counts[CLAMP (bin, 0, (gint64) n_bins - 1)]++;
      h->total++;
    }
  return h;
}

void
al_histogram_free (AlHistogram *histogram)
{
  if (histogram == NULL)
    return;
  g_free (histogram->counts);
  g_free (histogram);
}

/* The value below which `percent` of the pixels lie, interpolated inside
 * the bin where the running count crosses it. */
double
al_histogram_percentile (const AlHistogram *histogram,
                         double             percent)
{
  double target, width, cumulative = 0;

  g_return_val_if_fail (histogram != NULL, 0);

  if (histogram->total == 0)
    return 0;
  if (histogram->max <= histogram->min)
    return histogram->min;
  target = CLAMP (percent, 0, 100) / 100.0 * histogram->total;
  width = (histogram->max - histogram->min) / histogram->n_bins;
  for (guint b = 0; b < histogram->n_bins; b++)
    {
      double c = histogram->counts[b];
      if (c > 0 && cumulative + c >= target)
        return histogram->min + width * (b + (target - cumulative) / c);
      cumulative += c;
    }
  return histogram->max;
}

guint64
al_histogram_max_count (const AlHistogram *histogram)
{
  guint64 m = 0;

  for (guint b = 0; b < histogram->n_bins; b++)
    m = MAX (m, histogram->counts[b]);
  return m;
}

void
al_levels_auto (AlLevels          *levels,
                const AlHistogram *histogram,
                double             low_percent,
                double             high_percent)
{
  g_return_if_fail (levels != NULL && histogram != NULL);

  levels->min = al_histogram_percentile (histogram, low_percent);
  levels->max = al_histogram_percentile (histogram, high_percent);
  /* A (nearly) flat image: spread the full range so it shows as mid grey
   * rather than dividing by zero. */
  if (!(levels->max > levels->min))
    {
      levels->min = histogram->min - 0.5;
      levels->max = histogram->min + 0.5;
    }
  if (!(levels->gamma > 0))
    levels->gamma = 1.0;
}

gboolean
al_levels_equal (const AlLevels *a,
                 const AlLevels *b)
{
  return a->min == b->min && a->max == b->max && a->gamma == b->gamma;
}

void
al_levels_make_lut (const AlLevels *levels,
                    guint8         *lut)
{
  double inv_gamma = 1.0 / CLAMP (levels->gamma, AL_LEVELS_GAMMA_MIN, AL_LEVELS_GAMMA_MAX);

  for (guint i = 0; i < AL_LEVELS_LUT_SIZE; i++)
    {
      double t = (double) i / (AL_LEVELS_LUT_SIZE - 1);
      lut[i] = (guint8) lround (255.0 * pow (t, inv_gamma));
    }
}

static inline guint8
map_value (const guint8 *lut,
           double        min,
           double        scale,
           float         value)
{
  double t;

  if (!isfinite (value))
    return 0;
  t = (value - min) * scale;
  if (t <= 0)
    return lut[0];
  if (t >= AL_LEVELS_LUT_SIZE - 1)
    return lut[AL_LEVELS_LUT_SIZE - 1];
  return lut[(guint) (t + 0.5)];
}

static double
lut_scale (const AlLevels *levels)
{
  double range = levels->max - levels->min;

  return range > 0 ? (AL_LEVELS_LUT_SIZE - 1) / range : 0.0;
}

void
al_levels_map (const AlLevels *levels,
               const guint8   *lut,
               const float    *values,
               gsize           n_values,
               guint8         *grey)
{
  double scale = lut_scale (levels);

  for (gsize i = 0; i < n_values; i++)
    grey[i] = map_value (lut, levels->min, scale, values[i]);
}

guint8
al_levels_map_one (const AlLevels *levels,
                   const guint8   *lut,
                   float           value)
{
  return map_value (lut, levels->min, lut_scale (levels), value);
}
