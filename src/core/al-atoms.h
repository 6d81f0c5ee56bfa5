/* al-atoms.h: AlAtoms, the atomic columns of one frame, as a structure of
 * arrays (positions in pixels, sub-pixel; pixel centres at integers, x along
 * columns, y along rows).
 */
#pragma once

#include <glib.h>

#include "al-material.h"

G_BEGIN_DECLS

typedef enum
{
  AL_ATOM_FOUND         = 1 << 0,  /* found by the pipeline */
  AL_ATOM_ADDED_BY_HAND = 1 << 1,
  AL_ATOM_MOVED_BY_HAND = 1 << 2,
  AL_ATOM_CLASS_BY_HAND = 1 << 3,
  AL_ATOM_DEFECT_BY_HAND = 1 << 4, /* its defect's type set, or marked false, by hand */
} AlAtomFlags;

#define AL_ATOM_EDITED (AL_ATOM_ADDED_BY_HAND | AL_ATOM_MOVED_BY_HAND | AL_ATOM_CLASS_BY_HAND \
                        | AL_ATOM_DEFECT_BY_HAND)

typedef struct
{
  guint    n_atoms;
  guint    capacity;
  double  *x;
  double  *y;
  float   *sigma_x;       /* standard error of x, px (0 when unknown) */
  float   *sigma_y;
  gint16  *species;       /* index into the material's species table */
  float   *confidence;    /* 0..1 */
  float   *intensity;     /* integrated column intensity */
  float   *width;         /* fitted Gaussian sigma, px */
  guint8  *flags;         /* AlAtomFlags */
  guint8  *coordination;  /* number of bonds */
  gint32  *defect_id;     /* the defect it belongs to, -1 for none */
  gint16  *defect_type;   /* AlDefectType of that defect */
} AlAtoms;

AlAtoms *al_atoms_new     (guint          capacity);
AlAtoms *al_atoms_copy    (const AlAtoms *atoms);
void     al_atoms_free    (AlAtoms       *atoms);
guint    al_atoms_append  (AlAtoms       *atoms,
                           double         x,
                           double         y,
                           int            species);
void     al_atoms_remove  (AlAtoms       *atoms,
                           guint          index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlAtoms, al_atoms_free)

G_END_DECLS
