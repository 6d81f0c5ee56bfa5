/* test-crash.c: crash safety of .atomlens documents, by killing real
 * processes. A child saves a document over and over and is SIGKILLed at
 * random moments (fixed seed): every time, the file on disk must still be
 * a whole document, the old one or a new one, never a torn one. A child
 * edits a document with autosave after each edit and is SIGKILLed: the
 * recovery file it leaves restores exactly the edits it had autosaved. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "al-document.h"
#include "al-test.h"

#define W 96
#define H 96
/* Enough atoms that one save takes milliseconds, so kills land inside it. */
#define N_SAVE_ATOMS 4000
#define N_EDIT_ATOMS 200
#define N_SAVE_KILLS 24
#define N_EDIT_KILLS 6
/* A kill comes this long (us, uniform) after the child says it started. */
#define MAX_SAVE_DELAY_US 40000
#define MAX_EDIT_DELAY_US 3000
#define SEED 20261125

static AlImage *
make_image (const char *path)
{
  AlImage *image = al_image_new (W, H, 1, NULL);

  for (gsize i = 0; i < (gsize) W * H; i++)
    image->pixels[i] = (float) ((i * 2654435761u) % 1000) / 1000.0f;
  al_image_set_calibration (image, 0.02, 0.02, "nm");
  image->source_path = g_strdup (path);
  return image;
}

static AlDocument *
make_document (const char *image_path,
               guint       n_atoms,
               guint32     seed)
{
  AlDocument *doc = al_document_new (make_image (image_path));
  AlAtoms *atoms = al_atoms_new (0);
  GRand *rand = g_rand_new_with_seed (seed);

  al_document_set_material (doc, al_material_get (AL_MATERIAL_MOS2));
  for (guint i = 0; i < n_atoms; i++)
    {
      guint k = al_atoms_append (atoms, g_rand_double_range (rand, 0, W - 1),
                                 g_rand_double_range (rand, 0, H - 1), g_rand_int_range (rand, 0, 2));
      atoms->confidence[k] = (float) g_rand_double (rand);
      atoms->intensity[k] = (float) g_rand_double_range (rand, 0, 1000);
    }
  al_document_set_atoms (doc, 0, atoms);
  g_rand_free (rand);
  return doc;
}

static gboolean
atoms_equal (const AlAtoms *a,
             const AlAtoms *b)
{
  if (a == NULL || b == NULL || a->n_atoms != b->n_atoms)
    return FALSE;
#define SAME(arr) (memcmp (a->arr, b->arr, a->n_atoms * sizeof *a->arr) == 0)
  return SAME (x) && SAME (y) && SAME (species) && SAME (confidence) && SAME (intensity)
         && SAME (flags) && SAME (defect_id) && SAME (defect_type);
#undef SAME
}

/* The same atoms and the same undo and redo depth. */
static gboolean
same_state (AlDocument *a,
            AlDocument *b)
{
  return atoms_equal (al_document_get_atoms (a, 0), al_document_get_atoms (b, 0))
         && al_document_get_n_undo (a) == al_document_get_n_undo (b)
         && al_document_get_n_redo (a) == al_document_get_n_redo (b);
}

/* Blocks until the child writes one byte (it has started its work). */
static void
wait_for_byte (int fd)
{
  char c;
  ssize_t n;

  do
    n = read (fd, &c, 1);
  while (n < 0 && errno == EINTR);
  g_assert_cmpint (n, ==, 1);
}

static void
kill_and_reap (pid_t pid)
{
  int status = 0;

  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* It must have died of our signal, not of a failure of its own. */
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);
}

/* Counts the temporary files a killed save left beside the document:
 * each one is a kill that landed while the new version was being written. */
static guint
count_leftovers (const char *dir,
                 const char *doc_name)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, doc_name) && strcmp (name, doc_name) != 0)
      n++;
  return n;
}

/* The child: saves doc_a and doc_b over `path` in turn until it is killed. */
static void G_GNUC_NORETURN
save_forever (AlDocument *doc_a,
              AlDocument *doc_b,
              const char *path,
              int         fd)
{
  for (guint64 i = 0;; i++)
    {
      if (!al_document_save (i % 2 ? doc_b : doc_a, path, NULL))
        _exit (2);
      if (i == 0 && write (fd, "s", 1) != 1)
        _exit (3);
    }
}

static void
test_kill_during_save (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *image_path = g_build_filename (dir, "image.tif", NULL);
  g_autofree char *path = g_build_filename (dir, "doc.atomlens", NULL);
  g_autoptr (AlDocument) doc_old = make_document (image_path, N_SAVE_ATOMS, 1);
  g_autoptr (AlDocument) doc_a = make_document (image_path, N_SAVE_ATOMS, 2);
  g_autoptr (AlDocument) doc_b = make_document (image_path, N_SAVE_ATOMS + 1, 3);
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  g_autoptr (GError) error = NULL;
  guint n_old = 0, n_a = 0, n_b = 0;

  for (guint round = 0; round < N_SAVE_KILLS; round++)
    {
      g_autoptr (AlDocument) back = NULL;
      const AlAtoms *atoms;
      int fds[2];
      pid_t pid;

      /* Each round starts from the old version on disk. */
      g_assert_true (al_document_save (doc_old, path, &error));
      g_assert_no_error (error);
      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          save_forever (doc_a, doc_b, path, fds[1]);
        }
      close (fds[1]);
      /* Half the rounds kill during the very first save, before the child
       * could report anything; the others after its first one. */
      if (round % 2 == 1)
        wait_for_byte (fds[0]);
      g_usleep ((gulong) g_rand_int_range (rand, 0, MAX_SAVE_DELAY_US));
      kill_and_reap (pid);
      close (fds[0]);

      back = al_document_load_with_image (path, make_image (image_path), &error);
      g_assert_no_error (error);
      g_assert_nonnull (back);
      atoms = al_document_get_atoms (back, 0);
      if (atoms_equal (atoms, al_document_get_atoms (doc_old, 0)))
        n_old++;
      else if (atoms_equal (atoms, al_document_get_atoms (doc_a, 0)))
        n_a++;
      else if (atoms_equal (atoms, al_document_get_atoms (doc_b, 0)))
        n_b++;
      else
        g_assert_not_reached ();
    }
  g_test_message ("%u kills: file held the old version %u times, new A %u, new B %u; "
                  "%u kills landed mid-write (temporary file left)",
                  N_SAVE_KILLS, n_old, n_a, n_b, count_leftovers (dir, "doc.atomlens"));
  al_test_rmdir (dir);
}

/* The next edit of a fixed sequence (drawn from `rand`), the same in
 * child and parent. */
static void
edit_step (AlDocument *doc,
           GRand      *rand)
{
  guint n = al_document_get_atoms (doc, 0)->n_atoms;
  guint k = (guint) g_rand_int_range (rand, 0, (gint32) n);
  double x = g_rand_double_range (rand, 0, W - 1);
  double y = g_rand_double_range (rand, 0, H - 1);
  int kind = g_rand_int_range (rand, 0, 5);
  int species = g_rand_int_range (rand, 0, 2);
  gboolean ok = FALSE;

  switch (kind)
    {
    case 0: ok = al_document_move_atom (doc, 0, k, x, y, NULL); break;
    case 1: ok = al_document_add_atom (doc, 0, x, y, species, NULL, NULL); break;
    case 2: ok = al_document_set_species (doc, 0, &k, 1, species, NULL); break;
    case 3: ok = al_document_delete_atoms (doc, 0, &k, 1, NULL); break;
    default: ok = al_document_can_undo (doc) ? al_document_undo (doc)
                                             : al_document_move_atom (doc, 0, k, x, y, NULL);
    }
  g_assert_true (ok);
}

/* The child: edits, autosaves after each edit and reports it by one byte. */
static void G_GNUC_NORETURN
edit_forever (AlDocument *doc,
              const char *rdir,
              guint32     seed,
              int         fd)
{
  GRand *rand = g_rand_new_with_seed (seed);

  for (;;)
    {
      edit_step (doc, rand);
      if (!al_document_autosave (doc, rdir, NULL))
        _exit (2);
      if (write (fd, "e", 1) != 1)
        _exit (3);
    }
}

/* Reads what the dead child wrote: the number of autosaves it finished. */
static guint
drain (int fd)
{
  char buf[256];
  guint total = 0;
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) != 0)
    {
      if (n < 0 && errno == EINTR)
        continue;
      g_assert_cmpint (n, >, 0);
      total += (guint) n;
    }
  return total;
}

static void
test_kill_during_edit (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *image_path = g_build_filename (dir, "image.tif", NULL);
  g_autofree char *rdir = g_build_filename (dir, "recovery", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);

  for (guint round = 0; round < N_EDIT_KILLS; round++)
    {
      guint32 seed = SEED + round;
      g_autoptr (AlDocument) child_doc = make_document (image_path, N_EDIT_ATOMS, seed);
      g_autoptr (AlDocument) replay = make_document (image_path, N_EDIT_ATOMS, seed);
      g_autoptr (AlDocument) back = NULL;
      g_autoptr (GRand) replay_rand = g_rand_new_with_seed (seed);
      g_autoptr (GError) error = NULL;
      g_autofree char *found = NULL;
      guint before = (guint) g_rand_int_range (rand, 1, 12), n_acked, n_done = 0;
      int fds[2];
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          edit_forever (child_doc, rdir, seed, fds[1]);
        }
      close (fds[1]);
      for (guint i = 0; i < before; i++)
        wait_for_byte (fds[0]);
      g_usleep ((gulong) g_rand_int_range (rand, 0, MAX_EDIT_DELAY_US));
      kill_and_reap (pid);
      n_acked = before + drain (fds[0]);
      close (fds[0]);

      /* "The next start": the recovery file is there and restores. */
      found = al_document_find_recovery (image_path, rdir);
      g_assert_nonnull (found);
      back = al_document_restore_recovery (found, make_image (image_path), &error);
      g_assert_no_error (error);
      g_assert_true (al_document_get_modified (back));

      /* It holds the edits the child reported autosaved, or one more (the
       * kill may fall between an autosave and its report), exactly. */
      for (; n_done < n_acked; n_done++)
        edit_step (replay, replay_rand);
      if (!same_state (back, replay))
        {
          edit_step (replay, replay_rand);
          n_done++;
        }
      g_assert_true (same_state (back, replay));
      g_test_message ("round %u: killed after %u autosaves, restored %u edits", round, n_acked, n_done);

      /* The restored history undoes like the original. */
      if (al_document_can_undo (back))
        {
          g_assert_true (al_document_undo (back));
          g_assert_true (al_document_undo (replay));
          g_assert_true (same_state (back, replay));
        }
      g_assert_cmpint (g_remove (found), ==, 0);
    }
  al_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/crash/kill-during-save", test_kill_during_save);
  g_test_add_func ("/core/crash/kill-during-edit", test_kill_during_edit);
  return g_test_run ();
}
