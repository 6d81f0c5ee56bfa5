/* al-defects-layer.h: the defects of the shown frame: point defects ringed
 * and named, line defects (boundaries, edges) and phase patches outlined. */
#pragma once

#include "al-layer.h"
#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_DEFECTS_LAYER (al_defects_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlDefectsLayer, al_defects_layer, AL, DEFECTS_LAYER, AlLayer)

AlLayer *al_defects_layer_new (AlResults *results);
/* New results: the old drawing shows until the new one is rendered. */
void     al_defects_layer_set_results (AlDefectsLayer *self,
                                       AlResults      *results);

G_END_DECLS
