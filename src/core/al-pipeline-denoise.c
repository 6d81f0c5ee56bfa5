/* al-pipeline-denoise.c: the pipeline's (denoise) stage: which frames are
 * denoised, with which network, and the frame the columns are then found
 * on (see AlPipelineParams.denoise in al-pipeline.h). */
#include "al-error.h"
#include "al-pipeline-private.h"
#include "nn/al-model-registry.h"

/* The first denoiser in the model folders, for a frame whose material is
 * unknown (--denoise on before the material is guessed). */
static char *
any_denoiser (void)
{
  g_autoptr (GPtrArray) list = al_model_list ();

  for (guint i = 0; i < list->len; i++)
    {
      AlModelInfo *info = list->pdata[i];
      if (al_model_info_fits (info, AL_MODEL_TASK_DENOISE, NULL))
        return g_strdup (info->path);
    }
  return NULL;
}

/* Loads the denoiser once (called with the lock held). FALSE with an
 * error when a given file does not load; TRUE with net->denoiser NULL
 * when the model folders have none for the material. */
static gboolean
load_denoiser (NetworkPath            *net,
               const AlPipelineParams *params,
               const AlMaterial       *material,
               GError                **error)
{
  g_autofree char *path = NULL;

  if (net->denoiser != NULL || net->denoiser_missing)
    return TRUE;
  if (params->denoise_model_path != NULL)
    path = g_strdup (params->denoise_model_path);
  else if (material != NULL)
    path = al_model_find (material, AL_MODEL_TASK_DENOISE);
  else
    path = any_denoiser ();
  if (path == NULL)
    {
      /* A later frame with a guessed material may still find one. */
      net->denoiser_missing = material != NULL;
      return TRUE;
    }
  net->denoiser = al_denoise_model_load (path, error);
  if (net->denoiser == NULL)
    return FALSE;
  net->denoiser_path = g_steal_pointer (&path);
  return TRUE;
}

static gboolean
wanted (const AlPipelineParams *params,
        const AlMaterial       *material)
{
  if (params->denoise == AL_DENOISE_ON)
    return TRUE;
  /* The committed denoiser knows TMDs only (models/tmd-denoise.md). */
  return params->denoise == AL_DENOISE_AUTO && material != NULL && material->is_tmd;
}

gboolean
al_pipeline_denoise (AlAnalysis             *analysis,
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
                     GError                **error)
{
  g_autoptr (GMutexLocker) locker = NULL;
  g_autofree float *out = NULL;
  gint64 start;

  *denoised = NULL;
  *snr = 0.0;
  if (!wanted (params, material))
    return TRUE;
  /* Auto mode decides before loading anything: most frames need no
   * network. */
  *snr = al_denoise_estimate_snr (frame, width, height);
  g_debug ("pipeline: signal-to-noise ratio %.3g", *snr);
  if (params->denoise == AL_DENOISE_AUTO && *snr >= AL_DENOISE_AUTO_MAX_SNR)
    return TRUE;
  locker = g_mutex_locker_new (&net->denoise_lock);
  if (!load_denoiser (net, params, material, error))
    return FALSE;
  if (net->denoiser == NULL)
    {
      if (params->denoise != AL_DENOISE_ON)
        return TRUE;
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "No denoising network for %s in the model folders",
                   material != NULL ? material->name : "an unknown material");
      return FALSE;
    }
  al_progress_report (progress, "Denoising", 0.0);
  start = g_get_monotonic_time ();
  out = al_denoise_frame (net->denoiser, frame, width, height, pixel_size,
                          MAX (params->n_threads, 1), progress, cancellable, error);
  if (out == NULL)
    return FALSE;
  al_analysis_add_timing (analysis, "denoise", (g_get_monotonic_time () - start) * 1e-6);
  net->n_denoised++;
  *denoised = g_steal_pointer (&out);
  return TRUE;
}
