/* al-canvas-input.c: pointer, wheel, touchpad and touch input: zoom about
 * the pointer (wheel, Ctrl+scroll, pinch), pan (drag with the primary or
 * middle button, touchpad scroll), and the pointer position that the status
 * line reads. */
#include "al-canvas-private.h"

#include <math.h>

/* Touchpad scrolling is in surface pixels; a Ctrl+scroll of this many
 * pixels zooms by one AL_CANVAS_ZOOM_STEP. */
#define SMOOTH_SCROLL_PIXELS_PER_STEP 40.0

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           AlCanvas                 *self)
{
  self->pointer_wx = x;
  self->pointer_wy = y;
  self->pointer_inside = TRUE;
  _al_canvas_pointer_changed (self);
}

static void
on_leave (GtkEventControllerMotion *motion,
          AlCanvas                 *self)
{
  self->pointer_inside = FALSE;
  _al_canvas_pointer_changed (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           AlCanvas                 *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  gboolean smooth = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_SURFACE;
  double factor;

  if (self->raster == NULL)
    return FALSE;
  /* A touchpad pans unless Ctrl is held; a wheel always zooms, as image
   * viewers do. */
  if (smooth && !(state & GDK_CONTROL_MASK))
    {
      al_canvas_pan_by (self, -dx, -dy);
      return TRUE;
    }
  if (smooth)
    factor = pow (AL_CANVAS_ZOOM_STEP, -dy / SMOOTH_SCROLL_PIXELS_PER_STEP);
  else
    factor = pow (AL_CANVAS_ZOOM_STEP, -dy);
  al_canvas_zoom_about (self, self->zoom * factor, self->pointer_wx, self->pointer_wy);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *drag,
               double          x,
               double          y,
               AlCanvas       *self)
{
  if (self->raster == NULL)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_start_x = self->offset_x;
  self->drag_start_y = self->offset_y;
  self->drag_panning = self->drag_pans
    || gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (drag)) == GDK_BUTTON_MIDDLE;
  al_canvas_widget_to_image (self, x, y, &self->drag_image_x, &self->drag_image_y);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), self->drag_panning ? "grabbing" : "crosshair");
}

static void
on_drag_update (GtkGestureDrag *drag,
                double          dx,
                double          dy,
                AlCanvas       *self)
{
  if (!self->drag_panning)
    return;
  /* One view change per event: pan by what is left to reach the target. */
  al_canvas_pan_by (self, (self->offset_x - (self->drag_start_x - dx / self->zoom)) * self->zoom,
                    (self->offset_y - (self->drag_start_y - dy / self->zoom)) * self->zoom);
}

static void
on_drag_end (GtkGestureDrag *drag,
             double          dx,
             double          dy,
             AlCanvas       *self)
{
  double sx, sy, x1, y1;

  gtk_widget_set_cursor (GTK_WIDGET (self), NULL);
  if (self->drag_panning || self->raster == NULL || (dx == 0 && dy == 0))
    return;
  gtk_gesture_drag_get_start_point (drag, &sx, &sy);
  al_canvas_widget_to_image (self, sx + dx, sy + dy, &x1, &y1);
  _al_canvas_dragged (self, self->drag_image_x, self->drag_image_y, x1, y1);
}

static void
on_pinch_begin (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                AlCanvas         *self)
{
  self->pinch_start_zoom = self->zoom;
}

static void
on_pinch_scale_changed (GtkGestureZoom *gesture,
                        double          scale,
                        AlCanvas       *self)
{
  double cx, cy;

  if (self->raster == NULL)
    return;
  if (!gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &cx, &cy))
    cx = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0,
    cy = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  al_canvas_zoom_about (self, self->pinch_start_zoom * scale, cx, cy);
}

static void
on_click_released (GtkGestureClick *click,
                   int              n_press,
                   double           wx,
                   double           wy,
                   AlCanvas        *self)
{
  double x, y;

  /* A click that became a drag is cancelled by GTK and never gets here. */
  if (n_press != 1 || self->raster == NULL)
    return;
  al_canvas_widget_to_image (self, wx, wy, &x, &y);
  _al_canvas_clicked (self, x, y);
}

void
_al_canvas_init_input (AlCanvas *self)
{
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  /* Any button pans for now; editing tools will take the primary button. */
  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), GDK_BUTTON_PRIMARY);
  g_signal_connect (gesture, "released", G_CALLBACK (on_click_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_pinch_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_pinch_scale_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (gesture));
}
