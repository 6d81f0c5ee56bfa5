/* al-figure-phases.c: the phase map in figures: one colour per phase,
 * half transparent over the image, as on the app's canvas. */
#include "export/al-figure-private.h"

#include "export/al-colormap.h"

/* Map opacity: the lattice must still show through. */
#define AL_FIGURE_PHASE_ALPHA 0.5

gboolean
al_figure_phase_color (AlPhase phase,
                       AlRgb  *color)
{
  /* Index into Tol's bright scheme (al_palette_category): 1T red and 1T′
   * purple as their defect outlines, the host 2H blue, amorphous green. */
  static const int tol_index[AL_N_PHASES] = {
    [AL_PHASE_VACUUM] = -1, [AL_PHASE_2H] = 5, [AL_PHASE_1T] = 0,
    [AL_PHASE_1TP] = 4, [AL_PHASE_AMORPHOUS] = 3,
  };

  if ((guint) phase >= AL_N_PHASES || tol_index[phase] < 0)
    return FALSE;
  *color = al_palette_category ((guint) tol_index[phase]);
  return TRUE;
}

const char *
al_figure_phase_label (AlPhase phase)
{
  static const char *const labels[AL_N_PHASES] = {
    "vacuum", "2H phase", "1T phase", "1T′ phase", "amorphous",
  };

  return (guint) phase < AL_N_PHASES ? labels[phase] : "";
}

gboolean
al_figure_phase_shares (const AlFigurePhases *phases,
                        double               *share)
{
  gsize n = (gsize) phases->n_cx * phases->n_cy, counts[AL_N_PHASES] = { 0 }, total = 0;

  for (int p = 0; p < AL_N_PHASES; p++)
    share[p] = 0.0;
  if (phases->cell == NULL || n == 0)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (phases->cell[i] < AL_N_PHASES && phases->cell[i] != AL_PHASE_VACUUM)
      counts[phases->cell[i]]++;
  for (int p = 0; p < AL_N_PHASES; p++)
    total += counts[p];
  if (total == 0)
    return FALSE;
  for (int p = 0; p < AL_N_PHASES; p++)
    share[p] = (double) counts[p] / total;
  return TRUE;
}

/* The raster as a small image, one pixel a cell, scaled up with the
 * nearest-cell filter: sharp cell borders, and a vector figure embeds it
 * as one image instead of thousands of rectangles. */
void
al_figure_draw_phases (AlFigureContext *ctx)
{
  const AlFigurePhases *ph = ctx->extra != NULL ? &ctx->extra->phases : NULL;
  guint32 lut[AL_N_PHASES] = { 0 };
  cairo_surface_t *map;
  cairo_pattern_t *pattern;
  cairo_t *cr = ctx->cr;
  guint8 *data;
  int stride;

  if (ph == NULL || ph->cell == NULL || ph->n_cx == 0 || ph->n_cy == 0 || ph->cell_px <= 0.0
      || ph->n_cx > AL_FIGURE_MAX_SIDE || ph->n_cy > AL_FIGURE_MAX_SIDE)
    return;
  for (int p = 0; p < AL_N_PHASES; p++)
    {
      AlRgb c;
      if (al_figure_phase_color (p, &c))
        lut[p] = 0xff000000u | (guint32) (c.r * 255 + 0.5) << 16 | (guint32) (c.g * 255 + 0.5) << 8
                 | (guint32) (c.b * 255 + 0.5);
    }
  map = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ph->n_cx, (int) ph->n_cy);
  if (cairo_surface_status (map) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (map);
      return;
    }
  cairo_surface_flush (map);
  data = cairo_image_surface_get_data (map);
  stride = cairo_image_surface_get_stride (map);
  for (guint cy = 0; cy < ph->n_cy; cy++)
    {
      guint32 *row = (guint32 *) (data + (gsize) cy * stride);
      const guint8 *cells = ph->cell + (gsize) cy * ph->n_cx;
      for (guint cx = 0; cx < ph->n_cx; cx++)
        row[cx] = cells[cx] < AL_N_PHASES ? lut[cells[cx]] : 0;
    }
  cairo_surface_mark_dirty (map);

  cairo_save (cr);
  /* Cell edges sit at image positions k · cell_px. */
  cairo_translate (cr, al_figure_ox (ctx, 0.0), al_figure_oy (ctx, 0.0));
  cairo_scale (cr, ctx->scale * ph->cell_px, ctx->scale * ph->cell_px);
  cairo_set_source_surface (cr, map, 0, 0);
  pattern = cairo_get_source (cr);
  cairo_pattern_set_filter (pattern, CAIRO_FILTER_NEAREST);
  cairo_pattern_set_extend (pattern, CAIRO_EXTEND_NONE);
  cairo_paint_with_alpha (cr, AL_FIGURE_PHASE_ALPHA);
  cairo_restore (cr);
  cairo_surface_destroy (map);
}
