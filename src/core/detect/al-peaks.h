/* al-peaks.h: local maxima of a map (a network's probability map or the
 * classical filter response), with non-maximum suppression over a minimum
 * distance taken from the lattice scale.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  float x;       /* sub-pixel (parabolic) position, px */
  float y;
  float value;   /* the map at the maximum */
} AlPeak;

GArray *al_peaks_find          (const float *map,
                                guint        width,
                                guint        height,
                                double       min_distance_px,
                                float        threshold,
                                guint        border);
GArray *al_peaks_find_threaded (const float *map,
                                guint        width,
                                guint        height,
                                double       min_distance_px,
                                float        threshold,
                                guint        border,
                                guint        n_threads);

G_END_DECLS
