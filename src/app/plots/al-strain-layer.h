/* al-strain-layer.h: AlStrainLayer, the per-atom strain of the shown frame
 * (εxx, εyy, εxy in %, or the rotation in °) as discs of half the
 * nearest-neighbour distance around each atom, colour-mapped with the
 * diverging RdBu map symmetric about zero. Drawn from one texture, made
 * the first time the layer is shown with new results or component. Hidden
 * at first. */
#pragma once

#include "al-layer.h"
#include "al-results.h"
#include "plots/al-gpa-layer.h"

G_BEGIN_DECLS

#define AL_TYPE_STRAIN_LAYER (al_strain_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlStrainLayer, al_strain_layer, AL, STRAIN_LAYER, AlLayer)

AlLayer        *al_strain_layer_new           (AlResults      *results);
void            al_strain_layer_set_results   (AlStrainLayer  *self,
                                               AlResults      *results);
void            al_strain_layer_set_component (AlStrainLayer  *self,
                                               AlGpaComponent  component);
AlGpaComponent  al_strain_layer_get_component (AlStrainLayer  *self);
/* The colour range ±limit (% or °): the 99th percentile of |value| over
 * the frame's atoms; 0 when it has no strain. */
double          al_strain_layer_get_limit     (AlStrainLayer  *self,
                                               guint           frame);

G_END_DECLS
