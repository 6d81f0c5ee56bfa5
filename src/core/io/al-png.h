/* al-png.h: the PNG reader behind al_image_load() (uncalibrated images). */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_png_reader;

/* Reads a PNG file already in memory; `name` is only used in messages.
 * The fuzz target calls this directly. */
AlImage *al_png_load_bytes (const guint8 *data,
                       gsize         size,
                       const char   *name,
                       GError      **error);

G_END_DECLS
