/* test-progress.c: nested progress maps into its parent's range. */
#include "al-progress.h"

static void
record (const char *stage,
        double      fraction,
        gpointer    user_data)
{
  *(double *) user_data = fraction;
}

static void
test_nested (void)
{
  AlProgress progress, sub;
  double last = -1.0;

  al_progress_init (&progress, record, &last);
  al_progress_report (&progress, "load", 0.25);
  g_assert_cmpfloat_with_epsilon (last, 0.25, 1e-12);
  sub = al_progress_sub (&progress, 0.5, 0.5);
  al_progress_report (&sub, "infer", 0.5);
  g_assert_cmpfloat_with_epsilon (last, 0.75, 1e-12);
  al_progress_report (&sub, "infer", 7.0);
  g_assert_cmpfloat_with_epsilon (last, 1.0, 1e-12);
  al_progress_report (NULL, "nothing", 0.5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/progress/nested", test_nested);
  return g_test_run ();
}
