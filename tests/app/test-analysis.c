/* test-analysis.c: Analyze from the window, on a simulated graphene image:
 * the panel's counts are those of the core pipeline run on the same image,
 * the overlays appear as layers, and Cancel stops a run at once. */
#include <math.h>

#include "al-background.h"
#include "al-error.h"
#include "al-app-test.h"
#include "al-test.h"
#include "io/al-io.h"
#include "al-window.h"
#include "panels/al-classification-panel.h"
#include "panels/al-inspector-panel.h"

#define SIM_SIDE 256

static AlApplication *shared_app;

typedef struct
{
  AlWindow *window;
  char     *dir;
  char     *path;
} Fixture;

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr (GFile) file = NULL;

  fx->dir = al_test_mkdtemp ();
  fx->path = al_app_test_simulate (fx->dir, AL_MATERIAL_GRAPHENE, SIM_SIDE, 7, 10, "V1=0.01");
  fx->window = al_window_new (shared_app);
  gtk_window_set_default_size (GTK_WINDOW (fx->window), 1000, 700);
  gtk_window_present (GTK_WINDOW (fx->window));
  file = g_file_new_for_path (fx->path);
  al_window_open_file (fx->window, file);
  al_app_test_wait_while (al_window_get_loading, fx->window);
  g_assert_no_error ((GError *) al_window_get_load_error (fx->window));
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  al_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->path);
}

static AlClassificationPanel *
find_panel (GtkWidget *widget)
{
  return AL_CLASSIFICATION_PANEL (al_app_test_find_widget (widget, AL_TYPE_CLASSIFICATION_PANEL));
}

typedef struct
{
  gint64 last;
  gint64 longest;
} Stall;

static gboolean
tick (gpointer data)
{
  Stall *s = data;
  gint64 now = g_get_monotonic_time ();

  if (s->last != 0)
    s->longest = MAX (s->longest, now - s->last);
  s->last = now;
  return G_SOURCE_CONTINUE;
}

static void
count_emission (guint *n)
{
  (*n)++;
}

static void
select_graphene (AlWindow *window)
{
  /* The material drop-down: row 0 "Automatic", then the materials in order. */
  GtkWidget *header_child = NULL;
  GtkDropDown *dropdown = NULL;
  GPtrArray *stack = g_ptr_array_new ();

  g_ptr_array_add (stack, window);
  while (stack->len > 0 && dropdown == NULL)
    {
      GtkWidget *w = g_ptr_array_steal_index (stack, stack->len - 1);
      if (GTK_IS_DROP_DOWN (w))
        dropdown = GTK_DROP_DOWN (w);
      for (header_child = gtk_widget_get_first_child (w); header_child != NULL;
           header_child = gtk_widget_get_next_sibling (header_child))
        g_ptr_array_add (stack, header_child);
    }
  g_ptr_array_unref (stack);
  g_assert_nonnull (dropdown);
  gtk_drop_down_set_selected (dropdown, AL_MATERIAL_GRAPHENE + 1);
}

static void
test_analyze (Fixture       *fx,
              gconstpointer  data)
{
  AlCanvas *canvas = al_window_get_canvas (fx->window);
  AlClassificationPanel *panel = find_panel (GTK_WIDGET (fx->window));
  g_autoptr (AlImage) image = al_image_load (fx->path, NULL);
  g_autoptr (AlAnalysis) expected = NULL;
  g_autoptr (GError) error = NULL;
  const AlFrameResult *mine, *theirs;
  AlPipelineParams params;
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (canvas));
  Stall stall = { 0, 0 };
  guint tick_id, n_changed = 0;
  g_autoptr (AlLayer) atoms_layer = NULL;

  g_assert_nonnull (panel);
  select_graphene (fx->window);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "analyze"));
  g_signal_connect_swapped (fx->window, "results-changed", G_CALLBACK (count_emission), &n_changed);
  tick_id = g_timeout_add (1, tick, &stall);
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "analyze", NULL);
  g_assert_true (al_window_get_analyzing (fx->window));
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "analyze"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "cancel"));
  al_app_test_wait_while (al_window_get_analyzing, fx->window);
  g_source_remove (tick_id);
  g_test_message ("longest main-loop stall during the analysis: %.1f ms", stall.longest / 1000.0);
  g_assert_no_error ((GError *) al_window_get_analysis_error (fx->window));
  g_assert_nonnull (al_window_get_results (fx->window));
  g_assert_cmpuint (n_changed, ==, 1);

  /* The same analysis run directly gives the counts the panel shows. */
  al_pipeline_params_init (&params);
  params.material = al_material_get (AL_MATERIAL_GRAPHENE);
  expected = al_pipeline_run (image, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  theirs = g_ptr_array_index (expected->frames, 0);
  mine = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_nonnull (mine);
  g_assert_cmpuint (mine->atoms->n_atoms, ==, theirs->atoms->n_atoms);
  g_assert_cmpuint (theirs->atoms->n_atoms, >, 300);
  g_assert_cmpint (al_classification_panel_get_count (panel, "All atoms"), ==, theirs->atoms->n_atoms);
  if (theirs->structure != NULL && theirs->structure->defects != NULL)
    for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES; t++)
      {
        guint n = al_defects_count_type (theirs->structure->defects, t);
        g_assert_cmpint (al_classification_panel_get_count (panel, al_defect_type_name (t)), ==,
                         n > 0 ? (gint64) n : -1);
      }

  /* Strain per atom, the denoised image (none here, named so), the
   * detection map (classical here, named so) and the phase map (hidden at
   * first), bonds, atoms and defects are drawn as
   * layers, bottom to top; atoms hit-testable. */
  g_assert_cmpuint (g_list_model_get_n_items (layers), ==, 7);
  {
    const char *names[] = { "Strain per Atom", "Denoised Image (Not Denoised)", "Detection Response (Classical)",
                            "Phase Map", "Bonds", "Atoms", "Defects" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
        g_assert_cmpstr (al_layer_get_name (layer), ==, names[i]);
        g_assert_true (al_layer_get_visible (layer) == (i > 3));
      }
  }
  atoms_layer = g_list_model_get_item (layers, 5);
  al_canvas_zoom_1to1 (canvas);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpint (al_layer_hit_test (atoms_layer, mine->atoms->x[0] + 0.3, mine->atoms->y[0], 1.0), ==, 0);
  g_assert_cmpint (al_layer_hit_test (atoms_layer, -50, -50, 1.0), ==, -1);

  /* Selecting (what a click does): the Inspector shows the atom. */
  {
    AlInspectorPanel *inspector =
      AL_INSPECTOR_PANEL (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_INSPECTOR_PANEL));
    guint k = mine->atoms->n_atoms / 2;

    g_assert_nonnull (inspector);
    g_assert_cmpint (al_window_select_at (fx->window, mine->atoms->x[k] + 0.2, mine->atoms->y[k] - 0.2), ==, k);
    g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);
    g_assert_cmpint (al_inspector_panel_get_atom (inspector), ==, k);
    g_assert_cmpint (al_window_select_at (fx->window, -100, -100), ==, -1);
    g_assert_cmpint (al_inspector_panel_get_atom (inspector), ==, -1);
  }
}

/* Cancel stops the run: the window is idle at once, the worker lets go
 * soon after (the latency is reported; speed is not asserted here), and
 * nothing of the cancelled run is applied. */
static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  GtkProgressBar *bar =
    GTK_PROGRESS_BAR (al_app_test_find_widget (GTK_WIDGET (fx->window), GTK_TYPE_PROGRESS_BAR));
  g_autofree char *starting = NULL;
  gint64 cancelled;

  al_window_analyze (fx->window);
  g_assert_true (al_window_get_analyzing (fx->window));
  g_assert_true (al_window_get_busy (fx->window));
  /* Cancel once the worker has named its first stage. */
  starting = g_strdup (gtk_progress_bar_get_text (bar));
  while (g_strcmp0 (gtk_progress_bar_get_text (bar), starting) == 0
         && al_window_get_analyzing (fx->window))
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("cancelled during \"%s\"", gtk_progress_bar_get_text (bar));
  g_assert_true (al_window_get_analyzing (fx->window));
  cancelled = g_get_monotonic_time ();
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "cancel", NULL);
  /* The window is idle again at once, and says why. */
  g_assert_false (al_window_get_analyzing (fx->window));
  g_assert_error ((GError *) al_window_get_analysis_error (fx->window), AL_ERROR, AL_ERROR_CANCELLED);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), "analyze"));
  /* The worker stops at its next check. */
  al_app_test_wait_while (al_window_get_busy, fx->window);
  g_test_message ("cancel: the worker let go %.1f ms after Cancel",
                  (g_get_monotonic_time () - cancelled) / 1000.0);
  /* Its late answer changed nothing. */
  g_assert_null (al_window_get_results (fx->window));
  g_assert_null (al_window_get_document (fx->window));
  g_assert_error ((GError *) al_window_get_analysis_error (fx->window), AL_ERROR, AL_ERROR_CANCELLED);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (al_canvas_get_layers (al_window_get_canvas (fx->window)))),
                    ==, 0);
}

static gpointer
child_nice (gpointer data)
{
  return GINT_TO_POINTER (al_background_thread_nice ());
}

/* The background thread's nice value, and that of a thread it starts
 * (as the core's workers are), each + 100 so that 0 is not NULL. */
static gpointer
background_nice (gpointer data)
{
  int *child = data;

  *child = GPOINTER_TO_INT (g_thread_join (g_thread_new ("child", child_nice, NULL)));
  return GINT_TO_POINTER (al_background_thread_nice () + 100);
}

/* Analysis runs AL_BACKGROUND_NICE steps below the window's priority, and
 * so do the threads it starts; the caller keeps its own. */
static void
test_background_priority (void)
{
  int caller = al_background_thread_nice ();
  int expected = MIN (caller + AL_BACKGROUND_NICE, 19);
  int child = -100;
  int worker = GPOINTER_TO_INT (al_background_run (background_nice, &child)) - 100;

#ifndef __linux__
  g_test_skip ("thread priorities are set on Linux only");
  return;
#endif
  g_assert_cmpint (worker, ==, expected);
  g_assert_cmpint (child, ==, expected);
  g_assert_cmpint (al_background_thread_nice (), ==, caller);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
  g_test_add_func ("/app/analysis/background-priority", test_background_priority);
  g_test_add ("/app/analysis/analyze", Fixture, NULL, fixture_setup, test_analyze, fixture_teardown);
  g_test_add ("/app/analysis/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  status = g_test_run ();
  g_clear_object (&shared_app);
  return status;
}
