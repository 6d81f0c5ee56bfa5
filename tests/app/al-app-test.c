/* al-app-test.c: helpers shared by the GUI tests. */
#include "al-app-test.h"

#include "io/al-tiff.h"
#include "simulate/al-simulate.h"

void
al_app_test_wait_until (gboolean (*done) (gpointer),
                        gpointer  data)
{
  gint64 end = g_get_monotonic_time () + AL_APP_TEST_TIMEOUT_US;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

void
al_app_test_wait_while (gboolean (*busy) (AlWindow *),
                        AlWindow *window)
{
  gint64 end = g_get_monotonic_time () + AL_APP_TEST_TIMEOUT_US;

  while (busy (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

/* A registered, non-unique application: tests run side by side on one
 * session bus and must not hand their windows to each other. */
AlApplication *
al_app_test_register (GApplicationFlags extra_flags)
{
  g_autoptr (GError) error = NULL;
  AlApplication *app = al_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | extra_flags);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

char *
al_app_test_simulate (const char   *dir,
                      AlMaterialId  material,
                      guint         side,
                      guint64       seed,
                      double        rotation_deg,
                      const char   *defects)
{
  AlSimParams params;
  g_autoptr (GError) error = NULL;
  AlSimResult *sim;
  g_autofree char *name = NULL;
  char *path;

  al_sim_params_init (&params, al_material_get (material));
  name = g_strdup_printf ("%s.tif", params.material->name);
  path = g_build_filename (dir, name, NULL);
  params.width = params.height = side;
  params.n_frames = 1;
  params.seed = seed;
  params.rotation_deg = rotation_deg;
  if (defects != NULL)
    g_assert_true (al_sim_defect_spec_parse (&params.defects, params.material, defects, &error));
  sim = al_simulate_run (&params, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (al_tiff_write (path, sim->image, &error));
  g_assert_no_error (error);
  al_sim_result_free (sim);
  return path;
}

/* The first widget of `type` in the tree under `widget`, depth first. */
GtkWidget *
al_app_test_find_widget (GtkWidget *widget,
                         GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = al_app_test_find_widget (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

AlWindow *
al_app_test_open_analyzed (AlApplication *app,
                           const char    *path,
                           AlMaterialId   material)
{
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AlWindow *window = al_window_new (app);
  GtkDropDown *materials;

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  al_window_open_file (window, file);
  al_app_test_wait_while (al_window_get_loading, window);
  g_assert_no_error ((GError *) al_window_get_load_error (window));
  /* The material drop-down: row 0 "Automatic", then the materials in order. */
  materials = GTK_DROP_DOWN (al_app_test_find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  g_assert_nonnull (materials);
  gtk_drop_down_set_selected (materials, material + 1);
  g_action_group_activate_action (G_ACTION_GROUP (window), "analyze", NULL);
  al_app_test_wait_while (al_window_get_analyzing, window);
  g_assert_no_error ((GError *) al_window_get_analysis_error (window));
  /* The panels' histograms come from workers. */
  al_app_test_wait_while (al_window_get_busy, window);
  return window;
}
