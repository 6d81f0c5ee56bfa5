/* test-edit.c: hand corrections from the window on an analysed simulated
 * MoS2 image: add (a click with the add tool), move, delete and set the
 * species of atoms, each undone and redone through win.undo / win.redo;
 * the panel counts, the title and the actions follow the document. */
#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "al-window.h"
#include "defects/al-structure.h"
#include "panels/al-classification-panel.h"

#define SIM_SIDE 256
/* Large enough that the window around an edit is a small part. */
#define LOCAL_SIDE 800

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
  const char *path;

  guint side = data != NULL ? GPOINTER_TO_UINT (data) : SIM_SIDE;

  fx->dir = al_test_mkdtemp ();
  path = fx->path = al_app_test_simulate (fx->dir, AL_MATERIAL_MOS2, side, 11, 5, NULL);
  fx->window = al_app_test_open_analyzed (shared_app, path, AL_MATERIAL_MOS2);
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

/* The atoms once the window is idle: an edit's bonds and defects are
 * recomputed by a worker. */
static const AlAtoms *
shown_atoms (Fixture *fx)
{
  const AlFrameResult *r;

  al_app_test_wait_while (al_window_get_busy, fx->window);
  r = al_results_get_frame (al_window_get_results (fx->window), 0);

  g_assert_nonnull (r);
  return r->atoms;
}

static gint64
panel_atoms (Fixture *fx)
{
  AlClassificationPanel *panel =
    AL_CLASSIFICATION_PANEL (al_app_test_find_widget (GTK_WIDGET (fx->window), AL_TYPE_CLASSIFICATION_PANEL));

  al_app_test_wait_while (al_window_get_busy, fx->window);
  return al_classification_panel_get_count (panel, "All atoms");
}

static void
act (Fixture    *fx,
     const char *name)
{
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), name));
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), name, NULL);
}

static void
set_tool (Fixture    *fx,
          const char *tool)
{
  g_action_group_change_action_state (G_ACTION_GROUP (fx->window), "tool", g_variant_new_string (tool));
}

static void
click (Fixture *fx,
       double   x,
       double   y)
{
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "clicked", x, y);
}

static gboolean
enabled (Fixture    *fx,
         const char *name)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (fx->window), name);
}

/* An atom well inside the image, away from the edges. */
static guint
inner_atom (const AlAtoms *atoms)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (fabs (atoms->x[i] - SIM_SIDE / 2) < 20 && fabs (atoms->y[i] - SIM_SIDE / 2) < 20)
      return i;
  g_assert_not_reached ();
}

static void
test_add_undo (Fixture       *fx,
               gconstpointer  data)
{
  guint n0 = shown_atoms (fx)->n_atoms, k;
  const AlAtoms *atoms;
  const char *title;

  g_assert_cmpuint (n0, >, 300);
  g_assert_cmpint (panel_atoms (fx), ==, n0);
  g_assert_nonnull (al_window_get_document (fx->window));
  g_assert_false (enabled (fx, "undo"));
  g_assert_false (enabled (fx, "redo"));
  /* An analysis not yet saved: the title says so. */
  title = gtk_window_get_title (GTK_WINDOW (fx->window));
  g_assert_true (g_str_has_prefix (title, "• "));

  set_tool (fx, "add");
  click (fx, 40.25, 50.5);
  atoms = shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (panel_atoms (fx), ==, n0 + 1);
  k = (guint) al_window_get_selected_atom (fx->window);
  g_assert_cmpfloat (atoms->x[k], ==, 40.25);
  g_assert_cmpfloat (atoms->y[k], ==, 50.5);
  g_assert_true (atoms->flags[k] & AL_ATOM_ADDED_BY_HAND);
  g_assert_true (enabled (fx, "undo"));

  act (fx, "undo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0);
  g_assert_cmpint (panel_atoms (fx), ==, n0);
  g_assert_false (enabled (fx, "undo"));
  act (fx, "redo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0 + 1);
  act (fx, "undo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0);
}

static void
test_move_species_delete (Fixture       *fx,
                          gconstpointer  data)
{
  const AlAtoms *atoms = shown_atoms (fx);
  guint n0 = atoms->n_atoms, k = inner_atom (atoms);
  double x0 = atoms->x[k], y0 = atoms->y[k];
  int s0 = atoms->species[k], s1 = s0 == 0 ? 1 : 0;
  g_autoptr (GVariant) species = g_variant_ref_sink (g_variant_new_int32 (s1));

  /* Select with a click, then move it with the move tool. */
  set_tool (fx, "select");
  g_assert_false (enabled (fx, "delete-atom"));
  click (fx, x0 + 0.3, y0 - 0.2);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);
  g_assert_true (enabled (fx, "delete-atom"));
  set_tool (fx, "move");
  click (fx, x0 + 1.5, y0 - 1.0);
  atoms = shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0);
  g_assert_cmpfloat (atoms->x[k], ==, x0 + 1.5);
  g_assert_cmpfloat (atoms->y[k], ==, y0 - 1.0);
  g_assert_true (atoms->flags[k] & AL_ATOM_MOVED_BY_HAND);
  act (fx, "undo");
  atoms = shown_atoms (fx);
  g_assert_cmpfloat (atoms->x[k], ==, x0);
  g_assert_cmpfloat (atoms->y[k], ==, y0);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, k);

  /* Species: the key 1–9 actions. */
  g_assert_true (enabled (fx, "set-species"));
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "set-species", species);
  atoms = shown_atoms (fx);
  g_assert_cmpint (atoms->species[k], ==, s1);
  g_assert_true (atoms->flags[k] & AL_ATOM_CLASS_BY_HAND);
  act (fx, "undo");
  g_assert_cmpint (shown_atoms (fx)->species[k], ==, s0);
  act (fx, "redo");
  g_assert_cmpint (shown_atoms (fx)->species[k], ==, s1);
  act (fx, "undo");

  /* Delete: the Delete key's action, then the delete tool. */
  act (fx, "delete-atom");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0 - 1);
  g_assert_cmpint (panel_atoms (fx), ==, n0 - 1);
  g_assert_cmpint (al_window_get_selected_atom (fx->window), ==, -1);
  act (fx, "undo");
  atoms = shown_atoms (fx);
  g_assert_cmpuint (atoms->n_atoms, ==, n0);
  g_assert_cmpfloat (atoms->x[k], ==, x0);
  set_tool (fx, "delete");
  click (fx, x0, y0);
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0 - 1);
  act (fx, "undo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0);
  g_assert_false (enabled (fx, "undo"));
  g_assert_true (enabled (fx, "redo"));
}

static gboolean
no_recovery (const char *image_path)
{
  g_autofree char *found = al_document_find_recovery (image_path, NULL);

  return found == NULL;
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} SaveWait;

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
static void
save_start (Fixture  *fx,
            GFile    *file,
            SaveWait *w)
{
  memset (w, 0, sizeof *w);
  al_window_save_async (fx->window, file, NULL, on_saved, w);
}

static gboolean
save_wait (SaveWait  *w,
           GError   **error)
{
  al_app_test_wait_until (save_done, w);
  if (w->error != NULL)
    g_propagate_error (error, w->error);
  return w->ok;
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
  g_assert_true (enabled (fx, "save"));
  k = inner_atom (shown_atoms (fx));
  g_assert_cmpint (al_window_select_at (fx->window, shown_atoms (fx)->x[k], shown_atoms (fx)->y[k]), ==, k);
  set_tool (fx, "move");
  click (fx, 100.5, 101.25);
  set_tool (fx, "add");
  click (fx, 12.0, 13.0);
  /* The recomputed structure may read a site's species anew from the
   * image; the document takes it, and the file is compared with it. */
  shown_atoms (fx);
  save_start (fx, doc_file, &saving);
  g_assert_true (save_wait (&saving, &error));
  g_assert_no_error (error);
  g_assert_false (g_str_has_prefix (gtk_window_get_title (GTK_WINDOW (fx->window)), "• "));
  g_assert_false (al_document_get_modified (al_window_get_document (fx->window)));
  g_assert_true (no_recovery (canonical));
  atoms = shown_atoms (fx);

  second = al_window_new (shared_app);
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

/* A drag with the select tool selects a box; Delete and a species key act
 * on all of it, one undo step each; a drag with the move tool moves the
 * atom it began on. */
static void
test_box_and_drag (Fixture       *fx,
                   gconstpointer  data)
{
  const AlAtoms *atoms = shown_atoms (fx);
  guint n0 = atoms->n_atoms, n_inside = 0, k = inner_atom (atoms), n_box;
  double x0 = 100, y0 = 100, x1 = 140, y1 = 130, ax, ay;
  g_autoptr (GVariant) species = g_variant_ref_sink (g_variant_new_int32 (1));

  for (guint i = 0; i < n0; i++)
    n_inside += atoms->x[i] >= x0 && atoms->x[i] <= x1 && atoms->y[i] >= y0 && atoms->y[i] <= y1;
  g_assert_cmpuint (n_inside, >, 3);
  set_tool (fx, "select");
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "dragged", x1, y1, x0, y0);
  n_box = al_window_get_selection (fx->window)->len;
  g_assert_cmpuint (n_box, ==, n_inside);
  g_action_group_activate_action (G_ACTION_GROUP (fx->window), "set-species", species);
  atoms = shown_atoms (fx);
  for (guint i = 0; i < n_box; i++)
    g_assert_cmpint (atoms->species[g_array_index (al_window_get_selection (fx->window), guint, i)], ==, 1);
  g_assert_cmpuint (al_document_get_n_undo (al_window_get_document (fx->window)), ==, 1);
  act (fx, "delete-atom");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0 - n_inside);
  g_assert_cmpint (panel_atoms (fx), ==, n0 - n_inside);
  act (fx, "undo");
  act (fx, "undo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0);

  atoms = shown_atoms (fx);
  ax = atoms->x[k], ay = atoms->y[k];
  set_tool (fx, "move");
  g_signal_emit_by_name (al_window_get_canvas (fx->window), "dragged", ax + 0.2, ay, ax + 2.0, ay + 1.0);
  atoms = shown_atoms (fx);
  g_assert_cmpfloat (atoms->x[k], ==, ax + 2.0);
  g_assert_cmpfloat (atoms->y[k], ==, ay + 1.0);
  act (fx, "undo");
  g_assert_cmpfloat (shown_atoms (fx)->x[k], ==, ax);
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

  g_assert_true (enabled (fx, "export-figure"));
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
    guint n_atoms = shown_atoms (fx)->n_atoms + 1, lines = 0;

    set_tool (fx, "add");
    click (fx, 30.0, 31.0);
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

/* Edits in quick succession, each while the bonds and defects of the one
 * before are still being recomputed by a worker, and a save in the
 * middle: the shown atoms follow the document at once after every edit
 * (so the next edit picks the right atom), none is lost, the final results
 * have the structure of the last atoms, and the file holds the document as
 * it was when Save was chosen. */
static void
test_edits_during_recompute (Fixture       *fx,
                             gconstpointer  data)
{
  g_autofree char *doc_path = g_build_filename (fx->dir, "quick.atomlens", NULL);
  g_autoptr (GFile) doc_file = g_file_new_for_path (doc_path);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) saved = NULL;
  g_autoptr (AlAtoms) at_save = NULL;
  AlDocument *doc = al_window_get_document (fx->window);
  const AlAtoms *atoms = shown_atoms (fx);
  const AlFrameResult *r;
  guint n0 = atoms->n_atoms, k = inner_atom (atoms);
  double kx = atoms->x[k], ky = atoms->y[k];
  SaveWait saving;

  /* No waiting between these. */
  g_assert_cmpint (al_window_add_atom (fx->window, 20.0, 21.0, &error), >=, 0);
  g_assert_no_error (error);
  g_assert_true (al_window_get_busy (fx->window));
  r = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_cmpuint (r->atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (al_window_add_atom (fx->window, 40.0, 41.0, &error), >=, 0);
  save_start (fx, doc_file, &saving);
  at_save = al_atoms_copy (al_document_get_atoms (doc, 0));
  g_assert_cmpint (al_window_select_at (fx->window, kx, ky), >=, 0);
  g_assert_true (al_window_delete_selected (fx->window, &error));
  g_assert_no_error (error);
  r = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_cmpuint (r->atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (al_window_add_atom (fx->window, 60.0, 61.0, &error), >=, 0);
  g_assert_true (save_wait (&saving, &error));
  g_assert_no_error (error);
  /* Edited after the save began: still unsaved. */
  g_assert_true (al_document_get_modified (doc));

  atoms = shown_atoms (fx);   /* waits for the workers */
  r = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_cmpuint (atoms->n_atoms, ==, n0 + 2);
  g_assert_cmpuint (al_document_get_n_undo (doc), ==, 4);
  g_assert_nonnull (r->structure);
  g_assert_nonnull (r->structure->bonds);
  g_assert_cmpuint (r->structure->bonds->offset[atoms->n_atoms], >, 0);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      g_assert_cmpfloat (atoms->x[i], ==, al_document_get_atoms (doc, 0)->x[i]);
      g_assert_cmpfloat (atoms->y[i], ==, al_document_get_atoms (doc, 0)->y[i]);
    }
  for (guint i = 0; i < atoms->n_atoms; i++)
    g_assert_false (atoms->x[i] == kx && atoms->y[i] == ky);
  g_assert_cmpint (panel_atoms (fx), ==, n0 + 2);

  /* The file: the two added atoms, not the deletion nor the third add. */
  saved = al_document_load (doc_path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (al_document_get_atoms (saved, 0)->n_atoms, ==, n0 + 2);
  g_assert_cmpuint (at_save->n_atoms, ==, n0 + 2);
  for (guint i = 0; i < at_save->n_atoms; i++)
    {
      g_assert_cmpfloat (al_document_get_atoms (saved, 0)->x[i], ==, at_save->x[i]);
      g_assert_cmpfloat (al_document_get_atoms (saved, 0)->y[i], ==, at_save->y[i]);
    }
}

static int
compare_defects (const void *a,
                 const void *b)
{
  const AlDefect *p = a, *q = b;

  if (p->type != q->type)
    return p->type < q->type ? -1 : 1;
  return p->x < q->x ? -1 : p->x > q->x;
}

/* The shown structure equals a whole-frame recompute with the field-wide
 * figures of `old` (defects/al-structure-update.h). */
static void
assert_as_whole (Fixture           *fx,
                 const AlStructure *old)
{
  AlDocument *doc = al_window_get_document (fx->window);
  const AlAnalysis *analysis = al_results_get_analysis (al_window_get_results (fx->window));
  const AlFrameResult *r = al_results_get_frame (al_window_get_results (fx->window), 0);
  const AlImage *image = al_document_get_image (doc);
  g_autoptr (AlAtoms) atoms = al_atoms_copy (al_document_get_atoms (doc, 0));
  AlStructureParams sp = { { 0 }, { 0 }, image->width, image->height, al_image_frame_const (image, 0) };
  g_autoptr (AlStructure) whole = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree AlDefect *a = NULL;
  g_autofree AlDefect *b = NULL;
  guint n;

  sp.like = old;
  whole = al_structure_analyze (atoms, analysis->material, analysis->pixel_size_nm, 0, &sp, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->structure->bonds->n_bonds, ==, whole->bonds->n_bonds);
  for (guint i = 0; i < atoms->n_atoms; i++)
    g_assert_cmpint (r->atoms->coordination[i], ==, atoms->coordination[i]);
  n = al_defects_len (whole->defects);
  g_assert_cmpuint (al_defects_len (r->structure->defects), ==, n);
  a = g_memdup2 (r->structure->defects->defects->data, sizeof (AlDefect) * (n + 1));
  b = g_memdup2 (whole->defects->defects->data, sizeof (AlDefect) * (n + 1));
  qsort (a, n, sizeof (AlDefect), compare_defects);
  qsort (b, n, sizeof (AlDefect), compare_defects);
  for (guint k = 0; k < n; k++)
    {
      g_assert_cmpint (a[k].type, ==, b[k].type);
      g_assert_cmpfloat (hypot (a[k].x - b[k].x, a[k].y - b[k].y), <, 1e-6);
    }
}

/* On a larger image an edit is recomputed near the edit only, and gives
 * what recomputing the whole frame gives. */
static void
test_local_recompute (Fixture       *fx,
                      gconstpointer  data)
{
  g_autoptr (AlResults) before = NULL;
  g_autoptr (GError) error = NULL;
  const AlAtoms *atoms = shown_atoms (fx);
  guint n0 = atoms->n_atoms, n_defects, n_local, n_whole, k = G_MAXUINT;
  const AlStructure *old;

  for (guint i = 0; i < atoms->n_atoms && k == G_MAXUINT; i++)
    if (fabs (atoms->x[i] - 400) < 12 && fabs (atoms->y[i] - 400) < 12)
      k = i;
  g_assert_cmpuint (k, !=, G_MAXUINT);
  before = al_results_ref (al_window_get_results (fx->window));
  old = al_results_get_frame (before, 0)->structure;
  n_defects = al_defects_len (old->defects);
  g_assert_cmpint (al_window_select_at (fx->window, atoms->x[k], atoms->y[k]), ==, k);
  g_assert_true (al_window_delete_selected (fx->window, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0 - 1);
  al_window_get_recompute_counts (fx->window, &n_local, &n_whole);
  g_assert_cmpuint (n_local, ==, 1);
  g_assert_cmpuint (n_whole, ==, 0);
  /* (The image still shows the deleted column, so its site reads as
   * occupied: no vacancy.) */
  assert_as_whole (fx, old);
  /* Undo: the next edit starts from the last recompute. */
  act (fx, "undo");
  g_assert_cmpuint (shown_atoms (fx)->n_atoms, ==, n0);
  al_window_get_recompute_counts (fx->window, &n_local, &n_whole);
  g_assert_cmpuint (n_local, ==, 2);
  assert_as_whole (fx, old);
  g_assert_cmpuint (al_defects_len (al_results_get_frame (al_window_get_results (fx->window), 0)->structure->defects),
                    ==, n_defects);
}

int
main (int    argc,
      char **argv)
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  shared_app = al_app_test_register (G_APPLICATION_DEFAULT_FLAGS);
  g_test_add ("/app/edit/add-undo", Fixture, NULL, fixture_setup, test_add_undo, fixture_teardown);
  g_test_add ("/app/edit/move-species-delete", Fixture, NULL, fixture_setup, test_move_species_delete,
              fixture_teardown);
  g_test_add ("/app/edit/save-reopen", Fixture, NULL, fixture_setup, test_save_reopen, fixture_teardown);
  g_test_add ("/app/edit/edits-during-recompute", Fixture, NULL, fixture_setup, test_edits_during_recompute,
              fixture_teardown);
  g_test_add ("/app/edit/box-and-drag", Fixture, NULL, fixture_setup, test_box_and_drag, fixture_teardown);
  g_test_add ("/app/edit/export", Fixture, NULL, fixture_setup, test_export, fixture_teardown);
  g_test_add ("/app/edit/local-recompute", Fixture, GUINT_TO_POINTER (LOCAL_SIDE), fixture_setup,
              test_local_recompute, fixture_teardown);
  status = g_test_run ();
  g_object_unref (shared_app);
  return status;
}
