/* al-ser.h: the FEI/Thermo TIA series (SER) reader, with metadata from the
 * EMI file TIA writes beside it. */
#pragma once

#include "al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_ser_reader;

/* Reads a SER file already in memory (no EMI partner); `name` is only used
 * in messages. The fuzz target and the robustness tests call this. */
AlImage *al_ser_load_bytes (const guint8 *data,
                            gsize         size,
                            const char   *name,
                            GError      **error);

/* Adds what an EMI file's <ObjectInfo> XML says (voltage, instrument,
 * magnification, dwell time, date, and every "ExperimentalDescription"
 * entry as "Label [unit]") to image->metadata. Damaged or absent XML adds
 * nothing. */
void     al_emi_read_metadata (const guint8 *data,
                               gsize         size,
                               AlImage      *image);

G_END_DECLS
