/* al-structure-csv.h: the tables `analyze` writes besides atoms.csv
 * (DESIGN.md §6), one row per item, frames in order:
 *
 *   bonds.csv    frame,a,b,length_nm
 *   defects.csv  id,frame,type,x_px,y_px,n_atoms,atoms
 *   strain.csv   id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm
 *
 * Atom ids (a, b, atoms, id) are the row ids of atoms.csv: atoms are
 * numbered through all frames in order. `atoms` lists a defect's member ids
 * separated by spaces. Strain is dimensionless, rotation in degrees; an
 * atom without a strain (too few neighbours) has empty fields. Defect ids
 * are numbered through all frames as well. Writes are atomic.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "defects/al-defects.h"
#include "graph/al-bonds.h"
#include "strain/al-strain.h"

G_BEGIN_DECLS

/* One frame's results, as the writers need them; pointers may be NULL. */
typedef struct
{
  const AlAtoms   *atoms;
  const AlBonds   *bonds;
  const AlDefects *defects;
  const AlStrain  *strain;
  double           pixel_size_nm;
} AlStructureFrame;

char     *al_bonds_csv_format   (const AlStructureFrame *frames,
                                 guint                   n_frames);
char     *al_defects_csv_format (const AlStructureFrame *frames,
                                 guint                   n_frames);
char     *al_strain_csv_format  (const AlStructureFrame *frames,
                                 guint                   n_frames);
gboolean  al_structure_csv_write (const char            *dir,
                                  const AlStructureFrame *frames,
                                  guint                  n_frames,
                                  GError               **error);

G_END_DECLS
