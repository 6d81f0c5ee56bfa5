/* al-io-bytes.c: bounds-checked byte reads, sample conversion, file mapping
 * and unit clean-up shared by the binary readers. */
#include "al-io-bytes.h"
#include "al-frame-source.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "al-half.h"
#include "al-io-release.h"
#include "al-io.h"

gsize
al_sample_type_size (AlSampleType type)
{
  switch (type)
    {
    case AL_SAMPLE_INT8:
    case AL_SAMPLE_UINT8:
      return 1;
    case AL_SAMPLE_INT16:
    case AL_SAMPLE_UINT16:
    case AL_SAMPLE_FLOAT16:
      return 2;
    case AL_SAMPLE_INT32:
    case AL_SAMPLE_UINT32:
    case AL_SAMPLE_FLOAT32:
      return 4;
    case AL_SAMPLE_INT64:
    case AL_SAMPLE_UINT64:
    case AL_SAMPLE_FLOAT64:
      return 8;
    default:
      g_return_val_if_reached (1);
    }
}

const char *
al_sample_type_name (AlSampleType type)
{
  static const char *const names[] = {
    "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64",
    "float16",
  };

  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (names), "unknown");
  return names[type];
}

gboolean
al_io_span_ok (gsize   size,
               guint64 offset,
               guint64 length)
{
  return offset <= size && length <= size - offset;
}

/* Assembles `n` bytes at p into an integer in the given byte order. */
static guint64
load_uint (const guint8 *p,
           guint         n,
           gboolean      le)
{
  guint64 v = 0;

  for (guint i = 0; i < n; i++)
    v = (v << 8) | p[le ? n - 1 - i : i];
  return v;
}

gboolean
al_io_read_u16 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint16 *out)
{
  if (!al_io_span_ok (size, offset, 2))
    return FALSE;
  *out = (guint16) load_uint (data + offset, 2, le);
  return TRUE;
}

gboolean
al_io_read_u32 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint32 *out)
{
  if (!al_io_span_ok (size, offset, 4))
    return FALSE;
  *out = (guint32) load_uint (data + offset, 4, le);
  return TRUE;
}

gboolean
al_io_read_u64 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint64 *out)
{
  if (!al_io_span_ok (size, offset, 8))
    return FALSE;
  *out = load_uint (data + offset, 8, le);
  return TRUE;
}

gboolean
al_io_read_f64 (const guint8 *data, gsize size, guint64 offset, gboolean le, double *out)
{
  guint64 bits;

  if (!al_io_read_u64 (data, size, offset, le, &bits))
    return FALSE;
  memcpy (out, &bits, sizeof *out);
  return TRUE;
}

void
al_io_convert_samples (const guint8 *src,
                       AlSampleType  type,
                       gboolean      le,
                       gsize         n,
                       float        *dst)
{
  gsize size = al_sample_type_size (type);

  for (gsize i = 0; i < n; i++, src += size)
    {
      guint64 v = load_uint (src, size, le);
      switch (type)
        {
        case AL_SAMPLE_INT8: dst[i] = (gint8) v; break;
        case AL_SAMPLE_UINT8: dst[i] = (guint8) v; break;
        case AL_SAMPLE_INT16: dst[i] = (gint16) v; break;
        case AL_SAMPLE_UINT16: dst[i] = (guint16) v; break;
        case AL_SAMPLE_INT32: dst[i] = (gint32) v; break;
        case AL_SAMPLE_UINT32: dst[i] = (guint32) v; break;
        case AL_SAMPLE_INT64: dst[i] = (float) (gint64) v; break;
        case AL_SAMPLE_UINT64: dst[i] = (float) v; break;
        case AL_SAMPLE_FLOAT32:
          {
            guint32 bits = (guint32) v;
            float f;
            memcpy (&f, &bits, sizeof f);
            dst[i] = f;
            break;
          }
        case AL_SAMPLE_FLOAT64:
          {
            double d;
            memcpy (&d, &v, sizeof d);
            dst[i] = (float) d;
            break;
          }
        case AL_SAMPLE_FLOAT16: dst[i] = al_half_to_float ((guint16) v); break;
        default:
          g_assert_not_reached ();
        }
    }
}

#define ACCUMULATE(type, to_float)                                    \
  do                                                                  \
    {                                                                 \
      const type *s = (const type *) src;                             \
      for (gsize i = 0; i < n; i++)                                   \
        dst[i] += weight * to_float (s[i * stride]);                  \
    }                                                                 \
  while (0)
#define AS_FLOAT(x) ((float) (x))

void
al_io_accumulate_samples (const guint8 *src,
                          AlSampleType  type,
                          gsize         n,
                          gsize         stride,
                          float         weight,
                          float        *dst)
{
  switch (type)
    {
    case AL_SAMPLE_UINT8: ACCUMULATE (guint8, AS_FLOAT); break;
    case AL_SAMPLE_INT8: ACCUMULATE (gint8, AS_FLOAT); break;
    case AL_SAMPLE_UINT16: ACCUMULATE (guint16, AS_FLOAT); break;
    case AL_SAMPLE_INT16: ACCUMULATE (gint16, AS_FLOAT); break;
    case AL_SAMPLE_UINT32: ACCUMULATE (guint32, AS_FLOAT); break;
    case AL_SAMPLE_INT32: ACCUMULATE (gint32, AS_FLOAT); break;
    case AL_SAMPLE_UINT64: ACCUMULATE (guint64, AS_FLOAT); break;
    case AL_SAMPLE_INT64: ACCUMULATE (gint64, AS_FLOAT); break;
    case AL_SAMPLE_FLOAT32: ACCUMULATE (float, AS_FLOAT); break;
    case AL_SAMPLE_FLOAT64: ACCUMULATE (double, AS_FLOAT); break;
    case AL_SAMPLE_FLOAT16: ACCUMULATE (guint16, al_half_to_float); break;
    default:
      g_assert_not_reached ();
    }
}

void
al_io_pixels_to_float (const guint8 *src,
                       AlSampleType  type,
                       gsize         n,
                       guint         channels,
                       float        *dst)
{
  static const float luma[3] = { AL_LUMA_R, AL_LUMA_G, AL_LUMA_B };
  gsize size = al_sample_type_size (type);

  memset (dst, 0, n * sizeof *dst);
  if (channels < 3)
    al_io_accumulate_samples (src, type, n, channels, 1.0f, dst);
  else
    for (guint c = 0; c < 3; c++)
      al_io_accumulate_samples (src + c * size, type, n, channels, luma[c], dst);
}

GMappedFile *
al_io_map_file (const char  *path,
                GError     **error)
{
  g_autoptr (GError) local = NULL;
  GMappedFile *mapped = g_mapped_file_new (path, FALSE, &local);

  if (mapped == NULL)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND, "Cannot read “%s”: %s", name,
                   local->message);
    }
  return mapped;
}

void
al_io_release_range (const guint8 *base,
                     guint64       offset,
                     guint64       length)
{
  guint64 page = (guint64) sysconf (_SC_PAGESIZE);
  /* Whole pages inside the range only (the mapping starts on a page), so
   * the bytes of neighbouring tags stay. */
  guint64 first = (offset + page - 1) / page * page;
  guint64 end = (offset + length) / page * page;

  if (end > first)
    al_io_release_mapped (base + first, end - first);
}

AlImage *
al_io_image_new (guint    width,
                 guint    height,
                 guint    n_frames,
                 GError **error)
{
  g_autoptr (GError) local = NULL;
  AlImage *image;
  guint64 bytes;

  if (!g_uint64_checked_mul (&bytes, (guint64) width * height * sizeof (float), n_frames))
    bytes = G_MAXUINT64;
  if (!al_io_check_budget (bytes, NULL,
                           n_frames == 1 ? "its image" : "its frames", error))
    return NULL;
  image = al_image_new (width, height, n_frames, &local);

  if (image == NULL)
    g_set_error_literal (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE, local->message);
  return image;
}

char *
al_io_normalize_unit (const char *unit)
{
  /* Placeholders writers use for "no unit". */
  static const char *const none[] = { "", "[]", "px", "pixel", "pixels", "Pixel", "<auto>" };
  g_autofree char *clean = NULL;

  if (unit == NULL)
    return NULL;
  clean = g_strstrip (g_strdup (unit));
  for (guint i = 0; i < G_N_ELEMENTS (none); i++)
    if (strcmp (clean, none[i]) == 0)
      return NULL;
  /* Berkeley EMD files from the NCEM writer spell nanometres "n_m" (a
   * subscript mark left in the unit); the letters are what is meant. */
  if (strcmp (clean, "n_m") == 0 || strcmp (clean, "[n_m]") == 0)
    return g_strdup ("nm");
  if (strcmp (clean, "micron") == 0 || strcmp (clean, "um") == 0)
    return g_strdup ("µm");
  return g_steal_pointer (&clean);
}

/* Nanometres in one `unit`, also for reciprocal lengths ("1/nm"): sets
 * *reciprocal and returns the length in nm of the unit under the bar. */
static double
length_in_nm (const char *unit,
              gboolean   *reciprocal)
{
  *reciprocal = g_str_has_prefix (unit, "1/");
  return al_unit_to_nm (*reciprocal ? unit + 2 : unit);
}

gboolean
al_io_convert_length (double      value,
                      const char *from,
                      const char *to,
                      double     *out)
{
  gboolean from_recip, to_recip;
  double from_nm, to_nm;

  if (from == NULL || to == NULL)
    return FALSE;
  if (strcmp (from, to) == 0)
    {
      *out = value;
      return TRUE;
    }
  from_nm = length_in_nm (from, &from_recip);
  to_nm = length_in_nm (to, &to_recip);
  if (from_nm <= 0.0 || to_nm <= 0.0 || from_recip != to_recip)
    return FALSE;
  *out = from_recip ? value * to_nm / from_nm : value * from_nm / to_nm;
  return TRUE;
}
