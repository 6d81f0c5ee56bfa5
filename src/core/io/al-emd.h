/* al-emd.h: the EMD reader (HDF5): Thermo Fisher Velox files and the
 * Berkeley EMD layout. */
#pragma once

#include "al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_emd_reader;

/* Reads an EMD file already in memory (through HDF5's in-memory file
 * driver); `name` is only used in messages. With `probe`, the file is
 * first read in a child process, as al_image_load() does, so that a crash
 * of libhdf5 on a damaged file becomes an error; the fuzz target reads
 * without it, to find such crashes. */
AlImage *al_emd_load_bytes (const guint8 *data,
                            gsize         size,
                            const char   *name,
                            gboolean      probe,
                            GError      **error);

G_END_DECLS
