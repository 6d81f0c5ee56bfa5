/* al-defects-layer.c: rings around point defects (with their type name
 * when there is room), polylines along line defects and phase patches.
 * hit_test answers the defect index under a point. */
#include "al-defects-layer.h"

#include <glib/gi18n.h>
#include <math.h>

#include "al-overlay-style.h"

/* Ring radius as a fraction of the nearest-neighbour distance, and the
 * smallest ring on screen (px). */
#define RING_OF_NN 0.9
#define RING_MIN_PX 6.0
#define LINE_WIDTH_PX 2.5
/* Names are written when rings are at least this large on screen (px). */
#define LABEL_MIN_RING_PX 10.0
#define LABEL_FONT_PX 12.0
/* How far a label reaches right of its ring (px): defects this far
 * outside a tile still draw into it. */
#define LABEL_MARGIN_PX 60.0

struct _AlDefectsLayer
{
  AlLayer    parent_instance;
  AlResults *results;
  guint      frame;
};

G_DEFINE_FINAL_TYPE (AlDefectsLayer, al_defects_layer, AL_TYPE_LAYER)

static double
frame_nn_px (const AlFrameResult *r)
{
  return r->structure->bonds != NULL ? r->structure->bonds->nn_px : 0;
}

static void
draw_polyline (cairo_t            *cr,
               const AlCanvasView *view,
               const AlDefects    *defects,
               const AlDefect     *d)
{
  const double *xy = &g_array_index (defects->points, double, 2 * d->first_point);

  for (guint p = 0; p < d->n_points; p++)
    {
      double wx, wy;
      al_canvas_view_to_widget (view, xy[2 * p], xy[2 * p + 1], &wx, &wy);
      if (p == 0)
        cairo_move_to (cr, wx, wy);
      else
        cairo_line_to (cr, wx, wy);
    }
  cairo_stroke (cr);
}

static gpointer
al_defects_layer_capture (AlLayer *layer)
{
  AlDefectsLayer *self = AL_DEFECTS_LAYER (layer);

  return self->results != NULL ? al_results_ref (self->results) : NULL;
}

/* Records the frame shown, for hit tests. */
static void
al_defects_layer_snapshot (AlLayer            *layer,
                           GtkSnapshot        *snapshot,
                           const AlCanvasView *view)
{
  AL_DEFECTS_LAYER (layer)->frame = view->frame;
}

/* Runs in a tile worker (see al-layer.h). */
static void
al_defects_layer_render (gpointer            data,
                         cairo_t            *cr,
                         const AlCanvasView *view)
{
  const AlFrameResult *r = al_results_get_frame (data, view->frame);
  const AlDefects *defects;
  double ring, margin;

  if (r == NULL || r->structure == NULL || r->structure->defects == NULL
      || al_defects_len (r->structure->defects) == 0)
    return;
  defects = r->structure->defects;
  ring = MAX (RING_OF_NN * frame_nn_px (r) * view->zoom, RING_MIN_PX);
  margin = ring / view->zoom + LABEL_MARGIN_PX / view->zoom;
  cairo_set_line_width (cr, LINE_WIDTH_PX);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
  cairo_set_font_size (cr, LABEL_FONT_PX);
  for (guint i = 0; i < al_defects_len (defects); i++)
    {
      const AlDefect *d = al_defects_get (defects, i);
      double rgb[3], wx, wy;

      al_overlay_defect_color (d->type, rgb);
      cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.95);
      if (d->n_points >= 2)
        {
          draw_polyline (cr, view, defects, d);
          continue;
        }
      if (!al_canvas_view_contains (view, d->x, d->y, margin))
        continue;
      al_canvas_view_to_widget (view, d->x, d->y, &wx, &wy);
      cairo_new_sub_path (cr);
      cairo_arc (cr, wx, wy, ring, 0, 2 * G_PI);
      cairo_stroke (cr);
      if (ring >= LABEL_MIN_RING_PX)
        {
          /* A dark halo keeps the name legible on bright and dark lattice. */
          cairo_move_to (cr, wx + ring * 0.75, wy - ring * 0.75);
          cairo_text_path (cr, al_defect_type_name (d->type));
          cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
          cairo_set_line_width (cr, 3);
          cairo_stroke_preserve (cr);
          cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 1);
          cairo_fill (cr);
          cairo_set_line_width (cr, LINE_WIDTH_PX);
        }
    }
}

static gint64
al_defects_layer_hit_test (AlLayer *layer,
                           double   x,
                           double   y,
                           double   radius)
{
  AlDefectsLayer *self = AL_DEFECTS_LAYER (layer);
  const AlFrameResult *r = self->results != NULL ? al_results_get_frame (self->results, self->frame) : NULL;
  double best = G_MAXDOUBLE;
  gint64 found = -1;

  if (r == NULL || r->structure == NULL || r->structure->defects == NULL)
    return -1;
  radius = MAX (radius, RING_OF_NN * frame_nn_px (r));
  for (guint i = 0; i < al_defects_len (r->structure->defects); i++)
    {
      const AlDefect *d = al_defects_get (r->structure->defects, i);
      double dist = hypot (d->x - x, d->y - y);
      if (dist <= radius && dist < best)
        best = dist, found = i;
    }
  return found;
}

static void
al_defects_layer_finalize (GObject *object)
{
  g_clear_pointer (&AL_DEFECTS_LAYER (object)->results, al_results_unref);
  G_OBJECT_CLASS (al_defects_layer_parent_class)->finalize (object);
}

static void
al_defects_layer_class_init (AlDefectsLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_defects_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_defects_layer_snapshot;
  AL_LAYER_CLASS (klass)->hit_test = al_defects_layer_hit_test;
  AL_LAYER_CLASS (klass)->capture = al_defects_layer_capture;
  AL_LAYER_CLASS (klass)->release = (GDestroyNotify) al_results_unref;
  AL_LAYER_CLASS (klass)->render = al_defects_layer_render;
}

static void
al_defects_layer_init (AlDefectsLayer *self)
{
}

AlLayer *
al_defects_layer_new (AlResults *results)
{
  AlDefectsLayer *self = g_object_new (AL_TYPE_DEFECTS_LAYER, "name", _("Defects"), NULL);

  al_defects_layer_set_results (self, results);
  return AL_LAYER (self);
}

void
al_defects_layer_set_results (AlDefectsLayer *self,
                              AlResults      *results)
{
  g_return_if_fail (AL_IS_DEFECTS_LAYER (self));
  if (results == self->results)
    return;
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results != NULL ? al_results_ref (results) : NULL;
  al_layer_invalidate (AL_LAYER (self));
}
