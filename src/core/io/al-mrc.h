/* al-mrc.h: the MRC/MRC2014 reader behind al_image_load(). */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_mrc_reader;

/* Reads a MRC file already in memory; `name` is only used in messages.
 * The fuzz target calls this directly. */
AlImage *al_mrc_load_bytes (const guint8 *data,
                       gsize         size,
                       const char   *name,
                       GError      **error);

G_END_DECLS
