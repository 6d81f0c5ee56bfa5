/* al-filter.h: the small image filters detection is built from: Gaussian
 * smoothing (separable, mirrored edges), a fast large-scale background, and
 * a robust estimate of the pixel noise.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void   al_filter_gaussian   (const float *in,
                             float       *out,
                             guint        width,
                             guint        height,
                             double       sigma_px);
void   al_filter_background (const float *in,
                             float       *out,
                             guint        width,
                             guint        height,
                             double       scale_px);
void   al_filter_gaussian_threaded   (const float *in,
                                      float       *out,
                                      guint        width,
                                      guint        height,
                                      double       sigma_px,
                                      guint        n_threads);
void   al_filter_background_threaded (const float *in,
                                      float       *out,
                                      guint        width,
                                      guint        height,
                                      double       scale_px,
                                      guint        n_threads);
double al_filter_noise_sigma (const float *frame,
                              guint        width,
                              guint        height);
double al_filter_percentile (const float *values,
                             gsize        n_values,
                             double       fraction);

G_END_DECLS
