/* cli-interrupt.c: cancel on SIGINT/SIGTERM, and outputs staged in a
 * hidden folder (see cli-interrupt.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#include "cli-interrupt.h"

struct _AlCliInterrupt
{
  GCancellable *cancellable;
  GMainContext *context;
  GMainLoop    *loop;
  GSource      *sources[2];
  GThread      *thread;
};

static gboolean
on_signal (gpointer data)
{
  AlCliInterrupt *w = data;

  if (!g_cancellable_is_cancelled (w->cancellable))
    fprintf (stderr, "\natomlens-cli: interrupted; stopping without writing\n");
  g_cancellable_cancel (w->cancellable);
  return G_SOURCE_CONTINUE;
}

static gpointer
watch_thread (gpointer data)
{
  AlCliInterrupt *w = data;

  g_main_context_push_thread_default (w->context);
  g_main_loop_run (w->loop);
  g_main_context_pop_thread_default (w->context);
  return NULL;
}

AlCliInterrupt *
al_cli_interrupt_watch (GCancellable *cancellable)
{
  static const int signals[2] = { SIGINT, SIGTERM };
  AlCliInterrupt *w = g_new0 (AlCliInterrupt, 1);

  g_return_val_if_fail (G_IS_CANCELLABLE (cancellable), NULL);
  w->cancellable = g_object_ref (cancellable);
  w->context = g_main_context_new ();
  w->loop = g_main_loop_new (w->context, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    {
      w->sources[i] = g_unix_signal_source_new (signals[i]);
      g_source_set_callback (w->sources[i], on_signal, w, NULL);
      g_source_attach (w->sources[i], w->context);
    }
  w->thread = g_thread_new ("al-interrupt", watch_thread, w);
  return w;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
al_cli_interrupt_stop (AlCliInterrupt *w)
{
  g_autoptr (GSource) quit = NULL;

  if (w == NULL)
    return;
  /* Quit from inside the loop: g_main_loop_quit() before the thread has
   * entered g_main_loop_run() would be lost. */
  quit = g_idle_source_new ();
  g_source_set_callback (quit, quit_loop, w->loop, NULL);
  g_source_attach (quit, w->context);
  g_thread_join (w->thread);
  for (guint i = 0; i < G_N_ELEMENTS (w->sources); i++)
    {
      g_source_destroy (w->sources[i]);
      g_source_unref (w->sources[i]);
    }
  g_main_loop_unref (w->loop);
  g_main_context_unref (w->context);
  g_object_unref (w->cancellable);
  g_free (w);
}

char *
al_cli_staging_new (const char *out_dir,
                    GError    **error)
{
  g_autofree char *tmpl = g_build_filename (out_dir, ".atomlens-partial-XXXXXX", NULL);

  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot create the folder “%s”: %s",
                   out_dir, g_strerror (e));
      return NULL;
    }
  if (g_mkdtemp (tmpl) == NULL)
    {
      int e = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot write into the folder “%s”: %s",
                   out_dir, g_strerror (e));
      return NULL;
    }
  return g_steal_pointer (&tmpl);
}

gboolean
al_cli_staging_commit (const char *staging,
                       const char *out_dir,
                       GError    **error)
{
  g_autoptr (GDir) dir = g_dir_open (staging, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (staging, name, NULL);
      g_autofree char *to = g_build_filename (out_dir, name, NULL);
      if (g_rename (from, to) != 0)
        {
          int e = errno;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (e), "cannot move %s into “%s”: %s",
                       name, out_dir, g_strerror (e));
          return FALSE;
        }
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (staging);
  return TRUE;
}

void
al_cli_staging_discard (const char *staging)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (staging == NULL || (dir = g_dir_open (staging, 0, NULL)) == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (staging, name, NULL);
      g_unlink (path);
    }
  g_clear_pointer (&dir, g_dir_close);
  g_rmdir (staging);
}
