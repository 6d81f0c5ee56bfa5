/* al-ser.c: read the images of a TIA series file (.ser).
 *
 * Layout (little-endian; from the TIA "Series File Format" notes, as also
 * read by ncempy and rosettasciio): a header (byte order 0x4949, series id
 * 0x0197, version 0x0210 with 32-bit offsets or 0x0220 with 64-bit ones,
 * the kind of data elements, how many there are), the series' dimension
 * descriptions, then an array of offsets to the data elements. A 2D element
 * starts with its own calibration (offset, delta in metres, reference
 * pixel, for x then y), a sample type code and its size, then the pixels,
 * x fastest, bottom row first. Every element of the series becomes one
 * frame.
 */
#include "al-ser.h"

#include <string.h>

#include "al-frame-source-private.h"

#define SER_BYTE_ORDER 0x4949
#define SER_SERIES_ID 0x0197
#define SER_VERSION_OLD 0x0210    /* 32-bit offsets */
#define SER_DATA_1D 0x4120        /* spectra */
#define SER_DATA_2D 0x4122        /* images */
#define SER_HEADER_SIZE 30        /* bytes up to the dimension array (old version) */
/* A 2D element's header: 2 × (offset f64, delta f64, element u32), type u16,
 * width u32, height u32. */
#define SER_ELEMENT_HEADER 50
/* More elements than this is not a series TIA writes (a 4D-STEM scan is
 * 1D or 2D elements, refused anyway). */
#define SER_MAX_ELEMENTS (1u << 24)
/* Metres to nanometres: TIA calibrates in metres, AtomLens shows nm. */
#define NM_PER_M 1e9

typedef struct
{
  const guint8 *data;
  gsize         size;
  const char   *name;
  gboolean      wide;           /* 64-bit offsets (version 0x0220 and later) */
  guint32       data_type_id;
  guint32       n_elements;     /* valid elements */
  guint64       offsets_at;
  double        frame_scale;
  char         *frame_unit;
} SerFile;

typedef struct
{
  AlSampleType type;
  const char  *name;
  gboolean     complex;
} SerSampleType;

/* TIA's sample type codes 1..10. */
static const SerSampleType sample_types[] = {
  { AL_SAMPLE_UINT8, "uint8", FALSE },  { AL_SAMPLE_UINT16, "uint16", FALSE },
  { AL_SAMPLE_UINT32, "uint32", FALSE }, { AL_SAMPLE_INT8, "int8", FALSE },
  { AL_SAMPLE_INT16, "int16", FALSE },  { AL_SAMPLE_INT32, "int32", FALSE },
  { AL_SAMPLE_FLOAT32, "float32", FALSE }, { AL_SAMPLE_FLOAT64, "float64", FALSE },
  { AL_SAMPLE_FLOAT32, "complex64", TRUE }, { AL_SAMPLE_FLOAT64, "complex128", TRUE },
};

static gboolean
ser_sniff (const guint8 *head,
           gsize         n_head,
           const char   *path)
{
  guint16 order, id;

  return al_io_read_u16 (head, n_head, 0, TRUE, &order) && order == SER_BYTE_ORDER
         && al_io_read_u16 (head, n_head, 2, TRUE, &id) && id == SER_SERIES_ID;
}

static gboolean
fail_truncated (const SerFile *ser,
                const char    *what,
                guint64        offset,
                GError       **error)
{
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
               "SER file “%s” ends inside %s at byte %" G_GUINT64_FORMAT " (the file has %"
               G_GSIZE_FORMAT " bytes)", ser->name, what, offset, ser->size);
  return FALSE;
}

/* Reads the series' first dimension (the frame axis) and skips the rest;
 * returns where the header ends. */
static gboolean
read_dimensions (SerFile  *ser,
                 guint64   at,
                 GError  **error)
{
  guint32 n_dims, size, desc_length, unit_length;
  double delta;

  if (!al_io_read_u32 (ser->data, ser->size, at, TRUE, &n_dims))
    return fail_truncated (ser, "the header", at, error);
  at += 4;
  for (guint32 d = 0; d < n_dims; d++)
    {
      /* size u32, offset f64, delta f64, element u32, description, units. */
      if (!al_io_read_u32 (ser->data, ser->size, at, TRUE, &size)
          || !al_io_read_f64 (ser->data, ser->size, at + 12, TRUE, &delta)
          || !al_io_read_u32 (ser->data, ser->size, at + 24, TRUE, &desc_length))
        return fail_truncated (ser, "a dimension description", at, error);
      at += 28 + (guint64) desc_length;
      if (!al_io_read_u32 (ser->data, ser->size, at, TRUE, &unit_length)
          || !al_io_span_ok (ser->size, at + 4, unit_length))
        return fail_truncated (ser, "a dimension description", at, error);
      if (d == 0 && delta > 0 && delta < G_MAXFLOAT)
        {
          g_autofree char *unit = g_strndup ((const char *) ser->data + at + 4, unit_length);
          g_autofree char *valid = g_utf8_make_valid (unit, -1);
          ser->frame_scale = delta;
          ser->frame_unit = al_io_normalize_unit (valid);
        }
      at += 4 + (guint64) unit_length;
    }
  return TRUE;
}

static gboolean
read_header (SerFile  *ser,
             GError  **error)
{
  guint16 version;
  guint32 tag_type, total, offsets32;
  guint64 dims_at;

  if (!al_io_read_u16 (ser->data, ser->size, 4, TRUE, &version)
      || !al_io_read_u32 (ser->data, ser->size, 6, TRUE, &ser->data_type_id)
      || !al_io_read_u32 (ser->data, ser->size, 10, TRUE, &tag_type)
      || !al_io_read_u32 (ser->data, ser->size, 14, TRUE, &total)
      || !al_io_read_u32 (ser->data, ser->size, 18, TRUE, &ser->n_elements))
    return fail_truncated (ser, "the header", 0, error);
  ser->wide = version > SER_VERSION_OLD;
  if (ser->wide)
    {
      if (!al_io_read_u64 (ser->data, ser->size, 22, TRUE, &ser->offsets_at))
        return fail_truncated (ser, "the header", 22, error);
      dims_at = 30;
    }
  else
    {
      if (!al_io_read_u32 (ser->data, ser->size, 22, TRUE, &offsets32))
        return fail_truncated (ser, "the header", 22, error);
      ser->offsets_at = offsets32;
      dims_at = 26;
    }
  if (ser->n_elements > total || ser->n_elements > SER_MAX_ELEMENTS)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "SER file “%s” is damaged: it claims %u valid elements of %u", ser->name,
                   ser->n_elements, total);
      return FALSE;
    }
  return read_dimensions (ser, dims_at, error);
}

static gboolean
element_offset (const SerFile *ser,
                guint32        i,
                guint64       *offset,
                GError       **error)
{
  guint64 at = ser->offsets_at + (guint64) i * (ser->wide ? 8 : 4);
  guint32 offset32;

  if (ser->wide ? !al_io_read_u64 (ser->data, ser->size, at, TRUE, offset)
                : !al_io_read_u32 (ser->data, ser->size, at, TRUE, &offset32))
    return fail_truncated (ser, "the element offsets", at, error);
  if (!ser->wide)
    *offset = offset32;
  return TRUE;
}

typedef struct
{
  double   delta_x, delta_y;   /* metres per pixel */
  guint16  type_code;
  guint32  width, height;
  guint64  pixels_at;
} SerElement;

static gboolean
read_element (const SerFile *ser,
              guint32        i,
              SerElement    *el,
              GError       **error)
{
  guint64 at, n_bytes;
  const SerSampleType *type;

  if (!element_offset (ser, i, &at, error))
    return FALSE;
  if (!al_io_read_f64 (ser->data, ser->size, at + 8, TRUE, &el->delta_x)
      || !al_io_read_f64 (ser->data, ser->size, at + 28, TRUE, &el->delta_y)
      || !al_io_read_u16 (ser->data, ser->size, at + 40, TRUE, &el->type_code)
      || !al_io_read_u32 (ser->data, ser->size, at + 42, TRUE, &el->width)
      || !al_io_read_u32 (ser->data, ser->size, at + 46, TRUE, &el->height))
    return fail_truncated (ser, "an image header", at, error);
  if (el->type_code < 1 || el->type_code > G_N_ELEMENTS (sample_types))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "SER file “%s” is damaged: unknown sample type %u in element %u", ser->name,
                   el->type_code, i);
      return FALSE;
    }
  type = &sample_types[el->type_code - 1];
  if (el->width == 0 || el->height == 0 || el->width > AL_IMAGE_MAX_SIDE
      || el->height > AL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, AL_IO_ERROR, el->width == 0 || el->height == 0 ? AL_IO_ERROR_CORRUPT
                                                                         : AL_IO_ERROR_TOO_LARGE,
                   "SER file “%s” declares an image of %u×%u pixels", ser->name, el->width,
                   el->height);
      return FALSE;
    }
  el->pixels_at = at + SER_ELEMENT_HEADER;
  n_bytes = (guint64) el->width * el->height * al_sample_type_size (type->type) * (type->complex ? 2 : 1);
  if (!al_io_span_ok (ser->size, el->pixels_at, n_bytes))
    return fail_truncated (ser, "the pixels of an image", ser->size, error);
  return TRUE;
}

/* Checks every element's header against the first and records where its
 * pixels are; TIA stores an image's bottom row first (as ncempy and
 * rosettasciio read it, and as TIA shows it), AlImage's row 0 is the top. */
static gboolean
open_images (SerFile       *ser,
             AlFrameSource *source,
             GError       **error)
{
  SerElement first = { 0 };
  const SerSampleType *type;
  guint64 frame_bytes;
  AlRawFrames raw = { AL_RAW_SAMPLES };
  AlImage *info;

  if (!read_element (ser, 0, &first, error))
    return FALSE;
  type = &sample_types[first.type_code - 1];
  if (type->complex)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds complex numbers (%s, a Fourier transform), not a real-space image",
                   ser->name, type->name);
      return FALSE;
    }
  /* Every element needs its header and pixels in the file: refuse a count
   * the file cannot hold before allocating for it. */
  frame_bytes = (guint64) first.width * first.height * al_sample_type_size (type->type);
  if ((frame_bytes + SER_ELEMENT_HEADER) * ser->n_elements > ser->size)
    {
      fail_truncated (ser, "its images", ser->size, error);
      g_prefix_error (error, "%u images of %u×%u pixels do not fit: ", ser->n_elements,
                      first.width, first.height);
      return FALSE;
    }
  info = al_frame_source_set_info (source, first.width, first.height, ser->n_elements, error);
  if (info == NULL)
    return FALSE;
  raw.offsets = g_new (guint64, ser->n_elements);
  for (guint32 i = 0; i < ser->n_elements; i++)
    {
      SerElement el = { 0 };
      if (!read_element (ser, i, &el, error))
        goto fail;
      if (el.width != first.width || el.height != first.height || el.type_code != first.type_code)
        {
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                       "SER file “%s” is damaged: image %u is %u×%u (type %u), image 1 is %u×%u"
                       " (type %u)", ser->name, i + 1, el.width, el.height, el.type_code,
                       first.width, first.height, first.type_code);
          goto fail;
        }
      raw.offsets[i] = el.pixels_at;
    }
  raw.type = type->type;
  raw.little_endian = TRUE;
  raw.bottom_up = TRUE;
  al_frame_source_set_raw (source, &raw);
  g_free (info->dtype);
  info->dtype = g_strdup (type->name);
  if (first.delta_x > 0 && first.delta_x < 1 && first.delta_y > 0 && first.delta_y < 1)
    al_image_set_calibration (info, first.delta_x * NM_PER_M, first.delta_y * NM_PER_M, "nm");
  return TRUE;

fail:
  g_free (raw.offsets);
  return FALSE;
}

static gboolean
open_source (AlFrameSource *source,
             GError       **error)
{
  SerFile ser = { source->data, source->size, source->name };
  gboolean ok = FALSE;

  if (!ser_sniff (ser.data, ser.size, NULL))
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED, "“%s” is not a TIA series file",
                 ser.name);
  else if (!read_header (&ser, error))
    ;
  else if (ser.data_type_id == SER_DATA_1D)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                 "“%s” holds spectra (TIA 1D data), not images", ser.name);
  else if (ser.data_type_id != SER_DATA_2D)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                 "SER file “%s” is damaged: unknown data kind 0x%x", ser.name, ser.data_type_id);
  else if (ser.n_elements == 0)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                 "“%s” is a TIA series with no recorded images", ser.name);
  else
    ok = open_images (&ser, source, error);

  if (ok)
    {
      source->info->format = g_strdup ("SER");
      if (source->info->n_frames > 1)
        {
          source->info->frame_scale = ser.frame_scale;
          source->info->frame_unit = g_steal_pointer (&ser.frame_unit);
        }
    }
  g_free (ser.frame_unit);
  return ok;
}

AlImage *
al_ser_load_bytes (const guint8 *data,
                   gsize         size,
                   const char   *name,
                   GError      **error)
{
  return al_frame_source_load_bytes (data, size, name, open_source, error);
}

/* TIA names a series NAME_1.ser, NAME_2.ser, ... beside NAME.emi. */
static char *
emi_path_for (const char *ser_path)
{
  g_autofree char *stem = NULL;
  const char *underscore = strrchr (ser_path, '_');

  if (!g_str_has_suffix (ser_path, ".ser") || underscore == NULL)
    return NULL;
  for (const char *p = underscore + 1; p < ser_path + strlen (ser_path) - 4; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  stem = g_strndup (ser_path, underscore - ser_path);
  return g_strconcat (stem, ".emi", NULL);
}

static gboolean
ser_open (AlFrameSource *source,
          const char    *path,
          GError       **error)
{
  g_autofree char *emi = emi_path_for (path);

  if (!al_frame_source_map (source, path, error) || !open_source (source, error))
    return FALSE;
  if (emi != NULL && g_file_test (emi, G_FILE_TEST_IS_REGULAR))
    {
      g_autoptr (GMappedFile) emi_mapped = g_mapped_file_new (emi, FALSE, NULL);
      if (emi_mapped != NULL)
        al_emi_read_metadata ((const guint8 *) g_mapped_file_get_contents (emi_mapped),
                              g_mapped_file_get_length (emi_mapped), source->info);
    }
  return TRUE;
}

const AlImageReader al_ser_reader = {
  .format = "SER",
  .sniff = ser_sniff,
  .open = ser_open,
};
