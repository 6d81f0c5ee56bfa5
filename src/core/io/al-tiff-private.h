/* al-tiff-private.h: what the TIFF reader's and writer's files share:
 * opening a file with libtiff's messages captured instead of printed, and
 * turning them into GErrors. */
#pragma once

#include <tiffio.h>

#include "io/al-tiff.h"

G_BEGIN_DECLS

/* The first error libtiff reported on one open file (libtiff keeps talking
 * after the first, and the first is the cause). */
typedef struct
{
  char *first_error;
} AlTiffLog;

/* Opens a file held in memory for reading; `name` names it in messages. */
TIFF    *al_tiff_open_bytes       (const guint8 *data,
                                   gsize         size,
                                   const char   *name,
                                   AlTiffLog    *log,
                                   GError      **error);
TIFF    *al_tiff_fd_open          (int          fd,
                                   const char  *name,
                                   const char  *mode,
                                   AlTiffLog   *log,
                                   GError     **error);
void     al_tiff_log_clear        (AlTiffLog   *log);
/* Sets `error` (code `code`) to `what`, followed by libtiff's reason when it
 * gave one. */
void     al_tiff_set_error        (GError     **error,
                                   AlIoError    code,
                                   AlTiffLog   *log,
                                   const char  *what);

/* Teaches libtiff the private tags of DigitalMicrograph and FEI (once per
 * process, before the first file is opened). */
void     al_tiff_register_tags    (void);
/* Metadata, then calibration (which may use the metadata), of the current
 * directory (the first page). */
void     al_tiff_read_calibration (TIFF        *tif,
                                   guint        n_frames,
                                   AlImage     *image);
void     al_tiff_read_metadata    (TIFF        *tif,
                                   AlImage     *image);
/* A text tag as UTF-8 (Latin-1 text converted), or NULL. */
char    *al_tiff_get_text         (TIFF        *tif,
                                   guint32      tag);

G_END_DECLS

G_BEGIN_DECLS

/* What the reader needs to know about one page (one TIFF directory). */
typedef struct
{
  guint32  width;
  guint32  height;
  guint16  bits;
  guint16  samples;      /* samples per pixel */
  guint16  format;       /* SAMPLEFORMAT_* */
  guint16  photometric;
  guint16  planar;
  gboolean tiled;
  gboolean reduced;      /* a thumbnail or a lower resolution copy */
} AlTiffPage;

/* Where we are, for messages and bounds. */
typedef struct
{
  const char   *name;       /* the file's base name */
  guint         page;       /* 0-based directory index */
  guint64       file_size;  /* bytes */
  AlTiffLog    *log;
  const guint8 *data;       /* the whole file */
  /* ImageJ stacks above 4 GiB have one directory: the other frames follow
   * the first one's pixels. Where they start (0: not such a file) and how
   * many bytes each takes. */
  guint64       contiguous_at;
  guint64       frame_bytes;
  /* `data` is a read-only file mapping whose pages may be given back
   * after each frame. */
  gboolean      mapped;
  guint64       decoded_since_release;
} AlTiffContext;

gboolean    al_tiff_page_info   (TIFF                *tif,
                                 const AlTiffContext *ctx,
                                 AlTiffPage          *page,
                                 GError             **error);
/* The samples' name ("uint16", "float32", ...) for AlImage.dtype. */
const char *al_tiff_page_dtype  (const AlTiffPage    *page);
/* TRUE when the current page's samples are stored plainly (one sample
 * per pixel, no compression) in one run of bytes: its offset and length. */
gboolean    al_tiff_page_plain  (TIFF                *tif,
                                 const AlTiffPage    *page,
                                 guint64             *offset,
                                 guint64             *n_bytes);
/* Converts plainly stored samples, in the file's byte order, into `frame`. */
void        al_tiff_page_decode_plain (TIFF             *tif,
                                       const AlTiffPage *page,
                                       const guint8     *raw,
                                       float            *frame);
/* Converts the current page into `frame` (width × height floats, zeroed). */
gboolean    al_tiff_page_decode (TIFF                *tif,
                                 AlTiffContext       *ctx,
                                 const AlTiffPage    *page,
                                 float               *frame,
                                 GError             **error);

G_END_DECLS
