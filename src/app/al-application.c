/* al-application.c: application life cycle. Each window is independent;
 * opening files from the command line (HANDLES_OPEN) opens each in a window
 * of its own. */
#include "al-application.h"

#include <glib/gi18n.h>

#include "al-window.h"

struct _AlApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  gboolean        analyze;    /* --analyze: analyze each image once open */
  char           *panel;      /* --panel: the side panel shown after an analysis */
  char           *layer;      /* --show-layer: the layer shown after an analysis */
};

G_DEFINE_FINAL_TYPE (AlApplication, al_application, ADW_TYPE_APPLICATION)

typedef struct
{
  const char *action;
  const char *accels[5];   /* NULL-terminated */
} AlAccel;

static const AlAccel accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.new-window", { "<Control>n", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "window.close", { "<Control>w", NULL } },
  { "win.open", { "<Control>o", NULL } },
  { "win.zoom-in", { "plus", "equal", "KP_Add", "<Control>plus" } },
  { "win.zoom-out", { "minus", "KP_Subtract", "<Control>minus", NULL } },
  { "win.zoom-fit", { "0", "KP_0", "<Control>0", NULL } },
  { "win.zoom-1to1", { "<Control>1", "KP_1", NULL } },
  { "win.auto-contrast", { "<Control>l", NULL } },
  { "win.next-frame", { "Page_Down", NULL } },
  { "win.previous-frame", { "Page_Up", NULL } },
  { "win.show-sidebar", { "F9", NULL } },
  { "win.analyze", { "<Control>r", NULL } },
  { "win.cancel", { "Escape", NULL } },
  { "win.save", { "<Control>s", NULL } },
  { "win.save-as", { "<Control><Shift>s", NULL } },
  { "win.export-figure", { "<Control>e", NULL } },
  { "win.copy-figure", { "<Control><Shift>c", NULL } },
  { "win.undo", { "<Control>z", NULL } },
  { "win.redo", { "<Control><Shift>z", "<Control>y", NULL } },
  { "win.delete-atom", { "Delete", "KP_Delete", NULL } },
  { "win.set-species(0)", { "1", NULL } },
  { "win.set-species(1)", { "2", NULL } },
  { "win.set-species(2)", { "3", NULL } },
  { "win.set-species(3)", { "4", NULL } },
  { "win.set-species(4)", { "5", NULL } },
  { "win.set-species(5)", { "6", NULL } },
  { "win.set-species(6)", { "7", NULL } },
  { "win.set-species(7)", { "8", NULL } },
  { "win.set-species(8)", { "9", NULL } },
  { "win.tool::select", { "s", NULL } },
  { "win.tool::add", { "a", NULL } },
  { "win.tool::move", { "m", NULL } },
  { "win.tool::delete", { "d", NULL } },
  { "win.tool::lasso", { "l", NULL } },
  { "win.next-item", { "n", "F3", NULL } },
  { "win.previous-item", { "p", "<Shift>F3", NULL } },
};

/* The schema from the system, or, for an uninstalled build (./run, the
 * tests), the one compiled in the build tree. */
static GSettings *
load_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, AL_APP_ID, TRUE);
#ifdef AL_SCHEMA_BUILD_DIR
  if (schema == NULL)
    {
      g_autoptr (GSettingsSchemaSource) build =
        g_settings_schema_source_new_from_directory (AL_SCHEMA_BUILD_DIR, source, FALSE, NULL);
      if (build != NULL)
        schema = g_settings_schema_source_lookup (build, AL_APP_ID, FALSE);
    }
#endif
  if (schema == NULL)
    g_error ("The settings schema %s is not installed", AL_APP_ID);
  return g_settings_new_full (schema, NULL, NULL);
}

static AlWindow *
new_window (AlApplication *self)
{
  AlWindow *window = al_window_new (self);

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
al_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (new_window (AL_APPLICATION (app)));
  gtk_window_present (window);
}

static void
al_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      AlWindow *window = new_window (AL_APPLICATION (app));
      al_window_set_analyze_on_load (window, AL_APPLICATION (app)->analyze);
      al_window_set_result_panel (window, AL_APPLICATION (app)->panel);
      al_window_set_result_layer (window, AL_APPLICATION (app)->layer);
      al_window_open_file (window, files[i]);
    }
}

static void
on_quit (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing each window lets it save its state (and, later, ask about
   * unsaved work). */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
on_new_window (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  new_window (AL_APPLICATION (user_data));
}

static void
on_about (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The AtomLens authors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "modal", TRUE,
                        "application-name", "AtomLens",
                        "application-icon", AL_APP_ID,
                        "version", AL_VERSION,
                        "developer-name", _("The AtomLens authors"),
                        "developers", developers,
                        "comments", _("Find atoms, defects and strain in atomic-resolution "
                                      "(S)TEM images of 2D materials."),
                        "website", "https://github.com/atomlens/atomlens",
                        "issue-url", "https://github.com/atomlens/atomlens/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The AtomLens authors",
                        /* Translators: your names, one per line. */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
on_preferences (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AlApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (AL_IS_WINDOW (parent))
    al_window_show_preferences (AL_WINDOW (parent));
}

static const GActionEntry app_actions[] = {
  { "quit", on_quit },
  { "new-window", on_new_window },
  { "about", on_about },
  { "preferences", on_preferences },
};

static void
al_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (al_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), accels[i].action, accels[i].accels);
  gtk_window_set_default_icon_name (AL_APP_ID);
}

static int
al_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  if (g_variant_dict_contains (options, "analyze"))
    AL_APPLICATION (app)->analyze = TRUE;
  g_clear_pointer (&AL_APPLICATION (app)->panel, g_free);
  g_variant_dict_lookup (options, "panel", "s", &AL_APPLICATION (app)->panel);
  g_clear_pointer (&AL_APPLICATION (app)->layer, g_free);
  g_variant_dict_lookup (options, "show-layer", "s", &AL_APPLICATION (app)->layer);
  return -1;
}

static void
al_application_dispose (GObject *object)
{
  AlApplication *self = AL_APPLICATION (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->panel, g_free);
  g_clear_pointer (&self->layer, g_free);
  G_OBJECT_CLASS (al_application_parent_class)->dispose (object);
}

static void
al_application_class_init (AlApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = al_application_dispose;
  app_class->startup = al_application_startup;
  app_class->activate = al_application_activate;
  app_class->open = al_application_open;
  app_class->handle_local_options = al_application_handle_local_options;
}

static void
al_application_init (AlApplication *self)
{
  g_application_add_main_option (G_APPLICATION (self), "analyze", 'a', G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_NONE, _("Analyze each image as soon as it is open"), NULL);
  g_application_add_main_option (G_APPLICATION (self), "panel", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Side panel to show after an analysis: layers, classification, inspector or metadata"),
                                 _("PANEL"));
  g_application_add_main_option (G_APPLICATION (self), "show-layer", 0, G_OPTION_FLAG_NONE,
                                 G_OPTION_ARG_STRING,
                                 _("Layer to show after an analysis, by its name in the Layers list (e.g. phase-map)"),
                                 _("NAME"));
}

AlApplication *
al_application_new (void)
{
  /* Recent files are filed under the application's name and command. */
  if (g_get_prgname () == NULL)
    g_set_prgname ("atomlens");
  if (g_get_application_name () == NULL || g_strcmp0 (g_get_application_name (), g_get_prgname ()) == 0)
    g_set_application_name ("AtomLens");
  return g_object_new (AL_TYPE_APPLICATION,
                       "application-id", AL_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/atomlens/AtomLens",
                       NULL);
}

GSettings *
al_application_get_settings (AlApplication *self)
{
  g_return_val_if_fail (AL_IS_APPLICATION (self), NULL);
  if (self->settings == NULL)
    self->settings = load_settings ();
  return self->settings;
}
