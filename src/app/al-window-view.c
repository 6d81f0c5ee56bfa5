/* al-window-view.c: what the window draws and offers over the canvas: the
 * legend and colour bars (AlViewOverlay, toggled by win.show-legend), and
 * the species popover that a right click on an atom opens, listing the
 * material's species as the keys 1–9 choose them. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-overlay-style.h"

#define SWATCH_SIZE_PX 16
#define SWATCH_MARKER_PX 5.0

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  guint species = GPOINTER_TO_UINT (data);
  double rgb[3];

  al_overlay_species_color (species, rgb);
  al_overlay_marker_path (cr, al_overlay_species_shape (species), width / 2.0, height / 2.0,
                          SWATCH_MARKER_PX);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

static GtkWidget *
species_button (GtkPopover *popover,
                const char *name,
                guint       species)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (name);
  g_autofree char *key = g_strdup_printf ("%u", species + 1);
  GtkWidget *accel = gtk_label_new (key);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), SWATCH_SIZE_PX);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), SWATCH_SIZE_PX);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, GUINT_TO_POINTER (species), NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (accel, "dim-label");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), accel);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.set-species");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "i", (int) species);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (gtk_popover_popdown), popover);
  return button;
}

/* The popover's rows: the species of the shown material. */
static void
fill_species_popover (AlWindow *self)
{
  const AlMaterial *material = self->results != NULL ? al_results_get_analysis (self->results)->material : NULL;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *title = gtk_label_new (_("Species"));

  gtk_widget_add_css_class (title, "heading");
  gtk_widget_set_margin_top (title, 6);
  gtk_widget_set_margin_bottom (title, 6);
  gtk_box_append (GTK_BOX (box), title);
  for (guint s = 0; material != NULL && s < material->n_species; s++)
    gtk_box_append (GTK_BOX (box),
                    species_button (GTK_POPOVER (self->species_popover), material->species[s].name, s));
  gtk_popover_set_child (GTK_POPOVER (self->species_popover), box);
}

GtkWidget *
al_window_popup_species (AlWindow *self,
                         double    x,
                         double    y)
{
  double wx, wy;
  gboolean in_box = FALSE;
  gint64 atom;

  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  if (self->document == NULL || al_window_get_analyzing (self))
    return NULL;
  if ((atom = al_window_select_at (self, x, y)) < 0)
    return NULL;
  al_canvas_image_to_widget (self->canvas, x, y, &wx, &wy);
  /* A popover must point into the window: bring an atom out of view in. */
  if (wx < 0 || wy < 0 || wx > gtk_widget_get_width (GTK_WIDGET (self->canvas))
      || wy > gtk_widget_get_height (GTK_WIDGET (self->canvas)))
    al_canvas_center_on (self->canvas, x, y);
  /* On an atom of the box selection the box stays (the species goes to
   * all of it); elsewhere only the atom under the click is chosen. */
  for (guint k = 0; k < self->selection->len && !in_box; k++)
    in_box = g_array_index (self->selection, guint, k) == (guint) atom;
  if (!in_box && self->selection->len > 0)
    {
      g_array_set_size (self->selection, 0);
      al_atoms_layer_set_selection (self->atoms_layer, NULL, 0);
    }
  al_canvas_image_to_widget (self->canvas, x, y, &wx, &wy);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->species_popover),
                               &(GdkRectangle) { (int) wx, (int) wy, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->species_popover));
  return self->species_popover;
}

static void
on_secondary_pressed (GtkGestureClick *click,
                      int              n_press,
                      double           wx,
                      double           wy,
                      AlWindow        *self)
{
  double x, y;

  if (n_press != 1 || !al_canvas_widget_to_image (self->canvas, wx, wy, &x, &y))
    return;
  if (al_window_popup_species (self, x, y) != NULL)
    gtk_gesture_set_state (GTK_GESTURE (click), GTK_EVENT_SEQUENCE_CLAIMED);
}

/* Called after new results are shown (analysis, edit, undo). */
void
_al_window_results_shown (AlWindow *self)
{
  _al_window_defects_results_shown (self);
  _al_window_step_results_shown (self);
  al_view_overlay_set_results (self->view_overlay, self->results);
  fill_species_popover (self);
}

static void
show_legend_changed (GSimpleAction *action,
                     GVariant      *value,
                     gpointer       user_data)
{
  AlWindow *self = user_data;

  g_simple_action_set_state (action, value);
  al_view_overlay_set_show_legend (self->view_overlay, g_variant_get_boolean (value));
}

static const GActionEntry view_actions[] = {
  { "show-legend", NULL, NULL, "true", show_legend_changed },
};

void
_al_window_init_view (AlWindow *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_action_map_add_action_entries (G_ACTION_MAP (self), view_actions, G_N_ELEMENTS (view_actions), self);
  al_view_overlay_set_canvas (self->view_overlay, self->canvas);
  self->species_popover = gtk_popover_new ();
  gtk_widget_add_css_class (self->species_popover, "menu");
  al_view_overlay_add_popover (self->view_overlay, self->species_popover);
  fill_species_popover (self);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect_object (click, "pressed", G_CALLBACK (on_secondary_pressed), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->canvas), GTK_EVENT_CONTROLLER (click));
}
