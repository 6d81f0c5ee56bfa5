/* bench-canvas.c: how fast the window opens and pans a large image. Not a
 * test (speed goals live in benchmarks): run it under Xvfb with the Cairo
 * renderer, as `./run bench` does:
 *
 *   GSK_RENDERER=cairo xvfb-run -a build/tests/app/bench-canvas [IMAGE.tif]
 *
 * With --overlays-only it skips the runs without overlays; --atoms N
 * draws about N atoms instead of 10^5 (the honeycomb made denser, e.g.
 * 1000000 for the 10^6-atom goal). Without IMAGE
 * it writes an 8192 x 8192 float32 TIFF of a noisy hexagonal
 * lattice to a temporary folder. It reports the load time and memory, then
 * pans at several zooms, timing each frame from the frame clock's
 * before-paint to after-paint (layout, the canvas's snapshot and rendering),
 * in wall time and in the main thread's CPU time (which a busy machine does
 * not inflate).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "al-canvas-private.h"
#include "al-test.h"
#include "al-window.h"
#include "io/al-tiff.h"
#include "graph/al-bonds.h"

#define BENCH_SIDE 8192
#define PAN_FRAMES 150
#define PAN_PX_PER_FRAME 24.0
/* Lattice spacing of the synthetic image, pixels. */
#define LATTICE_PX 12.0
/* Zoom scenario: 2^(1/35) per frame, 35 frames in, 35 out, repeated. */
#define ZOOM_FRAMES_EACH_WAY 35
#define ZOOM_STEP_PER_FRAME 1.0200

typedef struct
{
  AlWindow *window;
  AlCanvas *canvas;
  GArray   *frame_ms;
  GArray   *snapshot_ms;
  GArray   *frame_cpu_ms;
  GArray   *snapshot_cpu_ms;
  gint64    paint_start;
  gint64    paint_start_cpu;
  int       frames_left;
  double    direction;
  gboolean  zooming;
  gboolean  redrawing;
  guint     n_fallback;
  guint     n_overlay_fallback;
} Bench;

static char *
write_lattice (const char *dir)
{
  g_autoptr (AlImage) image = al_image_new (BENCH_SIDE, BENCH_SIDE, 1, NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GError) error = NULL;
  char *path = g_build_filename (dir, "lattice-8192.tif", NULL);
  float *p = al_image_frame (image, 0);
  double k = 2 * G_PI / LATTICE_PX;

  for (guint y = 0; y < BENCH_SIDE; y++)
    for (guint x = 0; x < BENCH_SIDE; x++)
      {
        /* Three plane waves at 120° make a hexagonal pattern of peaks. */
        double v = cos (k * x) + cos (k * (-0.5 * x + 0.866 * y)) + cos (k * (-0.5 * x - 0.866 * y));
        p[(gsize) y * BENCH_SIDE + x] = (float) (v + g_rand_double_range (rand, -0.5, 0.5));
      }
  al_image_set_calibration (image, 0.02, 0.02, "nm");
  if (!al_tiff_write (path, image, &error))
    g_error ("%s", error->message);
  return path;
}

static long
status_kib (const char *key)
{
  g_autofree char *text = NULL;
  const char *at;

  if (!g_file_get_contents ("/proc/self/status", &text, NULL, NULL) || (at = strstr (text, key)) == NULL)
    return -1;
  return strtol (at + strlen (key) + 1, NULL, 10);
}

/* Overlay tiles still being rendered by workers. */
static guint
overlays_pending (AlCanvas *canvas)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (canvas));
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      n += al_layer_get_n_pending (layer);
    }
  return n;
}

static void
on_before_paint (GdkFrameClock *clock,
                 Bench         *b)
{
  b->paint_start = g_get_monotonic_time ();
  b->paint_start_cpu = _al_thread_cpu_time_us ();
  b->canvas->snapshot_us = -1;
}

static void
on_after_paint (GdkFrameClock *clock,
                Bench         *b)
{
  double ms = (g_get_monotonic_time () - b->paint_start) / 1000.0;
  double snap = b->canvas->snapshot_us / 1000.0;
  double cpu = (_al_thread_cpu_time_us () - b->paint_start_cpu) / 1000.0;
  double snap_cpu = b->canvas->snapshot_cpu_us / 1000.0;

  if (b->frames_left <= 0 || b->canvas->snapshot_us < 0)
    return;
  g_array_append_val (b->frame_ms, ms);
  g_array_append_val (b->snapshot_ms, snap);
  g_array_append_val (b->frame_cpu_ms, cpu);
  g_array_append_val (b->snapshot_cpu_ms, snap_cpu);
  if (al_tile_cache_get_n_pending (b->canvas->tiles) > 0)
    b->n_fallback++;
  if (overlays_pending (b->canvas) > 0)
    b->n_overlay_fallback++;
}

static gboolean
pan_tick (GtkWidget     *widget,
          GdkFrameClock *clock,
          gpointer       data)
{
  Bench *b = data;
  double before_x = al_canvas_get_offset_x (b->canvas), before_y = al_canvas_get_offset_y (b->canvas);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);

  if (b->frames_left-- <= 0)
    return G_SOURCE_REMOVE;
  if (b->redrawing)
    {
      /* Nothing moves: what a redraw alone costs (a selection, a hover). */
      gtk_widget_queue_draw (widget);
      return G_SOURCE_CONTINUE;
    }
  if (b->zooming)
    {
      /* From fit to twice fit and back, about the centre. */
      if ((b->frames_left / ZOOM_FRAMES_EACH_WAY) % 2 == 0)
        al_canvas_zoom_about (b->canvas, al_canvas_get_zoom (b->canvas) * ZOOM_STEP_PER_FRAME, w / 2.0, h / 2.0);
      else
        al_canvas_zoom_about (b->canvas, al_canvas_get_zoom (b->canvas) / ZOOM_STEP_PER_FRAME, w / 2.0, h / 2.0);
      return G_SOURCE_CONTINUE;
    }
  al_canvas_pan_by (b->canvas, -b->direction * PAN_PX_PER_FRAME, -b->direction * PAN_PX_PER_FRAME / 2);
  /* Bounce at the image's edges. */
  if (al_canvas_get_offset_x (b->canvas) == before_x || al_canvas_get_offset_y (b->canvas) == before_y)
    b->direction = -b->direction;
  return G_SOURCE_CONTINUE;
}

/* About 10^5 atoms by default: a honeycomb over the whole image, with
 * bonds and a point defect every few hundred atoms. A honeycomb of bond
 * length d has 2 / (1.5 √3 d²) atoms per px². */
#define OVERLAY_ATOMS 1e5
#define OVERLAY_DEFECT_EVERY 300
static double overlay_nn_px = 22.7;

static void
set_overlay_atoms (double n)
{
  overlay_nn_px = BENCH_SIDE * sqrt (2 / (1.5 * sqrt (3.0) * n));
}

static AlResults *
make_overlay_results (void)
{
  const AlMaterial *graphene = al_material_get (AL_MATERIAL_GRAPHENE);
  AlAnalysis *analysis = al_analysis_new ();
  AlFrameResult *r = al_frame_result_new (0);
  double a = overlay_nn_px * sqrt (3.0), row = a * sqrt (3.0) / 2;
  AlBondParams bond_params = { 0 };
  g_autoptr (GError) error = NULL;

  r->atoms = al_atoms_new (0);
  for (int j = 0; j * row < BENCH_SIDE; j++)
    for (int i = -1; i * a < BENCH_SIDE; i++)
      {
        double x = i * a + (j % 2) * a / 2, y = j * row;
        if (x >= 0 && x < BENCH_SIDE)
          al_atoms_append (r->atoms, x, y, 0);
        if (x + a / 2 >= 0 && x + a / 2 < BENCH_SIDE && y + overlay_nn_px / 2 < BENCH_SIDE)
          al_atoms_append (r->atoms, x + a / 2, y + overlay_nn_px / 2, 0);
      }
  r->structure = g_new0 (AlStructure, 1);
  bond_params.nn_px = overlay_nn_px;
  r->structure->bonds = al_bonds_build (r->atoms, graphene, &bond_params, &error);
  if (r->structure->bonds == NULL)
    g_error ("%s", error->message);
  r->structure->defects = al_defects_new ();
  for (guint i = 0; i < r->atoms->n_atoms; i += OVERLAY_DEFECT_EVERY)
    {
      guint32 member = i;
      al_defects_add (r->structure->defects, AL_DEFECT_V1, 0, r->atoms->x[i], r->atoms->y[i], &member, 1);
    }
  analysis->material = graphene;
  analysis->width = analysis->height = BENCH_SIDE;
  g_ptr_array_add (analysis->frames, r);
  printf ("overlay: %u atoms, %u bonds, %u defects\n", r->atoms->n_atoms, r->structure->bonds->n_bonds,
          al_defects_len (r->structure->defects));
  return al_results_new (analysis);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* What a redraw cost before overlays were kept in tiles: every layer's
 * marks drawn over the whole view, on this thread (CPU ms, median of a
 * few). */
#define DIRECT_RUNS 15

static double
direct_render_ms (AlCanvas *canvas)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (canvas));
  double ms[DIRECT_RUNS];
  AlCanvasView view;
  cairo_surface_t *surface;

  al_canvas_get_view (canvas, &view);
  /* Kept from frame to frame, as the old drawing did. */
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, view.widget_width, view.widget_height);
  for (guint run = 0; run < DIRECT_RUNS; run++)
    {
      gint64 start = _al_thread_cpu_time_us ();

      for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
        {
          g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
          AlLayerClass *klass = AL_LAYER_GET_CLASS (layer);
          cairo_t *cr;
          gpointer data;

          if (klass->render == NULL || (data = klass->capture (layer)) == NULL)
            continue;
          cr = cairo_create (surface);
          cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
          cairo_paint (cr);
          cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
          klass->render (data, cr, &view);
          cairo_destroy (cr);
          klass->release (data);
        }
      ms[run] = (_al_thread_cpu_time_us () - start) / 1000.0;
    }
  cairo_surface_destroy (surface);
  qsort (ms, DIRECT_RUNS, sizeof ms[0], compare_double);
  return ms[DIRECT_RUNS / 2];
}

static void
report (const char *what,
        GArray     *values)
{
  double *v = (double *) values->data, sum = 0;

  g_array_sort (values, compare_double);
  for (guint i = 0; i < values->len; i++)
    sum += v[i];
  if (values->len == 0)
    {
      printf ("  %-9s no frames\n", what);
      return;
    }
  printf ("  %-10s median %6.2f ms  mean %6.2f  p95 %6.2f  max %6.2f  (%u frames)\n", what,
          v[values->len / 2], sum / values->len, v[(guint) (values->len * 0.95)],
          v[values->len - 1], values->len);
}

/* zoom > 0: pan at that zoom; 0: zoom in and out about fit; < 0: redraw
 * at fit without moving. */
static void
pan_at (Bench  *b,
        double  zoom)
{
  gint64 start;

  g_array_set_size (b->frame_ms, 0);
  g_array_set_size (b->snapshot_ms, 0);
  g_array_set_size (b->frame_cpu_ms, 0);
  g_array_set_size (b->snapshot_cpu_ms, 0);
  b->n_fallback = 0;
  b->n_overlay_fallback = 0;
  b->direction = 1;
  b->zooming = zoom == 0;
  b->redrawing = zoom < 0;
  start = g_get_monotonic_time ();
  if (zoom <= 0)
    al_canvas_zoom_to_fit (b->canvas);
  else
    {
      al_canvas_set_zoom (b->canvas, zoom);
      al_canvas_center_on (b->canvas, BENCH_SIDE / 2.0, BENCH_SIDE / 2.0);
    }
  /* Let the first view's tiles arrive, as a user would see them. */
  for (int i = 0; i < 400 && (al_tile_cache_get_n_pending (b->canvas->tiles) > 0
                              || overlays_pending (b->canvas) > 0 || i < 2); i++)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (al_canvas_get_layers (b->canvas))) > 0)
    printf ("overlay tiles of the first view rendered (workers) in %.0f ms\n",
            (g_get_monotonic_time () - start) / 1000.0);
  b->frames_left = PAN_FRAMES;
  gtk_widget_add_tick_callback (GTK_WIDGET (b->canvas), pan_tick, b, NULL);
  while (b->frames_left > 0)
    g_main_context_iteration (NULL, TRUE);
  if (b->zooming)
    printf ("zoom between fit and twice fit (%.0f%% per frame):\n", (ZOOM_STEP_PER_FRAME - 1) * 100);
  else if (b->redrawing)
    printf ("redraw at fit (zoom %.3f), nothing moving:\n", al_canvas_get_zoom (b->canvas));
  else
    printf ("pan at zoom %.3f (mip level %u), %.0f px per frame:\n", al_canvas_get_zoom (b->canvas),
            al_pyramid_level_for_zoom (b->canvas->pyramid, al_canvas_get_zoom (b->canvas)),
            PAN_PX_PER_FRAME);
  if (g_list_model_get_n_items (G_LIST_MODEL (al_canvas_get_layers (b->canvas))) > 0)
    printf ("  all marks drawn on the main thread, no tiles (the cost of every redraw before): "
            "median %.2f ms CPU\n", direct_render_ms (b->canvas));
  report ("frame", b->frame_ms);
  report ("frame cpu", b->frame_cpu_ms);
  report ("snapshot", b->snapshot_ms);
  report ("snap cpu", b->snapshot_cpu_ms);
  printf ("  frames drawn while tiles were pending (coarser stand-ins): %u; tile cache %.0f MiB\n",
          b->n_fallback, al_tile_cache_get_bytes (b->canvas->tiles) / 1048576.0);
  if (g_list_model_get_n_items (G_LIST_MODEL (al_canvas_get_layers (b->canvas))) > 0)
    printf ("  frames drawn while overlay tiles were pending (old or other-zoom tiles stand in): %u\n",
            b->n_overlay_fallback);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (AlApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  Bench b = { 0 };
  gint64 start;
  long rss_before;
  static const double zooms[] = { 0 /* fit */, 0.3, 1.0, 4.0 };
  gboolean overlays_only = FALSE;

  gtk_init ();
  set_overlay_atoms (OVERLAY_ATOMS);
  for (;;)
    {
      if (argc > 1 && g_str_equal (argv[1], "--overlays-only"))
        overlays_only = TRUE, argc--, argv++;
      else if (argc > 2 && g_str_equal (argv[1], "--atoms"))
        set_overlay_atoms (g_ascii_strtod (argv[2], NULL)), argc -= 2, argv += 2;
      else
        break;
    }
  if (argc > 1)
    path = g_strdup (argv[1]);
  else
    {
      dir = al_test_mkdtemp ();
      printf ("writing an %d x %d float32 test image...\n", BENCH_SIDE, BENCH_SIDE);
      path = write_lattice (dir);
    }
  app = al_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  b.window = al_window_new (app);
  b.canvas = al_window_get_canvas (b.window);
  b.canvas->timing = TRUE;
  b.frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.snapshot_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.frame_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  b.snapshot_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_window_set_default_size (GTK_WINDOW (b.window), 1200, 800);
  gtk_window_present (GTK_WINDOW (b.window));
  while (gtk_widget_get_width (GTK_WIDGET (b.window)) == 0)
    g_main_context_iteration (NULL, TRUE);

  rss_before = status_kib ("VmRSS:");
  g_printerr ("renderer: %s\n", G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (b.window))));
  file = g_file_new_for_path (path);
  start = g_get_monotonic_time ();
  al_window_open_file (b.window, file);
  while (al_window_get_loading (b.window))
    g_main_context_iteration (NULL, TRUE);
  if (al_window_get_load_error (b.window) != NULL)
    g_error ("%s", al_window_get_load_error (b.window)->message);
  while (gtk_widget_get_width (GTK_WIDGET (b.canvas)) == 0)
    g_main_context_iteration (NULL, TRUE);
  printf ("open %s: %.0f ms (read + first frame's mip pyramid and histogram, in a worker)\n",
          path, (g_get_monotonic_time () - start) / 1000.0);
  printf ("memory: RSS %.0f MiB before, %.0f MiB after opening; peak %.0f MiB\n",
          rss_before / 1024.0, status_kib ("VmRSS:") / 1024.0, status_kib ("VmHWM:") / 1024.0);

  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (b.canvas)), "before-paint",
                    G_CALLBACK (on_before_paint), &b);
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (b.canvas)), "after-paint",
                    G_CALLBACK (on_after_paint), &b);
  for (guint i = 0; i < G_N_ELEMENTS (zooms) && !overlays_only; i++)
    pan_at (&b, zooms[i]);
  printf ("memory after panning: RSS %.0f MiB, peak %.0f MiB\n",
          status_kib ("VmRSS:") / 1024.0, status_kib ("VmHWM:") / 1024.0);

  /* The same with ~10^5 atoms, their bonds and defects drawn over it. */
  {
    g_autoptr (AlResults) results = make_overlay_results ();
    static const double overlay_zooms[] = { 0.3, 1.0 };

    al_window_set_results (b.window, results);
    for (guint i = 0; i < G_N_ELEMENTS (overlay_zooms); i++)
      pan_at (&b, overlay_zooms[i]);
    pan_at (&b, -1);
    pan_at (&b, 0);
  }

  gtk_window_destroy (GTK_WINDOW (b.window));
  g_array_unref (b.frame_ms);
  g_array_unref (b.snapshot_ms);
  if (dir != NULL)
    al_test_rmdir (dir);
  return 0;
}
