/* al-jpeg.c: JPEG images (figures, camera snapshots) through libjpeg.
 *
 * Greyscale JPEGs keep their 8-bit samples; colour ones are decoded to RGB
 * and turned into luminance with the Rec. 709 weights, as for PNG and
 * TIFF. JPEG carries no pixel size: the image is uncalibrated. A file that
 * ends early is an error here (libjpeg itself only warns and fills the
 * rest with grey), so a cut download never passes for an image.
 */
#include "al-jpeg.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "al-frame-source-private.h"

/* Comments (COM markers) kept, in bytes. */
#define AL_JPEG_MAX_COMMENT 0xffff

typedef struct
{
  struct jpeg_error_mgr          base;   /* first: libjpeg casts to it */
  jmp_buf                        jump;
  char                           message[JMSG_LENGTH_MAX];
  int                            code;       /* libjpeg's J_MESSAGE_CODE */
  gboolean                       truncated;
} JpegErrors;

/* Everything a failed read must free, on the heap so it survives the
 * longjmp intact. */
typedef struct
{
  struct jpeg_decompress_struct cinfo;
  JpegErrors                    errors;
  const guint8                 *data;
  gsize                         size;
  JSAMPLE                      *row;
  AlImage                      *image;
} JpegRead;

static void
on_error_exit (j_common_ptr cinfo)
{
  JpegErrors *errors = (JpegErrors *) cinfo->err;

  errors->base.format_message (cinfo, errors->message);
  errors->code = errors->base.msg_code;
  longjmp (errors->jump, 1);
}

static void
on_message (j_common_ptr cinfo,
            int          level)
{
  JpegErrors *errors = (JpegErrors *) cinfo->err;

  /* Level -1 is a warning about the data; the end of the file arriving
   * before the image's end is the one that matters. Trace messages and
   * other warnings are dropped: the core never prints. */
  if (level == -1 && errors->base.msg_code == JWRN_JPEG_EOF)
    {
      errors->truncated = TRUE;
      g_strlcpy (errors->message, "the file ends before its image data does",
                 sizeof errors->message);
      longjmp (errors->jump, 1);
    }
}

static gboolean
jpeg_sniff (const guint8 *head,
            gsize         n_head,
            const char   *path)
{
  /* SOI marker, then the first marker of any segment. */
  return n_head >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff;
}

static void
read_comments (JpegRead *r)
{
  guint n = 0;

  for (jpeg_saved_marker_ptr m = r->cinfo.marker_list; m != NULL; m = m->next)
    {
      g_autofree char *text = NULL;
      g_autofree char *key = NULL;
      if (m->marker != JPEG_COM)
        continue;
      text = g_strndup ((const char *) m->data, m->data_length);
      if (!g_utf8_validate (text, -1, NULL) || *g_strstrip (text) == '\0')
        continue;
      key = n == 0 ? g_strdup ("JPEG.comment") : g_strdup_printf ("JPEG.comment%u", n);
      al_image_set_metadata (r->image, key, text);
      n++;
    }
}

/* The part of the read libjpeg may abandon with a longjmp. */
static gboolean
decode (JpegRead   *r,
        const char *name,
        GError    **error)
{
  j_decompress_ptr cinfo = &r->cinfo;
  gsize size = r->size;
  guint64 claimed;
  guint channels;

  jpeg_mem_src (cinfo, r->data, size);
  jpeg_save_markers (cinfo, JPEG_COM, AL_JPEG_MAX_COMMENT);
  jpeg_read_header (cinfo, TRUE);

  claimed = (guint64) cinfo->image_width * cinfo->image_height * cinfo->num_components;
  if (cinfo->image_width > AL_IMAGE_MAX_SIDE || cinfo->image_height > AL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s”: %u×%u pixels is more than AtomLens reads", name, cinfo->image_width,
                   cinfo->image_height);
      return FALSE;
    }
  if (claimed / AL_IO_MAX_COMPRESSION_RATIO > size)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: it claims %u×%u pixels, far more than its %" G_GSIZE_FORMAT
                   " bytes can hold", name, cinfo->image_width, cinfo->image_height, size);
      return FALSE;
    }
  if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "“%s” is a CMYK JPEG (for printing), which AtomLens does not read", name);
      return FALSE;
    }
  cinfo->out_color_space = cinfo->num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;

  r->image = al_io_image_new (cinfo->image_width, cinfo->image_height, 1, error);
  if (r->image == NULL)
    return FALSE;
  g_free (r->image->dtype);
  r->image->dtype = g_strdup ("uint8");
  r->image->format = g_strdup ("JPEG");
  /* Saved markers live until the decompression finishes. */
  read_comments (r);

  jpeg_start_decompress (cinfo);
  channels = cinfo->output_components;
  r->row = g_malloc ((gsize) cinfo->output_width * channels);
  while (cinfo->output_scanline < cinfo->output_height)
    {
      float *dst = al_image_frame (r->image, 0) + (gsize) cinfo->output_scanline * cinfo->output_width;
      JSAMPROW rows[1] = { r->row };

      if (jpeg_read_scanlines (cinfo, rows, 1) != 1)
        break;
      al_io_pixels_to_float (r->row, AL_SAMPLE_UINT8, cinfo->output_width, channels, dst);
    }
  jpeg_finish_decompress (cinfo);
  return TRUE;
}

AlImage *
al_jpeg_load_bytes (const guint8 *data,
                    gsize         size,
                    const char   *name,
                    GError      **error)
{
  JpegRead *r = g_new0 (JpegRead, 1);
  AlImage *image = NULL;

  r->data = data;
  r->size = size;
  r->cinfo.err = jpeg_std_error (&r->errors.base);
  r->errors.base.error_exit = on_error_exit;
  r->errors.base.emit_message = on_message;

  if (setjmp (r->errors.jump) == 0)
    {
      jpeg_create_decompress (&r->cinfo);
      if (decode (r, name, error))
        {
          image = r->image;
          r->image = NULL;
        }
    }
  else if (r->errors.code == JERR_BAD_PRECISION || r->errors.code == JERR_SOF_UNSUPPORTED)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                 "“%s” is a kind of JPEG AtomLens does not read (%s)", name, r->errors.message);
  else if (r->errors.truncated)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "“%s” is cut short: %s", name,
                 r->errors.message);
  else
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "“%s” is a damaged JPEG file: %s", name,
                 r->errors.message);

  jpeg_destroy_decompress (&r->cinfo);
  g_free (r->row);
  al_image_free (r->image);
  g_free (r);
  return image;
}

/* One frame, decoded whole at open. */
static gboolean
jpeg_open (AlFrameSource *source,
           const char    *path,
           GError       **error)
{
  return al_frame_source_open_decoded (source, path, al_jpeg_load_bytes, error);
}

const AlImageReader al_jpeg_reader = {
  .format = "JPEG",
  .sniff = jpeg_sniff,
  .open = jpeg_open,
};
