/* al-window-export-data.c: win.export-data writes the tables of the shown
 * results, hand corrections included, into a folder: atoms.csv, bonds.csv,
 * defects.csv, strain.csv and summary.json (DESIGN.md §6), through the
 * same core function as `atomlens-cli analyze` (al_export_tables). */
#include "al-window-private.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "al-error.h"
#include "export/al-export-tables.h"

/* The analysis as shown: the header of the first analysis, the frames as
 * they are now (edited frames included). The frames are borrowed. */
static AlAnalysis
current_analysis (AlResults *results)
{
  const AlAnalysis *base = al_results_get_analysis (results);
  AlAnalysis shown = *base;

  shown.frames = g_ptr_array_new ();
  for (guint i = 0; i < base->frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (base->frames, i);
      g_ptr_array_add (shown.frames, (gpointer) al_results_get_frame (results, r->frame));
    }
  return shown;
}

gboolean
al_window_export_data (AlWindow *self,
                       GFile    *folder,
                       GError  **error)
{
  g_autofree char *dir = g_file_get_path (folder);
  AlAnalysis shown;
  gboolean ok;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (self->results == NULL || self->raster == NULL
      || al_results_get_analysis (self->results)->frames->len == 0)
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                           _("Analyze the image before exporting its tables"));
      return FALSE;
    }
  if (dir == NULL)
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                           _("AtomLens exports to local files only"));
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder “%s”: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  shown = current_analysis (self->results);
  ok = al_export_tables (&shown, al_raster_get_image (self->raster), dir, AL_EXPORT_TABLES_NONE,
                         0, 0, NULL, error);
  g_ptr_array_unref (shown.frames);
  return ok;
}

static void
on_export_data_response (GtkNativeDialog *dialog,
                         int              response,
                         AlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr (GError) error = NULL;

      if (al_window_export_data (self, folder, &error))
        {
          g_autofree char *name = g_file_get_basename (folder);
          /* Translators: a toast; %s is a folder name. */
          g_autofree char *text = g_strdup_printf (_("Tables exported to “%s”"), name);
          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
      else
        {
          GtkWidget *alert = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Export"),
                                                     error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (alert), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (alert));
        }
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_data_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AlWindow *self = user_data;
  GtkFileChooserNative *dialog;

  dialog = gtk_file_chooser_native_new (_("Export Tables to a Folder"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _("_Export"),
                                        _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_data_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static const GActionEntry data_actions[] = {
  { "export-data", export_data_activated },
};

void
_al_window_init_export_data (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), data_actions, G_N_ELEMENTS (data_actions), self);
}
