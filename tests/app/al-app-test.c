/* al-app-test.c: helpers shared by the GUI tests. */
#include "al-app-test.h"

void
al_app_test_wait_until (gboolean (*done) (gpointer),
                        gpointer  data)
{
  gint64 end = g_get_monotonic_time () + AL_APP_TEST_TIMEOUT_US;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

void
al_app_test_wait_while (gboolean (*busy) (AlWindow *),
                        AlWindow *window)
{
  gint64 end = g_get_monotonic_time () + AL_APP_TEST_TIMEOUT_US;

  while (busy (window))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (500);
    }
}

/* A registered, non-unique application: tests run side by side on one
 * session bus and must not hand their windows to each other. */
AlApplication *
al_app_test_register (GApplicationFlags extra_flags)
{
  g_autoptr (GError) error = NULL;
  AlApplication *app = al_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | extra_flags);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}
