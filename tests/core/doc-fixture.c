/* doc-fixture.c: the AlDocument tests' fixture and helpers (see
 * doc-fixture.h). */
#include "doc-fixture.h"

#include "al-test.h"

/* A 2-frame image with seeded noise, "read" from dir/image.tif. */
AlImage *
doc_make_image (const char *path,
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

AlAtoms *
doc_make_atoms (guint32 seed)
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

void
doc_assert_atoms_equal (const AlAtoms *a,
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

void
doc_set_up (Fixture       *fx,
                gconstpointer  data)
{
  g_autoptr (GHashTable) settings = g_hash_table_new (g_str_hash, g_str_equal);

  fx->dir = al_test_mkdtemp ();
  fx->image_path = g_build_filename (fx->dir, "image.tif", NULL);
  fx->doc = al_document_new (doc_make_image (fx->image_path, 7));
  al_document_set_material (fx->doc, al_material_get (AL_MATERIAL_MOS2));
  g_hash_table_insert (settings, "threshold", "0.5");
  g_hash_table_insert (settings, "tile", "256");
  al_document_set_model (fx->doc, "/models/mos2-atoms.onnx", settings);
  al_document_set_atoms (fx->doc, 0, doc_make_atoms (11));
  g_signal_connect (fx->doc, "frame-changed", G_CALLBACK (on_frame_changed), fx);
  g_signal_connect (fx->doc, "changed", G_CALLBACK (on_changed), fx);
  g_signal_connect (fx->doc, "notify::modified", G_CALLBACK (on_modified), fx);
}

void
doc_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_clear_object (&fx->doc);
  al_test_rmdir (fx->dir);
  g_free (fx->dir);
  g_free (fx->image_path);
}

/* Edits, some undone, so that both lists travel through the file. */
void
doc_make_history (AlDocument *doc)
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
