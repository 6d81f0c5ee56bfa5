/* al-nn-resample.h: taking a frame to a network's pixel size and its
 * output back (DESIGN.md §4: every network is trained at one pixel size,
 * "atomlens.pixel_size_nm"). Shared by the atom, phase and denoise stages.
 */
#pragma once

#include <gio/gio.h>

#include "nn/al-nn.h"

G_BEGIN_DECLS

/* Resampling is skipped when the frame's pixel size is within this
 * fraction of the model's. */
#define AL_NN_SCALE_TOLERANCE 0.02
/* Largest side of a frame resampled to a model's pixel size: beyond it
 * the calibration is surely wrong (a 0.3 nm/px frame is 10× larger). */
#define AL_NN_MAX_RESAMPLED_SIDE 16384u

/* The size (*model_width × *model_height) of a width × height frame of
 * `pixel_size_nm` (0: unknown) on the model's grid; the frame's own size
 * when either pixel size is unknown or they agree within the tolerance.
 * AL_ERROR_TOO_LARGE beyond AL_NN_MAX_RESAMPLED_SIDE. */
gboolean al_nn_model_grid       (const AlNnModel *model,
                                 guint            width,
                                 guint            height,
                                 double           pixel_size_nm,
                                 guint           *model_width,
                                 guint           *model_height,
                                 GError         **error);

/* Bilinear resampling of `n_channels` planes from src_w × src_h to
 * dst_w × dst_h (pixel centres at integers, edges clamped). */
void     al_nn_resample_bilinear (const float *src,
                                  guint        src_w,
                                  guint        src_h,
                                  float       *dst,
                                  guint        dst_w,
                                  guint        dst_h,
                                  guint        n_channels);

G_END_DECLS
