/* al-bonds-layer.c: bonds as thin lines, coloured by how far their length
 * departs from the frame's nearest-neighbour distance (blue short, grey
 * nominal, vermillion long). Zoomed out so far that bonds would be under a
 * few pixels long, they are left out: they would only grey the image. */
#include "al-bonds-layer.h"

#include <glib/gi18n.h>
#include <math.h>

/* Bonds shorter than this on screen are not drawn (px). */
#define BOND_MIN_SCREEN_PX 5.0
/* Relative length deviation that takes the colour to its extreme. */
#define BOND_COLOR_RANGE 0.1
#define BOND_WIDTH_PX 1.5

struct _AlBondsLayer
{
  AlLayer    parent_instance;
  AlResults *results;
};

G_DEFINE_FINAL_TYPE (AlBondsLayer, al_bonds_layer, AL_TYPE_LAYER)

static void
bond_color (double  deviation,
            double *rgb)
{
  /* Diverging: blue (0, 0.45, 0.70) <- grey (0.8) -> vermillion (0.84, 0.37, 0). */
  double t = CLAMP (deviation / BOND_COLOR_RANGE, -1, 1);
  const double grey[3] = { 0.8, 0.8, 0.8 }, blue[3] = { 0.0, 0.447, 0.698 }, red[3] = { 0.835, 0.369, 0 };
  const double *end = t < 0 ? blue : red;

  t = fabs (t);
  for (int c = 0; c < 3; c++)
    rgb[c] = grey[c] + t * (end[c] - grey[c]);
}

static void
al_bonds_layer_snapshot (AlLayer            *layer,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view)
{
  AlBondsLayer *self = AL_BONDS_LAYER (layer);
  const AlFrameResult *r = al_results_get_frame (self->results, view->frame);
  const AlBonds *bonds;
  const AlAtoms *atoms;
  cairo_t *cr;
  /* A few colour classes, one stroke each. */
  enum { N_CLASSES = 5 };

  if (r == NULL || r->structure == NULL || r->structure->bonds == NULL || r->atoms == NULL)
    return;
  bonds = r->structure->bonds;
  atoms = r->atoms;
  if (bonds->n_bonds == 0 || bonds->nn_px * view->zoom < BOND_MIN_SCREEN_PX)
    return;

  cr = al_layer_begin_cairo (snapshot, view);
  cairo_set_line_width (cr, BOND_WIDTH_PX);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (int cls = 0; cls < N_CLASSES; cls++)
    {
      double rgb[3];
      gboolean any = FALSE;

      for (guint k = 0; k < bonds->n_bonds; k++)
        {
          guint a = bonds->a[k], b = bonds->b[k];
          double dev = bonds->length[k] / bonds->nn_px - 1, wx0, wy0, wx1, wy1;
          int c = (int) floor ((CLAMP (dev / BOND_COLOR_RANGE, -1, 0.999) + 1) / 2 * N_CLASSES);

          if (c != cls
              || (!al_canvas_view_contains (view, atoms->x[a], atoms->y[a], bonds->nn_px)
                  && !al_canvas_view_contains (view, atoms->x[b], atoms->y[b], bonds->nn_px)))
            continue;
          al_canvas_view_to_widget (view, atoms->x[a], atoms->y[a], &wx0, &wy0);
          al_canvas_view_to_widget (view, atoms->x[b], atoms->y[b], &wx1, &wy1);
          cairo_move_to (cr, wx0, wy0);
          cairo_line_to (cr, wx1, wy1);
          any = TRUE;
        }
      if (!any)
        continue;
      bond_color (((cls + 0.5) / N_CLASSES * 2 - 1) * BOND_COLOR_RANGE, rgb);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.8);
      cairo_stroke (cr);
    }
  al_layer_end_cairo (snapshot, cr);
}

static void
al_bonds_layer_finalize (GObject *object)
{
  g_clear_pointer (&AL_BONDS_LAYER (object)->results, al_results_unref);
  G_OBJECT_CLASS (al_bonds_layer_parent_class)->finalize (object);
}

static void
al_bonds_layer_class_init (AlBondsLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_bonds_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_bonds_layer_snapshot;
}

static void
al_bonds_layer_init (AlBondsLayer *self)
{
}

AlLayer *
al_bonds_layer_new (AlResults *results)
{
  AlBondsLayer *self = g_object_new (AL_TYPE_BONDS_LAYER, "name", _("Bonds"), NULL);

  self->results = al_results_ref (results);
  return AL_LAYER (self);
}
