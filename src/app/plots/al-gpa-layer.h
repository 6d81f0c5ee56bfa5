/* al-gpa-layer.h: AlGpaLayer, a strain map from geometric phase analysis
 * (exx, eyy, exy in %, or the rotation in degrees) colour-mapped over the
 * image with a diverging map (RdBu) symmetric about zero, transparent where
 * the lattice fringes vanish (NaN). */
#pragma once

#include "al-layer.h"
#include "strain/al-gpa.h"

G_BEGIN_DECLS

typedef enum
{
  AL_GPA_EXX,
  AL_GPA_EYY,
  AL_GPA_EXY,
  AL_GPA_ROTATION,
  AL_N_GPA_COMPONENTS,
} AlGpaComponent;

#define AL_TYPE_GPA_LAYER (al_gpa_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlGpaLayer, al_gpa_layer, AL, GPA_LAYER, AlLayer)

/* Takes `maps`, computed on frame `frame`. */
AlLayer        *al_gpa_layer_new           (AlGpaMaps      *maps,
                                            guint           frame);
void            al_gpa_layer_set_maps      (AlGpaLayer     *self,
                                            AlGpaMaps      *maps,
                                            guint           frame);
const AlGpaMaps *al_gpa_layer_get_maps     (AlGpaLayer     *self);
void            al_gpa_layer_set_component (AlGpaLayer     *self,
                                            AlGpaComponent  component);
AlGpaComponent  al_gpa_layer_get_component (AlGpaLayer     *self);
/* The colour range is ±limit, in the component's unit (% or °): the 99th
 * percentile of |value| away from the border. */
double          al_gpa_layer_get_limit     (AlGpaLayer     *self);
/* The shown component per pixel, in % (strain) or ° (rotation). */
const float    *al_gpa_component_values    (const AlGpaMaps *maps,
                                            AlGpaComponent   component,
                                            double          *scale);
const char     *al_gpa_component_title     (AlGpaComponent  component);
const char     *al_gpa_component_unit      (AlGpaComponent  component);

G_END_DECLS
