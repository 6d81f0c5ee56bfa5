/* al-frame-pool.h: runs one piece of work per frame of a series on a
 * bounded set of worker threads.
 *
 * Frames are handed out in order, one at a time per worker, so at most
 * n_workers frames are in flight (and in memory, when the work reads its
 * frame itself). Each finished frame is handed to `done` at once, under
 * the pool's lock, in the worker thread; frames may finish out of order.
 * The first error, or the cancellable, stops the hand-out of frames; the
 * frames already in flight finish (their work should watch the
 * cancellable too).
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The work of one frame, in a worker thread: returns its result, or NULL
 * with `error` set. `worker` (0 .. n_workers - 1) says which worker runs
 * it, for per-worker scratch state. */
typedef gpointer (*AlFramePoolWorkFunc) (guint          frame,
                                     guint          worker,
                                     gpointer       user_data,
                                     GCancellable  *cancellable,
                                     GError       **error);
/* A finished frame: takes `result`. n_done frames of n_total are done. */
typedef void     (*AlFramePoolDoneFunc) (guint          frame,
                                     gpointer       result,
                                     guint          n_done,
                                     guint          n_total,
                                     gpointer       user_data);

gboolean al_frame_pool_run (guint            first,
                            guint            last,
                            guint            n_workers,
                            AlFramePoolWorkFunc  work,
                            AlFramePoolDoneFunc  done,
                            gpointer         user_data,
                            GCancellable    *cancellable,
                            GError         **error);

G_END_DECLS
