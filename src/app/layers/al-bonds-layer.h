/* al-bonds-layer.h: the bonds between neighbouring atoms of the shown frame. */
#pragma once

#include "al-layer.h"
#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_BONDS_LAYER (al_bonds_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlBondsLayer, al_bonds_layer, AL, BONDS_LAYER, AlLayer)

AlLayer *al_bonds_layer_new (AlResults *results);
/* New results: the old drawing shows until the new one is rendered. */
void     al_bonds_layer_set_results (AlBondsLayer *self,
                                     AlResults    *results);

G_END_DECLS
