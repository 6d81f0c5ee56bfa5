/* tiff-maker.h: TIFF files of every layout the reader takes, built with
 * libtiff in the tests, with a known value at every pixel. */
#pragma once

#include <glib.h>
#include <tiffio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;         /* the test's name for it, and the dtype it reads as */
  guint16     bits;
  guint16     format;       /* SAMPLEFORMAT_* */
  guint16     samples;      /* per pixel */
  guint16     photometric;
  guint16     planar;
  guint16     compression;
  gboolean    tiled;
  gboolean    big_tiff;
  gboolean    big_endian;
  guint       n_pages;
} TiffVariant;

/* The 40×35 pixel pages every variant has: neither a multiple of the 16×16
 * tiles nor of the 7-row strips, so edges are exercised. */
#define TIFF_MAKER_WIDTH 40
#define TIFF_MAKER_HEIGHT 35

/* The value stored at (x, y) of page f, channel c: exact in the variant's
 * type and in float32, and spanning its range (negative when signed). */
double tiff_maker_value    (const TiffVariant *variant,
                            guint              x,
                            guint              y,
                            guint              f,
                            guint              c);
/* What the reader must return there: the value, or the Rec. 709 luminance
 * of channels 0..2 for RGB. */
double tiff_maker_expected (const TiffVariant *variant,
                            guint              x,
                            guint              y,
                            guint              f);
/* Writes the variant; `tags` (may be NULL) sets extra tags on each page. */
void   tiff_maker_write    (const char        *path,
                            const TiffVariant *variant,
                            void             (*tags) (TIFF *tif, guint page, gpointer data),
                            gpointer           data);

/* A little-endian classic TIFF built byte by byte, its directory first
 * (as tifffile and most microscope software write), one strip of 8 to
 * 64-bit grey samples; the stored bytes are i % 251. Zero fields take the
 * sensible default; the others forge damaged files. */
typedef struct
{
  guint32     width;
  guint32     height;
  guint16     bits;           /* 0: 8 */
  guint16     compression;    /* 0: none */
  guint16     sample_format;  /* 0: unsigned */
  guint32     strip_offset;   /* 0: right after the directory */
  guint32     first_ifd;      /* 0: 8 */
  guint16     n_entries;      /* 0: the real count */
  guint32     next_ifd;
  gsize       n_data;         /* bytes of pixels actually stored */
  const char *description;    /* ImageDescription, stored after the pixels */
} TiffRaw;

#define TIFF_MAKER_RAW_IFD_AT 8

GBytes *tiff_maker_raw     (const TiffRaw     *raw);
/* Where tiff_maker_raw puts the pixels. */
gsize   tiff_maker_raw_data_at (const TiffRaw *raw);

G_END_DECLS
