/* al-view-overlay.c: the legend (top left), the colour bar (bottom right)
 * and the lasso outline, drawn in widget coordinates over the canvas on a
 * translucent dark plate, as on-screen displays are, so they read on any
 * image. Text goes through Pango, so it is translated and hinted. */
#include "al-view-overlay.h"

#include <glib/gi18n.h>
#include <math.h>

#include "al-overlay-style.h"
#include "layers/al-atoms-layer.h"
#include "layers/al-defects-layer.h"
#include "plots/al-phase-layer.h"

#define MARGIN_PX 12.0
#define PADDING_PX 8.0
#define ROW_PX 20.0
#define MARKER_PX 5.0
#define SWATCH_PX 18.0
#define BAR_LENGTH_PX 160.0
#define BAR_WIDTH_PX 12.0
#define PLATE_RADIUS_PX 6.0
#define PLATE_ALPHA 0.62

/* Legend entries for defects, one per colour the defects layer uses. */
typedef enum
{
  DEFECT_KIND_POINT,
  DEFECT_KIND_LINE,
  DEFECT_KIND_EDGE,
  DEFECT_KIND_PHASE,
  N_DEFECT_KINDS,
} DefectKind;

struct _AlViewOverlay
{
  GtkWidget  parent_instance;

  AlCanvas  *canvas;               /* weak */
  AlResults *results;
  gboolean   show_legend;
  char      *bar_title;
  char      *bar_unit;
  AlColormap bar_map;
  double     bar_min;
  double     bar_max;
  GArray    *path;                 /* double x, y in image coordinates */
};

G_DEFINE_FINAL_TYPE (AlViewOverlay, al_view_overlay, GTK_TYPE_WIDGET)

static DefectKind
defect_kind (AlDefectType type)
{
  if (type == AL_DEFECT_GRAIN_BOUNDARY || type == AL_DEFECT_DISLOCATION_57)
    return DEFECT_KIND_LINE;
  if (type == AL_DEFECT_EDGE)
    return DEFECT_KIND_EDGE;
  if (type >= AL_DEFECT_PHASE_1T)
    return DEFECT_KIND_PHASE;
  return DEFECT_KIND_POINT;
}

static const char *
defect_kind_label (DefectKind kind)
{
  switch (kind)
    {
    case DEFECT_KIND_POINT: return _("Point defect");
    case DEFECT_KIND_LINE: return _("Boundary, dislocation");
    case DEFECT_KIND_EDGE: return _("Edge");
    case DEFECT_KIND_PHASE: return _("Phase patch");
    default: g_return_val_if_reached ("");
    }
}

static AlDefectType
defect_kind_example (DefectKind kind)
{
  static const AlDefectType examples[] = {
    AL_DEFECT_V_S, AL_DEFECT_GRAIN_BOUNDARY, AL_DEFECT_EDGE, AL_DEFECT_PHASE_1T,
  };
  return examples[kind];
}

static gboolean
layer_visible (AlViewOverlay *self,
               GType          type)
{
  GListModel *layers;

  if (self->canvas == NULL)
    return FALSE;
  layers = G_LIST_MODEL (al_canvas_get_layers (self->canvas));
  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      if (G_TYPE_CHECK_INSTANCE_TYPE (layer, type))
        return al_layer_get_visible (layer) && al_layer_get_opacity (layer) > 0;
    }
  return FALSE;
}

/* What the legend lists: the material's species when atoms are shown, the
 * kinds of defect the frame has when defects are. */
static const AlMaterial *
legend_entries (AlViewOverlay *self,
                gboolean       kinds[N_DEFECT_KINDS])
{
  const AlMaterial *material = NULL;
  const AlFrameResult *r;

  for (int k = 0; k < N_DEFECT_KINDS; k++)
    kinds[k] = FALSE;
  if (!self->show_legend || self->results == NULL || self->canvas == NULL)
    return NULL;
  if (layer_visible (self, AL_TYPE_ATOMS_LAYER))
    material = al_results_get_analysis (self->results)->material;
  r = al_results_get_frame (self->results, al_canvas_get_frame (self->canvas));
  if (r != NULL && r->structure != NULL && r->structure->defects != NULL
      && layer_visible (self, AL_TYPE_DEFECTS_LAYER))
    for (guint i = 0; i < al_defects_len (r->structure->defects); i++)
      kinds[defect_kind (al_defects_get (r->structure->defects, i)->type)] = TRUE;
  return material;
}

/* The phases the shown frame's map has (vacuum aside) when the phase map
 * is shown; returns how many. */
static guint
phase_entries (AlViewOverlay *self,
               gboolean       phases[AL_N_PHASES])
{
  const AlFrameResult *r;
  const AlPhaseMap *map;
  guint n = 0;

  for (int p = 0; p < AL_N_PHASES; p++)
    phases[p] = FALSE;
  if (!self->show_legend || self->results == NULL || self->canvas == NULL
      || !layer_visible (self, AL_TYPE_PHASE_LAYER))
    return 0;
  r = al_results_get_frame (self->results, al_canvas_get_frame (self->canvas));
  map = r != NULL && r->structure != NULL ? r->structure->phases : NULL;
  for (int p = AL_PHASE_VACUUM + 1; map != NULL && p < AL_N_PHASES; p++)
    if (map->area_px2[p] > 0)
      phases[p] = TRUE, n++;
  return n;
}

char *
al_view_overlay_describe_legend (AlViewOverlay *self)
{
  gboolean kinds[N_DEFECT_KINDS], phases[AL_N_PHASES];
  const AlMaterial *material;
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (AL_IS_VIEW_OVERLAY (self), NULL);
  material = legend_entries (self, kinds);
  phase_entries (self, phases);
  for (guint s = 0; material != NULL && s < material->n_species; s++)
    g_string_append_printf (text, "%s\n", material->species[s].name);
  for (int k = 0; k < N_DEFECT_KINDS; k++)
    if (kinds[k])
      g_string_append_printf (text, "%s\n", defect_kind_label (k));
  for (int p = 0; p < AL_N_PHASES; p++)
    if (phases[p])
      g_string_append_printf (text, "%s\n", al_phase_label (p));
  return g_string_free (text, FALSE);
}

static void
plate (cairo_t *cr,
       double   x,
       double   y,
       double   w,
       double   h)
{
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + w - PLATE_RADIUS_PX, y + PLATE_RADIUS_PX, PLATE_RADIUS_PX, -G_PI / 2, 0);
  cairo_arc (cr, x + w - PLATE_RADIUS_PX, y + h - PLATE_RADIUS_PX, PLATE_RADIUS_PX, 0, G_PI / 2);
  cairo_arc (cr, x + PLATE_RADIUS_PX, y + h - PLATE_RADIUS_PX, PLATE_RADIUS_PX, G_PI / 2, G_PI);
  cairo_arc (cr, x + PLATE_RADIUS_PX, y + PLATE_RADIUS_PX, PLATE_RADIUS_PX, G_PI, 1.5 * G_PI);
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, PLATE_ALPHA);
  cairo_fill (cr);
}

static double
text_width (PangoLayout *layout,
            const char  *text)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  return w;
}

static void
draw_text (cairo_t     *cr,
           PangoLayout *layout,
           const char  *text,
           double       x,
           double       y_centre)
{
  int w, h;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_move_to (cr, x, y_centre - h / 2.0);
  pango_cairo_show_layout (cr, layout);
}

/* One filled square per phase, in the phase map's colours. */
static void
draw_phase_rows (cairo_t        *cr,
                 PangoLayout    *layout,
                 const gboolean  phases[AL_N_PHASES],
                 double          y)
{
  for (int p = 0; p < AL_N_PHASES; p++)
    {
      double rgb[3], x0 = MARGIN_PX + PADDING_PX;
      if (!phases[p] || !al_phase_color (p, rgb))
        continue;
      cairo_rectangle (cr, x0 + 2, y - SWATCH_PX / 2 + 3, SWATCH_PX - 4, SWATCH_PX - 6);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_fill (cr);
      draw_text (cr, layout, al_phase_label (p), MARGIN_PX + 2 * PADDING_PX + SWATCH_PX, y);
      y += ROW_PX;
    }
}

static void
draw_legend (AlViewOverlay *self,
             cairo_t       *cr)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  gboolean kinds[N_DEFECT_KINDS], phases[AL_N_PHASES];
  const AlMaterial *material = legend_entries (self, kinds);
  double width = 0, y;
  guint rows = phase_entries (self, phases);

  for (guint s = 0; material != NULL && s < material->n_species; s++, rows++)
    width = MAX (width, text_width (layout, material->species[s].name));
  for (int k = 0; k < N_DEFECT_KINDS; k++)
    if (kinds[k])
      width = MAX (width, text_width (layout, defect_kind_label (k))), rows++;
  for (int p = 0; p < AL_N_PHASES; p++)
    if (phases[p])
      width = MAX (width, text_width (layout, al_phase_label (p)));
  if (rows == 0)
    {
      g_object_unref (layout);
      return;
    }
  plate (cr, MARGIN_PX, MARGIN_PX, width + SWATCH_PX + 3 * PADDING_PX, rows * ROW_PX + 2 * PADDING_PX);
  y = MARGIN_PX + PADDING_PX + ROW_PX / 2;
  for (guint s = 0; material != NULL && s < material->n_species; s++, y += ROW_PX)
    {
      double rgb[3], cx = MARGIN_PX + PADDING_PX + SWATCH_PX / 2;
      al_overlay_species_color (s, rgb);
      al_overlay_marker_path (cr, al_overlay_species_shape (s), cx, y, MARKER_PX);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_fill_preserve (cr);
      cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
      cairo_set_line_width (cr, 1);
      cairo_stroke (cr);
      draw_text (cr, layout, material->species[s].name, MARGIN_PX + 2 * PADDING_PX + SWATCH_PX, y);
    }
  for (int k = 0; k < N_DEFECT_KINDS; k++)
    {
      double rgb[3], x0 = MARGIN_PX + PADDING_PX;
      if (!kinds[k])
        continue;
      al_overlay_defect_color (defect_kind_example (k), rgb);
      cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
      cairo_set_line_width (cr, 2.5);
      if (k == DEFECT_KIND_POINT)
        {
          cairo_new_sub_path (cr);
          cairo_arc (cr, x0 + SWATCH_PX / 2, y, SWATCH_PX / 2 - 2, 0, 2 * G_PI);
        }
      else
        {
          cairo_move_to (cr, x0, y + 4);
          cairo_line_to (cr, x0 + SWATCH_PX / 2, y - 4);
          cairo_line_to (cr, x0 + SWATCH_PX, y + 2);
        }
      cairo_stroke (cr);
      draw_text (cr, layout, defect_kind_label (k), MARGIN_PX + 2 * PADDING_PX + SWATCH_PX, y);
      y += ROW_PX;
    }
  draw_phase_rows (cr, layout, phases, y);
  g_object_unref (layout);
}

/* A vertical bar, max at the top, with its ends and middle labelled. */
static void
draw_color_bar (AlViewOverlay *self,
                cairo_t       *cr,
                double         width,
                double         height)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
  g_autofree char *title = g_strdup_printf ("%s (%s)", self->bar_title, self->bar_unit);
  char ticks[3][32];
  double tick_w = 0, title_w = text_width (layout, title), plate_w, plate_h, x, y;

  g_snprintf (ticks[0], sizeof ticks[0], "%+.3g", self->bar_max);
  g_snprintf (ticks[1], sizeof ticks[1], "%+.3g", (self->bar_min + self->bar_max) / 2);
  g_snprintf (ticks[2], sizeof ticks[2], "%+.3g", self->bar_min);
  for (int i = 0; i < 3; i++)
    tick_w = MAX (tick_w, text_width (layout, ticks[i]));
  plate_w = MAX (title_w, BAR_WIDTH_PX + PADDING_PX + tick_w) + 2 * PADDING_PX;
  plate_h = BAR_LENGTH_PX + ROW_PX + 3 * PADDING_PX;
  x = width - MARGIN_PX - plate_w;
  y = height - MARGIN_PX - plate_h;
  plate (cr, x, y, plate_w, plate_h);
  draw_text (cr, layout, title, x + PADDING_PX, y + PADDING_PX + ROW_PX / 2);
  y += ROW_PX + 2 * PADDING_PX;
  for (int i = 0; i < (int) BAR_LENGTH_PX; i++)
    {
      AlRgb c = al_colormap_eval (self->bar_map, 1 - i / (BAR_LENGTH_PX - 1));
      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      cairo_rectangle (cr, x + PADDING_PX, y + i, BAR_WIDTH_PX, 1);
      cairo_fill (cr);
    }
  for (int i = 0; i < 3; i++)
    draw_text (cr, layout, ticks[i], x + 2 * PADDING_PX + BAR_WIDTH_PX, y + i * BAR_LENGTH_PX / 2);
  g_object_unref (layout);
}

static void
draw_path (AlViewOverlay *self,
           cairo_t       *cr)
{
  const double *xy = (const double *) self->path->data;
  static const double dash[] = { 6, 4 };

  for (guint i = 0; i < self->path->len / 2; i++)
    {
      double wx, wy;
      al_canvas_image_to_widget (self->canvas, xy[2 * i], xy[2 * i + 1], &wx, &wy);
      if (i == 0)
        cairo_move_to (cr, wx, wy);
      else
        cairo_line_to (cr, wx, wy);
    }
  cairo_close_path (cr);
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 0.15);
  cairo_fill_preserve (cr);
  cairo_set_line_width (cr, 1.5);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_stroke_preserve (cr);
  cairo_set_dash (cr, dash, 2, 0);
  cairo_set_source_rgb (cr, 0.21, 0.52, 0.89);   /* the GNOME accent blue */
  cairo_stroke (cr);
}

static void
al_view_overlay_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  AlViewOverlay *self = AL_VIEW_OVERLAY (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->canvas == NULL || !al_canvas_get_has_image (self->canvas))
    return;
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  draw_legend (self, cr);
  if (self->bar_title != NULL)
    draw_color_bar (self, cr, width, height);
  if (self->path->len >= 6)
    draw_path (self, cr);
  cairo_destroy (cr);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    gtk_widget_snapshot_child (widget, c, snapshot);
}

static void
al_view_overlay_size_allocate (GtkWidget *widget,
                               int        width,
                               int        height,
                               int        baseline)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_POPOVER (c))
      gtk_popover_present (GTK_POPOVER (c));
}

static void
al_view_overlay_dispose (GObject *object)
{
  AlViewOverlay *self = AL_VIEW_OVERLAY (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_weak_pointer (&self->canvas);
  g_clear_pointer (&self->results, al_results_unref);
  G_OBJECT_CLASS (al_view_overlay_parent_class)->dispose (object);
}

static void
al_view_overlay_finalize (GObject *object)
{
  AlViewOverlay *self = AL_VIEW_OVERLAY (object);

  g_free (self->bar_title);
  g_free (self->bar_unit);
  g_array_unref (self->path);
  G_OBJECT_CLASS (al_view_overlay_parent_class)->finalize (object);
}

static void
al_view_overlay_class_init (AlViewOverlayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_view_overlay_dispose;
  object_class->finalize = al_view_overlay_finalize;
  widget_class->snapshot = al_view_overlay_snapshot;
  widget_class->size_allocate = al_view_overlay_size_allocate;
}

static void
al_view_overlay_init (AlViewOverlay *self)
{
  self->show_legend = TRUE;
  self->path = g_array_new (FALSE, FALSE, sizeof (double));
  /* Clicks go through to the canvas. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}

static void
watch_layers (AlViewOverlay *self,
              guint          position,
              guint          removed,
              guint          added,
              GListModel    *layers)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      g_signal_connect_object (layer, "notify", G_CALLBACK (gtk_widget_queue_draw), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_layers_changed (GListModel    *layers,
                   guint          position,
                   guint          removed,
                   guint          added,
                   AlViewOverlay *self)
{
  watch_layers (self, position, removed, added, layers);
}

/* The legend and colour bar stay put on screen and GTK keeps their drawing
 * while the canvas pans; only a lasso follows the image, and a new frame
 * may have other defects. */
static void
on_canvas_notify (AlCanvas      *canvas,
                  GParamSpec    *pspec,
                  AlViewOverlay *self)
{
  if (self->path->len > 0 || g_str_equal (pspec->name, "frame") || g_str_equal (pspec->name, "has-image"))
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_view_overlay_set_canvas (AlViewOverlay *self,
                            AlCanvas      *canvas)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (canvas));

  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  g_set_weak_pointer (&self->canvas, canvas);
  g_signal_connect_object (layers, "items-changed", G_CALLBACK (on_layers_changed), self, 0);
  watch_layers (self, 0, 0, g_list_model_get_n_items (layers), layers);
  g_signal_connect_object (canvas, "notify", G_CALLBACK (on_canvas_notify), self, 0);
}

void
al_view_overlay_set_results (AlViewOverlay *self,
                             AlResults     *results)
{
  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results != NULL ? al_results_ref (results) : NULL;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_view_overlay_set_show_legend (AlViewOverlay *self,
                                 gboolean       show)
{
  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  self->show_legend = show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
al_view_overlay_get_show_legend (AlViewOverlay *self)
{
  g_return_val_if_fail (AL_IS_VIEW_OVERLAY (self), FALSE);
  return self->show_legend;
}

void
al_view_overlay_set_color_bar (AlViewOverlay *self,
                               const char    *title,
                               const char    *unit,
                               AlColormap     map,
                               double         min,
                               double         max)
{
  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  g_free (self->bar_title);
  g_free (self->bar_unit);
  self->bar_title = g_strdup (title);
  self->bar_unit = g_strdup (unit != NULL ? unit : "");
  self->bar_map = map;
  self->bar_min = min;
  self->bar_max = max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
al_view_overlay_get_color_bar_shown (AlViewOverlay *self)
{
  g_return_val_if_fail (AL_IS_VIEW_OVERLAY (self), FALSE);
  return self->bar_title != NULL;
}

void
al_view_overlay_set_path (AlViewOverlay *self,
                          const double  *xy,
                          guint          n_points)
{
  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  g_array_set_size (self->path, 0);
  g_array_append_vals (self->path, xy, 2 * n_points);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_view_overlay_add_popover (AlViewOverlay *self,
                             GtkWidget     *popover)
{
  g_return_if_fail (AL_IS_VIEW_OVERLAY (self));
  gtk_widget_set_parent (popover, GTK_WIDGET (self));
}
