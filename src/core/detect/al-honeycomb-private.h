/* al-honeycomb-private.h: the steps of al_honeycomb_lattice_find
 * (al-honeycomb-lattice.c): grains from the power spectrum
 * (al-honeycomb-spectrum.c), each grain's lattice demodulated at its
 * first-order vectors (al-honeycomb-demod.c), and which grain each site
 * belongs to (al-honeycomb-owner.c).
 */
#pragma once

#include <glib.h>

#include "detect/al-honeycomb-lattice.h"

G_BEGIN_DECLS

/* One grain's demodulation: the window, the block grid and the three
 * complex maps. */
typedef struct
{
  double  g[3][2];
  double  a1[2];
  double  a2[2];
  double  window;
  guint   q;          /* block side, px */
  guint   cw;
  guint   ch;
  float  *re[3];
  float  *im[3];
  double  noise_var;  /* of one d_j from pixel noise */
} AlHcDemod;

/* The grains whose first-order spots (expected at g0 cycles/px) stand out
 * of the power spectrum of `image`: their spot direction (degrees, [0,
 * 60)), ring radius (cycles/px) and spot power SNR. Returns how many (at
 * most AL_HONEYCOMB_MAX_GRAINS). */
guint  al_hc_find_grains       (const float     *image,
                                guint            width,
                                guint            height,
                                double           g0,
                                double          *angle_deg,
                                double          *radius,
                                double          *snr);

/* Demodulates `image` at d->g, averaged over d->window. */
void   al_hc_demod_compute     (AlHcDemod       *d,
                                const float     *image,
                                guint            width,
                                guint            height,
                                double           noise_sigma);
void   al_hc_demod_clear       (AlHcDemod       *d);
/* Moves g to the mean phase gradient (or only turns it); returns how far
 * g moved, cycles/px. */
double al_hc_demod_refine_g    (AlHcDemod       *d,
                                gboolean         rotation_only);
/* Sets a1, a2, dual to g_0, g_1. */
void   al_hc_demod_set_basis   (AlHcDemod       *d);
/* Bilinear value of one of d's block maps at pixel (x, y). */
double al_hc_demod_sample      (const AlHcDemod *d,
                                const float     *map,
                                double           x,
                                double           y);
/* Lattice signal power at (x, y) less the noise's share. */
double al_hc_demod_signal      (const AlHcDemod *d,
                                double           x,
                                double           y);

/* Which grain each point belongs to: the grains' signals through the owner
 * windows (set each demod[k]'s g and window before al_hc_owner_init). */
typedef struct
{
  guint     n_grains;
  AlHcDemod demod[AL_HONEYCOMB_MAX_GRAINS];
  gboolean  line;       /* two grains split by normal·p = offset */
  double    normal[2];  /* grain 0 on the side it points to */
  double    offset;
} AlHcOwner;

void   al_hc_owner_init        (AlHcOwner       *o,
                                guint            n_grains,
                                const float     *image,
                                guint            width,
                                guint            height,
                                double           noise_sigma);
/* The grain (point x, y) belongs to; `signal` gets that grain's signal. */
guint  al_hc_owner_of          (const AlHcOwner *o,
                                double           x,
                                double           y,
                                double          *signal);
void   al_hc_owner_clear       (AlHcOwner       *o);

G_END_DECLS
