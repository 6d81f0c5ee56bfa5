/* al-canvas-private.h: the canvas's state, shared by its files (one per
 * concern: al-canvas.c properties and life cycle, -image.c the raster,
 * frame and levels, -zoom.c geometry,
 * -input.c gestures, -render.c drawing, -tiles.c the texture cache). */
#pragma once

#include "al-canvas.h"

G_BEGIN_DECLS

/* CPU time of the calling thread, µs: frame costs that a loaded machine's
 * scheduling does not inflate. */
gint64   _al_thread_cpu_time_us        (void);

/* Tiles are square, this many texels of their mip level a side. */
#define AL_TILE_SIZE 512
/* Tiles the cache keeps before dropping the least recently drawn (bytes). */
#define AL_TILE_CACHE_BYTES (192 * 1024 * 1024)
/* A queued tile not drawn during the last few frames is no longer wanted:
 * the worker skips it (fast panning would otherwise pile up work). */
#define AL_TILE_STALE_FRAMES 3

typedef struct _AlTileCache AlTileCache;

typedef struct
{
  guint            level;
  guint            tx;
  guint            ty;
  guint            width;        /* texels */
  guint            height;
  guint            generation;   /* levels it was made with */
  guint64          last_used;    /* frame serial */
  gboolean         pending;      /* a worker is building a newer one */
  gint            *wanted;       /* frame serial it was last drawn in,
                                  * shared with its worker job (atomic) */
  GBytes          *bytes;        /* width x height BGRA (grey, opaque) */
  GdkTexture      *texture;
  cairo_surface_t *surface;      /* the same pixels, for NEAREST drawing */
} AlTile;

typedef void (*AlTileReadyFunc) (gpointer user_data);

AlTileCache *al_tile_cache_new          (AlTileReadyFunc  ready,
                                         gpointer         user_data);
/* Drops the callback and the caller's reference; workers finish quietly. */
void         al_tile_cache_detach       (AlTileCache     *cache);
/* A new pyramid drops every tile; new levels keep old tiles (drawn until
 * their replacements arrive). The top level is rebuilt at once so there is
 * always something to draw. */
void         al_tile_cache_set_source   (AlTileCache     *cache,
                                         AlPyramid       *pyramid,
                                         const AlLevels  *levels);
void         al_tile_cache_begin_frame  (AlTileCache     *cache);
/* The tile, current or stale, or NULL. With `request`, a tile that is
 * missing or stale is queued for a worker. */
AlTile      *al_tile_cache_lookup       (AlTileCache     *cache,
                                         guint            level,
                                         guint            tx,
                                         guint            ty,
                                         gboolean         request);
gboolean     al_tile_cache_is_current   (AlTileCache     *cache,
                                         const AlTile    *tile);
void         al_tile_cache_end_frame    (AlTileCache     *cache);
guint        al_tile_cache_get_n_pending (AlTileCache    *cache);
gsize        al_tile_cache_get_bytes    (AlTileCache     *cache);
cairo_surface_t *al_tile_get_surface    (AlTile          *tile);

struct _AlCanvas
{
  GtkWidget     parent_instance;

  AlRaster     *raster;
  AlPyramid    *pyramid;          /* the current frame's; NULL while it builds */
  GCancellable *pyramid_cancellable;
  guint         frame;

  AlLevels      levels;
  gboolean      levels_set;       /* FALSE until auto-levels or the user set them */

  double        zoom;
  double        offset_x;
  double        offset_y;
  gboolean      fitted;           /* follows the widget's size */
  gboolean      show_scale_bar;

  double        pointer_wx;
  double        pointer_wy;
  gboolean      pointer_inside;

  double        drag_start_x;     /* offsets when a drag began */
  double        drag_start_y;
  gboolean      drag_pans;        /* a primary-button drag pans (else "dragged") */
  gboolean      drag_panning;     /* this drag pans */
  double        drag_image_x;     /* image point where a non-panning drag began */
  double        drag_image_y;
  double        pinch_start_zoom;

  gboolean      allocating;       /* inside size_allocate */
  guint         notify_idle_id;   /* view notifications put off until after it */

  GListStore   *layers;
  AlTileCache  *tiles;

  /* Snapshot times are measured when `timing` is set (benchmarks) and
   * logged to stderr with each frame's time under AL_CANVAS_TIMING. */
  gboolean      timing;
  gboolean      log_timing;
  gint64        frame_start_us;
  gint64        snapshot_us;
  gint64        snapshot_cpu_us;   /* the main thread's CPU time in it */
  gulong        before_paint_id;
  gulong        after_paint_id;
};

/* al-canvas.c */
typedef enum
{
  AL_CANVAS_PROP_0,
  AL_CANVAS_PROP_ZOOM,
  AL_CANVAS_PROP_OFFSET_X,
  AL_CANVAS_PROP_OFFSET_Y,
  AL_CANVAS_PROP_CONTRAST_MIN,
  AL_CANVAS_PROP_CONTRAST_MAX,
  AL_CANVAS_PROP_GAMMA,
  AL_CANVAS_PROP_FRAME,
  AL_CANVAS_PROP_HAS_IMAGE,
  AL_CANVAS_PROP_READY,
  AL_CANVAS_PROP_SHOW_SCALE_BAR,
  AL_CANVAS_N_PROPS
} AlCanvasProp;

void     _al_canvas_notify             (AlCanvas    *self,
                                        AlCanvasProp prop);
void     _al_canvas_notify_view        (AlCanvas    *self,
                                        double       old_zoom,
                                        double       old_x,
                                        double       old_y);
void     _al_canvas_pointer_changed    (AlCanvas    *self);
void     _al_canvas_clicked            (AlCanvas    *self,
                                        double       x,
                                        double       y);
void     _al_canvas_dragged            (AlCanvas    *self,
                                        double       x0,
                                        double       y0,
                                        double       x1,
                                        double       y1);

/* al-canvas-zoom.c */
void     _al_canvas_clamp_offsets      (AlCanvas    *self);
void     _al_canvas_size_changed       (AlCanvas    *self);
double   _al_canvas_min_zoom           (AlCanvas    *self);

/* al-canvas-input.c */
void     _al_canvas_init_input         (AlCanvas    *self);

/* al-canvas-render.c */
gboolean _al_canvas_renderer_has_gpu   (AlCanvas    *self);
void     _al_canvas_snapshot           (GtkWidget   *widget,
                                        GtkSnapshot *snapshot);

G_END_DECLS
