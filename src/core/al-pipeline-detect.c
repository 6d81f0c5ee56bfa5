/* al-pipeline-detect.c: the pipeline's detection of one frame (or one
 * tile of it): the atoms network or the classical detection map, the
 * material guessed from a first pass in auto mode, and the (denoise)
 * stage's frame to find the columns on (see al-pipeline.h). */
#include "al-pipeline-private.h"

#include "detect/al-material-guess.h"
#include "detect/al-nn-atoms.h"
#include "nn/al-model-registry.h"

/* Share of a frame's progress bar the denoiser takes (about a tenth of
 * the detection's time on a 512² MoS2 frame). */
#define AL_PIPELINE_DENOISE_SHARE 0.1

static void
add_detect_timings (AlAnalysis         *analysis,
                    const AlDetectInfo *info)
{
  al_analysis_add_timing (analysis, "lattice", info->time_lattice_s);
  al_analysis_add_timing (analysis, "peaks", info->time_peaks_s);
  al_analysis_add_timing (analysis, "refine", info->time_refine_s);
  al_analysis_add_timing (analysis, "species", info->time_species_s);
}

void
al_pipeline_network_clear (NetworkPath *net)
{
  g_clear_pointer (&net->model, al_nn_model_free);
  g_clear_pointer (&net->channel_species, g_free);
  g_clear_pointer (&net->denoiser, al_nn_model_free);
  g_clear_pointer (&net->denoiser_path, g_free);
  g_mutex_clear (&net->denoise_lock);
}

gboolean
al_pipeline_network_load (NetworkPath *net,
                          AlAnalysis  *analysis,
                          const char  *path,
                          GError     **error)
{
  g_autoptr (GError) local = NULL;

  net->model = al_nn_model_load (path, &local);
  if (net->model == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "Cannot load network %s: ", path);
      return FALSE;
    }
  if (analysis->material == NULL)
    analysis->material = al_nn_atoms_model_material (net->model);
  net->channel_species = al_nn_atoms_channel_species (net->model, analysis->material, &local);
  if (net->channel_species == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  g_free (analysis->model_path);
  analysis->model_path = g_strdup (path);
  return TRUE;
}

/* --model auto: the atoms network for the analysis's material, if any. */
gboolean
al_pipeline_network_auto (NetworkPath *net,
                          AlAnalysis  *analysis,
                          GError     **error)
{
  g_autofree char *path = al_model_find (analysis->material, AL_MODEL_TASK_ATOMS);

  return path == NULL || al_pipeline_network_load (net, analysis, path, error);
}

/* One detection with the network's maps (when a network is loaded) or the
 * classical detection map. */
static AlAtoms *
detect_once (AlAnalysis     *analysis,
             const float    *frame,
             guint           width,
             guint           height,
             AlDetectParams *dp,
             NetworkPath    *net,
             AlDetectInfo   *info,
             AlProgress     *progress,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autofree float *maps = NULL;
  AlAtoms *atoms;

  if (net->model != NULL)
    {
      AlProgress sub = al_progress_sub (progress, 0.0, 0.7);
      gint64 start = g_get_monotonic_time ();
      maps = al_nn_atoms_maps (net->model, frame, width, height, dp->pixel_size_nm,
                               dp->n_threads, &sub, cancellable, error);
      if (maps == NULL)
        return NULL;
      al_analysis_add_timing (analysis, "network", (g_get_monotonic_time () - start) * 1e-6);
      dp->prob_maps = maps;
      dp->n_channels = al_nn_model_get_out_channels (net->model);
      dp->channel_species = net->channel_species;
      sub = al_progress_sub (progress, 0.7, 0.3);
      atoms = al_detect_run (frame, width, height, dp, info, &sub, cancellable, error);
      dp->prob_maps = NULL;
    }
  else
    atoms = al_detect_run (frame, width, height, dp, info, progress, cancellable, error);
  if (atoms != NULL)
    add_detect_timings (analysis, info);
  return atoms;
}

/* Columns found on a denoised frame take their positions from the local
 * lattice (detect/al-lattice-snap.h) in a TMD: at the doses that call for
 * denoising one column's own fit is not precise enough to count. */
static gboolean
low_dose_lattice (const AlMaterial *material)
{
  return material != NULL && material->is_tmd;
}

/* Gives the caller the denoised frame and its signal-to-noise ratio when
 * it wants them. */
static AlAtoms *
hand_over (AlAtoms *atoms,
           float  **clean,
           double   snr,
           float  **denoised,
           double  *denoise_snr)
{
  if (denoised != NULL)
    *denoised = g_steal_pointer (clean);
  if (denoise_snr != NULL)
    *denoise_snr = snr;
  return atoms;
}

/* Detection of one frame; in auto mode the first frame is detected with no
 * material, the material guessed from what was found, and detected again
 * with it (thresholds and species depend on the material);
 * with --model auto, by the material's network when there is one.
 * A denoised frame (params->denoise) is where the columns are found; they
 * are fitted on the raw `frame` unless params->fit_on_denoised. */
AlAtoms *
al_pipeline_detect_frame (AlAnalysis             *analysis,
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
                          GError                **error)
{
  AlDetectParams dp;
  AlAtoms *atoms;
  g_autofree float *clean = NULL;
  double snr = 0.0;
  const float *find_on = frame;
  AlProgress sub;
  double at = 0.0;   /* share of the progress done */

  al_detect_params_init (&dp);
  dp.material = analysis->material;
  dp.pixel_size_nm = pixel_size;
  dp.n_threads = MAX (params->n_threads, 1);
  dp.column_width_px = params->column_width_px;
  /* --denoise on: before the material is guessed, so that the guess sees
   * the columns too. */
  if (params->denoise == AL_DENOISE_ON)
    {
      sub = al_progress_sub (progress, 0.0, AL_PIPELINE_DENOISE_SHARE);
      if (!al_pipeline_denoise (analysis, net, params, analysis->material, frame, width, height,
                                pixel_size, &clean, &snr, &sub, cancellable, error))
        return NULL;
      at = AL_PIPELINE_DENOISE_SHARE;
    }
  if (clean != NULL)
    {
      find_on = clean;
      dp.refine_frame = params->fit_on_denoised ? NULL : frame;
    }
  if (net->model == NULL && params->auto_material && analysis->material == NULL
      && !analysis->material_guessed)
    {
      const AlMaterial *guess;
      sub = al_progress_sub (progress, at, (1.0 - at) / 2);
      at += (1.0 - at) / 2;
      atoms = al_detect_run (find_on, width, height, &dp, info, &sub, cancellable, error);
      if (atoms == NULL)
        return NULL;
      add_detect_timings (analysis, info);
      analysis->material_guessed = TRUE;
      guess = al_material_guess (atoms, &info->lattice, pixel_size, width, height);
      if (guess == NULL)
        return hand_over (atoms, &clean, snr, denoised, denoise_snr);
      al_atoms_free (atoms);
      analysis->material = dp.material = guess;
      if (params->auto_model && params->model_path == NULL
          && !al_pipeline_network_auto (net, analysis, error))
        return NULL;
    }
  if (params->denoise == AL_DENOISE_AUTO)
    {
      sub = al_progress_sub (progress, at, AL_PIPELINE_DENOISE_SHARE);
      at += AL_PIPELINE_DENOISE_SHARE;
      if (!al_pipeline_denoise (analysis, net, params, analysis->material, frame, width, height,
                                pixel_size, &clean, &snr, &sub, cancellable, error))
        return NULL;
      if (clean != NULL)
        {
          find_on = clean;
          dp.refine_frame = params->fit_on_denoised ? NULL : frame;
        }
    }
  dp.lattice_snap = clean != NULL && low_dose_lattice (analysis->material);
  sub = al_progress_sub (progress, at, 1.0 - at);
  dp.keep_map = map;
  atoms = detect_once (analysis, find_on, width, height, &dp, net, info, &sub, cancellable, error);
  if (atoms == NULL)
    return NULL;
  return hand_over (atoms, &clean, snr, denoised, denoise_snr);
}
