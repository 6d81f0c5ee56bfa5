/* al-tiff-write.c: saving an AlImage as a TIFF stack.
 *
 * Every frame becomes one page. The calibration goes where the programs
 * microscopists use will find it: an ImageJ description (`unit=nm`,
 * `spacing=` or `finterval=`) with XResolution/YResolution in pixels per
 * unit and ResolutionUnit NONE, as ImageJ and tifffile write it (a TIFF
 * resolution unit of inch or cm beside `unit=nm` would make ImageJ misread
 * one of the two). The file is written under a temporary name in the same
 * folder and renamed, so a crash mid-save never leaves half a file.
 */
#include "al-tiff-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

/* Classic TIFF offsets are 32-bit; above this many bytes of samples (some
 * room left for the directories) the file is written as BigTIFF. */
#define AL_TIFF_CLASSIC_MAX_BYTES (G_GUINT64_CONSTANT (4000) << 20)
/* Rows per strip are chosen so one strip holds about this many bytes. */
#define AL_TIFF_STRIP_BYTES (256 * 1024)
/* What our ImageJ descriptions claim to be (the oldest ImageJ version whose
 * description keys we use). */
#define AL_TIFF_IMAGEJ_VERSION "1.11a"

typedef enum
{
  SAMPLES_FLOAT32,
  SAMPLES_UINT16,
} SampleKind;

/* ImageJ descriptions are ASCII: other characters are written \uXXXX, as
 * ImageJ itself does (so "µm" is "\u00B5m"). */
static void
append_escaped (GString    *out,
                const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (c < 0x80)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "\\u%04X", (guint) (c & 0xFFFF));
    }
}

/* The unit and the x/y pixel sizes written: nm whenever the calibration is
 * a length, the image's own unit otherwise (a diffraction pattern in 1/nm). */
static const char *
written_calibration (const AlImage *image,
                     double        *scale_x,
                     double        *scale_y)
{
  double nm = al_unit_to_nm (image->unit);

  if (image->unit == NULL || !(image->scale_x > 0.0) || !isfinite (image->scale_x))
    return NULL;
  *scale_x = image->scale_x;
  *scale_y = (image->scale_y > 0.0 && isfinite (image->scale_y)) ? image->scale_y : image->scale_x;
  if (nm > 0.0)
    {
      *scale_x *= nm;
      *scale_y *= nm;
      return "nm";
    }
  return image->unit;
}

static char *
imagej_description (const AlImage *image,
                    const char    *unit)
{
  GString *d = g_string_new ("ImageJ=" AL_TIFF_IMAGEJ_VERSION "\n");
  const float *pixels = image->pixels;
  gsize n = al_image_frame_samples (image) * image->n_frames;
  float lo = INFINITY, hi = -INFINITY;
  char number[G_ASCII_DTOSTR_BUF_SIZE];
  gboolean is_time = image->frame_unit != NULL && strcmp (image->frame_unit, "s") == 0;

  if (image->n_frames > 1)
    g_string_append_printf (d, "images=%u\n%s=%u\n", image->n_frames,
                            is_time ? "frames" : "slices", image->n_frames);
  if (unit != NULL)
    {
      g_string_append (d, "unit=");
      append_escaped (d, unit);
      g_string_append_c (d, '\n');
    }
  if (image->n_frames > 1 && image->frame_scale > 0.0 && isfinite (image->frame_scale))
    g_string_append_printf (d, "%s=%s\n", is_time ? "finterval" : "spacing",
                            g_ascii_dtostr (number, sizeof number, image->frame_scale));
  if (image->n_frames > 1)
    g_string_append (d, "loop=false\n");
  /* ImageJ shows float images with this display range. */
  for (gsize i = 0; i < n; i++)
    if (isfinite (pixels[i]))
      {
        lo = MIN (lo, pixels[i]);
        hi = MAX (hi, pixels[i]);
      }
  if (lo <= hi)
    {
      g_string_append_printf (d, "min=%s\n", g_ascii_dtostr (number, sizeof number, lo));
      g_string_append_printf (d, "max=%s\n", g_ascii_dtostr (number, sizeof number, hi));
    }
  return g_string_free (d, FALSE);
}

static void
set_page_tags (TIFF          *tif,
               const AlImage *image,
               guint          frame,
               SampleKind     kind,
               const char    *unit,
               double         scale_x,
               double         scale_y,
               const char    *description)
{
  gsize row_bytes = (gsize) image->width * (kind == SAMPLES_FLOAT32 ? 4 : 2);
  guint32 rows_per_strip = CLAMP (AL_TIFF_STRIP_BYTES / row_bytes, 1, image->height);

  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (guint32) image->width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (guint32) image->height);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, (guint16) 1);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, (guint16) (kind == SAMPLES_FLOAT32 ? 32 : 16));
  TIFFSetField (tif, TIFFTAG_SAMPLEFORMAT,
                (guint16) (kind == SAMPLES_FLOAT32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT));
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, (guint16) PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, (guint16) PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, (guint16) COMPRESSION_NONE);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, rows_per_strip);
  TIFFSetField (tif, TIFFTAG_SOFTWARE, "AtomLens");
  if (image->n_frames > 1)
    {
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, (guint32) FILETYPE_PAGE);
      TIFFSetField (tif, TIFFTAG_PAGENUMBER, (guint16) MIN (frame, G_MAXUINT16),
                    (guint16) MIN (image->n_frames, G_MAXUINT16));
    }
  /* ImageJ keeps its description on the first page only. */
  if (frame == 0)
    TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, description);
  if (unit != NULL)
    {
      TIFFSetField (tif, TIFFTAG_XRESOLUTION, 1.0 / scale_x);
      TIFFSetField (tif, TIFFTAG_YRESOLUTION, 1.0 / scale_y);
      TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, (guint16) RESUNIT_NONE);
    }
}

static gboolean
write_frame (TIFF          *tif,
             const AlImage *image,
             guint          frame,
             SampleKind     kind,
             guint16       *row16)
{
  const float *pixels = al_image_frame_const (image, frame);

  for (guint y = 0; y < image->height; y++)
    {
      const float *row = pixels + (gsize) y * image->width;
      void *data = (void *) row;

      if (kind == SAMPLES_UINT16)
        {
          for (guint x = 0; x < image->width; x++)
            {
              float v = row[x];
              /* NaN becomes 0: there is no integer for "no value". */
              row16[x] = isnan (v) ? 0 : (guint16) CLAMP (lrintf (v), 0, G_MAXUINT16);
            }
          data = row16;
        }
      if (TIFFWriteScanline (tif, data, y, 0) < 0)
        return FALSE;
    }
  return TIFFWriteDirectory (tif) != 0;
}

static gboolean
write_pages (TIFF          *tif,
             const AlImage *image,
             SampleKind     kind)
{
  double scale_x = 0.0, scale_y = 0.0;
  const char *unit = written_calibration (image, &scale_x, &scale_y);
  g_autofree char *description = imagej_description (image, unit);
  g_autofree guint16 *row16 = g_new (guint16, image->width);

  for (guint f = 0; f < image->n_frames; f++)
    {
      set_page_tags (tif, image, f, kind, unit, scale_x, scale_y, description);
      if (!write_frame (tif, image, f, kind, row16))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_tiff (const char    *path,
            const AlImage *image,
            SampleKind     kind,
            GError       **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmp = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  guint64 n_bytes = (guint64) al_image_frame_samples (image) * image->n_frames
                    * (kind == SAMPLES_FLOAT32 ? 4 : 2);
  AlTiffLog log = { NULL };
  gboolean ok;
  TIFF *tif;
  int fd;

  g_return_val_if_fail (path != NULL && image != NULL, FALSE);

  /* 0666 less the umask, as a plain create would give the final file. */
  fd = g_mkstemp_full (tmp, O_RDWR, 0666);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot write in “%s”: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  tif = al_tiff_fd_open (fd, tmp, n_bytes > AL_TIFF_CLASSIC_MAX_BYTES ? "w8" : "w", &log, error);
  if (tif == NULL)
    {
      close (fd);
      g_unlink (tmp);
      al_tiff_log_clear (&log);
      return FALSE;
    }
  ok = write_pages (tif, image, kind) && TIFFFlush (tif) && fsync (TIFFFileno (tif)) == 0;
  TIFFClose (tif);
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf ("Cannot write the TIFF file “%s”", base);
      al_tiff_set_error (error, AL_IO_ERROR_WRITE, &log, what);
    }
  else if (g_rename (tmp, path) != 0)
    {
      int saved = errno;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot save “%s”: %s", path,
                   g_strerror (saved));
      ok = FALSE;
    }
  if (!ok)
    g_unlink (tmp);
  al_tiff_log_clear (&log);
  return ok;
}

gboolean
al_tiff_write (const char    *path,
               const AlImage *image,
               GError       **error)
{
  return write_tiff (path, image, SAMPLES_FLOAT32, error);
}

gboolean
al_tiff_write_uint16 (const char    *path,
                      const AlImage *image,
                      GError       **error)
{
  return write_tiff (path, image, SAMPLES_UINT16, error);
}
