/* al-phase-map.h: planar defects: which phase each region of the field is.
 *
 * Each atom gets a phase from its chemical neighbourhood (Belianinov et al.:
 * the number and identity of nearest neighbours define the phase): in a
 * TMD seen from above, a 2H metal has three chalcogen columns 120° apart,
 * a 1T metal six 60° apart, and in 1T′ the metals pair up into zigzag
 * chains, so the metal–metal distances split. Atoms whose bond angles and
 * coordination fit no crystal are disordered; where they dominate a
 * neighbourhood the region is amorphous. Labels are then smoothed by a
 * majority vote over each atom's neighbourhood (clustering in space), and
 * rasterised on a grid half a bond wide; cells with no atom within 1.2 d
 * are vacuum. With the phase network's per-pixel probabilities
 * (al-phase-net.h) each atom's phase weighs both: the network's crystal
 * probabilities around it times its neighbourhood's descriptor votes,
 * and raster cells with no atom near (columns the detection missed) take
 * the network's phase instead of vacuum.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "defects/al-defects.h"
#include "graph/al-bonds.h"
#include "graph/al-rings.h"

G_BEGIN_DECLS

typedef enum
{
  AL_PHASE_VACUUM,
  AL_PHASE_2H,         /* the honeycomb: 2H in a TMD, the crystal in graphene and hBN */
  AL_PHASE_1T,
  AL_PHASE_1TP,
  AL_PHASE_AMORPHOUS,
  AL_N_PHASES,
} AlPhase;

typedef struct
{
  guint    n_atoms;
  guint8  *atom_phase;      /* AlPhase per atom */
  guint    n_cx, n_cy;      /* the raster */
  double   cell_px;
  guint8  *cell;            /* AlPhase per cell, row-major */
  double   area_px2[AL_N_PHASES];
  double   boundary_px;     /* length of borders between two crystal phases or crystal and amorphous */
} AlPhaseMap;

const char *al_phase_name        (AlPhase           phase);
AlDefectType al_phase_defect_type (AlPhase          phase);
struct _AlPhaseNet;

AlPhaseMap *al_phase_map_build   (const AlAtoms    *atoms,
                                  const AlBonds    *bonds,
                                  const AlMaterial *material,
                                  const guint8     *edge,
                                  const struct _AlPhaseNet *net,
                                  double            width,
                                  double            height);
AlPhase     al_phase_map_at      (const AlPhaseMap *map,
                                  double            x,
                                  double            y);
void        al_phase_map_emit    (const AlPhaseMap *map,
                                  const AlAtoms    *atoms,
                                  guint             frame,
                                  AlDefects        *defects);
void        al_phase_map_free    (AlPhaseMap       *map);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlPhaseMap, al_phase_map_free)

G_END_DECLS
