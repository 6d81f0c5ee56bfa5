/* al-window-document.c: the window's AlDocument as a file: Save and Save
 * As (.atomlens), opening one (its image is loaded with it and its atoms'
 * bonds and defects recomputed in the load worker), the question on
 * closing with unsaved work, autosave every few minutes and after an
 * analysis, and the offer to restore work recovered after a crash. */
#include "al-window-private.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "al-error.h"

/* How often unsaved work is written to the recovery folder (s). */
#define AUTOSAVE_INTERVAL_S 120

/* Results for a document's atoms: each analysed frame with its bonds,
 * rings and defects recomputed (they are not saved). Runs in any thread. */
AlResults *
_al_window_results_from_document (AlDocument    *doc,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  const AlImage *image = al_document_get_image (doc);
  AlAnalysis *analysis = al_analysis_new ();
  AlStructureParams sp = { { 0 }, { 0 }, image->width, image->height };

  analysis->material = al_document_get_material (doc);
  analysis->pixel_size_nm = al_document_get_pixel_size (doc);
  analysis->width = image->width;
  analysis->height = image->height;
  for (guint f = 0; f < al_document_get_n_frames (doc); f++)
    {
      const AlAtoms *atoms = al_document_get_atoms (doc, f);
      AlFrameResult *r;

      if (atoms == NULL)
        continue;
      r = al_frame_result_new (f);
      r->atoms = al_atoms_copy (atoms);
      g_ptr_array_add (analysis->frames, r);
      if (analysis->material == NULL || atoms->n_atoms == 0)
        continue;
      r->structure = al_structure_analyze (r->atoms, analysis->material, analysis->pixel_size_nm,
                                           f, &sp, NULL, cancellable, error);
      if (r->structure == NULL)
        {
          al_analysis_free (analysis);
          return NULL;
        }
    }
  return al_results_new (analysis);
}

static void
on_autosaved (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (GError) error = NULL;

  if (!al_document_autosave_finish (AL_DOCUMENT (source), result, &error))
    g_warning ("Autosave failed: %s", error->message);
  /* Saved while the autosave was being written: nothing to recover. */
  else if (!al_document_get_modified (AL_DOCUMENT (source)))
    al_document_discard_recovery (AL_DOCUMENT (source));
}

/* The document's recovery file is gone: the one it knows of, and the one
 * an autosave still in flight is writing for its image. */
static void
discard_recovery (AlDocument *doc)
{
  const char *image_path = al_document_get_image_path (doc);

  al_document_discard_recovery (doc);
  if (image_path != NULL)
    {
      g_autofree char *path = al_document_recovery_path_for (image_path, NULL);
      g_unlink (path);
    }
}

void
_al_window_autosave (AlWindow *self)
{
  if (self->document != NULL && al_document_get_modified (self->document))
    al_document_autosave_async (self->document, NULL, NULL, on_autosaved, NULL);
}

static gboolean
autosave_tick (gpointer data)
{
  _al_window_autosave (AL_WINDOW (data));
  return G_SOURCE_CONTINUE;
}

static void
on_document_saved (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  AlWindow *self = g_task_get_source_object (task);
  AlDocument *doc = AL_DOCUMENT (source);
  GError *error = NULL;

  self->n_workers--;
  if (!al_document_save_finish (doc, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Edits made while it was written are not saved: their crash copy stays. */
  if (!al_document_get_modified (doc))
    discard_recovery (doc);
  if (doc == self->document)
    _al_window_update_title (self);
  g_task_return_boolean (task, TRUE);
}

void
al_window_save_async (AlWindow           *self,
                      GFile              *file,
                      GCancellable       *cancellable,
                      GAsyncReadyCallback callback,
                      gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (AL_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, al_window_save_async);
  if (self->document == NULL)
    {
      g_task_return_new_error (task, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "%s",
                               _("There is nothing to save before an analysis"));
      return;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_return_new_error (task, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "%s",
                               _("AtomLens saves to local files only"));
      return;
    }
  /* The document copies its state now and writes the copy in a worker:
   * what is saved is the document as it is at this call, whatever edits
   * or recomputations follow. */
  al_document_save_async (self->document, path, cancellable, on_document_saved, g_steal_pointer (&task));
  self->n_workers++;
}

gboolean
al_window_save_finish (AlWindow      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
show_save_error (AlWindow     *self,
                 const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Save"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The end of a save from the window's actions: an error is shown; with
 * `close_after` (the close question's Save) the window then closes. */
static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      close_after)
{
  AlWindow *self = AL_WINDOW (source);
  g_autoptr (GError) error = NULL;

  if (!al_window_save_finish (self, result, &error))
    show_save_error (self, error);
  else if (GPOINTER_TO_INT (close_after))
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_save_as_response (GtkNativeDialog *dialog,
                     int              response,
                     AlWindow        *self)
{
  gboolean close_after = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "close-after"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      al_window_save_async (self, file, NULL, on_saved, GINT_TO_POINTER (close_after));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
show_save_as (AlWindow *self,
              gboolean  close_after)
{
  GtkFileChooserNative *dialog;
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  const char *image_path = al_document_get_image_path (self->document);
  g_autofree char *base = image_path != NULL ? g_path_get_basename (image_path) : g_strdup ("atoms");
  char *dot = strrchr (base, '.');
  g_autofree char *name = NULL;

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, AL_DOCUMENT_EXTENSION, NULL);
  gtk_file_filter_set_name (filter, _("AtomLens Documents"));
  gtk_file_filter_add_suffix (filter, AL_DOCUMENT_EXTENSION + 1);
  dialog = gtk_file_chooser_native_new (_("Save Analysis"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  if (image_path != NULL)
    {
      g_autoptr (GFile) image = g_file_new_for_path (image_path);
      g_autoptr (GFile) folder = g_file_get_parent (image);
      gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (dialog), folder, NULL);
    }
  g_object_set_data (G_OBJECT (dialog), "close-after", GINT_TO_POINTER (close_after));
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_as_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* Saves where the document was saved before, else asks where. */
static void
save (AlWindow *self,
      gboolean  close_after)
{
  const char *path = al_document_get_path (self->document);
  g_autoptr (GFile) file = NULL;

  if (path == NULL)
    {
      show_save_as (self, close_after);
      return;
    }
  file = g_file_new_for_path (path);
  al_window_save_async (self, file, NULL, on_saved, GINT_TO_POINTER (close_after));
}

static void
save_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  if (AL_WINDOW (user_data)->document != NULL)
    save (AL_WINDOW (user_data), FALSE);
}

static void
save_as_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  if (AL_WINDOW (user_data)->document != NULL)
    show_save_as (AL_WINDOW (user_data), FALSE);
}

static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   AlWindow         *self)
{
  if (g_str_equal (response, "save"))
    save (self, TRUE);
  else if (g_str_equal (response, "discard"))
    {
      discard_recovery (self->document);
      gtk_window_destroy (GTK_WINDOW (self));
    }
}

static gboolean
on_close_request (AlWindow *self)
{
  GtkWidget *dialog;

  if (self->document == NULL || !al_document_get_modified (self->document))
    return FALSE;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Save Changes?"),
                                   _("The analysis and its corrections are not saved. "
                                     "Unsaved work is lost when the window closes."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_close_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
on_restore_response (AdwMessageDialog *dialog,
                     const char       *response,
                     AlWindow         *self)
{
  const char *recovery = g_object_get_data (G_OBJECT (dialog), "recovery");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) doc = NULL;
  g_autoptr (AlResults) results = NULL;

  if (g_str_equal (response, "discard"))
    {
      g_unlink (recovery);
      return;
    }
  if (!g_str_equal (response, "restore") || self->raster == NULL)
    return;
  doc = al_document_restore_recovery (recovery, al_image_copy (al_raster_get_image (self->raster)),
                                      &error);
  if (doc != NULL)
    results = _al_window_results_from_document (doc, NULL, &error);
  if (results == NULL)
    {
      show_save_error (self, error);
      return;
    }
  _al_window_set_document (self, doc, results);
}

void
_al_window_offer_recovery (AlWindow *self)
{
  const AlImage *image = self->raster != NULL ? al_raster_get_image (self->raster) : NULL;
  g_autofree char *recovery = NULL;
  GtkWidget *dialog;

  /* A stack read frame by frame has no document to restore into. */
  if (image == NULL || image->pixels == NULL || image->source_path == NULL
      || (recovery = al_document_find_recovery (image->source_path, NULL)) == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Restore Unsaved Work?"),
                                   _("AtomLens closed before the analysis of this image was "
                                     "saved. Its atoms and corrections can be restored."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "discard", _("_Discard"),
                                    "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "restore");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "later");
  g_object_set_data_full (G_OBJECT (dialog), "recovery", g_steal_pointer (&recovery), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry document_actions[] = {
  { "save", save_activated },
  { "save-as", save_as_activated },
};

void
_al_window_update_document_actions (AlWindow *self)
{
  gboolean doc = self->document != NULL && !al_window_get_analyzing (self);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "save")), doc);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "save-as")), doc);
}

void
_al_window_init_document (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), document_actions,
                                   G_N_ELEMENTS (document_actions), self);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request), NULL);
  self->autosave_id = g_timeout_add_seconds (AUTOSAVE_INTERVAL_S, autosave_tick, self);
}

void
_al_window_finish_document (AlWindow *self)
{
  g_clear_handle_id (&self->autosave_id, g_source_remove);
}
