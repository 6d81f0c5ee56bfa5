/* al-tiff.h: TIFF files, the format every microscope and image program
 * exports. The reader (behind al_image_load()) takes integer, float and
 * colour samples, strips and tiles, classic and BigTIFF, multi-page stacks,
 * and the calibration that ImageJ, OME, DigitalMicrograph, FEI and the
 * resolution tags record. The writers save every frame as a page, with the
 * calibration as an ImageJ description and resolution tags, atomically.
 */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_tiff_reader;

/* Reads a TIFF file already in memory; `name` is only used in messages.
 * The fuzz target calls this directly. */
AlImage *al_tiff_load_bytes   (const guint8   *data,
                               gsize           size,
                               const char     *name,
                               GError        **error);

/* Saves `image` as float32 pages (BigTIFF when it exceeds 4 GiB). The file
 * appears at `path` complete or not at all. */
gboolean al_tiff_write        (const char     *path,
                               const AlImage  *image,
                               GError        **error);

/* The same with unsigned 16-bit samples: each value is rounded to the
 * nearest integer and clamped to 0..65535, for compact count images. */
gboolean al_tiff_write_uint16 (const char     *path,
                               const AlImage  *image,
                               GError        **error);

G_END_DECLS
