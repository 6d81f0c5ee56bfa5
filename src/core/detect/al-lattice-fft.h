/* al-lattice-fft.h: the lattice of an atomic-resolution image, read from the
 * Bragg spots of its power spectrum: two reciprocal basis vectors, the
 * real-space basis they imply, the lattice period and orientation. It sets
 * every distance of the detection stage (suppression radius, fitting
 * windows) and, with a material's known lattice constant, the pixel size of
 * an uncalibrated image.
 */
#pragma once

#include <glib.h>

#include "al-material.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean found;
  gboolean hexagonal;   /* |g1| = |g2| at 60°/120°: honeycomb and hexagonal lattices */
  double   g1[2];       /* reciprocal basis (x, y), cycles per pixel */
  double   g2[2];
  double   a1[2];       /* real-space basis (x, y), pixels; a_i · g_j = δ_ij */
  double   a2[2];
  double   period_px;   /* mean of |a1| and |a2| */
  double   angle_deg;   /* direction of a1 from +x, folded into [0, 60) when hexagonal */
  double   strength;    /* first-order spot power over the spectrum's background there */
  guint    n_spots;     /* Bragg spots indexed by the basis */
} AlLattice;

gboolean al_lattice_estimate          (const float       *frame,
                                       guint              width,
                                       guint              height,
                                       AlLattice         *lattice,
                                       GError           **error);
gboolean al_lattice_estimate_near     (const float       *frame,
                                       guint              width,
                                       guint              height,
                                       double             period_px,
                                       AlLattice         *lattice,
                                       GError           **error);
double   al_lattice_pixel_size        (const AlLattice   *lattice,
                                       const AlMaterial  *material);
double   al_lattice_neighbour_px      (const AlLattice   *lattice,
                                       const AlMaterial  *material);

G_END_DECLS
