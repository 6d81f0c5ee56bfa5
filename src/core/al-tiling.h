/* al-tiling.h: detection of frames too large for the memory budget, in
 * overlapping tiles.
 *
 * Detection's working set (maps, FFT buffers, fit workspaces) grows with
 * the pixels it sees, so a 16k × 16k frame cannot be detected at once in a
 * few GiB. When a frame's working set would exceed half the budget
 * (al-limits.h; the other half holds the image, the atoms and the
 * structure stage), or when the caller forces a tile side, the frame is cut
 * into a grid of tiles. Each tile is detected with a margin of context
 * around it (several neighbour distances, so refinement and the local
 * background see what they would see in the whole frame); a tile keeps the
 * atoms in its own square plus a thin seam, and where two tiles found the
 * same column near their common edge, the one that saw more context around
 * it is kept. A small probe crop from the frame's centre fixes the
 * material (when guessed), pixel size and neighbour distance first, so
 * every tile is detected alike. Bonds, defects and strain then run on the
 * merged atoms of the whole frame.
 */
#pragma once

#include "al-pipeline-private.h"

G_BEGIN_DECLS

/* Detection working set per frame pixel, bytes: measured as peak RSS over
 * frame pixels of `atomlens-cli analyze` on whole 1024² and 2048² frames,
 * less the image itself (see README, "Limits"). */
#define AL_TILING_BYTES_PER_PIXEL 64
/* Tile sides chosen from the budget lie in this range (pixels): smaller
 * tiles are mostly margin, larger ones gain nothing. */
#define AL_TILING_MIN_SIDE 256
#define AL_TILING_MAX_SIDE 4096
/* Side of the centre crop detected first (pixels). */
#define AL_TILING_PROBE_SIDE 768
/* Context around a tile: this many neighbour distances, at least
 * AL_TILING_MIN_MARGIN pixels. */
#define AL_TILING_MARGIN_NEIGHBOURS 6.0
#define AL_TILING_MIN_MARGIN 32

/* Decides whether and how the analysis's frames are tiled (sets
 * analysis->tile_side and ->n_tiles; 0 for whole frames). Fails with
 * AL_ERROR_TOO_LARGE when even the smallest tile would not fit the budget. */
gboolean al_tiling_plan         (AlAnalysis             *analysis,
                                 const AlPipelineParams *params,
                                 GError                **error);
/* Detects one frame in tiles of tile_side (> 0) pixels; returns the merged
 * atoms in frame pixels and, in `info`, the probe's lattice and scales.
 * `analysis` collects the stage timings (and the guessed material). */
AlAtoms *al_tiling_detect_frame (AlAnalysis             *analysis,
                                 guint                   tile_side,
                                 const float            *frame,
                                 guint                   width,
                                 guint                   height,
                                 const AlPipelineParams *params,
                                 NetworkPath            *net,
                                 double                  pixel_size,
                                 AlDetectInfo           *info,
                                 AlProgress             *progress,
                                 GCancellable           *cancellable,
                                 GError                **error);

G_END_DECLS
