/* al-test-lattice.h: hand-built honeycomb lattices for the graph, defect and
 * strain tests. */
#pragma once

#include <glib.h>

#include "al-atoms.h"

G_BEGIN_DECLS

/* A honeycomb of lattice constant a_px turned by theta (rad), filling the
 * box [0, width) × [0, height): sublattice 0 gets species0, 1 species1. */
AlAtoms *al_test_honeycomb        (double    width,
                                   double    height,
                                   double    a_px,
                                   double    theta,
                                   int       species0,
                                   int       species1);
/* Moves every atom by x -> F·(x - c) + c with F row-major. */
void     al_test_deform           (AlAtoms  *atoms,
                                   const double f[4],
                                   double    cx,
                                   double    cy);
/* Adds Gaussian noise of `sigma` px to every position (fixed seed). */
void     al_test_jitter           (AlAtoms  *atoms,
                                   double    sigma,
                                   guint32   seed);
/* Index of the atom nearest to (x, y). */
guint    al_test_nearest          (const AlAtoms *atoms,
                                   double    x,
                                   double    y);

G_END_DECLS
