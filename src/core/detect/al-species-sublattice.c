/* al-species-sublattice.c: species by sublattice (see
 * al-species-sublattice.h).
 *
 * Per grain, each sublattice's columns give a mean intensity (of those
 * within a few robust spreads of the median) and a robust spread. The
 * sublattice with the higher mean holds the species of the larger Σ Zⁿ
 * (N in hBN: 7^1.7 against 5^1.7), provided the two means differ by
 * a standard error of their difference. In hBN at 10⁴ e⁻/Å² the
 * fitted B and N intensities are ~0.3 of a column's spread apart, so one
 * column is right little more often than a coin, but ~300 columns per
 * sublattice tell them apart by 2-5 standard errors. Then each column's
 * species is Bayes' decision between its sublattice's species and the
 * other one: the other's prior odds are those of an antisite, the
 * likelihoods Gaussians at the two means with the two spreads (so the
 * column's own intensity decides only when it is decisive, as at high
 * dose).
 */
#include "detect/al-species-sublattice.h"

#include <math.h>

#include "detect/al-filter.h"
#include "detect/al-honeycomb-lattice.h"

/* Columns a sublattice needs before its mean is believed. */
#define AL_SUBLATTICE_MIN_COLUMNS 8
/* The two sublattices' means must differ by this many standard errors.
 * Below 2 the grain's species may come out swapped (at 1, one time in
 * six), but one column alone is right little more often than a coin, so
 * the sublattice still decides; the columns' confidence carries the
 * grain's odds. */
#define AL_SUBLATTICE_MIN_SEPARATION 1.0
/* Prior probability that a column holds the other sublattice's species. */
#define AL_SUBLATTICE_ANTISITE_PRIOR 0.01
#define AL_SUBLATTICE_MAD_TO_SIGMA 1.4826
/* A sublattice's mean leaves out columns this many spreads off its
 * median. */
#define AL_SUBLATTICE_CLIP_SIGMAS 4.0

typedef struct
{
  guint  n;
  double median;
  double mean;     /* of the columns within AL_SUBLATTICE_CLIP_SIGMAS */
  double spread;   /* robust standard deviation of one column */
} Sublattice;

static void
sublattice_measure (Sublattice   *sub,
                    const double *intensity,
                    const gint8  *labels,
                    guint         n_columns,
                    gint8         label)
{
  g_autofree float *v = g_new (float, MAX (n_columns, 1));
  g_autofree float *dev = g_new (float, MAX (n_columns, 1));
  guint n = 0;

  for (guint i = 0; i < n_columns; i++)
    if (labels[i] == label && isfinite (intensity[i]))
      v[n++] = (float) intensity[i];
  sub->n = n;
  sub->median = sub->mean = sub->spread = 0.0;
  if (n < AL_SUBLATTICE_MIN_COLUMNS)
    return;
  sub->median = al_filter_percentile (v, n, 0.5);
  for (guint k = 0; k < n; k++)
    dev[k] = (float) fabs (v[k] - sub->median);
  sub->spread = AL_SUBLATTICE_MAD_TO_SIGMA * al_filter_percentile (dev, n, 0.5);
  /* The mean of the columns within a few spreads: as robust as the median
   * against a stray column, but with the mean's smaller error. */
  {
    double sum = 0.0;
    guint m = 0;
    for (guint k = 0; k < n; k++)
      if (fabs (v[k] - sub->median) <= AL_SUBLATTICE_CLIP_SIGMAS * sub->spread)
        {
          sum += v[k];
          m++;
        }
    sub->n = m;
    sub->mean = m > 0 ? sum / m : sub->median;
  }
}

/* How many standard errors of their difference the two sublattices' means
 * of a grain are apart (0 when either has too few columns). */
static double
sublattice_separation (const Sublattice *a,
                       const Sublattice *b)
{
  double se;

  if (a->n < AL_SUBLATTICE_MIN_COLUMNS || b->n < AL_SUBLATTICE_MIN_COLUMNS
      || !(a->spread > 0) || !(b->spread > 0))
    return 0.0;
  se = sqrt (a->spread * a->spread / a->n + b->spread * b->spread / b->n);
  return fabs (a->mean - b->mean) / se;
}

static double
log_gauss (double x,
           double mean,
           double sigma)
{
  return -0.5 * (x - mean) * (x - mean) / (sigma * sigma) - log (sigma);
}

guint
al_species_by_sublattice (const AlMaterial *material,
                          const double     *intensity,
                          const gint8      *labels,
                          guint             n_columns,
                          gint16           *species,
                          float            *confidence)
{
  Sublattice sub[AL_HONEYCOMB_N_LABELS];
  int dim, bright;
  double prior = log (AL_SUBLATTICE_ANTISITE_PRIOR / (1.0 - AL_SUBLATTICE_ANTISITE_PRIOR));
  guint assigned = 0;

  g_return_val_if_fail (material != NULL, 0);
  dim = material->site_species[0];
  bright = material->site_species[1];
  if (dim == bright || material->species[dim].n_atoms != 1
      || material->species[bright].n_atoms != 1)
    return 0;
  if (material->species[dim].z[0] > material->species[bright].z[0])
    {
      int t = dim;
      dim = bright;
      bright = t;
    }
  for (gint8 l = 0; l < AL_HONEYCOMB_N_LABELS; l++)
    {
      sublattice_measure (&sub[l], intensity, labels, n_columns, l);
      if (sub[l].n > 0)
        g_debug ("species by sublattice: grain %d sublattice %d: %u columns, mean %g, spread %g",
                 l / 2, l % 2, sub[l].n, sub[l].mean, sub[l].spread);
    }
  for (guint i = 0; i < n_columns; i++)
    {
      gint8 l = labels[i];
      const Sublattice *own, *other;
      double log_odds, separation;

      if (l < 0 || l >= AL_HONEYCOMB_N_LABELS || !isfinite (intensity[i]))
        continue;
      own = &sub[l];
      other = &sub[l ^ 1];
      separation = sublattice_separation (own, other);
      if (separation < AL_SUBLATTICE_MIN_SEPARATION)
        continue;
      /* Log odds that the column holds the other sublattice's species. */
      log_odds = prior + log_gauss (intensity[i], other->mean, other->spread)
                 - log_gauss (intensity[i], own->mean, own->spread);
      {
        gboolean own_bright = own->mean > other->mean;
        gboolean is_bright = log_odds > 0 ? !own_bright : own_bright;
        species[i] = (gint16) (is_bright ? bright : dim);
        /* Times the odds that the grain's sublattices were told apart
         * the right way round. */
        confidence[i] = (float) (1.0 / (1.0 + exp (-fabs (log_odds))) * 0.5
                                 * erfc (-separation / G_SQRT2));
      }
      assigned++;
    }
  return assigned;
}
