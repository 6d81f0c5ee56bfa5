/* al-emd-private.h: what the EMD layouts (al-emd-velox.c,
 * al-emd-berkeley.c) share with al-emd.c. Every function here is called
 * with the HDF5 lock held. */
#pragma once

#include "al-hdf5.h"
#include "al-image.h"

G_BEGIN_DECLS

/* The data set of an open EMD file, read frame by frame. */
typedef struct
{
  hid_t    file;
  hid_t    dataset;
  int      row_axis, column_axis, frame_axis;   /* frame_axis -1: one image */
  hsize_t  dims[3];
  char    *name;
} AlEmdFrames;

/* Opens an EMD file (a path, or bytes when data is not NULL): returns its
 * description (pixels NULL) and, in `frames`, its open data set. */
AlImage *al_emd_open_unlocked  (const char   *path,
                                const guint8 *data,
                                gsize         size,
                                const char   *name,
                                AlEmdFrames **frames,
                                GError      **error);
gboolean al_emd_frames_read_unlocked (AlEmdFrames *frames,
                                      guint        frame,
                                      float       *dest,
                                      GError     **error);
/* Reads every frame into one buffer: what the probing child does. */
gboolean al_emd_read_all_unlocked (AlEmdFrames   *frames,
                                   const AlImage *info);
void     al_emd_frames_free_unlocked (AlEmdFrames *frames);

/* Opens the file once in a child process, reading every frame; FALSE with
 * an error when the child crashed or hung (libhdf5 on a damaged file),
 * TRUE otherwise (also when no child could be started: the file is then
 * read directly). */
gboolean al_emd_probe_in_child (const char   *path,
                                const guint8 *data,
                                gsize         size,
                                const char   *name,
                                GError      **error);

/* Checks a 2D or 3D data set for use as frames and describes it (pixels
 * NULL); the file being opened keeps the data set for reading. Axes are
 * indices into the data set's dimensions; frame_axis is -1 for a single
 * image. Sizes, the stored bytes and the sample type are checked. */
AlImage *al_emd_open_frames (hid_t       dataset,
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
