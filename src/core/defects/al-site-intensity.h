/* al-site-intensity.h: what the image shows at one lattice site.
 *
 * HAADF intensity grows with Σ Zⁿ over a column's atoms, so the integrated
 * intensity at a site tells an S2 column from a single S, from an empty
 * site, from a metal. It is read at the site's fixed position (where the
 * lattice puts it, not where a peak search would: an empty site then reads
 * as empty rather than as its brightest noise spike) as the amplitude of a
 * Gaussian of the columns' width, fitted by least squares above the local
 * background. The background is read at the three hexagon centres around
 * the site: one bond away, they see the same tails of the neighbouring
 * columns and the same support as the site itself.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "graph/al-bonds.h"

G_BEGIN_DECLS

typedef struct
{
  const float *frame;
  guint        width;
  guint        height;
  double       sigma_px;  /* columns' Gaussian width */
  double       nn_px;     /* bond length */
} AlSiteImage;

double al_site_background (const AlSiteImage *image,
                           double             x,
                           double             y,
                           double             bond_angle);
double al_site_amplitude  (const AlSiteImage *image,
                           double             x,
                           double             y,
                           double             background);
double al_site_column_sigma (const AlAtoms   *atoms,
                             double           nn_px);
double al_site_bond_angle (const double      *vx,
                           const double      *vy,
                           guint              n,
                           double             fallback);
gboolean al_site_vacuum_beyond (const AlSiteImage *image,
                                const AlAtoms     *atoms,
                                const AlBonds     *bonds,
                                const guint32     *row,
                                guint              n_row);

G_END_DECLS
