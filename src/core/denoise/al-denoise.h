/* al-denoise.h: the "(denoise)" stage of DESIGN.md §3: a trained denoising
 * network (atomlens.task = denoise, e.g. models/tmd-denoise.onnx) run on a
 * frame with our engine, for finding columns at low dose and for showing
 * a cleaner image.
 *
 *   g_autoptr (AlNnModel) model = al_denoise_model_load (path, &error);
 *   g_autofree float *clean = al_denoise_frame (model, pixels, w, h, 0.03,
 *                                               n_threads, progress,
 *                                               cancellable, &error);
 *
 * The frame is resampled to the network's pixel size, normalised as the
 * network asks ("atomlens.normalisation"), run in tiles inside the memory
 * budget (al-limits.h), taken back to the input's units with the inverse
 * of that normalisation and resampled back to the frame's grid: the result
 * is a float frame of the same size and units (counts in, counts out).
 *
 * Positions should still be measured on the raw frame (DESIGN.md §3): the
 * denoiser's column intensities are biased towards its training data. The
 * pipeline (al-pipeline.h) uses the denoised frame to find the columns and
 * fits them on the raw one unless asked otherwise.
 */
#pragma once

#include <gio/gio.h>

#include "al-progress.h"
#include "nn/al-nn.h"

G_BEGIN_DECLS

/* When the pipeline denoises a frame before finding its columns. */
typedef enum
{
  AL_DENOISE_OFF,    /* never */
  AL_DENOISE_ON,     /* always (with the material's denoiser, or the one given) */
  AL_DENOISE_AUTO,   /* TMDs whose signal-to-noise ratio is low (al_denoise_wanted) */
} AlDenoiseMode;

/* "off", "on", "auto"; -1 for any other name. */
const char *al_denoise_mode_name      (AlDenoiseMode  mode);
int         al_denoise_mode_from_name (const char    *name);

/* Below this signal-to-noise ratio (al_denoise_estimate_snr) auto mode
 * finds a TMD's columns on the denoised frame. Measured on simulated 512²
 * images at 0.03 nm/px (README, "Low dose"): MoS2 0.20 / 0.90 / 2.8 and
 * WS2 0.44 / 1.65 / 4.4 at 10³ / 10⁴ / 10⁵ e⁻/Å². */
#define AL_DENOISE_AUTO_MAX_SNR 0.7

/* Checks that `model` is a denoiser: task "denoise", one input and one
 * output channel. AL_ERROR_INVALID_ARGUMENT saying what differs. */
gboolean    al_denoise_check_model    (const AlNnModel *model,
                                       GError         **error);
/* Loads and checks a denoiser (errors name the file). */
AlNnModel  *al_denoise_model_load     (const char      *path,
                                       GError         **error);

/* The denoised width × height frame (g_free it) of `pixel_size_nm` (0:
 * unknown, no resampling). Progress per network tile; `cancellable` is
 * checked between tiles (AL_ERROR_CANCELLED). AL_ERROR_TOO_LARGE when the
 * frame's buffers exceed the memory budget. */
float      *al_denoise_frame          (AlNnModel       *model,
                                       const float     *frame,
                                       guint            width,
                                       guint            height,
                                       double           pixel_size_nm,
                                       guint            n_threads,
                                       AlProgress      *progress,
                                       GCancellable    *cancellable,
                                       GError         **error);

/* Per-pixel signal-to-noise ratio of a frame, without a network: the
 * noise from a discrete Laplacian (which cancels smooth signal; its
 * variance is 1.25 times the pixel noise variance), the signal from the
 * rest of the frame's variance. Unit-free (counts or scaled data alike);
 * 0 for a flat or pure-noise frame. Pixels finer than the network's
 * lower it (more pixels share the same electrons). */
double      al_denoise_estimate_snr   (const float     *frame,
                                       guint            width,
                                       guint            height);

G_END_DECLS
