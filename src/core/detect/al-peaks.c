/* al-peaks.c: greedy non-maximum suppression. Every 3×3 local maximum above
 * the threshold is a candidate; candidates are taken brightest first and
 * one is kept only when no kept peak lies within the minimum distance. A
 * grid of cells one minimum distance wide makes the look-up constant time,
 * so the whole pass is O(n log n) in the number of candidates.
 */
#include "detect/al-peaks.h"

#include <math.h>

#include "detect/al-parallel.h"

static int
compare_peaks (gconstpointer a,
               gconstpointer b)
{
  float x = ((const AlPeak *) a)->value, y = ((const AlPeak *) b)->value;
  return (x < y) - (x > y);
}

/* Offset of the vertex of the parabola through (-1, a), (0, b), (1, c). */
static float
parabola (float a,
          float b,
          float c)
{
  float d = a - 2.0f * b + c;
  return d < 0.0f ? CLAMP (0.5f * (a - c) / d, -0.5f, 0.5f) : 0.0f;
}

typedef struct
{
  const float *map;
  guint        width;
  guint        height;
  float        threshold;
  guint        border;
  GArray      *found[AL_PARALLEL_MAX_THREADS];
  guint        n_bands;
} Maxima;

/* The local maxima of rows [y0, y1), in row order, into the band's array. */
static void
maxima_rows (gpointer data,
             guint    y0,
             guint    y1)
{
  Maxima *m = data;
  const float *map = m->map;
  guint width = m->width, height = m->height, b = MAX (m->border, 1), band = 0;
  float threshold = m->threshold;
  GArray *candidates;

  /* The band al_parallel_range gave: the one starting at y0. */
  while (band + 1 < m->n_bands && (guint) ((guint64) height * (band + 1) / m->n_bands) <= y0)
    band++;
  candidates = m->found[band];
  for (guint y = MAX (y0, b); y < y1 && y + b < height; y++)
    for (guint x = b; x + b < width; x++)
      {
        const float *p = map + (gsize) y * width + x;
        float v = p[0];
        AlPeak peak;

        if (!(v > threshold))
          continue;
        /* Strict on one side, loose on the other: a flat top of two equal
         * pixels yields exactly one maximum. */
        if (!(v > p[-1] && v >= p[1] && v > p[-(gssize) width] && v >= p[width]
              && v > p[-(gssize) width - 1] && v > p[-(gssize) width + 1]
              && v >= p[width - 1] && v >= p[width + 1]))
          continue;
        peak.x = x + parabola (p[-1], v, p[1]);
        peak.y = y + parabola (p[-(gssize) width], v, p[width]);
        peak.value = v;
        g_array_append_val (candidates, peak);
      }
}

/* Every 3×3 local maximum above `threshold`, in row order. */
static GArray *
local_maxima (const float *map,
              guint        width,
              guint        height,
              float        threshold,
              guint        border,
              guint        n_threads)
{
  Maxima m = { map, width, height, threshold, border, { NULL },
               CLAMP (n_threads, 1, MIN (AL_PARALLEL_MAX_THREADS, MAX (height, 1))) };
  GArray *candidates;

  for (guint t = 0; t < m.n_bands; t++)
    m.found[t] = g_array_new (FALSE, FALSE, sizeof (AlPeak));
  al_parallel_range (m.n_bands, height, maxima_rows, &m);
  candidates = m.found[0];
  for (guint t = 1; t < m.n_bands; t++)
    {
      g_array_append_vals (candidates, m.found[t]->data, m.found[t]->len);
      g_array_unref (m.found[t]);
    }
  return candidates;
}

/* Returns the peaks of `map` above `threshold`, no two closer than
 * `min_distance_px`, none within `border` pixels of the edge, brightest
 * first. */
GArray *
al_peaks_find (const float *map,
               guint        width,
               guint        height,
               double       min_distance_px,
               float        threshold,
               guint        border)
{
  return al_peaks_find_threaded (map, width, height, min_distance_px, threshold, border, 1);
}

/* The same, with the local maxima found on `n_threads` threads (the same
 * result). */
GArray *
al_peaks_find_threaded (const float *map,
                        guint        width,
                        guint        height,
                        double       min_distance_px,
                        float        threshold,
                        guint        border,
                        guint        n_threads)
{
  g_autoptr (GArray) candidates = NULL;
  GArray *kept = g_array_new (FALSE, FALSE, sizeof (AlPeak));
  g_autofree gint32 *head = NULL;
  g_autofree gint32 *next = NULL;
  double cell = MAX (min_distance_px, 1.0);
  double d2 = min_distance_px * min_distance_px;
  guint gw, gh;

  g_return_val_if_fail (map != NULL, kept);
  candidates = local_maxima (map, width, height, threshold, border, n_threads);
  g_array_sort (candidates, compare_peaks);

  gw = (guint) (width / cell) + 1;
  gh = (guint) (height / cell) + 1;
  head = g_new (gint32, (gsize) gw * gh);
  next = g_new (gint32, candidates->len);
  for (gsize i = 0; i < (gsize) gw * gh; i++)
    head[i] = -1;

  for (guint i = 0; i < candidates->len; i++)
    {
      const AlPeak *c = &g_array_index (candidates, AlPeak, i);
      int cx = (int) (c->x / cell), cy = (int) (c->y / cell);
      gboolean free_spot = TRUE;

      for (int gy = MAX (cy - 1, 0); gy <= MIN (cy + 1, (int) gh - 1) && free_spot; gy++)
        for (int gx = MAX (cx - 1, 0); gx <= MIN (cx + 1, (int) gw - 1) && free_spot; gx++)
          for (gint32 j = head[gy * gw + gx]; j >= 0; j = next[j])
            {
              const AlPeak *k = &g_array_index (kept, AlPeak, j);
              double dx = k->x - c->x, dy = k->y - c->y;
              if (dx * dx + dy * dy < d2)
                {
                  free_spot = FALSE;
                  break;
                }
            }
      if (!free_spot)
        continue;
      next[kept->len] = head[cy * gw + cx];
      head[cy * gw + cx] = (gint32) kept->len;
      g_array_append_val (kept, *c);
    }
  return kept;
}
