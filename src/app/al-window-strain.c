/* al-window-strain.c: the Strain panel's window side. Results go to the
 * panel; win.compute-gpa runs geometric phase analysis of the shown frame
 * in a GTask worker (a newer run or closing the window cancels it) and
 * shows the map as the GPA Strain layer, with its colour bar over the
 * canvas while the layer is visible. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-error.h"

typedef struct
{
  AlRaster    *raster;
  guint        frame;
  AlGpaParams  params;
} GpaJob;

static void
job_free (GpaJob *job)
{
  al_raster_unref (job->raster);
  g_free (job);
}

static void
gpa_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GpaJob *job = task_data;
  const AlImage *image = al_raster_get_image (job->raster);
  GError *error = NULL;
  /* The frame's pyramid holds its pixels also when the stack is read frame
   * by frame. */
  g_autoptr (AlPyramid) pyramid = al_raster_get_pyramid (job->raster, job->frame, cancellable);
  AlGpaMaps *maps = pyramid == NULL ? NULL
                    : al_gpa_run (pyramid->levels[0].pixels, image->width, image->height,
                                  &job->params, cancellable, &error);

  if (maps == NULL && error == NULL)
    g_task_return_new_error (task, AL_ERROR, AL_ERROR_CANCELLED, "Cancelled");
  else if (maps == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, maps, (GDestroyNotify) al_gpa_maps_free);
}

/* The colour bar of the per-atom strain when that layer is shown, else of
 * the GPA map when it is. */
static void
update_color_bar (AlWindow *self)
{
  AlGpaComponent c;

  if (self->strain_layer != NULL && al_layer_get_visible (AL_LAYER (self->strain_layer))
      && al_strain_layer_get_limit (self->strain_layer, al_canvas_get_frame (self->canvas)) > 0)
    {
      double limit = al_strain_layer_get_limit (self->strain_layer, al_canvas_get_frame (self->canvas));
      /* Translators: the colour bar's title; %s is εxx, εyy, εxy or Rotation. */
      g_autofree char *title = g_strdup_printf (_("%s per atom"),
                                                al_gpa_component_title (al_strain_layer_get_component (self->strain_layer)));
      c = al_strain_layer_get_component (self->strain_layer);
      al_view_overlay_set_color_bar (self->view_overlay, title, al_gpa_component_unit (c), AL_COLORMAP_RDBU,
                                     -limit, limit);
      return;
    }
  if (self->gpa_layer == NULL || !al_layer_get_visible (AL_LAYER (self->gpa_layer)))
    {
      al_view_overlay_set_color_bar (self->view_overlay, NULL, NULL, AL_COLORMAP_RDBU, 0, 0);
      return;
    }
  c = al_gpa_layer_get_component (self->gpa_layer);
  {
    /* Translators: the colour bar's title; %s is εxx, εyy, εxy or Rotation. */
    g_autofree char *title = g_strdup_printf (_("GPA %s"), al_gpa_component_title (c));
    double limit = al_gpa_layer_get_limit (self->gpa_layer);
    al_view_overlay_set_color_bar (self->view_overlay, title, al_gpa_component_unit (c), AL_COLORMAP_RDBU,
                                   -limit, limit);
  }
}

static void
show_maps (AlWindow  *self,
           AlGpaMaps *maps,
           guint      frame)
{
  if (self->gpa_layer == NULL)
    {
      AlLayer *layer = al_gpa_layer_new (maps, frame);
      /* At the bottom, over the image and under the atoms and bonds. */
      g_list_store_insert (al_canvas_get_layers (self->canvas), 0, layer);
      g_set_weak_pointer (&self->gpa_layer, AL_GPA_LAYER (layer));
      g_signal_connect_object (layer, "notify::visible", G_CALLBACK (update_color_bar), self,
                               G_CONNECT_SWAPPED);
      g_object_unref (layer);
    }
  else
    al_gpa_layer_set_maps (self->gpa_layer, maps, frame);
  al_gpa_layer_set_component (self->gpa_layer, al_strain_panel_get_gpa_component (self->strain_panel));
  al_layer_set_visible (AL_LAYER (self->gpa_layer), TRUE);
  al_strain_panel_set_gpa_maps (self->strain_panel, al_gpa_layer_get_maps (self->gpa_layer));
  update_color_bar (self);
}

static void
on_gpa_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr (AlWindow) self = user_data;
  GTask *task = G_TASK (result);
  g_autoptr (GError) error = NULL;
  AlGpaMaps *maps = g_task_propagate_pointer (task, &error);
  GpaJob *job = g_task_get_task_data (task);

  if (g_task_get_cancellable (task) != self->gpa_cancellable)
    {
      g_clear_pointer (&maps, al_gpa_maps_free);
      return;
    }
  g_clear_object (&self->gpa_cancellable);
  g_clear_error (&self->gpa_error);
  _al_window_update_actions (self);
  if (maps == NULL)
    {
      self->gpa_error = g_error_copy (error);
      al_strain_panel_set_gpa_running (self->strain_panel, FALSE);
      al_strain_panel_set_gpa_maps (self->strain_panel,
                                    self->gpa_layer != NULL ? al_gpa_layer_get_maps (self->gpa_layer) : NULL);
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  show_maps (self, maps, job->frame);
}

void
al_window_compute_gpa (AlWindow *self)
{
  g_autoptr (GTask) task = NULL;
  GpaJob *job;

  g_return_if_fail (AL_IS_WINDOW (self));
  if (self->raster == NULL || al_window_get_loading (self))
    return;
  g_cancellable_cancel (self->gpa_cancellable);
  g_clear_object (&self->gpa_cancellable);
  self->gpa_cancellable = g_cancellable_new ();
  job = g_new0 (GpaJob, 1);
  job->raster = al_raster_ref (self->raster);
  job->frame = al_canvas_get_frame (self->canvas);
  al_strain_panel_get_gpa_params (self->strain_panel, &job->params);
  task = g_task_new (NULL, self->gpa_cancellable, on_gpa_done, g_object_ref (self));
  g_task_set_source_tag (task, al_window_compute_gpa);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, gpa_thread);
  al_strain_panel_set_gpa_running (self->strain_panel, TRUE);
  _al_window_update_actions (self);
}

gboolean
al_window_get_gpa_running (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  return self->gpa_cancellable != NULL;
}

const GError *
al_window_get_gpa_error (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->gpa_error;
}

/* The Strain per Atom layer follows the results; the first analysis's
 * layers replace the canvas's list, so it is put back at the bottom. */
static void
update_strain_layer (AlWindow *self)
{
  if (self->results == NULL)
    return;
  if (self->strain_layer == NULL)
    {
      AlLayer *layer = al_strain_layer_new (self->results);
      g_list_store_insert (al_canvas_get_layers (self->canvas), 0, layer);
      g_set_weak_pointer (&self->strain_layer, AL_STRAIN_LAYER (layer));
      g_signal_connect_object (layer, "notify::visible", G_CALLBACK (update_color_bar), self,
                               G_CONNECT_SWAPPED);
      g_object_unref (layer);
    }
  else
    al_strain_layer_set_results (self->strain_layer, self->results);
}

static void
on_results_changed (AlWindow *self)
{
  al_strain_panel_set_results (self->strain_panel, self->results, al_canvas_get_frame (self->canvas));
  update_strain_layer (self);
  update_color_bar (self);
  /* Without results the canvas dropped its layers, the GPA map with them. */
  if (self->results == NULL)
    {
      al_strain_panel_set_gpa_maps (self->strain_panel, NULL);
      update_color_bar (self);
    }
}

static void
on_gpa_component_changed (AlStrainPanel *panel,
                          int            component,
                          AlWindow      *self)
{
  if (self->gpa_layer == NULL)
    return;
  al_gpa_layer_set_component (self->gpa_layer, component);
  update_color_bar (self);
}

static void
on_strain_component_changed (AlStrainPanel *panel,
                             int            component,
                             AlWindow      *self)
{
  if (self->strain_layer == NULL)
    return;
  al_strain_layer_set_component (self->strain_layer, component);
  update_color_bar (self);
}

static void
compute_gpa_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  al_window_compute_gpa (AL_WINDOW (user_data));
}

static const GActionEntry strain_actions[] = {
  { "compute-gpa", compute_gpa_activated },
};

void
_al_window_init_strain (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), strain_actions, G_N_ELEMENTS (strain_actions), self);
  g_signal_connect (self, "results-changed", G_CALLBACK (on_results_changed), NULL);
  g_signal_connect_object (self->strain_panel, "gpa-component-changed", G_CALLBACK (on_gpa_component_changed),
                           self, 0);
  g_signal_connect_object (self->strain_panel, "strain-component-changed",
                           G_CALLBACK (on_strain_component_changed), self, 0);
}

void
_al_window_dispose_strain (AlWindow *self)
{
  g_cancellable_cancel (self->gpa_cancellable);
  g_clear_object (&self->gpa_cancellable);
  g_clear_error (&self->gpa_error);
  g_clear_weak_pointer (&self->gpa_layer);
  g_clear_weak_pointer (&self->strain_layer);
}
