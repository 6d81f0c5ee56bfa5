/* test-refine-render.c: the model image redrawn only where columns changed
 * (al_refine_render_changed) equals a whole redraw bit for bit, and the
 * distance tests that skip hypot() answer as hypot() does. Fixed seeds. */
#include <math.h>
#include <string.h>

#include "detect/al-column-grid.h"
#include "detect/al-refine-private.h"

#define SIDE_X 300
#define SIDE_Y 236
#define N_COLUMNS 900

static void
random_columns (AlColumnFit *cols,
                guint        n,
                GRand       *rand)
{
  for (guint i = 0; i < n; i++)
    cols[i] = (AlColumnFit) { .x = g_rand_double_range (rand, -4, SIDE_X + 4),
                              .y = g_rand_double_range (rand, -4, SIDE_Y + 4),
                              .amplitude = g_rand_double_range (rand, 1, 50),
                              .width = g_rand_double_range (rand, 0.8, 3.0),
                              .ok = g_rand_int_range (rand, 0, 10) > 0 };
}

/* A sweep's worth of changes: small moves, new amplitudes, a few columns
 * failing or coming back, a few wider. */
static void
change_some (AlColumnFit *cols,
             guint        n,
             guint        n_changed,
             GRand       *rand)
{
  for (guint k = 0; k < n_changed; k++)
    {
      AlColumnFit *c = &cols[g_rand_int_range (rand, 0, (gint32) n)];
      switch (g_rand_int_range (rand, 0, 4))
        {
        case 0:
          c->x += g_rand_double_range (rand, -0.7, 0.7);
          c->y += g_rand_double_range (rand, -0.7, 0.7);
          break;
        case 1:
          c->amplitude *= g_rand_double_range (rand, 0.5, 1.5);
          break;
        case 2:
          c->ok = !c->ok;
          break;
        default:
          c->width *= g_rand_double_range (rand, 0.8, 1.6);
        }
    }
}

static void
test_render_changed (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (11);
  g_autofree AlColumnFit *cols = g_new (AlColumnFit, N_COLUMNS);
  g_autofree AlColumnFit *drawn = g_new (AlColumnFit, N_COLUMNS);
  g_autofree float *model = g_new (float, SIDE_X * SIDE_Y);
  g_autofree float *whole = g_new (float, SIDE_X * SIDE_Y);
  guint n_changed[] = { 0, 1, 5, 40, 300, N_COLUMNS };

  random_columns (cols, N_COLUMNS, rand);
  al_refine_render_threaded (model, SIDE_X, SIDE_Y, cols, N_COLUMNS, 2);
  for (guint round = 0; round < G_N_ELEMENTS (n_changed); round++)
    for (guint threads = 1; threads <= 3; threads++)
      {
        memcpy (drawn, cols, sizeof (AlColumnFit) * N_COLUMNS);
        change_some (cols, N_COLUMNS, n_changed[round], rand);
        al_refine_render_changed (model, SIDE_X, SIDE_Y, cols, drawn, N_COLUMNS, threads);
        al_refine_render_threaded (whole, SIDE_X, SIDE_Y, cols, N_COLUMNS, 1);
        g_assert_cmpmem (model, sizeof (float) * SIDE_X * SIDE_Y, whole,
                         sizeof (float) * SIDE_X * SIDE_Y);
      }
}

static void
check_distance (double dx,
                double dy,
                double r)
{
  g_assert_cmpint (al_distance_within (dx, dy, r, FALSE), ==, hypot (dx, dy) <= r);
  g_assert_cmpint (al_distance_within (dx, dy, r, TRUE), ==, hypot (dx, dy) < r);
  g_assert_cmpint (al_distance_beyond (dx, dy, r), ==, hypot (dx, dy) > r);
}

static void
test_distance (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);
  double odd[] = { 0.0, -0.0, NAN, INFINITY, -INFINITY, 1e-200, 1e200, 3.0, 4.0 };

  for (guint k = 0; k < 200000; k++)
    {
      double r = g_rand_double_range (rand, 0.1, 20.0), a = g_rand_double_range (rand, 0, 2 * G_PI);
      /* On the circle, to within a few ulps, and anywhere near it. */
      double d = k % 2 ? r * (1.0 + g_rand_double_range (rand, -4e-16, 4e-16))
                       : g_rand_double_range (rand, 0, 2 * r);
      check_distance (d * cos (a), d * sin (a), r);
    }
  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    for (guint j = 0; j < G_N_ELEMENTS (odd); j++)
      {
        check_distance (odd[i], odd[j], 5.0);
        check_distance (odd[i], odd[j], 0.0);
        check_distance (odd[i], odd[j], 1e-300);
      }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/render-changed", test_render_changed);
  g_test_add_func ("/core/detect/distance-within", test_distance);
  return g_test_run ();
}
