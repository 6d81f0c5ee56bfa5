/* tiff-maker.c: writes test TIFFs with libtiff, sample by sample. */
#include "tiff-maker.h"

#include <string.h>

#define ROWS_PER_STRIP 7
#define TILE_SIDE 16

double
tiff_maker_value (const TiffVariant *v,
                  guint              x,
                  guint              y,
                  guint              f,
                  guint              c)
{
  /* 0..199, different along x, y, page and channel. */
  double base = (x * 3 + y * 5 + f * 11 + c * 17) % 200;
  gboolean is_signed = v->format == SAMPLEFORMAT_INT;

  if (v->format == SAMPLEFORMAT_IEEEFP)
    return (base - 100) * 0.25 + (v->bits > 16 ? 1.0 / 1024 : 0.0);
  if (v->bits == 8)
    return is_signed ? base - 100 : base;
  if (v->bits == 16)
    return (is_signed ? base - 100 : base) * 300;
  /* 2^20 steps: large, yet exact in float32. */
  return (is_signed ? base - 100 : base) * 1048576.0;
}

double
tiff_maker_expected (const TiffVariant *v,
                     guint              x,
                     guint              y,
                     guint              f)
{
  if (v->photometric == PHOTOMETRIC_RGB)
    return 0.2126 * tiff_maker_value (v, x, y, f, 0) + 0.7152 * tiff_maker_value (v, x, y, f, 1)
           + 0.0722 * tiff_maker_value (v, x, y, f, 2);
  return tiff_maker_value (v, x, y, f, 0);
}

static guint16
float_to_half (float value)
{
  /* Only the values tiff_maker_value makes: normal, at most 10 mantissa bits. */
  union { float f; guint32 u; } in = { value };
  guint32 sign = (in.u >> 16) & 0x8000;
  int exponent = (int) ((in.u >> 23) & 0xff) - 127 + 15;

  if (value == 0.0f)
    return (guint16) sign;
  g_assert_cmpint (exponent, >, 0);
  g_assert_cmpint (exponent, <, 31);
  return (guint16) (sign | ((guint32) exponent << 10) | ((in.u >> 13) & 0x3ff));
}

static void
store (guint8            *buffer,
       gsize              index,
       const TiffVariant *v,
       double             value)
{
  gboolean is_float = v->format == SAMPLEFORMAT_IEEEFP;
  gboolean is_signed = v->format == SAMPLEFORMAT_INT;

  switch (v->bits)
    {
    case 8:
      if (is_signed)
        ((gint8 *) buffer)[index] = (gint8) value;
      else
        buffer[index] = (guint8) value;
      break;
    case 16:
      if (is_float)
        ((guint16 *) buffer)[index] = float_to_half ((float) value);
      else if (is_signed)
        ((gint16 *) buffer)[index] = (gint16) value;
      else
        ((guint16 *) buffer)[index] = (guint16) value;
      break;
    case 32:
      if (is_float)
        ((float *) buffer)[index] = (float) value;
      else if (is_signed)
        ((gint32 *) buffer)[index] = (gint32) value;
      else
        ((guint32 *) buffer)[index] = (guint32) value;
      break;
    case 64:
      if (is_float)
        ((double *) buffer)[index] = value;
      else if (is_signed)
        ((gint64 *) buffer)[index] = (gint64) value;
      else
        ((guint64 *) buffer)[index] = (guint64) value;
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Fills a block of `w` × `h` pixels at (x0, y0): all channels interleaved,
 * or only channel `plane` when plane >= 0. Pixels outside the page are 0. */
static void
fill_block (guint8            *buffer,
            const TiffVariant *v,
            guint              f,
            guint              x0,
            guint              y0,
            guint              w,
            guint              h,
            int                plane)
{
  guint n_channels = plane >= 0 ? 1 : v->samples;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      for (guint c = 0; c < n_channels; c++)
        {
          guint channel = plane >= 0 ? (guint) plane : c;
          gboolean inside = x0 + x < TIFF_MAKER_WIDTH && y0 + y < TIFF_MAKER_HEIGHT;
          double value = inside ? tiff_maker_value (v, x0 + x, y0 + y, f, channel) : 0.0;
          store (buffer, ((gsize) y * w + x) * n_channels + c, v, value);
        }
}

static void
write_page (TIFF              *tif,
            const TiffVariant *v,
            guint              f)
{
  gboolean separate = v->planar == PLANARCONFIG_SEPARATE;
  guint n_planes = separate ? v->samples : 1;
  gsize block_bytes;
  g_autofree guint8 *block = NULL;
  guint32 width = 0, height = 0;

  /* A `tags` callback may have changed the page's size. */
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height);

  if (v->tiled)
    {
      block_bytes = TIFFTileSize (tif);
      block = g_malloc0 (block_bytes);
      for (guint p = 0; p < n_planes; p++)
        for (guint y = 0; y < height; y += TILE_SIDE)
          for (guint x = 0; x < width; x += TILE_SIDE)
            {
              fill_block (block, v, f, x, y, TILE_SIDE, TILE_SIDE, separate ? (int) p : -1);
              g_assert_cmpint (TIFFWriteTile (tif, block, x, y, 0, (guint16) p), >, 0);
            }
    }
  else
    {
      block_bytes = TIFFScanlineSize (tif);
      block = g_malloc0 (block_bytes);
      for (guint p = 0; p < n_planes; p++)
        for (guint y = 0; y < height; y++)
          {
            fill_block (block, v, f, 0, y, width, 1, separate ? (int) p : -1);
            g_assert_cmpint (TIFFWriteScanline (tif, block, y, (guint16) p), ==, 1);
          }
    }
}

void
tiff_maker_write (const char        *path,
                  const TiffVariant *v,
                  void             (*tags) (TIFF *tif, guint page, gpointer data),
                  gpointer           data)
{
  char mode[4] = "w";
  TIFF *tif;

  if (v->big_tiff)
    strcat (mode, "8");
  if (v->big_endian)
    strcat (mode, "b");
  tif = TIFFOpen (path, mode);
  g_assert_nonnull (tif);
  for (guint f = 0; f < MAX (v->n_pages, 1); f++)
    {
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (guint32) TIFF_MAKER_WIDTH);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (guint32) TIFF_MAKER_HEIGHT);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, v->bits);
      TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, v->format);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, v->samples);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, v->photometric);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, v->planar ? v->planar : PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, v->compression ? v->compression : COMPRESSION_NONE);
      if (v->samples == 4)
        {
          guint16 extra = EXTRASAMPLE_UNASSALPHA;
          TIFFSetField (tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
        }
      if (v->tiled)
        {
          TIFFSetField (tif, TIFFTAG_TILEWIDTH, (guint32) TILE_SIDE);
          TIFFSetField (tif, TIFFTAG_TILELENGTH, (guint32) TILE_SIDE);
        }
      else
        TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, (guint32) ROWS_PER_STRIP);
      if (tags != NULL)
        tags (tif, f, data);
      write_page (tif, v, f);
      g_assert_true (TIFFWriteDirectory (tif));
    }
  TIFFClose (tif);
}

static void
put16 (GByteArray *out,
       guint16     v)
{
  guint8 b[2] = { v & 0xff, v >> 8 };
  g_byte_array_append (out, b, 2);
}

static void
put32 (GByteArray *out,
       guint32     v)
{
  guint8 b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };
  g_byte_array_append (out, b, 4);
}

static void
entry (GByteArray *out,
       guint16     tag,
       guint16     type,
       guint32     count,
       guint32     value)
{
  put16 (out, tag);
  put16 (out, type);
  put32 (out, count);
  if (type == TIFF_SHORT)
    {
      put16 (out, (guint16) value);
      put16 (out, 0);
    }
  else
    put32 (out, value);
}

gsize
tiff_maker_raw_data_at (const TiffRaw *r)
{
  guint n_entries = r->description != NULL ? 11 : 10;

  /* header, entry count, entries, next pointer; pixels 8-byte aligned */
  return (8 + 2 + 12 * n_entries + 4 + 7) / 8 * 8;
}

GBytes *
tiff_maker_raw (const TiffRaw *r)
{
  GByteArray *out = g_byte_array_new ();
  guint16 bits = r->bits ? r->bits : 8;
  gsize full = (gsize) r->width * r->height * (bits / 8);
  gsize data_at = tiff_maker_raw_data_at (r);
  guint n_entries = r->description != NULL ? 11 : 10;

  g_byte_array_append (out, (const guint8 *) "II*\0", 4);
  put32 (out, r->first_ifd ? r->first_ifd : TIFF_MAKER_RAW_IFD_AT);
  put16 (out, r->n_entries ? r->n_entries : n_entries);
  entry (out, TIFFTAG_IMAGEWIDTH, TIFF_LONG, 1, r->width);
  entry (out, TIFFTAG_IMAGELENGTH, TIFF_LONG, 1, r->height);
  entry (out, TIFFTAG_BITSPERSAMPLE, TIFF_SHORT, 1, bits);
  entry (out, TIFFTAG_COMPRESSION, TIFF_SHORT, 1, r->compression ? r->compression : 1);
  entry (out, TIFFTAG_PHOTOMETRIC, TIFF_SHORT, 1, PHOTOMETRIC_MINISBLACK);
  if (r->description != NULL)
    entry (out, TIFFTAG_IMAGEDESCRIPTION, TIFF_ASCII, strlen (r->description) + 1,
           data_at + r->n_data);
  entry (out, TIFFTAG_STRIPOFFSETS, TIFF_LONG, 1, r->strip_offset ? r->strip_offset : data_at);
  entry (out, TIFFTAG_SAMPLESPERPIXEL, TIFF_SHORT, 1, 1);
  entry (out, TIFFTAG_ROWSPERSTRIP, TIFF_LONG, 1, r->height);
  entry (out, TIFFTAG_STRIPBYTECOUNTS, TIFF_LONG, 1, (guint32) MIN (full, G_MAXUINT32));
  entry (out, TIFFTAG_SAMPLEFORMAT, TIFF_SHORT, 1, r->sample_format ? r->sample_format : 1);
  put32 (out, r->next_ifd);
  while (out->len < data_at)
    put16 (out, 0);
  g_assert_cmpuint (out->len, ==, data_at);
  for (gsize i = 0; i < r->n_data; i++)
    {
      guint8 b = (guint8) (i % 251);
      g_byte_array_append (out, &b, 1);
    }
  if (r->description != NULL)
    g_byte_array_append (out, (const guint8 *) r->description, strlen (r->description) + 1);
  return g_byte_array_free_to_bytes (out);
}
