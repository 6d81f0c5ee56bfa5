/* al-window-load.c: opening an image, or an .atomlens document with its
 * image. The file is read and its first frame's mip pyramid and histogram
 * built in a GTask worker, so the window stays responsive however large the
 * image (a document's bonds and defects are recomputed there too); the
 * result is applied on the main thread. A failure shows the reader's own
 * message. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-error.h"
#include "io/al-io.h"

typedef struct
{
  AlRaster   *raster;
  AlDocument *document;   /* when an .atomlens file was opened */
  AlResults  *results;    /* the document's atoms as results */
} AlLoaded;

static void
loaded_free (AlLoaded *loaded)
{
  g_clear_pointer (&loaded->raster, al_raster_unref);
  g_clear_object (&loaded->document);
  g_clear_pointer (&loaded->results, al_results_unref);
  g_free (loaded);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlLoaded, loaded_free)

static gboolean
is_document (const char *path)
{
  return g_str_has_suffix (path, AL_DOCUMENT_EXTENSION);
}

/* A stack larger than the memory budget whose frames each fit: shown
 * frame by frame, read from the file (al_raster_new_lazy). `error` holds
 * the whole load's refusal, kept when the file is no such stack. */
static AlRaster *
open_lazily (const char *path,
             GError    **error)
{
  g_autoptr (GError) local = NULL;
  AlFrameSource *source = al_frame_source_open (path, &local);

  if (source == NULL || al_frame_source_get_n_frames (source) < 2)
    {
      g_clear_pointer (&source, al_frame_source_free);
      return NULL;
    }
  g_clear_error (error);
  return al_raster_new_lazy (source);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlRaster) raster = NULL;
  g_autoptr (AlPyramid) pyramid = NULL;
  g_autoptr (AlLoaded) loaded = g_new0 (AlLoaded, 1);
  g_autofree char *image_path = NULL;
  AlImage *image;

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_task_return_new_error (task, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a local file; AtomLens opens local files only"), uri);
      return;
    }
  /* A document names its image, which is loaded with it. */
  if (is_document (path) && (image_path = al_document_peek_image_path (path, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  image = al_image_load (image_path != NULL ? image_path : path, &error);
  if (image == NULL && image_path == NULL && g_error_matches (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE))
    raster = open_lazily (path, &error);
  if (image == NULL && raster == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (raster == NULL)
    raster = al_raster_new (image);
  if (image_path != NULL)
    {
      loaded->document = al_document_load_with_image (path, al_image_copy (image), &error);
      if (loaded->document != NULL)
        loaded->results = _al_window_results_from_document (loaded->document, cancellable, &error);
      if (loaded->results == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  /* The first frame's pyramid too, so the canvas draws at once. */
  pyramid = al_raster_get_pyramid (raster, 0, cancellable);
  if (pyramid == NULL)
    {
      g_task_return_new_error (task, AL_ERROR, AL_ERROR_CANCELLED, _("Opening was cancelled"));
      return;
    }
  loaded->raster = g_steal_pointer (&raster);
  g_task_return_pointer (task, g_steal_pointer (&loaded), (GDestroyNotify) loaded_free);
}

static void
show_error (AlWindow     *self,
            GFile        *file,
            const GError *error)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *heading = g_strdup_printf (_("Could Not Open “%s”"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_loaded (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (AlWindow) self = user_data;
  GTask *task = G_TASK (result);
  GFile *file = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlLoaded) loaded = g_task_propagate_pointer (task, &error);
  AlRaster *raster = loaded != NULL ? loaded->raster : NULL;

  /* A newer open replaced this one, or the window closed. */
  if (g_task_get_cancellable (task) != self->load_cancellable)
    return;
  g_clear_object (&self->load_cancellable);

  if (raster == NULL)
    {
      g_clear_error (&self->load_error);
      self->load_error = g_error_copy (error);
      gtk_stack_set_visible_child_name (self->stack, self->raster != NULL ? "image" : "empty");
      if (!g_error_matches (error, AL_ERROR, AL_ERROR_CANCELLED))
        show_error (self, file, error);
      _al_window_update_actions (self);
      return;
    }

  g_clear_error (&self->load_error);
  _al_window_clear_results (self);
  g_set_object (&self->file, file);
  g_clear_pointer (&self->raster, al_raster_unref);
  self->raster = al_raster_ref (raster);
  al_canvas_set_raster (self->canvas, raster);
  al_canvas_set_gamma (self->canvas, g_settings_get_double (self->settings, "contrast-gamma"));
  al_canvas_auto_levels (self->canvas,
                         g_settings_get_double (self->settings, "contrast-low-percent"),
                         g_settings_get_double (self->settings, "contrast-high-percent"));
  al_metadata_panel_set_image (self->metadata_panel, al_raster_get_image (raster));
  gtk_stack_set_visible_child_name (self->stack, "image");
  gtk_widget_grab_focus (GTK_WIDGET (self->canvas));
  _al_window_update_title (self);
  _al_window_update_frames (self);
  _al_window_add_recent (self, file);
  _al_window_update_actions (self);
  if (loaded->document != NULL)
    _al_window_set_document (self, loaded->document, loaded->results);
  else if (self->analyze_on_load)
    al_window_analyze (self);
  else
    _al_window_offer_recovery (self);
}

void
al_window_open_file (AlWindow *self,
                     GFile    *file)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autofree char *name = NULL;

  g_return_if_fail (AL_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  parent = g_file_get_parent (file);
  if (parent != NULL)
    {
      g_autofree char *uri = g_file_get_uri (parent);
      g_settings_set_string (self->settings, "last-folder", uri);
    }
  name = g_file_get_basename (file);
  adw_status_page_set_description (self->loading_page, name);
  gtk_stack_set_visible_child_name (self->stack, "loading");

  task = g_task_new (NULL, self->load_cancellable, on_loaded, g_object_ref (self));
  g_task_set_source_tag (task, al_window_open_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
  _al_window_update_actions (self);
}
