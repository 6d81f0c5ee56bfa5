/* al-denoised-layer.h: AlDenoisedLayer, the image as the denoiser left it
 * (the frame the columns were found on, when the analysis denoised it),
 * drawn opaque over the raw image: showing the layer shows the denoised
 * image instead of the raw one. Its contrast is its own: the canvas's
 * auto-levels percentiles of the denoised frame. */
#pragma once

#include "al-layer.h"
#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_DENOISED_LAYER (al_denoised_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlDenoisedLayer, al_denoised_layer, AL, DENOISED_LAYER, AlLayer)

/* Textures are at most this many texels on a side (a larger frame is drawn
 * from every step-th pixel). */
#define AL_DENOISED_LAYER_MAX_SIDE 4096

/* Hidden at first. `results` may be NULL. */
AlLayer     *al_denoised_layer_new         (AlResults       *results);
void         al_denoised_layer_set_results (AlDenoisedLayer *self,
                                            AlResults       *results);
/* The denoised frame (width × height of the analysis), or NULL when the
 * analysis did not denoise `frame`. */
const float *al_denoised_layer_get_frame   (AlDenoisedLayer *self,
                                            guint            frame);

G_END_DECLS
