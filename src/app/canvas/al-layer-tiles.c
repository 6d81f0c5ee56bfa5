/* al-layer-tiles.c: an overlay layer's drawing cut in tiles of the screen.
 *
 * At zoom z a tile (tx, ty) covers the screen square whose corner is image
 * point (tx, ty) * AL_LAYER_TILE_PX / z - 0.5: panning keeps the tiles,
 * which are pasted at whole-pixel positions, and a zoom of its own gets a
 * set of its own (a few zooms are kept, so zooming back is instant and the
 * last zoom stands in, scaled, while the new one is rendered). Tiles are
 * rendered by a small pool of worker threads, newest request first, from
 * data the layer captured on the main thread; a tile that left the screen
 * before its turn is skipped. When the layer's drawing changes the tiles
 * are out of date but still pasted until their replacements arrive, so an
 * edit never blanks the overlay. */
#include "al-background.h"
#include "al-layer-tiles.h"

#include <math.h>

typedef struct
{
  gpointer           data;
  GDestroyNotify     release;
  AlLayerTilesRender render;
} Capture;

typedef struct
{
  double   zoom;
  int      scale;
  guint    serial;      /* bumped when the slot is given to another zoom */
  guint64  last_used;
  guint    n_ready;     /* its tiles that have pixels */
  gboolean in_use;
} ZoomSlot;

typedef struct
{
  guint            slot;
  guint            tx, ty;
  guint            generation;
  guint64          last_used;     /* frame serial */
  gboolean         pending;
  gint            *wanted;        /* frame serial it was last drawn in (atomic, shared with its job) */
  cairo_surface_t *surface;       /* premultiplied ARGB; NULL until rendered */
  GdkTexture      *texture;       /* the same pixels, made when a GPU renderer needs them */
} Tile;

struct _AlLayerTiles
{
  AlLayerTilesReady ready;
  gpointer          ready_data;
  guint             generation;   /* bumped by each change of the drawing or frame */
  guint             frame;
  gboolean          has_frame;
  ZoomSlot          slots[AL_LAYER_TILE_ZOOMS];
  gint              frame_serial; /* atomic: read by workers */
  GHashTable       *tiles;        /* key -> Tile* */
  gsize             bytes;
  guint             n_pending;
  Capture          *capture;      /* of this generation, once needed */
  gboolean          empty;        /* this generation draws nothing */
  GMainContext     *main_context; /* where finished tiles are delivered */
};

typedef struct
{
  AlLayerTiles    *tiles;
  Capture         *capture;
  guint            slot;
  guint            slot_serial;
  guint            tx, ty;
  guint            generation;
  gint             frame_serial;
  gint            *wanted;
  AlCanvasView     view;          /* the tile's own view */
  cairo_surface_t *result;        /* NULL when skipped */
} Job;

static GThreadPool *tile_pool;

static guint64
tile_key (guint slot,
          guint tx,
          guint ty)
{
  return ((guint64) slot << 56) | ((guint64) tx << 28) | ty;
}

static void
capture_clear (gpointer data)
{
  Capture *capture = data;

  if (capture->release != NULL && capture->data != NULL)
    capture->release (capture->data);
}

static void
capture_unref (Capture *capture)
{
  g_atomic_rc_box_release_full (capture, capture_clear);
}

static void
tile_free (Tile *tile)
{
  g_atomic_rc_box_release (tile->wanted);
  g_clear_object (&tile->texture);
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_free (tile);
}

static gsize
surface_bytes (cairo_surface_t *surface)
{
  return (gsize) cairo_image_surface_get_stride (surface) * cairo_image_surface_get_height (surface);
}

static void
tiles_clear (gpointer data)
{
  AlLayerTiles *tiles = data;

  g_hash_table_unref (tiles->tiles);
  g_clear_pointer (&tiles->capture, capture_unref);
  g_main_context_unref (tiles->main_context);
}

static void
tiles_unref (AlLayerTiles *tiles)
{
  g_atomic_rc_box_release_full (tiles, tiles_clear);
}

AlLayerTiles *
al_layer_tiles_new (AlLayerTilesReady ready,
                    gpointer          user_data)
{
  AlLayerTiles *tiles = g_atomic_rc_box_new0 (AlLayerTiles);

  tiles->ready = ready;
  tiles->ready_data = user_data;
  tiles->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) tile_free);
  tiles->main_context = g_main_context_ref_thread_default ();
  return tiles;
}

void
al_layer_tiles_detach (AlLayerTiles *tiles)
{
  tiles->ready = NULL;
  tiles_unref (tiles);
}

void
al_layer_tiles_invalidate (AlLayerTiles *tiles)
{
  tiles->generation++;
  tiles->empty = FALSE;
  g_clear_pointer (&tiles->capture, capture_unref);
}

guint
al_layer_tiles_get_n_pending (AlLayerTiles *tiles)
{
  return tiles->n_pending;
}

/* Accounts for a tile about to go. */
static void
forget (AlLayerTiles *tiles,
        Tile         *tile)
{
  if (tile->surface == NULL)
    return;
  tiles->bytes -= surface_bytes (tile->surface);
  tiles->slots[tile->slot].n_ready--;
}

static void
drop_tiles (AlLayerTiles *tiles,
            gint          slot)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, tiles->tiles);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Tile *tile = value;
      if (slot >= 0 && tile->slot != (guint) slot)
        continue;
      forget (tiles, tile);
      g_hash_table_iter_remove (&iter);
    }
}

/* The slot of this zoom: its own, else a free one, else one whose tiles
 * (which go) are least use as stand-ins: none rendered, else the least
 * recently used. */
static guint
use_slot (AlLayerTiles *tiles,
          double        zoom,
          int           scale,
          guint64       now)
{
  guint pick = 0;

  for (guint s = 0; s < AL_LAYER_TILE_ZOOMS; s++)
    if (tiles->slots[s].in_use && tiles->slots[s].zoom == zoom && tiles->slots[s].scale == scale)
      {
        tiles->slots[s].last_used = now;
        return s;
      }
  for (guint s = 0; s < AL_LAYER_TILE_ZOOMS; s++)
    {
      const ZoomSlot *a = &tiles->slots[s], *b = &tiles->slots[pick];

      if (!a->in_use)
        {
          pick = s;
          break;
        }
      if ((a->n_ready == 0) != (b->n_ready == 0) ? a->n_ready == 0 : a->last_used < b->last_used)
        pick = s;
    }
  if (tiles->slots[pick].in_use)
    drop_tiles (tiles, pick);
  tiles->slots[pick].zoom = zoom;
  tiles->slots[pick].scale = scale;
  tiles->slots[pick].serial++;
  tiles->slots[pick].in_use = TRUE;
  tiles->slots[pick].last_used = now;
  return pick;
}

static gboolean
deliver_job (gpointer data)
{
  Job *job = data;
  AlLayerTiles *tiles = job->tiles;

  g_assert (tiles->n_pending > 0);
  tiles->n_pending--;
  if (tiles->ready != NULL && job->slot_serial == tiles->slots[job->slot].serial)
    {
      guint64 key = tile_key (job->slot, job->tx, job->ty);
      Tile *tile = g_hash_table_lookup (tiles->tiles, &key);

      if (tile != NULL)
        tile->pending = FALSE;
      if (tile != NULL && job->result != NULL
          && (tile->surface == NULL || tile->generation <= job->generation))
        {
          forget (tiles, tile);
          g_clear_object (&tile->texture);
          g_clear_pointer (&tile->surface, cairo_surface_destroy);
          tile->surface = g_steal_pointer (&job->result);
          tile->generation = job->generation;
          tiles->bytes += surface_bytes (tile->surface);
          tiles->slots[tile->slot].n_ready++;
        }
      /* Also when skipped or out of date: the redraw asks again. */
      tiles->ready (tiles->ready_data);
    }
  g_atomic_rc_box_release (job->wanted);
  g_clear_pointer (&job->result, cairo_surface_destroy);
  capture_unref (job->capture);
  tiles_unref (tiles);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_job (gpointer data,
         gpointer pool_data)
{
  Job *job = data;
  gint now = g_atomic_int_get (&job->tiles->frame_serial);
  GSource *source;
  al_background_lower_priority ();   /* the window's main loop comes first */

  if (now - g_atomic_int_get (job->wanted) <= AL_LAYER_TILE_STALE_FRAMES)
    {
      int side = AL_LAYER_TILE_PX * job->view.scale_factor;
      cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, side, side);
      cairo_t *cr;

      cairo_surface_set_device_scale (surface, job->view.scale_factor, job->view.scale_factor);
      cr = cairo_create (surface);
      job->capture->render (job->capture->data, cr, &job->view);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      job->result = surface;
    }
  /* Not g_main_context_invoke: from a worker, it runs the callback right
   * there whenever the main thread is between two iterations. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_job, job, NULL);
  g_source_attach (source, job->tiles->main_context);
  g_source_unref (source);
}

/* Newest requests first: what the user looks at now. */
static gint
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const Job *ja = a, *jb = b;

  return jb->frame_serial - ja->frame_serial;
}

static GThreadPool *
get_pool (void)
{
  if (g_once_init_enter (&tile_pool))
    {
      int n = CLAMP ((int) g_get_num_processors () - 1, 1, 4);
      GThreadPool *pool = g_thread_pool_new (run_job, NULL, n, FALSE, NULL);
      g_thread_pool_set_sort_function (pool, compare_jobs, NULL);
      g_once_init_leave (&tile_pool, pool);
    }
  return tile_pool;
}

/* The view a tile is rendered in. */
static void
tile_view (const AlCanvasView *view,
           double              zoom,
           int                 scale,
           guint               tx,
           guint               ty,
           AlCanvasView       *tv)
{
  *tv = *view;
  tv->zoom = zoom;
  tv->scale_factor = scale;
  tv->widget_width = tv->widget_height = AL_LAYER_TILE_PX;
  tv->offset_x = (double) tx * AL_LAYER_TILE_PX / zoom - 0.5;
  tv->offset_y = (double) ty * AL_LAYER_TILE_PX / zoom - 0.5;
  tv->visible_x0 = MAX (-0.5, tv->offset_x);
  tv->visible_y0 = MAX (-0.5, tv->offset_y);
  tv->visible_x1 = MIN (view->image_width - 0.5, tv->offset_x + AL_LAYER_TILE_PX / zoom);
  tv->visible_y1 = MIN (view->image_height - 0.5, tv->offset_y + AL_LAYER_TILE_PX / zoom);
}

static void
request (AlLayerTiles       *tiles,
         Tile               *tile,
         const AlCanvasView *view)
{
  const ZoomSlot *slot = &tiles->slots[tile->slot];
  Job *job = g_new0 (Job, 1);

  job->tiles = g_atomic_rc_box_acquire (tiles);
  job->capture = g_atomic_rc_box_acquire (tiles->capture);
  job->slot = tile->slot;
  job->slot_serial = slot->serial;
  job->tx = tile->tx;
  job->ty = tile->ty;
  job->generation = tiles->generation;
  job->frame_serial = g_atomic_int_get (&tiles->frame_serial);
  job->wanted = g_atomic_rc_box_acquire (tile->wanted);
  tile_view (view, slot->zoom, slot->scale, tile->tx, tile->ty, &job->view);
  tile->pending = TRUE;
  tiles->n_pending++;
  g_thread_pool_push (get_pool (), job, NULL);
}

static Tile *
lookup (AlLayerTiles *tiles,
        guint         slot,
        guint         tx,
        guint         ty,
        gboolean      create)
{
  guint64 key = tile_key (slot, tx, ty);
  Tile *tile = g_hash_table_lookup (tiles->tiles, &key);
  gint now = g_atomic_int_get (&tiles->frame_serial);

  if (tile == NULL && create)
    {
      guint64 *k = g_new (guint64, 1);

      *k = key;
      tile = g_new0 (Tile, 1);
      tile->slot = slot;
      tile->tx = tx;
      tile->ty = ty;
      tile->wanted = g_atomic_rc_box_new (gint);
      g_hash_table_insert (tiles->tiles, k, tile);
    }
  if (tile != NULL)
    {
      tile->last_used = now;
      g_atomic_int_set (tile->wanted, now);
    }
  return tile;
}

static void
release_surface (gpointer data)
{
  cairo_surface_destroy (data);
}

/* Pastes `tile`'s square at widget (x, y), `side` pixels a side, clipped
 * to `clip` when given. */
static void
paste (GtkSnapshot           *snapshot,
       cairo_t               *cr,
       Tile                  *tile,
       double                 x,
       double                 y,
       double                 side,
       const graphene_rect_t *clip)
{
  if (cr != NULL)
    {
      double s = side / AL_LAYER_TILE_PX;

      cairo_save (cr);
      if (clip != NULL)
        {
          cairo_rectangle (cr, clip->origin.x, clip->origin.y, clip->size.width, clip->size.height);
          cairo_clip (cr);
        }
      cairo_translate (cr, x, y);
      cairo_scale (cr, s, s);
      cairo_set_source_surface (cr, tile->surface, 0, 0);
      if (s != 1.0)
        cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
      cairo_rectangle (cr, 0, 0, AL_LAYER_TILE_PX, AL_LAYER_TILE_PX);
      cairo_fill (cr);
      cairo_restore (cr);
      return;
    }
  if (tile->texture == NULL)
    {
      cairo_surface_t *surface = tile->surface;
      int h = cairo_image_surface_get_height (surface), stride = cairo_image_surface_get_stride (surface);
      g_autoptr (GBytes) bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                                             (gsize) stride * h, release_surface,
                                                             cairo_surface_reference (surface));
      tile->texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface), h,
                                              GDK_MEMORY_DEFAULT, bytes, stride);
    }
  if (clip != NULL)
    gtk_snapshot_push_clip (snapshot, clip);
  gtk_snapshot_append_texture (snapshot, tile->texture, &GRAPHENE_RECT_INIT (x, y, side, side));
  if (clip != NULL)
    gtk_snapshot_pop (snapshot);
}

/* Pastes the tiles of zoom slot `other` that cover `square` (tile (tx, ty)
 * of slot `slot`), scaled; FALSE when it has none. */
static gboolean
stand_in_from (AlLayerTiles          *tiles,
               GtkSnapshot           *snapshot,
               cairo_t               *cr,
               guint                  slot,
               guint                  other,
               guint                  tx,
               guint                  ty,
               const graphene_rect_t *square,
               double                 base_x,
               double                 base_y)
{
  /* The other zoom's tiles are r times as many pixels per image pixel. */
  double r = tiles->slots[other].zoom / tiles->slots[slot].zoom;
  gboolean any = FALSE;

  for (guint oy = (guint) floor (ty * r); oy <= (guint) floor (((ty + 1) * r) - 1e-9); oy++)
    for (guint ox = (guint) floor (tx * r); ox <= (guint) floor (((tx + 1) * r) - 1e-9); ox++)
      {
        Tile *t = lookup (tiles, other, ox, oy, FALSE);

        if (t == NULL || t->surface == NULL)
          continue;
        paste (snapshot, cr, t, base_x + ox * AL_LAYER_TILE_PX / r, base_y + oy * AL_LAYER_TILE_PX / r,
               AL_LAYER_TILE_PX / r, square);
        any = TRUE;
      }
  return any;
}

/* For a tile not rendered yet: the tiles of the most recently used other
 * zoom that has some of its square. */
static void
stand_in (AlLayerTiles          *tiles,
          GtkSnapshot           *snapshot,
          cairo_t               *cr,
          guint                  slot,
          guint                  tx,
          guint                  ty,
          const graphene_rect_t *square,
          double                 base_x,
          double                 base_y)
{
  guint order[AL_LAYER_TILE_ZOOMS], n = 0;

  for (guint s = 0; s < AL_LAYER_TILE_ZOOMS; s++)
    if (s != slot && tiles->slots[s].in_use && tiles->slots[s].n_ready > 0
        && tiles->slots[s].scale == tiles->slots[slot].scale)
      {
        guint k = n++;
        /* Insertion sort, most recent first. */
        while (k > 0 && tiles->slots[order[k - 1]].last_used < tiles->slots[s].last_used)
          {
            order[k] = order[k - 1];
            k--;
          }
        order[k] = s;
      }
  for (guint i = 0; i < n; i++)
    if (stand_in_from (tiles, snapshot, cr, slot, order[i], tx, ty, square, base_x, base_y))
      return;
}

/* Drops the least recently drawn tiles beyond the budget, never one drawn
 * this frame or on its way. */
static void
evict (AlLayerTiles *tiles)
{
  guint64 now = g_atomic_int_get (&tiles->frame_serial);

  while (tiles->bytes > AL_LAYER_TILE_BYTES)
    {
      GHashTableIter iter;
      gpointer key, value, oldest_key = NULL;
      Tile *oldest = NULL;

      g_hash_table_iter_init (&iter, tiles->tiles);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          Tile *t = value;
          if (t->last_used >= now || t->pending || t->surface == NULL)
            continue;
          if (oldest == NULL || t->last_used < oldest->last_used)
            oldest = t, oldest_key = key;
        }
      if (oldest == NULL)
        break;
      forget (tiles, oldest);
      g_hash_table_remove (tiles->tiles, oldest_key);
    }
}

void
al_layer_tiles_snapshot (AlLayerTiles       *tiles,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view,
                         AlLayerTilesCapture capture,
                         gpointer            capture_data,
                         GDestroyNotify      release,
                         AlLayerTilesRender  render)
{
  double zoom = view->zoom, span_x, span_y, u0, v0, u1, v1, base_x, base_y;
  int scale = MAX (view->scale_factor, 1);
  guint slot, tx0, ty0, tx1, ty1;
  gint now = g_atomic_int_add (&tiles->frame_serial, 1) + 1;
  cairo_t *cr = NULL;

  if (view->image_width == 0 || !(zoom > 0) || view->widget_width <= 0 || view->widget_height <= 0)
    return;
  if (!tiles->has_frame || tiles->frame != view->frame)
    {
      /* Another frame: other marks everywhere, rendered again; the last
       * frame's stay until then, as for any change (a series played
       * frame by frame never blanks). */
      tiles->generation++;
      tiles->frame = view->frame;
      tiles->has_frame = TRUE;
    }
  if (tiles->empty)
    return;
  slot = use_slot (tiles, zoom, scale, now);

  /* The screen in the zoomed image's pixels, from the image's corner. */
  span_x = view->image_width * zoom;
  span_y = view->image_height * zoom;
  u0 = MAX ((view->offset_x + 0.5) * zoom, 0);
  v0 = MAX ((view->offset_y + 0.5) * zoom, 0);
  u1 = MIN ((view->offset_x + 0.5) * zoom + view->widget_width, span_x);
  v1 = MIN ((view->offset_y + 0.5) * zoom + view->widget_height, span_y);
  if (u1 <= u0 || v1 <= v0)
    return;
  tx0 = (guint) floor (u0 / AL_LAYER_TILE_PX);
  ty0 = (guint) floor (v0 / AL_LAYER_TILE_PX);
  tx1 = (guint) floor ((u1 - 1e-6) / AL_LAYER_TILE_PX);
  ty1 = (guint) floor ((v1 - 1e-6) / AL_LAYER_TILE_PX);
  /* Whole pixels, so tiles meet without seams. */
  base_x = round (-(view->offset_x + 0.5) * zoom);
  base_y = round (-(view->offset_y + 0.5) * zoom);

  if (!view->gpu)
    cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view->widget_width,
                                                                   view->widget_height));
  for (guint ty = ty0; ty <= ty1; ty++)
    for (guint tx = tx0; tx <= tx1; tx++)
      {
        Tile *tile = lookup (tiles, slot, tx, ty, TRUE);
        graphene_rect_t square = GRAPHENE_RECT_INIT (base_x + (double) tx * AL_LAYER_TILE_PX,
                                                     base_y + (double) ty * AL_LAYER_TILE_PX,
                                                     AL_LAYER_TILE_PX, AL_LAYER_TILE_PX);

        if (!tile->pending && (tile->surface == NULL || tile->generation != tiles->generation))
          {
            if (tiles->capture == NULL)
              {
                gpointer data = capture (capture_data);

                if (data == NULL)
                  {
                    /* Nothing to draw: no tile is needed. */
                    tiles->empty = TRUE;
                    drop_tiles (tiles, -1);
                    g_clear_pointer (&cr, cairo_destroy);
                    return;
                  }
                tiles->capture = g_atomic_rc_box_new0 (Capture);
                tiles->capture->data = data;
                tiles->capture->release = release;
                tiles->capture->render = render;
              }
            request (tiles, tile, view);
          }
        if (tile->surface != NULL)
          paste (snapshot, cr, tile, square.origin.x, square.origin.y, AL_LAYER_TILE_PX, NULL);
        else
          stand_in (tiles, snapshot, cr, slot, tx, ty, &square, base_x, base_y);
      }
  g_clear_pointer (&cr, cairo_destroy);
  evict (tiles);
}
