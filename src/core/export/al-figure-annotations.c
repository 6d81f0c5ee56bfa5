/* al-figure-annotations.c: what a figure needs to be read on its own: the
 * scale bar, the legend and the colour bars. Each sits on a dark
 * translucent plate so it stays legible over any part of the image. */
#include "export/al-figure-private.h"

#include <math.h>

/* The scale bar spans about this fraction of the figure's width. */
#define AL_SCALE_BAR_FRACTION 0.2
#define AL_PLATE_ALPHA        0.6
#define AL_NM_PER_UM          1000.0
/* A colour bar's length as a fraction of the figure's height. */
#define AL_COLOR_BAR_FRACTION 0.3
#define AL_COLOR_BAR_STEPS    64

/* The largest 1, 2 or 5 × 10^k not above `target` (> 0). */
double
al_figure_nice_length (double target)
{
  double decade, steps[] = { 5.0, 2.0, 1.0 };

  g_return_val_if_fail (target > 0.0, 0.0);
  decade = pow (10.0, floor (log10 (target)));
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (steps[i] * decade <= target * (1 + 1e-9))
      return steps[i] * decade;
  return decade;
}

static void
plate (cairo_t *cr,
       double   x,
       double   y,
       double   w,
       double   h)
{
  cairo_rectangle (cr, x, y, w, h);
  cairo_set_source_rgba (cr, 0, 0, 0, AL_PLATE_ALPHA);
  cairo_fill (cr);
}

static double
text_width (cairo_t    *cr,
            const char *text)
{
  cairo_text_extents_t ext;

  cairo_text_extents (cr, text, &ext);
  return ext.x_advance;
}

static void
white_text (cairo_t    *cr,
            double      x,
            double      baseline,
            const char *text)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x, baseline);
  cairo_show_text (cr, text);
}

void
al_figure_draw_scale_bar (AlFigureContext *ctx)
{
  double f = ctx->font_size, length_nm, bar_px, x, y, label_w;
  g_autofree char *label = NULL;
  cairo_t *cr = ctx->cr;

  if (!(ctx->pixel_size_nm > 0.0))
    return;  /* an uncalibrated image has no length to show */
  length_nm = al_figure_nice_length (AL_SCALE_BAR_FRACTION * ctx->region_w * ctx->pixel_size_nm);
  bar_px = length_nm / ctx->pixel_size_nm * ctx->scale;
  if (length_nm >= AL_NM_PER_UM)
    label = g_strdup_printf ("%g µm", length_nm / AL_NM_PER_UM);
  else
    label = g_strdup_printf ("%g nm", length_nm);
  label_w = text_width (cr, label);

  x = f;
  y = ctx->height - f;  /* bottom of the bar */
  plate (cr, x - 0.5 * f, y - 2.2 * f, MAX (bar_px, label_w) + f, 2.7 * f);
  cairo_rectangle (cr, x, y - 0.45 * f, bar_px, 0.45 * f);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_fill (cr);
  white_text (cr, x + (bar_px - label_w) / 2, y - 0.8 * f, label);
}

typedef struct
{
  int   kind;      /* 0: species marker, 1: defect outline, 2: line, 3: phase */
  guint index;     /* species index or defect type */
  char *text;
} LegendEntry;

static void
legend_entry_clear (gpointer p)
{
  g_free (((LegendEntry *) p)->text);
}

static void
add_species_entries (AlFigureContext *ctx,
                     GArray          *entries)
{
  guint n_kinds = ctx->material != NULL ? ctx->material->n_species : 0;
  g_autofree guint *counts = g_new0 (guint, n_kinds + 1);

  for (guint i = 0; i < ctx->atoms->n_atoms; i++)
    {
      int sp = ctx->atoms->species[i];
      counts[(sp >= 0 && (guint) sp < n_kinds) ? (guint) sp : n_kinds]++;
    }
  for (guint s = 0; s <= n_kinds; s++)
    if (counts[s] > 0)
      {
        LegendEntry e = { 0, s, NULL };
        e.text = g_strdup_printf ("%s  %u", s < n_kinds ? ctx->material->species[s].name : "atom",
                                  counts[s]);
        g_array_append_val (entries, e);
      }
}

static void
add_defect_entries (AlFigureContext *ctx,
                    GArray          *entries)
{
  guint counts[AL_N_DEFECT_TYPES] = { 0 };
  gboolean lines[AL_N_DEFECT_TYPES] = { FALSE };

  if (ctx->params->layers & AL_FIGURE_DEFECTS)
    for (guint k = 0; k < ctx->extra->n_defects; k++)
      if ((guint) ctx->extra->defects[k].type < AL_N_DEFECT_TYPES)
        counts[ctx->extra->defects[k].type]++;
  if (ctx->params->layers & AL_FIGURE_LINES)
    for (guint l = 0; l < ctx->extra->n_lines; l++)
      if ((guint) ctx->extra->lines[l].type < AL_N_DEFECT_TYPES)
        lines[ctx->extra->lines[l].type] = TRUE;
  for (guint t = 0; t < AL_N_DEFECT_TYPES; t++)
    {
      if (counts[t] > 0)
        {
          LegendEntry e = { 1, t, g_strdup_printf ("%s  %u", al_defect_type_name (t), counts[t]) };
          g_array_append_val (entries, e);
        }
      if (lines[t])
        {
          LegendEntry e = { 2, t, g_strdup (al_defect_type_name (t)) };
          g_array_append_val (entries, e);
        }
    }
}

/* Each phase on the drawn map, with its share of the crystal's area. */
static void
add_phase_entries (AlFigureContext *ctx,
                   GArray          *entries)
{
  double share[AL_N_PHASES];

  if (!(ctx->params->layers & AL_FIGURE_PHASES) || !al_figure_phase_shares (&ctx->extra->phases, share))
    return;
  for (int p = 0; p < AL_N_PHASES; p++)
    if (p != AL_PHASE_VACUUM && share[p] > 0.0)
      {
        LegendEntry e = { 3, (guint) p, NULL };
        e.text = g_strdup_printf ("%s  %.0f %%", al_figure_phase_label (p), 100.0 * share[p]);
        g_array_append_val (entries, e);
      }
}

static void
draw_legend_symbol (AlFigureContext   *ctx,
                    const LegendEntry *e,
                    double             cx,
                    double             cy)
{
  double r = 0.35 * ctx->font_size, dash = 0.3 * ctx->font_size;
  cairo_t *cr = ctx->cr;
  guint n_kinds = ctx->material != NULL ? ctx->material->n_species : 0;

  cairo_save (cr);
  cairo_new_path (cr);  /* not from where the last text ended */
  if (e->kind == 0)
    {
      al_figure_marker_path (cr, e->index, cx, cy, r);
      if (e->index < n_kinds)
        al_figure_set_rgb (cr, al_palette_species (e->index), 1.0);
      else
        cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_fill (cr);
    }
  else if (e->kind == 1)
    {
      cairo_arc (cr, cx, cy, r * 1.2, 0, 2 * G_PI);
      al_figure_set_rgb (cr, al_figure_defect_color (e->index), 1.0);
      cairo_set_line_width (cr, 1.5 * ctx->line_width);
      cairo_stroke (cr);
    }
  else if (e->kind == 3)
    {
      AlRgb c = { 1, 1, 1 };
      al_figure_phase_color (e->index, &c);
      cairo_rectangle (cr, cx - 1.2 * r, cy - 1.2 * r, 2.4 * r, 2.4 * r);
      al_figure_set_rgb (cr, c, 1.0);
      cairo_fill (cr);
    }
  else
    {
      cairo_move_to (cr, cx - 2 * r, cy);
      cairo_line_to (cr, cx + r, cy);
      cairo_set_dash (cr, &dash, e->index == AL_DEFECT_EDGE ? 1 : 0, 0);
      al_figure_set_rgb (cr, al_figure_defect_color (e->index), 1.0);
      cairo_set_line_width (cr, 2 * ctx->line_width);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

void
al_figure_draw_legend (AlFigureContext *ctx)
{
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE, sizeof (LegendEntry));
  double f = ctx->font_size, row = 1.4 * f, width = 0.0, x = f, y = f;
  cairo_t *cr = ctx->cr;

  g_array_set_clear_func (entries, legend_entry_clear);
  if (ctx->atoms != NULL && (ctx->params->layers & AL_FIGURE_ATOMS))
    add_species_entries (ctx, entries);
  if (ctx->extra != NULL)
    {
      add_defect_entries (ctx, entries);
      add_phase_entries (ctx, entries);
    }
  if (entries->len == 0)
    return;

  for (guint i = 0; i < entries->len; i++)
    width = MAX (width, text_width (cr, g_array_index (entries, LegendEntry, i).text));
  plate (cr, x, y, width + 2.6 * f, entries->len * row + 0.6 * f);
  for (guint i = 0; i < entries->len; i++)
    {
      const LegendEntry *e = &g_array_index (entries, LegendEntry, i);
      double cy = y + 0.3 * f + (i + 0.5) * row;
      draw_legend_symbol (ctx, e, x + 0.9 * f, cy);
      white_text (cr, x + 1.8 * f, cy + 0.35 * f, e->text);
    }
}

/* One vertical colour bar with its title and three ticks, its plate's top
 * right corner at (right, top); returns the plate's height. */
static double
color_bar (AlFigureContext *ctx,
           double           right,
           double           top,
           AlColormap       map,
           double           lo,
           double           hi,
           const char      *title)
{
  double f = ctx->font_size, bar_h = MAX (4 * f, AL_COLOR_BAR_FRACTION * ctx->height);
  double bar_w = 0.8 * f, tick_w = 0.0, plate_w, plate_h, bx, by;
  char ticks[3][G_ASCII_DTOSTR_BUF_SIZE];
  cairo_t *cr = ctx->cr;

  g_ascii_formatd (ticks[0], sizeof ticks[0], "%.3g", hi);
  g_ascii_formatd (ticks[1], sizeof ticks[1], "%.3g", fabs ((lo + hi) / 2) < 1e-12 ? 0.0 : (lo + hi) / 2);
  g_ascii_formatd (ticks[2], sizeof ticks[2], "%.3g", lo);
  for (guint t = 0; t < 3; t++)
    tick_w = MAX (tick_w, text_width (cr, ticks[t]));
  plate_w = MAX (bar_w + tick_w + 1.4 * f, text_width (cr, title) + f);
  plate_h = bar_h + 2.6 * f;
  plate (cr, right - plate_w, top, plate_w, plate_h);
  white_text (cr, right - plate_w + 0.5 * f, top + 1.2 * f, title);

  bx = right - plate_w + 0.5 * f;
  by = top + 1.8 * f;
  for (guint k = 0; k < AL_COLOR_BAR_STEPS; k++)
    {
      double t0 = k / (double) AL_COLOR_BAR_STEPS;
      /* high values at the top */
      cairo_rectangle (cr, bx, by + bar_h * (1 - t0 - 1.0 / AL_COLOR_BAR_STEPS), bar_w,
                       bar_h / AL_COLOR_BAR_STEPS + 0.5);
      al_figure_set_rgb (cr, al_colormap_eval (map, t0 + 0.5 / AL_COLOR_BAR_STEPS), 1.0);
      cairo_fill (cr);
    }
  for (guint t = 0; t < 3; t++)
    white_text (cr, bx + bar_w + 0.4 * f, by + t * bar_h / 2 + 0.35 * f, ticks[t]);
  return plate_h;
}

void
al_figure_draw_color_bars (AlFigureContext *ctx)
{
  double right = ctx->width - ctx->font_size, top = ctx->font_size, lo, hi;

  if (ctx->extra == NULL || ctx->atoms == NULL)
    return;
  if ((ctx->params->layers & AL_FIGURE_STRAIN) && ctx->extra->strain.values != NULL)
    {
      double range = al_figure_strain_range (ctx);
      const char *title = ctx->extra->strain.label != NULL ? ctx->extra->strain.label : "strain";
      top += color_bar (ctx, right, top, AL_COLORMAP_RDBU, -range, range, title) + ctx->font_size;
    }
  if ((ctx->params->layers & AL_FIGURE_BONDS) && ctx->params->bond_coloring == AL_FIGURE_BONDS_BY_LENGTH
      && al_figure_bond_range (ctx, &lo, &hi))
    color_bar (ctx, right, top, AL_COLORMAP_VIRIDIS, lo, hi,
               ctx->pixel_size_nm > 0 || ctx->extra->bonds.length_nm != NULL ? "bond length (nm)"
                                                                             : "bond length (px)");
}
