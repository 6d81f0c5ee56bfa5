/* test-limits.c: the process-wide memory budget: sizes parsed, set and
 * reset, shared with the readers, the environment variable, and the
 * refusal message. */
#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "io/al-frame-source.h"

static void
test_parse_sizes (void)
{
  static const struct { const char *text; guint64 bytes; } ok[] = {
    { "123456", 123456 },
    { "64k", (guint64) 64 << 10 },
    { "512M", (guint64) 512 << 20 },
    { "512MiB", (guint64) 512 << 20 },
    { "1.5G", (guint64) 3 << 29 },
    { "2GB", (guint64) 2 << 30 },
    { "1T", (guint64) 1 << 40 },
  };
  static const char *const bad[] = { "", "G", "-1G", "0", "12X", "1e400", "nan", "1.5 G", "9e18T", "0.5" };
  guint64 mib = 0;

  for (guint i = 0; i < G_N_ELEMENTS (ok); i++)
    {
      guint64 bytes = 0;
      g_assert_true (al_limits_parse_size (ok[i].text, 1, &bytes, NULL));
      g_assert_cmpuint (bytes, ==, ok[i].bytes);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      guint64 bytes = 7;
      g_assert_false (al_limits_parse_size (bad[i], 1, &bytes, &error));
      g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
      g_assert_cmpuint (bytes, ==, 7);
    }
  /* ATOMLENS_MEMORY_BUDGET: a plain number is in MiB. */
  g_assert_true (al_limits_parse_size ("512", (guint64) 1 << 20, &mib, NULL));
  g_assert_cmpuint (mib, ==, (guint64) 512 << 20);
  g_assert_true (al_limits_parse_size ("2G", (guint64) 1 << 20, &mib, NULL));
  g_assert_cmpuint (mib, ==, (guint64) 2 << 30);
}

static void
test_set_and_check (void)
{
  g_autoptr (GError) error = NULL;
  guint64 initial = al_limits_get_memory_budget ();

  g_assert_cmpuint (initial, >, 0);
  al_limits_set_memory_budget ((guint64) 100 << 20);
  g_assert_cmpuint (al_limits_get_memory_budget (), ==, (guint64) 100 << 20);
  g_assert_true (al_limits_check ((guint64) 100 << 20, "this", NULL));
  g_assert_false (al_limits_check ((guint64) 300 << 20, "The network's weights", &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "The network's weights would need 300 MiB"));
  g_assert_nonnull (strstr (error->message, "budget of 100 MiB"));
  g_assert_nonnull (strstr (error->message, AL_LIMITS_ENV));

  /* The readers keep to the same budget, with their own error. */
  g_clear_error (&error);
  g_assert_true (al_io_check_budget ((guint64) 100 << 20, "a.tif", "one frame", NULL));
  g_assert_false (al_io_check_budget ((guint64) 200 << 20, "a.tif", "one frame", &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "budget of 100.0 MiB"));
  g_assert_nonnull (strstr (error->message, AL_LIMITS_ENV));
  /* No lower clamp: a reader's test may keep to 1 MiB. */
  al_limits_set_memory_budget ((guint64) 1 << 20);
  g_assert_cmpuint (al_limits_get_memory_budget (), ==, (guint64) 1 << 20);
  /* 0 goes back to the default. */
  al_limits_set_memory_budget (0);
  g_assert_cmpuint (al_limits_get_memory_budget (), ==, initial);
}

/* The environment variable sets the default (read once, so in a fresh
 * process); a malformed one is ignored. */
static void
test_environment (void)
{
  if (g_test_subprocess ())
    {
      const char *value = g_getenv ("AL_TEST_LIMITS_VALUE");
      g_setenv (AL_LIMITS_ENV, value, TRUE);
      if (g_strcmp0 (value, "300") == 0)
        g_assert_cmpuint (al_limits_get_memory_budget (), ==, (guint64) 300 << 20);
      else if (g_strcmp0 (value, "8M") == 0)
        g_assert_cmpuint (al_limits_get_memory_budget (), ==, (guint64) 8 << 20);
      else
        g_assert_cmpuint (al_limits_get_memory_budget (), >, (guint64) 300 << 20);
      return;
    }
  g_setenv ("AL_TEST_LIMITS_VALUE", "300", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* With a unit, and below the small budget: taken as it is. */
  g_setenv ("AL_TEST_LIMITS_VALUE", "8M", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_setenv ("AL_TEST_LIMITS_VALUE", "lots", TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/limits/parse", test_parse_sizes);
  g_test_add_func ("/limits/set-check", test_set_and_check);
  g_test_add_func ("/limits/environment", test_environment);
  return g_test_run ();
}
