/* al-honeycomb.h: the honeycomb lattice an image's atoms sit on.
 *
 * A site is origin + n1·a1 + n2·a2 + s·delta with integers n1, n2 and the
 * sublattice s (0 or 1): in a TMD s = 0 holds the metal and s = 1 the
 * chalcogen column; in graphene both hold carbon. Every atom of a crystal
 * gets such a label by walking the bond graph from a seed (each bond is
 * matched to one of the three bond directions of its sublattice), and the
 * lattice vectors then follow from all atoms by least squares.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "graph/al-bonds.h"

G_BEGIN_DECLS

typedef struct
{
  double origin[2];   /* px */
  double a1[2];
  double a2[2];
  double delta[2];    /* sublattice 1 relative to sublattice 0 */
} AlHoneycomb;

typedef struct
{
  guint    n_atoms;
  gint32  *n1;
  gint32  *n2;
  gint8   *sub;          /* 0, 1, or -1: no label (isolated atom) */
  double   theta;        /* orientation: bond directions from sublattice 0 are theta + 30°, 150°, 270° (rad) */
  double   nn_px;
} AlHoneycombLabels;

/* A region of the image as a closed polygon, vertices in px. */
typedef struct
{
  guint         n_vertices;
  const double *x;
  const double *y;
} AlPolygon;

void             al_honeycomb_ideal        (AlHoneycomb             *lattice,
                                          double                 a_px,
                                          double                 theta);
void             al_honeycomb_site         (const AlHoneycomb       *lattice,
                                          double                 n1,
                                          double                 n2,
                                          int                    sub,
                                          double                *x,
                                          double                *y);
void             al_honeycomb_vector       (const AlHoneycomb       *lattice,
                                          double                 dn1,
                                          double                 dn2,
                                          int                    dsub,
                                          double                *dx,
                                          double                *dy);
double           al_honeycomb_constant     (const AlHoneycomb       *lattice);
gboolean         al_polygon_contains     (const AlPolygon       *polygon,
                                          double                 x,
                                          double                 y);

AlHoneycombLabels *al_honeycomb_labels_new   (const AlAtoms         *atoms,
                                          const AlBonds         *bonds,
                                          const AlMaterial      *material);
AlHoneycombLabels *al_honeycomb_labels_new_oriented (const AlAtoms    *atoms,
                                                     const AlBonds    *bonds,
                                                     const AlMaterial *material,
                                                     double            theta);
void             al_honeycomb_labels_free  (AlHoneycombLabels       *labels);
gboolean         al_honeycomb_fit          (const AlAtoms         *atoms,
                                          const AlHoneycombLabels *labels,
                                          const AlPolygon       *region,
                                          AlHoneycomb             *lattice,
                                          double                *rms_px,
                                          GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlHoneycombLabels, al_honeycomb_labels_free)

G_END_DECLS
