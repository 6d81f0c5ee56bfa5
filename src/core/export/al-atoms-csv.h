/* al-atoms-csv.h: atoms.csv, the table of atoms of DESIGN.md §6, written by
 * `analyze` and (with the true defect type) by `simulate --truth`, and read
 * back by `score` and the app.
 *
 * Columns: id,frame,x_px,y_px,x_nm,y_nm,species,confidence,intensity,
 * coordination,defect_id[,true_defect_type]. Writes are atomic.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"

G_BEGIN_DECLS

typedef enum
{
  AL_ATOMS_CSV_NONE = 0,
  AL_ATOMS_CSV_TRUE_DEFECT_TYPE = 1 << 0,  /* add the truth column */
} AlAtomsCsvFlags;

char      *al_atoms_csv_format (AlAtoms *const   *frames,
                                guint             n_frames,
                                const AlMaterial *material,
                                double            pixel_size_nm,
                                AlAtomsCsvFlags   flags);
gboolean   al_atoms_csv_write  (const char       *path,
                                AlAtoms *const   *frames,
                                guint             n_frames,
                                const AlMaterial *material,
                                double            pixel_size_nm,
                                AlAtomsCsvFlags   flags,
                                GError          **error);
/* Returns an array of AlAtoms, one per frame (frames with no rows are empty). */
GPtrArray *al_atoms_csv_read   (const char       *path,
                                const AlMaterial *material,
                                GError          **error);
GPtrArray *al_atoms_csv_parse  (const char       *text,
                                const AlMaterial *material,
                                GError          **error);

G_END_DECLS
