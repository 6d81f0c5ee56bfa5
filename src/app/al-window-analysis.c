/* al-window-analysis.c: Analyze, its progress and Cancel. The core pipeline
 * runs in a GTask worker on the window's raster (held by reference); its
 * progress is written under a mutex and shown by one idle at a time, so a
 * chatty stage cannot flood the main loop; the results go on screen in
 * al-window-results.c. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-background.h"
#include "al-error.h"

/* Progress shared between the worker and the idle that shows it. */
typedef struct
{
  GMutex    mutex;
  char     *stage;
  double    fraction;
  guint     idle_id;     /* 0 when no update is queued */
  GWeakRef  window;
} AlProgressState;

typedef struct
{
  AlRaster         *raster;
  AlPipelineParams  params;
  AlProgressState  *progress;
  gboolean          new_document;  /* the window has none: the worker makes it */
  char             *model_path;    /* params.model_path's string */
} AlAnalysisJob;

/* What the worker hands back: everything built, nothing left to make on
 * the main thread. */
typedef struct
{
  AlResults  *results;
  AlDocument *document;   /* NULL when the window's own takes the analysis */
} AlAnalysisOutput;

static void
output_free (AlAnalysisOutput *output)
{
  g_clear_pointer (&output->results, al_results_unref);
  g_clear_object (&output->document);
  g_free (output);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlAnalysisOutput, output_free)

static void
progress_state_clear (gpointer data)
{
  AlProgressState *state = data;

  g_free (state->stage);
  g_weak_ref_clear (&state->window);
  g_mutex_clear (&state->mutex);
}

static void
progress_state_unref (AlProgressState *state)
{
  g_atomic_rc_box_release_full (state, progress_state_clear);
}

static gboolean
flush_progress (gpointer data)
{
  AlProgressState *state = data;
  g_autoptr (AlWindow) self = g_weak_ref_get (&state->window);
  g_autofree char *stage = NULL;
  double fraction;

  g_mutex_lock (&state->mutex);
  state->idle_id = 0;
  stage = g_strdup (state->stage);
  fraction = state->fraction;
  g_mutex_unlock (&state->mutex);
  if (self != NULL && self->analysis_cancellable != NULL)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0, 1));
      gtk_progress_bar_set_text (self->progress_bar, stage);
    }
  return G_SOURCE_REMOVE;
}

/* Runs in the worker. */
static void
on_progress (const char *stage,
             double      fraction,
             gpointer    user_data)
{
  AlProgressState *state = user_data;

  g_mutex_lock (&state->mutex);
  if (stage != NULL && g_strcmp0 (stage, state->stage) != 0)
    {
      g_free (state->stage);
      state->stage = g_strdup (stage);
    }
  state->fraction = fraction;
  if (state->idle_id == 0)
    state->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, flush_progress,
                                      g_atomic_rc_box_acquire (state),
                                      (GDestroyNotify) progress_state_unref);
  g_mutex_unlock (&state->mutex);
}

static void
job_free (AlAnalysisJob *job)
{
  al_raster_unref (job->raster);
  progress_state_unref (job->progress);
  g_free (job->model_path);
  g_free (job);
}

typedef struct
{
  AlAnalysisJob *job;
  GCancellable  *cancellable;
  GError        *error;
} AlAnalysisRun;

/* Pipeline, results and document: all the work, on a niced thread. */
static gpointer
analyse (gpointer data)
{
  AlAnalysisRun *run = data;
  AlAnalysisJob *job = run->job;
  AlProgress progress;
  AlAnalysis *analysis;
  AlAnalysisOutput *output;

  al_progress_init (&progress, on_progress, job->progress);
  analysis = al_pipeline_run (al_raster_get_image (job->raster), &job->params, &progress,
                              run->cancellable, &run->error);
  if (analysis == NULL)
    return NULL;
  output = g_new0 (AlAnalysisOutput, 1);
  output->results = al_results_new (analysis);
  al_results_prepare (output->results);
  if (job->new_document)
    output->document = _al_window_document_for_analysis (al_raster_get_image (job->raster), analysis);
  return output;
}

static void
analysis_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  AlAnalysisRun run = { task_data, cancellable, NULL };
  AlAnalysisOutput *output = al_background_run (analyse, &run);

  if (output == NULL)
    g_task_return_error (task, run.error);
  else
    g_task_return_pointer (task, output, (GDestroyNotify) output_free);
}

static void
set_running (AlWindow *self,
             gboolean  running)
{
  gtk_widget_set_visible (self->progress_box, running);
  gtk_widget_set_visible (self->analyze_button, !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->material_dropdown), !running);
  /* The worker reads the calibration: no edits while it runs. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->metadata_panel), !running);
  if (running)
    {
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
      gtk_progress_bar_set_text (self->progress_bar, _("Starting…"));
    }
  _al_window_update_actions (self);
}

/* The side panel opens when an analysis starts, on the page the results
 * will show, rather than when they arrive: its first layout (~10 ms for
 * all its pages) and the reveal animation's frames would otherwise come
 * on top of applying the results. */
static void
open_side_panel (AlWindow *self)
{
  const char *panel = self->result_panel != NULL ? self->result_panel : "classification";

  if (adw_flap_get_reveal_flap (self->flap) || self->side_panel_pending)
    return;
  if (gtk_stack_get_child_by_name (self->panel_stack, panel) != NULL)
    gtk_stack_set_visible_child_name (self->panel_stack, panel);
  _al_window_reveal_side_panel (self);
}

static void
on_analyzed (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AlWindow) self = user_data;
  GTask *task = G_TASK (result);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlAnalysisOutput) output = g_task_propagate_pointer (task, &error);
  gint64 start;

  self->n_workers--;
  /* A newer run replaced this one, or the window closed. */
  if (g_task_get_cancellable (task) != self->analysis_cancellable)
    return;
  g_clear_object (&self->analysis_cancellable);
  set_running (self, FALSE);
  g_clear_error (&self->analysis_error);
  if (output == NULL)
    {
      self->analysis_error = g_error_copy (error);
      if (!g_error_matches (error, AL_ERROR, AL_ERROR_CANCELLED)
          && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Analysis Failed"),
                                                      error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (dialog));
        }
      else
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Analysis cancelled")));
      return;
    }
  start = g_get_monotonic_time ();
  _al_window_take_analysis (self, output->results, output->document);
  g_debug ("analysis results applied in %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  _al_window_reveal_side_panel (self);
  _al_window_show_result_panel (self);
  _al_window_show_result_layer (self);
}

void
al_window_analyze (AlWindow *self)
{
  g_autoptr (GTask) task = NULL;
  AlAnalysisJob *job;
  guint material = gtk_drop_down_get_selected (self->material_dropdown);

  g_return_if_fail (AL_IS_WINDOW (self));
  /* A stack read frame by frame is not analysed here (see
   * _al_window_update_actions). */
  if (self->raster == NULL || al_window_get_loading (self) || al_raster_get_source (self->raster) != NULL)
    return;
  g_cancellable_cancel (self->analysis_cancellable);
  g_clear_object (&self->analysis_cancellable);
  self->analysis_cancellable = g_cancellable_new ();

  job = g_new0 (AlAnalysisJob, 1);
  job->raster = al_raster_ref (self->raster);
  al_pipeline_params_init (&job->params);
  /* Row 0 of the drop-down is "Automatic"; then the materials in order. */
  if (material == 0 || material == GTK_INVALID_LIST_POSITION)
    job->params.auto_material = TRUE;
  else
    job->params.material = al_material_get ((AlMaterialId) (material - 1));
  _al_window_model_params (self, &job->params, &job->model_path);
  job->new_document = self->document == NULL;
  /* Leave one core to the window, so it stays responsive. */
  job->params.n_threads = MAX (1, (int) g_get_num_processors () - 1);
  /* For the Probability Map layer (within its share of the budget). */
  job->params.keep_detection_map = TRUE;
  job->progress = g_atomic_rc_box_new0 (AlProgressState);
  g_mutex_init (&job->progress->mutex);
  g_weak_ref_init (&job->progress->window, self);

  task = g_task_new (NULL, self->analysis_cancellable, on_analyzed, g_object_ref (self));
  g_task_set_source_tag (task, al_window_analyze);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, analysis_thread);
  self->n_workers++;
  set_running (self, TRUE);
  open_side_panel (self);
}

void
al_window_cancel (AlWindow *self)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  /* The worker stops at its next check; its callback then finds the run
   * no longer current. The window is idle again at once. */
  if (self->analysis_cancellable != NULL)
    {
      g_cancellable_cancel (self->analysis_cancellable);
      g_clear_object (&self->analysis_cancellable);
      g_clear_error (&self->analysis_error);
      g_set_error_literal (&self->analysis_error, AL_ERROR, AL_ERROR_CANCELLED, _("Analysis cancelled"));
      set_running (self, FALSE);
    }
}

void
al_window_set_analyze_on_load (AlWindow *self,
                               gboolean  analyze)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  self->analyze_on_load = analyze;
}

gboolean
al_window_get_analyzing (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  return self->analysis_cancellable != NULL;
}

gboolean
al_window_get_busy (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  return self->n_workers > 0 || al_strain_panel_get_busy (self->strain_panel);
}

const GError *
al_window_get_analysis_error (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->analysis_error;
}

static void
on_canvas_clicked (AlCanvas *canvas,
                   double    x,
                   double    y,
                   AlWindow *self)
{
  _al_window_canvas_clicked (self, x, y);
}

static void
on_frame_changed (AlWindow *self)
{
  al_classification_panel_set_results (self->classification_panel, self->results,
                                       al_canvas_get_frame (self->canvas));
  /* Atom indices belong to one frame. */
  if (self->atoms_layer != NULL)
    al_atoms_layer_set_selected (self->atoms_layer, -1);
  al_inspector_panel_show_atom (self->inspector_panel, NULL, 0, -1);
}

static void
on_pixel_size_changed (AlMetadataPanel *panel,
                       double           nm,
                       AlWindow        *self)
{
  if (self->raster == NULL)
    return;
  al_raster_set_pixel_size (self->raster, nm);
  if (self->document != NULL)
    al_document_set_pixel_size_override (self->document, nm);
  _al_window_update_title (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->canvas));
}

void
_al_window_init_analysis (AlWindow *self)
{
  g_autoptr (GtkStringList) materials = gtk_string_list_new (NULL);

  gtk_string_list_append (materials, _("Automatic"));
  for (int m = 0; m < AL_N_MATERIALS; m++)
    gtk_string_list_append (materials, al_material_get ((AlMaterialId) m)->label);
  gtk_drop_down_set_model (self->material_dropdown, G_LIST_MODEL (materials));
  g_signal_connect_object (self->canvas, "notify::frame", G_CALLBACK (on_frame_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "clicked", G_CALLBACK (on_canvas_clicked), self, 0);
  g_signal_connect_object (self->metadata_panel, "pixel-size-changed",
                           G_CALLBACK (on_pixel_size_changed), self, 0);
}
