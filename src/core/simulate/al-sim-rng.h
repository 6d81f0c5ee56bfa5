/* al-sim-rng.h: the simulator's own random numbers, so that a seed gives the
 * same image on any machine: xoshiro256** (Blackman & Vigna 2018) seeded by
 * splitmix64, uniform and normal deviates, and Poisson counts.
 *
 * Nothing here calls rand(); only IEEE-exact arithmetic, sqrt, log and exp
 * are used, which glibc computes identically on every x86-64 and arm64 host.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 s[4];
} AlSimRng;

void    al_sim_rng_init     (AlSimRng *rng,
                             guint64   seed);
/* A generator for an independent stream `stream` of the same seed, so that
 * adding draws to one part of the simulation does not change another. */
void    al_sim_rng_fork     (AlSimRng *rng,
                             guint64   seed,
                             guint64   stream);
guint64 al_sim_rng_next     (AlSimRng *rng);
/* Uniform on [0, 1), 53 random bits. */
double  al_sim_rng_uniform  (AlSimRng *rng);
/* Uniform integer on [0, n). */
guint64 al_sim_rng_below    (AlSimRng *rng,
                             guint64   n);
/* Standard normal deviate (Marsaglia's polar method). */
double  al_sim_rng_normal   (AlSimRng *rng);
/* Poisson deviate with mean `mean` (>= 0). */
double  al_sim_rng_poisson  (AlSimRng *rng,
                             double    mean);

G_END_DECLS
