/* al-dm.c: read the main image of a DigitalMicrograph DM3/DM4 file.
 *
 * The tag tree (al-dm-tags.c) lists the file's images under "ImageList";
 * the first is the document's RGB thumbnail (which can be larger than a
 * small main image), and the main image is the last entry with data, as
 * ncempy and rosettasciio read it.
 * Its "ImageData" group holds the pixel array ("Data"), the sample type code
 * ("DataType"), the sizes ("Dimensions", x first) and per-axis calibration
 * ("Calibrations/Dimension"); its "ImageTags" group holds what the
 * microscope recorded.
 */
#include "al-dm.h"

#include <string.h>

#include "al-dm-meta.h"
#include "al-dm-tags.h"
#include "al-frame-source-private.h"

/* The largest number of dimensions we look at; more is not an image. */
#define AL_DM_MAX_DIMS 4

typedef enum
{
  PIXELS_SAMPLES,   /* one number per pixel */
  PIXELS_BINARY,    /* one byte per pixel, 0 or not */
  PIXELS_RGB,       /* four bytes per pixel: B, G, R, unused */
  PIXELS_COMPLEX,   /* a Fourier transform, not an image */
} PixelKind;

typedef struct
{
  guint        code;     /* DM's "DataType" */
  PixelKind    kind;
  AlSampleType sample;
  guint        bytes;    /* per pixel */
  const char  *name;
} PixelType;

/* DM's image data type codes (DigitalMicrograph scripting manual, "image
 * data types"); 4 is obsolete and never written. */
static const PixelType pixel_types[] = {
  { 1, PIXELS_SAMPLES, AL_SAMPLE_INT16, 2, "int16" },
  { 2, PIXELS_SAMPLES, AL_SAMPLE_FLOAT32, 4, "float32" },
  { 3, PIXELS_COMPLEX, 0, 8, "complex64" },
  { 5, PIXELS_COMPLEX, 0, 8, "packed complex64" },
  { 6, PIXELS_SAMPLES, AL_SAMPLE_UINT8, 1, "uint8" },
  { 7, PIXELS_SAMPLES, AL_SAMPLE_INT32, 4, "int32" },
  { 8, PIXELS_RGB, 0, 4, "RGB" },
  { 9, PIXELS_SAMPLES, AL_SAMPLE_INT8, 1, "int8" },
  { 10, PIXELS_SAMPLES, AL_SAMPLE_UINT16, 2, "uint16" },
  { 11, PIXELS_SAMPLES, AL_SAMPLE_UINT32, 4, "uint32" },
  { 12, PIXELS_SAMPLES, AL_SAMPLE_FLOAT64, 8, "float64" },
  { 13, PIXELS_COMPLEX, 0, 16, "complex128" },
  { 14, PIXELS_BINARY, AL_SAMPLE_UINT8, 1, "bool" },
  { 23, PIXELS_RGB, 0, 4, "RGBA" },
  { 27, PIXELS_COMPLEX, 0, 8, "packed complex64" },
  { 28, PIXELS_COMPLEX, 0, 16, "packed complex128" },
  { 39, PIXELS_SAMPLES, AL_SAMPLE_INT64, 8, "int64" },
  { 40, PIXELS_SAMPLES, AL_SAMPLE_UINT64, 8, "uint64" },
};

typedef struct
{
  const AlDmTag *image;     /* the ImageList entry */
  guint          n_dims;
  guint64        dims[AL_DM_MAX_DIMS];
  guint64        n_pixels;
} DmImage;

static gboolean
dm_sniff (const guint8 *head,
          gsize         n_head,
          const char   *path)
{
  return al_dm_sniff (head, n_head);
}

static const PixelType *
find_pixel_type (guint code)
{
  for (guint i = 0; i < G_N_ELEMENTS (pixel_types); i++)
    if (pixel_types[i].code == code)
      return &pixel_types[i];
  return NULL;
}

/* Reads an ImageList entry's sizes; FALSE when it has no pixel data. */
static gboolean
read_dimensions (const AlDmFile *file,
                 const AlDmTag  *entry,
                 DmImage        *out)
{
  const AlDmTag *dims = al_dm_tag_lookup (entry, "ImageData/Dimensions");
  guint n = al_dm_tag_n_children (dims);

  if (al_dm_tag_lookup (entry, "ImageData/Data") == NULL || n == 0)
    return FALSE;
  out->image = entry;
  out->n_dims = MIN (n, AL_DM_MAX_DIMS + 1);
  out->n_pixels = 1;
  for (guint i = 0; i < MIN (n, AL_DM_MAX_DIMS); i++)
    {
      double v;
      /* Written so that NaN fails too. */
      if (!al_dm_tag_get_number (file, al_dm_tag_child (dims, i), &v) || !(v >= 0 && v <= G_MAXUINT32))
        return FALSE;
      out->dims[i] = (guint64) v;
      out->n_pixels *= out->dims[i];   /* at most 4 factors below 2^32: no overflow in practice */
      if (out->n_pixels > G_MAXUINT64 / G_MAXUINT32)
        return FALSE;
    }
  return TRUE;
}

/* The last entry of ImageList that holds pixel data. */
static gboolean
find_main_image (const AlDmFile *file,
                 DmImage        *main_image)
{
  const AlDmTag *list = al_dm_tag_lookup (file->root, "ImageList");
  gboolean found = FALSE;

  for (guint i = 0; i < al_dm_tag_n_children (list); i++)
    {
      DmImage candidate = { 0 };
      if (read_dimensions (file, al_dm_tag_child (list, i), &candidate))
        {
          *main_image = candidate;
          found = TRUE;
        }
    }
  return found;
}

/* Refuses what holds no 2D image: spectra, line profiles, 4D data. */
static gboolean
check_is_image (const AlDmFile *file,
                const DmImage  *im,
                const char     *name,
                GError        **error)
{
  g_autofree char *format = al_dm_tag_get_text (file, al_dm_tag_lookup (im->image,
                                                                       "ImageTags/Meta Data/Format"));
  guint64 n_x = im->dims[0];
  guint64 n_y = im->n_dims > 1 ? im->dims[1] : 1;

  if (im->n_dims == 1 || n_x == 1 || n_y == 1)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds a spectrum or profile of %" G_GUINT64_FORMAT " values, not an image",
                   name, MAX (n_x, n_y));
      return FALSE;
    }
  if (format != NULL && strstr (format, "pectrum") != NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds a %s, not an image", name, format);
      return FALSE;
    }
  if (im->n_dims > 3)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds %u-dimensional data (4D-STEM?), not an image or image stack",
                   name, im->n_dims);
      return FALSE;
    }
  return TRUE;
}

/* Checks the main image's type and sizes and sets up reading its frames
 * from the pixel array; returns the source's description. */
static AlImage *
open_image (AlFrameSource  *source,
            const AlDmFile *file,
            const DmImage  *im,
            GError        **error)
{
  const AlDmTag *data = al_dm_tag_lookup (im->image, "ImageData/Data");
  const char *name = source->name;
  const PixelType *type;
  double code = -1;
  guint64 n_bytes;
  AlRawFrames raw = { 0 };
  AlImage *info;

  if (!al_dm_tag_get_number (file, al_dm_tag_lookup (im->image, "ImageData/DataType"), &code)
      || !(code >= 0 && code <= G_MAXUINT))
    code = -1;
  type = code >= 0 ? find_pixel_type ((guint) code) : NULL;
  if (type == NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "“%s” stores pixels as DigitalMicrograph data type %g, which AtomLens does not read",
                   name, code);
      return NULL;
    }
  if (type->kind == PIXELS_COMPLEX)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds complex numbers (%s, a Fourier transform), not a real-space image",
                   name, type->name);
      return NULL;
    }
  if (im->dims[0] > AL_IMAGE_MAX_SIDE || im->dims[1] > AL_IMAGE_MAX_SIDE
      || (im->n_dims > 2 && im->dims[2] > G_MAXUINT))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s” declares an image of %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                   " pixels, larger than AtomLens reads", name, im->dims[0], im->dims[1]);
      return NULL;
    }
  /* The pixel array must be exactly as long as the sizes say. */
  if (!g_uint64_checked_mul (&n_bytes, im->n_pixels, type->bytes) || data->size != n_bytes)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: its pixel array has %" G_GUINT64_FORMAT " bytes, but %"
                   G_GUINT64_FORMAT " pixels of %s need %" G_GUINT64_FORMAT,
                   name, data->size, im->n_pixels, type->name, im->n_pixels * type->bytes);
      return NULL;
    }

  info = al_frame_source_set_info (source, (guint) im->dims[0], (guint) im->dims[1],
                                   im->n_dims > 2 ? (guint) im->dims[2] : 1, error);
  if (info == NULL)
    return NULL;
  g_free (info->dtype);
  info->dtype = g_strdup (type->name);
  raw.kind = type->kind == PIXELS_BINARY ? AL_RAW_BINARY
             : type->kind == PIXELS_RGB  ? AL_RAW_BGRX
                                         : AL_RAW_SAMPLES;
  raw.type = type->sample;
  raw.little_endian = file->little_endian;
  raw.first_offset = data->offset;
  raw.stride = im->dims[0] * im->dims[1] * type->bytes;
  al_frame_source_set_raw (source, &raw);
  return info;
}

static gboolean
open_source (AlFrameSource *source,
             GError       **error)
{
  g_autoptr (AlDmFile) file = al_dm_file_parse (source->data, source->size, error);
  DmImage im = { 0 };
  AlImage *info;

  if (file == NULL)
    return FALSE;
  if (!find_main_image (file, &im))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” is a DigitalMicrograph file without image data", source->name);
      return FALSE;
    }
  if (!check_is_image (file, &im, source->name, error))
    return FALSE;
  info = open_image (source, file, &im, error);
  if (info == NULL)
    return FALSE;
  info->format = g_strdup_printf ("DM%u", file->version);
  al_dm_read_calibration (file, im.image, info);
  al_dm_read_metadata (file, im.image, info);
  return TRUE;
}

AlImage *
al_dm_load_bytes (const guint8 *data,
                  gsize         size,
                  const char   *name,
                  GError      **error)
{
  return al_frame_source_load_bytes (data, size, name, open_source, error);
}

/* The tag tree is read from a mapping of the file; frames are converted
 * from it on demand, each frame's pages given back once converted. */
static gboolean
dm_open (AlFrameSource *source,
         const char    *path,
         GError       **error)
{
  return al_frame_source_map (source, path, error) && open_source (source, error);
}

const AlImageReader al_dm_reader = {
  .format = "DM",
  .sniff = dm_sniff,
  .open = dm_open,
};
