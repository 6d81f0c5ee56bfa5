/* test-window.c: the main window driven through its own entry points:
 * al_window_open_file() (what the Open dialog, drag and drop and the
 * command line call) and its actions. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-app-test.h"
#include "al-test.h"
#include "al-window.h"
#include "io/al-io.h"
#include "io/al-tiff.h"


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
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->app = g_object_ref (shared_app);
  fx->window = al_window_new (fx->app);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fx->window));
  al_app_test_wait_until (is_allocated, fx->window);
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
  al_app_test_wait_until (is_loaded, fx->window);
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
  al_app_test_wait_until (is_loaded, fx->window);
  g_assert_nonnull (al_window_get_load_error (fx->window));
  g_assert_nonnull (strstr (al_window_get_load_error (fx->window)->message, "second.tif"));
}

/* A calibrated two-frame stack: pixel (x, y) of frame f is x + 1000 y + 1e6 f. */
static char *
write_stack (const char *dir,
             guint       width,
             guint       height)
{
  g_autoptr (AlImage) image = al_image_new (width, height, 2, NULL);
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, "stack.tif", NULL);

  for (guint f = 0; f < 2; f++)
    for (guint y = 0; y < height; y++)
      for (guint x = 0; x < width; x++)
        al_image_frame (image, f)[(gsize) y * width + x] = x + 1000.0f * y + 1e6f * f;
  al_image_set_calibration (image, 0.025, 0.025, "nm");
  g_assert_true (al_tiff_write (path, image, &error));
  g_assert_no_error (error);
  return path;
}

static gboolean
canvas_allocated (gpointer data)
{
  if (gtk_widget_get_width (data) <= 0 || !al_canvas_get_ready (data))
    return FALSE;
  /* Let what the allocation set off (zoom read-out, actions) happen too. */
  for (int i = 0; i < 100 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
  return TRUE;
}

static void
activate (Fixture    *fx,
          const char *action)
{
  if (!action_enabled (fx->window, action))
    g_error ("win.%s is disabled", action);
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), action, NULL);
}

static void
test_open_tiff (Fixture       *fx,
                gconstpointer  data)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = write_stack (dir, 640, 400);
  g_autofree char *uri = NULL;
  AlCanvas *canvas = al_window_get_canvas (fx->window);
  const AlImage *image;
  int cw, ch;
  double fit, x, y, x1, y1;
  float value;

  open_and_wait (fx, path);
  g_assert_no_error ((GError *) al_window_get_load_error (fx->window));
  al_app_test_wait_until (canvas_allocated, canvas);

  /* The canvas shows the file: its size, frames and calibration. */
  g_assert_true (al_canvas_get_has_image (canvas));
  image = al_raster_get_image (al_canvas_get_raster (canvas));
  g_assert_cmpuint (image->width, ==, 640);
  g_assert_cmpuint (image->height, ==, 400);
  g_assert_cmpuint (al_canvas_get_n_frames (canvas), ==, 2);
  g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.025, 1e-9);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fx->window)), ==, "stack.tif");
  g_assert_cmpstr (g_file_peek_path (al_window_get_file (fx->window)), ==, path);

  /* Fitted to the canvas: the whole image shows, touching two edges. */
  cw = gtk_widget_get_width (GTK_WIDGET (canvas));
  ch = gtk_widget_get_height (GTK_WIDGET (canvas));
  /* The canvas takes the window's width (less a few pixels of frame). */
  g_assert_cmpint (cw, >, 950);
  g_assert_cmpint (cw, <=, 1000);
  fit = MIN (cw / 640.0, ch / 400.0);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (canvas), fit, 1e-12);

  /* The value under the centre of the canvas: image point (319.5, 199.5)
   * lies in pixel (320, 200) of frame 0. */
  g_assert_true (al_canvas_widget_to_image (canvas, cw / 2.0, ch / 2.0, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, 319.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 199.5, 1e-9);
  g_assert_true (al_canvas_value_at (canvas, x, y, &value));
  g_assert_cmpfloat (value, ==, 320 + 200000);

  /* The zoom actions, as the keys and buttons trigger them. */
  activate (fx, "zoom-1to1");
  g_assert_cmpfloat (al_canvas_get_zoom (canvas), ==, 1.0);
  g_assert_false (action_enabled (fx->window, "zoom-1to1"));
  activate (fx, "zoom-in");
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (canvas), AL_CANVAS_ZOOM_STEP, 1e-12);
  activate (fx, "zoom-out");
  activate (fx, "zoom-out");
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (canvas), 1 / AL_CANVAS_ZOOM_STEP, 1e-12);
  activate (fx, "zoom-fit");
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (canvas), fit, 1e-12);

  /* Zooming about a point keeps the image point under it. */
  al_canvas_widget_to_image (canvas, 200, 150, &x, &y);
  al_canvas_zoom_about (canvas, 4.0, 200, 150);
  al_canvas_widget_to_image (canvas, 200, 150, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x, 1e-9);
  g_assert_cmpfloat_with_epsilon (y1, y, 1e-9);

  /* Frames: the next-frame action shows frame 1's values. */
  g_assert_false (action_enabled (fx->window, "previous-frame"));
  activate (fx, "next-frame");
  g_assert_cmpuint (al_canvas_get_frame (canvas), ==, 1);
  g_assert_true (al_canvas_value_at (canvas, 3, 2, &value));
  g_assert_cmpfloat (value, ==, 3 + 2000 + 1e6f);
  g_assert_false (action_enabled (fx->window, "next-frame"));

  /* It went into the recent files. */
  uri = g_file_get_uri (al_window_get_file (fx->window));
  g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  al_test_rmdir (dir);
}

/* An experimental image from outside (AtomSegNet, float32, 256x256). */
static void
test_open_shared_image (Fixture       *fx,
                        gconstpointer  data)
{
  g_autofree char *path = al_test_shared_path ("data/images/AtomSegNet/11133.tif");
  AlCanvas *canvas = al_window_get_canvas (fx->window);
  float value;

  if (path == NULL)
    return;
  open_and_wait (fx, path);
  g_assert_no_error ((GError *) al_window_get_load_error (fx->window));
  al_app_test_wait_until (canvas_allocated, canvas);
  /* Values that tifffile reads from the same file. */
  g_assert_true (al_canvas_value_at (canvas, 20, 10, &value));
  g_assert_cmpfloat (value, ==, 76.0f);
  g_assert_true (al_canvas_value_at (canvas, 64, 128, &value));
  g_assert_cmpfloat (value, ==, 124.0f);
  g_assert_true (al_canvas_value_at (canvas, 255, 255, &value));
  g_assert_cmpfloat (value, ==, 69.0f);
}

int
main (int argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_HANDLES_OPEN);
#define ADD(path, func) g_test_add ("/app/window/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("no-image", test_no_image);
  ADD ("bad-files", test_bad_files);
  ADD ("open-twice-keeps-last", test_open_twice_keeps_last);
  ADD ("open-tiff", test_open_tiff);
  ADD ("open-shared-image", test_open_shared_image);
#undef ADD
  status = g_test_run ();
  g_clear_object (&shared_app);
  return status;
}
