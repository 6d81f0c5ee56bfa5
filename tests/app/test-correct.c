/* test-correct.c: correcting an analysed simulated MoS2 image from the
 * window beyond atoms: a defect chosen by a click on its ring gets another
 * type from the Inspector's row and is then marked "Not a Defect", each
 * undone and redone, with the Classification counts following; the species
 * popover (right click) sets a species as the keys do; the lasso selects
 * exactly the atoms inside its outline; the legend lists what is shown. */
#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "al-window.h"
#include "panels/al-classification-panel.h"
#include "panels/al-inspector-panel.h"
#include "plots/al-view-overlay.h"

#define SIM_SIDE 256

static AlApplication *shared_app;

typedef struct
{
  AlWindow *window;
  char     *dir;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autofree char *path = NULL;

  fx->dir = al_test_mkdtemp ();
  path = al_app_test_simulate (fx->dir, AL_MATERIAL_MOS2, SIM_SIDE, 11, 5, "V_S2=0.02,W_Mo=0.02");
  fx->window = al_app_test_open_analyzed (shared_app, path, AL_MATERIAL_MOS2);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  al_test_rmdir (fx->dir);
  g_free (fx->dir);
}

/* The results once the window is idle: an edit's bonds and defects are
 * recomputed by a worker. */
static const AlFrameResult *
shown (Fixture *fx)
{
  const AlFrameResult *r;

  al_app_test_wait_while (al_window_get_busy, fx->window);
  r = al_results_get_frame (al_window_get_results (fx->window), 0);

  g_assert_nonnull (r);
  return r;
}

static gint64
count (Fixture    *fx,
       const char *name)
{
  AlClassificationPanel *panel =
    AL_CLASSIFICATION_PANEL (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_CLASSIFICATION_PANEL));

  al_app_test_wait_while (al_window_get_busy, fx->window);
  return al_classification_panel_get_count (panel, name);
}

static void
act (Fixture    *fx,
     const char *name)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), name));
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), name, NULL);
}

static guint
defects_of_type (Fixture      *fx,
                 AlDefectType  type)
{
  const AlDefects *defects = shown (fx)->structure->defects;
  guint n = 0;

  for (guint i = 0; i < al_defects_len (defects); i++)
    n += al_defects_get (defects, i)->type == type;
  return n;
}

/* A W_Mo defect well inside the image, whose centre is not on any atom. */
static const AlDefect *
inner_defect (Fixture      *fx,
              AlDefectType  type)
{
  const AlDefects *defects = shown (fx)->structure->defects;

  for (guint i = 0; i < al_defects_len (defects); i++)
    {
      const AlDefect *d = al_defects_get (defects, i);
      if (d->type == type && d->n_members > 0 && fabs (d->x - SIM_SIDE / 2) < 90
          && fabs (d->y - SIM_SIDE / 2) < 90)
        return d;
    }
  return NULL;
}

/* The combo row titled `title` under `widget`. */
static AdwComboRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_COMBO_ROW (widget) && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title))
    return ADW_COMBO_ROW (widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      AdwComboRow *found = find_row (c, title);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_defect_type_and_false (Fixture       *fx,
                            gconstpointer  data)
{
  AlInspectorPanel *inspector =
    AL_INSPECTOR_PANEL (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_INSPECTOR_PANEL));
  AdwComboRow *type_row;
  const AlDefect *d = inner_defect (fx, AL_DEFECT_V_S2);
  guint n_vs2 = defects_of_type (fx, AL_DEFECT_V_S2), n_vmo = defects_of_type (fx, AL_DEFECT_V_MO);
  AlDefectType choices[AL_N_DEFECT_TYPES];
  guint n_choices, vmo_choice = G_MAXUINT;
  double dx, dy;

  g_assert_nonnull (d);
  g_assert_cmpuint (n_vs2, >, 0);
  g_assert_cmpint (count (fx, "V_S2"), ==, n_vs2);
  dx = d->x, dy = d->y;
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "mark-false-defect"));

  /* A click on the vacancy's centre (no atom there) chooses the defect. */
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "clicked", dx, dy);
  g_assert_cmpint (al_window_get_selected_defect (fx->window), >=, 0);
  g_assert_cmpint (al_inspector_panel_get_defect (inspector), ==, al_window_get_selected_defect (fx->window));
  g_assert_cmpint (al_inspector_panel_get_atom (inspector), ==, -1);

  /* The Inspector's Type row offers the TMD point defects; choosing V_Mo
   * relabels the defect (an undoable step). */
  n_choices = al_inspector_defect_choices (al_material_get (AL_MATERIAL_MOS2), choices, G_N_ELEMENTS (choices));
  g_assert_cmpuint (n_choices, ==, 5);
  for (guint k = 0; k < n_choices; k++)
    if (choices[k] == AL_DEFECT_V_MO)
      vmo_choice = k;
  g_assert_cmpuint (vmo_choice, <, n_choices);
  /* The Type row of the Inspector's Defect group. */
  type_row = find_row (GTK_WIDGET (inspector), "Type");
  g_assert_cmpuint (adw_combo_row_get_selected (type_row), ==, 1);   /* V_S2 */
  adw_combo_row_set_selected (type_row, vmo_choice);
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_S2), ==, n_vs2 - 1);
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_MO), ==, n_vmo + 1);
  g_assert_cmpint (count (fx, "V_Mo"), ==, n_vmo + 1);
  g_assert_cmpint (count (fx, "V_S2"), ==, n_vs2 - 1 > 0 ? (gint64) n_vs2 - 1 : -1);
  /* Still chosen, found again by its centre after the recomputation. */
  g_assert_cmpint (al_window_get_selected_defect (fx->window), >=, 0);
  g_assert_cmpuint (adw_combo_row_get_selected (type_row), ==, vmo_choice);

  act (fx, "undo");
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_S2), ==, n_vs2);
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_MO), ==, n_vmo);
  g_assert_cmpint (count (fx, "V_S2"), ==, n_vs2);
  act (fx, "redo");
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_MO), ==, n_vmo + 1);

  /* "Not a Defect" removes it; undo brings it back as V_Mo. */
  g_assert_cmpint (al_window_select_defect (fx->window, -1), ==, -1);
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "clicked", dx, dy);
  g_assert_cmpint (al_window_get_selected_defect (fx->window), >=, 0);
  act (fx, "mark-false-defect");
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_MO), ==, n_vmo);
  g_assert_cmpint (count (fx, "V_Mo"), ==, n_vmo > 0 ? (gint64) n_vmo : -1);
  g_assert_cmpint (al_window_get_selected_defect (fx->window), ==, -1);
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "mark-false-defect"));
  act (fx, "undo");
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_MO), ==, n_vmo + 1);
  act (fx, "undo");
  g_assert_cmpuint (defects_of_type (fx, AL_DEFECT_V_S2), ==, n_vs2);
  g_assert_cmpint (count (fx, "V_S2"), ==, n_vs2);
}

/* A metal atom well inside the image. */
static guint
inner_atom (const AlAtoms *atoms,
            int            species)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->species[i] == species && atoms->defect_id[i] < 0
        && fabs (atoms->x[i] - SIM_SIDE / 2) < 30 && fabs (atoms->y[i] - SIM_SIDE / 2) < 30)
      return i;
  g_assert_not_reached ();
}

static void
test_species_popover (Fixture       *fx,
                      gconstpointer  data)
{
  const AlAtoms *atoms = shown (fx)->atoms;
  guint k = inner_atom (atoms, 0), n_buttons = 0;
  gint64 n_mo = count (fx, "Mo"), n_w = count (fx, "W");
  GtkWidget *popover, *child, *w_button = NULL;

  g_assert_null (al_window_popup_species (fx->window, -50, -50));
  popover = al_window_popup_species (fx->window, atoms->x[k] + 0.3, atoms->y[k] - 0.2);
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);
  /* One button per species of MoS2, each naming the key that does the same. */
  child = gtk_popover_get_child (GTK_POPOVER (popover));
  for (GtkWidget *c = gtk_widget_get_first_child (child); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (GTK_IS_BUTTON (c))
      {
        GVariant *target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (c));
        g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (c)), ==, "win.set-species");
        g_assert_cmpint (g_variant_get_int32 (target), ==, n_buttons);
        if (n_buttons == 3)
          w_button = c;
        n_buttons++;
      }
  g_assert_cmpuint (n_buttons, ==, al_material_get (AL_MATERIAL_MOS2)->n_species);
  g_assert_cmpstr (al_material_get (AL_MATERIAL_MOS2)->species[3].name, ==, "W");
  g_signal_emit_by_name (w_button, "clicked");
  atoms = shown (fx)->atoms;
  g_assert_cmpint (atoms->species[k], ==, 3);
  g_assert_true (atoms->flags[k] & AL_ATOM_CLASS_BY_HAND);
  g_assert_cmpint (count (fx, "Mo"), ==, n_mo - 1);
  g_assert_cmpint (count (fx, "W"), ==, n_w + 1);
  act (fx, "undo");
  g_assert_cmpint (shown (fx)->atoms->species[k], ==, 0);
  g_assert_cmpint (count (fx, "W"), ==, n_w);
}

static void
test_lasso (Fixture       *fx,
            gconstpointer  data)
{
  /* A triangle: the lasso picks exactly the atoms inside it. */
  const double tri[] = { 40, 40, 200, 60, 90, 210 };
  const AlAtoms *atoms = shown (fx)->atoms;
  guint expect = 0, got;
  GArray *sel;
  gint64 n0 = count (fx, "All atoms");

  g_action_group_change_action_state (G_ACTION_GROUP (fx->window), "tool", g_variant_new_string ("lasso"));
  {
    g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (fx->window), "tool");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "lasso");
  }
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      /* Same side of all three edges (the triangle is clockwise on screen). */
      double x = atoms->x[i], y = atoms->y[i], s[3];
      for (int e = 0; e < 3; e++)
        {
          const double *a = tri + 2 * e, *b = tri + 2 * ((e + 1) % 3);
          s[e] = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
        }
      expect += (s[0] > 0 && s[1] > 0 && s[2] > 0) || (s[0] < 0 && s[1] < 0 && s[2] < 0);
    }
  g_assert_cmpuint (expect, >, 100);
  got = al_window_select_lasso (fx->window, tri, 3);
  g_assert_cmpuint (got, ==, expect);
  sel = al_window_get_selection (fx->window);
  g_assert_cmpuint (sel->len, ==, expect);
  act (fx, "delete-atom");
  g_assert_cmpint (count (fx, "All atoms"), ==, n0 - expect);
  act (fx, "undo");
  g_assert_cmpint (count (fx, "All atoms"), ==, n0);
}

static void
test_legend (Fixture       *fx,
             gconstpointer  data)
{
  AlViewOverlay *overlay =
    AL_VIEW_OVERLAY (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_VIEW_OVERLAY));
  g_autofree char *legend = al_view_overlay_describe_legend (overlay);
  g_autofree char *hidden = NULL;
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (al_window_get_canvas (fx->window)));

  g_assert_cmpstr (legend, ==, "Mo\nS2\nS\nW\nPoint defect\n");
  /* Hiding the atoms layer takes the species out of the legend. */
  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      if (g_str_equal (al_layer_get_name (layer), "Atoms"))
        al_layer_set_visible (layer, FALSE);
    }
  hidden = al_view_overlay_describe_legend (overlay);
  g_assert_cmpstr (hidden, ==, "Point defect\n");
  g_action_group_change_action_state (G_ACTION_GROUP (fx->window), "show-legend", g_variant_new_boolean (FALSE));
  g_free (hidden);
  hidden = al_view_overlay_describe_legend (overlay);
  g_assert_cmpstr (hidden, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
  g_test_add ("/app/correct/defect-type-and-false", Fixture, NULL, fixture_setup, test_defect_type_and_false,
              fixture_teardown);
  g_test_add ("/app/correct/species-popover", Fixture, NULL, fixture_setup, test_species_popover,
              fixture_teardown);
  g_test_add ("/app/correct/lasso", Fixture, NULL, fixture_setup, test_lasso, fixture_teardown);
  g_test_add ("/app/correct/legend", Fixture, NULL, fixture_setup, test_legend, fixture_teardown);
  status = g_test_run ();
  g_object_unref (shared_app);
  return status;
}
