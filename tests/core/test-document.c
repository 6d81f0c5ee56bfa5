/* test-document.c: AlDocument: save and load give back what was saved;
 * every hand correction undoes and redoes exactly; a failed save keeps the
 * old file; damaged, truncated and foreign documents are refused with the
 * right AL_IO_ERROR; autosave files are found and restored. */
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "al-document.h"
#include "al-error.h"
#include "al-test.h"
#include "io/al-io.h"
#include "io/al-tiff.h"

#define W 64
#define H 48
#define N_ATOMS 40

typedef struct
{
  char       *dir;
  char       *image_path;
  AlDocument *doc;
  guint       n_frame_changed;
  guint       last_frame;
  guint       n_changed;
  guint       n_modified_notify;
} Fixture;

/* A 2-frame image with seeded noise, "read" from dir/image.tif. */
static AlImage *
make_image (const char *path,
            guint32     seed)
{
  AlImage *image = al_image_new (W, H, 2, NULL);
  GRand *rand = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < (gsize) W * H * 2; i++)
    image->pixels[i] = (float) g_rand_double (rand);
  al_image_set_calibration (image, 0.05, 0.05, "nm");
  image->source_path = g_strdup (path);
  g_rand_free (rand);
  return image;
}

static AlAtoms *
make_atoms (guint32 seed)
{
  AlAtoms *atoms = al_atoms_new (0);
  GRand *rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < N_ATOMS; i++)
    {
      guint k = al_atoms_append (atoms, g_rand_double_range (rand, 0, W - 1),
                                 g_rand_double_range (rand, 0, H - 1), g_rand_int_range (rand, 0, 4));
      atoms->sigma_x[k] = (float) g_rand_double (rand);
      atoms->sigma_y[k] = (float) g_rand_double (rand);
      atoms->confidence[k] = (float) g_rand_double (rand);
      atoms->intensity[k] = (float) g_rand_double_range (rand, 0, 1000);
      atoms->width[k] = (float) g_rand_double_range (rand, 1, 3);
      atoms->coordination[k] = (guint8) g_rand_int_range (rand, 0, 4);
      /* atoms 10-12 form defect 3, atoms 20-21 defect 5 */
      atoms->defect_id[k] = k >= 10 && k <= 12 ? 3 : (k == 20 || k == 21 ? 5 : -1);
      atoms->defect_type[k] = atoms->defect_id[k] == 3 ? AL_DEFECT_V_S
                              : atoms->defect_id[k] == 5 ? AL_DEFECT_W_MO : AL_DEFECT_NONE;
    }
  g_rand_free (rand);
  return atoms;
}

static void
assert_atoms_equal (const AlAtoms *a,
                    const AlAtoms *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->n_atoms, ==, b->n_atoms);
#define SAME(arr) g_assert_cmpmem (a->arr, a->n_atoms * sizeof *a->arr, b->arr, b->n_atoms * sizeof *b->arr)
  SAME (x);
  SAME (y);
  SAME (sigma_x);
  SAME (sigma_y);
  SAME (species);
  SAME (confidence);
  SAME (intensity);
  SAME (width);
  SAME (flags);
  SAME (coordination);
  SAME (defect_id);
  SAME (defect_type);
#undef SAME
}

static void
on_frame_changed (AlDocument *doc,
                  guint       frame,
                  Fixture    *fx)
{
  fx->n_frame_changed++;
  fx->last_frame = frame;
}

static void
on_changed (AlDocument *doc,
            Fixture    *fx)
{
  fx->n_changed++;
}

static void
on_modified (GObject    *doc,
             GParamSpec *pspec,
             Fixture    *fx)
{
  fx->n_modified_notify++;
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GHashTable) settings = g_hash_table_new (g_str_hash, g_str_equal);

  fx->dir = al_test_mkdtemp ();
  fx->image_path = g_build_filename (fx->dir, "image.tif", NULL);
  fx->doc = al_document_new (make_image (fx->image_path, 7));
  al_document_set_material (fx->doc, al_material_get (AL_MATERIAL_MOS2));
  g_hash_table_insert (settings, "threshold", "0.5");
  g_hash_table_insert (settings, "tile", "256");
  al_document_set_model (fx->doc, "/models/mos2-atoms.onnx", settings);
  al_document_set_atoms (fx->doc, 0, make_atoms (11));
  g_signal_connect (fx->doc, "frame-changed", G_CALLBACK (on_frame_changed), fx);
  g_signal_connect (fx->doc, "changed", G_CALLBACK (on_changed), fx);
  g_signal_connect (fx->doc, "notify::modified", G_CALLBACK (on_modified), fx);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->doc);
  al_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->image_path);
}

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
  assert_atoms_equal (al_document_get_atoms (fx->doc, 0), before);
  g_assert_cmpstr (al_document_get_redo_label (fx->doc), ==, label);
  g_assert_true (al_document_redo (fx->doc));
  assert_atoms_equal (al_document_get_atoms (fx->doc, 0), after);
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

/* Edits, some undone, so that both lists travel through the file. */
static void
make_history (AlDocument *doc)
{
  guint sel[3] = { 1, 2, 3 }, del[2] = { 8, 9 };

  g_assert_true (al_document_add_atom (doc, 0, 30.0, 30.0, 2, NULL, NULL));
  g_assert_true (al_document_move_atom (doc, 0, 5, 10.125, 11.0625, NULL));
  g_assert_true (al_document_set_species (doc, 0, sel, 3, 0, NULL));
  g_assert_true (al_document_delete_atoms (doc, 0, del, 2, NULL));
  g_assert_true (al_document_mark_false_defect (doc, 0, 3, NULL));
  g_assert_true (al_document_undo (doc));
  g_assert_true (al_document_undo (doc));
}

static void
test_round_trip (Fixture      *fx,
                 gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) back = NULL;

  make_history (fx->doc);
  al_document_set_pixel_size_override (fx->doc, 0.0199);
  g_assert_true (al_document_get_modified (fx->doc));
  fx->n_modified_notify = 0;
  g_assert_true (al_document_save (fx->doc, path, &error));
  g_assert_no_error (error);
  g_assert_false (al_document_get_modified (fx->doc));
  g_assert_cmpuint (fx->n_modified_notify, ==, 1);
  g_assert_cmpstr (al_document_get_path (fx->doc), ==, path);

  back = al_document_load_with_image (path, make_image (fx->image_path, 7), &error);
  g_assert_no_error (error);
  g_assert_false (al_document_get_modified (back));
  g_assert_cmpstr (al_document_get_path (back), ==, path);
  g_assert_cmpstr (al_document_get_image_path (back), ==, fx->image_path);
  g_assert_true (al_document_get_material (back) == al_material_get (AL_MATERIAL_MOS2));
  g_assert_cmpfloat (al_document_get_pixel_size_override (back), ==, 0.0199);
  g_assert_cmpstr (al_document_get_model_path (back), ==, "/models/mos2-atoms.onnx");
  g_assert_cmpstr (g_hash_table_lookup (al_document_get_model_settings (back), "threshold"), ==, "0.5");
  g_assert_cmpuint (g_hash_table_size (al_document_get_model_settings (back)), ==, 2);
  g_assert_null (al_document_get_atoms (back, 1));
  assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
  g_assert_cmpuint (al_document_get_n_undo (back), ==, 3);
  g_assert_cmpuint (al_document_get_n_redo (back), ==, 2);
  g_assert_cmpstr (al_document_get_redo_label (back), ==, "Delete atoms");

  /* The histories behave alike, step for step, both ways. */
  while (al_document_redo (fx->doc))
    {
      g_assert_true (al_document_redo (back));
      assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
    }
  g_assert_true (al_document_get_modified (back));
  while (al_document_undo (fx->doc))
    {
      g_assert_true (al_document_undo (back));
      assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
    }
  g_assert_false (al_document_undo (back));
  assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
}

static void
test_undo_to_saved_state (Fixture      *fx,
                          gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);

  g_assert_true (al_document_save (fx->doc, path, NULL));
  g_assert_true (al_document_move_atom (fx->doc, 0, 1, 2, 2, NULL));
  g_assert_true (al_document_get_modified (fx->doc));
  g_assert_true (al_document_undo (fx->doc));
  g_assert_false (al_document_get_modified (fx->doc));  /* back where it was saved */
  g_assert_true (al_document_redo (fx->doc));
  g_assert_true (al_document_get_modified (fx->doc));
}

static void
test_failed_save_keeps_old_file (Fixture      *fx,
                                 gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *old = NULL, *now = NULL;
  g_autoptr (AlAtoms) many = al_atoms_new (0);
  struct rlimit saved, small;
  GDir *dir;
  const char *name;
  guint n_files = 0;
  gsize old_len, now_len;

  g_assert_true (al_document_save (fx->doc, path, &error));
  g_assert_true (g_file_get_contents (path, &old, &old_len, NULL));

  /* The next version is far larger than the process may now write: the
   * write fails part way (EFBIG), as on a full disk. Works as root too. */
  for (guint i = 0; i < 20000; i++)
    al_atoms_append (many, i % W, (i / W) % H, 0);
  al_document_set_atoms (fx->doc, 0, g_steal_pointer (&many));
  signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = old_len + 4096;
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  g_assert_false (al_document_save (fx->doc, path, &error));
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE);
  g_clear_error (&error);
  g_assert_true (al_document_get_modified (fx->doc));

  g_assert_true (g_file_get_contents (path, &now, &now_len, NULL));
  g_assert_cmpmem (old, old_len, now, now_len);
  /* and no temporary file is left behind: the image name and the document */
  dir = g_dir_open (fx->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    n_files++;
  g_dir_close (dir);
  g_assert_cmpuint (n_files, ==, 1);

  /* A folder the user may not write to, where permissions apply (not root). */
  if (geteuid () != 0)
    {
      g_autofree char *ro = g_build_filename (fx->dir, "ro", NULL);
      g_autofree char *ro_path = g_build_filename (ro, "doc.atomlens", NULL);
      g_autofree char *again = NULL;
      g_assert_cmpint (g_mkdir (ro, 0755), ==, 0);
      g_assert_true (g_file_set_contents (ro_path, old, old_len, NULL));
      g_assert_cmpint (g_chmod (ro, 0555), ==, 0);
      g_assert_false (al_document_save (fx->doc, ro_path, &error));
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE);
      g_assert_true (g_file_get_contents (ro_path, &again, NULL, NULL));
      g_assert_cmpstr (again, ==, old);
      g_chmod (ro, 0755);
    }
}

/* Saves the fixture's document, lets `edit` change its JSON, writes it
 * back, and loads it: the error must be `code`. */
static void
expect_load_error (Fixture    *fx,
                   void      (*edit) (JsonObject *root),
                   int         code)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) back = NULL;

  g_assert_true (al_document_save (fx->doc, path, NULL));
  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  edit (json_node_get_object (json_parser_get_root (parser)));
  json_generator_set_root (gen, json_parser_get_root (parser));
  g_assert_true (json_generator_to_file (gen, path, NULL));
  back = al_document_load_with_image (path, make_image (fx->image_path, 7), &error);
  g_assert_null (back);
  g_assert_error (error, AL_IO_ERROR, code);
  g_assert_nonnull (strstr (error->message, "image.atomlens"));
}

static void
edit_version (JsonObject *root)
{
  json_object_set_int_member (root, "version", 2);
}

static void
edit_format (JsonObject *root)
{
  json_object_set_string_member (root, "format", "photoshop");
}

static void
edit_count (JsonObject *root)
{
  JsonObject *frame = json_array_get_object_element (json_object_get_array_member (root, "frames"), 0);
  JsonObject *atoms = json_object_get_object_member (frame, "atoms");
  json_object_set_int_member (atoms, "count", json_object_get_int_member (atoms, "count") + 1);
}

static void
edit_history_index (JsonObject *root)
{
  JsonObject *history = json_object_get_object_member (root, "history");
  JsonObject *step = json_array_get_object_element (json_object_get_array_member (history, "undo"), 0);
  JsonArray *indices = json_object_get_array_member (step, "indices");
  json_array_remove_element (indices, 0);
  json_array_add_int_element (indices, 5000);
}

static void
edit_material (JsonObject *root)
{
  json_object_set_string_member (root, "material", "unobtainium");
}

static void
edit_species_column (JsonObject *root)
{
  JsonObject *frame = json_array_get_object_element (json_object_get_array_member (root, "frames"), 0);
  JsonObject *species = json_object_get_object_member (json_object_get_object_member (frame, "atoms"),
                                                       "species");
  guint16 bad[N_ATOMS];
  g_autofree char *b64 = NULL;
  for (guint i = 0; i < N_ATOMS; i++)
    bad[i] = GUINT16_TO_LE (77);
  b64 = g_base64_encode ((const guchar *) bad, sizeof bad);
  json_object_set_string_member (species, "data", b64);
}

static void
edit_checksum (JsonObject *root)
{
  json_object_set_string_member (json_object_get_object_member (root, "image"), "checksum", "sha256:00");
}

static void
edit_size (JsonObject *root)
{
  json_object_set_int_member (json_object_get_object_member (root, "image"), "width", W + 1);
}

static void
test_damaged_documents (Fixture      *fx,
                        gconstpointer data)
{
  make_history (fx->doc);
  expect_load_error (fx, edit_version, AL_IO_ERROR_UNSUPPORTED);
  expect_load_error (fx, edit_format, AL_IO_ERROR_UNSUPPORTED);
  expect_load_error (fx, edit_count, AL_IO_ERROR_CORRUPT);
  expect_load_error (fx, edit_history_index, AL_IO_ERROR_CORRUPT);
  expect_load_error (fx, edit_material, AL_IO_ERROR_CORRUPT);
  expect_load_error (fx, edit_species_column, AL_IO_ERROR_CORRUPT);
  expect_load_error (fx, edit_checksum, AL_IO_ERROR_MISMATCH);
  expect_load_error (fx, edit_size, AL_IO_ERROR_MISMATCH);
}

static void
test_truncated_and_foreign (Fixture      *fx,
                            gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autofree char *missing = g_build_filename (fx->dir, "missing.atomlens", NULL);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *deep = NULL;
  gsize len;
  static const gsize cuts[] = { 1, 10, 100, 1000 };

  g_assert_true (al_document_save (fx->doc, path, NULL));
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  for (guint c = 0; c < G_N_ELEMENTS (cuts); c++)
    {
      g_assert_cmpuint (cuts[c], <, len);
      g_assert_true (g_file_set_contents (path, text, (gssize) (len - cuts[c]), NULL));
      g_assert_null (al_document_load_with_image (path, make_image (fx->image_path, 7), &error));
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
      g_clear_error (&error);
    }
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_null (al_document_load_with_image (path, make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
  g_clear_error (&error);

  /* The same image under the same name but with other pixels. */
  g_assert_true (g_file_set_contents (path, text, (gssize) len, NULL));
  g_assert_null (al_document_load_with_image (path, make_image (fx->image_path, 8), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_null (al_document_load_with_image (missing, make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[1, 2, 3]", -1, NULL));
  g_assert_null (al_document_load_with_image (path, make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Nesting that would exhaust a recursive parser's stack is refused first. */
  deep = g_strnfill (100000, '[');
  g_assert_null (al_document_parse (deep, strlen (deep), NULL, make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT);
}

static void
test_recovery (Fixture      *fx,
               gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autofree char *rdir = g_build_filename (fx->dir, "recovery", NULL);
  g_autofree char *found = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *default_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) back = NULL;
  g_autoptr (GPtrArray) list = NULL;

  g_assert_true (al_document_save (fx->doc, path, &error));
  make_history (fx->doc);
  g_assert_null (al_document_find_recovery (fx->image_path, rdir));
  g_assert_true (al_document_autosave (fx->doc, rdir, &error));
  g_assert_no_error (error);
  g_assert_true (al_document_get_modified (fx->doc));  /* an autosave is not a save */

  found = al_document_find_recovery (fx->image_path, rdir);
  expected = al_document_recovery_path_for (fx->image_path, rdir);
  g_assert_cmpstr (found, ==, expected);
  g_assert_true (g_str_has_prefix (found, rdir));
  g_assert_nonnull (strstr (found, "image.tif-"));
  list = al_document_list_recovery (rdir);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (list, 0), ==, found);

  /* "After the crash": restore from the recovery file. */
  back = al_document_restore_recovery (found, make_image (fx->image_path, 7), &error);
  g_assert_no_error (error);
  g_assert_true (al_document_get_modified (back));
  g_assert_cmpstr (al_document_get_path (back), ==, path);
  assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
  g_assert_cmpuint (al_document_get_n_undo (back), ==, al_document_get_n_undo (fx->doc));
  g_assert_cmpuint (al_document_get_n_redo (back), ==, al_document_get_n_redo (fx->doc));
  g_assert_true (al_document_undo (back));
  g_assert_true (al_document_undo (fx->doc));
  assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));

  /* Saving the restored document puts it where it was and clears the recovery file. */
  g_assert_true (al_document_save (back, al_document_get_path (back), &error));
  g_assert_null (al_document_find_recovery (fx->image_path, rdir));
  g_assert_false (al_document_get_modified (back));

  /* The default folder is under the user's state folder. */
  default_path = al_document_recovery_path_for (fx->image_path, NULL);
  g_assert_true (g_str_has_prefix (default_path, g_get_user_state_dir ()));
  g_assert_nonnull (strstr (default_path, "atomlens/recovery/image.tif-"));
}

static void
test_reanalysis_keeps_edits (Fixture      *fx,
                             gconstpointer data)
{
  g_autoptr (AlAtoms) fresh = make_atoms (11);
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

static GMainLoop *loop;

static void
save_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (al_document_save_finish (AL_DOCUMENT (source), result, &error));
  g_assert_no_error (error);
  g_main_loop_quit (loop);
}

static void
autosave_done (GObject      *source,
               GAsyncResult *result,
               gpointer      data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (al_document_autosave_finish (AL_DOCUMENT (source), result, &error));
  g_assert_no_error (error);
  g_main_loop_quit (loop);
}

static void
test_async (Fixture      *fx,
            gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autofree char *rdir = g_build_filename (fx->dir, "recovery", NULL);
  g_autofree char *found = NULL;
  g_autoptr (AlDocument) back = NULL;
  g_autoptr (AlAtoms) saved_atoms = NULL;
  g_autoptr (GError) error = NULL;

  loop = g_main_loop_new (NULL, FALSE);
  make_history (fx->doc);
  saved_atoms = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  al_document_save_async (fx->doc, path, NULL, save_done, NULL);
  /* Editing on while the worker writes: the file gets the state at the call. */
  g_assert_true (al_document_move_atom (fx->doc, 0, 3, 1.0, 1.0, NULL));
  g_main_loop_run (loop);
  g_assert_cmpstr (al_document_get_path (fx->doc), ==, path);
  g_assert_true (al_document_get_modified (fx->doc));  /* the move came after */
  back = al_document_load_with_image (path, make_image (fx->image_path, 7), &error);
  g_assert_no_error (error);
  assert_atoms_equal (al_document_get_atoms (back, 0), saved_atoms);

  al_document_autosave_async (fx->doc, rdir, NULL, autosave_done, NULL);
  g_main_loop_run (loop);
  found = al_document_find_recovery (fx->image_path, rdir);
  g_assert_nonnull (found);
  al_document_discard_recovery (fx->doc);
  g_assert_false (g_file_test (found, G_FILE_TEST_EXISTS));
  g_main_loop_unref (loop);
}

static void
load_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  AlDocument **out = data;
  g_autoptr (GError) error = NULL;

  *out = al_document_load_finish (result, &error);
  g_assert_no_error (error);
}

/* With a real image file: the document finds it beside itself (also after
 * the folder moved), loads it in a worker thread, and refuses it changed. */
static void
test_image_file (Fixture      *fx,
                 gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autofree char *moved_dir = g_strconcat (fx->dir, "-moved", NULL);
  g_autofree char *moved = g_build_filename (moved_dir, "image.atomlens", NULL);
  g_autofree char *moved_image = g_build_filename (moved_dir, "image.tif", NULL);
  g_autofree char *peeked = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) back = NULL;
  g_autoptr (AlDocument) async_back = NULL;
  g_autoptr (AlImage) other = make_image (fx->image_path, 9);

  g_assert_true (al_tiff_write (fx->image_path, al_document_get_image (fx->doc), &error));
  g_assert_no_error (error);
  make_history (fx->doc);
  g_assert_true (al_document_save (fx->doc, path, &error));

  back = al_document_load (path, &error);
  g_assert_no_error (error);
  assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
  g_assert_cmpuint (al_document_get_image (back)->n_frames, ==, 2);
  g_clear_object (&back);

  peeked = al_document_peek_image_path (path, &error);
  g_assert_cmpstr (peeked, ==, fx->image_path);

  /* The whole folder moves: the relative path still finds the image. */
  g_assert_cmpint (g_rename (fx->dir, moved_dir), ==, 0);
  al_document_load_async (moved, NULL, load_done, &async_back);
  while (async_back == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (al_document_get_image_path (async_back), ==, moved_image);
  assert_atoms_equal (al_document_get_atoms (async_back, 0), al_document_get_atoms (fx->doc, 0));

  /* Someone overwrote the image with another one. */
  g_assert_true (al_tiff_write (moved_image, other, &error));
  g_assert_null (al_document_load (moved, &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_MISMATCH);
  g_clear_error (&error);
  /* ... or deleted it. */
  g_assert_cmpint (g_unlink (moved_image), ==, 0);
  g_assert_null (al_document_load (moved, &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND);
  g_assert_cmpint (g_rename (moved_dir, fx->dir), ==, 0);
}

/* The fuzz corpus seeds (tests/fuzz/corpus/fuzz-document) are valid
 * documents: each loads, and the history seed replays every kind of step. */
static void
test_fuzz_seeds_load (void)
{
  const char *root = g_getenv ("AL_SOURCE_ROOT");
  static const struct { const char *name; guint n_undo, n_redo; } seeds[] = {
    { "seed-empty.atomlens", 0, 0 },
    { "seed-atoms.atomlens", 0, 0 },
    { "seed-history.atomlens", 4, 2 },
  };

  g_assert_nonnull (root);
  for (guint i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_build_filename (root, "tests", "fuzz", "corpus", "fuzz-document",
                                                seeds[i].name, NULL);
      g_autofree char *text = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (AlDocument) doc = NULL;
      AlImage *image = al_image_new (8, 6, 2, NULL);
      gsize len;

      /* the image of tests/fuzz/fuzz-document-image.h */
      for (guint k = 0; k < 8 * 6 * 2; k++)
        image->pixels[k] = (float) ((k * 37) % 11);
      g_assert_true (g_file_get_contents (path, &text, &len, NULL));
      doc = al_document_parse (text, len, NULL, image, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (al_document_get_n_undo (doc), ==, seeds[i].n_undo);
      g_assert_cmpuint (al_document_get_n_redo (doc), ==, seeds[i].n_redo);
      while (al_document_undo (doc))
        ;
      g_assert_cmpuint (al_document_get_n_redo (doc), ==, seeds[i].n_undo + seeds[i].n_redo);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
#define ADD(name, fn) g_test_add ("/core/document/" name, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("new", test_new_document);
  ADD ("structure-follows-atoms", test_structure_follows_atoms);
  ADD ("structure-keeps-hand-defects", test_structure_keeps_hand_defects);
  ADD ("edits-undo-redo", test_edits_undo_redo);
  ADD ("bad-edits", test_bad_edits);
  ADD ("round-trip", test_round_trip);
  ADD ("undo-to-saved-state", test_undo_to_saved_state);
  ADD ("failed-save-keeps-old-file", test_failed_save_keeps_old_file);
  ADD ("damaged-documents", test_damaged_documents);
  ADD ("truncated-and-foreign", test_truncated_and_foreign);
  ADD ("recovery", test_recovery);
  ADD ("reanalysis-keeps-edits", test_reanalysis_keeps_edits);
  ADD ("async", test_async);
  ADD ("image-file", test_image_file);
#undef ADD
  g_test_add_func ("/core/document/fuzz-seeds-load", test_fuzz_seeds_load);
  return g_test_run ();
}
