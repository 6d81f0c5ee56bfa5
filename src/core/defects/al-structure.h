/* al-structure.h: from atoms to chemistry for one frame: the bond graph and
 * its rings, lattice labels, strain, and every kind of defect. This is the
 * stage the pipeline runs after atom finding; each piece is also usable on
 * its own (graph/, strain/, defects/).
 *
 * When the image has no calibration, the pixel size is estimated from the
 * measured nearest-neighbour distance and the material's (so lengths and
 * areas still come out in nm), and strain is measured against the fitted
 * lattice rather than the material's.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-material.h"
#include "al-progress.h"
#include "defects/al-defects.h"
#include "defects/al-phase-map.h"
#include "defects/al-phase-net.h"
#include "graph/al-bonds.h"
#include "graph/al-rings.h"
#include "strain/al-honeycomb.h"
#include "strain/al-strain.h"

G_BEGIN_DECLS

typedef struct _AlStructure AlStructure;

typedef struct
{
  AlBondParams   bonds;
  AlStrainParams strain;
  /* The field of view in px, so atoms at its border are not taken for an
   * edge; 0: the atoms' bounding box. */
  guint          width;
  guint          height;
  /* The frame the atoms were found in (width × height floats), or NULL:
   * with it, TMD point defects are read from the intensity at every
   * lattice site (defects/al-site-classify.h). */
  const float   *frame;
  /* A phase network (atomlens.task = phase) run on `frame` for the phase
   * map (defects/al-phase-net.h), or NULL: descriptors alone. */
  const char    *phase_model;
  guint          n_threads;
  /* The phase network's map already run (on a key frame of a series,
   * track/al-key-frames.h): used instead of running phase_model. */
  const AlPhaseNet *phase_net;
  /* Keep the map phase_model gave in AlStructure.phase_net (to share it). */
  gboolean       keep_phase_net;
  /* NULL, or the structure of a larger field these atoms are part of: its
   * nearest-neighbour distance, lattice orientation, fitted and reference
   * lattices, strain neighbourhood and pixel size are used instead of
   * being measured from these atoms (the local recompute after an edit,
   * defects/al-structure-update.h). */
  const AlStructure *like;
} AlStructureParams;

struct _AlStructure
{
  AlBonds         *bonds;
  AlRings         *rings;
  AlHoneycombLabels *labels;
  AlStrain        *strain;       /* NULL when no lattice could be fitted */
  AlDefects       *defects;
  AlPhaseMap      *phases;
  AlPhaseNet      *phase_net;    /* with keep_phase_net, the map run (or NULL) */
  double           pixel_size_nm;
  gboolean         pixel_size_estimated;
};

AlStructure *al_structure_analyze (AlAtoms                 *atoms,
                                   const AlMaterial        *material,
                                   double                   pixel_size_nm,
                                   guint                    frame,
                                   const AlStructureParams *params,
                                   AlProgress              *progress,
                                   GCancellable            *cancellable,
                                   GError                 **error);
void         al_structure_free    (AlStructure             *structure);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlStructure, al_structure_free)

G_END_DECLS
