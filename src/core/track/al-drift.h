/* al-drift.h: rigid drift between the frames of a series, by phase
 * correlation (Kuglin & Hines 1975) of Hann-windowed frames with FFTW,
 * refined to a fraction of a pixel by fitting the phase of the
 * cross-power spectrum (the shift theorem: a shift d multiplies the
 * spectrum by exp(-2πi k·d)).
 *
 * A shift (dx, dy) means: what sits at (x, y) in the reference frame sits
 * at (x + dx, y + dy) in the moved one. A crystal looks the same after a
 * whole lattice vector, so the correlation has almost equal peaks one
 * lattice period apart: the shift between consecutive frames is searched
 * within max_step_px (give under half the lattice period; 0: anywhere).
 * The cumulative drift to the first frame is the sum of the consecutive
 * ones.
 */
#pragma once

#include <gio/gio.h>

#include "al-image.h"
#include "io/al-frame-source.h"

G_BEGIN_DECLS

/* The shift of `moved` relative to `reference`, two frames of width ×
 * height float samples. */
gboolean al_drift_pair     (const float   *reference,
                            const float   *moved,
                            guint          width,
                            guint          height,
                            double         max_step_px,
                            double        *dx,
                            double        *dy,
                            GError       **error);

/* The cumulative drift of frames first..last of `image` relative to frame
 * `first`: dx[i], dy[i] for frame first + i (dx[0] = dy[0] = 0). The caller
 * gives arrays of last - first + 1 values. */
gboolean al_drift_estimate (const AlImage *image,
                            guint          first,
                            guint          last,
                            double         max_step_px,
                            double        *dx,
                            double        *dy,
                            GCancellable  *cancellable,
                            GError       **error);

/* al_drift_estimate() over frames read one pair at a time from `source`
 * (al-drift-source.c): for series larger than memory. */
gboolean al_drift_estimate_source (AlFrameSource *source,
                                   guint          first,
                                   guint          last,
                                   double         max_step_px,
                                   double        *dx,
                                   double        *dy,
                                   GCancellable  *cancellable,
                                   GError       **error);

G_END_DECLS
