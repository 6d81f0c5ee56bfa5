/* al-io-bytes.h: helpers the binary readers (DM, SER, EMD) share: a file's
 * bytes mapped read-only, bounds-checked little/big-endian reads, and the
 * one conversion of sample types to AlImage's float32 that every reader
 * uses (stored bytes of either order, or decoded rows of grey, colour or
 * separate planes).
 *
 * Every read takes an offset and checks it against the buffer's size, so a
 * reader that trusts an offset from a hostile file gets FALSE, never a read
 * past the end.
 */
#pragma once

#include <gio/gio.h>

#include "al-image.h"

G_BEGIN_DECLS

typedef enum
{
  AL_SAMPLE_INT8,
  AL_SAMPLE_UINT8,
  AL_SAMPLE_INT16,
  AL_SAMPLE_UINT16,
  AL_SAMPLE_INT32,
  AL_SAMPLE_UINT32,
  AL_SAMPLE_INT64,
  AL_SAMPLE_UINT64,
  AL_SAMPLE_FLOAT32,
  AL_SAMPLE_FLOAT64,
  AL_SAMPLE_FLOAT16,   /* IEEE binary16 (TIFF, MRC mode 12) */
} AlSampleType;

/* Rec. 709 luma weights for linear R, G, B (ITU-R BT.709-6, item 3.2):
 * how a colour pixel becomes one intensity. */
#define AL_LUMA_R 0.2126f
#define AL_LUMA_G 0.7152f
#define AL_LUMA_B 0.0722f

gsize       al_sample_type_size (AlSampleType type);
const char *al_sample_type_name (AlSampleType type);

/* Converts n samples stored from `src` (in little- or big-endian order) to
 * float32. The caller has checked that n × size bytes lie inside the file. */
void        al_io_convert_samples (const guint8 *src,
                                   AlSampleType  type,
                                   gboolean      little_endian,
                                   gsize         n,
                                   float        *dst);

/* dst[i] += weight × sample i, for n samples in native byte order that lie
 * `stride` samples apart from `src` (aligned for their type, as decoders'
 * row buffers are): one channel of interleaved pixels, or one plane. */
void        al_io_accumulate_samples (const guint8 *src,
                                      AlSampleType  type,
                                      gsize         n,
                                      gsize         stride,
                                      float         weight,
                                      float        *dst);

/* n pixels of `channels` interleaved samples (native order, aligned) to
 * floats: grey (fewer than three channels) as its first sample, colour as
 * the Rec. 709 luma of the first three (R, G, B). */
void        al_io_pixels_to_float (const guint8 *src,
                                   AlSampleType  type,
                                   gsize         n,
                                   guint         channels,
                                   float        *dst);

/* Bounds-checked reads at `offset` of a buffer of `size` bytes. */
gboolean    al_io_read_u16 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint16 *out);
gboolean    al_io_read_u32 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint32 *out);
gboolean    al_io_read_u64 (const guint8 *data, gsize size, guint64 offset, gboolean le, guint64 *out);
gboolean    al_io_read_f64 (const guint8 *data, gsize size, guint64 offset, gboolean le, double *out);
/* TRUE when [offset, offset + length) lies inside a buffer of `size` bytes. */
gboolean    al_io_span_ok  (gsize size, guint64 offset, guint64 length);

/* Maps a file read-only (pages are read when touched, so a large file costs
 * little memory until its pixels are converted). */
GMappedFile *al_io_map_file (const char  *path,
                             GError     **error);

/* Gives back the whole pages inside bytes [offset, offset + length) of a
 * file mapped with al_io_map_file() at `base` (al-io-release.h), so that
 * converting a large file does not hold it in memory beside its pixels.
 * Only for mapped files: it would drop the contents of other memory. */
void         al_io_release_range (const guint8 *base,
                                  guint64       offset,
                                  guint64       length);

/* al_image_new() for readers: reports failure in the AL_IO_ERROR domain. */
AlImage     *al_io_image_new (guint    width,
                              guint    height,
                              guint    n_frames,
                              GError **error);

/* Turns a unit string as a file writes it into the one AtomLens shows
 * ("um" and "micron" → "µm", "A" → "Å" is kept as the file says; empty and
 * placeholder units such as "[]" → NULL). Returns a new string or NULL. */
char        *al_io_normalize_unit (const char *unit);

/* Scale `value` given in `from` units into `to` units when both are lengths
 * (or both reciprocal lengths); FALSE when they cannot be compared. */
gboolean     al_io_convert_length (double      value,
                                   const char *from,
                                   const char *to,
                                   double     *out);

G_END_DECLS
