/* al-window-model.c: which atom-finding network an analysis uses (the
 * menu of the Analyze split button): "Classical" uses none (the default,
 * as in `atomlens-cli analyze`), "Automatic" lets the core pick the
 * preset's network (al_model_find; classical when there is none), or an
 * ONNX file the user chooses, checked at once
 * (al_model_check) so an incompatible one is refused with the core's
 * message. Also names the guessed material in the material drop-down
 * ("Automatic (MoS₂)") once an analysis with "Automatic" guessed it. */
#include "al-window-private.h"

#include <glib/gi18n.h>

#include "nn/al-model-registry.h"

static void
update_button (AlWindow *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) choices = g_menu_new ();
  g_autoptr (GMenu) file = g_menu_new ();
  g_autoptr (GMenu) denoise = g_menu_new ();
  g_autofree char *name = self->model_file != NULL ? g_path_get_basename (self->model_file) : NULL;
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "model");
  const char *mode = g_variant_get_string (state, NULL);
  g_autofree char *tooltip = NULL;

  g_menu_append (choices, _("Classical (No Network)"), "win.model::classical");
  g_menu_append (choices, _("Automatic (the Preset's Network)"), "win.model::auto");
  if (name != NULL)
    g_menu_append (choices, name, "win.model::file");
  g_menu_append_section (menu, _("Atom Finding"), G_MENU_MODEL (choices));
  g_menu_append (file, _("Choose a Network File…"), "win.choose-model");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (file));
  g_menu_append (denoise, _("Off"), "win.denoise::off");
  g_menu_append (denoise, _("Automatic (Low Dose)"), "win.denoise::auto");
  g_menu_append (denoise, _("On"), "win.denoise::on");
  g_menu_append_section (menu, _("Denoising"), G_MENU_MODEL (denoise));
  adw_split_button_set_menu_model (ADW_SPLIT_BUTTON (self->analyze_button), G_MENU_MODEL (menu));
  tooltip = g_strdup_printf (_("Atom Finding: %s"), g_str_equal (mode, "file") && name != NULL ? name
                                                   : g_str_equal (mode, "classical") ? _("Classical")
                                                                                    : _("Automatic"));
  adw_split_button_set_dropdown_tooltip (ADW_SPLIT_BUTTON (self->analyze_button), tooltip);
}

static void
model_changed (GSimpleAction *action,
               GVariant      *value,
               gpointer       user_data)
{
  AlWindow *self = user_data;
  const char *mode = g_variant_get_string (value, NULL);

  if (g_str_equal (mode, "auto") || g_str_equal (mode, "classical")
      || (g_str_equal (mode, "file") && self->model_file != NULL))
    {
      g_simple_action_set_state (action, value);
      update_button (self);
    }
}

static void
denoise_changed (GSimpleAction *action,
                 GVariant      *value,
                 gpointer       user_data)
{
  if (al_denoise_mode_from_name (g_variant_get_string (value, NULL)) >= 0)
    g_simple_action_set_state (action, value);
}

gboolean
al_window_set_model_file (AlWindow   *self,
                          const char *path,
                          GError    **error)
{
  guint material;
  const AlMaterial *m = NULL;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  material = gtk_drop_down_get_selected (self->material_dropdown);
  if (material != 0 && material != GTK_INVALID_LIST_POSITION)
    m = al_material_get ((AlMaterialId) (material - 1));
  if (!al_model_check (path, AL_MODEL_TASK_ATOMS, m, &local))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Incompatible Network"), local->message);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_free (self->model_file);
  self->model_file = g_strdup (path);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "model", g_variant_new_string ("file"));
  update_button (self);
  return TRUE;
}

static void
on_model_chosen (GtkNativeDialog *dialog,
                 int              response,
                 AlWindow        *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file != NULL && (path = g_file_get_path (file)) != NULL)
    al_window_set_model_file (self, path, NULL);
}

static void
choose_model_activated (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  AlWindow *self = user_data;
  GtkFileChooserNative *dialog;
  GtkFileFilter *filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Choose an Atom-Finding Network"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_filter_set_name (filter, _("ONNX Networks"));
  gtk_file_filter_add_pattern (filter, "*.onnx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  g_object_unref (filter);
  g_signal_connect (dialog, "response", G_CALLBACK (on_model_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

void
_al_window_model_params (AlWindow         *self,
                         AlPipelineParams *params,
                         char            **owned_path)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "model");
  const char *mode = g_variant_get_string (state, NULL);

  *owned_path = NULL;
  params->model_path = NULL;
  params->auto_model = g_str_equal (mode, "auto");
  {
    /* The (denoise) stage: columns found on the denoised frame, fitted on
     * the raw one; the Denoised Image layer shows that frame. */
    g_autoptr (GVariant) denoise = g_action_group_get_action_state (G_ACTION_GROUP (self), "denoise");
    int m = al_denoise_mode_from_name (g_variant_get_string (denoise, NULL));
    params->denoise = m >= 0 ? (AlDenoiseMode) m : AL_DENOISE_OFF;
  }
  if (g_str_equal (mode, "file") && self->model_file != NULL)
    params->model_path = *owned_path = g_strdup (self->model_file);
}

/* Row 0 of the material drop-down names what "Automatic" found. */
static void
on_results_changed (AlWindow *self)
{
  const AlAnalysis *analysis = self->results != NULL ? al_results_get_analysis (self->results) : NULL;
  GListModel *model = gtk_drop_down_get_model (self->material_dropdown);
  guint selected = gtk_drop_down_get_selected (self->material_dropdown);
  g_autofree char *label = NULL;
  const char *labels[2] = { NULL, NULL };

  if (!GTK_IS_STRING_LIST (model))
    return;
  if (analysis != NULL && analysis->material_guessed && analysis->material != NULL && selected == 0)
    /* Translators: the material drop-down after an automatic guess. */
    label = g_strdup_printf (_("Automatic (%s)"), analysis->material->label);
  else if (analysis != NULL && selected == 0)
    return;   /* an edit's results: the guess stands */
  else
    label = g_strdup (_("Automatic"));
  if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), 0), label))
    return;
  labels[0] = label;
  gtk_string_list_splice (GTK_STRING_LIST (model), 0, 1, labels);
  gtk_drop_down_set_selected (self->material_dropdown, selected);
}

static const GActionEntry model_actions[] = {
  { "model", NULL, "s", "'classical'", model_changed },
  { "choose-model", choose_model_activated },
  { "denoise", NULL, "s", "'off'", denoise_changed },
};

void
_al_window_init_model (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), model_actions, G_N_ELEMENTS (model_actions), self);
  g_signal_connect (self, "results-changed", G_CALLBACK (on_results_changed), NULL);
  update_button (self);
}
