/* ser-writer.c: builds small TIA series files in memory. */
#include "ser-writer.h"

#include <string.h>

static void
put (GByteArray *b,
     guint64     v,
     guint       n)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 byte = (guint8) (v >> (8 * i));
      g_byte_array_append (b, &byte, 1);
    }
}

static void
put_f64 (GByteArray *b,
         double      v)
{
  guint64 bits;

  memcpy (&bits, &v, 8);
  put (b, bits, 8);
}

static void
put_f32 (GByteArray *b,
         float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  put (b, bits, 4);
}

GBytes *
ser_writer_build (gboolean wide,
                  guint    width,
                  guint    height,
                  guint    n_frames,
                  double   delta,
                  gboolean spectra)
{
  GByteArray *b = g_byte_array_new ();
  guint offset_size = wide ? 8 : 4;
  guint offsets_at, data_at;

  put (b, 0x4949, 2);
  put (b, 0x0197, 2);
  put (b, wide ? 0x0220 : 0x0210, 2);
  put (b, spectra ? 0x4120 : 0x4122, 4);
  put (b, 0x4152, 4);     /* tags: time only */
  put (b, n_frames, 4);   /* total elements */
  put (b, n_frames, 4);   /* valid elements */
  offsets_at = b->len;
  put (b, 0, offset_size);
  put (b, 1, 4);          /* one dimension: the frame number */
  put (b, n_frames, 4);
  put_f64 (b, 0);
  put_f64 (b, 1);
  put (b, 0, 4);
  put (b, 6, 4);
  g_byte_array_append (b, (const guint8 *) "Number", 6);
  put (b, 0, 4);
  /* Patch the offset array's position, then write it and the elements. */
  for (guint i = 0; i < offset_size; i++)
    b->data[offsets_at + i] = (guint8) ((guint64) b->len >> (8 * i));
  offsets_at = b->len;
  for (guint f = 0; f < 2 * n_frames; f++)
    put (b, 0, offset_size);   /* data offsets, then tag offsets */
  for (guint f = 0; f < n_frames; f++)
    {
      data_at = b->len;
      for (guint i = 0; i < offset_size; i++)
        b->data[offsets_at + f * offset_size + i] = (guint8) ((guint64) data_at >> (8 * i));
      if (spectra)
        {
          put_f64 (b, 0);
          put_f64 (b, delta);
          put (b, 0, 4);
          put (b, 7, 2);
          put (b, width, 4);
          for (guint x = 0; x < width; x++)
            put_f32 (b, (float) x);
          continue;
        }
      put_f64 (b, 0);
      put_f64 (b, delta);
      put (b, 0, 4);
      put_f64 (b, 0);
      put_f64 (b, delta);
      put (b, 0, 4);
      put (b, 7, 2);
      put (b, width, 4);
      put (b, height, 4);
      for (guint row = 0; row < height; row++)
        for (guint x = 0; x < width; x++)
          put_f32 (b, (float) (f * 1000 + (height - 1 - row) * width + x));
    }
  return g_byte_array_free_to_bytes (b);
}
