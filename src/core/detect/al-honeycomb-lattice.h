/* al-honeycomb-lattice.h: the sites of a honeycomb read from the whole
 * image at once, for one-species honeycombs (graphene) whose columns are
 * too faint to be found one by one. The Bragg spots of the power spectrum
 * give each grain's orientation; the local phase of its three first-order
 * spots, averaged over a window as large as the dose demands, gives where
 * its hexagon centres lie, so the sites follow grain boundaries, strain and
 * drift. Each site carries the standard error of its position.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AL_HONEYCOMB_MAX_GRAINS 4

typedef struct
{
  double x;        /* px */
  double y;
  double se_px;    /* standard error of the position along x and along y, px */
  guint  grain;    /* index into AlHoneycombLattice.angle_deg */
  guint  sublattice;  /* 0 or 1: which of the grain's two sites (in hBN,
                       * one holds B, the other N) */
} AlHoneycombSite;

/* One small number per grain and sublattice (grain < AL_HONEYCOMB_MAX_GRAINS). */
#define AL_HONEYCOMB_LABEL(grain, sublattice) ((gint8) (2 * (grain) + (sublattice)))
#define AL_HONEYCOMB_N_LABELS (2 * AL_HONEYCOMB_MAX_GRAINS)

typedef struct
{
  guint  n_grains;
  double angle_deg[AL_HONEYCOMB_MAX_GRAINS];  /* first-order spot direction, [0, 60) */
  double spot_snr[AL_HONEYCOMB_MAX_GRAINS];   /* spot power over noise power, whole image */
  double window_px[AL_HONEYCOMB_MAX_GRAINS];  /* Gaussian sigma of the phase window */
  GArray *sites;                              /* AlHoneycombSite */
} AlHoneycombLattice;

/* Finds the honeycomb sites of `image` (its slowly varying background
 * already removed; pixel noise `noise_sigma`) for columns `neighbour_px`
 * apart. Sites are only placed where a lattice is seen: none at all when
 * the spectrum shows no honeycomb. Never fails; free with
 * al_honeycomb_lattice_clear. */
void al_honeycomb_lattice_find  (const float        *image,
                                 guint               width,
                                 guint               height,
                                 double              neighbour_px,
                                 double              noise_sigma,
                                 AlHoneycombLattice *lattice);
void al_honeycomb_lattice_clear (AlHoneycombLattice *lattice);

G_END_DECLS
