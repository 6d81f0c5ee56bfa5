/* test-edit.c: hand corrections from the window on an analysed simulated
 * MoS2 image: add (a click with the add tool), move, delete and set the
 * species of atoms, one at a time or a box of them, each undone and redone
 * through win.undo / win.redo; the panel counts, the title and the actions
 * follow the document. */
#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "edit-fixture.h"

static void
test_add_undo (Fixture       *fx,
               gconstpointer  data)
{
  guint n0 = fx_shown_atoms (fx)->n_atoms, k;
  const AlAtoms *atoms;
  const char *title;

  g_assert_cmpuint (n0, >, 300);
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0);
  g_assert_nonnull (al_window_get_document (fx->window));
  g_assert_false (fx_enabled (fx, "undo"));
  g_assert_false (fx_enabled (fx, "redo"));
  /* An analysis not yet saved: the title says so. */
  title = gtk_window_get_title (GTK_WINDOW (fx->window));
  g_assert_true (g_str_has_prefix (title, "• "));

  fx_set_tool (fx, "add");
  fx_click (fx, 40.25, 50.5);
  atoms = fx_shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0 + 1);
  k = (guint) al_window_get_selected_atom (fx->window);
  g_assert_cmpfloat (atoms->x[k], ==, 40.25);
  g_assert_cmpfloat (atoms->y[k], ==, 50.5);
  g_assert_true (atoms->flags[k] & AL_ATOM_ADDED_BY_HAND);
  g_assert_true (fx_enabled (fx, "undo"));

  fx_act (fx, "undo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0);
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0);
  g_assert_false (fx_enabled (fx, "undo"));
  fx_act (fx, "redo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0 + 1);
  fx_act (fx, "undo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0);
}

static void
test_move_species_delete (Fixture       *fx,
                          gconstpointer  data)
{
  const AlAtoms *atoms = fx_shown_atoms (fx);
  guint n0 = atoms->n_atoms, k = fx_inner_atom (atoms);
  double x0 = atoms->x[k], y0 = atoms->y[k];
  int s0 = atoms->species[k], s1 = s0 == 0 ? 1 : 0;
  g_autoptr (GVariant) species = g_variant_ref_sink (g_variant_new_int32 (s1));

  /* Select with a click, then move it with the move tool. */
  fx_set_tool (fx, "select");
  g_assert_false (fx_enabled (fx, "delete-atom"));
  fx_click (fx, x0 + 0.3, y0 - 0.2);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);
  g_assert_true (fx_enabled (fx, "delete-atom"));
  fx_set_tool (fx, "move");
  fx_click (fx, x0 + 1.5, y0 - 1.0);
  atoms = fx_shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0);
  g_assert_cmpfloat (atoms->x[k], ==, x0 + 1.5);
  g_assert_cmpfloat (atoms->y[k], ==, y0 - 1.0);
  g_assert_true (atoms->flags[k] & AL_ATOM_MOVED_BY_HAND);
  fx_act (fx, "undo");
  atoms = fx_shown_atoms (fx);
  g_assert_cmpfloat (atoms->x[k], ==, x0);
  g_assert_cmpfloat (atoms->y[k], ==, y0);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);

  /* Species: the key 1–9 actions. */
  g_assert_true (fx_enabled (fx, "set-species"));
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "set-species", species);
  atoms = fx_shown_atoms (fx);
  g_assert_cmpint (atoms->species[k], ==, s1);
  g_assert_true (atoms->flags[k] & AL_ATOM_CLASS_BY_HAND);
  fx_act (fx, "undo");
  g_assert_cmpint (fx_shown_atoms (fx)->species[k], ==, s0);
  fx_act (fx, "redo");
  g_assert_cmpint (fx_shown_atoms (fx)->species[k], ==, s1);
  fx_act (fx, "undo");

  /* Delete: the Delete key's action, then the delete tool. */
  fx_act (fx, "delete-atom");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0 - 1);
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0 - 1);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, -1);
  fx_act (fx, "undo");
  atoms = fx_shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0);
  g_assert_cmpfloat (atoms->x[k], ==, x0);
  fx_set_tool (fx, "delete");
  fx_click (fx, x0, y0);
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0 - 1);
  fx_act (fx, "undo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0);
  g_assert_false (fx_enabled (fx, "undo"));
  g_assert_true (fx_enabled (fx, "redo"));
}

/* A drag with the select tool selects a box; Delete and a species key act
 * on all of it, one undo step each; a drag with the move tool moves the
 * atom it began on. */
static void
test_box_and_drag (Fixture       *fx,
                   gconstpointer  data)
{
  const AlAtoms *atoms = fx_shown_atoms (fx);
  guint n0 = atoms->n_atoms, n_inside = 0, k = fx_inner_atom (atoms), n_box;
  double x0 = 100, y0 = 100, x1 = 140, y1 = 130, ax, ay;
  g_autoptr (GVariant) species = g_variant_ref_sink (g_variant_new_int32 (1));

  for (guint i = 0; i < n0; i++)
    n_inside += atoms->x[i] >= x0 && atoms->x[i] <= x1 && atoms->y[i] >= y0 && atoms->y[i] <= y1;
  g_assert_cmpuint (n_inside, >, 3);
  fx_set_tool (fx, "select");
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "dragged", x1, y1, x0, y0);
  n_box = al_window_get_selection (fx->window)->len;
  g_assert_cmpuint (n_box, ==, n_inside);
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "set-species", species);
  atoms = fx_shown_atoms (fx);
  for (guint i = 0; i < n_box; i++)
    g_assert_cmpint (atoms->species[g_array_index (al_window_get_selection (fx->window), guint, i)], ==, 1);
  g_assert_cmpuint (al_document_get_n_undo (al_window_get_document (fx->window)), ==, 1);
  fx_act (fx, "delete-atom");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0 - n_inside);
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0 - n_inside);
  fx_act (fx, "undo");
  fx_act (fx, "undo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0);

  atoms = fx_shown_atoms (fx);
  ax = atoms->x[k], ay = atoms->y[k];
  fx_set_tool (fx, "move");
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "dragged", ax + 0.2, ay, ax + 2.0, ay + 1.0);
  atoms = fx_shown_atoms (fx);
  g_assert_cmpfloat (atoms->x[k], ==, ax + 2.0);
  g_assert_cmpfloat (atoms->y[k], ==, ay + 1.0);
  fx_act (fx, "undo");
  g_assert_cmpfloat (fx_shown_atoms (fx)->x[k], ==, ax);
}

int
main (int    argc,
      char **argv)
{
  fx_init (&argc, &argv);
  g_test_add ("/app/edit/add-undo", Fixture, NULL, fx_setup, test_add_undo, fx_teardown);
  g_test_add ("/app/edit/move-species-delete", Fixture, NULL, fx_setup, test_move_species_delete,
              fx_teardown);
  g_test_add ("/app/edit/box-and-drag", Fixture, NULL, fx_setup, test_box_and_drag, fx_teardown);
  return fx_run ();
}
