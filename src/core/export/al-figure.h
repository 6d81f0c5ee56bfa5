/* al-figure.h: annotated figures of an analysed frame, as PNG, SVG or PDF.
 *
 * One drawing path serves the command line (`analyze --figure`) and the
 * app's "export figure" and "copy figure": al_figure_draw() paints on any
 * Cairo context, the other functions make the surface or the file.
 *
 * Overlays are plain arrays, so a caller with atoms only (no bonds, defects
 * or strain yet) passes NULL for `extra`. Coordinates are image pixels with
 * pixel centres at integers (as in AlAtoms): pixel (0, 0) covers
 * [-0.5, 0.5] × [-0.5, 0.5], and the region is given by pixel edges, so the
 * whole frame is x in [0, width], y in [0, height] of edge coordinates.
 */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "al-atoms.h"
#include "al-image.h"
#include "al-material.h"
#include "defects/al-phase-map.h"
#include "export/al-contrast.h"

G_BEGIN_DECLS

typedef enum
{
  AL_FIGURE_IMAGE      = 1 << 0,
  AL_FIGURE_ATOMS      = 1 << 1,
  AL_FIGURE_BONDS      = 1 << 2,
  AL_FIGURE_DEFECTS    = 1 << 3,
  AL_FIGURE_LINES      = 1 << 4,   /* grain boundaries and edges */
  AL_FIGURE_STRAIN     = 1 << 5,
  AL_FIGURE_SCALE_BAR  = 1 << 6,   /* drawn only when the image is calibrated */
  AL_FIGURE_LEGEND     = 1 << 7,
  AL_FIGURE_COLOR_BARS = 1 << 8,
  AL_FIGURE_ALL        = (1 << 9) - 1,
  /* Not in AL_FIGURE_ALL: the phase map tints the whole image, so it is
   * drawn only when asked for (the app: when its layer is shown). */
  AL_FIGURE_PHASES     = 1 << 9,
} AlFigureLayers;

typedef enum
{
  AL_FIGURE_PNG,
  AL_FIGURE_SVG,
  AL_FIGURE_PDF,
} AlFigureFormat;

typedef enum
{
  AL_FIGURE_BONDS_UNIFORM,
  AL_FIGURE_BONDS_BY_LENGTH,   /* viridis over the bond lengths, with a colour bar */
} AlFigureBondColoring;

/* Output size limits: Cairo's largest surface side, and a pixel budget
 * (1 GiB of ARGB32) so a huge scale is refused, not attempted. */
#define AL_FIGURE_MAX_SIDE   32767
#define AL_FIGURE_MAX_PIXELS (G_GUINT64_CONSTANT (1) << 28)
#define AL_FIGURE_DEFAULT_DPI 300.0

typedef struct
{
  /* Region in image pixel-edge coordinates; width or height 0: the whole frame. */
  double               region_x;
  double               region_y;
  double               region_width;
  double               region_height;
  /* Output pixels per image pixel; 0: automatic (the longer side near
   * 1600 px, between 1 and 8 times the image). */
  double               scale;
  /* Dots per inch: stored in the PNG, and sets the page size of SVG and PDF
   * (one output pixel is 72 / dpi points). */
  double               dpi;
  AlContrast           contrast;
  AlFigureLayers       layers;
  /* Atom marker radius in output pixels; 0: a quarter of the nearest-
   * neighbour distance. */
  double               marker_radius;
  AlFigureBondColoring bond_coloring;
  /* nm per pixel overriding the image's calibration; 0: the image's. */
  double               pixel_size_nm;
} AlFigureParams;

/* Optional overlays, as plain arrays borrowed for the call. */
typedef struct
{
  guint          n_bonds;
  const guint32 *a;           /* atom indices into the AlAtoms drawn */
  const guint32 *b;
  const float   *length_nm;   /* NULL: measured from the positions */
} AlFigureBonds;

typedef struct
{
  AlDefectType   type;
  double         x;           /* centre, image px */
  double         y;
  const guint32 *atoms;       /* member atoms (may be NULL) */
  guint          n_atoms;
  double         radius_px;   /* outline radius; 0: from the members */
  const char    *label;       /* NULL: the type's name */
} AlFigureDefect;

typedef struct
{
  AlDefectType  type;         /* AL_DEFECT_GRAIN_BOUNDARY or AL_DEFECT_EDGE */
  guint         n_points;
  const double *xy;           /* x0, y0, x1, y1, ... image px */
  gboolean      closed;
} AlFigurePolyline;

typedef struct
{
  const float *values;        /* one per atom of the AlAtoms drawn; NaN: none */
  const char  *label;         /* colour bar title, e.g. "εxx (%)" */
  double       factor;        /* values are shown multiplied by this (100: %); 0 means 1 */
  double       range;         /* colours span ±range (shown units); 0: the largest |value| */
} AlFigureStrain;

/* The phase map (defects/al-phase-map.h): cell (cx, cy) covers image
 * positions [cx, cx + 1) · cell_px × [cy, cy + 1) · cell_px. */
typedef struct
{
  guint         n_cx;
  guint         n_cy;
  double        cell_px;
  const guint8 *cell;         /* AlPhase per cell, row-major; NULL: no map */
} AlFigurePhases;

typedef struct
{
  AlFigureBonds           bonds;
  const AlFigureDefect   *defects;
  guint                   n_defects;
  const AlFigurePolyline *lines;
  guint                   n_lines;
  AlFigureStrain          strain;
  AlFigurePhases          phases;
} AlFigureOverlays;

void           al_figure_params_init     (AlFigureParams          *params);
/* The colour a defect type is drawn in (Paul Tol's "bright" scheme), the
 * same in every figure and on the app's canvas. Types that never meet in
 * one material (TMD and graphene point defects) may share a colour. */
AlRgb          al_figure_defect_color    (AlDefectType             type);
/* The colour of a phase on the phase map (FALSE for vacuum, which is not
 * drawn), the same in figures and on the app's canvas, and its name. */
gboolean       al_figure_phase_color     (AlPhase                  phase,
                                          AlRgb                   *color);
const char    *al_figure_phase_label     (AlPhase                  phase);
/* "png", "svg", "pdf" (any case); -1 when unknown. */
int            al_figure_format_from_name (const char             *name);
const char    *al_figure_format_extension (AlFigureFormat          format);

/* The output size in pixels, checking the region and the limits. */
gboolean       al_figure_get_size        (const AlFigureParams    *params,
                                          const AlImage           *image,
                                          guint                   *width_px,
                                          guint                   *height_px,
                                          GError                 **error);
/* Paints the figure with its top-left corner at the origin of `cr`, in
 * output pixels. `atoms`, `material` and `extra` may be NULL. */
gboolean       al_figure_draw            (cairo_t                 *cr,
                                          const AlFigureParams    *params,
                                          const AlImage           *image,
                                          guint                    frame,
                                          const AlAtoms           *atoms,
                                          const AlMaterial        *material,
                                          const AlFigureOverlays  *extra,
                                          GError                 **error);
/* The figure as an ARGB32 image surface (for the clipboard or a texture). */
cairo_surface_t *al_figure_render_surface (const AlFigureParams   *params,
                                          const AlImage           *image,
                                          guint                    frame,
                                          const AlAtoms           *atoms,
                                          const AlMaterial        *material,
                                          const AlFigureOverlays  *extra,
                                          GError                 **error);
/* Writes one file (PNG with its DPI, a one-page SVG or PDF), atomically. */
gboolean       al_figure_render_to_file  (const AlFigureParams    *params,
                                          const AlImage           *image,
                                          guint                    frame,
                                          const AlAtoms           *atoms,
                                          const AlMaterial        *material,
                                          const AlFigureOverlays  *extra,
                                          const char              *path,
                                          AlFigureFormat           format,
                                          GError                 **error);

G_END_DECLS
