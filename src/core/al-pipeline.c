/* al-pipeline.c: runs the analysis stages on each frame (see al-pipeline.h):
 * the run's set-up (frames, calibration, network, tiles) and its results;
 * one frame's detection is in al-pipeline-detect.c, the (denoise) stage in
 * al-pipeline-denoise.c, and the frames of a series in al-pipeline-series.c. */
#include "al-pipeline.h"

#include <string.h>

#include "al-error.h"
#include "al-pipeline-private.h"
#include "al-tiling.h"
#include "io/al-frame-source.h"

void
al_pipeline_params_init (AlPipelineParams *params)
{
  memset (params, 0, sizeof *params);
  params->frame_last = G_MAXUINT;
  params->n_threads = 1;
}

AlFrameResult *
al_frame_result_new (guint frame)
{
  AlFrameResult *result = g_new0 (AlFrameResult, 1);
  result->frame = frame;
  return result;
}

void
al_frame_result_free (AlFrameResult *result)
{
  if (result == NULL)
    return;
  al_atoms_free (result->atoms);
  al_structure_free (result->structure);
  g_free (result->denoised);
  al_detect_map_unref (result->detection_map);
  g_free (result);
}

static void
clear_timing (gpointer data)
{
  g_free (((AlStageTiming *) data)->stage);
}

AlAnalysis *
al_analysis_new (void)
{
  AlAnalysis *analysis = g_new0 (AlAnalysis, 1);
  analysis->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) al_frame_result_free);
  analysis->timings = g_array_new (FALSE, TRUE, sizeof (AlStageTiming));
  g_array_set_clear_func (analysis->timings, clear_timing);
  return analysis;
}

void
al_analysis_free (AlAnalysis *analysis)
{
  if (analysis == NULL)
    return;
  g_ptr_array_unref (analysis->frames);
  g_array_unref (analysis->timings);
  g_free (analysis->model_path);
  g_free (analysis->denoise_model_path);
  g_free (analysis);
}

/* Adds `seconds` to the stage's total (a new stage goes last). */
void
al_analysis_add_timing (AlAnalysis *analysis,
                        const char *stage,
                        double      seconds)
{
  AlStageTiming t;

  for (guint i = 0; i < analysis->timings->len; i++)
    {
      AlStageTiming *have = &g_array_index (analysis->timings, AlStageTiming, i);
      if (g_strcmp0 (have->stage, stage) == 0)
        {
          have->seconds += seconds;
          return;
        }
    }
  t.stage = g_strdup (stage);
  t.seconds = seconds;
  g_array_append_val (analysis->timings, t);
}

double
al_analysis_get_timing (const AlAnalysis *analysis,
                        const char       *stage)
{
  for (guint i = 0; i < analysis->timings->len; i++)
    if (g_strcmp0 (g_array_index (analysis->timings, AlStageTiming, i).stage, stage) == 0)
      return g_array_index (analysis->timings, AlStageTiming, i).seconds;
  return 0.0;
}

const char *
al_pixel_size_source_name (AlPixelSizeSource source)
{
  switch (source)
    {
    case AL_PIXEL_SIZE_FROM_FILE: return "file";
    case AL_PIXEL_SIZE_FROM_USER: return "command line";
    case AL_PIXEL_SIZE_FROM_LATTICE: return "lattice";
    case AL_PIXEL_SIZE_UNKNOWN:
    default: return "unknown";
    }
}

/* Analyses frames [first, last] of `image` (which describes the frames:
 * their pixels are in memory, or NULL and read from `source`). */
static AlAnalysis *
run_pipeline (const AlImage          *image,
              AlFrameSource          *source,
              const AlPipelineParams *params,
              AlProgress             *progress,
              GCancellable           *cancellable,
              GError                **error)
{
  g_autoptr (AlAnalysis) analysis = NULL;
  g_auto (NetworkPath) net = { 0 };
  const AlFrameResult *first_result;
  guint first, last;
  double pixel_size = 0.0;

  g_return_val_if_fail (image != NULL && params != NULL, NULL);
  g_mutex_init (&net.denoise_lock);
  if (params->frame_first >= image->n_frames || params->frame_last < params->frame_first)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frames %u to %u are not in this image (it has %u frame%s, numbered from 0)",
                   params->frame_first, params->frame_last, image->n_frames,
                   image->n_frames == 1 ? "" : "s");
      return NULL;
    }
  first = params->frame_first;
  last = MIN (params->frame_last, image->n_frames - 1);

  analysis = al_analysis_new ();
  analysis->material = params->material;
  analysis->width = image->width;
  analysis->height = image->height;
  if (params->pixel_size_nm > 0)
    {
      pixel_size = params->pixel_size_nm;
      analysis->pixel_size_source = AL_PIXEL_SIZE_FROM_USER;
    }
  else if (image->pixel_size > 0)
    {
      pixel_size = image->pixel_size;
      analysis->pixel_size_source = AL_PIXEL_SIZE_FROM_FILE;
    }
  analysis->pixel_size_nm = pixel_size;
  if (params->model_path != NULL
      && !al_pipeline_network_load (&net, analysis, params->model_path, error))
    return NULL;
  if (params->model_path == NULL && params->auto_model && analysis->material != NULL
      && !al_pipeline_network_auto (&net, analysis, error))
    return NULL;
  if (!al_tiling_plan (analysis, params, error))
    return NULL;

  if (!al_pipeline_run_frames (analysis, image, source, params, &net, pixel_size, first, last,
                               progress, cancellable, error))
    return NULL;
  first_result = analysis->frames->pdata[0];
  if (pixel_size <= 0 && first_result->detect.pixel_size_nm > 0)
    {
      analysis->pixel_size_nm = first_result->detect.pixel_size_nm;
      analysis->pixel_size_source = AL_PIXEL_SIZE_FROM_LATTICE;
    }
  analysis->denoise = params->denoise;
  analysis->fit_on_denoised = params->fit_on_denoised;
  analysis->n_denoised = net.n_denoised;
  analysis->denoise_model_path = g_strdup (net.denoiser_path);
  al_progress_report (progress, "Done", 1.0);
  return g_steal_pointer (&analysis);
}

AlAnalysis *
al_pipeline_run (const AlImage          *image,
                 const AlPipelineParams *params,
                 AlProgress             *progress,
                 GCancellable           *cancellable,
                 GError                **error)
{
  g_return_val_if_fail (image != NULL && image->pixels != NULL, NULL);
  return run_pipeline (image, NULL, params, progress, cancellable, error);
}

AlAnalysis *
al_pipeline_run_source (AlFrameSource          *source,
                        const AlPipelineParams *params,
                        AlProgress             *progress,
                        GCancellable           *cancellable,
                        GError                **error)
{
  g_return_val_if_fail (source != NULL, NULL);
  return run_pipeline (al_frame_source_get_info (source), source, params, progress, cancellable,
                       error);
}
