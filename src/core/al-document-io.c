/* al-document-io.c: saving and loading .atomlens files, in the calling
 * thread or (the _async forms) in a worker thread. Saving writes a
 * temporary file, syncs it and renames it over the old one, so a crash or a
 * full disk mid-save leaves the previous version intact. */
#include "al-document-private.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "al-error.h"
#include "io/al-io.h"

gboolean
al_document_state_write (AlDocumentState *state,
                         const char      *path,
                         GError         **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;
  gsize length;

  if (state->image_path == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The image was not read from a file, so a document cannot refer to it");
      return FALSE;
    }
  if (state->image_checksum == NULL)
    state->image_checksum = al_image_pixel_checksum (state->image);
  root = al_document_state_to_json (state, dir);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  if (!g_file_set_contents_full (path, text, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot save “%s”: %s", name, local->message);
      return FALSE;
    }
  return TRUE;
}

static void
saved (AlDocument *doc,
       const char *path,
       guint64     serial,
       guint64     dirty_count)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);

  al_document_set_path_internal (doc, abs);
  al_document_mark_saved (doc, serial, dirty_count);
  /* The document is safe on disk: its crash copy is stale now. */
  al_document_discard_recovery (doc);
}

gboolean
al_document_save (AlDocument *doc,
                  const char *path,
                  GError    **error)
{
  guint64 serial, dirty_count;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  al_document_get_save_point (doc, &serial, &dirty_count);
  if (!al_document_state_write (al_document_get_state (doc), path, error))
    return FALSE;
  saved (doc, path, serial, dirty_count);
  return TRUE;
}

typedef struct
{
  AlDocumentState *snapshot;
  char            *path;
  guint64          serial;
  guint64          dirty_count;
  GTask           *outer;
} SaveJob;

static void
save_job_free (gpointer p)
{
  SaveJob *job = p;

  al_document_state_free (job->snapshot);
  g_free (job->path);
  g_free (job);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  SaveJob *job = data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (al_document_state_write (job->snapshot, job->path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Back on the caller's thread: update the document, then report. */
static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  AlDocument *doc = AL_DOCUMENT (source);
  GTask *inner = G_TASK (result);
  SaveJob *job = g_task_get_task_data (inner);
  GTask *outer = user_data;
  AlDocumentState *state = al_document_get_state (doc);
  GError *error = NULL;

  if (!g_task_propagate_boolean (inner, &error))
    {
      g_task_return_error (outer, error);
      g_object_unref (outer);
      return;
    }
  if (state->image_checksum == NULL)
    state->image_checksum = g_strdup (job->snapshot->image_checksum);
  saved (doc, job->path, job->serial, job->dirty_count);
  g_task_return_boolean (outer, TRUE);
  g_object_unref (outer);
}

void
al_document_save_async (AlDocument         *doc,
                        const char         *path,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  GTask *outer, *inner;
  SaveJob *job;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  g_return_if_fail (path != NULL);
  outer = g_task_new (doc, cancellable, callback, user_data);
  g_task_set_source_tag (outer, al_document_save_async);
  /* The worker writes a copy, so the user can go on editing meanwhile. */
  job = g_new0 (SaveJob, 1);
  job->snapshot = al_document_state_copy (al_document_get_state (doc));
  job->path = g_strdup (path);
  al_document_get_save_point (doc, &job->serial, &job->dirty_count);
  inner = g_task_new (doc, cancellable, save_done, outer);
  g_task_set_task_data (inner, job, save_job_free);
  g_task_run_in_thread (inner, save_thread);
  g_object_unref (inner);
}

gboolean
al_document_save_finish (AlDocument   *doc,
                         GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, doc), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
read_document (const char *path,
               char      **text,
               gsize      *length,
               GError    **error)
{
  g_autofree char *name = g_path_get_basename (path);
  g_autoptr (GError) local = NULL;
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND, "Cannot open “%s”: %s", name,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if ((guint64) st.st_size > AL_DOCUMENT_MAX_BYTES)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s” is larger than an AtomLens document can be (1 GiB)", name);
      return FALSE;
    }
  if (!g_file_get_contents (path, text, length, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND, "Cannot read “%s”: %s", name,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

/* Prefixes the document's name to a parse error, keeping its code. */
static void
name_error (GError    **error,
            const char *path)
{
  g_autofree char *name = NULL;

  if (error == NULL || *error == NULL || path == NULL)
    return;
  name = g_path_get_basename (path);
  g_prefix_error (error, "“%s”: ", name);
}

static AlDocument *
from_root (JsonNode   *root,
           const char *doc_dir,
           AlImage    *image,
           GError    **error)
{
  AlDocumentState *state = al_document_state_from_json (root, doc_dir, image, error);

  if (state == NULL)
    {
      al_image_free (image);
      return NULL;
    }
  return al_document_new_from_state (state);
}

AlDocument *
al_document_parse (const char *text,
                   gsize       length,
                   const char *doc_dir,
                   AlImage    *image,
                   GError    **error)
{
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (text != NULL && image != NULL, NULL);
  root = al_document_parse_text (text, length, error);
  if (root == NULL)
    {
      al_image_free (image);
      return NULL;
    }
  return from_root (root, doc_dir, image, error);
}

/* Loads `path`, with `image` (taken) or else the image it names. */
static AlDocument *
load (const char *path,
      AlImage    *image,
      GError    **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  AlDocument *doc;
  gsize length;

  if (!read_document (path, &text, &length, error)
      || (root = al_document_parse_text (text, length, error)) == NULL)
    {
      name_error (error, path);
      al_image_free (image);
      return NULL;
    }
  if (image == NULL)
    {
      g_autofree char *image_path = al_document_json_image_path (root, dir, error);
      if (image_path == NULL)
        {
          name_error (error, path);
          return NULL;
        }
      image = al_image_load (image_path, error);
      if (image == NULL)
        {
          g_prefix_error (error, "The document's image cannot be opened: ");
          return NULL;
        }
    }
  doc = from_root (root, dir, image, error);
  if (doc == NULL)
    {
      name_error (error, path);
      return NULL;
    }
  al_document_set_path_internal (doc, abs);
  return doc;
}

AlDocument *
al_document_load (const char *path,
                  GError    **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return load (path, NULL, error);
}

AlDocument *
al_document_load_with_image (const char *path,
                             AlImage    *image,
                             GError    **error)
{
  g_return_val_if_fail (path != NULL && image != NULL, NULL);
  return load (path, image, error);
}

char *
al_document_peek_image_path (const char *path,
                             GError    **error)
{
  g_autofree char *abs = g_canonicalize_filename (path, NULL);
  g_autofree char *dir = g_path_get_dirname (abs);
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  gsize length;

  if (!read_document (path, &text, &length, error)
      || (root = al_document_parse_text (text, length, error)) == NULL)
    return NULL;
  return al_document_json_image_path (root, dir, error);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  AlDocument *doc;

  if (g_task_return_error_if_cancelled (task))
    return;
  /* Nobody else holds the new document yet: building it here is safe. */
  doc = load (data, NULL, &error);
  if (doc != NULL)
    g_task_return_pointer (task, doc, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
al_document_load_async (const char         *path,
                        GCancellable       *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (path != NULL);
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, al_document_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_run_in_thread (task, load_thread);
}

AlDocument *
al_document_load_finish (GAsyncResult *result,
                         GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
