/* al-marker-sprites.h: species markers rendered once per tile into small
 * images and pasted per atom by blending their pixels into the tile, which
 * is several times faster than filling and stroking a path for each atom.
 * A marker lands on whole device pixels (at most half a pixel from its
 * atom). */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "al-atoms.h"

G_BEGIN_DECLS

typedef struct
{
  cairo_surface_t *target;
  guint8          *data;         /* the target's pixels */
  int              stride, width, height;
  int              scale;        /* device pixels per widget pixel */
  double           radius;       /* marker half-size, widget pixels */
  gboolean         plain;        /* squares without outline nor anti-aliasing */
  int              size;         /* sprite side, device pixels */
  cairo_surface_t *sprites[AL_MAX_SPECIES + 1];
} AlMarkerSprites;

/* `target` is an ARGB32 image surface (a tile). `plain` markers are
 * squares of the species colour without outline nor anti-aliasing (for
 * markers too small to tell shapes apart). */
void al_marker_sprites_init   (AlMarkerSprites *m,
                               cairo_surface_t *target,
                               double           radius,
                               gboolean         plain);
/* The marker of species slot `slot` centred at widget point (wx, wy). */
void al_marker_sprites_paste  (AlMarkerSprites *m,
                               guint            slot,
                               double           wx,
                               double           wy);
/* Hands the target back to Cairo and frees the sprites. */
void al_marker_sprites_finish (AlMarkerSprites *m);

G_END_DECLS
