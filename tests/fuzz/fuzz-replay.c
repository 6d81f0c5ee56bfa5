/* fuzz-replay.c: runs a fuzz target over files without libFuzzer, so the
 * corpus seeds and every crasher found are replayed by the ordinary test
 * suite (and under -Db_sanitize=address). Arguments: files or folders. */
#include <glib.h>

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static guint
replay_path (const char *path)
{
  g_autofree char *contents = NULL;
  gsize size;
  guint n = 0;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          n += replay_path (child);
        }
      return n;
    }
  if (!g_file_get_contents (path, &contents, &size, NULL))
    g_error ("cannot read %s", path);
  LLVMFuzzerTestOneInput ((const guint8 *) contents, size);
  return 1;
}

int
main (int    argc,
      char **argv)
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    n += replay_path (argv[i]);
  g_print ("replayed %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
