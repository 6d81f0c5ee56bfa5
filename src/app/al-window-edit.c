/* al-window-edit.c: hand corrections. The window's AlDocument holds the
 * atoms and their undo history; every edit goes through it, and when a
 * frame's atoms change (an edit, undo or redo) its bonds and defects are
 * recomputed in a worker (al-window-recompute.c) and shown as new results
 * over the old ones. The canvas tool
 * (win.tool) decides what a click does: select, add an atom, move the
 * selected atom there, or delete the atom under it; and what a drag does:
 * select the atoms in a box, or move the atom it began on. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "al-error.h"

static const AlFrameResult *
shown_frame (AlWindow *self,
             guint     frame)
{
  return self->results != NULL ? al_results_get_frame (self->results, frame) : NULL;
}

static void
set_selection (AlWindow    *self,
               const guint *atoms,
               guint        n_atoms)
{
  g_array_set_size (self->selection, 0);
  g_array_append_vals (self->selection, atoms, n_atoms);
  if (self->atoms_layer != NULL)
    al_atoms_layer_set_selection (self->atoms_layer, atoms, n_atoms);
  _al_window_update_actions (self);
}

static void
on_document_frame_changed (AlDocument *doc,
                           guint       frame,
                           AlWindow   *self)
{
  /* Indices may have shifted. */
  set_selection (self, NULL, 0);
  _al_window_recompute_frame (self, frame);
}

static void
on_document_changed (AlWindow *self)
{
  _al_window_update_title (self);
  _al_window_update_actions (self);
}

void
_al_window_clear_document (AlWindow *self)
{
  if (self->document != NULL)
    g_signal_handlers_disconnect_by_data (self->document, self);
  g_clear_object (&self->document);
}

static void
attach_document (AlWindow   *self,
                 AlDocument *doc)
{
  _al_window_clear_document (self);
  self->document = g_object_ref (doc);
  g_signal_connect (doc, "frame-changed", G_CALLBACK (on_document_frame_changed), self);
  g_signal_connect_swapped (doc, "changed", G_CALLBACK (on_document_changed), self);
}

void
_al_window_set_document (AlWindow   *self,
                         AlDocument *doc,
                         AlResults  *results)
{
  const AlMaterial *material = al_document_get_material (doc);
  double nm = al_document_get_pixel_size_override (doc);

  attach_document (self, doc);
  if (material != NULL)
    gtk_drop_down_set_selected (self->material_dropdown, material->id + 1);
  if (nm > 0 && self->raster != NULL)
    al_raster_set_pixel_size (self->raster, nm);
  _al_window_show_results (self, al_results_ref (results), FALSE);
  on_document_changed (self);
}

/* A new document holding a finished analysis: made in the analysis worker
 * (the image copy and the atoms' copies cost the main thread nothing). */
AlDocument *
_al_window_document_for_analysis (const AlImage    *image,
                                  const AlAnalysis *analysis)
{
  AlDocument *doc = al_document_new (al_image_copy (image));

  if (analysis->material != NULL)
    al_document_set_material (doc, analysis->material);
  for (guint i = 0; i < analysis->frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (analysis->frames, i);
      al_document_apply_analysis (doc, r->frame, al_atoms_copy (r->atoms));
    }
  return doc;
}

/* A finished analysis: into the window's document, keeping hand edits made
 * since it began (the core merges them), or, when the window has none, with
 * `fresh`, the document the worker made of it. */
void
_al_window_take_analysis (AlWindow   *self,
                          AlResults  *results,
                          AlDocument *fresh)
{
  const AlAnalysis *analysis = al_results_get_analysis (results);

  if (self->document == NULL)
    {
      g_autoptr (AlDocument) doc = fresh != NULL ? g_object_ref (fresh)
                                                 : _al_window_document_for_analysis (al_raster_get_image (self->raster),
                                                                                     analysis);
      attach_document (self, doc);
      _al_window_show_results (self, al_results_ref (results), FALSE);
    }
  else
    {
      if (analysis->material != NULL)
        al_document_set_material (self->document, analysis->material);
      _al_window_show_results (self, al_results_ref (results), FALSE);
      /* The merged atoms (hand edits kept) differ from the analysis's:
       * "frame-changed" recomputes their bonds and defects. */
      for (guint i = 0; i < analysis->frames->len; i++)
        {
          const AlFrameResult *r = g_ptr_array_index (analysis->frames, i);
          al_document_apply_analysis (self->document, r->frame, al_atoms_copy (r->atoms));
        }
    }
  on_document_changed (self);
  _al_window_autosave (self);
}

AlDocument *
al_window_get_document (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->document;
}

static gboolean
check_editable (AlWindow *self,
                GError  **error)
{
  if (self->document == NULL || al_window_get_analyzing (self))
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                           _("Analyze the image before correcting its atoms"));
      return FALSE;
    }
  return TRUE;
}

/* The species a new atom gets: the selected atom's, else the first. */
static int
new_atom_species (AlWindow *self)
{
  const AlFrameResult *r = shown_frame (self, al_canvas_get_frame (self->canvas));
  gint64 sel = al_window_get_selected_atom (self);

  if (r != NULL && sel >= 0 && (guint64) sel < r->atoms->n_atoms)
    return MAX (0, r->atoms->species[sel]);
  return 0;
}

gint64
al_window_add_atom (AlWindow *self,
                    double    x,
                    double    y,
                    GError  **error)
{
  guint frame = al_canvas_get_frame (self->canvas), index = 0;

  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  if (!check_editable (self, error)
      || !al_document_add_atom (self->document, frame, x, y, new_atom_species (self), &index, error))
    return -1;
  al_atoms_layer_set_selected (self->atoms_layer, index);
  return index;
}

gboolean
al_window_move_selected (AlWindow *self,
                         double    x,
                         double    y,
                         GError  **error)
{
  gint64 sel = al_window_get_selected_atom (self);

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (!check_editable (self, error))
    return FALSE;
  if (sel < 0)
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, _("No atom is selected"));
      return FALSE;
    }
  return al_document_move_atom (self->document, al_canvas_get_frame (self->canvas), sel, x, y,
                                error);
}

/* What Delete and the species keys act on: the box selection, else the
 * selected atom. */
static GArray *
targets (AlWindow *self,
         GError  **error)
{
  gint64 sel = al_window_get_selected_atom (self);
  GArray *atoms = g_array_new (FALSE, FALSE, sizeof (guint));

  if (self->selection->len > 0)
    g_array_append_vals (atoms, self->selection->data, self->selection->len);
  else if (sel >= 0)
    {
      guint index = (guint) sel;
      g_array_append_val (atoms, index);
    }
  else
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, _("No atom is selected"));
      g_clear_pointer (&atoms, g_array_unref);
    }
  return atoms;
}

gboolean
al_window_delete_selected (AlWindow *self,
                           GError  **error)
{
  g_autoptr (GArray) atoms = NULL;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (!check_editable (self, error) || (atoms = targets (self, error)) == NULL)
    return FALSE;
  al_atoms_layer_set_selected (self->atoms_layer, -1);
  return al_document_delete_atoms (self->document, al_canvas_get_frame (self->canvas),
                                   (const guint *) atoms->data, atoms->len, error);
}

gboolean
al_window_set_selected_species (AlWindow *self,
                                int       species,
                                GError  **error)
{
  g_autoptr (GArray) atoms = NULL;
  g_autoptr (GArray) kept = NULL;
  gboolean ok;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (!check_editable (self, error) || (atoms = targets (self, error)) == NULL)
    return FALSE;
  /* The box stays selected, so the next key can correct it again. */
  kept = g_array_copy (self->selection);
  ok = al_document_set_species (self->document, al_canvas_get_frame (self->canvas),
                                (const guint *) atoms->data, atoms->len, species, error);
  set_selection (self, (const guint *) kept->data, kept->len);
  return ok;
}

guint
al_window_select_box (AlWindow *self,
                      double    x0,
                      double    y0,
                      double    x1,
                      double    y1)
{
  const AlFrameResult *r;
  g_autoptr (GArray) inside = g_array_new (FALSE, FALSE, sizeof (guint));

  g_return_val_if_fail (AL_IS_WINDOW (self), 0);
  r = shown_frame (self, al_canvas_get_frame (self->canvas));
  for (guint i = 0; r != NULL && i < r->atoms->n_atoms; i++)
    if (r->atoms->x[i] >= MIN (x0, x1) && r->atoms->x[i] <= MAX (x0, x1)
        && r->atoms->y[i] >= MIN (y0, y1) && r->atoms->y[i] <= MAX (y0, y1))
      g_array_append_val (inside, i);
  if (self->atoms_layer != NULL)
    al_atoms_layer_set_selected (self->atoms_layer, -1);
  set_selection (self, (const guint *) inside->data, inside->len);
  _al_window_update_actions (self);
  return inside->len;
}

GArray *
al_window_get_selection (AlWindow *self)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), NULL);
  return self->selection;
}

/* A drag with the move tool: the atom it began on goes where it ended. */
static void
move_dragged (AlWindow *self,
              double    x0,
              double    y0,
              double    x1,
              double    y1,
              GError  **error)
{
  if (al_window_select_at (self, x0, y0) >= 0)
    al_window_move_selected (self, x1, y1, error);
}

static void
on_canvas_dragged (AlCanvas *canvas,
                   double    x0,
                   double    y0,
                   double    x1,
                   double    y1,
                   AlWindow *self)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "tool");
  const char *tool = g_variant_get_string (state, NULL);
  g_autoptr (GError) error = NULL;

  if (g_str_equal (tool, "move"))
    move_dragged (self, x0, y0, x1, y1, &error);
  else if (g_str_equal (tool, "select"))
    al_window_select_box (self, x0, y0, x1, y1);
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

/* An edit the user asked for that the core refused: say why. */
static void
report (AlWindow *self,
        GError   *error)
{
  if (error != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

void
_al_window_canvas_clicked (AlWindow *self,
                           double    x,
                           double    y)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "tool");
  const char *tool = g_variant_get_string (state, NULL);
  g_autoptr (GError) error = NULL;

  if (g_str_equal (tool, "add"))
    al_window_add_atom (self, x, y, &error);
  else if (g_str_equal (tool, "move") && al_window_get_selected_atom (self) >= 0)
    al_window_move_selected (self, x, y, &error);
  else if (g_str_equal (tool, "delete"))
    {
      if (al_window_select_at (self, x, y) >= 0)
        al_window_delete_selected (self, &error);
    }
  else
    {
      set_selection (self, NULL, 0);
      _al_window_pick (self, x, y);
    }
  report (self, error);
}

static void
undo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AlWindow *self = user_data;

  if (self->document != NULL)
    al_document_undo (self->document);
}

static void
redo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  AlWindow *self = user_data;

  if (self->document != NULL)
    al_document_redo (self->document);
}

static void
delete_activated (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  g_autoptr (GError) error = NULL;

  al_window_delete_selected (AL_WINDOW (user_data), &error);
  report (AL_WINDOW (user_data), error);
}

static void
set_species_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  g_autoptr (GError) error = NULL;

  al_window_set_selected_species (AL_WINDOW (user_data), g_variant_get_int32 (parameter), &error);
  report (AL_WINDOW (user_data), error);
}

static void
tool_changed (GSimpleAction *action,
              GVariant      *value,
              gpointer       user_data)
{
  const char *tool = g_variant_get_string (value, NULL);

  if (g_str_equal (tool, "select") || g_str_equal (tool, "add") || g_str_equal (tool, "move")
      || g_str_equal (tool, "delete") || g_str_equal (tool, "lasso"))
    {
      AlWindow *self = user_data;
      g_simple_action_set_state (action, value);
      /* Select, lasso and move use the drag; with the others it pans. */
      al_canvas_set_drag_pans (self->canvas, !g_str_equal (tool, "select") && !g_str_equal (tool, "move")
                                             && !g_str_equal (tool, "lasso"));
    }
}

static const GActionEntry edit_actions[] = {
  { "undo", undo_activated },
  { "redo", redo_activated },
  { "delete-atom", delete_activated },
  { "set-species", set_species_activated, "i" },
  { "tool", NULL, "s", "'select'", tool_changed },
};

void
_al_window_update_edit_actions (AlWindow *self)
{
  gboolean editable = self->document != NULL && !al_window_get_analyzing (self);
  gboolean selected = editable && (al_window_get_selected_atom (self) >= 0 || self->selection->len > 0);
  const char *names[] = { "undo", "redo", "delete-atom", "set-species" };
  gboolean enabled[] = {
    editable && al_document_can_undo (self->document),
    editable && al_document_can_redo (self->document),
    selected, selected,
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), names[i]);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled[i]);
    }
  _al_window_update_defect_actions (self);
  _al_window_update_step_actions (self);
}

void
_al_window_init_edit (AlWindow *self)
{
  self->selection = g_array_new (FALSE, FALSE, sizeof (guint));
  g_action_map_add_action_entries (G_ACTION_MAP (self), edit_actions, G_N_ELEMENTS (edit_actions),
                                   self);
  al_canvas_set_drag_pans (self->canvas, FALSE);   /* the select tool's box */
  g_signal_connect_object (self->canvas, "dragged", G_CALLBACK (on_canvas_dragged), self, 0);
}
