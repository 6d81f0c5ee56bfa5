/* al-dm.h: the Gatan DigitalMicrograph (DM3, DM4) image reader. */
#pragma once

#include "al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_dm_reader;

/* Reads a DM3/DM4 file already in memory; `name` is only used in messages.
 * The fuzz target and the robustness tests call this directly. */
AlImage *al_dm_load_bytes (const guint8 *data,
                           gsize         size,
                           const char   *name,
                           GError      **error);

G_END_DECLS
