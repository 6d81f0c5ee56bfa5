/* test-edit-recompute.c: the bonds and defects recomputed after an edit
 * in a worker: edits (and a save) in quick succession while it runs, and
 * on a larger image a recompute near the edit only that equals a
 * whole-frame one. */
#include <math.h>
#include <string.h>

#include "al-app-test.h"
#include "al-test.h"
#include "edit-fixture.h"
#include "defects/al-structure.h"

/* Large enough that the window around an edit is a small part. */
#define LOCAL_SIDE 800

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
  const AlAtoms *atoms = fx_shown_atoms (fx);
  const AlFrameResult *r;
  guint n0 = atoms->n_atoms, k = fx_inner_atom (atoms);
  double kx = atoms->x[k], ky = atoms->y[k];
  SaveWait saving;

  /* No waiting between these. */
  g_assert_cmpint (al_window_add_atom (fx->window, 20.0, 21.0, &error), >=, 0);
  g_assert_no_error (error);
  g_assert_true (al_window_get_busy (fx->window));
  r = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_cmpuint (r->atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (al_window_add_atom (fx->window, 40.0, 41.0, &error), >=, 0);
  fx_save_start (fx, doc_file, &saving);
  at_save = al_atoms_copy (al_document_get_atoms (doc, 0));
  g_assert_cmpint (al_window_select_at (fx->window, kx, ky), >=, 0);
  g_assert_true (al_window_delete_selected (fx->window, &error));
  g_assert_no_error (error);
  r = al_results_get_frame (al_window_get_results (fx->window), 0);
  g_assert_cmpuint (r->atoms->n_atoms, ==, n0 + 1);
  g_assert_cmpint (al_window_add_atom (fx->window, 60.0, 61.0, &error), >=, 0);
  g_assert_true (fx_save_wait (&saving, &error));
  g_assert_no_error (error);
  /* Edited after the save began: still unsaved. */
  g_assert_true (al_document_get_modified (doc));

  atoms = fx_shown_atoms (fx);   /* waits for the workers */
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
  g_assert_cmpint (fx_panel_atoms (fx), ==, n0 + 2);

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
  const AlAtoms *atoms = fx_shown_atoms (fx);
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
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0 - 1);
  al_window_get_recompute_counts (fx->window, &n_local, &n_whole);
  g_assert_cmpuint (n_local, ==, 1);
  g_assert_cmpuint (n_whole, ==, 0);
  /* (The image still shows the deleted column, so its site reads as
   * occupied: no vacancy.) */
  assert_as_whole (fx, old);
  /* Undo: the next edit starts from the last recompute. */
  fx_act (fx, "undo");
  g_assert_cmpuint (fx_shown_atoms (fx)->n_atoms, ==, n0);
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
  fx_init (&argc, &argv);
  g_test_add ("/app/edit/edits-during-recompute", Fixture, NULL, fx_setup, test_edits_during_recompute,
              fx_teardown);
  g_test_add ("/app/edit/local-recompute", Fixture, GUINT_TO_POINTER (LOCAL_SIDE), fx_setup, test_local_recompute,
              fx_teardown);
  return fx_run ();
}
