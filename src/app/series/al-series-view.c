/* al-series-view.c: playback, the Time panel and the trails of a series
 * (see al-series-view.h). Its state hangs on the window as object data;
 * the window calls _al_window_init_series() once. */
#include "al-series-view.h"

#include <glib/gi18n.h>

#include "al-window-private.h"
#include "track/al-series.h"

#define STATE_KEY "al-series-view"

typedef struct
{
  AlWindow        *window;      /* owns this state */
  GtkToggleButton *play;
  guint            play_id;
  AlTimePanel     *time_panel;
  GtkStackPage    *time_page;
  AlTrailLayer    *trails;      /* weak: in the canvas's layer list */
  GCancellable    *cancellable; /* the tracking worker, NULL when idle */
} SeriesView;

typedef struct
{
  AlRaster  *raster;
  AlResults *results;
} TrackJob;

static SeriesView *
get_view (AlWindow *window)
{
  return g_object_get_data (G_OBJECT (window), STATE_KEY);
}

static void
series_view_free (SeriesView *v)
{
  g_clear_handle_id (&v->play_id, g_source_remove);
  g_cancellable_cancel (v->cancellable);
  g_clear_object (&v->cancellable);
  g_free (v);
}

static void
track_job_free (TrackJob *job)
{
  al_raster_unref (job->raster);
  al_results_unref (job->results);
  g_free (job);
}

static void
track_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  TrackJob *job = data;
  GError *error = NULL;
  AlSeries *series = al_series_track (al_raster_get_image (job->raster),
                                      al_results_get_analysis (job->results), cancellable, &error);

  if (series == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, series, (GDestroyNotify) al_series_free);
}

static void
remove_trails (SeriesView *v)
{
  GListStore *layers = al_canvas_get_layers (v->window->canvas);
  guint pos;

  if (v->trails != NULL && g_list_store_find (layers, v->trails, &pos))
    g_list_store_remove (layers, pos);
  v->trails = NULL;
}

static void
on_tracked (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr (AlWindow) window = data;
  SeriesView *v = get_view (window);
  g_autoptr (GError) error = NULL;
  AlSeries *series = g_task_propagate_pointer (G_TASK (result), &error);

  if (v == NULL || g_task_get_cancellable (G_TASK (result)) != v->cancellable)
    {
      g_clear_pointer (&series, al_series_free);
      return;
    }
  g_clear_object (&v->cancellable);
  if (series == NULL)
    {
      g_warning ("Tracking the series failed: %s", error->message);
      return;
    }
  remove_trails (v);
  v->trails = AL_TRAIL_LAYER (al_trail_layer_new (series));
  g_list_store_append (al_canvas_get_layers (window->canvas), v->trails);
  g_object_unref (v->trails);
}

/* New results: the Time panel counts them at once; the tracks take a
 * worker (drift by phase correlation over every frame). */
static void
on_results_changed (AlWindow *window)
{
  SeriesView *v = get_view (window);
  AlResults *results = window->results;
  const AlAnalysis *a = results != NULL ? al_results_get_analysis (results) : NULL;
  g_autoptr (GTask) task = NULL;
  TrackJob *job;

  al_time_panel_set_results (v->time_panel, results);
  al_time_panel_set_frame (v->time_panel, al_canvas_get_frame (window->canvas));
  g_cancellable_cancel (v->cancellable);
  g_clear_object (&v->cancellable);
  /* The window replaces every layer with new results; ours went too. */
  remove_trails (v);
  if (a == NULL || a->frames->len < 2 || window->raster == NULL)
    return;
  v->cancellable = g_cancellable_new ();
  job = g_new0 (TrackJob, 1);
  job->raster = al_raster_ref (window->raster);
  job->results = al_results_ref (results);
  task = g_task_new (NULL, v->cancellable, on_tracked, g_object_ref (window));
  g_task_set_task_data (task, job, (GDestroyNotify) track_job_free);
  g_task_run_in_thread (task, track_thread);
}

static void
update_for_image (SeriesView *v)
{
  guint n = al_canvas_get_n_frames (v->window->canvas);

  gtk_stack_page_set_visible (v->time_page, n > 1);
  if (n <= 1)
    al_window_set_playing (v->window, FALSE);
}

static void
on_frame (AlWindow *window)
{
  SeriesView *v = get_view (window);

  al_time_panel_set_frame (v->time_panel, al_canvas_get_frame (window->canvas));
  update_for_image (v);
}

static void
on_frame_activated (AlTimePanel *panel,
                    guint        frame,
                    AlWindow    *window)
{
  al_window_set_playing (window, FALSE);
  al_canvas_set_frame (window->canvas, frame);
}

static gboolean
play_tick (gpointer data)
{
  AlWindow *window = data;
  guint n = al_canvas_get_n_frames (window->canvas);

  if (n > 1)
    al_canvas_set_frame (window->canvas, (al_canvas_get_frame (window->canvas) + 1) % n);
  return G_SOURCE_CONTINUE;
}

static void
on_play_toggled (GtkToggleButton *button,
                 AlWindow        *window)
{
  SeriesView *v = get_view (window);
  gboolean playing = gtk_toggle_button_get_active (button);

  gtk_button_set_icon_name (GTK_BUTTON (button), playing ? "media-playback-pause-symbolic"
                                                         : "media-playback-start-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (button), playing ? _("Pause") : _("Play the series"));
  g_clear_handle_id (&v->play_id, g_source_remove);
  if (playing)
    v->play_id = g_timeout_add (1000 / AL_SERIES_PLAY_FPS, play_tick, window);
}

void
_al_window_init_series (AlWindow *window)
{
  SeriesView *v = g_new0 (SeriesView, 1);

  v->window = window;
  g_object_set_data_full (G_OBJECT (window), STATE_KEY, v, (GDestroyNotify) series_view_free);
  v->play = GTK_TOGGLE_BUTTON (gtk_toggle_button_new ());
  gtk_widget_add_css_class (GTK_WIDGET (v->play), "flat");
  gtk_box_prepend (window->frame_box, GTK_WIDGET (v->play));
  g_signal_connect (v->play, "toggled", G_CALLBACK (on_play_toggled), window);
  on_play_toggled (v->play, window);

  v->time_panel = AL_TIME_PANEL (al_time_panel_new ());
  v->time_page = gtk_stack_add_titled (window->panel_stack, GTK_WIDGET (v->time_panel), "time", _("Time"));
  gtk_stack_page_set_icon_name (v->time_page, "document-open-recent-symbolic");
  g_signal_connect_object (v->time_panel, "frame-activated", G_CALLBACK (on_frame_activated), window, 0);
  g_signal_connect_object (window->canvas, "notify::frame", G_CALLBACK (on_frame), window,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (window->canvas, "notify::has-image", G_CALLBACK (on_frame), window,
                           G_CONNECT_SWAPPED);
  g_signal_connect (window, "results-changed", G_CALLBACK (on_results_changed), NULL);
  update_for_image (v);
}

AlTimePanel *
al_window_get_time_panel (AlWindow *window)
{
  return get_view (window)->time_panel;
}

AlTrailLayer *
al_window_get_trail_layer (AlWindow *window)
{
  return get_view (window)->trails;
}

gboolean
al_window_get_tracking (AlWindow *window)
{
  return get_view (window)->cancellable != NULL;
}

void
al_window_set_playing (AlWindow *window,
                       gboolean  playing)
{
  gtk_toggle_button_set_active (get_view (window)->play, playing);
}

gboolean
al_window_get_playing (AlWindow *window)
{
  return gtk_toggle_button_get_active (get_view (window)->play);
}
