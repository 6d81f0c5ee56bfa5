/* al-detect-map.h: the detection map of a frame kept for display (the
 * app's Probability Map layer): the network's atom probability when a
 * network found the atoms, else the classical Laplacian-of-Gaussian
 * response. Kept at 8 bits a pixel, a quarter of the frame's size: a map
 * is looked at, not measured. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The classical response is scaled so this percentile of its positive
 * values is the top level (a few bright columns do not darken the rest). */
#define AL_DETECT_MAP_TOP_PERCENTILE 99.5

typedef struct _AlDetectMap AlDetectMap;

struct _AlDetectMap
{
  guint     width;
  guint     height;
  guint8   *level;        /* row-major; map value = level / 255 · scale */
  double    scale;        /* the value of level 255 */
  gboolean  probability;  /* TRUE: atom probability (0–1, network); FALSE: classical response */
};

AlDetectMap *al_detect_map_new   (const float *map,
                                  guint        width,
                                  guint        height,
                                  gboolean     probability);
AlDetectMap *al_detect_map_ref   (AlDetectMap *map);
void         al_detect_map_unref (AlDetectMap *map);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlDetectMap, al_detect_map_unref)

G_END_DECLS
