/* al-atoms-layer.c: one marker per atomic column, coloured and shaped by
 * species, sized to the lattice on screen. Only atoms in view are drawn;
 * when markers would be tiny they become plain squares, which Cairo fills
 * far faster than arcs (10^5 atoms stay interactive). */
#include "al-atoms-layer.h"

#include <glib/gi18n.h>

#include "al-overlay-style.h"

/* Marker half-size as a fraction of the nearest-neighbour distance, and
 * its limits on screen (px). */
#define MARKER_OF_NN 0.22
#define MARKER_MIN_PX 1.5
#define MARKER_MAX_PX 9.0
/* Below this half-size markers are squares with no outline. */
#define MARKER_DETAIL_PX 3.0

struct _AlAtomsLayer
{
  AlLayer    parent_instance;
  AlResults *results;
  guint      frame;    /* the frame last drawn, for hit tests */
};

G_DEFINE_FINAL_TYPE (AlAtomsLayer, al_atoms_layer, AL_TYPE_LAYER)

static double
nn_px (const AlFrameResult *r)
{
  if (r->structure != NULL && r->structure->bonds != NULL && r->structure->bonds->nn_px > 0)
    return r->structure->bonds->nn_px;
  return 0;
}

static void
al_atoms_layer_snapshot (AlLayer            *layer,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view)
{
  AlAtomsLayer *self = AL_ATOMS_LAYER (layer);
  const AlFrameResult *r = al_results_get_frame (self->results, view->frame);
  const AlAtoms *atoms;
  double nn, radius, margin;
  gboolean detailed;
  guint n_species = 1;
  cairo_t *cr;

  self->frame = view->frame;
  if (r == NULL || r->atoms == NULL || r->atoms->n_atoms == 0)
    return;
  atoms = r->atoms;
  nn = nn_px (r);
  radius = nn > 0 ? CLAMP (MARKER_OF_NN * nn * view->zoom, MARKER_MIN_PX, MARKER_MAX_PX) : 3.0;
  detailed = radius >= MARKER_DETAIL_PX;
  margin = radius / view->zoom + 1;
  for (guint i = 0; i < atoms->n_atoms; i++)
    n_species = MAX (n_species, (guint) MAX (atoms->species[i], 0) + 1);

  cr = al_layer_begin_cairo (snapshot, view);
  cairo_set_line_width (cr, 1.0);
  /* One path and one fill per species. */
  for (guint s = 0; s < n_species; s++)
    {
      AlMarkerShape shape = al_overlay_species_shape (s);
      double rgb[3];
      gboolean any = FALSE;

      for (guint i = 0; i < atoms->n_atoms; i++)
        {
          double wx, wy;
          if ((guint) MAX (atoms->species[i], 0) != s
              || !al_canvas_view_contains (view, atoms->x[i], atoms->y[i], margin))
            continue;
          al_canvas_view_to_widget (view, atoms->x[i], atoms->y[i], &wx, &wy);
          if (detailed)
            al_overlay_marker_path (cr, shape, wx, wy, radius);
          else
            cairo_rectangle (cr, wx - radius, wy - radius, 2 * radius, 2 * radius);
          any = TRUE;
        }
      if (!any)
        continue;
      al_overlay_species_color (s, rgb);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9);
      if (detailed)
        {
          cairo_fill_preserve (cr);
          cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }
  al_layer_end_cairo (snapshot, cr);
}

static gint64
al_atoms_layer_hit_test (AlLayer *layer,
                         double   x,
                         double   y,
                         double   radius)
{
  AlAtomsLayer *self = AL_ATOMS_LAYER (layer);
  const AlFrameResult *r = al_results_get_frame (self->results, self->frame);
  double best = radius * radius;
  gint64 found = -1;

  if (r == NULL || r->atoms == NULL)
    return -1;
  for (guint i = 0; i < r->atoms->n_atoms; i++)
    {
      double dx = r->atoms->x[i] - x, dy = r->atoms->y[i] - y, d2 = dx * dx + dy * dy;
      if (d2 <= best)
        best = d2, found = i;
    }
  return found;
}

static void
al_atoms_layer_finalize (GObject *object)
{
  g_clear_pointer (&AL_ATOMS_LAYER (object)->results, al_results_unref);
  G_OBJECT_CLASS (al_atoms_layer_parent_class)->finalize (object);
}

static void
al_atoms_layer_class_init (AlAtomsLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_atoms_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_atoms_layer_snapshot;
  AL_LAYER_CLASS (klass)->hit_test = al_atoms_layer_hit_test;
}

static void
al_atoms_layer_init (AlAtomsLayer *self)
{
}

AlLayer *
al_atoms_layer_new (AlResults *results)
{
  AlAtomsLayer *self = g_object_new (AL_TYPE_ATOMS_LAYER, "name", _("Atoms"), NULL);

  self->results = al_results_ref (results);
  return AL_LAYER (self);
}
