/* test-canvas.c: AlCanvas geometry, values, contrast, frames, tiles and
 * layers, on images built in code, in a window of known size. */
#include <math.h>

#include "al-app-test.h"
#include "al-canvas-private.h"
#include "layers/al-marker-sprites.h"
#include "layers/al-overlay-style.h"

#define WINDOW_WIDTH 800
#define WINDOW_HEIGHT 600

/* Pixel (x, y) of frame f holds x + 1000 y + 1e6 f: every value says where
 * it came from. */
static AlRaster *
make_raster (guint width,
             guint height,
             guint n_frames)
{
  AlImage *image = al_image_new (width, height, n_frames, NULL);

  for (guint f = 0; f < n_frames; f++)
    for (guint y = 0; y < height; y++)
      for (guint x = 0; x < width; x++)
        al_image_frame (image, f)[(gsize) y * width + x] = x + 1000.0f * y + 1e6f * f;
  return al_raster_new (image);
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) == WINDOW_WIDTH && gtk_widget_get_height (data) == WINDOW_HEIGHT;
}

static gboolean
is_ready (gpointer data)
{
  return al_canvas_get_ready (data);
}

static gboolean
tiles_done (gpointer data)
{
  return al_tile_cache_get_n_pending (AL_CANVAS (data)->tiles) == 0;
}

typedef struct
{
  GtkWindow *window;
  AlCanvas  *canvas;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->window = GTK_WINDOW (gtk_window_new ());
  fx->canvas = AL_CANVAS (al_canvas_new ());
  gtk_window_set_child (fx->window, GTK_WIDGET (fx->canvas));
  gtk_window_set_default_size (fx->window, WINDOW_WIDTH, WINDOW_HEIGHT);
  gtk_window_present (fx->window);
  al_app_test_wait_until (is_allocated, fx->canvas);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (fx->window);
}

static void
show (Fixture *fx,
      guint    width,
      guint    height,
      guint    n_frames)
{
  g_autoptr (AlRaster) raster = make_raster (width, height, n_frames);

  al_canvas_set_raster (fx->canvas, raster);
  al_app_test_wait_until (is_ready, fx->canvas);
}

/* Renders the canvas as it would be drawn, to an image surface. */
static cairo_surface_t *
render (AlCanvas *canvas)
{
  int w = gtk_widget_get_width (GTK_WIDGET (canvas)), h = gtk_widget_get_height (GTK_WIDGET (canvas));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr (GskRenderNode) node = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (surface);

  /* The canvas's own drawing, without CSS decoration. */
  GTK_WIDGET_GET_CLASS (canvas)->snapshot (GTK_WIDGET (canvas), snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  if (g_getenv ("AL_TEST_DUMP") != NULL)
    cairo_surface_write_to_png (surface, g_getenv ("AL_TEST_DUMP"));
  return surface;
}

/* The grey (blue channel) drawn at widget pixel (x, y). */
static int
grey_at (cairo_surface_t *surface,
         int              x,
         int              y)
{
  const guint32 *row = (const guint32 *) (cairo_image_surface_get_data (surface)
                                          + y * cairo_image_surface_get_stride (surface));
  return row[x] & 0xff;
}

static int
expected_grey (AlCanvas *canvas,
               double    value)
{
  AlLevels l;

  al_canvas_get_levels (canvas, &l);
  return (int) lround (255.0 * pow (CLAMP ((value - l.min) / (l.max - l.min), 0, 1), 1 / l.gamma));
}

static void
test_fit_and_values (Fixture       *fx,
                     gconstpointer  data)
{
  double wx, wy, x, y;
  float value;

  show (fx, 400, 200, 1);
  /* 800x600 widget, 400x200 image: width limits, zoom 2, centred vertically. */
  g_assert_true (al_canvas_get_fitted (fx->canvas));
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 2.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_fit_zoom (fx->canvas), 2.0, 1e-12);
  al_canvas_image_to_widget (fx->canvas, -0.5, -0.5, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 0, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 100, 1e-9);
  al_canvas_image_to_widget (fx->canvas, 399.5, 199.5, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 800, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 500, 1e-9);

  /* Widget (401, 301) is image (200, 100) minus half a pixel: pixel (200, 100). */
  g_assert_true (al_canvas_widget_to_image (fx->canvas, 401, 301, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, 200.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 100.0, 1e-9);
  g_assert_true (al_canvas_value_at (fx->canvas, x, y, &value));
  g_assert_cmpfloat (value, ==, 200 + 1000 * 100);
  g_assert_true (al_canvas_value_at (fx->canvas, 12.49, 7.51, &value));
  g_assert_cmpfloat (value, ==, 12 + 1000 * 8);
  /* Above and below the image: no value. */
  g_assert_false (al_canvas_widget_to_image (fx->canvas, 400, 50, NULL, NULL));
  g_assert_false (al_canvas_value_at (fx->canvas, -0.6, 0, &value));
  g_assert_false (al_canvas_value_at (fx->canvas, 0, 199.5, &value));

  /* 1:1 keeps the centre (the pointer is not over the canvas). */
  al_canvas_zoom_1to1 (fx->canvas);
  g_assert_cmpfloat (al_canvas_get_zoom (fx->canvas), ==, 1.0);
  g_assert_false (al_canvas_get_fitted (fx->canvas));
  g_assert_true (al_canvas_widget_to_image (fx->canvas, 400, 300, &x, &y));
  g_assert_cmpfloat_with_epsilon (x, 199.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 99.5, 1e-9);
  al_canvas_zoom_to_fit (fx->canvas);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 2.0, 1e-12);
}

static void
test_zoom_about_point (Fixture       *fx,
                       gconstpointer  data)
{
  double x0, y0, x1, y1, wx, wy;

  show (fx, 1600, 1200, 1);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 0.5, 1e-12);
  g_assert_true (al_canvas_widget_to_image (fx->canvas, 123, 456, &x0, &y0));
  al_canvas_zoom_about (fx->canvas, 3.0, 123, 456);
  g_assert_cmpfloat (al_canvas_get_zoom (fx->canvas), ==, 3.0);
  al_canvas_widget_to_image (fx->canvas, 123, 456, &x1, &y1);
  g_assert_cmpfloat_with_epsilon (x1, x0, 1e-9);
  g_assert_cmpfloat_with_epsilon (y1, y0, 1e-9);
  al_canvas_image_to_widget (fx->canvas, x0, y0, &wx, &wy);
  g_assert_cmpfloat_with_epsilon (wx, 123, 1e-9);
  g_assert_cmpfloat_with_epsilon (wy, 456, 1e-9);

  /* Steps multiply the zoom; limits hold. */
  al_canvas_zoom_in (fx->canvas);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 3.0 * AL_CANVAS_ZOOM_STEP, 1e-12);
  al_canvas_zoom_out (fx->canvas);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 3.0, 1e-12);
  al_canvas_set_zoom (fx->canvas, 1e6);
  g_assert_cmpfloat (al_canvas_get_zoom (fx->canvas), ==, AL_CANVAS_ZOOM_MAX);
  al_canvas_set_zoom (fx->canvas, 1e-6);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_zoom (fx->canvas), 0.5 * AL_CANVAS_ZOOM_MIN_OF_FIT, 1e-12);
}

static void
test_pan_limits (Fixture       *fx,
                 gconstpointer  data)
{
  double x, y;

  show (fx, 1600, 1200, 1);
  al_canvas_zoom_1to1 (fx->canvas);
  al_canvas_pan_by (fx->canvas, 100, 0);
  /* Dragging right by 100 px shows what was 100 px to the left. */
  al_canvas_widget_to_image (fx->canvas, 400, 300, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 699.5, 1e-9);
  /* The image cannot be dragged off screen: its edge stops at the widget's. */
  al_canvas_pan_by (fx->canvas, 1e5, 1e5);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_offset_x (fx->canvas), -0.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_offset_y (fx->canvas), -0.5, 1e-9);
  al_canvas_pan_by (fx->canvas, -1e5, -1e5);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_offset_x (fx->canvas), 1599.5 - WINDOW_WIDTH, 1e-9);
  g_assert_cmpfloat_with_epsilon (al_canvas_get_offset_y (fx->canvas), 1199.5 - WINDOW_HEIGHT, 1e-9);
  al_canvas_center_on (fx->canvas, 800, 600);
  al_canvas_widget_to_image (fx->canvas, 400, 300, &x, &y);
  g_assert_cmpfloat_with_epsilon (x, 800, 1e-9);
  g_assert_cmpfloat_with_epsilon (y, 600, 1e-9);
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              int        *count)
{
  (*count)++;
}

static void
test_levels (Fixture       *fx,
             gconstpointer  data)
{
  AlLevels levels;
  int n_min = 0;
  const AlHistogram *h;

  show (fx, 1000, 100, 1);
  h = al_canvas_get_histogram (fx->canvas);
  g_assert_nonnull (h);
  g_assert_cmpuint (h->total, ==, 100000);
  /* Auto-levels on open: values spread over 0..99999 in nearly even steps. */
  al_canvas_get_levels (fx->canvas, &levels);
  g_assert_cmpfloat_with_epsilon (levels.min, 500, 100);
  g_assert_cmpfloat_with_epsilon (levels.max, 99500, 100);
  g_assert_cmpfloat (levels.gamma, ==, 1.0);

  g_signal_connect (fx->canvas, "notify::contrast-min", G_CALLBACK (count_notify), &n_min);
  g_object_set (fx->canvas, "contrast-min", 10.0, "gamma", 2.0, NULL);
  g_assert_cmpint (n_min, ==, 1);
  g_object_set (fx->canvas, "contrast-min", 10.0, NULL);
  g_assert_cmpint (n_min, ==, 1);
  g_assert_cmpfloat (al_canvas_get_gamma (fx->canvas), ==, 2.0);
  al_canvas_auto_levels (fx->canvas, 10, 90);
  al_canvas_get_levels (fx->canvas, &levels);
  g_assert_cmpfloat_with_epsilon (levels.min, 10000, 100);
  g_assert_cmpfloat_with_epsilon (levels.max, 90000, 100);
  g_assert_cmpfloat (levels.gamma, ==, 2.0);
}

static void
test_drawn_pixels (Fixture       *fx,
                   gconstpointer  data)
{
  cairo_surface_t *surface;
  AlLevels levels = { 0, 400000, 1.0 };
  double wx, wy;

  /* 400x200 at zoom 2: every image pixel is a sharp 2x2 block (NEAREST). */
  show (fx, 400, 200, 1);
  al_canvas_set_levels (fx->canvas, &levels);
  surface = render (fx->canvas);
  al_canvas_image_to_widget (fx->canvas, 10, 20, &wx, &wy);
  g_assert_cmpint (grey_at (surface, (int) wx, (int) wy), ==, expected_grey (fx->canvas, 10 + 20000));
  g_assert_cmpint (grey_at (surface, (int) wx - 1, (int) wy - 1), ==, expected_grey (fx->canvas, 10 + 20000));
  al_canvas_image_to_widget (fx->canvas, 399, 199, &wx, &wy);
  g_assert_cmpint (grey_at (surface, (int) wx, (int) wy), ==, expected_grey (fx->canvas, 399 + 199000));
  /* Outside the image (above it) nothing is drawn. */
  g_assert_cmpint (cairo_image_surface_get_data (surface)[4 * 10 + 3], ==, 0);
  cairo_surface_destroy (surface);
}

static void
test_tiles (Fixture       *fx,
            gconstpointer  data)
{
  cairo_surface_t *surface;
  AlLevels levels = { 0, 3000000, 1.0 };
  double wx, wy;

  /* 3000x2000: four mip levels; 1:1 draws level 0 tiles from the workers. */
  show (fx, 3000, 2000, 1);
  g_assert_cmpuint (fx->canvas->pyramid->n_levels, ==, 4);
  al_canvas_set_levels (fx->canvas, &levels);
  al_canvas_zoom_1to1 (fx->canvas);
  al_canvas_center_on (fx->canvas, 1500, 1000);
  surface = render (fx->canvas);
  cairo_surface_destroy (surface);
  al_app_test_wait_until (tiles_done, fx->canvas);
  surface = render (fx->canvas);
  /* Exact values at 1:1: a pixel on a tile boundary and one inside. */
  al_canvas_image_to_widget (fx->canvas, 1536, 1024, &wx, &wy);
  g_assert_cmpint (grey_at (surface, (int) wx, (int) wy), ==, expected_grey (fx->canvas, 1536 + 1024000));
  al_canvas_image_to_widget (fx->canvas, 1500, 900, &wx, &wy);
  g_assert_cmpint (grey_at (surface, (int) wx, (int) wy), ==, expected_grey (fx->canvas, 1500 + 900000));
  cairo_surface_destroy (surface);
  g_assert_cmpuint (al_tile_cache_get_bytes (fx->canvas->tiles), <=, AL_TILE_CACHE_BYTES);
}

static void
test_frames (Fixture       *fx,
             gconstpointer  data)
{
  float value;

  show (fx, 64, 32, 3);
  g_assert_cmpuint (al_canvas_get_n_frames (fx->canvas), ==, 3);
  al_canvas_set_frame (fx->canvas, 2);
  g_assert_cmpuint (al_canvas_get_frame (fx->canvas), ==, 2);
  g_assert_true (al_canvas_value_at (fx->canvas, 5, 6, &value));
  g_assert_cmpfloat (value, ==, 5 + 6000 + 2e6f);
  al_app_test_wait_until (is_ready, fx->canvas);
  /* Pyramids arrive for the frame asked for last. */
  while (fx->canvas->pyramid->frame != 2)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (al_canvas_get_histogram (fx->canvas)->total, ==, 64 * 32);
  g_assert_cmpfloat (al_canvas_get_histogram (fx->canvas)->min, ==, 2e6f);
  al_canvas_set_frame (fx->canvas, 7);
  g_assert_cmpuint (al_canvas_get_frame (fx->canvas), ==, 2);
}

/* A layer that records how it was asked to draw. */
typedef struct
{
  AlLayer parent_instance;
  int     n_snapshots;
  AlCanvasView last_view;
} TestLayer;

typedef struct
{
  AlLayerClass parent_class;
} TestLayerClass;

G_DEFINE_TYPE (TestLayer, test_layer, AL_TYPE_LAYER)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestLayer, g_object_unref)

static void
test_layer_snapshot (AlLayer            *layer,
                     GtkSnapshot        *snapshot,
                     const AlCanvasView *view)
{
  TestLayer *self = (TestLayer *) layer;
  GdkRGBA red = { 1, 0, 0, 1 };

  self->n_snapshots++;
  self->last_view = *view;
  /* Image pixel (10, 10) painted red, in image coordinates. */
  gtk_snapshot_append_color (snapshot, &red, &GRAPHENE_RECT_INIT (9.5, 9.5, 1, 1));
}

static gint64
test_layer_hit_test (AlLayer *layer,
                     double   x,
                     double   y,
                     double   radius)
{
  return hypot (x - 10, y - 10) <= radius ? 0 : -1;
}

static void
test_layer_class_init (TestLayerClass *klass)
{
  AL_LAYER_CLASS (klass)->snapshot = test_layer_snapshot;
  AL_LAYER_CLASS (klass)->hit_test = test_layer_hit_test;
}

static void
test_layer_init (TestLayer *self)
{
}

static void
test_layers (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr (TestLayer) layer = g_object_new (test_layer_get_type (), "name", "marks", NULL);
  cairo_surface_t *surface;
  double wx, wy;
  const guint32 *px;

  show (fx, 400, 200, 1);
  g_list_store_append (al_canvas_get_layers (fx->canvas), layer);
  surface = render (fx->canvas);
  g_assert_cmpint (layer->n_snapshots, ==, 1);
  g_assert_cmpfloat (layer->last_view.zoom, ==, 2.0);
  g_assert_cmpuint (layer->last_view.image_width, ==, 400);
  g_assert_cmpfloat_with_epsilon (layer->last_view.visible_y0, -0.5, 1e-9);
  al_canvas_image_to_widget (fx->canvas, 10, 10, &wx, &wy);
  px = (const guint32 *) (cairo_image_surface_get_data (surface)
                          + (int) wy * cairo_image_surface_get_stride (surface)) + (int) wx;
  g_assert_cmphex (*px, ==, 0xffff0000);
  cairo_surface_destroy (surface);

  g_assert_cmpint (al_layer_hit_test (AL_LAYER (layer), 10.5, 10, 1), ==, 0);
  g_assert_cmpint (al_layer_hit_test (AL_LAYER (layer), 15, 10, 1), ==, -1);
  /* Hidden layers neither draw nor answer. */
  al_layer_set_visible (AL_LAYER (layer), FALSE);
  g_assert_cmpint (al_layer_hit_test (AL_LAYER (layer), 10.5, 10, 1), ==, -1);
  cairo_surface_destroy (render (fx->canvas));
  g_assert_cmpint (layer->n_snapshots, ==, 1);
  al_layer_set_visible (AL_LAYER (layer), TRUE);
  al_layer_set_opacity (AL_LAYER (layer), 7.0);
  g_assert_cmpfloat (al_layer_get_opacity (AL_LAYER (layer)), ==, 1.0);
  g_list_store_remove_all (al_canvas_get_layers (fx->canvas));
}

/* A layer drawn in tiles by workers: a square over image pixels
 * [20, 29] x [10, 19] in its colour, green on frame 1. */
typedef struct
{
  AlLayer parent_instance;
  guint32 color;        /* 0xRRGGBB */
} TiledLayer;

typedef struct
{
  AlLayerClass parent_class;
} TiledLayerClass;

G_DEFINE_TYPE (TiledLayer, tiled_layer, AL_TYPE_LAYER)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TiledLayer, g_object_unref)

static gint n_tile_renders;

static gpointer
tiled_layer_capture (AlLayer *layer)
{
  return g_memdup2 (&((TiledLayer *) layer)->color, sizeof (guint32));
}

static void
tiled_layer_render (gpointer            data,
                    cairo_t            *cr,
                    const AlCanvasView *tile)
{
  guint32 color = *(guint32 *) data;
  double x0, y0, x1, y1;

  g_atomic_int_inc (&n_tile_renders);
  if (tile->frame == 1)
    color = 0x00ff00;
  al_canvas_view_to_widget (tile, 19.5, 9.5, &x0, &y0);
  al_canvas_view_to_widget (tile, 29.5, 19.5, &x1, &y1);
  cairo_set_source_rgb (cr, (color >> 16) / 255.0, ((color >> 8) & 0xff) / 255.0, (color & 0xff) / 255.0);
  cairo_rectangle (cr, x0, y0, x1 - x0, y1 - y0);
  cairo_fill (cr);
}

static void
tiled_layer_class_init (TiledLayerClass *klass)
{
  AL_LAYER_CLASS (klass)->capture = tiled_layer_capture;
  AL_LAYER_CLASS (klass)->release = g_free;
  AL_LAYER_CLASS (klass)->render = tiled_layer_render;
}

static void
tiled_layer_init (TiledLayer *self)
{
  self->color = 0xff0000;
}

static gboolean
layer_done (gpointer data)
{
  return al_layer_get_n_pending (data) == 0;
}

/* The colour (0xRRGGBB) drawn at the widget pixel showing image point (x, y). */
static guint32
color_at (AlCanvas *canvas,
          double    x,
          double    y)
{
  cairo_surface_t *surface = render (canvas);
  double wx, wy;
  guint32 px;

  al_canvas_image_to_widget (canvas, x, y, &wx, &wy);
  px = ((const guint32 *) (cairo_image_surface_get_data (surface)
                           + (int) wy * cairo_image_surface_get_stride (surface)))[(int) wx];
  cairo_surface_destroy (surface);
  return px & 0xffffff;
}

static void
test_tiled_layer (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr (TiledLayer) layer = g_object_new (tiled_layer_get_type (), "name", "tiled", NULL);
  gint renders;
  guint32 c;

  show (fx, 400, 200, 2);
  g_list_store_append (al_canvas_get_layers (fx->canvas), layer);
  /* The first frame queues the tiles; workers render them. */
  cairo_surface_destroy (render (fx->canvas));
  g_assert_cmpuint (al_layer_get_n_pending (AL_LAYER (layer)), >, 0);
  al_app_test_wait_until (layer_done, layer);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0xff0000);
  g_assert_cmphex (color_at (fx->canvas, 35, 15), !=, 0xff0000);
  g_assert_cmphex (color_at (fx->canvas, 25, 5), !=, 0xff0000);
  /* Redrawing the same view pastes the same tiles: nothing is rendered. */
  renders = g_atomic_int_get (&n_tile_renders);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0xff0000);
  g_assert_cmpuint (al_layer_get_n_pending (AL_LAYER (layer)), ==, 0);
  g_assert_cmpint (g_atomic_int_get (&n_tile_renders), ==, renders);

  /* A new zoom: the old zoom's tiles stand in, scaled, until the new ones
   * arrive; then the square is sharp where it belongs. */
  al_canvas_zoom_about (fx->canvas, 6.0, 0, 0);
  c = color_at (fx->canvas, 25, 15);
  g_assert_cmpuint (c >> 16, >, 0xc0);
  g_assert_cmpuint (c & 0xff, <, 0x40);
  g_assert_cmpuint (al_layer_get_n_pending (AL_LAYER (layer)), >, 0);
  al_app_test_wait_until (layer_done, layer);
  g_assert_cmphex (color_at (fx->canvas, 20.6, 10.6), ==, 0xff0000);
  g_assert_cmphex (color_at (fx->canvas, 29.4, 19.4), ==, 0xff0000);
  g_assert_cmphex (color_at (fx->canvas, 19.3, 15), !=, 0xff0000);
  g_assert_cmphex (color_at (fx->canvas, 29.7, 15), !=, 0xff0000);

  /* Changed data: the old tiles show until the new ones are rendered. */
  layer->color = 0x0000ff;
  al_layer_invalidate (AL_LAYER (layer));
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0xff0000);
  al_app_test_wait_until (layer_done, layer);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0x0000ff);

  /* Another frame: the same until its own tiles arrive. */
  al_canvas_set_frame (fx->canvas, 1);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0x0000ff);
  al_app_test_wait_until (layer_done, layer);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), ==, 0x00ff00);

  /* Hidden, it draws nothing; half transparent, half its colour. */
  al_layer_set_visible (AL_LAYER (layer), FALSE);
  g_assert_cmphex (color_at (fx->canvas, 25, 15), !=, 0x0000ff);
  al_layer_set_visible (AL_LAYER (layer), TRUE);
  g_list_store_remove_all (al_canvas_get_layers (fx->canvas));
}

/* A marker pasted from a sprite over a half-transparent background is the
 * marker Cairo draws there itself (rounding apart). */
static void
test_marker_sprites (void)
{
  cairo_surface_t *pasted = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 48, 40);
  cairo_surface_t *drawn = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 48, 40);
  cairo_surface_t *both[] = { pasted, drawn };
  AlMarkerSprites m;
  double rgb[3];
  int max_diff = 0;
  cairo_t *cr;

  for (guint k = 0; k < 2; k++)
    {
      cr = cairo_create (both[k]);
      cairo_set_source_rgba (cr, 0.2, 0.5, 0.7, 0.5);
      cairo_paint (cr);
      cairo_destroy (cr);
    }
  al_marker_sprites_init (&m, pasted, 5.0, FALSE);
  al_marker_sprites_paste (&m, 1, 20, 20);
  al_marker_sprites_paste (&m, 2, 46, 3);    /* cut by the edges */
  al_marker_sprites_finish (&m);

  cr = cairo_create (drawn);
  for (guint k = 0; k < 2; k++)
    {
      guint slot = k + 1;
      double x = k == 0 ? 20 : 46, y = k == 0 ? 20 : 3;

      al_overlay_marker_path (cr, al_overlay_species_shape (slot), x, y, 5.0);
      al_overlay_species_color (slot, rgb);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_set_line_width (cr, 1.0);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  cairo_surface_flush (pasted);
  cairo_surface_flush (drawn);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 48; x++)
      {
        guint32 a = ((guint32 *) (cairo_image_surface_get_data (pasted)
                                  + y * cairo_image_surface_get_stride (pasted)))[x];
        guint32 b = ((guint32 *) (cairo_image_surface_get_data (drawn)
                                  + y * cairo_image_surface_get_stride (drawn)))[x];
        for (int c = 0; c < 32; c += 8)
          max_diff = MAX (max_diff, ABS ((int) ((a >> c) & 0xff) - (int) ((b >> c) & 0xff)));
      }
  g_assert_cmpint (max_diff, <=, 2);
  /* And the marker is there: its colour at its centre. */
  al_overlay_species_color (1, rgb);
  {
    guint32 px = ((guint32 *) (cairo_image_surface_get_data (pasted)
                               + 20 * cairo_image_surface_get_stride (pasted)))[20];
    g_assert_cmpint (ABS ((int) ((px >> 16) & 0xff) - (int) lround (255 * (0.9 * rgb[0] + 0.1 * 0.5 * 0.2))), <=, 2);
  }
  cairo_surface_destroy (pasted);
  cairo_surface_destroy (drawn);
}

static void
test_no_image (Fixture       *fx,
               gconstpointer  data)
{
  float value;

  g_assert_false (al_canvas_get_has_image (fx->canvas));
  g_assert_false (al_canvas_value_at (fx->canvas, 0, 0, &value));
  /* Zooming without an image is harmless. */
  al_canvas_zoom_in (fx->canvas);
  al_canvas_zoom_to_fit (fx->canvas);
  cairo_surface_destroy (render (fx->canvas));
  show (fx, 10, 10, 1);
  al_canvas_set_raster (fx->canvas, NULL);
  g_assert_false (al_canvas_get_ready (fx->canvas));
}

int
main (int argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add ("/app/canvas/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("fit-and-values", test_fit_and_values);
  ADD ("zoom-about-point", test_zoom_about_point);
  ADD ("pan-limits", test_pan_limits);
  ADD ("levels", test_levels);
  ADD ("drawn-pixels", test_drawn_pixels);
  ADD ("tiles", test_tiles);
  ADD ("frames", test_frames);
  ADD ("layers", test_layers);
  ADD ("tiled-layer", test_tiled_layer);
  g_test_add_func ("/app/canvas/marker-sprites", test_marker_sprites);
  ADD ("no-image", test_no_image);
#undef ADD
  return g_test_run ();
}
