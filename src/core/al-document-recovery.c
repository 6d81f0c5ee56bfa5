/* al-document-recovery.c: autosave and crash recovery. An autosave is a
 * full document written into the recovery folder under a name made from
 * the image's path; it remembers where the document itself was saved.
 * A normal save removes it, so one that is left over means a crash. */
#include "al-document-private.h"

#include <errno.h>
#include <glib/gstdio.h>

#include "io/al-io.h"

/* Characters of the path hash kept in a recovery file's name. */
#define AL_RECOVERY_HASH_CHARS 16

char *
al_document_get_recovery_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "atomlens", "recovery", NULL);
}

char *
al_document_recovery_path_for (const char *image_path,
                               const char *dir)
{
  g_autofree char *abs = NULL;
  g_autofree char *base = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *name = NULL;
  g_autofree char *default_dir = NULL;

  g_return_val_if_fail (image_path != NULL, NULL);
  abs = g_canonicalize_filename (image_path, NULL);
  base = g_path_get_basename (abs);
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, abs, -1);
  hash[AL_RECOVERY_HASH_CHARS] = '\0';
  name = g_strdup_printf ("%s-%s" AL_DOCUMENT_EXTENSION, base, hash);
  if (dir == NULL)
    dir = default_dir = al_document_get_recovery_dir ();
  return g_build_filename (dir, name, NULL);
}

static char *
prepare (AlDocument *doc,
         const char *dir,
         GError    **error)
{
  const char *image_path = al_document_get_image_path (doc);
  g_autofree char *path = NULL;
  g_autofree char *folder = NULL;

  if (image_path == NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE,
                   "The image was not read from a file; there is nothing to name a recovery file by");
      return NULL;
    }
  path = al_document_recovery_path_for (image_path, dir);
  folder = g_path_get_dirname (path);
  /* Private: recovery files hold the user's unsaved work. */
  if (g_mkdir_with_parents (folder, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot make the recovery folder “%s”: %s",
                   folder, g_strerror (saved_errno));
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
al_document_autosave (AlDocument *doc,
                      const char *dir,
                      GError    **error)
{
  AlDocumentState *state;
  g_autofree char *path = NULL;
  gboolean ok;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  if ((path = prepare (doc, dir, error)) == NULL)
    return FALSE;
  state = al_document_get_state (doc);
  g_free (state->recovery_of);
  state->recovery_of = g_strdup (al_document_get_path (doc));
  ok = al_document_state_write (state, path, error);
  g_clear_pointer (&state->recovery_of, g_free);
  if (ok)
    al_document_set_autosave_path (doc, path);
  return ok;
}

static void
autosave_thread (GTask        *task,
                 gpointer      source,
                 gpointer      data,
                 GCancellable *cancellable)
{
  AlDocumentState *snapshot = data;
  const char *path = g_object_get_data (G_OBJECT (task), "path");
  GError *error = NULL;

  if (al_document_state_write (snapshot, path, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
al_document_autosave_async (AlDocument         *doc,
                            const char         *dir,
                            GCancellable       *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer            user_data)
{
  g_autoptr (GTask) task = NULL;
  AlDocumentState *snapshot;
  GError *error = NULL;
  char *path;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  task = g_task_new (doc, cancellable, callback, user_data);
  g_task_set_source_tag (task, al_document_autosave_async);
  if ((path = prepare (doc, dir, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_object_set_data_full (G_OBJECT (task), "path", path, g_free);
  snapshot = al_document_state_copy (al_document_get_state (doc));
  snapshot->recovery_of = g_strdup (al_document_get_path (doc));
  g_task_set_task_data (task, snapshot, (GDestroyNotify) al_document_state_free);
  g_task_run_in_thread (task, autosave_thread);
}

gboolean
al_document_autosave_finish (AlDocument   *doc,
                             GAsyncResult *result,
                             GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, doc), FALSE);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  al_document_set_autosave_path (doc, g_object_get_data (G_OBJECT (result), "path"));
  return TRUE;
}

char *
al_document_find_recovery (const char *image_path,
                           const char *dir)
{
  g_autofree char *path = al_document_recovery_path_for (image_path, dir);

  return g_file_test (path, G_FILE_TEST_IS_REGULAR) ? g_steal_pointer (&path) : NULL;
}

static gint
newest_first (gconstpointer a,
              gconstpointer b)
{
  GStatBuf sa, sb;
  const char *pa = *(const char *const *) a, *pb = *(const char *const *) b;

  if (g_stat (pa, &sa) != 0 || g_stat (pb, &sb) != 0)
    return g_strcmp0 (pa, pb);
  return (sb.st_mtime > sa.st_mtime) - (sb.st_mtime < sa.st_mtime);
}

GPtrArray *
al_document_list_recovery (const char *dir)
{
  g_autofree char *default_dir = NULL;
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  GDir *d;

  if (dir == NULL)
    dir = default_dir = al_document_get_recovery_dir ();
  if ((d = g_dir_open (dir, 0, NULL)) == NULL)
    return paths;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, AL_DOCUMENT_EXTENSION))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));
  g_dir_close (d);
  g_ptr_array_sort (paths, newest_first);
  return paths;
}

AlDocument *
al_document_restore_recovery (const char *recovery_path,
                              AlImage    *image,
                              GError    **error)
{
  AlDocument *doc;
  AlDocumentState *state;

  g_return_val_if_fail (recovery_path != NULL, NULL);
  doc = image != NULL ? al_document_load_with_image (recovery_path, image, error)
                      : al_document_load (recovery_path, error);
  if (doc == NULL)
    return NULL;
  state = al_document_get_state (doc);
  /* It lives where it was saved before the crash, not in the recovery folder. */
  al_document_set_path_internal (doc, state->recovery_of);
  g_clear_pointer (&state->recovery_of, g_free);
  al_document_set_autosave_path (doc, recovery_path);
  al_document_mark_modified (doc);
  return doc;
}

void
al_document_discard_recovery (AlDocument *doc)
{
  const char *path;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  path = al_document_get_autosave_path (doc);
  if (path != NULL)
    g_unlink (path);
  al_document_set_autosave_path (doc, NULL);
}
