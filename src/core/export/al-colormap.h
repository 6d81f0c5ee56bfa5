/* al-colormap.h: the colour maps and palettes AtomLens draws with, shared by
 * the figure export and the app's live canvas so both look the same.
 *
 * Sequential maps (viridis, magma) are perceptually uniform and readable in
 * grey print; the diverging map (RdBu) is for signed quantities such as
 * strain; the categorical palettes are safe for colour-blind readers.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AL_COLORMAP_GREY,
  AL_COLORMAP_VIRIDIS,
  AL_COLORMAP_MAGMA,
  AL_COLORMAP_RDBU,     /* diverging: blue (low) - white - red (high) */
  AL_N_COLORMAPS,
} AlColormap;

/* Entries in a lookup table made by al_colormap_lut(). */
#define AL_COLORMAP_LUT_SIZE 256

typedef struct
{
  double r, g, b;   /* 0..1, sRGB */
} AlRgb;

const char *al_colormap_name      (AlColormap  map);
/* The map named `name` ("grey"/"gray", "viridis", "magma", "rdbu"); -1 if none. */
int         al_colormap_from_name (const char *name);
/* Colour at t in [0, 1] (clamped; NaN gives the colour at 0). */
AlRgb       al_colormap_eval      (AlColormap  map,
                                   double      t);
/* 256 opaque pixels 0xAARRGGBB (Cairo's ARGB32 / GdkMemoryFormat B8G8R8A8
 * on little-endian), entry i for t = i / 255. */
void        al_colormap_lut       (AlColormap  map,
                                   guint32     lut[AL_COLORMAP_LUT_SIZE]);

/* Colour of species `index` (cycling), from the Okabe–Ito palette. */
AlRgb       al_palette_species    (guint       index);
/* Colour for category `index` (cycling) from Paul Tol's "bright" scheme:
 * defects and line defects, kept apart from the species colours. */
AlRgb       al_palette_category   (guint       index);

G_END_DECLS
