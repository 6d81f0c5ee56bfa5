/* al-nn-atoms.h: a trained atom-finding network (atomlens.task = atoms) as
 * the detection stage's probability maps (DESIGN.md §3, §4): checks the
 * model against the material, resamples the frame to the model's pixel
 * size, runs it tiled and resamples the maps back to the frame's grid.
 */
#pragma once

#include <gio/gio.h>

#include "al-material.h"
#include "al-progress.h"
#include "nn/al-nn.h"

G_BEGIN_DECLS

/* The preset material named first in the model's atomlens.material, or NULL. */
const AlMaterial *al_nn_atoms_model_material (const AlNnModel   *model);

/* Checks that `model` finds atoms of `material` and returns, per output
 * channel, its species index in the material (-1: background); NULL with
 * AL_ERROR_INVALID_ARGUMENT when the task, material or classes differ. */
int   *al_nn_atoms_channel_species (const AlNnModel   *model,
                                    const AlMaterial  *material,
                                    GError           **error);

/* The model's out_channels maps (channel-major, width × height, the
 * frame's grid) for one frame of `pixel_size_nm` (0: unknown, no
 * resampling). */
float *al_nn_atoms_maps            (AlNnModel         *model,
                                    const float       *frame,
                                    guint              width,
                                    guint              height,
                                    double             pixel_size_nm,
                                    guint              n_threads,
                                    AlProgress        *progress,
                                    GCancellable      *cancellable,
                                    GError           **error);

G_END_DECLS
