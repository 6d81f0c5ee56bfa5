/* al-bonds-layer.c: bonds as thin lines, coloured by how far their length
 * departs from the frame's nearest-neighbour distance (blue short, grey
 * nominal, vermillion long). Zoomed out so far that bonds would be under a
 * few pixels long, they are left out: they would only grey the image. */
#include "al-bonds-layer.h"

#include <glib/gi18n.h>
#include <math.h>


/* Bonds shorter than this on screen are not drawn (px): denser, they
 * would only grey the image, at great cost. */
#define BOND_MIN_SCREEN_PX 8.0
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

/* Bonds fall in a few colour classes by length, one path (and one Cairo
 * context on the shared surface) each. */
#define N_CLASSES 5

typedef struct
{
  const AlCanvasView *view;
  const AlAtoms      *atoms;
  const AlBonds      *bonds;
  cairo_t            *cr[N_CLASSES];
  gboolean            used[N_CLASSES];
  double              margin;
} DrawBonds;

static void
add_bonds_of (guint    i,
              gpointer user_data)
{
  DrawBonds *d = user_data;
  const AlBonds *bonds = d->bonds;
  const AlAtoms *atoms = d->atoms;
  double wx0, wy0;

  if (!al_canvas_view_contains (d->view, atoms->x[i], atoms->y[i], d->margin))
    return;
  al_canvas_view_to_widget (d->view, atoms->x[i], atoms->y[i], &wx0, &wy0);
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    {
      guint j = bonds->neighbour[h];
      double dev = bonds->length[bonds->bond[h]] / bonds->nn_px - 1, wx1, wy1;
      int c;

      /* Each bond once: from its lower end, or from the end in view. */
      if (j < i && al_canvas_view_contains (d->view, atoms->x[j], atoms->y[j], d->margin))
        continue;
      c = (int) floor ((CLAMP (dev / BOND_COLOR_RANGE, -1, 0.999) + 1) / 2 * N_CLASSES);
      al_canvas_view_to_widget (d->view, atoms->x[j], atoms->y[j], &wx1, &wy1);
      cairo_move_to (d->cr[c], wx0, wy0);
      cairo_line_to (d->cr[c], wx1, wy1);
      d->used[c] = TRUE;
    }
}

static gpointer
al_bonds_layer_capture (AlLayer *layer)
{
  AlBondsLayer *self = AL_BONDS_LAYER (layer);

  return self->results != NULL ? al_results_ref (self->results) : NULL;
}

/* Runs in a tile worker (see al-layer.h). */
static void
al_bonds_layer_render (gpointer            data,
                       cairo_t            *cr,
                       const AlCanvasView *view)
{
  AlResults *results = data;
  const AlFrameResult *r = al_results_get_frame (results, view->frame);
  DrawBonds d = { view, NULL, NULL, { NULL }, { FALSE }, 0 };

  if (r == NULL || r->structure == NULL || r->structure->bonds == NULL || r->atoms == NULL)
    return;
  d.bonds = r->structure->bonds;
  d.atoms = r->atoms;
  if (d.bonds->n_bonds == 0 || d.bonds->offset == NULL
      || d.bonds->nn_px * view->zoom < BOND_MIN_SCREEN_PX)
    return;
  d.margin = d.bonds->nn_px;
  for (int c = 0; c < N_CLASSES; c++)
    {
      d.cr[c] = cairo_create (cairo_get_target (cr));
      cairo_set_line_width (d.cr[c], BOND_WIDTH_PX);
    }
  al_atom_grid_visit (al_results_get_grid (results, view->frame), view, d.margin, add_bonds_of, &d);
  for (int c = 0; c < N_CLASSES; c++)
    {
      double rgb[3];

      if (d.used[c])
        {
          bond_color (((c + 0.5) / N_CLASSES * 2 - 1) * BOND_COLOR_RANGE, rgb);
          cairo_set_source_rgba (d.cr[c], rgb[0], rgb[1], rgb[2], 0.8);
          cairo_stroke (d.cr[c]);
        }
      cairo_destroy (d.cr[c]);
    }
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
  AL_LAYER_CLASS (klass)->capture = al_bonds_layer_capture;
  AL_LAYER_CLASS (klass)->release = (GDestroyNotify) al_results_unref;
  AL_LAYER_CLASS (klass)->render = al_bonds_layer_render;
}

static void
al_bonds_layer_init (AlBondsLayer *self)
{
}

AlLayer *
al_bonds_layer_new (AlResults *results)
{
  AlBondsLayer *self = g_object_new (AL_TYPE_BONDS_LAYER, "name", _("Bonds"), NULL);

  al_bonds_layer_set_results (self, results);
  return AL_LAYER (self);
}

void
al_bonds_layer_set_results (AlBondsLayer *self,
                            AlResults    *results)
{
  g_return_if_fail (AL_IS_BONDS_LAYER (self));
  if (results == self->results)
    return;
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results != NULL ? al_results_ref (results) : NULL;
  al_layer_invalidate (AL_LAYER (self));
}
