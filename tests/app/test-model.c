/* test-model.c: the network an analysis uses, chosen in the window: an
 * incompatible ONNX file is refused with the core's message in a dialog,
 * a compatible one is used (the analysis names it), "Classical" uses none;
 * and after an analysis with material "Automatic" the drop-down names the
 * guess ("Automatic (MoS₂)"). */
#include <string.h>

#include "al-app-test.h"
#include "al-error.h"
#include "al-test.h"
#include "al-window.h"

#define SIM_SIDE 192

static AlApplication *shared_app;

static void
analyze (AlWindow *window)
{
  g_action_group_activate_action (G_ACTION_GROUP (window), "analyze", NULL);
  al_app_test_wait_while (al_window_get_analyzing, window);
  g_assert_no_error ((GError *) al_window_get_analysis_error (window));
}

/* The visible message dialog of `window`, if any. */
static AdwMessageDialog *
message_dialog (AlWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w))
          && gtk_window_get_transient_for (w) == GTK_WINDOW (window))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static void
test_model_and_material (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = al_app_test_simulate (dir, AL_MATERIAL_MOS2, SIM_SIDE, 3, 0, NULL);
  const char *root = g_getenv ("AL_SOURCE_ROOT");
  g_autofree char *denoise = g_build_filename (root, "models", "tmd-denoise.onnx", NULL);
  g_autofree char *atoms = g_build_filename (root, "models", "mos2-atoms.onnx", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  AlWindow *window = al_window_new (shared_app);
  GtkDropDown *materials;
  GListModel *names;
  AdwMessageDialog *dialog;

  gtk_window_present (GTK_WINDOW (window));
  al_window_open_file (window, file);
  al_app_test_wait_while (al_window_get_loading, window);
  materials = GTK_DROP_DOWN (al_app_test_find_widget (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  names = gtk_drop_down_get_model (materials);
  g_assert_cmpuint (gtk_drop_down_get_selected (materials), ==, 0);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), ==, "Automatic");

  /* Classical, material guessed: the drop-down says what was found. */
  g_action_group_change_action_state (G_ACTION_GROUP (window), "model", g_variant_new_string ("classical"));
  analyze (window);
  g_assert_null (al_results_get_analysis (al_window_get_results (window))->model_path);
  g_assert_true (al_results_get_analysis (al_window_get_results (window))->material_guessed);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), ==, "Automatic (MoS₂)");
  g_assert_cmpuint (gtk_drop_down_get_selected (materials), ==, 0);

  /* A denoiser is no atom-finding network: refused, with the core's words. */
  g_assert_false (al_window_set_model_file (window, denoise, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  dialog = message_dialog (window);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), ==, error->message);
  gtk_window_destroy (GTK_WINDOW (dialog));
  {
    g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (window), "model");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "classical");
  }

  /* The MoS2 network: chosen, and the analysis used it. */
  g_clear_error (&error);
  g_assert_true (al_window_set_model_file (window, atoms, &error));
  g_assert_no_error (error);
  analyze (window);
  g_assert_cmpstr (al_results_get_analysis (al_window_get_results (window))->model_path, ==, atoms);

  /* A material chosen by hand: row 0 is plain "Automatic" again. */
  gtk_drop_down_set_selected (materials, AL_MATERIAL_MOS2 + 1);
  g_action_group_change_action_state (G_ACTION_GROUP (window), "model", g_variant_new_string ("classical"));
  analyze (window);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), ==, "Automatic");
  g_assert_cmpuint (gtk_drop_down_get_selected (materials), ==, AL_MATERIAL_MOS2 + 1);

  gtk_window_destroy (GTK_WINDOW (window));
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
  g_test_add_func ("/app/model/model-and-material", test_model_and_material);
  status = g_test_run ();
  g_object_unref (shared_app);
  return status;
}
