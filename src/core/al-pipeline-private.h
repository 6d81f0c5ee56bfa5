/* al-pipeline-private.h: what the pipeline shares with its tiled
 * detection (al-tiling.c): the loaded network and detection of one frame
 * (or one tile of it). */
#pragma once

#include "al-pipeline.h"
#include "nn/al-nn.h"

G_BEGIN_DECLS

/* An atom-finding network, loaded once for every frame. */
typedef struct
{
  AlNnModel *model;
  int       *channel_species;
} NetworkPath;

AlAtoms *al_pipeline_detect_frame (AlAnalysis             *analysis,
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
