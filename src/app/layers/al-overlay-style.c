/* al-overlay-style.c: the palette and marker shapes. Okabe, M. & Ito, K.
 * (2008) "Color Universal Design": orange, sky blue, bluish green, yellow,
 * blue, vermillion, reddish purple. */
#include "al-overlay-style.h"

#include <math.h>

#include "al-material.h"

static const double okabe_ito[][3] = {
  { 0.902, 0.624, 0.000 },   /* orange */
  { 0.337, 0.706, 0.914 },   /* sky blue */
  { 0.000, 0.620, 0.451 },   /* bluish green */
  { 0.941, 0.894, 0.259 },   /* yellow */
  { 0.000, 0.447, 0.698 },   /* blue */
  { 0.835, 0.369, 0.000 },   /* vermillion */
  { 0.800, 0.475, 0.655 },   /* reddish purple */
};

void
al_overlay_species_color (guint   species,
                          double *rgb)
{
  const double *c = okabe_ito[species % G_N_ELEMENTS (okabe_ito)];

  rgb[0] = c[0], rgb[1] = c[1], rgb[2] = c[2];
}

AlMarkerShape
al_overlay_species_shape (guint species)
{
  static const AlMarkerShape shapes[] = {
    AL_MARKER_CIRCLE, AL_MARKER_SQUARE, AL_MARKER_TRIANGLE, AL_MARKER_DIAMOND,
  };

  return shapes[species % G_N_ELEMENTS (shapes)];
}

void
al_overlay_marker_path (cairo_t      *cr,
                        AlMarkerShape shape,
                        double        x,
                        double        y,
                        double        r)
{
  switch (shape)
    {
    case AL_MARKER_CIRCLE:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case AL_MARKER_SQUARE:
      cairo_rectangle (cr, x - 0.85 * r, y - 0.85 * r, 1.7 * r, 1.7 * r);
      break;
    case AL_MARKER_TRIANGLE:
      cairo_move_to (cr, x, y - 1.1 * r);
      cairo_line_to (cr, x + 0.95 * r, y + 0.6 * r);
      cairo_line_to (cr, x - 0.95 * r, y + 0.6 * r);
      cairo_close_path (cr);
      break;
    case AL_MARKER_DIAMOND:
      cairo_move_to (cr, x, y - 1.2 * r);
      cairo_line_to (cr, x + 1.2 * r, y);
      cairo_line_to (cr, x, y + 1.2 * r);
      cairo_line_to (cr, x - 1.2 * r, y);
      cairo_close_path (cr);
      break;
    }
}

void
al_overlay_defect_color (int     defect_type,
                         double *rgb)
{
  const double *c;

  if (defect_type == AL_DEFECT_GRAIN_BOUNDARY || defect_type == AL_DEFECT_DISLOCATION_57)
    c = okabe_ito[4];
  else if (defect_type == AL_DEFECT_EDGE)
    c = okabe_ito[2];
  else if (defect_type >= AL_DEFECT_PHASE_1T)
    c = okabe_ito[6];
  else
    c = okabe_ito[5];
  rgb[0] = c[0], rgb[1] = c[1], rgb[2] = c[2];
}
