/* al-emd-private.h: what the EMD layouts (al-emd-velox.c,
 * al-emd-berkeley.c) share with al-emd.c. Every function here is called
 * with the HDF5 lock held. */
#pragma once

#include "al-hdf5.h"
#include "al-image.h"

G_BEGIN_DECLS

/* TRUE only in a probing child process (al-emd-probe.c). */
extern gboolean al_emd_probing;

/* Opens and reads an EMD file (a path, or bytes when data is not NULL). */
AlImage *al_emd_read_unlocked (const char   *path,
                               const guint8 *data,
                               gsize         size,
                               const char   *name,
                               GError      **error);

/* Reads the file once in a child process; FALSE with an error when the
 * child crashed (libhdf5 on a damaged file), TRUE otherwise (also when no
 * child could be started: the file is then read directly). */
gboolean al_emd_probe_in_child (const char   *path,
                                const guint8 *data,
                                gsize         size,
                                const char   *name,
                                GError      **error);

/* Reads a 2D or 3D dataset as frames. Axes are given as indices into the
 * dataset's dimensions; frame_axis is -1 for a single image. Sizes, the
 * stored bytes and the sample type are checked before anything is
 * allocated. */
AlImage *al_emd_read_frames (hid_t       dataset,
                             int         row_axis,
                             int         column_axis,
                             int         frame_axis,
                             const char *name,
                             GError    **error);

/* Velox: /Data/Image/<id>/Data with a JSON "Metadata" dataset. */
gboolean al_emd_velox_detect (hid_t file);
AlImage *al_emd_velox_read   (hid_t       file,
                              const char *name,
                              GError    **error);

/* Berkeley EMD: a group with attribute emd_group_type = 1 holding "data"
 * and one "dimN" dataset per axis. */
AlImage *al_emd_berkeley_read (hid_t       file,
                               const char *name,
                               GError    **error);

/* Copies a Velox metadata JSON text into image metadata and calibration. */
void     al_emd_velox_apply_json (const char *json,
                                  AlImage    *image);

G_END_DECLS
