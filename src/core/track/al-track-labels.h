/* al-track-labels.h: the steady labels along linked tracks.
 *
 * The type of a defect is read anew in every frame, and a reading can be
 * wrong for one frame (a column fitted a little off, a neighbour's atom
 * taken in): along a track that shows as a label flickering away and
 * back, which would count as two conversions. A run of a label shorter
 * than min_persist observations, with observations of the track on both
 * sides, takes the label before it; runs at a track's ends are kept, as
 * nothing says whether they lasted.
 */
#pragma once

#include "track/al-track.h"

G_BEGIN_DECLS

/* `steady` (n_frames) gets copies of `frames` whose labels are the steady
 * ones, in arrays kept alive by `keep`; assigned[fi][p] is the track id
 * (from 1) of point p of frame fi. */
void al_track_steady_labels (const AlTrackFrame *frames,
                             guint               n_frames,
                             const guint *const *assigned,
                             guint               min_persist,
                             AlTrackFrame       *steady,
                             GPtrArray          *keep);

G_END_DECLS
