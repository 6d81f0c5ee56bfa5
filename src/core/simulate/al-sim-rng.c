/* al-sim-rng.c: xoshiro256**, normal and Poisson deviates.
 *
 * Poisson: small means by Knuth's product of uniforms; from
 * AL_SIM_POISSON_PTRS_MIN on, Hörmann's transformed rejection with squeeze
 * (PTRS; W. Hörmann, "The transformed rejection method for generating
 * Poisson random variables", Insurance: Math. Econ. 12, 39 (1993)), which is
 * exact and needs about one and a half pairs of uniforms per deviate.
 */
#include "al-sim-rng.h"

#include <math.h>

/* Below this mean the product method is faster than PTRS (and PTRS's
 * constants are only valid from 10 on). */
#define AL_SIM_POISSON_PTRS_MIN 10.0

static inline guint64
rotl (guint64 x,
      int     k)
{
  return (x << k) | (x >> (64 - k));
}

static guint64
splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

void
al_sim_rng_init (AlSimRng *rng,
                 guint64   seed)
{
  guint64 state = seed;

  for (int i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&state);
}

void
al_sim_rng_fork (AlSimRng *rng,
                 guint64   seed,
                 guint64   stream)
{
  guint64 state = seed ^ (stream * G_GUINT64_CONSTANT (0xd1342543de82ef95));

  al_sim_rng_init (rng, splitmix64 (&state) ^ stream);
}

guint64
al_sim_rng_next (AlSimRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);
  return result;
}

double
al_sim_rng_uniform (AlSimRng *rng)
{
  return (al_sim_rng_next (rng) >> 11) * 0x1.0p-53;
}

guint64
al_sim_rng_below (AlSimRng *rng,
                  guint64   n)
{
  guint64 limit, x;

  g_return_val_if_fail (n > 0, 0);
  /* Reject the top partial block so every value is equally likely. */
  limit = G_MAXUINT64 - G_MAXUINT64 % n;
  do
    x = al_sim_rng_next (rng);
  while (x >= limit);
  return x % n;
}

double
al_sim_rng_normal (AlSimRng *rng)
{
  double u, v, s;

  do
    {
      u = 2.0 * al_sim_rng_uniform (rng) - 1.0;
      v = 2.0 * al_sim_rng_uniform (rng) - 1.0;
      s = u * u + v * v;
    }
  while (s >= 1.0 || s == 0.0);
  /* The second deviate (v) is dropped so one call is one draw pattern. */
  return u * sqrt (-2.0 * log (s) / s);
}

static double
poisson_small (AlSimRng *rng,
               double    mean)
{
  double limit = exp (-mean), product = al_sim_rng_uniform (rng);
  double k = 0;

  while (product > limit)
    {
      product *= al_sim_rng_uniform (rng);
      k += 1;
    }
  return k;
}

static double
poisson_ptrs (AlSimRng *rng,
              double    mean)
{
  double slam = sqrt (mean), loglam = log (mean);
  double b = 0.931 + 2.53 * slam;
  double a = -0.059 + 0.02483 * b;
  double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  double vr = 0.9277 - 3.6224 / (b - 2.0);

  for (;;)
    {
      double u = al_sim_rng_uniform (rng) - 0.5;
      double v = al_sim_rng_uniform (rng);
      double us = 0.5 - fabs (u);
      double k = floor ((2.0 * a / us + b) * u + mean + 0.43);

      if (us >= 0.07 && v <= vr)
        return k;
      if (k < 0 || (us < 0.013 && v > us))
        continue;
      if (log (v) + log (inv_alpha) - log (a / (us * us) + b)
          <= -mean + k * loglam - lgamma (k + 1.0))
        return k;
    }
}

double
al_sim_rng_poisson (AlSimRng *rng,
                    double    mean)
{
  if (!(mean > 0.0))
    return 0.0;
  if (mean < AL_SIM_POISSON_PTRS_MIN)
    return poisson_small (rng, mean);
  return poisson_ptrs (rng, mean);
}
