/* al-structure-update.h: a frame's structure after a hand edit, recomputed
 * only near the edit.
 *
 * An edit (atoms added, moved, deleted or given another species) changes
 * the bonds, rings, lattice labels, strain and point defects only within a
 * few neighbour distances of the changed atoms: bonds reach 1.3 d, a point
 * defect's pattern a few rings, the per-atom strain its neighbourhood
 * radius (2–5 a). So the atoms in a window around the edit are analysed
 * again, with the figures that belong to the whole field (the
 * nearest-neighbour distance, lattice orientation, fitted and reference
 * lattices, strain radius, pixel size) taken from the old structure, and
 * the results in the window's core replace the old ones there; everything
 * further away is the old structure's, with atom indices renumbered.
 *
 * With those figures fixed, the result equals a whole-field recompute that
 * uses them too (al_structure_analyze with params->like = the old
 * structure): the same bonds, rings, defects and per-atom strain. Two
 * things are not local, and the whole frame is recomputed instead when an
 * edit reaches them: line and planar defects (edges, grain boundaries,
 * phase regions), which span the field, and TMD point defects read from
 * the image, whose intensity model is fitted to all the field's sites (in
 * the window it is fitted to the window's, so borderline sites may read
 * differently; see AL_UPDATE_MIN_WINDOW_NN). The phase raster is kept.
 */
#pragma once

#include "defects/al-structure.h"

G_BEGIN_DECLS

/* How far the results are taken from the window (the core), beyond the
 * changed atoms, in d: a point defect's pattern (a 5-8-5 is about 3 d
 * across) and the strain neighbourhood, whichever is larger. */
#define AL_UPDATE_CORE_NN 4.0
/* Context around the core, in d, beyond the strain neighbourhood: every
 * bond, ring and empty-site shell of a core atom lies inside. */
#define AL_UPDATE_HALO_NN 6.0
/* The window is at least this wide, in d, so the TMD site intensity model
 * has a few hundred sites to fit. */
#define AL_UPDATE_MIN_WINDOW_NN 40.0
/* Beyond this share of the frame's atoms in the window, a whole-field
 * recompute costs about as much and is exact. */
#define AL_UPDATE_MAX_WINDOW_SHARE 0.25

typedef struct
{
  gboolean    local;            /* TRUE: recomputed in a window only */
  guint       n_changed;        /* atoms added, moved, deleted or re-speciesed */
  guint       n_window_atoms;   /* atoms analysed again */
  const char *why_whole;        /* when not local: why (static string) */
} AlStructureUpdate;

guint        al_atoms_match      (const AlAtoms           *old_atoms,
                                  const AlAtoms           *atoms,
                                  guint32                 *new_to_old,
                                  double                   box[4]);

AlStructure *al_structure_update (const AlAtoms           *old_atoms,
                                  const AlStructure       *old,
                                  AlAtoms                 *atoms,
                                  const AlMaterial        *material,
                                  double                   pixel_size_nm,
                                  guint                    frame,
                                  const AlStructureParams *params,
                                  AlStructureUpdate       *how,
                                  GCancellable            *cancellable,
                                  GError                 **error);

G_END_DECLS
