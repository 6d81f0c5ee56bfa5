/* al-overlay-style.h: colours and marks shared by the overlay layers and
 * their legends. Colours are the Okabe–Ito palette, told apart by readers
 * with any common colour-vision deficiency; each species also has its own
 * marker shape, so colour is never the only cue. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AL_MARKER_CIRCLE,
  AL_MARKER_SQUARE,
  AL_MARKER_TRIANGLE,
  AL_MARKER_DIAMOND,
} AlMarkerShape;

/* Species k of a material: colour and shape. */
void          al_overlay_species_color (guint    species,
                                        double  *rgb);
AlMarkerShape al_overlay_species_shape (guint    species);
/* Adds the marker's outline at (x, y) of half-size r to the current path. */
void          al_overlay_marker_path   (cairo_t      *cr,
                                        AlMarkerShape shape,
                                        double        x,
                                        double        y,
                                        double        r);
/* Colour of a defect type (point defects by kind, line and planar apart). */
void          al_overlay_defect_color  (int      defect_type,
                                        double  *rgb);

G_END_DECLS
