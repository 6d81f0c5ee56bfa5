/* al-pipeline-private.h: what the pipeline's files share among
 * themselves and with its tiled detection (al-tiling.c): the loaded
 * network, detection of one frame (or one tile of it), and the frames of
 * a run. */
#pragma once

#include "al-pipeline.h"
#include "nn/al-nn.h"

G_BEGIN_DECLS

/* An atom-finding network, loaded once for every frame, and the
 * denoiser, loaded when a frame first needs it. Frames may run in
 * parallel: `denoise_lock` guards loading and running the denoiser and
 * the counts. */
typedef struct
{
  AlNnModel *model;
  int       *channel_species;
  AlNnModel *denoiser;
  char      *denoiser_path;
  gboolean   denoiser_missing;   /* looked for, none fits the material */
  guint      n_denoised;         /* frames (or tiles) detected denoised */
  GMutex     denoise_lock;
} NetworkPath;

/* Loads the atoms network at `path` for every frame (al-pipeline-detect.c);
 * without a material the analysis takes the network's. */
gboolean al_pipeline_network_load  (NetworkPath            *net,
                                    AlAnalysis             *analysis,
                                    const char             *path,
                                    GError                **error);
/* --model auto: the atoms network for the analysis's material, if any. */
gboolean al_pipeline_network_auto  (NetworkPath            *net,
                                    AlAnalysis             *analysis,
                                    GError                **error);
void     al_pipeline_network_clear (NetworkPath            *net);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetworkPath, al_pipeline_network_clear)

/* Detection of one frame (al-pipeline-detect.c). `denoised` (NULL: not
 * wanted) receives the denoised frame the columns were found on, or NULL;
 * `denoise_snr` (NULL: not wanted) the signal-to-noise ratio measured, 0
 * when the denoiser did not run; `map` (NULL: not wanted) the detection
 * map of the last detection. */
AlAtoms *al_pipeline_detect_frame (AlAnalysis             *analysis,
                                   const float            *frame,
                                   guint                   width,
                                   guint                   height,
                                   const AlPipelineParams *params,
                                   NetworkPath            *net,
                                   double                  pixel_size,
                                   AlDetectInfo           *info,
                                   float                 **denoised,
                                   double                 *denoise_snr,
                                   AlDetectMap           **map,
                                   AlProgress             *progress,
                                   GCancellable           *cancellable,
                                   GError                **error);

/* The (denoise) stage for one frame (al-pipeline-denoise.c): *denoised
 * receives the denoised frame to find columns on, or NULL when this frame
 * is not to be denoised (params->denoise, the material, its
 * signal-to-noise ratio); *snr the ratio measured (0: did not run). */
gboolean al_pipeline_denoise      (AlAnalysis             *analysis,
                                   NetworkPath            *net,
                                   const AlPipelineParams *params,
                                   const AlMaterial       *material,
                                   const float            *frame,
                                   guint                   width,
                                   guint                   height,
                                   double                  pixel_size,
                                   float                 **denoised,
                                   double                 *snr,
                                   AlProgress             *progress,
                                   GCancellable           *cancellable,
                                   GError                **error);

/* Analyses frames [first, last] of `image` (whose pixels are in memory,
 * or NULL and read from `source`) and appends their results to
 * analysis->frames in frame order (al-pipeline-series.c). */
gboolean al_pipeline_run_frames   (AlAnalysis             *analysis,
                                   const AlImage          *image,
                                   AlFrameSource          *source,
                                   const AlPipelineParams *params,
                                   NetworkPath            *net,
                                   double                  pixel_size,
                                   guint                   first,
                                   guint                   last,
                                   AlProgress             *progress,
                                   GCancellable           *cancellable,
                                   GError                **error);

G_END_DECLS
