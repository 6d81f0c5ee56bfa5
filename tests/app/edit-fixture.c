/* edit-fixture.c: the editing tests' window and how they drive it (see
 * edit-fixture.h). */
#include "edit-fixture.h"

#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "panels/al-classification-panel.h"

AlApplication *fx_app;

void
fx_init (int    *argc,
         char ***argv)
{
  gtk_test_init (argc, argv, NULL);
  fx_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
}

int
fx_run (void)
{
  int status = g_test_run ();

  g_object_unref (fx_app);
  return status;
}

void
fx_setup (Fixture       *fx,
          gconstpointer  data)
{
  const char *path;

  guint side = data != NULL ? GPOINTER_TO_UINT (data) : SIM_SIDE;

  fx->dir = al_test_mkdtemp ();
  path = fx->path = al_app_test_simulate (fx->dir, AL_MATERIAL_MOS2, side, 11, 5, NULL);
  fx->window = al_app_test_open_analyzed (fx_app, path, AL_MATERIAL_MOS2);
}

void
fx_teardown (Fixture       *fx,
             gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fx->window));
  al_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->path);
}

/* The atoms once the window is idle: an edit's bonds and defects are
 * recomputed by a worker. */
const AlAtoms *
fx_shown_atoms (Fixture *fx)
{
  const AlFrameResult *r;

  al_app_test_wait_while (al_window_get_busy, fx->window);
  r = al_results_get_frame (al_window_get_results (fx->window), 0);

  g_assert_nonnull (r);
  return r->atoms;
}

gint64
fx_panel_atoms (Fixture *fx)
{
  AlClassificationPanel *panel =
    AL_CLASSIFICATION_PANEL (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_CLASSIFICATION_PANEL));

  al_app_test_wait_while (al_window_get_busy, fx->window);
  return al_classification_panel_get_count (panel, "All atoms");
}

void
fx_act (Fixture    *fx,
        const char *name)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), name));
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), name, NULL);
}

void
fx_set_tool (Fixture    *fx,
             const char *tool)
{
  g_action_group_change_action_state (G_ACTION_GROUP (fx->window), "tool", g_variant_new_string (tool));
}

void
fx_click (Fixture *fx,
          double   x,
          double   y)
{
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "clicked", x, y);
}

gboolean
fx_enabled (Fixture    *fx,
            const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), name);
}

/* An atom well inside the image, away from the edges. */
guint
fx_inner_atom (const AlAtoms *atoms)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (fabs (atoms->x[i] - SIM_SIDE / 2) < 20 && fabs (atoms->y[i] - SIM_SIDE / 2) < 20)
      return i;
  g_assert_not_reached ();
}

static void
on_saved (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  SaveWait *w = data;

  w->ok = al_window_save_finish (AL_WINDOW (source), result, &w->error);
  w->done = TRUE;
}

static gboolean
save_done (gpointer data)
{
  return ((SaveWait *) data)->done;
}

/* Starts a save; `wait` finishes it. */
void
fx_save_start (Fixture  *fx,
               GFile    *file,
               SaveWait *w)
{
  memset (w, 0, sizeof *w);
  al_window_save_async (fx->window, file, NULL, on_saved, w);
}

gboolean
fx_save_wait (SaveWait  *w,
              GError   **error)
{
  al_app_test_wait_until (save_done, w);
  if (w->error != NULL)
    g_propagate_error (error, w->error);
  return w->ok;
}
