/* al-window-lasso.c: the lasso tool (win.tool 'lasso'): a drag draws a
 * free outline over the canvas, and the atoms inside it (even–odd rule)
 * become the selection that Delete and the species keys act on, as a box
 * does. */
#include "al-window-private.h"

#include <math.h>

/* A new outline vertex once the pointer moved this far on screen (px):
 * smooth enough, and a long lasso stays a few hundred vertices. */
#define LASSO_STEP_PX 3.0

/* Even–odd test of (x, y) against the closed polygon xy[0..n). */
static gboolean
inside (const double *xy,
        guint         n,
        double        x,
        double        y)
{
  gboolean in = FALSE;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        in = !in;
    }
  return in;
}

guint
al_window_select_lasso (AlWindow     *self,
                        const double *xy,
                        guint         n_points)
{
  const AlFrameResult *r;
  g_autoptr (GArray) chosen = g_array_new (FALSE, FALSE, sizeof (guint));
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;

  g_return_val_if_fail (AL_IS_WINDOW (self), 0);
  r = self->results != NULL ? al_results_get_frame (self->results, al_canvas_get_frame (self->canvas)) : NULL;
  for (guint k = 0; k < n_points; k++)
    {
      x0 = MIN (x0, xy[2 * k]), x1 = MAX (x1, xy[2 * k]);
      y0 = MIN (y0, xy[2 * k + 1]), y1 = MAX (y1, xy[2 * k + 1]);
    }
  for (guint i = 0; r != NULL && n_points >= 3 && i < r->atoms->n_atoms; i++)
    {
      double x = r->atoms->x[i], y = r->atoms->y[i];
      /* The bounding box first: most atoms are far outside. */
      if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && inside (xy, n_points, x, y))
        g_array_append_val (chosen, i);
    }
  g_array_set_size (self->selection, 0);
  g_array_append_vals (self->selection, chosen->data, chosen->len);
  if (self->atoms_layer != NULL)
    {
      al_atoms_layer_set_selected (self->atoms_layer, -1);
      al_atoms_layer_set_selection (self->atoms_layer, (const guint *) chosen->data, chosen->len);
    }
  _al_window_update_actions (self);
  return chosen->len;
}

static gboolean
lasso_tool (AlWindow *self)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "tool");

  return g_str_equal (g_variant_get_string (state, NULL), "lasso");
}

static void
add_point (AlWindow *self,
           double    wx,
           double    wy)
{
  double x, y;

  al_canvas_widget_to_image (self->canvas, wx, wy, &x, &y);
  if (self->lasso->len >= 2)
    {
      double lx = g_array_index (self->lasso, double, self->lasso->len - 2);
      double ly = g_array_index (self->lasso, double, self->lasso->len - 1);
      if (hypot (lx - x, ly - y) * al_canvas_get_zoom (self->canvas) < LASSO_STEP_PX)
        return;
    }
  g_array_append_val (self->lasso, x);
  g_array_append_val (self->lasso, y);
  al_view_overlay_set_path (self->view_overlay, (const double *) self->lasso->data, self->lasso->len / 2);
}

static void
on_drag_begin (GtkGestureDrag *drag,
               double          wx,
               double          wy,
               AlWindow       *self)
{
  g_array_set_size (self->lasso, 0);
  if (!lasso_tool (self) || self->results == NULL
      || gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (drag)) != GDK_BUTTON_PRIMARY)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  add_point (self, wx, wy);
}

static void
on_drag_update (GtkGestureDrag *drag,
                double          dx,
                double          dy,
                AlWindow       *self)
{
  double sx, sy;

  if (self->lasso->len == 0 || !gtk_gesture_drag_get_start_point (drag, &sx, &sy))
    return;
  add_point (self, sx + dx, sy + dy);
}

static void
on_drag_end (GtkGestureDrag *drag,
             double          dx,
             double          dy,
             AlWindow       *self)
{
  if (self->lasso->len >= 6)
    al_window_select_lasso (self, (const double *) self->lasso->data, self->lasso->len / 2);
  g_array_set_size (self->lasso, 0);
  al_view_overlay_set_path (self->view_overlay, NULL, 0);
}

void
_al_window_init_lasso (AlWindow *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->lasso = g_array_new (FALSE, FALSE, sizeof (double));
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin), self, 0);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update), self, 0);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_drag_end), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (drag));
}
