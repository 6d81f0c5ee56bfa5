/* al-canvas-tiles.c: the canvas's texture cache. A tile is AL_TILE_SIZE²
 * texels of one mip level, mapped through the current levels to opaque grey
 * BGRA. Tiles are built by a small pool of worker threads, newest request
 * first; the main thread only wraps the finished bytes in a texture. When
 * the levels change, old tiles stay on screen until their replacements
 * arrive, so contrast drags never block drawing. */
#include "al-background.h"
#include "al-canvas-private.h"

#include <string.h>

struct _AlTileCache
{
  AlTileReadyFunc ready;
  gpointer        ready_data;
  AlPyramid      *pyramid;
  AlLevels        levels;
  guint8          lut[AL_LEVELS_LUT_SIZE];
  guint           generation;      /* bumped by each new levels or pyramid */
  guint           pyramid_serial;  /* bumped by each new pyramid */
  gint            frame_serial;    /* atomic: read by workers */
  GHashTable     *tiles;           /* key -> AlTile* */
  gsize           bytes;
  guint           n_pending;
  GMainContext   *main_context;    /* where finished tiles are delivered */
};

typedef struct
{
  AlTileCache *cache;
  AlPyramid   *pyramid;
  guint        pyramid_serial;
  guint        generation;
  gint         frame_serial;
  gint        *wanted;
  guint        level, tx, ty;
  AlLevels     levels;
  guint8       lut[AL_LEVELS_LUT_SIZE];
  GBytes      *result;             /* NULL when skipped */
} AlTileJob;

static GThreadPool *tile_pool;

static guint64
tile_key (guint level,
          guint tx,
          guint ty)
{
  return ((guint64) level << 48) | ((guint64) tx << 24) | ty;
}

static gint *
wanted_new (gint serial)
{
  gint *wanted = g_atomic_rc_box_new (gint);

  *wanted = serial;
  return wanted;
}

static void
tile_free (AlTile *tile)
{
  g_atomic_rc_box_release (tile->wanted);
  g_clear_object (&tile->texture);
  g_clear_pointer (&tile->surface, cairo_surface_destroy);
  g_clear_pointer (&tile->bytes, g_bytes_unref);
  g_free (tile);
}

static void
cache_clear (gpointer data)
{
  AlTileCache *cache = data;

  g_hash_table_unref (cache->tiles);
  g_clear_pointer (&cache->pyramid, al_pyramid_unref);
  g_main_context_unref (cache->main_context);
}

static AlTileCache *
cache_ref (AlTileCache *cache)
{
  return g_atomic_rc_box_acquire (cache);
}

static void
cache_unref (AlTileCache *cache)
{
  g_atomic_rc_box_release_full (cache, cache_clear);
}

/* Maps one tile's texels to grey BGRA (opaque, so premultiplied as is). */
static GBytes *
render_tile (const AlPyramid *pyramid,
             const AlLevels  *levels,
             const guint8    *lut,
             guint            level,
             guint            tx,
             guint            ty)
{
  const AlPyramidLevel *l = &pyramid->levels[level];
  guint x0 = tx * AL_TILE_SIZE, y0 = ty * AL_TILE_SIZE;
  guint w = MIN (AL_TILE_SIZE, l->width - x0), h = MIN (AL_TILE_SIZE, l->height - y0);
  guint32 *pixels = g_new (guint32, (gsize) w * h);
  guint8 grey[AL_TILE_SIZE];

  for (guint y = 0; y < h; y++)
    {
      guint32 *out = pixels + (gsize) y * w;
      al_levels_map (levels, lut, l->pixels + (gsize) (y0 + y) * l->width + x0, w, grey);
      for (guint x = 0; x < w; x++)
        out[x] = 0xff000000u | ((guint32) grey[x] << 16) | ((guint32) grey[x] << 8) | grey[x];
    }
  return g_bytes_new_take (pixels, (gsize) w * h * 4);
}

static void
install_tile (AlTileCache *cache,
              guint        level,
              guint        tx,
              guint        ty,
              GBytes      *bytes,
              guint        generation)
{
  guint64 key = tile_key (level, tx, ty);
  const AlPyramidLevel *l = &cache->pyramid->levels[level];
  AlTile *tile = g_hash_table_lookup (cache->tiles, &key);

  if (tile == NULL)
    {
      guint64 *k = g_new (guint64, 1);
      *k = key;
      tile = g_new0 (AlTile, 1);
      tile->level = level;
      tile->tx = tx;
      tile->ty = ty;
      tile->wanted = wanted_new (g_atomic_int_get (&cache->frame_serial));
      g_hash_table_insert (cache->tiles, k, tile);
    }
  else
    {
      cache->bytes -= tile->bytes != NULL ? g_bytes_get_size (tile->bytes) : 0;
      g_clear_object (&tile->texture);
      g_clear_pointer (&tile->surface, cairo_surface_destroy);
      g_clear_pointer (&tile->bytes, g_bytes_unref);
    }
  tile->width = MIN (AL_TILE_SIZE, l->width - tx * AL_TILE_SIZE);
  tile->height = MIN (AL_TILE_SIZE, l->height - ty * AL_TILE_SIZE);
  tile->bytes = g_bytes_ref (bytes);
  tile->texture = gdk_memory_texture_new (tile->width, tile->height, GDK_MEMORY_DEFAULT,
                                          bytes, (gsize) tile->width * 4);
  tile->generation = generation;
  tile->last_used = g_atomic_int_get (&cache->frame_serial);
  cache->bytes += g_bytes_get_size (bytes);
}

static gboolean
deliver_job (gpointer data)
{
  AlTileJob *job = data;
  AlTileCache *cache = job->cache;

  if (cache->ready != NULL && job->pyramid_serial == cache->pyramid_serial)
    {
      guint64 key = tile_key (job->level, job->tx, job->ty);
      AlTile *tile = g_hash_table_lookup (cache->tiles, &key);

      g_assert (cache->n_pending > 0);
      cache->n_pending--;
      if (tile != NULL)
        tile->pending = FALSE;
      if (job->result != NULL && job->generation == cache->generation)
        {
          install_tile (cache, job->level, job->tx, job->ty, job->result, job->generation);
          cache->ready (cache->ready_data);
        }
      else if (job->result != NULL)
        {
          /* Made with levels changed since: the redraw asks again. A
           * skipped job needs nothing: its tile was off screen. */
          cache->ready (cache->ready_data);
        }
    }
  g_atomic_rc_box_release (job->wanted);
  g_clear_pointer (&job->result, g_bytes_unref);
  al_pyramid_unref (job->pyramid);
  cache_unref (cache);
  g_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_job (gpointer data,
         gpointer pool_data)
{
  AlTileJob *job = data;
  gint now = g_atomic_int_get (&job->cache->frame_serial);
  GSource *source;
  al_background_lower_priority ();   /* the window's main loop comes first */

  /* Skip tiles that left the screen while they waited. */
  if (now - g_atomic_int_get (job->wanted) <= AL_TILE_STALE_FRAMES)
    job->result = render_tile (job->pyramid, &job->levels, job->lut, job->level, job->tx, job->ty);
  /* Not g_main_context_invoke: from a worker, it runs the callback right
   * there whenever the main thread is between two iterations. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_job, job, NULL);
  g_source_attach (source, job->cache->main_context);
  g_source_unref (source);
}

/* Newest requests first: what the user looks at now. */
static gint
compare_jobs (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  const AlTileJob *ja = a, *jb = b;

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

AlTileCache *
al_tile_cache_new (AlTileReadyFunc ready,
                   gpointer        user_data)
{
  AlTileCache *cache = g_atomic_rc_box_new0 (AlTileCache);

  cache->ready = ready;
  cache->ready_data = user_data;
  cache->tiles = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                        (GDestroyNotify) tile_free);
  cache->levels.gamma = 1.0;
  cache->main_context = g_main_context_ref_thread_default ();
  return cache;
}

void
al_tile_cache_detach (AlTileCache *cache)
{
  cache->ready = NULL;
  cache_unref (cache);
}

static void
build_top_level (AlTileCache *cache)
{
  guint top = cache->pyramid->n_levels - 1;
  g_autoptr (GBytes) bytes = render_tile (cache->pyramid, &cache->levels, cache->lut, top, 0, 0);

  install_tile (cache, top, 0, 0, bytes, cache->generation);
}

void
al_tile_cache_set_source (AlTileCache    *cache,
                          AlPyramid      *pyramid,
                          const AlLevels *levels)
{
  gboolean new_pyramid = pyramid != cache->pyramid;

  if (!new_pyramid && levels != NULL && al_levels_equal (levels, &cache->levels))
    return;
  if (new_pyramid)
    {
      g_hash_table_remove_all (cache->tiles);
      cache->bytes = 0;
      /* Jobs of the old pyramid are ignored when they come back. */
      cache->pyramid_serial++;
      cache->n_pending = 0;
      g_clear_pointer (&cache->pyramid, al_pyramid_unref);
      cache->pyramid = pyramid != NULL ? al_pyramid_ref (pyramid) : NULL;
    }
  if (levels != NULL)
    {
      cache->levels = *levels;
      al_levels_make_lut (levels, cache->lut);
    }
  cache->generation++;
  if (cache->pyramid != NULL)
    build_top_level (cache);
}

void
al_tile_cache_begin_frame (AlTileCache *cache)
{
  g_atomic_int_inc (&cache->frame_serial);
}

gboolean
al_tile_cache_is_current (AlTileCache  *cache,
                          const AlTile *tile)
{
  return tile->generation == cache->generation;
}

static void
request_tile (AlTileCache *cache,
              AlTile      *tile,
              guint        level,
              guint        tx,
              guint        ty)
{
  AlTileJob *job = g_new0 (AlTileJob, 1);

  job->wanted = g_atomic_rc_box_acquire (tile->wanted);
  job->cache = cache_ref (cache);
  job->pyramid = al_pyramid_ref (cache->pyramid);
  job->pyramid_serial = cache->pyramid_serial;
  job->generation = cache->generation;
  job->frame_serial = g_atomic_int_get (&cache->frame_serial);
  job->level = level;
  job->tx = tx;
  job->ty = ty;
  job->levels = cache->levels;
  memcpy (job->lut, cache->lut, sizeof job->lut);
  cache->n_pending++;
  g_thread_pool_push (get_pool (), job, NULL);
}

AlTile *
al_tile_cache_lookup (AlTileCache *cache,
                      guint        level,
                      guint        tx,
                      guint        ty,
                      gboolean     request)
{
  guint64 key = tile_key (level, tx, ty);
  AlTile *tile;

  if (cache->pyramid == NULL || level >= cache->pyramid->n_levels)
    return NULL;
  tile = g_hash_table_lookup (cache->tiles, &key);
  if (tile != NULL)
    {
      tile->last_used = g_atomic_int_get (&cache->frame_serial);
      g_atomic_int_set (tile->wanted, (gint) tile->last_used);
    }
  if (!request || (tile != NULL && (tile->pending || tile->generation == cache->generation)))
    return tile;

  if (tile == NULL)
    {
      /* A placeholder records that the tile is on its way. */
      guint64 *k = g_new (guint64, 1);
      *k = key;
      tile = g_new0 (AlTile, 1);
      tile->level = level;
      tile->tx = tx;
      tile->ty = ty;
      tile->last_used = g_atomic_int_get (&cache->frame_serial);
      tile->wanted = wanted_new (tile->last_used);
      g_hash_table_insert (cache->tiles, k, tile);
    }
  tile->pending = TRUE;
  request_tile (cache, tile, level, tx, ty);
  return tile->texture != NULL ? tile : NULL;
}

/* Drops the least recently drawn tiles beyond the budget; never the top
 * level (the fallback for everything) nor tiles drawn this frame. */
void
al_tile_cache_end_frame (AlTileCache *cache)
{
  GHashTableIter iter;
  gpointer key, value;
  guint64 now = g_atomic_int_get (&cache->frame_serial);
  guint top;

  if (cache->bytes <= AL_TILE_CACHE_BYTES || cache->pyramid == NULL)
    return;
  top = cache->pyramid->n_levels - 1;
  while (cache->bytes > AL_TILE_CACHE_BYTES)
    {
      AlTile *oldest = NULL;
      gpointer oldest_key = NULL;

      g_hash_table_iter_init (&iter, cache->tiles);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          AlTile *t = value;
          if (t->level == top || t->last_used >= now || t->bytes == NULL || t->pending)
            continue;
          if (oldest == NULL || t->last_used < oldest->last_used)
            oldest = t, oldest_key = key;
        }
      if (oldest == NULL)
        break;
      cache->bytes -= g_bytes_get_size (oldest->bytes);
      g_hash_table_remove (cache->tiles, oldest_key);
    }
}

guint
al_tile_cache_get_n_pending (AlTileCache *cache)
{
  return cache->n_pending;
}

gsize
al_tile_cache_get_bytes (AlTileCache *cache)
{
  return cache->bytes;
}

cairo_surface_t *
al_tile_get_surface (AlTile *tile)
{
  if (tile->surface == NULL && tile->bytes != NULL)
    tile->surface = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (tile->bytes, NULL),
                                                         CAIRO_FORMAT_RGB24, tile->width, tile->height,
                                                         tile->width * 4);
  return tile->surface;
}
