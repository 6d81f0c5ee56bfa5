/* al-log.h: the classical detection map, used when no network matches the
 * image: the scale-normalised Laplacian of Gaussian, which peaks on bright
 * blobs of the column width and cancels smooth background.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The filter's scale as a fraction of the column sigma: a little under the
 * width that maximises the response, to keep close columns apart. */
#define AL_LOG_SCALE_FRACTION 0.8

float  *al_log_response          (const float *frame,
                                  guint        width,
                                  guint        height,
                                  double       sigma_px);
float  *al_log_response_threaded (const float *frame,
                                  guint        width,
                                  guint        height,
                                  double       sigma_px,
                                  guint        n_threads);
double  al_log_noise_gain        (double       sigma_px);

G_END_DECLS
