/* cli-bench-io-write.c: `bench io` writes its float32 stacks (gigabytes)
 * frame by frame, holding one frame: BigTIFF pages, MRC, DM4 and TIA SER,
 * each in the layout the readers take (and the instruments write). */
#include "cli-bench-io.h"

#include <stdio.h>
#include <string.h>
#include <tiffio.h>

/* Writes `n` bytes of `v`, big-endian (DM tag structure) or
 * little-endian (everything else). */
static void
put (FILE    *f,
     guint64  v,
     guint    n,
     gboolean big)
{
  guint8 b[8];

  for (guint i = 0; i < n; i++)
    b[i] = (guint8) (v >> (8 * (big ? n - 1 - i : i)));
  fwrite (b, 1, n, f);
}

static void
put_f64 (FILE  *f,
         double v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  put (f, bits, 8, FALSE);
}

static gboolean
close_checked (FILE       *f,
               const char *path,
               GError    **error)
{
  gboolean ok = !ferror (f);

  if (fclose (f) != 0 || !ok)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot write “%s”", path);
      return FALSE;
    }
  return TRUE;
}

static FILE *
open_out (const char *path,
          GError    **error)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "Cannot create “%s”", path);
  return f;
}

static gboolean
write_tiff (const AlBenchStack *s,
            const char         *path,
            GError            **error)
{
  TIFF *tif = TIFFOpen (path, "w8");   /* BigTIFF: beyond 4 GiB */
  g_autofree float *frame = g_new (float, (gsize) s->side * s->side);
  gboolean ok = tif != NULL;

  for (guint z = 0; ok && z < s->n_frames; z++)
    {
      al_bench_stack_frame (s, z, frame);
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, s->side);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, s->side);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 32);
      TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_IEEEFP);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, s->side);
      ok = TIFFWriteEncodedStrip (tif, 0, frame, (tmsize_t) s->side * s->side * 4) >= 0
           && TIFFWriteDirectory (tif);
    }
  if (tif != NULL)
    TIFFClose (tif);
  if (!ok)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "Cannot write “%s”", path);
  return ok;
}

static void
write_frames (const AlBenchStack *s,
              FILE               *f)
{
  g_autofree float *frame = g_new (float, (gsize) s->side * s->side);

  for (guint z = 0; z < s->n_frames; z++)
    {
      al_bench_stack_frame (s, z, frame);
      fwrite (frame, sizeof (float), (gsize) s->side * s->side, f);
    }
}

/* MRC2014, mode 2, little-endian: a 1024-byte header, then the frames. */
static gboolean
write_mrc (const AlBenchStack *s,
           const char         *path,
           GError            **error)
{
  guint8 header[1024] = { 0 };
  gint32 words[] = { (gint32) s->side, (gint32) s->side, (gint32) s->n_frames, 2 };
  gint32 map[] = { 1, 2, 3 };
  FILE *f = open_out (path, error);

  if (f == NULL)
    return FALSE;
  memcpy (header, words, sizeof words);
  memcpy (header + 28, words, 3 * sizeof (gint32));
  memcpy (header + 64, map, sizeof map);
  memcpy (header + 208, "MAP ", 4);
  header[212] = header[213] = 0x44;
  fwrite (header, 1, sizeof header, f);
  write_frames (s, f);
  return close_checked (f, path, error);
}

/* DM4 tags: group 20 / data 21, a big-endian 8-byte size after the name
 * (patched once the tag is written), then "%%%%", the type info and the
 * value in the file's byte order (little-endian here). */
static goffset
dm_tag (FILE       *f,
        guint8      kind,
        const char *name)
{
  goffset at;

  put (f, kind, 1, TRUE);
  put (f, strlen (name), 2, TRUE);
  fwrite (name, 1, strlen (name), f);
  at = ftello (f);
  put (f, 0, 8, TRUE);
  return at;
}

static void
dm_patch (FILE   *f,
          goffset at,
          guint64 value)
{
  goffset end = ftello (f);

  fseeko (f, at, SEEK_SET);
  put (f, value, 8, TRUE);
  fseeko (f, end, SEEK_SET);
}

static void
dm_end (FILE   *f,
        goffset at)
{
  dm_patch (f, at, (guint64) (ftello (f) - at - 8));
}

static goffset
dm_group (FILE       *f,
          const char *name,
          guint       n_tags)
{
  goffset at = dm_tag (f, 20, name);

  put (f, 0, 2, TRUE);
  put (f, n_tags, 8, TRUE);
  return at;
}

static void
dm_long (FILE       *f,
         const char *name,
         guint32     v)
{
  goffset at = dm_tag (f, 21, name);

  fwrite ("%%%%", 1, 4, f);
  put (f, 1, 8, TRUE);
  put (f, 3, 8, TRUE);   /* long */
  put (f, v, 4, FALSE);
  dm_end (f, at);
}

static gboolean
write_dm4 (const AlBenchStack *s,
           const char         *path,
           GError            **error)
{
  FILE *f = open_out (path, error);
  goffset list, entry, data_group, data, dims;
  guint64 n = (guint64) s->side * s->side * s->n_frames;

  if (f == NULL)
    return FALSE;
  put (f, 4, 4, TRUE);
  put (f, 0, 8, TRUE);            /* root length, patched at the end */
  put (f, 1, 4, TRUE);            /* little-endian values */
  put (f, 0, 2, TRUE);
  put (f, 1, 8, TRUE);            /* root: ImageList */
  list = dm_group (f, "ImageList", 1);
  entry = dm_group (f, "", 1);
  data_group = dm_group (f, "ImageData", 3);
  data = dm_tag (f, 21, "Data");
  fwrite ("%%%%", 1, 4, f);
  put (f, 3, 8, TRUE);
  put (f, 20, 8, TRUE);           /* an array ... */
  put (f, 6, 8, TRUE);            /* ... of float ... */
  put (f, n, 8, TRUE);            /* ... of n values */
  write_frames (s, f);
  dm_end (f, data);
  dm_long (f, "DataType", 2);     /* float32 */
  dims = dm_group (f, "Dimensions", 3);
  dm_long (f, "", s->side);
  dm_long (f, "", s->side);
  dm_long (f, "", s->n_frames);
  dm_end (f, dims);
  dm_end (f, data_group);
  dm_end (f, entry);
  dm_end (f, list);
  dm_patch (f, 4, (guint64) (ftello (f) - 24));
  put (f, 0, 8, TRUE);            /* DM's closing zeros */
  return close_checked (f, path, error);
}

/* TIA SER 0x0220 (64-bit offsets): header, one frame-number dimension,
 * the offset arrays, then elements of a 50-byte header and float32
 * pixels (TIA type 7). */
static gboolean
write_ser (const AlBenchStack *s,
           const char         *path,
           GError            **error)
{
  FILE *f = open_out (path, error);
  g_autofree float *frame = g_new (float, (gsize) s->side * s->side);
  guint64 header_bytes = 30 + 4 + 4 + 8 + 8 + 4 + 4 + 6 + 4;
  guint64 element_bytes = 50 + (guint64) s->side * s->side * 4;
  guint64 first = header_bytes + 16 * (guint64) s->n_frames;

  if (f == NULL)
    return FALSE;
  put (f, 0x4949, 2, FALSE);
  put (f, 0x0197, 2, FALSE);
  put (f, 0x0220, 2, FALSE);
  put (f, 0x4122, 4, FALSE);
  put (f, 0x4152, 4, FALSE);
  put (f, s->n_frames, 4, FALSE);
  put (f, s->n_frames, 4, FALSE);
  put (f, header_bytes, 8, FALSE);
  put (f, 1, 4, FALSE);
  put (f, s->n_frames, 4, FALSE);
  put_f64 (f, 0);
  put_f64 (f, 1);
  put (f, 0, 4, FALSE);
  put (f, 6, 4, FALSE);
  fwrite ("Number", 1, 6, f);
  put (f, 0, 4, FALSE);
  for (guint z = 0; z < s->n_frames; z++)
    put (f, first + z * element_bytes, 8, FALSE);
  for (guint z = 0; z < s->n_frames; z++)
    put (f, 0, 8, FALSE);   /* no time tags */
  for (guint z = 0; z < s->n_frames; z++)
    {
      al_bench_stack_frame (s, z, frame);
      put_f64 (f, 0);
      put_f64 (f, 1e-10);
      put (f, 0, 4, FALSE);
      put_f64 (f, 0);
      put_f64 (f, 1e-10);
      put (f, 0, 4, FALSE);
      put (f, 7, 2, FALSE);
      put (f, s->side, 4, FALSE);
      put (f, s->side, 4, FALSE);
      /* TIA writes the bottom row first. */
      for (guint y = s->side; y-- > 0;)
        fwrite (frame + (gsize) y * s->side, sizeof (float), s->side, f);
    }
  return close_checked (f, path, error);
}

gboolean
al_bench_stack_write (const AlBenchStack *stack,
                      const char         *format,
                      const char         *path,
                      GError            **error)
{
  if (g_str_equal (format, "tiff"))
    return write_tiff (stack, path, error);
  if (g_str_equal (format, "mrc"))
    return write_mrc (stack, path, error);
  if (g_str_equal (format, "dm4"))
    return write_dm4 (stack, path, error);
  if (g_str_equal (format, "ser"))
    return write_ser (stack, path, error);
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "bench io writes tiff, mrc, dm4 or ser, not “%s”",
               format);
  return FALSE;
}

void
al_bench_stack_frame (const AlBenchStack *stack,
                      guint               z,
                      float              *frame)
{
  /* A value per pixel that differs between frames, cheap to make and to
   * check (exact in float32: below 2^24). */
  for (guint y = 0; y < stack->side; y++)
    for (guint x = 0; x < stack->side; x++)
      frame[(gsize) y * stack->side + x] = al_bench_stack_value (z, x, y);
}

float
al_bench_stack_value (guint z,
                      guint x,
                      guint y)
{
  return (float) ((z * 7919u + y * 131u + x) & 0xffffffu);
}
