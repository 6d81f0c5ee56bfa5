/* al-layer-tiles.h: the tiles of one overlay layer's drawing (see
 * al-layer.h): square pieces of the screen at one zoom, rendered by worker
 * threads from data captured on the main thread, kept while they are
 * wanted and pasted at each redraw. */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas-view.h"

G_BEGIN_DECLS

/* Tiles are this many widget pixels a side. */
#define AL_LAYER_TILE_PX 256
/* Zoom levels whose tiles are kept at once (the current one and the last
 * ones, which stand in while the current one is rendered). */
#define AL_LAYER_TILE_ZOOMS 3
/* Bytes of tiles a layer keeps before dropping the least recently drawn. */
#define AL_LAYER_TILE_BYTES (48 * 1024 * 1024)
/* A queued tile not drawn during the last few frames is skipped. */
#define AL_LAYER_TILE_STALE_FRAMES 3

typedef struct _AlLayerTiles AlLayerTiles;

/* Main thread, when a tile arrived. */
typedef void     (*AlLayerTilesReady)   (gpointer            user_data);
typedef gpointer (*AlLayerTilesCapture) (gpointer            user_data);
typedef void     (*AlLayerTilesRender)  (gpointer            data,
                                         cairo_t            *cr,
                                         const AlCanvasView *tile);

AlLayerTiles *al_layer_tiles_new        (AlLayerTilesReady   ready,
                                         gpointer            user_data);
/* Drops the callback and the caller's reference; workers finish quietly. */
void          al_layer_tiles_detach     (AlLayerTiles       *tiles);
/* The drawing changed: tiles are rendered again, the old ones shown until. */
void          al_layer_tiles_invalidate (AlLayerTiles       *tiles);
/* Pastes the tiles of `view` (the snapshot in widget coordinates),
 * queueing those missing or out of date. `capture` is called at most once,
 * when something is queued; its data is freed with `release`. */
void          al_layer_tiles_snapshot   (AlLayerTiles       *tiles,
                                         GtkSnapshot        *snapshot,
                                         const AlCanvasView *view,
                                         AlLayerTilesCapture capture,
                                         gpointer            capture_data,
                                         GDestroyNotify      release,
                                         AlLayerTilesRender  render);
guint         al_layer_tiles_get_n_pending (AlLayerTiles    *tiles);

G_END_DECLS
