/* test-document-files.c: AlDocument files: save and load give back what
 * was saved; a failed save keeps the old file; damaged, truncated and
 * foreign documents are refused with the right AL_IO_ERROR; autosave
 * files are found and restored; asynchronous save and load; the image
 * found beside the document; the fuzz corpus seeds load. */
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "al-error.h"
#include "al-test.h"
#include "doc-fixture.h"
#include "io/al-io.h"
#include "io/al-tiff.h"

static void
test_round_trip (Fixture      *fx,
                 gconstpointer data)
{
  g_autofree char *path = g_build_filename (fx->dir, "image.atomlens", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) back = NULL;

  doc_make_history (fx->doc);
  al_document_set_pixel_size_override (fx->doc, 0.0199);
  g_assert_true (al_document_get_modified (fx->doc));
  fx->n_modified_notify = 0;
  g_assert_true (al_document_save (fx->doc, path, &error));
  g_assert_no_error (error);
  g_assert_false (al_document_get_modified (fx->doc));
  g_assert_cmpuint (fx->n_modified_notify, ==, 1);
  g_assert_cmpstr (al_document_get_path (fx->doc), ==, path);

  back = al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error);
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
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
  g_assert_cmpuint (al_document_get_n_undo (back), ==, 3);
  g_assert_cmpuint (al_document_get_n_redo (back), ==, 2);
  g_assert_cmpstr (al_document_get_redo_label (back), ==, "Delete atoms");

  /* The histories behave alike, step for step, both ways. */
  while (al_document_redo (fx->doc))
    {
      g_assert_true (al_document_redo (back));
      doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
    }
  g_assert_true (al_document_get_modified (back));
  while (al_document_undo (fx->doc))
    {
      g_assert_true (al_document_undo (back));
      doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
    }
  g_assert_false (al_document_undo (back));
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
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
  back = al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error);
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
  doc_make_history (fx->doc);
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
      g_assert_null (al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error));
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
      g_clear_error (&error);
    }
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  g_assert_null (al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
  g_clear_error (&error);

  /* The same image under the same name but with other pixels. */
  g_assert_true (g_file_set_contents (path, text, (gssize) len, NULL));
  g_assert_null (al_document_load_with_image (path, doc_make_image (fx->image_path, 8), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_null (al_document_load_with_image (missing, doc_make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (path, "[1, 2, 3]", -1, NULL));
  g_assert_null (al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT);
  g_clear_error (&error);

  /* Nesting that would exhaust a recursive parser's stack is refused first. */
  deep = g_strnfill (100000, '[');
  g_assert_null (al_document_parse (deep, strlen (deep), NULL, doc_make_image (fx->image_path, 7), &error));
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
  doc_make_history (fx->doc);
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
  back = al_document_restore_recovery (found, doc_make_image (fx->image_path, 7), &error);
  g_assert_no_error (error);
  g_assert_true (al_document_get_modified (back));
  g_assert_cmpstr (al_document_get_path (back), ==, path);
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
  g_assert_cmpuint (al_document_get_n_undo (back), ==, al_document_get_n_undo (fx->doc));
  g_assert_cmpuint (al_document_get_n_redo (back), ==, al_document_get_n_redo (fx->doc));
  g_assert_true (al_document_undo (back));
  g_assert_true (al_document_undo (fx->doc));
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));

  /* Saving the restored document puts it where it was and clears the recovery file. */
  g_assert_true (al_document_save (back, al_document_get_path (back), &error));
  g_assert_null (al_document_find_recovery (fx->image_path, rdir));
  g_assert_false (al_document_get_modified (back));

  /* The default folder is under the user's state folder. */
  default_path = al_document_recovery_path_for (fx->image_path, NULL);
  g_assert_true (g_str_has_prefix (default_path, g_get_user_state_dir ()));
  g_assert_nonnull (strstr (default_path, "atomlens/recovery/image.tif-"));
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
  doc_make_history (fx->doc);
  saved_atoms = al_atoms_copy (al_document_get_atoms (fx->doc, 0));
  al_document_save_async (fx->doc, path, NULL, save_done, NULL);
  /* Editing on while the worker writes: the file gets the state at the call. */
  g_assert_true (al_document_move_atom (fx->doc, 0, 3, 1.0, 1.0, NULL));
  g_main_loop_run (loop);
  g_assert_cmpstr (al_document_get_path (fx->doc), ==, path);
  g_assert_true (al_document_get_modified (fx->doc));  /* the move came after */
  back = al_document_load_with_image (path, doc_make_image (fx->image_path, 7), &error);
  g_assert_no_error (error);
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), saved_atoms);

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
  g_autoptr (AlImage) other = doc_make_image (fx->image_path, 9);

  g_assert_true (al_tiff_write (fx->image_path, al_document_get_image (fx->doc), &error));
  g_assert_no_error (error);
  doc_make_history (fx->doc);
  g_assert_true (al_document_save (fx->doc, path, &error));

  back = al_document_load (path, &error);
  g_assert_no_error (error);
  doc_assert_atoms_equal (al_document_get_atoms (back, 0), al_document_get_atoms (fx->doc, 0));
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
  doc_assert_atoms_equal (al_document_get_atoms (async_back, 0), al_document_get_atoms (fx->doc, 0));

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
#define ADD(name, fn) g_test_add ("/core/document/" name, Fixture, NULL, doc_set_up, fn, doc_tear_down)
  ADD ("round-trip", test_round_trip);
  ADD ("undo-to-saved-state", test_undo_to_saved_state);
  ADD ("failed-save-keeps-old-file", test_failed_save_keeps_old_file);
  ADD ("damaged-documents", test_damaged_documents);
  ADD ("truncated-and-foreign", test_truncated_and_foreign);
  ADD ("recovery", test_recovery);
  ADD ("async", test_async);
  ADD ("image-file", test_image_file);
#undef ADD
  g_test_add_func ("/core/document/fuzz-seeds-load", test_fuzz_seeds_load);
  return g_test_run ();
}
