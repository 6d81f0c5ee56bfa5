/* al-frame-source-private.h: what a reader fills in when it opens a file
 * as an AlFrameSource.
 *
 * A reader's open function parses the file's description from
 * source->data (a read-only mapping of the file, or bytes in memory), sets
 * source->info with al_frame_source_set_info() and chooses how frames are
 * read: al_frame_source_set_raw() for samples stored plainly at known
 * offsets (DM, MRC, SER, ...), or its own read function with
 * al_frame_source_set_reader().
 */
#pragma once

#include "io/al-frame-source.h"
#include "io/al-io-bytes.h"

G_BEGIN_DECLS

/* Reads one frame into `dest` (width × height floats). Must be safe to
 * call from several threads at once. */
typedef gboolean (*AlFrameReadFunc) (AlFrameSource *source,
                                     guint          frame,
                                     float         *dest,
                                     GError       **error);

/* How plainly stored samples become floats. */
typedef enum
{
  AL_RAW_SAMPLES,   /* one number of `type` per pixel */
  AL_RAW_BINARY,    /* one byte per pixel, 0 or not */
  AL_RAW_BGRX,      /* four bytes per pixel: B, G, R, unused; shown as luma */
} AlRawKind;

typedef struct
{
  AlRawKind    kind;
  AlSampleType type;          /* for AL_RAW_SAMPLES */
  gboolean     little_endian;
  gboolean     bottom_up;     /* the last row is stored first (TIA SER) */
  guint64      first_offset;  /* frame f starts at first_offset + f × stride ... */
  guint64      stride;
  guint64     *offsets;       /* ... or at offsets[f] when not NULL (owned) */
} AlRawFrames;

struct _AlFrameSource
{
  AlImage         *info;      /* pixels NULL */
  char            *name;      /* the file's base name, for messages */
  GMappedFile     *mapped;    /* the file, when read through a mapping */
  const guint8    *data;      /* the mapping's or the caller's bytes */
  gsize            size;
  AlFrameReadFunc  read_frame;
  gpointer         impl;      /* the reader's own state */
  GDestroyNotify   impl_free;
  AlRawFrames      raw;
  AlImage         *whole;     /* readers that decode everything at open */
};

/* A source with no data yet; `name` appears in messages. */
AlFrameSource *al_frame_source_new        (const char    *name);
/* Maps `path` read-only into source->data. */
gboolean       al_frame_source_map        (AlFrameSource *source,
                                           const char    *path,
                                           GError       **error);
/* Reads from bytes the caller keeps alive while the source lives. */
void           al_frame_source_set_bytes  (AlFrameSource *source,
                                           const guint8  *data,
                                           gsize          size);
/* A description of width × height × n_frames, with no pixels, becomes
 * source->info (returned for the reader to fill in). Fails when a side is
 * beyond AL_IMAGE_MAX_SIDE or one frame beyond the memory budget. */
AlImage       *al_frame_source_set_info   (AlFrameSource *source,
                                           guint          width,
                                           guint          height,
                                           guint          n_frames,
                                           GError       **error);
/* Frames are stored plainly as `raw` describes (copied; offsets taken).
 * The reader has checked that every frame lies inside source->data. */
void           al_frame_source_set_raw    (AlFrameSource     *source,
                                           const AlRawFrames *raw);
void           al_frame_source_set_reader (AlFrameSource  *source,
                                           AlFrameReadFunc read_frame,
                                           gpointer        impl,
                                           GDestroyNotify  impl_free);
/* For readers that decode the whole file at open (PNG, JPEG): the source
 * serves frames from `image`, which it takes. */
void           al_frame_source_set_image  (AlFrameSource *source,
                                           AlImage       *image);
/* For the *_load_bytes() entry points: loads every frame, frees the
 * source. */
AlImage       *al_frame_source_load_all   (AlFrameSource *source,
                                           GError       **error);

/* A reader's own open step, once source->data is set. */
typedef gboolean (*AlSourceOpenFunc) (AlFrameSource *source,
                                      GError       **error);
/* A *_load_bytes() entry point: `data` opened by `open_source` and every
 * frame loaded. */
AlImage       *al_frame_source_load_bytes (const guint8    *data,
                                           gsize            size,
                                           const char      *name,
                                           AlSourceOpenFunc open_source,
                                           GError         **error);

/* Decodes a whole file into an AlImage from its bytes (PNG, JPEG). */
typedef AlImage *(*AlBytesLoadFunc) (const guint8 *data,
                                     gsize         size,
                                     const char   *name,
                                     GError      **error);
/* A reader's open for such a file: maps `path`, decodes it with `load`
 * and serves its one frame (al_frame_source_set_image()). */
gboolean       al_frame_source_open_decoded (AlFrameSource  *source,
                                             const char     *path,
                                             AlBytesLoadFunc load,
                                             GError        **error);

G_END_DECLS
