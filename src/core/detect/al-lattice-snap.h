/* al-lattice-snap.h: a lattice prior on column positions for low dose.
 *
 * At 10³ e⁻/Å² a single MoS2 column's position is known to 40 pm (Mo) or
 * 90 pm (S2) at best (the Cramér–Rao bound), more than the quarter
 * neighbour distance within which a found column counts as the right
 * one. Many columns together fix the lattice far better: each column is
 * moved to where its neighbours, fitted with a local affine lattice, put
 * its site. The sites are those of the honeycomb and of its hexagon
 * centres (the triangular lattice of side a/√3 holding metal, chalcogen
 * and 1T chalcogen sites alike), so a 1T patch snaps as well as 2H.
 *
 * With the frames given, the sites are then read per neighbourhood, not
 * one by one (al-lattice-fill.c): which of the three cosets hold columns
 * (metal, and chalcogen on one coset in 2H or on both in 1T); columns on
 * an empty coset and columns whose neighbourhood fits no lattice (a grain
 * boundary, an amorphous region, an edge with few neighbours) are
 * removed, and empty sites of occupied cosets filled.
 */
#pragma once

#include <glib.h>

#include "detect/al-lattice-fft.h"
#include "detect/al-refine.h"

G_BEGIN_DECLS

typedef struct
{
  double radius_px;        /* neighbours within this distance fit the local lattice */
  guint  min_neighbours;   /* fewer (after outliers): no snap */
  double max_rms_px;       /* local fits whose residual rms is larger: no snap */
  double max_move_px;      /* a column further from every site: no snap */
  double duplicate_px;     /* two columns closer than this after snapping are one */
  double neighbour_px;
  double max_fill_rms_px;  /* columns whose local fit is worse propose no sites */
  /* Of the two non-metal cosets only the brighter holds columns (2H)
   * when their counts differ by more than this fraction of the metal's
   * contrast, both (1T) otherwise. */
  double split_fraction;
} AlLatticeSnapParams;

/* Parameters for columns `neighbour_px` apart. */
void  al_lattice_snap_params_init (AlLatticeSnapParams *params,
                                   double               neighbour_px);

/* Snaps the columns (AlColumnFit, `lattice` the frame's FFT lattice,
 * hexagonal) in place: positions to their local lattice sites, se_x/se_y
 * to that position's standard error; of two columns on one site one is
 * removed. With `frame` (where the columns were found: the denoised
 * image) and `counts` (the raw image; NULL: `frame`), the cosets are read
 * as above. Returns how many columns were snapped (0, leaving every
 * column as it was, for a lattice that is not hexagonal). */
guint al_lattice_snap             (GArray                    *columns,
                                   const AlLattice           *lattice,
                                   const float               *frame,
                                   const float               *counts,
                                   guint                      width,
                                   guint                      height,
                                   const AlLatticeSnapParams *params);

/* Each column's amplitude (and its standard error) and local background
 * on `image`, at its position and width as they are: the least-squares
 * height of its Gaussian over a constant within 1.5 widths (at low dose
 * a free fit of position and amplitude on the raw image wanders; the
 * lattice has fixed the position). */
void  al_lattice_snap_amplitudes  (const float               *image,
                                   guint                      width,
                                   guint                      height,
                                   AlColumnFit               *columns,
                                   guint                      n_columns);

G_END_DECLS
