/* al-pipeline.c: runs the analysis stages on each frame (see al-pipeline.h). */
#include "al-pipeline.h"

#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "al-pipeline-private.h"
#include "al-tiling.h"
#include "detect/al-material-guess.h"
#include "detect/al-nn-atoms.h"
#include "io/al-frame-source.h"
#include "nn/al-model-registry.h"
#include "track/al-frame-pool.h"
#include "track/al-key-frames.h"

/* Share of a frame's progress bar the denoiser takes (about a tenth of
 * the detection's time on a 512² MoS2 frame). */
#define AL_PIPELINE_DENOISE_SHARE 0.1

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

static void
add_detect_timings (AlAnalysis         *analysis,
                    const AlDetectInfo *info)
{
  al_analysis_add_timing (analysis, "lattice", info->time_lattice_s);
  al_analysis_add_timing (analysis, "peaks", info->time_peaks_s);
  al_analysis_add_timing (analysis, "refine", info->time_refine_s);
  al_analysis_add_timing (analysis, "species", info->time_species_s);
}

static void
network_path_clear (NetworkPath *net)
{
  g_clear_pointer (&net->model, al_nn_model_free);
  g_clear_pointer (&net->channel_species, g_free);
  g_clear_pointer (&net->denoiser, al_nn_model_free);
  g_clear_pointer (&net->denoiser_path, g_free);
  g_mutex_clear (&net->denoise_lock);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (NetworkPath, network_path_clear)

static gboolean
network_path_load (NetworkPath *net,
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
static gboolean
network_path_auto (NetworkPath *net,
                   AlAnalysis  *analysis,
                   GError     **error)
{
  g_autofree char *path = al_model_find (analysis->material, AL_MODEL_TASK_ATOMS);

  return path == NULL || network_path_load (net, analysis, path, error);
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
          && !network_path_auto (net, analysis, error))
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

/* Bonds, rings, strain and defects of one frame's atoms. The pixel size
 * is the calibration given (file or user); without one the structure stage
 * estimates it from the bonds and measures strain against the fitted
 * lattice. */
static AlStructure *
analyse_structure (AlAnalysis   *analysis,
                   AlKeyFrames  *phase_keys,
                   const float  *pixels,
                   AlAtoms      *atoms,
                   guint         frame,
                   double        pixel_size,
                   GCancellable *cancellable,
                   GError      **error)
{
  /* The phase map weighs the phase network, when there is one for the
   * material, with the atoms' neighbourhoods; in a series the network's
   * map comes from the key frames (AlPipelineParams.phase_net_every). */
  g_autofree char *phase_model = analysis->material != NULL && analysis->material->is_tmd
                                   ? al_model_find (analysis->material, AL_MODEL_TASK_PHASE) : NULL;
  AlStructureParams sp = { { 0 }, { 0 }, analysis->width, analysis->height, pixels, phase_model, 1 };
  gboolean keyed = phase_model != NULL && phase_keys != NULL;
  gint64 start = g_get_monotonic_time ();
  AlStructure *s;

  if (keyed && al_key_frames_is_key (phase_keys, frame))
    sp.keep_phase_net = TRUE;
  else if (keyed)
    sp.phase_net = al_key_frames_acquire (phase_keys, frame);
  s = al_structure_analyze (atoms, analysis->material, pixel_size, frame, &sp, NULL, cancellable, error);
  if (keyed && al_key_frames_is_key (phase_keys, frame))
    al_key_frames_publish (phase_keys, frame, s != NULL ? g_steal_pointer (&s->phase_net) : NULL);
  if (keyed)
    al_key_frames_release (phase_keys, frame);
  al_analysis_add_timing (analysis, "structure", (g_get_monotonic_time () - start) * 1e-6);
  return s;
}

/* The frames of one run: what every worker shares, and the scratch
 * analysis of each worker that collects its stage timings. */
typedef struct
{
  AlAnalysis             *analysis;
  const AlImage          *image;          /* the frames in memory, or ... */
  AlFrameSource          *source;         /* ... read one at a time from the file */
  guint                   width, height;
  const AlPipelineParams *params;
  AlPipelineParams        frame_params;   /* n_threads per frame */
  NetworkPath            *net;
  double                  pixel_size;
  guint                   first, n;
  guint                   n_done;         /* frames done, of n */
  AlFrameResult         **slots;          /* by frame - first */
  AlAnalysis            **scratch;        /* per worker */
  guint                   n_workers;
  AlProgress             *progress;
  AlKeyFrames            *phase_keys;     /* the phase network's key frames, or NULL */
} FrameRun;

/* Whether a run of n_frames frames keeps their detection maps: asked
 * for, and all of them (a byte a pixel) within their share of the memory
 * budget. */
gboolean
al_pipeline_keeps_detection_maps (const AlPipelineParams *params,
                                  guint                   n_frames,
                                  guint                   width,
                                  guint                   height)
{
  guint64 bytes = (guint64) n_frames * width * height;

  return params->keep_detection_map && bytes <= al_limits_get_memory_budget () / AL_PIPELINE_MAP_BUDGET_PART;
}

static gboolean
keep_map (const FrameRun *run)
{
  return al_pipeline_keeps_detection_maps (run->params, run->n, run->width, run->height);
}

static AlFrameResult *
analyse_frame_pixels (FrameRun     *run,
               AlAnalysis   *ctx,
               guint         f,
               AlProgress   *progress,
               GCancellable *cancellable,
               GError      **error)
{
  g_autoptr (AlFrameResult) result = al_frame_result_new (f);
  g_autofree float *buffer = NULL;
  const float *pixels;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (run->source != NULL)
    {
      /* Each worker holds only the frame it analyses. */
      buffer = g_try_new (float, (gsize) run->width * run->height);
      if (buffer == NULL)
        {
          g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE, "Not enough memory for frame %u", f);
          return NULL;
        }
      if (!al_frame_source_read (run->source, f, 1, buffer, error))
        return NULL;
      pixels = buffer;
    }
  else
    pixels = al_image_frame_const (run->image, f);
  if (run->analysis->tile_side > 0)
    result->atoms = al_tiling_detect_frame (ctx, run->analysis->tile_side, pixels, run->width,
                                            run->height, &run->frame_params, run->net,
                                            run->pixel_size, &result->detect, progress,
                                            cancellable, error);
  else
    result->atoms = al_pipeline_detect_frame (ctx, pixels, run->width, run->height,
                                              &run->frame_params, run->net, run->pixel_size,
                                              &result->detect, &result->denoised,
                                              &result->denoise_snr,
                                              keep_map (run) ? &result->detection_map : NULL,
                                              progress, cancellable, error);
  result->fitted_on_denoised = result->denoised != NULL && run->params->fit_on_denoised;
  if (result->atoms == NULL)
    return NULL;
  result->structure = analyse_structure (ctx, run->phase_keys, pixels, result->atoms, f,
                                         run->pixel_size, cancellable, error);
  if (result->structure == NULL)
    return NULL;
  return g_steal_pointer (&result);
}

/* A key frame publishes on every path, so the frames waiting for its
 * phase map go on when it fails (a later publication is ignored). */
static AlFrameResult *
analyse_frame (FrameRun     *run,
               AlAnalysis   *ctx,
               guint         f,
               AlProgress   *progress,
               GCancellable *cancellable,
               GError      **error)
{
  AlFrameResult *r = analyse_frame_pixels (run, ctx, f, progress, cancellable, error);

  if (run->phase_keys != NULL && al_key_frames_is_key (run->phase_keys, f))
    al_key_frames_publish (run->phase_keys, f, NULL);
  return r;
}

/* A series names the frame before each stage ("Frame 3 of 10: Finding
 * peaks"), so the progress is per frame as well as per stage. */
typedef struct
{
  AlProgress outer;
  guint      index;      /* from 0 */
  guint      n;
} FrameLabel;

static void
frame_label_report (const char *stage,
                    double      fraction,
                    gpointer    data)
{
  FrameLabel *l = data;
  char text[160];

  g_snprintf (text, sizeof text, "Frame %u of %u: %s", l->index + 1, l->n, stage != NULL ? stage : "");
  l->outer.func (text, fraction, l->outer.user_data);
}

/* The share of frame `index` of n in `progress`, its stages named with
 * the frame when there are several; `label` must outlive the result. */
static AlProgress
frame_progress (AlProgress *progress,
                guint       index,
                guint       n,
                FrameLabel *label)
{
  AlProgress sub = al_progress_sub (progress, (double) index / n, 1.0 / n);

  if (progress == NULL || progress->func == NULL || n < 2)
    return sub;
  *label = (FrameLabel) { *progress, index, n };
  sub.func = frame_label_report;
  sub.user_data = label;
  return sub;
}

static gpointer
frame_work (guint         f,
            guint         worker,
            gpointer      data,
            GCancellable *cancellable,
            GError      **error)
{
  FrameRun *run = data;
  FrameLabel label;
  /* One worker: the stages report into the frame's share of the bar;
   * several: the bar counts whole frames. */
  AlProgress sub = frame_progress (run->n_workers == 1 ? run->progress : NULL, f - run->first,
                                   run->n, &label);

  return analyse_frame (run, run->scratch[worker], f, &sub, cancellable, error);
}

static void
frame_done (guint    f,
            gpointer result,
            guint    n_done,
            guint    n_total,
            gpointer data)
{
  FrameRun *run = data;

  /* The pool counts only its own frames; the first may have run alone. */
  run->slots[f - run->first] = result;
  run->n_done++;
  if (run->n_workers > 1)
    {
      char text[64];
      g_snprintf (text, sizeof text, "Frames: %u of %u done", run->n_done, run->n);
      al_progress_report (run->progress, text, (double) run->n_done / run->n);
    }
  if (run->params->frame_done != NULL)
    run->params->frame_done (result, run->n_done, run->n, run->params->frame_done_data);
}

static void
frame_run_clear (FrameRun *run)
{
  for (guint i = 0; run->slots != NULL && i < run->n; i++)
    al_frame_result_free (run->slots[i]);
  g_free (run->slots);
  for (guint w = 0; run->scratch != NULL && w < run->n_workers; w++)
    al_analysis_free (run->scratch[w]);
  g_free (run->scratch);
  al_key_frames_free (run->phase_keys);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FrameRun, frame_run_clear)

/* Workers and threads per frame: frames in parallel scale better than
 * threads inside one frame (no serial parts between the stages). */
static void
frame_run_plan (FrameRun *run)
{
  const AlPipelineParams *params = run->params;
  guint threads = MAX (params->n_threads, 1);
  guint workers = params->frame_workers > 0 ? params->frame_workers : threads;
  guint every;

  if (run->net->model != NULL)
    workers = 1;   /* the network's plan and arena are not shared between threads */
  if (run->analysis->tile_side > 0)
    workers = 1;   /* frames too large for the budget: one in memory at a time */
  run->n_workers = CLAMP (workers, 1, run->n);
  run->frame_params = *params;
  run->frame_params.n_threads = MAX (threads / run->n_workers, 1);
  every = params->phase_net_every > 0 ? params->phase_net_every : AL_PIPELINE_PHASE_NET_EVERY;
  if (run->n > 1 && every > 1)
    run->phase_keys = al_key_frames_new (run->first, run->first + run->n - 1, every,
                                         (GDestroyNotify) al_phase_net_free);
  run->slots = g_new0 (AlFrameResult *, run->n);
  run->scratch = g_new0 (AlAnalysis *, run->n_workers);
  for (guint w = 0; w < run->n_workers; w++)
    {
      AlAnalysis *ctx = run->scratch[w] = al_analysis_new ();
      ctx->width = run->analysis->width;
      ctx->height = run->analysis->height;
    }
}

/* Frames [first, last] on the pool. */
static gboolean
run_frames (FrameRun     *run,
            GCancellable *cancellable,
            GError      **error)
{
  AlAnalysis *analysis = run->analysis;
  guint start = run->first;
  guint workers = run->n_workers;

  /* The first frame alone when it settles something for the others: the
   * material (auto mode) or the column width. */
  if ((run->params->auto_material && analysis->material == NULL && run->net->model == NULL)
      || (run->n > 1 && run->params->column_width_px <= 0))
    {
      FrameLabel label;
      AlProgress sub = frame_progress (run->progress, 0, run->n, &label);
      AlFrameResult *r = analyse_frame (run, analysis, start, &sub, cancellable, error);
      if (r == NULL)
        return FALSE;
      frame_done (start, r, 1, run->n, run);
      if (run->frame_params.column_width_px <= 0)
        run->frame_params.column_width_px = r->detect.column_width_px;
      start++;
      if (run->net->model != NULL && workers > 1)
        {
          /* --model auto found a network for the guessed material: one
           * frame at a time from here (see frame_run_plan). */
          workers = 1;
          run->frame_params.n_threads = MAX (run->params->n_threads, 1);
        }
    }
  for (guint w = 0; w < run->n_workers; w++)
    {
      run->scratch[w]->material = analysis->material;
      run->scratch[w]->material_guessed = TRUE;
    }
  if (start <= run->first + run->n - 1
      && !al_frame_pool_run (start, run->first + run->n - 1, workers, frame_work, frame_done,
                             run, cancellable, error))
    return FALSE;
  for (guint w = 0; w < run->n_workers; w++)
    for (guint i = 0; i < run->scratch[w]->timings->len; i++)
      {
        const AlStageTiming *t = &g_array_index (run->scratch[w]->timings, AlStageTiming, i);
        al_analysis_add_timing (analysis, t->stage, t->seconds);
      }
  return TRUE;
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
  g_auto (FrameRun) run = { 0 };
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
  if (params->model_path != NULL && !network_path_load (&net, analysis, params->model_path, error))
    return NULL;
  if (params->model_path == NULL && params->auto_model && analysis->material != NULL
      && !network_path_auto (&net, analysis, error))
    return NULL;
  if (!al_tiling_plan (analysis, params, error))
    return NULL;

  run = (FrameRun) { .analysis = analysis, .image = image, .source = source,
                     .width = image->width, .height = image->height, .params = params, .net = &net,
                     .pixel_size = pixel_size, .first = first, .n = last - first + 1,
                     .progress = progress };
  frame_run_plan (&run);
  if (!run_frames (&run, cancellable, error))
    return NULL;
  if (pixel_size <= 0 && run.slots[0]->detect.pixel_size_nm > 0)
    {
      analysis->pixel_size_nm = run.slots[0]->detect.pixel_size_nm;
      analysis->pixel_size_source = AL_PIXEL_SIZE_FROM_LATTICE;
    }
  for (guint i = 0; i < run.n; i++)
    g_ptr_array_add (analysis->frames, g_steal_pointer (&run.slots[i]));
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
