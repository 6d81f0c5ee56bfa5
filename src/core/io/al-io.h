/* al-io.h: reading microscope images. al_image_load() looks at a file's
 * first bytes (its magic), not only its name, and hands it to the reader
 * for that format. Every reader treats its file as hostile: sizes are
 * checked before allocation, truncation is an error, nothing is read past
 * a buffer.
 */
#pragma once

#include <gio/gio.h>

#include "al-image.h"

G_BEGIN_DECLS

#define AL_IO_ERROR (al_io_error_quark ())

typedef enum
{
  AL_IO_ERROR_FAILED,
  AL_IO_ERROR_NOT_FOUND,      /* no such file, or it cannot be opened */
  AL_IO_ERROR_UNSUPPORTED,    /* a format, or a variant of one, we do not read */
  AL_IO_ERROR_CORRUPT,        /* the file contradicts its own format */
  AL_IO_ERROR_TRUNCATED,      /* the file ends before its data does */
  AL_IO_ERROR_NOT_AN_IMAGE,   /* a valid file that holds no image (a spectrum, ...) */
  AL_IO_ERROR_TOO_LARGE,      /* more than we agree to hold in memory */
  AL_IO_ERROR_WRITE,          /* writing or renaming the output failed */
  AL_IO_ERROR_MISMATCH,       /* a document whose image is not the one it was made from */
} AlIoError;

GQuark   al_io_error_quark (void);

/* No codec packs more than this many bytes of samples into one byte of
 * file (deflate peaks near 1032:1): a compressed image whose header claims
 * more is damaged, and readers refuse it before allocating for it. */
#define AL_IO_MAX_COMPRESSION_RATIO 4096

/* How many leading bytes a reader's sniff function is shown. */
#define AL_IO_SNIFF_BYTES 512

/* A file opened for reading frame by frame (al-frame-source.h). */
typedef struct _AlFrameSource AlFrameSource;

typedef struct
{
  const char *format;   /* "TIFF", "DM3", ... */
  /* TRUE when the first bytes (and, as a hint only, the name) are this format's. */
  gboolean  (*sniff) (const guint8 *head,
                      gsize         n_head,
                      const char   *path);
  /* Reads the description of `path` into `source` (al-frame-source-private.h)
   * and sets up how its frames are read; reads no frame. */
  gboolean  (*open)  (AlFrameSource *source,
                      const char    *path,
                      GError       **error);
} AlImageReader;

AlImage *al_image_load (const char  *path,
                        GError     **error);
/* Frames [first, first + n_frames) of a series (n_frames 0: to the last
 * frame): a window of a long in-situ series costs the memory of that
 * window (every reader skips the other frames). Frame 0 of the result is
 * frame `first` of the file. Both are al_frame_source_open() followed by
 * al_frame_source_load(). */
AlImage *al_image_load_frames (const char  *path,
                               guint        first,
                               guint        n_frames,
                               GError     **error);

/* The reader for `path`, chosen from its first bytes. */
const AlImageReader *al_io_find_reader (const char  *path,
                                        GError     **error);

/* For readers: checks a frame range against the file's `n_in_file` frames
 * and turns n_frames 0 into "to the last". */
gboolean al_io_check_frames   (const char  *path,
                               guint        n_in_file,
                               guint        first,
                               guint       *n_frames,
                               GError     **error);

G_END_DECLS
