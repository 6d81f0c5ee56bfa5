/* al-window-results.c: finished results on screen: the overlay layers made
 * or given new results, the panels filled, the layer and panel asked for
 * shown, and the atom picked by a click. */
#include "al-window-private.h"

#include <math.h>

#include "layers/al-atoms-layer.h"
#include "layers/al-bonds-layer.h"
#include "layers/al-defects-layer.h"
#include "plots/al-denoised-layer.h"
#include "plots/al-map-layer.h"
#include "plots/al-phase-layer.h"

/* The result layers get `results`: made the first time (bottom to top:
 * the denoised image, the detection map and the phase map, hidden at first, bonds under the atoms they join,
 * defects on top), else kept with their
 * visibility, opacity and tiles, which show until the new ones are
 * rendered. */
static void
update_layers (AlWindow  *self,
               AlResults *results)
{
  GListStore *layers = al_canvas_get_layers (self->canvas);
  AlLayer *made[6];

  if (self->atoms_layer != NULL)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (layers)); i++)
        {
          g_autoptr (AlLayer) layer = g_list_model_get_item (G_LIST_MODEL (layers), i);
          if (AL_IS_BONDS_LAYER (layer))
            al_bonds_layer_set_results (AL_BONDS_LAYER (layer), results);
          else if (AL_IS_ATOMS_LAYER (layer))
            al_atoms_layer_set_results (AL_ATOMS_LAYER (layer), results);
          else if (AL_IS_DEFECTS_LAYER (layer))
            al_defects_layer_set_results (AL_DEFECTS_LAYER (layer), results);
          else if (AL_IS_PHASE_LAYER (layer))
            al_phase_layer_set_results (AL_PHASE_LAYER (layer), results);
          else if (AL_IS_MAP_LAYER (layer))
            al_map_layer_set_results (AL_MAP_LAYER (layer), results);
          else if (AL_IS_DENOISED_LAYER (layer))
            al_denoised_layer_set_results (AL_DENOISED_LAYER (layer), results);
        }
      return;
    }
  made[0] = al_denoised_layer_new (results);
  made[1] = al_map_layer_new (results);
  made[2] = al_phase_layer_new (results);
  made[3] = al_bonds_layer_new (results);
  made[4] = al_atoms_layer_new (results);
  made[5] = al_defects_layer_new (results);
  g_list_store_splice (layers, 0, g_list_model_get_n_items (G_LIST_MODEL (layers)),
                       (gpointer *) made, G_N_ELEMENTS (made));
  self->atoms_layer = AL_ATOMS_LAYER (made[4]);
  for (guint i = 0; i < G_N_ELEMENTS (made); i++)
    g_object_unref (made[i]);
}

/* Shows `results` (ownership taken; NULL: none) as layers and panel rows.
 * After an edit (`keep`) the selection stays. */
void
_al_window_show_results (AlWindow  *self,
                         AlResults *results,
                         gboolean   keep)
{
  guint frame = al_canvas_get_frame (self->canvas);
  const AlFrameResult *r = results != NULL ? al_results_get_frame (results, frame) : NULL;
  gint64 selected = keep ? al_window_get_selected_atom (self) : -1;

  if (!keep)
    _al_window_drop_recomputes (self);
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results;
  if (results == NULL)
    {
      g_list_store_remove_all (al_canvas_get_layers (self->canvas));
      self->atoms_layer = NULL;
      al_inspector_panel_show_atom (self->inspector_panel, NULL, 0, -1);
      al_classification_panel_set_results (self->classification_panel, NULL, 0);
      _al_window_update_actions (self);
      g_signal_emit (self, _al_window_signals[AL_WINDOW_RESULTS_CHANGED], 0);
      return;
    }
  update_layers (self, results);
  if (r == NULL || selected < 0 || (guint64) selected >= r->atoms->n_atoms)
    selected = -1;
  al_atoms_layer_set_selected (self->atoms_layer, selected);
  al_inspector_panel_show_atom (self->inspector_panel, results, frame, selected);
  al_classification_panel_set_results (self->classification_panel, results, frame);
  _al_window_results_shown (self);
  _al_window_update_actions (self);
  g_signal_emit (self, _al_window_signals[AL_WINDOW_RESULTS_CHANGED], 0);
}

/* Results whose structure a worker is recomputing (ownership taken): the
 * atoms layer shows their atoms, selection and picking use them; the
 * other layers and the panels wait for the complete results. */
void
_al_window_show_interim (AlWindow  *self,
                         AlResults *results)
{
  const AlFrameResult *r = al_results_get_frame (results, al_canvas_get_frame (self->canvas));
  gint64 selected = al_window_get_selected_atom (self);

  g_clear_pointer (&self->results, al_results_unref);
  self->results = results;
  if (self->atoms_layer != NULL)
    {
      al_atoms_layer_set_results (self->atoms_layer, results);
      if (r == NULL || selected < 0 || (guint64) selected >= r->atoms->n_atoms)
        al_atoms_layer_set_selected (self->atoms_layer, -1);
    }
  _al_window_update_actions (self);
}

void
_al_window_clear_results (AlWindow *self)
{
  al_window_cancel (self);
  g_clear_error (&self->analysis_error);
  _al_window_clear_document (self);
  _al_window_show_results (self, NULL, FALSE);
}

/* TRUE when `name` is `wanted`, any case, a dash standing for a space
 * (so that "phase-map" needs no quoting in a shell). */
static gboolean
layer_name_is (const char *name,
               const char *wanted)
{
  for (; *name != '\0' && *wanted != '\0'; name++, wanted++)
    if (g_ascii_tolower (*name) != g_ascii_tolower (*wanted) && !(*name == ' ' && *wanted == '-'))
      return FALSE;
  return *name == *wanted;
}

/* The layer asked for, if any, is shown. */
void
_al_window_show_result_layer (AlWindow *self)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (self->canvas));

  for (guint i = 0; self->result_layer != NULL && i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      if (layer_name_is (al_layer_get_name (layer), self->result_layer))
        al_layer_set_visible (layer, TRUE);
    }
}

/* The panel asked for (classification by default); the Inspector with the
 * atom nearest the image centre, so it has something to show. */
void
_al_window_show_result_panel (AlWindow *self)
{
  const char *panel = self->result_panel != NULL ? self->result_panel : "classification";
  const AlImage *image = al_raster_get_image (self->raster);

  if (g_str_equal (panel, "inspector"))
    {
      const AlFrameResult *r = al_results_get_frame (self->results, al_canvas_get_frame (self->canvas));
      double cx = image->width / 2.0, cy = image->height / 2.0, best = G_MAXDOUBLE;
      gint64 atom = -1;

      for (guint i = 0; r != NULL && i < r->atoms->n_atoms; i++)
        {
          double d = hypot (r->atoms->x[i] - cx, r->atoms->y[i] - cy);
          if (d < best)
            best = d, atom = i;
        }
      if (atom >= 0)
        al_window_select_at (self, r->atoms->x[atom], r->atoms->y[atom]);
    }
  if (gtk_stack_get_child_by_name (self->panel_stack, panel) != NULL)
    gtk_stack_set_visible_child_name (self->panel_stack, panel);
}

static void
on_after_paint (GdkFrameClock *clock,
                AlWindow      *self)
{
  g_signal_handlers_disconnect_by_func (clock, on_after_paint, self);
  self->side_panel_pending = FALSE;
  _al_window_reveal_side_panel (self);
}

/* AdwFlap (libadwaita 1.2) starts its reveal spring with a velocity
 * divided by the flap's allocated width: 0/0 when the window is mapped
 * but not yet laid out (an Analyze started at once, the first frame late
 * under load). The progress then stays NaN and the flap allocates its
 * children INT_MIN wide. So, until the flap has a size, the reveal waits
 * for the end of the next frame, when layout is done; unmapped, the
 * animation is skipped and revealing at once is safe. */
void
_al_window_reveal_side_panel (AlWindow *self)
{
  GtkWidget *flap = GTK_WIDGET (self->flap);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (flap);

  if (adw_flap_get_reveal_flap (self->flap) || self->side_panel_pending)
    return;
  if (!gtk_widget_get_mapped (flap) || gtk_widget_get_width (flap) > 0 || clock == NULL)
    {
      adw_flap_set_reveal_flap (self->flap, TRUE);
      return;
    }
  self->side_panel_pending = TRUE;
  g_signal_connect_object (clock, "after-paint", G_CALLBACK (on_after_paint), self, 0);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
}

void
al_window_set_result_layer (AlWindow   *self,
                            const char *name)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  g_free (self->result_layer);
  self->result_layer = g_strdup (name);
}

void
al_window_set_result_panel (AlWindow   *self,
                            const char *panel)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  g_free (self->result_panel);
  self->result_panel = g_strdup (panel);
}

void
al_window_set_results (AlWindow  *self,
                       AlResults *results)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  /* Results from elsewhere have no document: nothing to correct. */
  _al_window_clear_document (self);
  _al_window_show_results (self, results != NULL ? al_results_ref (results) : NULL, FALSE);
}

AlResults *
al_window_get_results (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->results;
}

/* A click selects atoms within this distance on screen (px), or within
 * half the bond length when that is larger. */
#define SELECT_RADIUS_PX 8.0

gint64
al_window_select_at (AlWindow *self,
                     double    x,
                     double    y)
{
  const AlFrameResult *r;
  double radius;
  gint64 atom;

  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  if (self->results == NULL || self->atoms_layer == NULL)
    return -1;
  r = al_results_get_frame (self->results, al_canvas_get_frame (self->canvas));
  radius = SELECT_RADIUS_PX / al_canvas_get_zoom (self->canvas);
  if (r != NULL && r->structure != NULL && r->structure->bonds != NULL)
    radius = MAX (radius, r->structure->bonds->nn_px / 2);
  atom = al_layer_hit_test (AL_LAYER (self->atoms_layer), x, y, radius);
  al_atoms_layer_set_selected (self->atoms_layer, atom);
  al_inspector_panel_show_atom (self->inspector_panel, self->results,
                                al_canvas_get_frame (self->canvas), atom);
  _al_window_update_actions (self);
  if (atom >= 0)
    {
      _al_window_reveal_side_panel (self);
      gtk_stack_set_visible_child_name (self->panel_stack, "inspector");
    }
  return atom;
}

gint64
al_window_get_selected_atom (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  return self->atoms_layer != NULL ? al_atoms_layer_get_selected (self->atoms_layer) : -1;
}
