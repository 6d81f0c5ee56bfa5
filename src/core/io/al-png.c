/* al-png.c: PNG images (screenshots, published figures) through libpng.
 *
 * 8- and 16-bit grey samples are kept exactly; 1/2/4-bit grey is widened
 * to 8 bits, palettes expanded, and colour turned into luminance with the
 * Rec. 709 weights on the stored values (no gamma undone: the file's
 * numbers are the data). Alpha is dropped. A PNG carries no pixel size
 * (pHYs is a print density), so the image is uncalibrated.
 *
 * libpng reports errors by calling back; ours records the message and
 * jumps back to the reader, which frees what it holds and returns a GError.
 */
#include "al-png.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

#include "al-frame-source-private.h"

#define AL_PNG_SIGNATURE_BYTES 8
/* Text chunks, ICC profiles and other ancillary chunks stay below this. */
#define AL_PNG_MAX_CHUNK_BYTES (8u << 20)


/* Everything a failed read must free, outside the setjmp frame so its
 * values survive the longjmp. */
typedef struct
{
  jmp_buf     jump;
  char        message[200];
  gboolean    truncated;
  const guint8 *data;
  gsize       size;
  gsize       position;
  png_structp png;
  png_infop   info;
  guint8     *rows;      /* the whole decoded image (interlaced files) */
  png_bytep  *pointers;  /* to each of those rows */
  guint8     *row;       /* one decoded row */
  AlImage    *image;
} PngRead;

static void
on_error (png_structp     png,
          png_const_charp message)
{
  PngRead *r = png_get_error_ptr (png);

  g_strlcpy (r->message, message, sizeof r->message);
  longjmp (r->jump, 1);
}

static void
on_warning (png_structp     png,
            png_const_charp message)
{
  /* Warnings (a bad CRC in an ancillary chunk, an odd gamma) do not stop
   * a read, and the core never prints. */
}

static void
read_bytes (png_structp png,
            png_bytep   data,
            size_t      length)
{
  PngRead *r = png_get_io_ptr (png);

  if (length > r->size - r->position)
    {
      r->truncated = TRUE;
      png_error (png, "the file ends before its image data does");
    }
  memcpy (data, r->data + r->position, length);
  r->position += length;
}

static gboolean
png_sniff (const guint8 *head,
           gsize         n_head,
           const char   *path)
{
  return n_head >= AL_PNG_SIGNATURE_BYTES && png_sig_cmp (head, 0, AL_PNG_SIGNATURE_BYTES) == 0;
}

static void
read_text (PngRead *r)
{
  png_textp text = NULL;
  int n_text = png_get_text (r->png, r->info, &text, NULL);

  for (int i = 0; i < n_text; i++)
    if (text[i].text != NULL && g_utf8_validate (text[i].text, -1, NULL)
        && g_utf8_validate (text[i].key, -1, NULL))
      {
        g_autofree char *key = g_strdup_printf ("PNG.%s", text[i].key);
        al_image_set_metadata (r->image, key, text[i].text);
      }
}

/* The part of the read libpng may abandon with a longjmp. */
static gboolean
decode (PngRead    *r,
        guint64     file_size,
        const char *name,
        GError    **error)
{
  png_uint_32 width, height;
  int bits, colour, interlace;
  guint channels, n_passes;
  AlSampleType type;
  gsize row_bytes;
  guint64 claimed;

  png_set_read_fn (r->png, r, read_bytes);
  png_set_user_limits (r->png, AL_IMAGE_MAX_SIDE, AL_IMAGE_MAX_SIDE);
  png_set_chunk_malloc_max (r->png, AL_PNG_MAX_CHUNK_BYTES);
  png_read_info (r->png, r->info);
  png_get_IHDR (r->png, r->info, &width, &height, &bits, &colour, &interlace, NULL, NULL);

  claimed = (guint64) width * height * (bits == 16 ? 2 : 1);
  if (claimed / AL_IO_MAX_COMPRESSION_RATIO > file_size)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: it claims %u×%u pixels, far more than its %" G_GUINT64_FORMAT
                   " bytes can hold", name, width, height, file_size);
      return FALSE;
    }
  if (colour == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (r->png);
  if (colour == PNG_COLOR_TYPE_GRAY && bits < 8)
    png_set_expand_gray_1_2_4_to_8 (r->png);
  if (colour & PNG_COLOR_MASK_ALPHA)
    png_set_strip_alpha (r->png);
  if (bits == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (r->png);
  n_passes = png_set_interlace_handling (r->png);
  png_read_update_info (r->png, r->info);
  channels = png_get_channels (r->png, r->info);
  /* Samples of fewer bits were expanded to 8 above. */
  type = bits == 16 ? AL_SAMPLE_UINT16 : AL_SAMPLE_UINT8;
  row_bytes = png_get_rowbytes (r->png, r->info);

  r->image = al_io_image_new (width, height, 1, error);
  if (r->image == NULL)
    return FALSE;
  g_free (r->image->dtype);
  r->image->dtype = g_strdup (bits == 16 ? "uint16" : "uint8");
  r->image->format = g_strdup ("PNG");

  if (n_passes == 1)
    {
      r->row = g_malloc (row_bytes);
      for (guint y = 0; y < height; y++)
        {
          png_read_row (r->png, r->row, NULL);
          al_io_pixels_to_float (r->row, type, width, channels,
                                 al_image_frame (r->image, 0) + (gsize) y * width);
        }
    }
  else
    {
      /* Interlaced: every pass touches every row, so all rows are held. */
      r->pointers = g_new (png_bytep, height);
      r->rows = g_try_malloc ((gsize) row_bytes * height);
      if (r->rows == NULL)
        png_error (r->png, "not enough memory for the interlaced image");
      for (guint y = 0; y < height; y++)
        r->pointers[y] = r->rows + (gsize) y * row_bytes;
      png_read_image (r->png, r->pointers);
      for (guint y = 0; y < height; y++)
        al_io_pixels_to_float (r->pointers[y], type, width, channels,
                               al_image_frame (r->image, 0) + (gsize) y * width);
    }
  png_read_end (r->png, r->info);
  read_text (r);
  return TRUE;
}

AlImage *
al_png_load_bytes (const guint8 *data,
                   gsize         size,
                   const char   *name,
                   GError      **error)
{
  /* On the heap: a longjmp leaves locals changed after setjmp undefined. */
  PngRead *r = g_new0 (PngRead, 1);
  AlImage *image = NULL;

  r->data = data;
  r->size = size;
  r->png = png_create_read_struct (PNG_LIBPNG_VER_STRING, r, on_error, on_warning);
  r->info = r->png != NULL ? png_create_info_struct (r->png) : NULL;
  if (r->info == NULL)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED, "Cannot start reading “%s”", name);
  else if (setjmp (r->jump) == 0)
    {
      if (decode (r, size, name, error))
        {
          image = r->image;
          r->image = NULL;
        }
    }
  else if (r->truncated)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "“%s” is cut short: %s", name,
                 r->message);
  else
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "“%s” is a damaged PNG file: %s", name,
                 r->message);

  png_destroy_read_struct (&r->png, &r->info, NULL);
  g_free (r->rows);
  g_free (r->pointers);
  g_free (r->row);
  al_image_free (r->image);
  g_free (r);
  return image;
}

/* One frame, decoded whole at open. */
static gboolean
png_open (AlFrameSource *source,
          const char    *path,
          GError       **error)
{
  return al_frame_source_open_decoded (source, path, al_png_load_bytes, error);
}

const AlImageReader al_png_reader = {
  .format = "PNG",
  .sniff = png_sniff,
  .open = png_open,
};
