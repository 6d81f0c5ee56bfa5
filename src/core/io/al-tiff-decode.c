/* al-tiff-decode.c: one TIFF page to float32 samples.
 *
 * Grey and RGB pages of 8, 16, 32 and 64-bit integers and 16, 32 and 64-bit
 * floats are decoded strip by strip or tile by tile and converted exactly
 * (within float32) to the frame; colour becomes luminance with the Rec. 709
 * weights (ITU-R BT.709-6, item 3.2). Every other photometric interpretation
 * libtiff can render (palette, YCbCr, CMYK, bilevel and 2/4-bit grey) goes
 * through its RGBA renderer and becomes luminance the same way.
 */
#include "al-tiff-private.h"

#include "al-io-bytes.h"
#include "al-io-release.h"

#include <string.h>

/* One decoded strip or tile may take at most this many bytes. */
#define AL_TIFF_MAX_CHUNK_BYTES (G_GUINT64_CONSTANT (1) << 30)
/* Rows converted through libtiff's RGBA renderer at a time, in bytes. */
#define AL_TIFF_RGBA_BAND_BYTES (1u << 20)
/* Decoded bytes between two releases of the mapped file's pages. */
#define AL_TIFF_RELEASE_BYTES (32u << 20)

/* The channels that make the frame and their weights. */
typedef struct
{
  AlSampleType type;
  guint        bytes;        /* per sample */
  guint        n_channels;
  float        weights[3];
} Layout;

/* The page's sample type; FALSE for one the direct path does not read. */
static gboolean
sample_type (const AlTiffPage *page,
             AlSampleType     *type)
{
  static const AlSampleType uints[] = { AL_SAMPLE_UINT8, AL_SAMPLE_UINT16, AL_SAMPLE_UINT32,
                                        AL_SAMPLE_UINT64 };
  static const AlSampleType ints[] = { AL_SAMPLE_INT8, AL_SAMPLE_INT16, AL_SAMPLE_INT32,
                                       AL_SAMPLE_INT64 };
  /* By bits: 8, 16, 32, 64 for integers; 16, 32, 64 for floats. */
  int log_bytes = page->bits == 8 ? 0 : page->bits == 16 ? 1 : page->bits == 32 ? 2
                : page->bits == 64 ? 3 : -1;

  if (log_bytes < 0)
    return FALSE;
  switch (page->format)
    {
    case SAMPLEFORMAT_UINT:
    case SAMPLEFORMAT_VOID:
      *type = uints[log_bytes];
      return TRUE;
    case SAMPLEFORMAT_INT:
      *type = ints[log_bytes];
      return TRUE;
    case SAMPLEFORMAT_IEEEFP:
      *type = log_bytes == 1 ? AL_SAMPLE_FLOAT16 : log_bytes == 2 ? AL_SAMPLE_FLOAT32
            : AL_SAMPLE_FLOAT64;
      return log_bytes > 0;
    default:
      return FALSE;
    }
}

const char *
al_tiff_page_dtype (const AlTiffPage *page)
{
  AlSampleType type;

  if (!sample_type (page, &type))
    return page->bits <= 8 ? "uint8" : "uint16";   /* rendered through RGBA */
  return al_sample_type_name (type);
}

/* The direct path takes grey and RGB; FALSE means the RGBA renderer. */
static gboolean
direct_layout (const AlTiffPage *page,
               Layout           *layout)
{
  layout->bytes = page->bits / 8;
  if (!sample_type (page, &layout->type))
    return FALSE;
  if (page->photometric == PHOTOMETRIC_MINISBLACK || page->photometric == PHOTOMETRIC_MINISWHITE)
    {
      /* Extra samples beside the grey one (alpha, a second channel) are
       * left out: the first sample is the image. */
      layout->n_channels = 1;
      layout->weights[0] = 1.0f;
      return TRUE;
    }
  if (page->photometric == PHOTOMETRIC_RGB && page->samples >= 3)
    {
      layout->n_channels = 3;
      layout->weights[0] = AL_LUMA_R;
      layout->weights[1] = AL_LUMA_G;
      layout->weights[2] = AL_LUMA_B;
      return TRUE;
    }
  return FALSE;
}

static void
set_page_error (GError             **error,
                AlIoError            code,
                const AlTiffContext *ctx,
                const char          *what)
{
  g_autofree char *message = g_strdup_printf ("“%s”, page %u: %s", ctx->name, ctx->page + 1, what);
  al_tiff_set_error (error, code, ctx->log, message);
}

/* A strip or tile whose bytes lie past the end of the file means the file
 * was cut short (an interrupted copy or download): say so, not "corrupt". */
static gboolean
check_in_file (TIFF                *tif,
               const AlTiffContext *ctx,
               guint32              strile,
               GError             **error)
{
  int err = 0;
  guint64 offset = TIFFGetStrileOffsetWithErr (tif, strile, &err);
  guint64 count = err ? 0 : TIFFGetStrileByteCountWithErr (tif, strile, &err);

  if (err)
    {
      set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "the table of image data is damaged");
      return FALSE;
    }
  if (offset > ctx->file_size || count > ctx->file_size - offset)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: page %u needs bytes up to %" G_GUINT64_FORMAT
                   " but the file ends at byte %" G_GUINT64_FORMAT,
                   ctx->name, ctx->page + 1, offset + count, ctx->file_size);
      return FALSE;
    }
  return TRUE;
}

static guint8 *
new_chunk (guint64              size,
           const AlTiffContext *ctx,
           GError             **error)
{
  guint8 *buffer;

  if (size == 0 || size > AL_TIFF_MAX_CHUNK_BYTES)
    {
      set_page_error (error, size == 0 ? AL_IO_ERROR_CORRUPT : AL_IO_ERROR_TOO_LARGE, ctx,
                      size == 0 ? "its strips or tiles have no size"
                                : "one strip or tile holds more than 1 GiB");
      return NULL;
    }
  buffer = g_try_malloc (size);
  if (buffer == NULL)
    set_page_error (error, AL_IO_ERROR_TOO_LARGE, ctx, "not enough memory for one strip");
  return buffer;
}

/* Adds `n_rows` rows of one decoded chunk, `width` pixels from column x0,
 * to the frame. `plane` is the channel a separate plane holds, or -1 when
 * the samples are interleaved. */
static void
accumulate_rows (const guint8     *chunk,
                 gsize             row_bytes,
                 const AlTiffPage *page,
                 const Layout     *layout,
                 int               plane,
                 guint             n_rows,
                 guint             width,
                 float            *dst)
{
  for (guint r = 0; r < n_rows; r++)
    {
      const guint8 *row = chunk + r * row_bytes;
      float *out = dst + (gsize) r * page->width;

      if (plane >= 0)
        al_io_accumulate_samples (row, layout->type, width, 1, layout->weights[plane], out);
      else
        for (guint c = 0; c < layout->n_channels; c++)
          al_io_accumulate_samples (row + (gsize) c * layout->bytes, layout->type, width,
                                    page->samples, layout->weights[c], out);
    }
}

/* Gives the mapped file's pages back every AL_TIFF_RELEASE_BYTES of
 * decoded data, so one large page costs its floats, not also its file. */
static void
release_now_and_then (AlTiffContext       *ctx,
                      gsize                decoded)
{
  if (!ctx->mapped)
    return;
  ctx->decoded_since_release += decoded;
  if (ctx->decoded_since_release >= AL_TIFF_RELEASE_BYTES)
    {
      al_io_release_mapped (ctx->data, ctx->file_size);
      ctx->decoded_since_release = 0;
    }
}

static gboolean
decode_strips (TIFF                *tif,
               AlTiffContext       *ctx,
               const AlTiffPage    *page,
               const Layout        *layout,
               float               *frame,
               GError             **error)
{
  gboolean separate = page->planar == PLANARCONFIG_SEPARATE;
  guint n_planes = separate ? layout->n_channels : 1;
  guint32 rows_per_strip = 0;
  guint32 strips_per_plane;
  gsize row_bytes = TIFFScanlineSize64 (tif);
  g_autofree guint8 *chunk = NULL;
  guint64 chunk_size = TIFFStripSize64 (tif);

  if (!TIFFGetFieldDefaulted (tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip) || rows_per_strip == 0)
    rows_per_strip = page->height;
  rows_per_strip = MIN (rows_per_strip, page->height);
  strips_per_plane = (page->height + rows_per_strip - 1) / rows_per_strip;
  if ((guint64) strips_per_plane * (separate ? page->samples : 1) > TIFFNumberOfStrips (tif))
    {
      set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "it lists fewer strips than its rows need");
      return FALSE;
    }
  chunk = new_chunk (chunk_size, ctx, error);
  if (chunk == NULL)
    return FALSE;

  for (guint p = 0; p < n_planes; p++)
    for (guint32 s = 0; s < strips_per_plane; s++)
      {
        guint32 strip = p * strips_per_plane + s;
        guint32 row0 = s * rows_per_strip;
        guint n_rows = MIN (rows_per_strip, page->height - row0);
        tmsize_t got;

        if (!check_in_file (tif, ctx, strip, error))
          return FALSE;
        got = TIFFReadEncodedStrip (tif, strip, chunk, (tmsize_t) chunk_size);
        if (got < 0 || (guint64) got < n_rows * row_bytes)
          {
            set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "its image data cannot be decoded");
            return FALSE;
          }
        accumulate_rows (chunk, row_bytes, page, layout, separate ? (int) p : -1, n_rows,
                         page->width, frame + (gsize) row0 * page->width);
        release_now_and_then (ctx, got);
      }
  return TRUE;
}

static gboolean
decode_tiles (TIFF                *tif,
              AlTiffContext       *ctx,
              const AlTiffPage    *page,
              const Layout        *layout,
              float               *frame,
              GError             **error)
{
  gboolean separate = page->planar == PLANARCONFIG_SEPARATE;
  guint n_planes = separate ? layout->n_channels : 1;
  guint32 tile_width = 0, tile_height = 0;
  gsize row_bytes = TIFFTileRowSize64 (tif);
  guint64 chunk_size = TIFFTileSize64 (tif);
  g_autofree guint8 *chunk = NULL;

  TIFFGetField (tif, TIFFTAG_TILEWIDTH, &tile_width);
  TIFFGetField (tif, TIFFTAG_TILELENGTH, &tile_height);
  if (tile_width == 0 || tile_height == 0)
    {
      set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "its tiles have no size");
      return FALSE;
    }
  chunk = new_chunk (chunk_size, ctx, error);
  if (chunk == NULL)
    return FALSE;

  for (guint p = 0; p < n_planes; p++)
    for (guint32 y = 0; y < page->height; y += tile_height)
      for (guint32 x = 0; x < page->width; x += tile_width)
        {
          guint32 tile = TIFFComputeTile (tif, x, y, 0, (guint16) p);
          guint n_rows = MIN (tile_height, page->height - y);
          guint n_cols = MIN (tile_width, page->width - x);
          tmsize_t got;

          if (tile >= TIFFNumberOfTiles (tif))
            {
              set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "it lists fewer tiles than it needs");
              return FALSE;
            }
          if (!check_in_file (tif, ctx, tile, error))
            return FALSE;
          got = TIFFReadEncodedTile (tif, tile, chunk, (tmsize_t) chunk_size);
          if (got < 0 || (guint64) got < chunk_size)
            {
              set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "its image data cannot be decoded");
              return FALSE;
            }
          accumulate_rows (chunk, row_bytes, page, layout, separate ? (int) p : -1, n_rows, n_cols,
                           frame + (gsize) y * page->width + x);
          release_now_and_then (ctx, got);
        }
  return TRUE;
}

/* libtiff renders palette, YCbCr, CMYK, Lab and packed bilevel or 2/4-bit
 * grey pages as 8-bit RGBA; luminance is taken from that, a band of rows at
 * a time so the RGBA copy stays small whatever the page. */
static gboolean
decode_rgba (TIFF                *tif,
             const AlTiffContext *ctx,
             const AlTiffPage    *page,
             float               *frame,
             GError             **error)
{
  char reason[1024] = "";
  guint32 band = MAX (1, AL_TIFF_RGBA_BAND_BYTES / ((gsize) page->width * 4));
  g_autofree guint32 *raster = NULL;
  TIFFRGBAImage rgba;
  gboolean ok = TRUE;

  if (!TIFFRGBAImageOK (tif, reason) || !TIFFRGBAImageBegin (&rgba, tif, 1, reason))
    {
      g_autofree char *what = g_strdup_printf ("“%s”, page %u holds samples AtomLens cannot read (%s)",
                                               ctx->name, ctx->page + 1, reason);
      g_set_error_literal (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED, what);
      return FALSE;
    }
  band = MIN (band, page->height);
  raster = g_try_new (guint32, (gsize) page->width * band);
  rgba.req_orientation = ORIENTATION_TOPLEFT;
  for (guint32 row = 0; ok && raster != NULL && row < page->height; row += band)
    {
      guint32 n_rows = MIN (band, page->height - row);
      gsize n = (gsize) page->width * n_rows;
      float *dst = frame + (gsize) row * page->width;

      rgba.row_offset = (int) row;
      rgba.col_offset = 0;
      ok = TIFFRGBAImageGet (&rgba, raster, page->width, n_rows);
      for (gsize i = 0; ok && i < n; i++)
        dst[i] = AL_LUMA_R * TIFFGetR (raster[i]) + AL_LUMA_G * TIFFGetG (raster[i])
                 + AL_LUMA_B * TIFFGetB (raster[i]);
    }
  TIFFRGBAImageEnd (&rgba);
  if (raster == NULL)
    set_page_error (error, AL_IO_ERROR_TOO_LARGE, ctx, "not enough memory to convert its colours");
  else if (!ok)
    set_page_error (error, AL_IO_ERROR_CORRUPT, ctx, "its image data cannot be decoded");
  return raster != NULL && ok;
}

/* "Min is white" grey: 0 is white, so the brightest value is the maximum. */
static void
invert_min_is_white (const AlTiffPage *page,
                     const Layout     *layout,
                     float            *frame)
{
  double top;
  gsize n = (gsize) page->width * page->height;

  if (layout->type != AL_SAMPLE_UINT8 && layout->type != AL_SAMPLE_UINT16
      && layout->type != AL_SAMPLE_UINT32)
    return;
  top = (double) ((G_GUINT64_CONSTANT (1) << page->bits) - 1);
  for (gsize i = 0; i < n; i++)
    frame[i] = (float) (top - frame[i]);
}

gboolean
al_tiff_page_plain (TIFF             *tif,
                    const AlTiffPage *page,
                    guint64          *offset,
                    guint64          *n_bytes)
{
  Layout layout = { 0 };
  guint16 compression = COMPRESSION_NONE;
  guint32 n_strips = TIFFNumberOfStrips (tif);
  guint64 end;
  int err = 0;

  TIFFGetFieldDefaulted (tif, TIFFTAG_COMPRESSION, &compression);
  if (compression != COMPRESSION_NONE || page->tiled || page->samples != 1 || n_strips == 0
      || !direct_layout (page, &layout))
    return FALSE;
  *offset = TIFFGetStrileOffsetWithErr (tif, 0, &err);
  end = *offset;
  for (guint32 s = 0; s < n_strips && !err; s++)
    {
      if (TIFFGetStrileOffsetWithErr (tif, s, &err) != end)
        return FALSE;
      end += TIFFGetStrileByteCountWithErr (tif, s, &err);
    }
  *n_bytes = end - *offset;
  return !err && *n_bytes == (guint64) page->width * page->height * layout.bytes;
}

void
al_tiff_page_decode_plain (TIFF             *tif,
                           const AlTiffPage *page,
                           const guint8     *raw,
                           float            *frame)
{
  Layout layout = { 0 };
  gsize row_bytes;
  g_autofree guint8 *row = NULL;

  if (!direct_layout (page, &layout))
    g_return_if_reached ();
  row_bytes = (gsize) page->width * layout.bytes;
  /* A copy per row: aligned for the sample type, and swapped in place. */
  row = g_malloc (row_bytes);
  for (guint y = 0; y < page->height; y++)
    {
      memcpy (row, raw + (gsize) y * row_bytes, row_bytes);
      if (TIFFIsByteSwapped (tif) && layout.bytes == 2)
        TIFFSwabArrayOfShort ((guint16 *) row, page->width);
      else if (TIFFIsByteSwapped (tif) && layout.bytes == 4)
        TIFFSwabArrayOfLong ((guint32 *) row, page->width);
      else if (TIFFIsByteSwapped (tif) && layout.bytes == 8)
        TIFFSwabArrayOfLong8 ((guint64 *) row, page->width);
      accumulate_rows (row, row_bytes, page, &layout, -1, 1, page->width,
                       frame + (gsize) y * page->width);
    }
  if (page->photometric == PHOTOMETRIC_MINISWHITE)
    invert_min_is_white (page, &layout, frame);
}

gboolean
al_tiff_page_decode (TIFF                *tif,
                     AlTiffContext       *ctx,
                     const AlTiffPage    *page,
                     float               *frame,
                     GError             **error)
{
  Layout layout = { 0 };
  gboolean ok;

  if (!direct_layout (page, &layout))
    return decode_rgba (tif, ctx, page, frame, error);
  if (page->tiled)
    ok = decode_tiles (tif, ctx, page, &layout, frame, error);
  else
    ok = decode_strips (tif, ctx, page, &layout, frame, error);
  if (ok && page->photometric == PHOTOMETRIC_MINISWHITE)
    invert_min_is_white (page, &layout, frame);
  return ok;
}
