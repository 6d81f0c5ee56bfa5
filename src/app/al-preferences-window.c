/* al-preferences-window.c: binds each row of the preferences to its key,
 * so a change applies at once and is remembered. */
#include "al-preferences-window.h"

struct _AlPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkSpinButton *low_spin;
  GtkSpinButton *high_spin;
  GtkSpinButton *gamma_spin;
  GtkSwitch     *scale_bar_switch;
  GtkSwitch     *recent_switch;
  GtkSpinButton *recent_spin;
};

G_DEFINE_FINAL_TYPE (AlPreferencesWindow, al_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
al_preferences_window_class_init (AlPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, low_spin);
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, high_spin);
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, gamma_spin);
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, scale_bar_switch);
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, recent_switch);
  gtk_widget_class_bind_template_child (widget_class, AlPreferencesWindow, recent_spin);
}

static void
al_preferences_window_init (AlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
al_preferences_window_new (GSettings *settings)
{
  AlPreferencesWindow *self = g_object_new (AL_TYPE_PREFERENCES_WINDOW, NULL);

  g_settings_bind (settings, "contrast-low-percent", self->low_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "contrast-high-percent", self->high_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "contrast-gamma", self->gamma_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "show-scale-bar", self->scale_bar_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "remember-recent", self->recent_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "recent-limit", self->recent_spin, "value", G_SETTINGS_BIND_DEFAULT);
  return GTK_WIDGET (self);
}
