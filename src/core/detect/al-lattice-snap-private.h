/* al-lattice-snap-private.h: what the lattice snap (al-lattice-snap.c:
 * local lattices, columns on their sites) shares with its site filling
 * (al-lattice-fill.c: occupied cosets, empty sites, duplicates). */
#pragma once

#include "detect/al-lattice-snap.h"

G_BEGIN_DECLS

/* A snapped column's local lattice: sites o + G (v + k tau) (v integer,
 * k = 0, 1, 2 the coset) in image pixels; its own site, position and
 * error. */
typedef struct
{
  double o[2];
  double g[4];      /* rows x and y of G */
  int    site[3];   /* v1, v2, k of its own site */
  double x, y, se;
  double rms;       /* of the local fit, per axis */
  guint8 occupied;  /* bit k: coset k holds columns here */
} SiteFrame;

/* Each column's local lattice (frames[i]; se 0 where it has none: too
 * few bright neighbours, a poor fit, no site near the column), fitted to
 * the bright columns about it; tau as above. FALSE, with frames
 * untouched, when the lattice is not hexagonal. */
gboolean al_lattice_site_frames     (const AlColumnFit         *cols,
                                     guint                      n,
                                     const AlLattice           *lattice,
                                     guint                      width,
                                     guint                      height,
                                     const AlLatticeSnapParams *params,
                                     guint                      n_threads,
                                     SiteFrame                 *frames,
                                     double                     tau[2]);
void   al_lattice_site_position     (const SiteFrame           *f,
                                     const double               tau[2],
                                     double                     v1,
                                     double                     v2,
                                     int                        k,
                                     double                    *x,
                                     double                    *y);
guint8 al_lattice_coset_occupancy   (const SiteFrame           *f,
                                     const double               tau[2],
                                     const float               *frame,
                                     const float               *counts,
                                     guint                      width,
                                     guint                      height,
                                     double                     radius_px,
                                     const AlLatticeSnapParams *p);
guint  al_lattice_fill_sites        (GArray                    *columns,
                                     GArray                    *frames,
                                     guint                      width,
                                     guint                      height,
                                     const double               tau[2],
                                     const AlLatticeSnapParams *p);
void   al_lattice_remove_duplicates (GArray                    *columns,
                                     guint                      width,
                                     guint                      height,
                                     const AlLatticeSnapParams *p);

G_END_DECLS
