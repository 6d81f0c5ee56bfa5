/* al-atoms-layer.c: one marker per atomic column, coloured and shaped by
 * species, sized to the lattice on screen. Markers are rendered in tiles by
 * workers (see al-layer.h), visiting only the atoms of the tile through the
 * results' grid of cells, and pasted from sprites (al-marker-sprites.c);
 * when markers would be tiny they become plain squares.
 * Atoms added, moved or re-labelled by hand wear a ring of their own. The
 * selection, which changes at a click, is drawn at each frame instead. */
#include "al-atoms-layer.h"

#include <glib/gi18n.h>

#include "al-atom-grid.h"
#include "al-marker-sprites.h"
#include "al-overlay-style.h"

/* Marker half-size as a fraction of the nearest-neighbour distance, and
 * its limits on screen (px). */
#define MARKER_OF_NN 0.22
#define MARKER_MIN_PX 1.5
#define MARKER_MAX_PX 9.0
/* Below this half-size markers are squares with no outline (level of
 * detail: shapes would not be told apart). */
#define MARKER_DETAIL_PX 3.0
/* Atoms corrected by hand: a ring this far outside the marker (px), in
 * Paul Tol's "bright" magenta, which no species colour uses. */
#define EDITED_GAP_PX 1.5
#define EDITED_FLAGS (AL_ATOM_ADDED_BY_HAND | AL_ATOM_MOVED_BY_HAND | AL_ATOM_CLASS_BY_HAND)
static const double edited_rgb[3] = { 0xEE / 255.0, 0x33 / 255.0, 0x77 / 255.0 };
/* Space between a selected atom's marker and its ring (px). */
#define SELECTION_GAP_PX 4.0

struct _AlAtomsLayer
{
  AlLayer    parent_instance;
  AlResults *results;
  guint      frame;    /* the frame last drawn, for hit tests */
  double     nn_hint;  /* the last nearest-neighbour distance known (px):
                        * results whose bonds are being recomputed have none */
  gint64     selected;
  GArray    *selection;   /* guint: atoms chosen by a box, ringed too */
};

G_DEFINE_FINAL_TYPE (AlAtomsLayer, al_atoms_layer, AL_TYPE_LAYER)

static double
nn_px (const AlFrameResult *r)
{
  if (r->structure != NULL && r->structure->bonds != NULL && r->structure->bonds->nn_px > 0)
    return r->structure->bonds->nn_px;
  return 0;
}

typedef struct
{
  const AlCanvasView *view;
  const AlAtoms      *atoms;
  cairo_t            *edited;                  /* rings of atoms corrected by hand */
  gboolean            any_edited;
  double              radius;
  double              margin;
  AlMarkerSprites     sprites;
} DrawAtoms;

static void
add_atom (guint    i,
          gpointer user_data)
{
  DrawAtoms *d = user_data;
  int s = d->atoms->species[i];
  guint slot = s >= 0 && s < AL_MAX_SPECIES ? (guint) s : AL_MAX_SPECIES;
  double wx, wy;

  if (!al_canvas_view_contains (d->view, d->atoms->x[i], d->atoms->y[i], d->margin))
    return;
  al_canvas_view_to_widget (d->view, d->atoms->x[i], d->atoms->y[i], &wx, &wy);
  al_marker_sprites_paste (&d->sprites, slot, wx, wy);
  if (d->atoms->flags[i] & EDITED_FLAGS)
    {
      cairo_new_sub_path (d->edited);
      cairo_arc (d->edited, wx, wy, d->radius + EDITED_GAP_PX, 0, 2 * G_PI);
      d->any_edited = TRUE;
    }
}

/* What a tile worker draws from. */
typedef struct
{
  AlResults *results;
  double     nn_hint;
} AtomsCapture;

static void
capture_free (gpointer data)
{
  AtomsCapture *c = data;

  al_results_unref (c->results);
  g_free (c);
}

static double
marker_radius (const AlFrameResult *r,
               double               nn_hint,
               double               zoom)
{
  double nn = nn_px (r) > 0 ? nn_px (r) : nn_hint;

  return nn > 0 ? CLAMP (MARKER_OF_NN * nn * zoom, MARKER_MIN_PX, MARKER_MAX_PX) : 3.0;
}

static gpointer
al_atoms_layer_capture (AlLayer *layer)
{
  AlAtomsLayer *self = AL_ATOMS_LAYER (layer);
  AtomsCapture *c;

  if (self->results == NULL)
    return NULL;
  c = g_new0 (AtomsCapture, 1);
  c->results = al_results_ref (self->results);
  c->nn_hint = self->nn_hint;
  return c;
}

static void
al_atoms_layer_render (gpointer            data,
                       cairo_t            *cr,
                       const AlCanvasView *view)
{
  AtomsCapture *c = data;
  AlResults *results = c->results;
  const AlFrameResult *r = al_results_get_frame (results, view->frame);
  DrawAtoms d = { 0 };

  d.view = view;
  if (r == NULL || r->atoms == NULL || r->atoms->n_atoms == 0)
    return;
  d.atoms = r->atoms;
  d.radius = marker_radius (r, c->nn_hint, view->zoom);
  d.margin = d.radius / view->zoom + 1;

  d.edited = cairo_create (cairo_get_target (cr));
  /* Small markers are squares, whose shapes could not be told apart. */
  al_marker_sprites_init (&d.sprites, cairo_get_target (cr), d.radius, d.radius < MARKER_DETAIL_PX);
  al_atom_grid_visit (al_results_get_grid (results, view->frame), view, d.margin, add_atom, &d);
  /* The sprites wrote pixels: Cairo takes the surface back for the rings. */
  al_marker_sprites_finish (&d.sprites);
  if (d.any_edited)
    {
      cairo_set_source_rgb (d.edited, edited_rgb[0], edited_rgb[1], edited_rgb[2]);
      cairo_set_line_width (d.edited, 2);
      cairo_stroke (d.edited);
    }
  cairo_destroy (d.edited);
}

static void
add_ring (cairo_t            *cr,
          const AlCanvasView *view,
          const AlAtoms      *atoms,
          guint               a,
          double              radius,
          double              margin)
{
  double wx, wy;

  if (a >= atoms->n_atoms || !al_canvas_view_contains (view, atoms->x[a], atoms->y[a], margin))
    return;
  al_canvas_view_to_widget (view, atoms->x[a], atoms->y[a], &wx, &wy);
  cairo_new_sub_path (cr);
  cairo_arc (cr, wx, wy, radius + SELECTION_GAP_PX, 0, 2 * G_PI);
}

/* The selection: white rings with a dark rim, clear on any contrast. */
static void
al_atoms_layer_snapshot (AlLayer            *layer,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view)
{
  AlAtomsLayer *self = AL_ATOMS_LAYER (layer);
  const AlFrameResult *r = self->results != NULL ? al_results_get_frame (self->results, view->frame) : NULL;
  double radius, margin;
  cairo_t *cr;

  self->frame = view->frame;
  if (r == NULL || r->atoms == NULL || (self->selection->len == 0 && self->selected < 0))
    return;
  radius = marker_radius (r, self->nn_hint, view->zoom);
  margin = (radius + SELECTION_GAP_PX + 2) / view->zoom;
  /* Back to widget coordinates, as the rings keep their size on screen. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / view->zoom, 1.0 / view->zoom);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (view->offset_x * view->zoom,
                                                          view->offset_y * view->zoom));
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, view->widget_width,
                                                                 view->widget_height));
  for (guint i = 0; i < self->selection->len; i++)
    add_ring (cr, view, r->atoms, g_array_index (self->selection, guint, i), radius, margin);
  if (self->selected >= 0)
    add_ring (cr, view, r->atoms, (guint) self->selected, radius, margin);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.8);
  cairo_set_line_width (cr, 4);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 2);
  cairo_stroke (cr);
  cairo_destroy (cr);
  gtk_snapshot_restore (snapshot);
}

static gint64
al_atoms_layer_hit_test (AlLayer *layer,
                         double   x,
                         double   y,
                         double   radius)
{
  AlAtomsLayer *self = AL_ATOMS_LAYER (layer);
  const AlFrameResult *r;
  double best = radius * radius;
  gint64 found = -1;

  if (self->results == NULL || (r = al_results_get_frame (self->results, self->frame)) == NULL
      || r->atoms == NULL)
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
  g_clear_pointer (&AL_ATOMS_LAYER (object)->selection, g_array_unref);
  g_clear_pointer (&AL_ATOMS_LAYER (object)->results, al_results_unref);
  G_OBJECT_CLASS (al_atoms_layer_parent_class)->finalize (object);
}

static void
al_atoms_layer_class_init (AlAtomsLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_atoms_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_atoms_layer_snapshot;
  AL_LAYER_CLASS (klass)->hit_test = al_atoms_layer_hit_test;
  AL_LAYER_CLASS (klass)->capture = al_atoms_layer_capture;
  AL_LAYER_CLASS (klass)->release = capture_free;
  AL_LAYER_CLASS (klass)->render = al_atoms_layer_render;
}

static void
al_atoms_layer_init (AlAtomsLayer *self)
{
  self->selected = -1;
  self->selection = g_array_new (FALSE, FALSE, sizeof (guint));
}

void
al_atoms_layer_set_selection (AlAtomsLayer *self,
                              const guint  *atoms,
                              guint         n_atoms)
{
  g_return_if_fail (AL_IS_ATOMS_LAYER (self));
  g_array_set_size (self->selection, 0);
  g_array_append_vals (self->selection, atoms, n_atoms);
  al_layer_changed (AL_LAYER (self));
}

void
al_atoms_layer_set_selected (AlAtomsLayer *self,
                             gint64        atom)
{
  g_return_if_fail (AL_IS_ATOMS_LAYER (self));
  if (self->selected == atom)
    return;
  self->selected = atom;
  al_layer_changed (AL_LAYER (self));
}

gint64
al_atoms_layer_get_selected (AlAtomsLayer *self)
{
  g_return_val_if_fail (AL_IS_ATOMS_LAYER (self), -1);
  return self->selected;
}

AlLayer *
al_atoms_layer_new (AlResults *results)
{
  AlAtomsLayer *self = g_object_new (AL_TYPE_ATOMS_LAYER, "name", _("Atoms"), NULL);

  al_atoms_layer_set_results (self, results);
  return AL_LAYER (self);
}

void
al_atoms_layer_set_results (AlAtomsLayer *self,
                            AlResults    *results)
{
  g_return_if_fail (AL_IS_ATOMS_LAYER (self));
  if (results == self->results)
    return;
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results != NULL ? al_results_ref (results) : NULL;
  if (results != NULL)
    {
      const AlFrameResult *r = al_results_get_frame (results, self->frame);
      if (r != NULL && nn_px (r) > 0)
        self->nn_hint = nn_px (r);
    }
  al_layer_invalidate (AL_LAYER (self));
}
