/* ser-writer.h: builds small TIA series (.ser) files in memory for the
 * tests and the fuzz corpus. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A series of n_frames images of width×height float32 pixels (TIA type 7),
 * pixel (x, y) of frame f = f * 1000 + y * width + x, stored bottom row
 * first as TIA does; delta is metres per pixel. wide: version 0x0220
 * (64-bit offsets) instead of 0x0210. spectra: 1D elements instead. */
GBytes *ser_writer_build (gboolean wide,
                          guint    width,
                          guint    height,
                          guint    n_frames,
                          double   delta,
                          gboolean spectra);

G_END_DECLS
