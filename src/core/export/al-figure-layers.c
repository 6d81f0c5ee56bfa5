/* al-figure-layers.c: the figure's data layers: the image, the strain
 * field, bonds, grain boundaries and edges, defects and atom markers. */
#include "export/al-figure-private.h"

#include <math.h>
#include <stdlib.h>

#include "al-error.h"

/* Strain disks: radius as a fraction of the neighbour distance (half: they
 * touch, so the atoms read as a continuous field) and their opacity. */
#define AL_FIGURE_STRAIN_DISK_FRACTION 0.5
#define AL_FIGURE_STRAIN_ALPHA         0.8
#define AL_FIGURE_STRAIN_RANGE_PERCENTILE 98.0
#define AL_FIGURE_BOND_ALPHA           0.8
/* Bond width as a fraction of the marker radius. */
#define AL_FIGURE_BOND_WIDTH_FRACTION  0.35
/* A defect outline clears its member atoms by this many marker radii. */
#define AL_FIGURE_DEFECT_MARGIN        1.8
#define AL_FIGURE_LINE_WIDTH_FACTOR    3.0
/* Smallest outline radius, in neighbour distances: a vacancy's ring must
 * stand clear of its one member. */
#define AL_FIGURE_DEFECT_MIN_RADIUS    0.6
/* Above this many defects in view, labels would bury the image: the
 * legend's colours name the types instead. */
#define AL_FIGURE_MAX_DEFECT_LABELS    40

void
al_figure_set_rgb (cairo_t *cr,
                   AlRgb    c,
                   double   alpha)
{
  cairo_set_source_rgba (cr, c.r, c.g, c.b, alpha);
}

AlRgb
al_figure_defect_color (AlDefectType type)
{
  /* Index into Tol's bright scheme: 0 red, 1 cyan, 2 yellow, 3 green,
   * 4 purple, 5 blue, 6 grey. Lines in the light colours: they are thin. */
  static const guint8 tol_index[AL_N_DEFECT_TYPES] = {
    [AL_DEFECT_NONE] = 6,
    [AL_DEFECT_V_S] = 0, [AL_DEFECT_V_S2] = 1, [AL_DEFECT_V_MO] = 2,
    [AL_DEFECT_MO_S2] = 3, [AL_DEFECT_W_MO] = 4,
    [AL_DEFECT_V1] = 0, [AL_DEFECT_V2_585] = 1, [AL_DEFECT_SW] = 2,
    [AL_DEFECT_SI_C3] = 3, [AL_DEFECT_SI_C4] = 4, [AL_DEFECT_DISLOCATION_57] = 5,
    [AL_DEFECT_GRAIN_BOUNDARY] = 2, [AL_DEFECT_EDGE] = 1,
    [AL_DEFECT_PHASE_1T] = 0, [AL_DEFECT_PHASE_2H] = 6, [AL_DEFECT_PHASE_1TP] = 4,
    [AL_DEFECT_AMORPHOUS] = 3,
  };

  return al_palette_category ((guint) type < AL_N_DEFECT_TYPES ? tol_index[type] : 6);
}

/* One shape per species as well as one colour, so that the species stay
 * apart in grey print and for readers who see no colour at all. */
void
al_figure_marker_path (cairo_t *cr,
                       guint    species,
                       double   x,
                       double   y,
                       double   r)
{
  switch (species % 4)
    {
    case 0:
      cairo_new_sub_path (cr);
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      break;
    case 1: /* square of the circle's area */
      r *= 0.886;
      cairo_rectangle (cr, x - r, y - r, 2 * r, 2 * r);
      break;
    case 2: /* triangle */
      r *= 1.2;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + 0.866 * r, y + 0.5 * r);
      cairo_line_to (cr, x - 0.866 * r, y + 0.5 * r);
      cairo_close_path (cr);
      break;
    default: /* diamond */
      r *= 1.25;
      cairo_move_to (cr, x, y - r);
      cairo_line_to (cr, x + r, y);
      cairo_line_to (cr, x, y + r);
      cairo_line_to (cr, x - r, y);
      cairo_close_path (cr);
      break;
    }
}

/* The frame's pixels of [ix0, ix1) × [iy0, iy1), every `step`-th in each
 * direction, grey-levelled into a Cairo surface. A figure drawn smaller
 * than the image (a huge image's overview) takes every step-th pixel, so
 * its source surface is no larger than the figure: nearest-neighbour, like
 * the full-size path, not an average. */
static cairo_surface_t *
levelled_surface (AlFigureContext *ctx,
                  const float     *pixels,
                  guint            ix0,
                  guint            iy0,
                  guint            ix1,
                  guint            iy1,
                  guint            step,
                  GError         **error)
{
  const AlImage *image = ctx->image;
  guint sw = (ix1 - ix0 + step - 1) / step, sh = (iy1 - iy0 + step - 1) / step;
  g_autofree float *picked = NULL;
  const float *src = pixels + (gsize) iy0 * image->width + ix0;
  gsize src_stride = image->width;
  cairo_surface_t *surface;
  double black, white;

  /* Levels from the whole frame, so a crop has the contrast of the view. */
  al_contrast_levels (&ctx->params->contrast, pixels, al_image_frame_samples (image),
                      &black, &white);
  if (step > 1)
    {
      picked = g_try_new (float, (gsize) sw * sh);
      if (picked == NULL)
        return g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                            "Not enough memory for the figure's image"), NULL;
      for (guint y = 0; y < sh; y++)
        for (guint x = 0; x < sw; x++)
          picked[(gsize) y * sw + x] = src[(gsize) y * step * src_stride + (gsize) x * step];
      src = picked, src_stride = sw;
    }
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, sw, sh);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE, "Cannot hold the figure's image: %s",
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  al_contrast_apply (&ctx->params->contrast, black, white, src, sw, sh, src_stride,
                     (guint32 *) cairo_image_surface_get_data (surface),
                     cairo_image_surface_get_stride (surface) / 4);
  cairo_surface_mark_dirty (surface);
  return surface;
}

gboolean
al_figure_draw_image (AlFigureContext *ctx,
                      GError         **error)
{
  const AlImage *image = ctx->image;
  const float *pixels = al_image_frame_const (image, ctx->frame);
  guint ix0 = (guint) floor (ctx->x0), iy0 = (guint) floor (ctx->y0);
  guint ix1 = (guint) MIN (ceil (ctx->x0 + ctx->region_w), image->width);
  guint iy1 = (guint) MIN (ceil (ctx->y0 + ctx->region_h), image->height);
  guint step = ctx->scale < 1.0 ? (guint) floor (1.0 / ctx->scale) : 1;
  cairo_surface_t *surface;
  cairo_pattern_t *pattern;
  cairo_matrix_t matrix;
  cairo_t *cr = ctx->cr;

  surface = levelled_surface (ctx, pixels, ix0, iy0, ix1, iy1, MAX (step, 1), error);
  if (surface == NULL)
    return FALSE;
  step = MAX (step, 1);

  /* Nearest-neighbour: a figure shows the pixels that were measured, not a
   * smoothed version of them (PDF readers get /Interpolate false). */
  pattern = cairo_pattern_create_for_surface (surface);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  /* Output px -> surface px: (ox / scale + (x0 - ix0)) / step. */
  cairo_matrix_init (&matrix, 1.0 / (ctx->scale * step), 0, 0, 1.0 / (ctx->scale * step),
                     (ctx->x0 - ix0) / step, (ctx->y0 - iy0) / step);
  cairo_pattern_set_matrix (pattern, &matrix);
  cairo_set_source (cr, pattern);
  cairo_rectangle (cr, 0, 0, ctx->width, ctx->height);
  cairo_fill (cr);
  cairo_pattern_destroy (pattern);
  cairo_surface_destroy (surface);
  return TRUE;
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The colour range: as given, else the AL_FIGURE_STRAIN_RANGE_PERCENTILE of
 * |value|, so that a few atoms at holes and edges do not wash out the map. */
double
al_figure_strain_range (const AlFigureContext *ctx)
{
  const AlFigureStrain *s = &ctx->extra->strain;
  double factor = s->factor != 0.0 ? s->factor : 1.0, range;
  g_autofree float *mag = NULL;
  guint n = 0;

  if (s->range > 0.0)
    return s->range;
  mag = g_new (float, MAX (ctx->atoms->n_atoms, 1));
  for (guint i = 0; i < ctx->atoms->n_atoms; i++)
    if (isfinite (s->values[i]))
      mag[n++] = (float) fabs (s->values[i] * factor);
  if (n == 0)
    return 1.0;
  qsort (mag, n, sizeof *mag, compare_float);
  range = mag[(guint) ((n - 1) * AL_FIGURE_STRAIN_RANGE_PERCENTILE / 100.0)];
  return range > 0.0 ? range : 1.0;
}

void
al_figure_draw_strain (AlFigureContext *ctx)
{
  const AlFigureStrain *s;
  double factor, range, r;
  cairo_t *cr = ctx->cr;

  if (ctx->extra == NULL || ctx->extra->strain.values == NULL || ctx->atoms == NULL)
    return;
  s = &ctx->extra->strain;
  factor = s->factor != 0.0 ? s->factor : 1.0;
  range = al_figure_strain_range (ctx);
  r = AL_FIGURE_STRAIN_DISK_FRACTION * (ctx->nn_px > 0 ? ctx->nn_px * ctx->scale
                                                       : 4 * ctx->marker_radius);
  for (guint i = 0; i < ctx->atoms->n_atoms; i++)
    {
      double ox = al_figure_ox (ctx, ctx->atoms->x[i]), oy = al_figure_oy (ctx, ctx->atoms->y[i]);
      if (!isfinite (s->values[i]) || !al_figure_visible (ctx, ox, oy, r))
        continue;
      al_figure_set_rgb (cr, al_colormap_eval (AL_COLORMAP_RDBU,
                                               0.5 + 0.5 * s->values[i] * factor / range),
                         AL_FIGURE_STRAIN_ALPHA);
      cairo_arc (cr, ox, oy, r, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

double
al_figure_bond_length (const AlFigureContext *ctx,
                       guint                  bond)
{
  const AlFigureBonds *b = &ctx->extra->bonds;
  guint32 i = b->a[bond], j = b->b[bond];

  if (b->length_nm != NULL)
    return b->length_nm[bond];
  if (i >= ctx->atoms->n_atoms || j >= ctx->atoms->n_atoms)
    return NAN;
  return hypot (ctx->atoms->x[i] - ctx->atoms->x[j], ctx->atoms->y[i] - ctx->atoms->y[j])
         * (ctx->pixel_size_nm > 0 ? ctx->pixel_size_nm : 1.0);
}

gboolean
al_figure_bond_range (const AlFigureContext *ctx,
                      double                *lo,
                      double                *hi)
{
  *lo = INFINITY, *hi = -INFINITY;
  if (ctx->extra == NULL || ctx->atoms == NULL)
    return FALSE;
  for (guint k = 0; k < ctx->extra->bonds.n_bonds; k++)
    {
      double len = al_figure_bond_length (ctx, k);
      if (isfinite (len))
        *lo = MIN (*lo, len), *hi = MAX (*hi, len);
    }
  if (*lo > *hi)
    return FALSE;
  if (*hi - *lo < 1e-9)
    *lo -= 0.005, *hi += 0.005;
  return TRUE;
}

void
al_figure_draw_bonds (AlFigureContext *ctx)
{
  const AlFigureBonds *b;
  gboolean by_length = ctx->params->bond_coloring == AL_FIGURE_BONDS_BY_LENGTH;
  double lo = 0, hi = 1;
  cairo_t *cr = ctx->cr;

  if (ctx->extra == NULL || ctx->atoms == NULL || ctx->extra->bonds.n_bonds == 0)
    return;
  b = &ctx->extra->bonds;
  if (by_length && !al_figure_bond_range (ctx, &lo, &hi))
    by_length = FALSE;
  cairo_save (cr);
  cairo_set_line_width (cr, MAX (1.0, AL_FIGURE_BOND_WIDTH_FRACTION * ctx->marker_radius));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_source_rgba (cr, 0.95, 0.95, 0.95, AL_FIGURE_BOND_ALPHA);
  for (guint k = 0; k < b->n_bonds; k++)
    {
      guint32 i = b->a[k], j = b->b[k];
      double x1, y1, x2, y2;
      if (i >= ctx->atoms->n_atoms || j >= ctx->atoms->n_atoms)
        continue;
      x1 = al_figure_ox (ctx, ctx->atoms->x[i]), y1 = al_figure_oy (ctx, ctx->atoms->y[i]);
      x2 = al_figure_ox (ctx, ctx->atoms->x[j]), y2 = al_figure_oy (ctx, ctx->atoms->y[j]);
      if (!al_figure_visible (ctx, x1, y1, 0) && !al_figure_visible (ctx, x2, y2, 0))
        continue;
      cairo_move_to (cr, x1, y1);
      cairo_line_to (cr, x2, y2);
      if (by_length)
        {
          al_figure_set_rgb (cr, al_colormap_eval (AL_COLORMAP_VIRIDIS,
                                                   (al_figure_bond_length (ctx, k) - lo) / (hi - lo)),
                             AL_FIGURE_BOND_ALPHA);
          cairo_stroke (cr);
        }
    }
  if (!by_length)
    cairo_stroke (cr);
  cairo_restore (cr);
}

void
al_figure_draw_lines (AlFigureContext *ctx)
{
  cairo_t *cr = ctx->cr;

  if (ctx->extra == NULL)
    return;
  cairo_save (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint l = 0; l < ctx->extra->n_lines; l++)
    {
      const AlFigurePolyline *line = &ctx->extra->lines[l];
      double dash = 4 * AL_FIGURE_LINE_WIDTH_FACTOR * ctx->line_width;
      if (line->n_points < 2 || line->xy == NULL)
        continue;
      for (guint p = 0; p < line->n_points; p++)
        cairo_line_to (cr, al_figure_ox (ctx, line->xy[2 * p]), al_figure_oy (ctx, line->xy[2 * p + 1]));
      if (line->closed)
        cairo_close_path (cr);
      /* Edges dashed, boundaries solid: told apart without colour. */
      cairo_set_dash (cr, &dash, line->type == AL_DEFECT_EDGE ? 1 : 0, 0);
      /* A dark casing first, so the line reads over bright and dark areas. */
      cairo_set_line_width (cr, (AL_FIGURE_LINE_WIDTH_FACTOR + 2) * ctx->line_width);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_stroke_preserve (cr);
      cairo_set_line_width (cr, AL_FIGURE_LINE_WIDTH_FACTOR * ctx->line_width);
      al_figure_set_rgb (cr, al_figure_defect_color (line->type), 1.0);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* Outline radius: around the members, or as given, or one neighbour distance. */
static double
defect_radius (const AlFigureContext *ctx,
               const AlFigureDefect  *d)
{
  double r = 0.0;

  if (d->radius_px > 0.0)
    return d->radius_px * ctx->scale;
  for (guint m = 0; d->atoms != NULL && m < d->n_atoms; m++)
    if (d->atoms[m] < ctx->atoms->n_atoms)
      r = MAX (r, hypot (ctx->atoms->x[d->atoms[m]] - d->x, ctx->atoms->y[d->atoms[m]] - d->y));
  r = r * ctx->scale + AL_FIGURE_DEFECT_MARGIN * ctx->marker_radius;
  return MAX (r, AL_FIGURE_DEFECT_MIN_RADIUS * ctx->nn_px * ctx->scale);
}

void
al_figure_draw_defects (AlFigureContext *ctx)
{
  cairo_t *cr = ctx->cr;
  guint n_visible = 0;
  if (ctx->extra == NULL || ctx->extra->n_defects == 0)
    return;
  for (guint k = 0; k < ctx->extra->n_defects; k++)
    n_visible += al_figure_visible (ctx, al_figure_ox (ctx, ctx->extra->defects[k].x),
                                    al_figure_oy (ctx, ctx->extra->defects[k].y), 0);
  cairo_save (cr);
  cairo_set_line_width (cr, 1.5 * ctx->line_width);
  for (guint k = 0; k < ctx->extra->n_defects; k++)
    {
      const AlFigureDefect *d = &ctx->extra->defects[k];
      double ox = al_figure_ox (ctx, d->x), oy = al_figure_oy (ctx, d->y), r;
      const char *label = d->label != NULL ? d->label : al_defect_type_name (d->type);
      if (n_visible > AL_FIGURE_MAX_DEFECT_LABELS)
        label = NULL;
      if (ctx->atoms == NULL && d->radius_px <= 0.0)
        r = ctx->nn_px > 0 ? ctx->nn_px * ctx->scale : 4 * ctx->marker_radius;
      else
        r = defect_radius (ctx, d);
      if (!al_figure_visible (ctx, ox, oy, r))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, ox, oy, r, 0, 2 * G_PI);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
      cairo_set_line_width (cr, 3.0 * ctx->line_width);
      cairo_stroke_preserve (cr);
      al_figure_set_rgb (cr, al_figure_defect_color (d->type), 1.0);
      cairo_set_line_width (cr, 1.5 * ctx->line_width);
      cairo_stroke (cr);
      /* The label above right of the outline, on a dark plate to stay legible. */
      if (label != NULL)
        {
          cairo_text_extents_t ext;
          double lx = ox + 0.7 * r, ly = oy - 0.7 * r, pad = 0.2 * ctx->font_size;
          cairo_save (cr);
          cairo_set_font_size (cr, 0.8 * ctx->font_size);
          cairo_text_extents (cr, label, &ext);
          cairo_rectangle (cr, lx - pad, ly - ext.height - 2 * pad, ext.x_advance + 2 * pad,
                           ext.height + 2 * pad);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
          cairo_fill (cr);
          al_figure_set_rgb (cr, al_figure_defect_color (d->type), 1.0);
          cairo_move_to (cr, lx, ly - pad);
          cairo_show_text (cr, label);
          cairo_restore (cr);
        }
    }
  cairo_restore (cr);
}

void
al_figure_draw_atoms (AlFigureContext *ctx)
{
  const AlAtoms *atoms = ctx->atoms;
  guint n_kinds = ctx->material != NULL ? ctx->material->n_species : 1;
  double r = ctx->marker_radius;
  cairo_t *cr = ctx->cr;

  if (atoms == NULL)
    return;
  cairo_save (cr);
  cairo_set_line_width (cr, MAX (0.75, 0.2 * r));
  /* One path per species: fewer, larger fills (and a smaller SVG). */
  for (guint s = 0; s <= n_kinds; s++)
    {
      gboolean any = FALSE;
      for (guint i = 0; i < atoms->n_atoms; i++)
        {
          int sp = atoms->species[i];
          guint kind = (sp >= 0 && (guint) sp < n_kinds) ? (guint) sp : n_kinds;
          double ox = al_figure_ox (ctx, atoms->x[i]), oy = al_figure_oy (ctx, atoms->y[i]);
          if (kind != s || !al_figure_visible (ctx, ox, oy, 2 * r))
            continue;
          al_figure_marker_path (cr, s, ox, oy, r);
          any = TRUE;
        }
      if (!any)
        continue;
      /* Unknown species (s == n_kinds) in white. */
      if (s < n_kinds)
        al_figure_set_rgb (cr, al_palette_species (s), 1.0);
      else
        cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.75);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}
