/* al-trail-layer.h: AlTrailLayer, the defect tracks of a series drawn as
 * trails: where each defect was in the last frames, moved into the current
 * frame's coordinates by the drift, and a dot where it is now. */
#pragma once

#include "al-layer.h"
#include "track/al-series.h"

G_BEGIN_DECLS

#define AL_TYPE_TRAIL_LAYER (al_trail_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlTrailLayer, al_trail_layer, AL, TRAIL_LAYER, AlLayer)

/* Takes `series`. */
AlLayer        *al_trail_layer_new        (AlSeries     *series);
const AlSeries *al_trail_layer_get_series (AlTrailLayer *self);
/* Trails show this many frames back (default AL_TRAIL_DEFAULT_FRAMES). */
void            al_trail_layer_set_length (AlTrailLayer *self,
                                           guint         frames);
/* Points a trail has in `frame` (for tests: what a snapshot draws). */
guint           al_trail_layer_count_points (AlTrailLayer *self,
                                             guint         frame);

#define AL_TRAIL_DEFAULT_FRAMES 10

G_END_DECLS
