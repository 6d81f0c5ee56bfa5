/* al-emd.h: the EMD reader (HDF5): Thermo Fisher Velox files and the
 * Berkeley EMD layout. */
#pragma once

#include "al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_emd_reader;

/* Reads an EMD file already in memory (through HDF5's in-memory file
 * driver); `name` is only used in messages. The fuzz target and the
 * robustness tests call this. */
AlImage *al_emd_load_bytes (const guint8 *data,
                            gsize         size,
                            const char   *name,
                            GError      **error);

G_END_DECLS
