/* al-phase-net.h: the phase network (atomlens.task = phase, e.g.
 * models/tmd-phase.onnx) run with our engine on one frame: per-pixel
 * probabilities of each phase, on the frame's grid, for the phase map to
 * weigh against the atoms' neighbourhood descriptors (al-phase-map.h).
 */
#pragma once

#include <gio/gio.h>

#include "defects/al-phase-map.h"

G_BEGIN_DECLS

typedef struct _AlPhaseNet
{
  guint  width, height;
  /* AL_N_PHASES planes of width × height, in AlPhase order; a phase the
   * network does not know reads 0. */
  float *prob;
} AlPhaseNet;

AlPhaseNet *al_phase_net_run  (const char   *model_path,
                               const float  *frame,
                               guint         width,
                               guint         height,
                               double        pixel_size_nm,
                               guint         n_threads,
                               GCancellable *cancellable,
                               GError      **error);
void        al_phase_net_free (AlPhaseNet   *net);
void        al_phase_net_mean (const AlPhaseNet *net,
                               double        x,
                               double        y,
                               double        radius,
                               double        p[AL_N_PHASES]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlPhaseNet, al_phase_net_free)

G_END_DECLS
