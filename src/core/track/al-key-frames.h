/* al-key-frames.h: a value computed on the key frames of a series (every
 * `every`-th frame from the first) and shared by the frames that follow
 * each, up to the next key frame: the phase network's map, which costs a
 * third of a frame's analysis and changes slowly (a phase boundary moves
 * over many frames).
 *
 * Frames run in parallel (al-frame-pool.h) and may finish out of order.
 * A key frame is handed out before the frames that use its value, so a
 * frame that needs it waits for it without deadlock: the key frame is in
 * flight or done. Its worker must publish on every path (NULL when it
 * failed or has no value); then the waiting frames go on without one.
 * A value is freed as soon as the last of its frames has released it, so
 * a long series holds one value per frame in flight at most.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _AlKeyFrames AlKeyFrames;

/* Frames first..last, a key frame every `every` (≥ 1) frames. */
AlKeyFrames *al_key_frames_new      (guint           first,
                                     guint           last,
                                     guint           every,
                                     GDestroyNotify  free_value);
void         al_key_frames_free     (AlKeyFrames    *keys);
gboolean     al_key_frames_is_key   (const AlKeyFrames *keys,
                                     guint           frame);
/* The key frame of `frame` publishes its value (taken; NULL: none). Only
 * the first publication counts; later ones are freed. */
void         al_key_frames_publish  (AlKeyFrames    *keys,
                                     guint           key_frame,
                                     gpointer        value);
/* The value of frame's key frame, waiting until it is published; valid
 * until al_key_frames_release() for the same frame. */
gconstpointer al_key_frames_acquire (AlKeyFrames    *keys,
                                     guint           frame);
/* Frame `frame` is done with its key frame's value (each frame once,
 * whether it acquired it or, being the key frame, published it). */
void         al_key_frames_release  (AlKeyFrames    *keys,
                                     guint           frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlKeyFrames, al_key_frames_free)

G_END_DECLS
