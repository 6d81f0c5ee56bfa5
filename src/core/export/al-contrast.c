/* al-contrast.c: display levels (percentiles from a histogram) and the
 * sample-to-colour mapping (levels and gamma as in al-levels.h, then a
 * colour map). */
#include "export/al-contrast.h"

#include "al-levels.h"

#include <math.h>

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

/* Percentiles from the same histogram the app's canvas uses (al-levels),
 * so an exported figure has the levels of the view. */
static void
percentile_levels (const AlContrast *contrast,
                   const float      *samples,
                   gsize             n,
                   double           *black,
                   double           *white)
{
  g_autoptr (AlHistogram) hist = al_histogram_new (samples, n, AL_HISTOGRAM_DEFAULT_BINS);
  double p_lo = CLAMP (contrast->low_percentile, 0.0, 100.0);
  double p_hi = CLAMP (contrast->high_percentile, 0.0, 100.0);

  *black = al_histogram_percentile (hist, MIN (p_lo, p_hi));
  *white = al_histogram_percentile (hist, MAX (p_lo, p_hi));
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
        percentile_levels (contrast, samples, n, black, white);
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
      double t = pow (k / (double) (AL_CONTRAST_TABLE_SIZE - 1), 1.0 / gamma);
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
