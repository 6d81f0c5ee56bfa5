/* test-document.c: AlDocument in memory: a new document, the structure
 * that follows its atoms (hand defect labels kept through a recompute),
 * every hand correction undone and redone exactly, bad edits refused, and
 * a re-analysis that keeps the hand edits. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-test.h"
#include "doc-fixture.h"

static void
test_new_document (Fixture      *fx,
                   gconstpointer data)
{
  g_assert_cmpuint (al_document_get_n_frames (fx->doc), ==, 2);
  g_assert_nonnull (al_document_get_atoms (fx->doc, 0));
  g_assert_null (al_document_get_atoms (fx->doc, 1));
  g_assert_null (al_document_get_atoms (fx->doc, 2));
  g_assert_true (al_document_get_modified (fx->doc));
  g_assert_false (al_document_can_undo (fx->doc));
  g_assert_cmpstr (al_document_get_image_path (fx->doc), ==, fx->image_path);
  g_assert_cmpfloat (al_document_get_pixel_size (fx->doc), ==, 0.05);
  al_document_set_pixel_size_override (fx->doc, 0.021);
  g_assert_cmpfloat (al_document_get_pixel_size (fx->doc), ==, 0.021);
  g_assert_cmpstr (g_hash_table_lookup (al_document_get_model_settings (fx->doc), "tile"), ==, "256");
}

static AlStructure *
analyse_copy (AlDocument *doc,
              AlAtoms   **copy)
{
  g_autoptr (GError) error = NULL;
  AlStructureParams sp = { 0 };
  AlStructure *s;

  *copy = al_atoms_copy (al_document_get_atoms (doc, 0));
  s = al_structure_analyze (*copy, al_document_get_material (doc), 0.05, 0, &sp, NULL, NULL, &error);
  g_assert_no_error (error);
  return s;
}

/* A perfect MoS2 patch with one S2 column missing (a V_S2), as atoms. */
static AlAtoms *
lattice_with_vacancy (double *vx,
                      double *vy)
{
  const double sqrt3 = sqrt (3.0), a = 0.316 / 0.05, d = a / sqrt3;  /* px */
  AlAtoms *atoms = al_atoms_new (0);

  for (int r = 0; r < 9; r++)
    for (int c = 0; c < 9; c++)
      {
        double x = 6 + c * a + (r % 2) * a / 2, y = 4 + r * a * sqrt3 / 2;
        if (x > W - 2 || y + d > H - 2)
          continue;
        al_atoms_append (atoms, x, y, 0);
        if (r == 3 && c == 4)
          *vx = x, *vy = y + d;
        else
          al_atoms_append (atoms, x, y + d, 1);
      }
  return atoms;
}

static void
test_structure_follows_atoms (Fixture      *fx,
                              gconstpointer data)
{
  AlAtoms *copy = NULL;
  AlStructure *s = analyse_copy (fx->doc, &copy);

  g_assert_null (al_document_get_structure (fx->doc, 0));
  al_document_set_structure (fx->doc, 0, copy, s);
  al_atoms_free (copy);
  g_assert_true (al_document_get_structure (fx->doc, 0) == s);
  g_assert_cmpuint (fx->n_frame_changed, ==, 0);
  /* An edit makes its bond and defect indices stale: it is dropped. */
  g_assert_true (al_document_move_atom (fx->doc, 0, 1, 5, 5, NULL));
  g_assert_null (al_document_get_structure (fx->doc, 0));
}

static int
find_defect_near (const AlStructure *s,
                  double             x,
                  double             y)
{
  for (guint d = 0; d < al_defects_len (s->defects); d++)
    {
      const AlDefect *def = al_defects_get (s->defects, d);
      if (hypot (def->x - x, def->y - y) < 3.0)
        return (int) d;
    }
  return -1;
}

/* Hand labels of defects survive recomputing the structure. */
static void
test_structure_keeps_hand_defects (Fixture      *fx,
                                   gconstpointer data)
{
  AlAtoms *copy = NULL;
  AlStructure *s;
  const AlAtoms *atoms;
  double vx = 0, vy = 0;
  int d, id = -1;

  al_document_set_atoms (fx->doc, 0, lattice_with_vacancy (&vx, &vy));
  s = analyse_copy (fx->doc, &copy);
  al_document_set_structure (fx->doc, 0, copy, s);
  al_atoms_free (copy);
  d = find_defect_near (s, vx, vy);
  g_assert_cmpint (d, >=, 0);
  g_assert_cmpint (al_defects_get (s->defects, d)->type, ==, AL_DEFECT_V_S2);
  atoms = al_document_get_atoms (fx->doc, 0);
  for (guint i = 0; i < atoms->n_atoms && id < 0; i++)
    if (atoms->defect_type[i] == AL_DEFECT_V_S2)
      id = atoms->defect_id[i];
  g_assert_cmpint (id, >=, 0);

  /* The user says it is a V_S, and the recomputed structure agrees. */
  g_assert_true (al_document_set_defect_type (fx->doc, 0, id, AL_DEFECT_V_S, NULL));
  s = analyse_copy (fx->doc, &copy);
  al_document_set_structure (fx->doc, 0, copy, s);
  al_atoms_free (copy);
  d = find_defect_near (s, vx, vy);
  g_assert_cmpint (d, >=, 0);
  g_assert_cmpint (al_defects_get (s->defects, d)->type, ==, AL_DEFECT_V_S);

  /* Then marks it false: it is gone from the structure after recomputing. */
  id = -1;
  atoms = al_document_get_atoms (fx->doc, 0);
  for (guint i = 0; i < atoms->n_atoms && id < 0; i++)
    if (atoms->defect_type[i] == AL_DEFECT_V_S)
      id = atoms->defect_id[i];
  g_assert_true (al_document_mark_false_defect (fx->doc, 0, id, NULL));
  s = analyse_copy (fx->doc, &copy);
  al_document_set_structure (fx->doc, 0, copy, s);
  al_atoms_free (copy);
  g_assert_cmpint (find_defect_near (s, vx, vy), <, 0);
}

/* One edit: its effect checked by `check`, then undo gives back the atoms
 * bit for bit, and redo the edited ones. */
static void
check_undo_redo (Fixture    *fx,
                 gboolean    edited,
                 const char *label,
                 const AlAtoms *before)
{
  g_autoptr (AlAtoms) after = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  guint n_signals = fx->n_frame_changed;

  g_assert_true (edited);
  g_assert_cmpuint (fx->last_frame, ==, 0);
  g_assert_true (al_document_can_undo (fx->doc));
  g_assert_false (al_document_can_redo (fx->doc));
  g_assert_cmpstr (al_document_get_undo_label (fx->doc), ==, label);
  g_assert_true (al_document_undo (fx->doc));
  g_assert_cmpuint (fx->n_frame_changed, ==, n_signals + 1);
  doc_assert_atoms_equal (al_document_get_atoms (fx->doc, 0), before);
  g_assert_cmpstr (al_document_get_redo_label (fx->doc), ==, label);
  g_assert_true (al_document_redo (fx->doc));
  doc_assert_atoms_equal (al_document_get_atoms (fx->doc, 0), after);
  g_assert_false (al_document_redo (fx->doc));
}

static void
test_edits_undo_redo (Fixture      *fx,
                      gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const AlAtoms *atoms;
  guint index, del[3] = { 30, 2, 30 }, sel[2] = { 4, 5 };
  AlAtoms *before;

  /* add */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_add_atom (fx->doc, 0, 12.25, 20.5, 1, &index, &error), "Add atom", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  g_assert_cmpuint (index, ==, N_ATOMS);
  g_assert_cmpuint (atoms->n_atoms, ==, N_ATOMS + 1);
  g_assert_cmpfloat (atoms->x[index], ==, 12.25);
  g_assert_cmpint (atoms->species[index], ==, 1);
  g_assert_cmpuint (atoms->flags[index], ==, AL_ATOM_ADDED_BY_HAND);
  al_atoms_free (before);

  /* move */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_move_atom (fx->doc, 0, 7, 3.5, 4.5, &error), "Move atom", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  g_assert_cmpfloat (atoms->x[7], ==, 3.5);
  g_assert_cmpfloat (atoms->y[7], ==, 4.5);
  g_assert_true (atoms->flags[7] & AL_ATOM_MOVED_BY_HAND);
  al_atoms_free (before);

  /* delete (unsorted, with a repeat) */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_delete_atoms (fx->doc, 0, del, 3, &error), "Delete atoms", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  g_assert_cmpuint (atoms->n_atoms, ==, before->n_atoms - 2);
  g_assert_cmpfloat (atoms->x[2], ==, before->x[3]);
  g_assert_cmpfloat (atoms->x[28], ==, before->x[29]);
  g_assert_cmpfloat (atoms->x[29], ==, before->x[31]);
  al_atoms_free (before);

  /* set species */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_set_species (fx->doc, 0, sel, 2, 3, &error), "Set species", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  g_assert_cmpint (atoms->species[4], ==, 3);
  g_assert_cmpint (atoms->species[5], ==, 3);
  g_assert_true (atoms->flags[5] & AL_ATOM_CLASS_BY_HAND);
  al_atoms_free (before);

  /* change a defect's type (defect 3 is atoms 9-11 after the deletion of atom 2) */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_set_defect_type (fx->doc, 0, 3, AL_DEFECT_V_S2, &error),
                   "Change defect type", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  for (guint i = 9; i <= 11; i++)
    {
      g_assert_cmpint (atoms->defect_id[i], ==, 3);
      g_assert_cmpint (atoms->defect_type[i], ==, AL_DEFECT_V_S2);
      g_assert_true (atoms->flags[i] & AL_ATOM_DEFECT_BY_HAND);
    }
  al_atoms_free (before);

  /* mark a false defect */
  before = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  check_undo_redo (fx, al_document_mark_false_defect (fx->doc, 0, 5, &error), "Mark false defect", before);
  atoms = al_document_get_atoms (fx->doc, 0);
  for (guint i = 0; i < atoms->n_atoms; i++)
    g_assert_cmpint (atoms->defect_id[i], !=, 5);
  g_assert_cmpint (atoms->defect_type[19], ==, AL_DEFECT_NONE);
  al_atoms_free (before);
  g_assert_no_error (error);
  g_assert_cmpuint (al_document_get_n_undo (fx->doc), ==, 6);

  /* a new edit after an undo drops the redo list */
  g_assert_true (al_document_undo (fx->doc));
  g_assert_true (al_document_can_redo (fx->doc));
  g_assert_true (al_document_move_atom (fx->doc, 0, 0, 1, 1, &error));
  g_assert_false (al_document_can_redo (fx->doc));
}

static void
test_bad_edits (Fixture      *fx,
                gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint bad = N_ATOMS;
  const AlAtoms *atoms = al_document_get_atoms (fx->doc, 0);

  g_assert_false (al_document_move_atom (fx->doc, 0, bad, 1, 1, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_delete_atoms (fx->doc, 0, &bad, 1, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_add_atom (fx->doc, 1, 1, 1, 0, NULL, &error));  /* not analysed */
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_add_atom (fx->doc, 0, W + 3, 1, 0, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_add_atom (fx->doc, 0, NAN, 1, 0, NULL, &error));
  g_clear_error (&error);
  g_assert_false (al_document_add_atom (fx->doc, 0, 1, 1, 4, NULL, &error));  /* MoS2 has 4 species */
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_mark_false_defect (fx->doc, 0, 99, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_document_set_defect_type (fx->doc, 0, 3, AL_N_DEFECT_TYPES, &error));
  g_clear_error (&error);
  g_assert_false (al_document_can_undo (fx->doc));
  g_assert_cmpuint (atoms->n_atoms, ==, N_ATOMS);
  g_assert_false (al_document_undo (fx->doc));
}

static void
test_reanalysis_keeps_edits (Fixture      *fx,
                             gconstpointer data)
{
  g_autoptr (AlAtoms) fresh = doc_make_atoms (11);
  const AlAtoms *atoms;
  guint del = 6, sel = 4, added;
  double moved_x = 20.0, moved_y = 21.0, deleted_x, deleted_y;
  int n_added = 0, n_moved = 0, n_class = 0, n_near_deleted = 0;

  atoms = al_document_get_atoms (fx->doc, 0);
  deleted_x = atoms->x[del], deleted_y = atoms->y[del];
  g_assert_true (al_document_add_atom (fx->doc, 0, 50.0, 40.0, 2, &added, NULL));
  g_assert_true (al_document_move_atom (fx->doc, 0, 0, moved_x, moved_y, NULL));
  g_assert_true (al_document_set_species (fx->doc, 0, &sel, 1, 3, NULL));
  g_assert_true (al_document_delete_atoms (fx->doc, 0, &del, 1, NULL));

  /* The network finds the original atoms again. */
  al_document_apply_analysis (fx->doc, 0, g_steal_pointer (&fresh));
  g_assert_false (al_document_can_undo (fx->doc));
  atoms = al_document_get_atoms (fx->doc, 0);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      if (atoms->flags[i] & AL_ATOM_ADDED_BY_HAND)
        {
          n_added++;
          g_assert_cmpfloat (atoms->x[i], ==, 50.0);
        }
      if (atoms->flags[i] & AL_ATOM_MOVED_BY_HAND)
        {
          n_moved++;
          g_assert_cmpfloat (atoms->x[i], ==, moved_x);
        }
      if (atoms->flags[i] & AL_ATOM_CLASS_BY_HAND)
        {
          n_class++;
          g_assert_cmpint (atoms->species[i], ==, 3);
        }
      if (hypot (atoms->x[i] - deleted_x, atoms->y[i] - deleted_y) < 1e-9)
        n_near_deleted++;
    }
  g_assert_cmpint (n_added, ==, 1);
  g_assert_cmpint (n_moved, ==, 1);
  g_assert_cmpint (n_class, ==, 1);
  g_assert_cmpint (n_near_deleted, ==, 0);
  /* 40 found, minus the deleted one, the moved one's original (replaced by
   * the moved atom) stays only if farther than the keep radius from it. */
  g_assert_cmpuint (atoms->n_atoms, >=, N_ATOMS);
  g_assert_cmpuint (atoms->n_atoms, <=, N_ATOMS + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(name, fn) g_test_add ("/core/document/" name, Fixture, NULL, doc_set_up, fn, doc_tear_down)
  ADD ("new", test_new_document);
  ADD ("structure-follows-atoms", test_structure_follows_atoms);
  ADD ("structure-keeps-hand-defects", test_structure_keeps_hand_defects);
  ADD ("edits-undo-redo", test_edits_undo_redo);
  ADD ("bad-edits", test_bad_edits);
  ADD ("reanalysis-keeps-edits", test_reanalysis_keeps_edits);
#undef ADD
  return g_test_run ();
}
