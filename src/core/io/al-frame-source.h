/* al-frame-source.h: a microscope file opened once and read frame by frame.
 *
 * al_frame_source_open() reads only what describes the data (a TIFF's
 * directories, a DM tag tree, an MRC or SER header, an EMD file's groups)
 * and learns the frame size, the number of frames, the stored sample type,
 * the calibration and the metadata. Frames are then read on demand into a
 * caller's buffer, so a series far larger than memory can be analysed one
 * frame (or one window) at a time. al_image_load() is built on this: every
 * format has one reading path.
 *
 * Reads are thread-safe: worker threads may read different frames of one
 * source at once (raw formats convert straight from a read-only mapping;
 * TIFF decodes under the source's lock, EMD under the process-wide HDF5
 * lock).
 *
 * Memory budget: whatever a reader is asked to hold (a whole load, or one
 * frame) is checked against the core's one memory budget
 * (al_limits_get_memory_budget(), al-limits.h) before anything is
 * allocated; beyond it the request fails with AL_IO_ERROR_TOO_LARGE and a
 * message that says what would fit, never with an out-of-memory kill.
 */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

typedef struct _AlFrameSource AlFrameSource;

/* Opens `path` (any format al_image_load() reads). Fails when one frame
 * does not fit the memory budget. */
AlFrameSource *al_frame_source_open       (const char          *path,
                                           GError             **error);
void           al_frame_source_free       (AlFrameSource       *source);

/* What the file says about its data: width, height, n_frames (all frames
 * in the file), calibration, frame axis, format, dtype, source_path and
 * metadata. `pixels` is NULL. Owned by the source. */
const AlImage *al_frame_source_get_info   (const AlFrameSource *source);
guint          al_frame_source_get_width  (const AlFrameSource *source);
guint          al_frame_source_get_height (const AlFrameSource *source);
guint          al_frame_source_get_n_frames (const AlFrameSource *source);
/* Samples in one frame (width × height). */
gsize          al_frame_source_frame_samples (const AlFrameSource *source);

/* Reads frames [first, first + n_frames) into `dest`, which holds
 * n_frames × width × height floats (frame-major, as AlImage). Safe to call
 * from several threads at once. */
gboolean       al_frame_source_read       (AlFrameSource       *source,
                                           guint                first,
                                           guint                n_frames,
                                           float               *dest,
                                           GError             **error);

/* A new image of frames [first, first + n_frames) (n_frames 0: to the last
 * frame) with the file's calibration and metadata; frame 0 of the result is
 * frame `first` of the file. Refused (AL_IO_ERROR_TOO_LARGE) when the
 * frames exceed the memory budget. */
AlImage       *al_frame_source_load       (AlFrameSource       *source,
                                           guint                first,
                                           guint                n_frames,
                                           GError             **error);

/* TRUE when `bytes` fit the core's memory budget
 * (al_limits_get_memory_budget()); otherwise FALSE with an
 * AL_IO_ERROR_TOO_LARGE error naming `name` and `what` ("all 100 frames",
 * "one frame"). */
gboolean       al_io_check_budget         (guint64              bytes,
                                           const char          *name,
                                           const char          *what,
                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlFrameSource, al_frame_source_free)

G_END_DECLS
