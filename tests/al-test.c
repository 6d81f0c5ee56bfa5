/* al-test.c: helpers shared by the tests. */
#include "al-test.h"

#include <glib/gstdio.h>

char *
al_test_shared_path (const char *relative)
{
  const char *root = g_getenv ("AL_SHARED_DIR");
  g_autofree char *path = NULL;

  if (root == NULL || !g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("../shared (outside test data) is not beside this checkout");
      return NULL;
    }
  path = g_build_filename (root, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message = g_strdup_printf ("%s is missing from ../shared", relative);
      g_test_skip (message);
      return NULL;
    }
  return g_steal_pointer (&path);
}

char *
al_test_data_path (const char *relative)
{
  const char *root = g_getenv ("AL_TEST_DATA");

  g_assert_nonnull (root);
  return g_build_filename (root, relative, NULL);
}

char *
al_test_mkdtemp (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("atomlens-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
al_test_rmdir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        al_test_rmdir (path);
      else
        g_unlink (path);
    }
  g_dir_close (d);
  g_rmdir (dir);
}
