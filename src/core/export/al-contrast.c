/* al-contrast.c: display levels (percentiles from a histogram) and the
 * sample-to-colour mapping. */
#include "export/al-contrast.h"

#include <math.h>

/* Histogram bins for the percentiles: a level error below 1/65536 of the
 * range, far below what a display shows. */
#define AL_CONTRAST_HISTOGRAM_BINS 65536
/* Steps of the combined levels-gamma-colour-map table. */
#define AL_CONTRAST_TABLE_SIZE 4096

void
al_contrast_init (AlContrast *contrast)
{
  g_return_if_fail (contrast != NULL);
  *contrast = (AlContrast) {
    .mode = AL_CONTRAST_PERCENTILE,
    .low_percentile = AL_CONTRAST_DEFAULT_LOW_PERCENTILE,
    .high_percentile = AL_CONTRAST_DEFAULT_HIGH_PERCENTILE,
    .black = 0.0,
    .white = 1.0,
    .gamma = 1.0,
    .colormap = AL_COLORMAP_GREY,
  };
}

static gboolean
finite_range (const float *samples,
              gsize        n,
              double      *lo,
              double      *hi)
{
  float mn = INFINITY, mx = -INFINITY;

  for (gsize i = 0; i < n; i++)
    if (isfinite (samples[i]))
      {
        mn = MIN (mn, samples[i]);
        mx = MAX (mx, samples[i]);
      }
  *lo = mn;
  *hi = mx;
  return mn <= mx;
}

/* The sample value below which `fraction` of the samples lie, from a
 * histogram over [lo, hi], interpolated within its bin. */
static double
histogram_quantile (const guint32 *hist,
                    guint64        total,
                    double         lo,
                    double         hi,
                    double         fraction)
{
  double target = fraction * (double) total, below = 0.0, bin_width;
  guint b;

  bin_width = (hi - lo) / AL_CONTRAST_HISTOGRAM_BINS;
  for (b = 0; b < AL_CONTRAST_HISTOGRAM_BINS - 1; b++)
    {
      if (below + hist[b] >= target)
        break;
      below += hist[b];
    }
  if (hist[b] == 0)
    return lo + b * bin_width;
  return lo + (b + CLAMP ((target - below) / hist[b], 0.0, 1.0)) * bin_width;
}

static void
percentile_levels (const AlContrast *contrast,
                   const float      *samples,
                   gsize             n,
                   double            lo,
                   double            hi,
                   double           *black,
                   double           *white)
{
  g_autofree guint32 *hist = g_new0 (guint32, AL_CONTRAST_HISTOGRAM_BINS);
  double scale = AL_CONTRAST_HISTOGRAM_BINS / (hi - lo);
  double p_lo = CLAMP (contrast->low_percentile, 0.0, 100.0) / 100.0;
  double p_hi = CLAMP (contrast->high_percentile, 0.0, 100.0) / 100.0;
  guint64 total = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (samples[i]))
      {
        guint b = (guint) MIN ((samples[i] - lo) * scale, AL_CONTRAST_HISTOGRAM_BINS - 1.0);
        /* Saturating: an image of > 4 G equal samples still gives a rank. */
        if (hist[b] < G_MAXUINT32)
          hist[b]++;
        total++;
      }
  *black = histogram_quantile (hist, total, lo, hi, MIN (p_lo, p_hi));
  *white = histogram_quantile (hist, total, lo, hi, MAX (p_lo, p_hi));
}

gboolean
al_contrast_levels (const AlContrast *contrast,
                    const float      *samples,
                    gsize             n,
                    double           *black,
                    double           *white)
{
  double lo, hi;

  g_return_val_if_fail (contrast != NULL && black != NULL && white != NULL, FALSE);
  if (contrast->mode == AL_CONTRAST_MANUAL)
    {
      *black = contrast->black;
      *white = contrast->white;
    }
  else
    {
      if (!finite_range (samples, n, &lo, &hi))
        {
          *black = 0.0;
          *white = 1.0;
          return FALSE;
        }
      *black = lo;
      *white = hi;
      if (contrast->mode == AL_CONTRAST_PERCENTILE && hi > lo)
        percentile_levels (contrast, samples, n, lo, hi, black, white);
    }
  if (!(*white > *black))
    *white = *black + 1.0;
  return TRUE;
}

void
al_contrast_apply (const AlContrast *contrast,
                   double            black,
                   double            white,
                   const float      *src,
                   guint             width,
                   guint             height,
                   gsize             src_stride,
                   guint32          *dst,
                   gsize             dst_stride)
{
  guint32 lut[AL_COLORMAP_LUT_SIZE];
  g_autofree guint32 *table = g_new (guint32, AL_CONTRAST_TABLE_SIZE);
  double gamma = contrast->gamma > 0.0 && isfinite (contrast->gamma) ? contrast->gamma : 1.0;
  double scale = (AL_CONTRAST_TABLE_SIZE - 1) / (white - black);

  g_return_if_fail (white > black);
  al_colormap_lut (contrast->colormap, lut);
  for (guint k = 0; k < AL_CONTRAST_TABLE_SIZE; k++)
    {
      double t = pow (k / (double) (AL_CONTRAST_TABLE_SIZE - 1), gamma);
      table[k] = lut[(guint) lround (t * (AL_COLORMAP_LUT_SIZE - 1))];
    }
  for (guint y = 0; y < height; y++)
    {
      const float *s = src + y * src_stride;
      guint32 *d = dst + y * dst_stride;
      for (guint x = 0; x < width; x++)
        {
          double k = (s[x] - black) * scale;
          /* NaN (a masked pixel) shows as black, like a sample below the level. */
          d[x] = table[k > 0.0 ? (guint) MIN (k + 0.5, AL_CONTRAST_TABLE_SIZE - 1.0) : 0];
        }
    }
}
