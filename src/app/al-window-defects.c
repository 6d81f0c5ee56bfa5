/* al-window-defects.c: choosing a defect (a click on its ring, or an atom
 * of it) and correcting it: win.set-defect-type changes its type,
 * win.mark-false-defect removes it as a false detection; both are undoable
 * steps of the document. Defects are renumbered when the structure is
 * recomputed after an edit, so a defect chosen on its own is found again by
 * its centre. */
#include "al-window-private.h"

#include <glib/gi18n.h>
#include <math.h>

#include "al-error.h"
#include "layers/al-defects-layer.h"

/* A recomputed defect is the same one when its centre moved less than
 * this (px): the same member atoms give the same centre. */
#define SAME_DEFECT_PX 0.5

static const AlFrameResult *
shown_frame (AlWindow *self)
{
  return self->results != NULL ? al_results_get_frame (self->results, al_canvas_get_frame (self->canvas))
                                : NULL;
}

static const AlDefects *
shown_defects (AlWindow *self)
{
  const AlFrameResult *r = shown_frame (self);

  return r != NULL && r->structure != NULL ? r->structure->defects : NULL;
}

static AlLayer *
defects_layer (AlWindow *self)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (self->canvas));

  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      if (AL_IS_DEFECTS_LAYER (layer))
        return layer;   /* the canvas's list keeps it alive */
    }
  return NULL;
}

/* Rings the defect's member atoms, so it stands out among its neighbours. */
static void
highlight_members (AlWindow *self,
                   gint64    index)
{
  const AlDefects *defects = shown_defects (self);
  const AlDefect *d;

  if (self->atoms_layer == NULL)
    return;
  if (defects == NULL || index < 0 || index >= al_defects_len (defects))
    {
      al_atoms_layer_set_selection (self->atoms_layer, (const guint *) self->selection->data,
                                    self->selection->len);
      return;
    }
  d = al_defects_get (defects, index);
  al_atoms_layer_set_selection (self->atoms_layer, al_defect_members (defects, d), d->n_members);
}

/* Chooses defect `index`; `reveal`: show the Inspector. */
gint64
_al_window_choose_defect (AlWindow *self,
                          gint64    index,
                          gboolean  reveal)
{
  const AlDefects *defects;

  defects = shown_defects (self);
  if (defects == NULL || index < 0 || index >= al_defects_len (defects))
    index = -1;
  g_array_set_size (self->selection, 0);
  if (self->atoms_layer != NULL)
    al_atoms_layer_set_selected (self->atoms_layer, -1);
  self->defect_chosen = index >= 0;
  if (index >= 0)
    {
      self->defect_x = al_defects_get (defects, index)->x;
      self->defect_y = al_defects_get (defects, index)->y;
    }
  if (index >= 0 && reveal)
    {
      _al_window_reveal_side_panel (self);
      gtk_stack_set_visible_child_name (self->panel_stack, "inspector");
    }
  al_inspector_panel_show_defect (self->inspector_panel, self->results, al_canvas_get_frame (self->canvas),
                                  index);
  highlight_members (self, index);
  _al_window_update_actions (self);
  return index;
}

gint64
al_window_select_defect (AlWindow *self,
                         gint64    index)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  return _al_window_choose_defect (self, index, TRUE);
}

gint64
al_window_get_selected_defect (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  return al_inspector_panel_get_defect (self->inspector_panel);
}

/* A click with the select tool: the defect whose ring it falls in when
 * its centre is nearer than any atom (a vacancy's centre has none), else
 * the atom under it. */
void
_al_window_pick (AlWindow *self,
                 double    x,
                 double    y)
{
  AlLayer *layer = defects_layer (self);
  const AlDefects *defects = shown_defects (self);
  const AlFrameResult *r = shown_frame (self);
  gint64 defect = -1, atom;

  self->defect_chosen = FALSE;
  if (layer != NULL && al_layer_get_visible (layer) && defects != NULL)
    defect = al_layer_hit_test (layer, x, y, 0);
  atom = al_window_select_at (self, x, y);
  if (defect >= 0 && r != NULL)
    {
      const AlDefect *d = al_defects_get (defects, defect);
      double to_defect = hypot (d->x - x, d->y - y);
      if (atom < 0 || to_defect < hypot (r->atoms->x[atom] - x, r->atoms->y[atom] - y))
        al_window_select_defect (self, defect);
    }
}

/* After new results: the defect chosen on its own, found again. */
void
_al_window_defects_results_shown (AlWindow *self)
{
  const AlDefects *defects = shown_defects (self);
  gint64 found = -1;

  if (!self->defect_chosen || al_window_get_selected_atom (self) >= 0)
    {
      self->defect_chosen = FALSE;
      return;
    }
  for (guint k = 0; defects != NULL && k < al_defects_len (defects); k++)
    {
      const AlDefect *d = al_defects_get (defects, k);
      if (hypot (d->x - self->defect_x, d->y - self->defect_y) < SAME_DEFECT_PX)
        found = k;
    }
  _al_window_choose_defect (self, found, FALSE);
}

/* The defect the Inspector shows, by the id its atoms carry. */
static int
chosen_defect_id (AlWindow *self,
                  GError  **error)
{
  const AlDefects *defects = shown_defects (self);
  gint64 index = al_window_get_selected_defect (self);

  if (self->document == NULL || al_window_get_analyzing (self))
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                           _("Analyze the image before correcting its defects"));
      return -1;
    }
  if (defects == NULL || index < 0 || index >= al_defects_len (defects))
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, _("No defect is selected"));
      return -1;
    }
  return (int) al_defects_get (defects, index)->id;
}

gboolean
al_window_set_defect_type (AlWindow     *self,
                           AlDefectType  type,
                           GError      **error)
{
  int id;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if ((id = chosen_defect_id (self, error)) < 0)
    return FALSE;
  return al_document_set_defect_type (self->document, al_canvas_get_frame (self->canvas), id, type, error);
}

gboolean
al_window_mark_false_defect (AlWindow *self,
                             GError  **error)
{
  int id;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if ((id = chosen_defect_id (self, error)) < 0)
    return FALSE;
  return al_document_mark_false_defect (self->document, al_canvas_get_frame (self->canvas), id, error);
}

static void
report (AlWindow *self,
        GError   *error)
{
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static void
set_defect_type_activated (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  g_autoptr (GError) error = NULL;

  al_window_set_defect_type (AL_WINDOW (user_data), g_variant_get_int32 (parameter), &error);
  report (AL_WINDOW (user_data), error);
}

static void
mark_false_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  g_autoptr (GError) error = NULL;

  al_window_mark_false_defect (AL_WINDOW (user_data), &error);
  report (AL_WINDOW (user_data), error);
}

static const GActionEntry defect_actions[] = {
  { "set-defect-type", set_defect_type_activated, "i" },
  { "mark-false-defect", mark_false_activated },
};

void
_al_window_update_defect_actions (AlWindow *self)
{
  gboolean editable = self->document != NULL && !al_window_get_analyzing (self)
                      && al_window_get_selected_defect (self) >= 0;

  for (guint i = 0; i < G_N_ELEMENTS (defect_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), defect_actions[i].name);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), editable);
    }
}

void
_al_window_init_defects (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), defect_actions, G_N_ELEMENTS (defect_actions),
                                   self);
}
