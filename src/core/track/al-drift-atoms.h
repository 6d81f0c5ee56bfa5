/* al-drift-atoms.h: refines the drift between two frames on the columns
 * detected in them. Image correlation of a low-dose frame is limited by
 * its noise and by the defects that change between the frames; each
 * fitted column, though, is located to a few hundredths of a pixel, and
 * the lattice's columns do not move between frames except by the drift.
 * Pairing every column of one frame with the one of the next nearest its
 * predicted place (under a third of a bond away, so the pairing is never
 * ambiguous) and taking a robust mean of the pairs' moves gives the drift
 * to well under a tenth of a pixel: the few columns that did move (a
 * hopping vacancy's neighbours, a converting dopant) are left out as
 * outliers.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"

G_BEGIN_DECLS

/* Fewer column pairs than this: the refinement is not trusted. */
#define AL_DRIFT_ATOMS_MIN_PAIRS 12

/* Refines the shift (dx, dy) of `moved` relative to `reference` (as in
 * al-drift.h), both frames width × height px with their columns
 * neighbour_px apart, given an estimate within a third of neighbour_px.
 * Columns nearer the frame's edge than neighbour_px are not used (their
 * fits see a cut-off peak). Returns FALSE, leaving dx and dy as they were,
 * when fewer than AL_DRIFT_ATOMS_MIN_PAIRS columns pair up. n_pairs
 * (may be NULL) gets the number of pairs the mean was taken over. */
gboolean al_drift_refine_atoms (const AlAtoms *reference,
                                const AlAtoms *moved,
                                guint          width,
                                guint          height,
                                double         neighbour_px,
                                double        *dx,
                                double        *dy,
                                guint         *n_pairs);

G_END_DECLS
