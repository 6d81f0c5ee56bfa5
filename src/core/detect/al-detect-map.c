/* al-detect-map.c: a detection map quantised to 8 bits for display;
 * shared by reference (edited results keep the analysis's map). */
#include "detect/al-detect-map.h"

#include <math.h>
#include <stdlib.h>

/* The percentile is taken on a sample of at most this many pixels. */
#define AL_DETECT_MAP_SAMPLE 65536

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static double
top_value (const float *map,
           gsize        n)
{
  gsize stride = MAX (n / AL_DETECT_MAP_SAMPLE, 1), m = 0;
  g_autofree float *sample = g_new (float, n / stride + 1);

  for (gsize i = 0; i < n; i += stride)
    if (isfinite (map[i]) && map[i] > 0.0f)
      sample[m++] = map[i];
  if (m == 0)
    return 1.0;
  qsort (sample, m, sizeof *sample, compare_float);
  return MAX (sample[(gsize) (AL_DETECT_MAP_TOP_PERCENTILE / 100.0 * (m - 1))], 1e-12);
}

/* The map (width × height values): probabilities are kept on 0–1, the
 * classical response from 0 (negative values too) to its top percentile. */
AlDetectMap *
al_detect_map_new (const float *map,
                   guint        width,
                   guint        height,
                   gboolean     probability)
{
  AlDetectMap *self = g_atomic_rc_box_new0 (AlDetectMap);
  gsize n = (gsize) width * height;
  double inv;

  self->width = width;
  self->height = height;
  self->probability = probability;
  self->scale = probability ? 1.0 : top_value (map, n);
  self->level = g_new (guint8, n + 1);
  inv = 255.0 / self->scale;
  for (gsize i = 0; i < n; i++)
    {
      double v = isfinite (map[i]) ? map[i] * inv : 0.0;
      self->level[i] = (guint8) lrint (CLAMP (v, 0.0, 255.0));
    }
  return self;
}

AlDetectMap *
al_detect_map_ref (AlDetectMap *map)
{
  return g_atomic_rc_box_acquire (map);
}

static void
map_clear (gpointer data)
{
  g_free (((AlDetectMap *) data)->level);
}

void
al_detect_map_unref (AlDetectMap *map)
{
  if (map != NULL)
    g_atomic_rc_box_release_full (map, map_clear);
}
