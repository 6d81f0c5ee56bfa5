/* al-lattice-pull.h: column positions pulled towards their local lattice
 * sites (TMDs at 10⁴ e⁻/Å² and above).
 *
 * A fitted column's position has its own error (the Cramér–Rao bound:
 * 20 pm for an MoS2 S2 column at 10⁴, two thirds of a pixel per axis);
 * about 1 % of S2 columns land beyond the quarter neighbour distance
 * within which a found column counts as the right one, and a few per
 * cent of columns fall that far in any measurement. The local lattice,
 * fitted to some thirty bright (metal) neighbours, puts the column's
 * site within a few pm. Both are combined as two Gaussian measurements
 * (inverse-variance weights), the site's variance raised by how far real
 * columns stand off their ideal sites (relaxation next to point defects),
 * so the metal columns, known well on their own, keep most of their
 * measured displacement and the faint chalcogen columns move most of the
 * way to their sites. A column that disagrees with its site by far more
 * than the two errors allow (another grain, a defect's column) keeps its
 * fit. Unlike the low-dose snap (al-lattice-snap.h), no column is added,
 * removed or put exactly on its site.
 */
#pragma once

#include <glib.h>

#include "detect/al-lattice-fft.h"
#include "detect/al-refine.h"

G_BEGIN_DECLS

/* Pulls the fitted columns (ok, with standard errors) of a frame whose
 * FFT lattice is `lattice` (hexagonal; else nothing moves) towards their
 * sites, `neighbour_px` being the nearest-neighbour column distance;
 * se_x/se_y become the combined position's. Returns how many moved. */
guint al_lattice_pull (AlColumnFit     *columns,
                       guint            n_columns,
                       const AlLattice *lattice,
                       guint            width,
                       guint            height,
                       double           neighbour_px,
                       guint            n_threads);

G_END_DECLS
