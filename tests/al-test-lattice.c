/* al-test-lattice.c: hand-built honeycomb lattices. */
#include "al-test-lattice.h"

#include <math.h>

AlAtoms *
al_test_honeycomb (double width,
                   double height,
                   double a_px,
                   double theta,
                   int    species0,
                   int    species1)
{
  AlAtoms *atoms = al_atoms_new (0);
  double c = cos (theta), s = sin (theta);
  double a1[2] = { a_px * c, a_px * s };
  double a2[2] = { a_px * (0.5 * c - sqrt (3.0) / 2.0 * s), a_px * (0.5 * s + sqrt (3.0) / 2.0 * c) };
  double d[2] = { (a1[0] + a2[0]) / 3.0, (a1[1] + a2[1]) / 3.0 };
  int n = (int) ceil (2.0 * (width + height) / a_px) + 2;

  for (int n2 = -n; n2 <= n; n2++)
    for (int n1 = -n; n1 <= n; n1++)
      for (int sub = 0; sub < 2; sub++)
        {
          double x = 0.25 * a_px + n1 * a1[0] + n2 * a2[0] + sub * d[0];
          double y = 0.25 * a_px + n1 * a1[1] + n2 * a2[1] + sub * d[1];
          if (x >= 0.0 && x < width && y >= 0.0 && y < height)
            al_atoms_append (atoms, x, y, sub ? species1 : species0);
        }
  return atoms;
}

void
al_test_deform (AlAtoms      *atoms,
                const double  f[4],
                double        cx,
                double        cy)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double x = atoms->x[i] - cx, y = atoms->y[i] - cy;
      atoms->x[i] = f[0] * x + f[1] * y + cx;
      atoms->y[i] = f[2] * x + f[3] * y + cy;
    }
}

void
al_test_jitter (AlAtoms *atoms,
                double   sigma,
                guint32  seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      /* Box–Muller. */
      double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
      double r = sigma * sqrt (-2.0 * log (u1));
      atoms->x[i] += r * cos (2.0 * G_PI * u2);
      atoms->y[i] += r * sin (2.0 * G_PI * u2);
    }
}

guint
al_test_nearest (const AlAtoms *atoms,
                 double         x,
                 double         y)
{
  guint best = 0;
  double best_d = INFINITY;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double d = hypot (atoms->x[i] - x, atoms->y[i] - y);
      if (d < best_d)
        {
          best_d = d;
          best = i;
        }
    }
  return best;
}
