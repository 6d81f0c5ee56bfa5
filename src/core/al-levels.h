/* al-levels.h: how float pixels become grey levels on a screen or in a
 * figure: a histogram of a frame, percentile auto-levels, and the mapping
 * min/max/gamma -> 8-bit grey through a lookup table.
 *
 * The mapping: t = clamp ((v - min) / (max - min), 0, 1); grey = 255 t^(1/gamma).
 * A gamma above 1 lifts the dark tones (as a display gamma does).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Auto-levels clip this share of pixels to black and to white (percent). */
#define AL_LEVELS_AUTO_LOW_PERCENT   0.5
#define AL_LEVELS_AUTO_HIGH_PERCENT 99.5
/* Bins of the histogram auto-levels read: percentiles are exact to one bin,
 * 1/4096 of the value range. */
#define AL_HISTOGRAM_DEFAULT_BINS 4096
/* Entries of the grey lookup table between min and max. */
#define AL_LEVELS_LUT_SIZE 4096
#define AL_LEVELS_GAMMA_MIN 0.1
#define AL_LEVELS_GAMMA_MAX 10.0

typedef struct
{
  double min;
  double max;
  double gamma;
} AlLevels;

typedef struct
{
  guint    n_bins;
  double   min;      /* smallest finite value */
  double   max;      /* largest finite value */
  guint64  total;    /* finite values counted */
  guint64  n_nonfinite;
  guint64 *counts;   /* n_bins counts over [min, max] */
} AlHistogram;

AlHistogram *al_histogram_new        (const float       *values,
                                      gsize              n_values,
                                      guint              n_bins);
void         al_histogram_free       (AlHistogram       *histogram);
double       al_histogram_percentile (const AlHistogram *histogram,
                                      double             percent);
/* The largest count, for scaling plots. */
guint64      al_histogram_max_count  (const AlHistogram *histogram);

/* Levels clipping low_percent / high_percent of the histogram's pixels. */
void         al_levels_auto          (AlLevels          *levels,
                                      const AlHistogram *histogram,
                                      double             low_percent,
                                      double             high_percent);
gboolean     al_levels_equal         (const AlLevels    *a,
                                      const AlLevels    *b);
/* Fills lut[AL_LEVELS_LUT_SIZE] with the grey of each step between min and max. */
void         al_levels_make_lut      (const AlLevels    *levels,
                                      guint8            *lut);
/* Maps n values to grey through a table made by al_levels_make_lut. Values
 * that are not finite map to black. */
void         al_levels_map           (const AlLevels    *levels,
                                      const guint8      *lut,
                                      const float       *values,
                                      gsize              n_values,
                                      guint8            *grey);
guint8       al_levels_map_one       (const AlLevels    *levels,
                                      const guint8      *lut,
                                      float              value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlHistogram, al_histogram_free)

G_END_DECLS
