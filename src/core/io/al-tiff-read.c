/* al-tiff-read.c: the TIFF reader behind al_image_load().
 *
 * Every full-resolution page is a frame (thumbnails and reduced copies are
 * skipped); all frames must have one size. Pages are first counted and
 * checked, then the image is allocated once and filled page by page.
 */
#include "al-tiff-private.h"

#include "al-frame-source-private.h"
#include "al-io-release.h"

#include <string.h>

/* The classic and BigTIFF headers, little- and big-endian. */
static const guint8 magic_classic_le[4] = { 'I', 'I', 42, 0 };
static const guint8 magic_classic_be[4] = { 'M', 'M', 0, 42 };
static const guint8 magic_big_le[4] = { 'I', 'I', 43, 0 };
static const guint8 magic_big_be[4] = { 'M', 'M', 0, 43 };

static gboolean
tiff_sniff (const guint8 *head,
            gsize         n_head,
            const char   *path)
{
  if (n_head < 4)
    return FALSE;
  return memcmp (head, magic_classic_le, 4) == 0 || memcmp (head, magic_classic_be, 4) == 0
         || memcmp (head, magic_big_le, 4) == 0 || memcmp (head, magic_big_be, 4) == 0;
}

static void
set_error (GError             **error,
           AlIoError            code,
           const AlTiffContext *ctx,
           const char          *format,
           ...) G_GNUC_PRINTF (4, 5);

static void
set_error (GError             **error,
           AlIoError            code,
           const AlTiffContext *ctx,
           const char          *format,
           ...)
{
  va_list args;
  g_autofree char *what = NULL;
  g_autofree char *message = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  message = g_strdup_printf ("“%s”, page %u: %s", ctx->name, ctx->page + 1, what);
  al_tiff_set_error (error, code, ctx->log, message);
}

gboolean
al_tiff_page_info (TIFF                *tif,
                   const AlTiffContext *ctx,
                   AlTiffPage          *page,
                   GError             **error)
{
  guint32 subfile = 0;

  memset (page, 0, sizeof *page);
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &page->width);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &page->height);
  TIFFGetFieldDefaulted (tif, TIFFTAG_BITSPERSAMPLE, &page->bits);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLESPERPIXEL, &page->samples);
  TIFFGetFieldDefaulted (tif, TIFFTAG_SAMPLEFORMAT, &page->format);
  TIFFGetFieldDefaulted (tif, TIFFTAG_PLANARCONFIG, &page->planar);
  if (!TIFFGetField (tif, TIFFTAG_PHOTOMETRIC, &page->photometric))
    page->photometric = page->samples >= 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK;
  if (TIFFGetField (tif, TIFFTAG_SUBFILETYPE, &subfile))
    page->reduced = (subfile & FILETYPE_REDUCEDIMAGE) != 0;
  page->tiled = TIFFIsTiled (tif);

  if (page->width == 0 || page->height == 0)
    {
      set_error (error, AL_IO_ERROR_NOT_AN_IMAGE, ctx, "it holds no pixels (%u×%u)",
                 page->width, page->height);
      return FALSE;
    }
  if (page->width > AL_IMAGE_MAX_SIDE || page->height > AL_IMAGE_MAX_SIDE)
    {
      set_error (error, AL_IO_ERROR_TOO_LARGE, ctx,
                 "%u×%u pixels is more than AtomLens reads (at most %u pixels a side)",
                 page->width, page->height, AL_IMAGE_MAX_SIDE);
      return FALSE;
    }
  if (page->format == SAMPLEFORMAT_COMPLEXINT || page->format == SAMPLEFORMAT_COMPLEXIEEEFP)
    {
      set_error (error, AL_IO_ERROR_NOT_AN_IMAGE, ctx,
                 "it holds complex numbers (an FFT?), which AtomLens does not read");
      return FALSE;
    }
  if (page->bits == 0 || page->bits > 64 || page->samples == 0)
    {
      set_error (error, AL_IO_ERROR_CORRUPT, ctx, "%u bits in %u samples per pixel make no sense",
                 page->bits, page->samples);
      return FALSE;
    }
  return TRUE;
}

/* The samples a page claims must fit in the file: all of them when stored
 * plainly, 1/AL_IO_MAX_COMPRESSION_RATIO of them when compressed. The
 * sums run over the pages seen so far. */
static gboolean
page_fits_file (TIFF                *tif,
                const AlTiffContext *ctx,
                const AlTiffPage    *page,
                guint64             *raw_bytes,
                guint64             *packed_bytes,
                GError             **error)
{
  guint16 compression = COMPRESSION_NONE;
  /* At most 65536² pixels × 65535 samples × 8 bytes: no overflow. */
  guint64 bytes = (guint64) page->width * page->height * page->samples * ((page->bits + 7) / 8);

  TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
  if (compression == COMPRESSION_NONE)
    *raw_bytes += bytes;
  else
    *packed_bytes += bytes;
  if (*raw_bytes > ctx->file_size)
    {
      g_autofree char *pages = ctx->page == 0 ? g_strdup ("its")
                                              : g_strdup_printf ("its first %u pages’", ctx->page + 1);
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: %s pixels need %" G_GUINT64_FORMAT
                   " bytes but the file has %" G_GUINT64_FORMAT " bytes",
                   ctx->name, pages, *raw_bytes, ctx->file_size);
      return FALSE;
    }
  if (*packed_bytes / AL_IO_MAX_COMPRESSION_RATIO > ctx->file_size)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: page %u claims %u×%u pixels, far more than its %"
                   G_GUINT64_FORMAT " bytes can hold",
                   ctx->name, ctx->page + 1, page->width, page->height, ctx->file_size);
      return FALSE;
    }
  return TRUE;
}

/* ImageJ writes stacks above 4 GiB (beyond classic TIFF's offsets) with
 * one directory and `images=N` in its description; frames 2..N follow the
 * first one's pixels. Sets the context up to read them; FALSE with an error
 * when the file is too short for them. */
static gboolean
find_imagej_frames (TIFF             *tif,
                    AlTiffContext    *ctx,
                    const AlTiffPage *page,
                    guint            *n_frames,
                    GError          **error)
{
  g_autofree char *description = al_tiff_get_text (tif, TIFFTAG_IMAGEDESCRIPTION);
  const char *images = description != NULL ? strstr (description, "\nimages=") : NULL;
  guint64 n, offset, n_bytes;

  if (description == NULL || !g_str_has_prefix (description, "ImageJ=") || images == NULL)
    return TRUE;
  n = g_ascii_strtoull (images + strlen ("\nimages="), NULL, 10);
  if (n < 2 || n > AL_IMAGE_MAX_SAMPLES || !al_tiff_page_plain (tif, page, &offset, &n_bytes))
    return TRUE;
  if (offset > ctx->file_size || n > (ctx->file_size - offset) / n_bytes)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: ImageJ says it holds %" G_GUINT64_FORMAT " images of %"
                   G_GUINT64_FORMAT " bytes from byte %" G_GUINT64_FORMAT
                   " but the file has %" G_GUINT64_FORMAT " bytes",
                   ctx->name, n, n_bytes, offset, ctx->file_size);
      return FALSE;
    }
  ctx->contiguous_at = offset + n_bytes;
  ctx->frame_bytes = n_bytes;
  *n_frames = (guint) n;
  return TRUE;
}

/* Counts the frames and checks that they agree; `first` receives the first
 * full-resolution page. */
static gboolean
count_frames (TIFF          *tif,
              AlTiffContext *ctx,
              AlTiffPage    *first,
              guint         *n_frames,
              GError       **error)
{
  AlTiffPage page;
  guint64 raw_bytes = 0, packed_bytes = 0;

  *n_frames = 0;
  ctx->page = 0;
  do
    {
      if (!al_tiff_page_info (tif, ctx, &page, error))
        return FALSE;
      if (page.reduced)
        continue;
      if (!page_fits_file (tif, ctx, &page, &raw_bytes, &packed_bytes, error))
        return FALSE;
      if (*n_frames == 0)
        *first = page;
      else if (page.width != first->width || page.height != first->height)
        {
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                       "“%s”: page %u is %u×%u pixels but the first is %u×%u; AtomLens reads "
                       "pages as the frames of one series only when they all have one size",
                       ctx->name, ctx->page + 1, page.width, page.height, first->width,
                       first->height);
          return FALSE;
        }
      (*n_frames)++;
    }
  while (ctx->page++, TIFFReadDirectory (tif));

  if (ctx->log->first_error != NULL)
    {
      set_error (error, AL_IO_ERROR_CORRUPT, ctx, "its directory is damaged");
      return FALSE;
    }
  if (*n_frames == 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds only reduced-resolution previews", ctx->name);
      return FALSE;
    }
  if (ctx->page == 1 && *n_frames == 1)
    return TIFFSetDirectory (tif, 0) && find_imagej_frames (tif, ctx, first, n_frames, error);
  return TRUE;
}

/* An open TIFF file: libtiff's handle is not safe to share between
 * threads, so frames are decoded one at a time under `lock`. */
typedef struct
{
  GMutex         lock;
  TIFF          *tif;
  AlTiffLog      log;
  AlTiffContext  ctx;
  AlTiffPage     first;       /* the first full-resolution page */
  guint          n_pages;     /* frames with a directory of their own ... */
  tdir_t        *directories; /* ... and the directory of each */
} TiffFrames;

static void
tiff_frames_free (gpointer data)
{
  TiffFrames *frames = data;

  if (frames->tif != NULL)
    TIFFClose (frames->tif);
  al_tiff_log_clear (&frames->log);
  g_free (frames->directories);
  g_mutex_clear (&frames->lock);
  g_free (frames);
}

/* Records the directory of every full-resolution page and reads
 * calibration and metadata from the first. */
static gboolean
index_pages (TiffFrames *frames,
             AlImage    *info,
             GError    **error)
{
  TIFF *tif = frames->tif;
  AlTiffContext *ctx = &frames->ctx;
  AlTiffPage page;
  guint k = 0;

  if (!TIFFSetDirectory (tif, 0))
    {
      ctx->page = 0;
      set_error (error, AL_IO_ERROR_CORRUPT, ctx, "its directory cannot be read again");
      return FALSE;
    }
  ctx->page = 0;
  do
    {
      if (!al_tiff_page_info (tif, ctx, &page, error))
        return FALSE;
      if (page.reduced)
        continue;
      if (k == 0)
        {
          al_tiff_read_metadata (tif, info);
          al_tiff_read_calibration (tif, info->n_frames, info);
        }
      if (k < frames->n_pages)
        frames->directories[k++] = (tdir_t) ctx->page;
    }
  while (ctx->page++, TIFFReadDirectory (tif));
  frames->n_pages = k;
  return TRUE;
}

static gboolean
read_tiff_frame (AlFrameSource *source,
                 guint          frame,
                 float         *dest,
                 GError       **error)
{
  TiffFrames *frames = source->impl;
  AlTiffContext *ctx = &frames->ctx;
  g_autoptr (GMutexLocker) locker = g_mutex_locker_new (&frames->lock);
  gsize n = (gsize) source->info->width * source->info->height;
  AlTiffPage page;

  memset (dest, 0, n * sizeof (float));
  if (frame >= frames->n_pages)
    {
      /* ImageJ's frames after the first directory's pixels. */
      al_tiff_page_decode_plain (frames->tif, &frames->first,
                                 ctx->data + ctx->contiguous_at
                                 + (guint64) (frame - 1) * ctx->frame_bytes, dest);
      if (ctx->mapped)
        al_io_release_range (ctx->data, ctx->contiguous_at + (guint64) (frame - 1) * ctx->frame_bytes,
                             ctx->frame_bytes);
      return TRUE;
    }
  ctx->page = frames->directories[frame];
  if (!TIFFSetDirectory (frames->tif, frames->directories[frame]))
    {
      set_error (error, AL_IO_ERROR_CORRUPT, ctx, "its directory cannot be read again");
      return FALSE;
    }
  if (!al_tiff_page_info (frames->tif, ctx, &page, error)
      || !al_tiff_page_decode (frames->tif, ctx, &page, dest, error))
    return FALSE;
  if (ctx->mapped)
    al_io_release_mapped (ctx->data, ctx->file_size);
  return TRUE;
}

/* The header's pointer to the first directory, checked before libtiff
 * reads it, so a file cut short says so. */
static gboolean
check_header (const guint8 *data,
              gsize         size,
              const char   *name,
              GError      **error)
{
  guint64 first_ifd = 0;
  gboolean big_endian = size >= 4 && data[0] == 'M';
  gboolean big_tiff = size >= 4 && data[big_endian ? 3 : 2] == 43;

  if (size < (big_tiff ? 16u : 8u))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: it ends inside its TIFF header (%" G_GSIZE_FORMAT " bytes)",
                   name, size);
      return FALSE;
    }
  for (guint i = 0; i < (big_tiff ? 8u : 4u); i++)
    {
      guint at = (big_tiff ? 8 : 4) + (big_endian ? i : (big_tiff ? 7 : 3) - i);
      first_ifd = (first_ifd << 8) | data[at];
    }
  if (first_ifd >= size)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: its first directory should be at byte %" G_GUINT64_FORMAT
                   " but the file has %" G_GSIZE_FORMAT " bytes",
                   name, first_ifd, size);
      return FALSE;
    }
  return TRUE;
}

static gboolean
open_source (AlFrameSource *source,
             GError       **error)
{
  TiffFrames *frames = g_new0 (TiffFrames, 1);
  AlTiffContext *ctx = &frames->ctx;
  guint n_frames = 0;
  AlImage *info;

  g_mutex_init (&frames->lock);
  al_frame_source_set_reader (source, read_tiff_frame, frames, tiff_frames_free);
  ctx->name = source->name;
  ctx->file_size = source->size;
  ctx->log = &frames->log;
  ctx->data = source->data;
  ctx->mapped = source->mapped != NULL;
  if (!check_header (source->data, source->size, source->name, error))
    return FALSE;
  frames->tif = al_tiff_open_bytes (source->data, source->size, source->name, &frames->log, error);
  if (frames->tif == NULL
      || !count_frames (frames->tif, ctx, &frames->first, &n_frames, error))
    return FALSE;
  info = al_frame_source_set_info (source, frames->first.width, frames->first.height, n_frames,
                                   error);
  if (info == NULL)
    return FALSE;
  g_free (info->dtype);
  info->dtype = g_strdup (al_tiff_page_dtype (&frames->first));
  info->format = g_strdup (TIFFIsBigTIFF (frames->tif) ? "BigTIFF" : "TIFF");
  frames->n_pages = ctx->contiguous_at > 0 ? 1 : n_frames;
  frames->directories = g_new0 (tdir_t, frames->n_pages);
  return index_pages (frames, info, error);
}

AlImage *
al_tiff_load_bytes (const guint8 *data,
                    gsize         size,
                    const char   *name,
                    GError      **error)
{
  return al_frame_source_load_bytes (data, size, name, open_source, error);
}

/* The file is mapped, not read: pages are fetched as libtiff touches them,
 * and plain strips are converted straight from the mapping. */
static gboolean
tiff_open (AlFrameSource *source,
           const char    *path,
           GError       **error)
{
  return al_frame_source_map (source, path, error) && open_source (source, error);
}

const AlImageReader al_tiff_reader = {
  .format = "TIFF",
  .sniff = tiff_sniff,
  .open = tiff_open,
};
