/* test-series.c: a simulated MoS2 series in the window: Analyze runs every
 * frame; the Time panel's counts per frame and defect type are the rows
 * of `atomlens-cli analyze` (defects.csv) on the same file; the tracks
 * arrive as a trail layer; the frame slider moves the current frame, which
 * the panel follows; a click on a plotted point shows its frame; Play
 * steps through the frames. */
#include <stdlib.h>

#include "al-app-test.h"
#include "al-limits.h"
#include "al-test.h"
#include "canvas/al-canvas-private.h"
#include "io/al-tiff.h"
#include "simulate/al-simulate.h"
#include "series/al-series-view.h"

#define SIDE 128
#define N_FRAMES 4

static AlApplication *shared_app;

static char *
simulate_series (const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  char *path = g_build_filename (dir, "series.tif", NULL);
  AlSimParams p;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = SIDE;
  p.n_frames = N_FRAMES;
  p.seed = 11;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, "V_S=0.04", &error));
  g_assert_true (al_sim_scan_spec_parse (&p.scan, "frame_drift=0.02", &error));
  sim = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (al_tiff_write (path, sim->image, &error));
  g_assert_no_error (error);
  return path;
}

/* counts[frame][type] from the CLI's defects.csv. */
static void
cli_counts (const char *dir,
            const char *path,
            guint       counts[N_FRAMES][AL_N_DEFECT_TYPES])
{
  const char *cli = g_getenv ("AL_CLI");
  g_autofree char *out = g_build_filename (dir, "cli", NULL);
  g_autofree char *csv = g_build_filename (out, "defects.csv", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  const char *argv[] = { cli, "analyze", path, "--threads", "2", "--out", out, NULL };

  g_assert_nonnull (cli);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_true (g_file_get_contents (csv, &text, NULL, &error));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "id,frame,type,"));
  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ",", 4);
      guint frame = (guint) atoi (f[1]);
      AlDefectType type = al_defect_type_from_name (f[2]);
      g_assert_cmpuint (frame, <, N_FRAMES);
      g_assert_cmpint (type, >, AL_DEFECT_NONE);
      counts[frame][type]++;
    }
}

/* The frame slider: the scale whose range is the series' frames. */
static GtkRange *
find_slider (GtkWidget *widget)
{
  if (GTK_IS_SCALE (widget)
      && gtk_adjustment_get_upper (gtk_range_get_adjustment (GTK_RANGE (widget))) == N_FRAMES - 1)
    return GTK_RANGE (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkRange *found = find_slider (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
panel_allocated (gpointer data)
{
  return gtk_widget_get_width (GTK_WIDGET (data)) > 0;
}

static gboolean
not_ready (AlWindow *w)
{
  return al_window_get_analyzing (w) || al_window_get_tracking (w)
         || al_window_get_trail_layer (w) == NULL;
}

static gboolean
frame_moved (gpointer data)
{
  return al_canvas_get_frame (al_window_get_canvas (data)) != 0;
}

static void
test_series (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = simulate_series (dir);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  guint counts[N_FRAMES][AL_N_DEFECT_TYPES] = { { 0 } };
  AlWindow *window = al_window_new (shared_app);
  AlCanvas *canvas = al_window_get_canvas (window);
  AlTimePanel *panel = al_window_get_time_panel (window);
  GtkRange *slider;
  AlTrailLayer *trails;
  guint n_plotted = 0, total = 0;
  double x, y;

  cli_counts (dir, path, counts);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 750);
  gtk_window_present (GTK_WINDOW (window));
  al_window_open_file (window, file);
  al_app_test_wait_while (al_window_get_loading, window);
  g_assert_no_error ((GError *) al_window_get_load_error (window));
  g_assert_cmpuint (al_canvas_get_n_frames (canvas), ==, N_FRAMES);

  al_window_analyze (window);
  al_app_test_wait_while (not_ready, window);
  g_assert_null (al_window_get_analysis_error (window));

  /* The Time panel counts what the CLI wrote, frame by frame. */
  g_assert_cmpuint (al_time_panel_get_n_frames (panel), ==, N_FRAMES);
  for (guint f = 0; f < N_FRAMES; f++)
    for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES; t++)
      {
        g_assert_cmpuint (al_time_panel_get_count (panel, t, f), ==, counts[f][t]);
        total += counts[f][t];
      }
  g_assert_cmpuint (total, >, 4);

  /* The tracks are a layer above the others. */
  trails = al_window_get_trail_layer (window);
  g_assert_nonnull (trails);
  g_assert_cmpuint (al_trail_layer_get_series (trails)->n_frames, ==, N_FRAMES);
  g_assert_cmpuint (al_trail_layer_count_points (trails, N_FRAMES - 1), >,
                    al_trail_layer_count_points (trails, 0));

  /* The slider moves the frame; the panel follows. */
  slider = find_slider (GTK_WIDGET (window));
  g_assert_nonnull (slider);
  gtk_range_set_value (slider, 2);
  g_assert_cmpuint (al_canvas_get_frame (canvas), ==, 2);
  g_assert_cmpuint (al_time_panel_get_frame (panel), ==, 2);

  /* A click on the point of frame 1 shows frame 1. */
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (GTK_WIDGET (panel))), GTK_WIDGET (panel));
  al_app_test_wait_until (panel_allocated, panel);
  for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES && n_plotted == 0; t++)
    if (al_time_panel_point_position (panel, t, 1, &x, &y))
      n_plotted++;
  g_assert_cmpuint (n_plotted, ==, 1);
  g_assert_cmpint (al_time_panel_click (panel, x + 1, y - 1), ==, 1);
  g_assert_cmpuint (al_canvas_get_frame (canvas), ==, 1);
  g_assert_cmpint ((gint64) gtk_range_get_value (slider), ==, 1);
  /* Far from every point: nothing happens. */
  g_assert_cmpint (al_time_panel_click (panel, -100, -100), ==, -1);
  g_assert_cmpuint (al_canvas_get_frame (canvas), ==, 1);

  /* Play steps on from frame 0, Pause stops. */
  al_canvas_set_frame (canvas, 0);
  al_window_set_playing (window, TRUE);
  al_app_test_wait_until (frame_moved, window);
  al_window_set_playing (window, FALSE);
  g_assert_false (al_window_get_playing (window));

  gtk_window_destroy (GTK_WINDOW (window));
  al_test_rmdir (dir);
}

/* A stack over the memory budget: al_image_load() refuses it, the window
 * opens it frame by frame (each read from the file when shown), with only
 * the last few frames kept, and does not offer to analyse it. */
#define LAZY_SIDE 256
#define LAZY_FRAMES 8

static gboolean
shows_value (gpointer data)
{
  AlCanvas *canvas = data;
  float v;
  guint f = al_canvas_get_frame (canvas);

  return al_canvas_get_ready (canvas)
         && al_canvas_value_at (canvas, 5, 6, &v) && v == f * 1e6f + 6005.0f;
}

static void
test_lazy_stack (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "stack.tif", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (AlImage) stack = al_image_new (LAZY_SIDE, LAZY_SIDE, LAZY_FRAMES, NULL);
  g_autoptr (AlImage) whole = NULL;
  g_autoptr (GError) error = NULL;
  AlWindow *window;
  AlCanvas *canvas;

  for (guint f = 0; f < LAZY_FRAMES; f++)
    for (guint y = 0; y < LAZY_SIDE; y++)
      for (guint x = 0; x < LAZY_SIDE; x++)
        al_image_frame (stack, f)[y * LAZY_SIDE + x] = f * 1e6f + y * 1000.0f + x;
  g_assert_true (al_tiff_write (path, stack, &error));
  g_assert_no_error (error);
  /* 2 MiB of frames, 256 KiB each. */
  al_limits_set_memory_budget (1 << 20);
  whole = al_image_load (path, &error);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE);
  g_clear_error (&error);

  window = al_window_new (shared_app);
  canvas = al_window_get_canvas (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  al_window_open_file (window, file);
  al_app_test_wait_while (al_window_get_loading, window);
  g_assert_no_error ((GError *) al_window_get_load_error (window));
  g_assert_cmpuint (al_canvas_get_n_frames (canvas), ==, LAZY_FRAMES);
  al_app_test_wait_until (shows_value, canvas);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "analyze"));
  al_window_analyze (window);
  g_assert_false (al_window_get_analyzing (window));

  /* Every frame, read when shown. */
  for (guint f = 1; f < LAZY_FRAMES; f++)
    {
      al_canvas_set_frame (canvas, f);
      al_app_test_wait_until (shows_value, canvas);
    }
  /* Only the last few frames stay in memory. */
  g_assert_false (al_raster_has_pyramid (canvas->raster, 0));
  g_assert_true (al_raster_has_pyramid (canvas->raster, LAZY_FRAMES - 1));
  al_canvas_set_frame (canvas, 0);
  al_app_test_wait_until (shows_value, canvas);
  gtk_window_destroy (GTK_WINDOW (window));
  al_limits_set_memory_budget (0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
  g_test_add_func ("/app/series", test_series);
  g_test_add_func ("/app/series/lazy-stack", test_lazy_stack);
  status = g_test_run ();
  g_clear_object (&shared_app);
  return status;
}
