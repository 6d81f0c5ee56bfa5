/* test-edit-files.c: an edited analysis leaves the window: saved as a
 * .atomlens and reopened with its edits and history (autosave's recovery
 * file removed on save), and exported as figures, tables and a copy on the
 * clipboard. */
#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "edit-fixture.h"

static gboolean
no_recovery (const char *image_path)
{
  g_autofree char *found = al_document_find_recovery (image_path, NULL);

  return found == NULL;
}

/* Save, reopen the .atomlens in a new window: the same atoms, the hand
 * edits and their history; autosave wrote a recovery file that saving
 * removed. */
static void
test_save_reopen (Fixture       *fx,
                  gconstpointer  data)
{
  g_autofree char *doc_path = g_build_filename (fx->dir, "mos2.atomlens", NULL);
  g_autoptr (GFile) doc_file = g_file_new_for_path (doc_path);
  g_autoptr (GError) error = NULL;
  g_autofree char *canonical = g_canonicalize_filename (fx->path, NULL);
  const AlAtoms *atoms, *reopened;
  AlWindow *second;
  gint64 end = g_get_monotonic_time () + AL_APP_TEST_TIMEOUT_US;
  guint k;
  SaveWait saving;

  /* Autosave after the analysis (in a worker). */
  while (no_recovery (canonical))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (fx_enabled (fx, "save"));
  k = fx_inner_atom (fx_shown_atoms (fx));
  g_assert_cmpint (al_window_select_at (fx->window, fx_shown_atoms (fx)->x[k], fx_shown_atoms (fx)->y[k]), ==, k);
  fx_set_tool (fx, "move");
  fx_click (fx, 100.5, 101.25);
  fx_set_tool (fx, "add");
  fx_click (fx, 12.0, 13.0);
  /* The recomputed structure may read a site's species anew from the
   * image; the document takes it, and the file is compared with it. */
  fx_shown_atoms (fx);
  fx_save_start (fx, doc_file, &saving);
  g_assert_true (fx_save_wait (&saving, &error));
  g_assert_no_error (error);
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fx->window)), "• "));
  g_assert_false (al_document_get_modified (al_window_get_document (fx->window)));
  g_assert_true (no_recovery (canonical));
  atoms = fx_shown_atoms (fx);

  second = al_window_new (fx_app);
  gtk_window_present (GTK_WINDOW (second));
  al_window_open_file (second, doc_file);
  al_app_test_wait_while (al_window_get_loading, second);
  g_assert_no_error ((GError *) al_window_get_load_error (second));
  g_assert_nonnull (al_window_get_document (second));
  g_assert_cmpstr (al_document_get_path (al_window_get_document (second)), ==, doc_path);
  reopened = al_results_get_frame (al_window_get_results (second), 0)->atoms;
  g_assert_cmpuint (reopened->n_atoms, ==, atoms->n_atoms);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      g_assert_cmpfloat (reopened->x[i], ==, atoms->x[i]);
      g_assert_cmpfloat (reopened->y[i], ==, atoms->y[i]);
      g_assert_cmpint (reopened->species[i], ==, atoms->species[i]);
      g_assert_cmpint (reopened->flags[i], ==, atoms->flags[i]);
    }
  g_assert_cmpfloat (reopened->x[k], ==, 100.5);
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (second)), "• "));
  /* The history came with it: undo the add, then the move. */
  g_action_group_activate_action (G_ACTION_GROUP (second), "undo", NULL);
  reopened = al_results_get_frame (al_window_get_results (second), 0)->atoms;
  g_assert_cmpuint (reopened->n_atoms, ==, atoms->n_atoms - 1);
  g_assert_true (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (second)), "• "));
  gtk_window_destroy (GTK_WINDOW (second));
}

/* Figures of the analysed frame: PNG not blank, SVG and PDF of one page;
 * a hidden layer leaves the figure; copy puts a texture on the clipboard. */
static void
test_export (Fixture       *fx,
             gconstpointer  data)
{
  const char *names[] = { "fig.png", "fig.svg", "fig.pdf" };
  g_autoptr (GError) error = NULL;
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (fx->window));

  g_assert_true (fx_enabled (fx, "export-figure"));
  for (int f = AL_FIGURE_PNG; f <= AL_FIGURE_PDF; f++)
    {
      g_autofree char *path = g_build_filename (fx->dir, names[f], NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autofree char *text = NULL;
      gsize length = 0;

      g_assert_true (al_window_export_figure (fx->window, file, f, 150, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &text, &length, &error));
      g_assert_cmpuint (length, >, 1000);
      if (f == AL_FIGURE_PNG)
        {
          cairo_surface_t *png = cairo_image_surface_create_from_png (path);
          const guint32 *px = (const guint32 *) cairo_image_surface_get_data (png);
          int stride = cairo_image_surface_get_stride (png) / 4, distinct = 0;
          g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
          g_assert_cmpint (cairo_image_surface_get_width (png), >=, SIM_SIDE);
          for (int y = 0; y < cairo_image_surface_get_height (png); y += 7)
            for (int x = 0; x < cairo_image_surface_get_width (png); x += 7)
              distinct += px[y * stride + x] != px[0];
          g_assert_cmpint (distinct, >, 100);
          cairo_surface_destroy (png);
        }
      else if (f == AL_FIGURE_PDF)
        {
          int pages = 0;
          g_assert_true (g_str_has_prefix (text, "%PDF"));
          for (const char *p = text; (p = memmem (p, text + length - p, "/Type /Page", 11)) != NULL; p++)
            pages += p[strlen ("/Type /Page")] != 's';
          g_assert_cmpint (pages, ==, 1);
        }
      else
        g_assert_nonnull (g_strstr_len (text, length, "<svg"));
    }
  /* Tables, corrections included: one atom added by hand. */
  {
    g_autofree char *tables = g_build_filename (fx->dir, "tables", NULL);
    g_autoptr (GFile) folder = g_file_new_for_path (tables);
    const char *files[] = { "atoms.csv", "bonds.csv", "defects.csv", "strain.csv", "summary.json" };
    g_autofree char *csv_path = g_build_filename (tables, "atoms.csv", NULL);
    g_autofree char *csv = NULL;
    guint n_atoms = fx_shown_atoms (fx)->n_atoms + 1, lines = 0;

    fx_set_tool (fx, "add");
    fx_click (fx, 30.0, 31.0);
    g_assert_true (al_window_export_data (fx->window, folder, &error));
    g_assert_no_error (error);
    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autofree char *path = g_build_filename (tables, files[i], NULL);
        g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      }
    g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
    for (const char *p = csv; *p != '\0'; p++)
      lines += *p == '\n';
    g_assert_cmpuint (lines, ==, n_atoms + 1);   /* the header, then one row an atom */
  }
  g_assert_true (al_window_copy_figure (fx->window, &error));
  g_assert_no_error (error);
  g_assert_true (gdk_content_formats_contain_gtype (gdk_clipboard_get_formats (clipboard), GDK_TYPE_TEXTURE));
}

int
main (int    argc,
      char **argv)
{
  fx_init (&argc, &argv);
  g_test_add ("/app/edit/save-reopen", Fixture, NULL, fx_setup, test_save_reopen, fx_teardown);
  g_test_add ("/app/edit/export", Fixture, NULL, fx_setup, test_export, fx_teardown);
  return fx_run ();
}
