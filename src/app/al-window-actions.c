/* al-window-actions.c: the window's actions (win.*) and when they are
 * enabled. Buttons, menus and accelerators all name actions; nothing is
 * wired to a button directly. */
#include "al-window-private.h"

#include <glib/gi18n.h>

static void
on_open_response (GtkNativeDialog *dialog,
                  int              response,
                  AlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      if (file != NULL)
        al_window_open_file (self, file);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileFilter *
image_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Microscope Images"));
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_filter_add_suffix (filter, "tif");
  gtk_file_filter_add_suffix (filter, "tiff");
  gtk_file_filter_add_suffix (filter, "atomlens");
  return filter;
}

void
_al_window_show_open_dialog (AlWindow *self)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) images = image_filter ();
  g_autoptr (GtkFileFilter) all = gtk_file_filter_new ();
  g_autofree char *folder = g_settings_get_string (self->settings, "last-folder");

  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");
  dialog = gtk_file_chooser_native_new (_("Open Image"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), all);
  if (folder[0] != '\0')
    {
      g_autoptr (GFile) dir = g_file_new_for_uri (folder);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), dir, NULL);
    }
  g_signal_connect (dialog, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
open_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  _al_window_show_open_dialog (AL_WINDOW (user_data));
}

static void
open_uri_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (parameter, NULL));

  al_window_open_file (AL_WINDOW (user_data), file);
}

static void
zoom_in_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  al_canvas_zoom_in (AL_WINDOW (user_data)->canvas);
}

static void
zoom_out_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  al_canvas_zoom_out (AL_WINDOW (user_data)->canvas);
}

static void
zoom_fit_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  al_canvas_zoom_to_fit (AL_WINDOW (user_data)->canvas);
}

static void
zoom_1to1_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  al_canvas_zoom_1to1 (AL_WINDOW (user_data)->canvas);
}

static void
auto_contrast_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  AlWindow *self = user_data;

  al_canvas_auto_levels (self->canvas,
                         g_settings_get_double (self->settings, "contrast-low-percent"),
                         g_settings_get_double (self->settings, "contrast-high-percent"));
}

static void
step_frame (AlWindow *self,
            int       step)
{
  guint frame = al_canvas_get_frame (self->canvas);
  guint n = al_canvas_get_n_frames (self->canvas);

  if (n == 0 || (step < 0 && frame == 0))
    return;
  al_canvas_set_frame (self->canvas, MIN (frame + step, n - 1));
}

static void
next_frame_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  step_frame (AL_WINDOW (user_data), 1);
}

static void
previous_frame_activated (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  step_frame (AL_WINDOW (user_data), -1);
}

static void
analyze_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  al_window_analyze (AL_WINDOW (user_data));
}

static void
cancel_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  AlWindow *self = user_data;

  if (al_window_get_analyzing (self))
    al_window_cancel (self);
  else if (self->load_cancellable != NULL)
    g_cancellable_cancel (self->load_cancellable);
}

static const GActionEntry win_actions[] = {
  { "analyze", analyze_activated },
  { "cancel", cancel_activated },
  { "open", open_activated },
  { "open-uri", open_uri_activated, "s" },
  { "zoom-in", zoom_in_activated },
  { "zoom-out", zoom_out_activated },
  { "zoom-fit", zoom_fit_activated },
  { "zoom-1to1", zoom_1to1_activated },
  { "auto-contrast", auto_contrast_activated },
  { "next-frame", next_frame_activated },
  { "previous-frame", previous_frame_activated },
};

static void
set_enabled (AlWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
_al_window_update_actions (AlWindow *self)
{
  gboolean ready = al_canvas_get_ready (self->canvas);
  gboolean loading = al_window_get_loading (self);
  double zoom = al_canvas_get_zoom (self->canvas);
  guint frame = al_canvas_get_frame (self->canvas), n = al_canvas_get_n_frames (self->canvas);
  gboolean image = ready && !loading;

  set_enabled (self, "zoom-in", image && zoom < AL_CANVAS_ZOOM_MAX);
  set_enabled (self, "zoom-out", image);
  set_enabled (self, "zoom-fit", image);
  set_enabled (self, "zoom-1to1", image && zoom != 1.0);
  set_enabled (self, "auto-contrast", image);
  set_enabled (self, "next-frame", image && frame + 1 < n);
  /* A stack larger than the memory budget is shown frame by frame; its
   * analysis needs the whole image in the document (atomlens-cli analyze
   * reads such a stack a frame at a time). */
  set_enabled (self, "analyze", image && (self->raster == NULL || al_raster_get_source (self->raster) == NULL)
                                && !al_window_get_analyzing (self));
  set_enabled (self, "cancel", loading || al_window_get_analyzing (self));
  set_enabled (self, "previous-frame", image && frame > 0);
  _al_window_update_edit_actions (self);
  _al_window_update_document_actions (self);
  _al_window_update_export_actions (self);
}

void
_al_window_init_actions (AlWindow *self)
{
  g_autoptr (GPropertyAction) sidebar = g_property_action_new ("show-sidebar", self->flap, "reveal-flap");

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions, G_N_ELEMENTS (win_actions), self);
  g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (sidebar));
  g_signal_connect_object (self->canvas, "notify::zoom", G_CALLBACK (_al_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::ready", G_CALLBACK (_al_window_update_actions),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::frame", G_CALLBACK (_al_window_update_actions),
                           self, G_CONNECT_SWAPPED);
}
