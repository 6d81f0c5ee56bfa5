/* make-document-seeds.c: writes the .atomlens seeds of the fuzz-document
 * corpus, made for the image of fuzz-document-image.h. Run by hand when the
 * format changes: build-dir/tests/fuzz/make-document-seeds tests/fuzz/corpus/fuzz-document */
#include <glib/gstdio.h>

#include "al-document.h"
#include "fuzz-document-image.h"

static void
save (AlDocument *doc,
      const char *dir,
      const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  if (!al_document_save (doc, path, &error))
    g_error ("%s", error->message);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (AlDocument) empty = NULL;
  g_autoptr (AlDocument) doc = NULL;
  g_autoptr (GHashTable) settings = g_hash_table_new (g_str_hash, g_str_equal);
  AlAtoms *atoms = al_atoms_new (0);
  guint sel[2] = { 1, 2 }, del[2] = { 0, 3 };

  if (argc != 2)
    g_error ("usage: make-document-seeds DIR");
  g_mkdir_with_parents (argv[1], 0755);

  empty = al_document_new (al_fuzz_document_image ());
  save (empty, argv[1], "seed-empty.atomlens");

  doc = al_document_new (al_fuzz_document_image ());
  al_document_set_material (doc, al_material_get (AL_MATERIAL_MOS2));
  g_hash_table_insert (settings, "threshold", "0.5");
  al_document_set_model (doc, "model.onnx", settings);
  al_document_set_pixel_size_override (doc, 0.04);
  for (guint i = 0; i < 5; i++)
    {
      guint k = al_atoms_append (atoms, 1.0 + i, 1.5 + 0.5 * i, i % 4);
      atoms->defect_id[k] = i < 2 ? 7 : -1;
      atoms->defect_type[k] = i < 2 ? AL_DEFECT_V_S : AL_DEFECT_NONE;
    }
  al_document_set_atoms (doc, 0, atoms);
  save (doc, argv[1], "seed-atoms.atomlens");

  /* Every kind of step, the last two undone (so both lists are filled). */
  g_assert (al_document_add_atom (doc, 0, 6.0, 4.0, 1, NULL, NULL));
  g_assert (al_document_move_atom (doc, 0, 4, 2.5, 3.5, NULL));
  g_assert (al_document_set_species (doc, 0, sel, 2, 3, NULL));
  g_assert (al_document_set_defect_type (doc, 0, 7, AL_DEFECT_V_S2, NULL));
  g_assert (al_document_delete_atoms (doc, 0, del, 2, NULL));
  g_assert (al_document_mark_false_defect (doc, 0, 7, NULL));
  g_assert (al_document_undo (doc));
  g_assert (al_document_undo (doc));
  save (doc, argv[1], "seed-history.atomlens");
  return 0;
}
