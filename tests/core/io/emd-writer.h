/* emd-writer.h: writes small Velox and Berkeley EMD files with libhdf5 for
 * the tests and the fuzz corpus. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A Velox file: `n_frames` frames of width×height uint16 pixels, pixel
 * (x, y) of frame f = f * 1000 + y * width + x, stored rows × columns ×
 * frames, with a metadata JSON giving 0.25 nm pixels and 300 kV. */
void emd_writer_velox    (const char *path,
                          guint       width,
                          guint       height,
                          guint       n_frames);
/* A Berkeley EMD file with the same pixels stored frames × rows × columns
 * (2D when n_frames is 0), dim steps 0.5 'n_m' and units as given. */
void emd_writer_berkeley (const char *path,
                          guint       width,
                          guint       height,
                          guint       n_frames);

G_END_DECLS
