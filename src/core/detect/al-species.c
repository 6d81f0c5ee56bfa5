/* al-species.c: species by a Gaussian mixture on column intensity.
 *
 * In HAADF-STEM a column's integrated intensity grows as Σ Zⁿ over its
 * atoms, n ≈ 1.6–2 (Krivanek et al., Nature 464, 571 (2010)). The exponent
 * depends on the detector angles, so it is measured here: the two species
 * of the perfect crystal (Mo and S2 in MoS2, B and N in hBN) are the two
 * big components of a first two-class mixture, and the ratio of their means
 * gives n. Every species of the material then gets a component at
 * scale·Σ Zⁿ with a variance that grows with the mean (counting noise),
 * and EM refines the scale, the noise model and the weights. Rare species
 * (vacancy columns, dopants) keep a small floor weight so they are found
 * when present. The confidence of an atom is its posterior probability.
 */
#include "detect/al-species.h"

#include <math.h>
#include <string.h>

#include "detect/al-filter.h"

#define AL_SPECIES_DEFAULT_EXPONENT 1.7
#define AL_SPECIES_MIN_EXPONENT 1.0
#define AL_SPECIES_MAX_EXPONENT 2.5
#define AL_SPECIES_EM_ITERATIONS 60
/* Values the two-class mixture is fitted to, at most. */
#define AL_SPECIES_EM_VALUES 16384
/* The smallest mixture weight a species keeps. */
#define AL_SPECIES_MIN_WEIGHT 0.002
/* Columns needed before a mixture is fitted at all. */
#define AL_SPECIES_MIN_COLUMNS 8
/* EM stops once an iteration changes no parameter by more than this
 * fraction (far below anything a posterior or a threshold could notice). */
#define AL_SPECIES_EM_TOLERANCE 1e-9

/* Whether `a` and `b` agree to the EM tolerance. */
static gboolean
settled (double a,
         double b)
{
  return fabs (a - b) <= AL_SPECIES_EM_TOLERANCE * MAX (fabs (a), fabs (b));
}

static double
gauss_pdf (double x,
           double mean,
           double var)
{
  return exp (-0.5 * (x - mean) * (x - mean) / var) / sqrt (2.0 * G_PI * var);
}

/* Two-component 1D EM; means come back sorted. */
void
al_species_two_class (const double *v,
                      guint         n,
                      double        mean[2],
                      double        var[2])
{
  g_autofree float *f = g_new (float, MAX (n, 1));
  g_autofree double *sub = NULL;
  double w[2] = { 0.5, 0.5 };

  /* Two means and variances are fixed well by a few thousand values: a
   * large image's are thinned evenly (deterministically). */
  if (n > AL_SPECIES_EM_VALUES)
    {
      guint stride = (n + AL_SPECIES_EM_VALUES - 1) / AL_SPECIES_EM_VALUES, m = 0;
      sub = g_new (double, n / stride + 1);
      for (guint i = 0; i < n; i += stride)
        sub[m++] = v[i];
      v = sub;
      n = m;
    }
  for (guint i = 0; i < n; i++)
    f[i] = (float) v[i];
  mean[0] = al_filter_percentile (f, n, 0.25);
  mean[1] = al_filter_percentile (f, n, 0.75);
  var[0] = var[1] = MAX (1e-12, pow (0.25 * (mean[1] - mean[0]), 2));
  for (int it = 0; it < AL_SPECIES_EM_ITERATIONS; it++)
    {
      double sr[2] = { 0 }, sx[2] = { 0 }, sxx[2] = { 0 };
      double c[2], h[2];
      gboolean done = TRUE;

      for (int k = 0; k < 2; k++)
        {
          c[k] = w[k] / sqrt (2.0 * G_PI * var[k]);
          h[k] = 0.5 / var[k];
        }
      for (guint i = 0; i < n; i++)
        {
          double p0 = c[0] * exp (-h[0] * (v[i] - mean[0]) * (v[i] - mean[0]));
          double p1 = c[1] * exp (-h[1] * (v[i] - mean[1]) * (v[i] - mean[1]));
          double r1 = p0 + p1 > 0 ? p1 / (p0 + p1) : (v[i] > 0.5 * (mean[0] + mean[1]));
          double r[2] = { 1.0 - r1, r1 };
          for (int k = 0; k < 2; k++)
            {
              sr[k] += r[k];
              sx[k] += r[k] * v[i];
              sxx[k] += r[k] * v[i] * v[i];
            }
        }
      for (int k = 0; k < 2; k++)
        {
          double m;
          if (sr[k] < 1e-9)
            return;
          m = sx[k] / sr[k];
          done = done && settled (w[k], sr[k] / n) && settled (mean[k], m);
          w[k] = sr[k] / n;
          mean[k] = m;
          var[k] = MAX (sxx[k] / sr[k] - mean[k] * mean[k], 1e-6 * mean[k] * mean[k] + 1e-20);
        }
      if (done)
        break;
    }
  if (mean[0] > mean[1])
    {
      double t = mean[0];
      mean[0] = mean[1];
      mean[1] = t;
      t = var[0];
      var[0] = var[1];
      var[1] = t;
    }
}

/* The exponent n with Σ Zⁿ(hi) / Σ Zⁿ(lo) = ratio, by bisection. */
static double
solve_exponent (const AlSpecies *lo,
                const AlSpecies *hi,
                double           ratio)
{
  double a = AL_SPECIES_MIN_EXPONENT, b = AL_SPECIES_MAX_EXPONENT;
  double fa = al_species_z_sum (hi, a) / al_species_z_sum (lo, a) - ratio;
  double fb = al_species_z_sum (hi, b) / al_species_z_sum (lo, b) - ratio;

  if (fa * fb > 0)
    return fabs (fa) < fabs (fb) ? a : b;
  for (int it = 0; it < 50; it++)
    {
      double m = 0.5 * (a + b);
      double fm = al_species_z_sum (hi, m) / al_species_z_sum (lo, m) - ratio;
      if ((fm > 0) == (fa > 0))
        {
          a = m;
          fa = fm;
        }
      else
        b = m;
    }
  return 0.5 * (a + b);
}

/* Starting model from the perfect crystal's species. */
static void
initial_model (const double     *v,
               guint             n,
               const AlMaterial *material,
               AlSpeciesModel   *model)
{
  const AlSpecies *sa = &material->species[material->site_species[0]];
  const AlSpecies *sb = &material->species[material->site_species[1]];
  g_autofree float *f = NULL;

  model->exponent = AL_SPECIES_DEFAULT_EXPONENT;
  if (material->site_species[0] != material->site_species[1])
    {
      double mean[2], var[2];
      gboolean a_brighter = al_species_z_sum (sa, 1.7) > al_species_z_sum (sb, 1.7);
      const AlSpecies *lo = a_brighter ? sb : sa, *hi = a_brighter ? sa : sb;

      al_species_two_class (v, n, mean, var);
      if (mean[0] > 0 && mean[1] > mean[0])
        model->exponent = solve_exponent (lo, hi, mean[1] / mean[0]);
      model->scale = 0.5 * (mean[0] / al_species_z_sum (lo, model->exponent)
                            + mean[1] / al_species_z_sum (hi, model->exponent));
      /* Counting noise: the variance grows with the mean. */
      model->noise[1] = MAX ((var[1] - var[0]) / (mean[1] - mean[0]), 0.0);
      model->noise[0] = MAX (var[0] - model->noise[1] * mean[0], 0.05 * var[0]);
      return;
    }
  f = g_new (float, n);
  for (guint i = 0; i < n; i++)
    f[i] = (float) v[i];
  {
    double median = al_filter_percentile (f, n, 0.5);
    double q1 = al_filter_percentile (f, n, 0.25), q3 = al_filter_percentile (f, n, 0.75);
    double sd = MAX ((q3 - q1) / 1.349, 1e-6 * fabs (median) + 1e-20);
    model->scale = median / al_species_z_sum (sa, model->exponent);
    model->noise[0] = 0.5 * sd * sd;
    model->noise[1] = median > 0 ? 0.5 * sd * sd / median : 0.0;
  }
}

/* Classifies `n_columns` intensities into `material`'s species. Without a
 * material (or with too few columns) every column is species -1 or the
 * perfect crystal's first species, with confidence 1. Also FALSE, with
 * the outputs unset, once `cancellable` is cancelled: the caller reports
 * it. */
gboolean
al_species_classify (const double     *v,
                     guint             n,
                     const AlMaterial *material,
                     gint16           *species,
                     float            *confidence,
                     AlSpeciesModel   *model_out,
                     GCancellable     *cancellable)
{
  AlSpeciesModel model = { 0 };
  double mean[AL_MAX_SPECIES], e[AL_MAX_SPECIES], w[AL_MAX_SPECIES];
  guint k_n;

  if (material == NULL || n < AL_SPECIES_MIN_COLUMNS)
    {
      for (guint i = 0; i < n; i++)
        {
          species[i] = material ? material->site_species[0] : -1;
          confidence[i] = 1.0f;
        }
      return FALSE;
    }
  k_n = material->n_species;
  initial_model (v, n, material, &model);
  for (guint k = 0; k < k_n; k++)
    {
      gboolean dominant = (int) k == material->site_species[0] || (int) k == material->site_species[1];
      w[k] = dominant ? 0.5 : AL_SPECIES_MIN_WEIGHT;
    }

  for (int it = 0; it < AL_SPECIES_EM_ITERATIONS; it++)
    {
      double sw[AL_MAX_SPECIES] = { 0 }, num = 0, den = 0;
      double a[3] = { 0 }, b[2] = { 0 };
      double var[AL_MAX_SPECIES], c[AL_MAX_SPECIES], h[AL_MAX_SPECIES];
      AlSpeciesModel last = model;
      gboolean done;

      /* One iteration is a pass over every column (~5 ms for 10⁵): Cancel
       * is answered between passes. */
      if (g_cancellable_is_cancelled (cancellable))
        return FALSE;
      for (guint k = 0; k < k_n; k++)
        {
          e[k] = al_species_z_sum (&material->species[k], model.exponent);
          mean[k] = model.scale * e[k];
          var[k] = MAX (model.noise[0] + model.noise[1] * mean[k], 1e-30);
          c[k] = w[k] / sqrt (2.0 * G_PI * var[k]);
          h[k] = 0.5 / var[k];
        }
      for (guint i = 0; i < n; i++)
        {
          double p[AL_MAX_SPECIES], total = 0;
          for (guint k = 0; k < k_n; k++)
            {
              p[k] = c[k] * exp (-h[k] * (v[i] - mean[k]) * (v[i] - mean[k]));
              total += p[k];
            }
          for (guint k = 0; k < k_n && total > 0; k++)
            {
              double r = p[k] / total;
              double r2 = (v[i] - mean[k]) * (v[i] - mean[k]);
              sw[k] += r;
              /* Scale: weighted least squares of v ≈ scale · e_k. */
              num += r * v[i] * e[k] / var[k];
              den += r * e[k] * e[k] / var[k];
              /* Noise: r² ≈ noise0 + noise1 · mean, least squares. */
              a[0] += r;
              a[1] += r * mean[k];
              a[2] += r * mean[k] * mean[k];
              b[0] += r * r2;
              b[1] += r * r2 * mean[k];
            }
        }
      if (den > 0)
        model.scale = num / den;
      {
        double det = a[0] * a[2] - a[1] * a[1];
        double n1 = det > 0 ? (a[0] * b[1] - a[1] * b[0]) / det : 0.0;
        double n0;
        if (n1 < 0)
          n1 = 0;
        n0 = (b[0] - n1 * a[1]) / MAX (a[0], 1e-30);
        if (n0 < 0)
          n0 = 0;
        if (n0 + n1 * model.scale * e[0] > 0)
          {
            model.noise[0] = n0;
            model.noise[1] = n1;
          }
      }
      done = settled (last.scale, model.scale) && settled (last.noise[0], model.noise[0])
             && settled (last.noise[1], model.noise[1]);
      for (guint k = 0; k < k_n; k++)
        {
          double wk = MAX (sw[k] / n, AL_SPECIES_MIN_WEIGHT);
          done = done && settled (w[k], wk);
          w[k] = wk;
        }
      if (done)
        break;
    }

  for (guint i = 0; i < n; i++)
    {
      double p[AL_MAX_SPECIES], total = 0, best = -1;
      int arg = material->site_species[0];
      for (guint k = 0; k < k_n; k++)
        {
          double var = MAX (model.noise[0] + model.noise[1] * mean[k], 1e-30);
          p[k] = w[k] * gauss_pdf (v[i], mean[k], var);
          total += p[k];
          if (p[k] > best)
            {
              best = p[k];
              arg = (int) k;
            }
        }
      if (!(total > 0))
        {
          /* Far from every component: the nearest mean. */
          double dmin = G_MAXDOUBLE;
          for (guint k = 0; k < k_n; k++)
            if (fabs (v[i] - mean[k]) < dmin)
              {
                dmin = fabs (v[i] - mean[k]);
                arg = (int) k;
              }
          total = best = 1.0;
        }
      species[i] = (gint16) arg;
      confidence[i] = (float) (best / total);
    }
  if (model_out != NULL)
    *model_out = model;
  return TRUE;
}
