/* al-window.c: AlWindow's life cycle: the template, the settings it keeps
 * (size, maximized), and the accessors the rest of the app and the tests
 * use. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-preferences-window.h"
#include "series/al-series-view.h"

G_DEFINE_FINAL_TYPE (AlWindow, al_window, ADW_TYPE_APPLICATION_WINDOW)

guint _al_window_signals[AL_WINDOW_N_SIGNALS];

/* What needs the application (GtkWindow sets "application" only after
 * construction, so this cannot live in constructed ()). */
static void
setup_with_application (AlWindow      *self,
                        AlApplication *app)
{
  self->settings = g_object_ref (al_application_get_settings (app));
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "show-scale-bar", self->canvas, "show-scale-bar",
                   G_SETTINGS_BIND_GET);
  _al_window_init_recent (self);
  _al_window_update_actions (self);
}

AlWindow *
al_window_new (AlApplication *application)
{
  AlWindow *self;

  g_return_val_if_fail (AL_IS_APPLICATION (application), NULL);
  self = g_object_new (AL_TYPE_WINDOW, "application", application, NULL);
  setup_with_application (self, application);
  return self;
}

static void
al_window_dispose (GObject *object)
{
  AlWindow *self = AL_WINDOW (object);

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_cancellable_cancel (self->analysis_cancellable);
  g_clear_object (&self->analysis_cancellable);
  _al_window_clear_document (self);
  _al_window_finish_document (self);
  _al_window_finish_recompute (self);
  _al_window_dispose_strain (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), AL_TYPE_WINDOW);
  G_OBJECT_CLASS (al_window_parent_class)->dispose (object);
}

static void
al_window_finalize (GObject *object)
{
  AlWindow *self = AL_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->file);
  g_clear_pointer (&self->raster, al_raster_unref);
  g_clear_error (&self->load_error);
  g_clear_error (&self->analysis_error);
  g_clear_pointer (&self->results, al_results_unref);
  g_clear_object (&self->recent_menu);
  g_free (self->result_panel);
  g_free (self->result_layer);
  g_clear_pointer (&self->selection, g_array_unref);
  g_clear_pointer (&self->lasso, g_array_unref);
  g_free (self->model_file);
  g_clear_pointer (&self->step_items, g_array_unref);
  g_clear_pointer (&self->step_ring, g_array_unref);
  G_OBJECT_CLASS (al_window_parent_class)->finalize (object);
}

static void
al_window_class_init (AlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_window_dispose;
  object_class->finalize = al_window_finalize;

  g_type_ensure (AL_TYPE_CANVAS);
  g_type_ensure (AL_TYPE_LEVELS_POPOVER);
  g_type_ensure (AL_TYPE_LAYERS_PANEL);
  g_type_ensure (AL_TYPE_CLASSIFICATION_PANEL);
  g_type_ensure (AL_TYPE_METADATA_PANEL);
  g_type_ensure (AL_TYPE_INSPECTOR_PANEL);
  g_type_ensure (AL_TYPE_VIEW_OVERLAY);
  g_type_ensure (AL_TYPE_STRAIN_PANEL);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, loading_page);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, canvas);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, view_overlay);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, strain_panel);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, levels_popover);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, frame_box);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, frame_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, frame_label);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, pointer_label);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, image_label);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, panel_stack);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, layers_panel);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, classification_panel);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, metadata_panel);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, inspector_panel);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, material_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, analyze_button);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, progress_box);
  gtk_widget_class_bind_template_child (widget_class, AlWindow, progress_bar);

  /**
   * AlWindow::results-changed:
   *
   * The shown results changed (an analysis applied, an edit's recompute,
   * a document opened, results cleared): read al_window_get_results().
   */
  _al_window_signals[AL_WINDOW_RESULTS_CHANGED] =
    g_signal_new ("results-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
al_window_init (AlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  al_levels_popover_set_canvas (self->levels_popover, self->canvas);
  al_layers_panel_set_model (self->layers_panel, G_LIST_MODEL (al_canvas_get_layers (self->canvas)));
  _al_window_init_recompute (self);
  _al_window_init_edit (self);
  _al_window_init_defects (self);
  _al_window_init_view (self);
  _al_window_init_lasso (self);
  _al_window_init_step (self);
  _al_window_init_strain (self);
  _al_window_init_model (self);
  _al_window_init_document (self);
  _al_window_init_export (self);
  _al_window_init_export_data (self);
  _al_window_init_actions (self);
  _al_window_init_analysis (self);
  _al_window_init_dnd (self);
  _al_window_init_status (self);
  _al_window_init_series (self);
}

gboolean
al_window_get_loading (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  return self->load_cancellable != NULL;
}

const GError *
al_window_get_load_error (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->load_error;
}

GFile *
al_window_get_file (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->file;
}

AlCanvas *
al_window_get_canvas (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->canvas;
}

void
al_window_show_preferences (AlWindow *self)
{
  GtkWidget *prefs;

  g_return_if_fail (AL_IS_WINDOW (self));
  prefs = al_preferences_window_new (self->settings);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (prefs));
}
