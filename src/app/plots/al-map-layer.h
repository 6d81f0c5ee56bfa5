/* al-map-layer.h: AlMapLayer, the detection map the atoms were found on,
 * colour-mapped (viridis) over the image: the network's atom probability
 * when a network found them ("Probability Map"), else the classical
 * detection response ("Detection Response (Classical)"), named so. */
#pragma once

#include "al-layer.h"
#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_MAP_LAYER (al_map_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlMapLayer, al_map_layer, AL, MAP_LAYER, AlLayer)

/* Textures are at most this many texels on a side; a larger map is drawn
 * from every step-th value (level of detail, and GPU memory). */
#define AL_MAP_LAYER_MAX_SIDE 4096

/* Hidden at first: the map covers the image. `results` may be NULL. */
AlLayer           *al_map_layer_new         (AlResults  *results);
void               al_map_layer_set_results (AlMapLayer *self,
                                             AlResults  *results);
/* The map of `frame`, or NULL when its analysis kept none. */
const AlDetectMap *al_map_layer_get_map     (AlMapLayer *self,
                                             guint       frame);
/* Premultiplied BGRA texels of `map` at `step` (tests, and the layer). */
guint8            *al_map_layer_texels      (const AlDetectMap *map,
                                             guint              step,
                                             guint             *width,
                                             guint             *height);

G_END_DECLS
