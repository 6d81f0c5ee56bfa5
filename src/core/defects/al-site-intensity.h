/* al-site-intensity.h: what the image shows at one lattice site.
 *
 * HAADF intensity grows with Σ Zⁿ over a column's atoms, so the integrated
 * intensity at a site tells an S2 column from a single S, from an empty
 * site, from a metal. It is read at the site's fixed position (where the
 * lattice puts it, not where a peak search would: an empty site then reads
 * as empty rather than as its brightest noise spike) as the amplitude of a
 * Gaussian of the columns' width, fitted by least squares together with a
 * Gaussian at each found neighbouring column and a constant background.
 *
 * Fitting the neighbours matters for a chalcogen site next to heavy
 * metals: a W column's flank one bond away is a large part of what the
 * site shows, and it changes as the W columns relax around a vacancy. A
 * fixed background (once read at the hexagon centres) left an empty S2
 * site of WS2 reading half an S2 column, with the W columns' counting
 * noise on top: empty and S2 were 2.5 standard deviations apart (MoS2:
 * 4.1) and V_S2 recall was 0.13–0.20 (simulated, 10⁴ e⁻/Å²). With the
 * neighbours fitted an empty site reads about zero in both, and the
 * separation is 3.5 in WS2 (5.1 in MoS2).
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

/* Most neighbouring columns fitted with a site (a honeycomb site has 3
 * within a bond length; more may come at a grain boundary). */
#define AL_SITE_MAX_NEIGHBOURS 9

double al_site_amplitude  (const AlSiteImage *image,
                           double             x,
                           double             y,
                           const double      *nx,
                           const double      *ny,
                           guint              n);
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
