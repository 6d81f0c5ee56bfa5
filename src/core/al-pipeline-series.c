/* al-pipeline-series.c: the frames of one run: several analysed at once on
 * the frame pool (track/al-frame-pool.h), the first alone when it settles
 * the material or column width for the others, the TMD phase network on
 * key frames only (track/al-key-frames.h), and progress named by frame
 * (see al-pipeline.h). */
#include "al-error.h"
#include "al-limits.h"
#include "al-pipeline-private.h"
#include "al-tiling.h"
#include "nn/al-model-registry.h"
#include "track/al-frame-pool.h"
#include "track/al-key-frames.h"

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

gboolean
al_pipeline_run_frames (AlAnalysis             *analysis,
                        const AlImage          *image,
                        AlFrameSource          *source,
                        const AlPipelineParams *params,
                        NetworkPath            *net,
                        double                  pixel_size,
                        guint                   first,
                        guint                   last,
                        AlProgress             *progress,
                        GCancellable           *cancellable,
                        GError                **error)
{
  g_auto (FrameRun) run = { .analysis = analysis, .image = image, .source = source,
                            .width = image->width, .height = image->height,
                            .params = params, .net = net, .pixel_size = pixel_size,
                            .first = first, .n = last - first + 1, .progress = progress };

  frame_run_plan (&run);
  if (!run_frames (&run, cancellable, error))
    return FALSE;
  for (guint i = 0; i < run.n; i++)
    g_ptr_array_add (analysis->frames, g_steal_pointer (&run.slots[i]));
  return TRUE;
}
