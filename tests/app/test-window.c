/* test-window.c: the main window driven through its own entry points:
 * al_window_open_file() (what the Open dialog, drag and drop and the
 * command line call) and its actions. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-test.h"
#include "al-window.h"
#include "io/al-io.h"

#define WAIT_TIMEOUT_US (30 * G_USEC_PER_SEC)

/* One registered application per process, as in the real program. */
static AlApplication *shared_app;

typedef struct
{
  AlApplication *app;
  AlWindow      *window;
} Fixture;

static gboolean
is_loaded (gpointer data)
{
  return !al_window_get_loading (data);
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

static void
wait_until (gboolean (*done) (gpointer),
            gpointer data)
{
  gint64 end = g_get_monotonic_time () + WAIT_TIMEOUT_US;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->app = g_object_ref (shared_app);
  fx->window = al_window_new (fx->app);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fx->window));
  wait_until (is_allocated, fx->window);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  g_clear_object (&fx->app);
}

static gboolean
action_enabled (AlWindow   *window,
                const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (window), name);
}

static void
open_and_wait (Fixture    *fx,
               const char *path)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);

  al_window_open_file (fx->window, file);
  g_assert_true (al_window_get_loading (fx->window));
  /* Loading is asynchronous: the zoom actions stay off until it is done. */
  g_assert_false (action_enabled (fx->window, "zoom-in"));
  wait_until (is_loaded, fx->window);
}

static void
test_no_image (Fixture       *fx,
               gconstpointer  data)
{
  g_assert_false (al_canvas_get_has_image (al_window_get_canvas (fx->window)));
  g_assert_true (action_enabled (fx->window, "open"));
  g_assert_false (action_enabled (fx->window, "zoom-in"));
  g_assert_false (action_enabled (fx->window, "zoom-out"));
  g_assert_false (action_enabled (fx->window, "zoom-fit"));
  g_assert_false (action_enabled (fx->window, "zoom-1to1"));
  g_assert_false (action_enabled (fx->window, "auto-contrast"));
  /* An action that cannot run is refused quietly. */
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "zoom-in", NULL);
  g_assert_cmpfloat (al_canvas_get_zoom (al_window_get_canvas (fx->window)), ==, 1.0);
}

static void
test_bad_files (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *text = g_build_filename (dir, "notes.tif", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.tif", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.tif", NULL);

  g_assert_true (g_file_set_contents (text, "Sample 12, MoS2, 80 kV\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  open_and_wait (fx, text);
  g_assert_error ((GError *) al_window_get_load_error (fx->window), AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED);
  g_assert_false (al_canvas_get_has_image (al_window_get_canvas (fx->window)));
  g_assert_null (al_window_get_file (fx->window));

  open_and_wait (fx, missing);
  g_assert_error ((GError *) al_window_get_load_error (fx->window), AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND);

  open_and_wait (fx, empty);
  g_assert_error ((GError *) al_window_get_load_error (fx->window), AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);

  open_and_wait (fx, dir);
  g_assert_nonnull (al_window_get_load_error (fx->window));
  g_assert_false (action_enabled (fx->window, "zoom-in"));
  al_test_rmdir (dir);
}

static void
test_open_twice_keeps_last (Fixture       *fx,
                            gconstpointer  data)
{
  g_autoptr (GFile) first = g_file_new_for_path ("/nonexistent/first.tif");
  g_autoptr (GFile) second = g_file_new_for_path ("/nonexistent/second.tif");

  /* A second open cancels the first; only the second's outcome shows. */
  al_window_open_file (fx->window, first);
  al_window_open_file (fx->window, second);
  wait_until (is_loaded, fx->window);
  g_assert_nonnull (al_window_get_load_error (fx->window));
  g_assert_nonnull (strstr (al_window_get_load_error (fx->window)->message, "second.tif"));
}

int
main (int argc,
      char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_application_new ();
  g_application_set_flags (G_APPLICATION (shared_app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (shared_app), NULL, &error));
  g_assert_no_error (error);
#define ADD(path, func) g_test_add ("/app/window/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("no-image", test_no_image);
  ADD ("bad-files", test_bad_files);
  ADD ("open-twice-keeps-last", test_open_twice_keeps_last);
#undef ADD
  status = g_test_run ();
  g_clear_object (&shared_app);
  return status;
}
