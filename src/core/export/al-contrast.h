/* al-contrast.h: how an image's float samples become screen colours: the
 * black and white levels (auto from percentiles, the full range, or set by
 * hand), a gamma and a colour map. The app's canvas and the figure export
 * share it, so an exported figure looks like the view.
 */
#pragma once

#include <glib.h>

#include "al-levels.h"
#include "export/al-colormap.h"

G_BEGIN_DECLS

typedef enum
{
  AL_CONTRAST_PERCENTILE,   /* levels at low/high percentiles of the frame */
  AL_CONTRAST_MINMAX,       /* the frame's smallest and largest sample */
  AL_CONTRAST_MANUAL,       /* black and white as given */
} AlContrastMode;

typedef struct
{
  AlContrastMode mode;
  double         low_percentile;    /* 0..100 */
  double         high_percentile;   /* 0..100, above low */
  double         black;             /* sample values, for AL_CONTRAST_MANUAL */
  double         white;
  double         gamma;             /* displayed = t^(1/gamma), as al-levels.h: > 1 lifts the darks */
  AlColormap     colormap;
} AlContrast;

/* Auto-levels that clip the 0.5 % darkest and brightest samples (hot pixels,
 * holes in the film), linear, grey. */
#define AL_CONTRAST_DEFAULT_LOW_PERCENTILE  AL_LEVELS_AUTO_LOW_PERCENT
#define AL_CONTRAST_DEFAULT_HIGH_PERCENTILE AL_LEVELS_AUTO_HIGH_PERCENT

void     al_contrast_init   (AlContrast       *contrast);
/* The black and white levels for `n` samples (NaN and inf ignored). FALSE
 * when no sample is finite; a flat image gets white = black + 1. */
gboolean al_contrast_levels (const AlContrast *contrast,
                             const float      *samples,
                             gsize             n,
                             double           *black,
                             double           *white);
/* Maps a width × height block of samples (rows `src_stride` floats apart) to
 * opaque 0xAARRGGBB pixels (rows `dst_stride` pixels apart). */
void     al_contrast_apply  (const AlContrast *contrast,
                             double            black,
                             double            white,
                             const float      *src,
                             guint             width,
                             guint             height,
                             gsize             src_stride,
                             guint32          *dst,
                             gsize             dst_stride);

G_END_DECLS
