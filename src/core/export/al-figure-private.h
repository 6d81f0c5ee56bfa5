/* al-figure-private.h: what the figure's drawing files share: the frame
 * being drawn and its mapping from image pixels to output pixels. */
#pragma once

#include "export/al-figure.h"

G_BEGIN_DECLS

typedef struct
{
  cairo_t                *cr;
  const AlFigureParams   *params;
  const AlImage          *image;
  guint                   frame;
  const AlAtoms          *atoms;
  const AlMaterial       *material;
  const AlFigureOverlays *extra;

  double                  x0, y0;         /* region origin, image pixel edges */
  double                  region_w, region_h;
  double                  scale;          /* output px per image px */
  guint                   width, height;  /* output px */
  double                  pixel_size_nm;  /* 0: uncalibrated */
  double                  nn_px;          /* nearest-neighbour distance, image px */
  double                  marker_radius;  /* output px */
  double                  font_size;      /* output px */
  double                  line_width;     /* output px, for outlines */
} AlFigureContext;

/* Output x, y of an image position (pixel centres at integers). */
static inline double
al_figure_ox (const AlFigureContext *ctx,
              double                 x)
{
  return (x + 0.5 - ctx->x0) * ctx->scale;
}

static inline double
al_figure_oy (const AlFigureContext *ctx,
              double                 y)
{
  return (y + 0.5 - ctx->y0) * ctx->scale;
}

/* TRUE when an output point lies within `margin` output px of the figure. */
static inline gboolean
al_figure_visible (const AlFigureContext *ctx,
                   double                 ox,
                   double                 oy,
                   double                 margin)
{
  return ox >= -margin && oy >= -margin && ox <= ctx->width + margin && oy <= ctx->height + margin;
}

void al_figure_set_rgb        (cairo_t              *cr,
                               AlRgb                 c,
                               double                alpha);
void al_figure_marker_path    (cairo_t              *cr,
                               guint                 species,
                               double                x,
                               double                y,
                               double                r);

/* al-figure-layers.c */
gboolean al_figure_draw_image   (AlFigureContext *ctx,
                                 GError         **error);
void     al_figure_draw_strain  (AlFigureContext *ctx);
void     al_figure_draw_bonds   (AlFigureContext *ctx);
void     al_figure_draw_lines   (AlFigureContext *ctx);
void     al_figure_draw_defects (AlFigureContext *ctx);
void     al_figure_draw_atoms   (AlFigureContext *ctx);
/* The bond lengths in display units (nm, or px when uncalibrated) and their
 * range; FALSE when no bond can be measured. */
gboolean al_figure_bond_range   (const AlFigureContext *ctx,
                                 double                *lo,
                                 double                *hi);
double   al_figure_bond_length  (const AlFigureContext *ctx,
                                 guint                  bond);
/* The symmetric strain colour range, in shown units. */
double   al_figure_strain_range (const AlFigureContext *ctx);

/* al-figure-phases.c */
void     al_figure_draw_phases  (AlFigureContext *ctx);
/* Share of the map's non-vacuum cells in each phase (AL_N_PHASES values);
 * FALSE when there is no map or it is all vacuum. */
gboolean al_figure_phase_shares (const AlFigurePhases *phases,
                                 double               *share);

/* al-figure-annotations.c */
void     al_figure_draw_scale_bar  (AlFigureContext *ctx);
void     al_figure_draw_legend     (AlFigureContext *ctx);
void     al_figure_draw_color_bars (AlFigureContext *ctx);
double   al_figure_nice_length     (double           target);

G_END_DECLS
