/* al-site-model.c: expected amplitude and breathing of each content of a
 * TMD lattice site, learnt from the frame's sites. */
#include "defects/al-site-model.h"

#include <math.h>
#include <string.h>

#include "graph/al-bonds.h"
#include "graph/al-select.h"

/* Prior probability of each defect content at a site (the simulated and
 * reported densities are 0.1–2 % of sites). */
#define AL_SITE_DEFECT_PRIOR 0.01
/* HAADF exponent range (Σ Zⁿ): Rutherford 2, screened 1.6–1.8. */
#define AL_SITE_EXPONENT_MIN 1.0
#define AL_SITE_EXPONENT_MAX 2.2
#define AL_SITE_EXPONENT_DEFAULT 1.7
#define AL_MAD_TO_SD 1.4826
/* Rounds of expectation–maximisation; contents below this fraction of the
 * host count as partly filled (they tell the offset). */
#define AL_SITE_EM_ROUNDS 10
/* Before the image shows empty sites, a site's empty level is taken as 0
 * (the neighbours' flanks and the background are fitted with it:
 * al-site-intensity.h); this prior weighs as much as this many empty
 * sites. */
#define AL_SITE_OFFSET_PRIOR_SITES 20.0
/* The breathing of each content (how far a site's neighbours move in or
 * out) starts at the host's, 0, with the weight of this many sites, and
 * is learnt from the image: a vacancy's neighbours relax inwards (simulated
 * at 10⁴ e⁻/Å²: 9–11 pm for V_S, 11–13 pm for V_S2, against a spread of
 * 3–5 pm), a metal on a chalcogen site pushes them out. */
#define AL_SITE_BREATH_PRIOR_SITES 5.0
/* The breathing's spread is taken as at least this (px): positions are
 * not known better than a few pm at 0.01–0.03 nm/px. */
#define AL_SITE_BREATH_MIN_SD_PX 0.05
/* So does the pull at sites without a column (al-site-model.h): it
 * starts at 0 with the weight of this many host sites. */
#define AL_SITE_PULL_PRIOR_SITES 20.0
#define AL_SITE_PARTIAL_CONTENT 0.75
/* The breathing's slope on the amplitude is fitted from at least this
 * many host sites. */
#define AL_SITE_MIN_SLOPE_SITES 50
/* Floor of a content's share, so that no content is ruled out. */
#define AL_SITE_MIN_SHARE 1e-4


gboolean
al_site_usable (const AlSite *s)
{
  return isfinite (s->amp) && isfinite (s->ref_same) && isfinite (s->ref_other)
         && MAX (s->ref_same, s->ref_other) > 0.0;
}

/* A metal site is one whose sublattice is the brighter around it (in
 * every TMD the metal column outshines the chalcogen pair). */
gboolean
al_site_is_metal (const AlSite *s)
{
  return s->ref_same > s->ref_other;
}

/* n such that Σ_metal Zⁿ / Σ_chalcogen Zⁿ equals the measured ratio. */
static double
fit_exponent (const AlMaterial *m,
              double            ratio)
{
  const AlSpecies *metal = &m->species[m->site_species[0]];
  const AlSpecies *chal = &m->species[m->site_species[1]];
  double lo = AL_SITE_EXPONENT_MIN, hi = AL_SITE_EXPONENT_MAX;

  if (!(ratio > 0.0))
    return AL_SITE_EXPONENT_DEFAULT;
  for (int it = 0; it < 40; it++)
    {
      double mid = 0.5 * (lo + hi);
      if (al_species_z_sum (metal, mid) / al_species_z_sum (chal, mid) < ratio)
        lo = mid;
      else
        hi = mid;
    }
  return 0.5 * (lo + hi);
}

/* Robust variance of the sites' amplitudes about their local reference. */
static double
robust_var (GArray *residual)
{
  double *v = (double *) residual->data, med, sd;
  guint n = residual->len;

  if (n < AL_SITE_MIN_REFERENCES)
    return NAN;
  med = al_select_median (v, n);
  for (guint k = 0; k < n; k++)
    v[k] = fabs (v[k] - med);
  sd = AL_MAD_TO_SD * al_select_median (v, n);
  return sd * sd;
}

/* A breathing variance no smaller than positions can be known: exact
 * positions (hand-built lattices) would otherwise make every small shift
 * decisive. NAN stays NAN (the breathing is not used). */
static double
breath_floor (double var)
{
  return isnan (var) ? var : MAX (var, AL_SITE_BREATH_MIN_SD_PX * AL_SITE_BREATH_MIN_SD_PX);
}

static gboolean
fit_model (const GArray     *sites,
           const AlMaterial *m,
           AlSiteModel            *model)
{
  g_autoptr (GArray) ratio = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *res[2], *refs[2], *breath[2];
  double var[2] = { NAN, NAN }, mu[2] = { NAN, NAN };
  gboolean enough;

  for (int k = 0; k < 2; k++)
    {
      res[k] = g_array_new (FALSE, FALSE, sizeof (double));
      refs[k] = g_array_new (FALSE, FALSE, sizeof (double));
      breath[k] = g_array_new (FALSE, FALSE, sizeof (double));
    }

  for (guint i = 0; i < sites->len; i++)
    {
      const AlSite *s = &g_array_index (sites, AlSite, i);
      int metal;
      double r, d;
      if (!al_site_usable (s) || MIN (s->ref_same, s->ref_other) <= 0.0)
        continue;
      metal = al_site_is_metal (s);
      r = metal ? s->ref_same / s->ref_other : s->ref_other / s->ref_same;
      d = s->amp - s->ref_same;
      g_array_append_val (ratio, r);
      g_array_append_val (res[metal], d);
      g_array_append_val (refs[metal], s->ref_same);
      if (isfinite (s->breath))
        g_array_append_val (breath[metal], s->breath);
    }
  enough = ratio->len >= 2 * AL_SITE_MIN_REFERENCES && res[0]->len >= AL_SITE_MIN_REFERENCES
           && res[1]->len >= AL_SITE_MIN_REFERENCES;
  for (int k = 0; k < 2 && enough; k++)
    {
      var[k] = robust_var (res[k]);
      mu[k] = al_select_median ((double *) refs[k]->data, refs[k]->len);
      /* NAN (too few triangles): the breathing is not used. */
      model->breath_var[k] = breath_floor (robust_var (breath[k]));
    }
  for (int k = 0; k < 2; k++)
    {
      g_array_unref (res[k]);
      g_array_unref (refs[k]);
      g_array_unref (breath[k]);
    }
  if (!enough || !(var[0] > 0.0) || !(mu[1] > mu[0]))
    return FALSE;
  model->m = m;
  model->mu[0] = mu[0];
  model->mu[1] = mu[1];
  model->offset[0] = model->offset[1] = 0.0;
  model->exponent = fit_exponent (m, mu[1] / mu[0]);
  /* Poisson: the variance grows linearly with the mean; the background's
   * own noise is the intercept (held above a tenth of the chalcogen's so
   * an empty site is never taken as noiseless). */
  model->g = MAX (0.0, (var[1] - var[0]) / (mu[1] - mu[0]));
  model->v0 = MAX (var[0] - model->g * mu[0], 0.1 * var[0]);
  g_debug ("sites: chalcogen %g ± %g, metal %g ± %g, exponent %g, variance %g + %g·mean",
           mu[0], sqrt (var[0]), mu[1], sqrt (var[1]), model->exponent, model->v0, model->g);
  return TRUE;
}

/* The contents a site may hold, with their expected amplitudes. */
guint
al_site_hypotheses (const AlSiteModel *model,
                    const AlSite      *s,
                    AlSiteHypothesis  *h)
{
  const AlMaterial *m = model->m;
  gboolean metal_site = al_site_is_metal (s);
  double ref_m = metal_site ? s->ref_same : s->ref_other;
  double ref_x = metal_site ? s->ref_other : s->ref_same;
  double off = model->offset[metal_site];
  /* Scale per unit of host content, read from the local references. */
  double scale_m = ref_m - model->offset[1], scale_x = ref_x - model->offset[0];
  const AlSpecies *host_m = &m->species[m->site_species[0]];
  const AlSpecies *host_x = &m->species[m->site_species[1]];
  double n = model->exponent;
  guint count = 0;

  h[count++] = (AlSiteHypothesis) { off, 0.0, -1, metal_site ? AL_DEFECT_V_MO : AL_DEFECT_V_S2 };
  for (guint k = 0; k < m->n_species; k++)
    {
      const AlSpecies *sp = &m->species[k];
      gboolean metal = al_species_is_metal (m, (int) k);
      double content = al_species_z_sum (sp, n) / al_species_z_sum (metal ? host_m : host_x, n);
      AlDefectType type;
      if (metal_site)
        {
          if (!metal)
            continue;
          type = (int) k == m->site_species[0] ? AL_DEFECT_NONE : AL_DEFECT_W_MO;
        }
      else if (metal)
        type = AL_DEFECT_MO_S2;
      else if ((int) k == m->site_species[1])
        type = AL_DEFECT_NONE;
      else
        type = sp->n_atoms == 1 && sp->z[0] == host_x->z[0] ? AL_DEFECT_V_S : AL_DEFECT_W_MO;
      h[count++] = (AlSiteHypothesis) { off + (metal ? scale_m : scale_x) * content,
                                  metal == metal_site ? content : NAN, (int) k, type };
    }
  return count;
}

/* The breathing a site would show with content k and its amplitude. */
static double
expected_breath (const AlSiteModel      *model,
                 const AlSiteHypothesis *h,
                 guint                   k,
                 int                     metal,
                 const AlSite           *s)
{
  double b = model->breath[metal][k] + model->breath_slope[metal] * (s->amp - h[k].mean);

  if (s->atom < 0)
    b += model->breath_pull[metal] * MAX (h[k].mean, 0.0);
  return b;
}

/* Log of prior × likelihood of content k: the amplitude under the Poisson
 * variance, and the breathing of the neighbours' triangle where measured. */
static double
log_score (const AlSiteModel      *model,
           const AlSiteHypothesis *h,
           guint                   k,
           gboolean                metal_site,
           const AlSite           *s)
{
  double v = model->v0 + model->g * MAX (h[k].mean, 0.0);
  double d = s->amp - h[k].mean;
  double score = -0.5 * d * d / v - 0.5 * log (v) + log (model->weight[metal_site][k]);
  double vb = model->breath_var[metal_site];

  if (isfinite (s->breath) && vb > 0.0)
    {
      double db = s->breath - expected_breath (model, h, k, metal_site, s);
      score -= 0.5 * db * db / vb;
    }
  return score;
}

/* The posterior of each of a site's n contents (h, from
 * al_site_hypotheses) to post. */
void
al_site_posterior (const AlSiteModel      *model,
                   const AlSiteHypothesis *h,
                   guint                   n,
                   const AlSite           *s,
                   double                 *post)
{
  gboolean metal = al_site_is_metal (s);
  double top = -INFINITY, z = 0.0;

  for (guint k = 0; k < n; k++)
    top = MAX (top, post[k] = log_score (model, h, k, metal, s));
  for (guint k = 0; k < n; k++)
    z += post[k] = exp (post[k] - top);
  for (guint k = 0; k < n; k++)
    post[k] /= z;
}

/* The hypothesis a site's found species stands for (hand-set species, and
 * sites the image cannot be read at). */
const AlSiteHypothesis *
al_site_by_species (const AlSiteHypothesis *h,
                    guint                   n,
                    int                     species)
{
  for (guint k = 0; k < n; k++)
    if (h[k].species == species)
      return &h[k];
  return NULL;
}

/* Start: every defect content at AL_SITE_DEFECT_PRIOR, the host at 1. */
static void
init_shares (AlSiteModel *model)
{
  for (int metal = 0; metal < 2; metal++)
    {
      AlSite probe = { 0 };
      AlSiteHypothesis h[AL_MAX_SPECIES + 1];
      guint n;
      probe.ref_same = metal ? 2.0 : 1.0;
      probe.ref_other = metal ? 1.0 : 2.0;
      n = al_site_hypotheses (model, &probe, h);
      for (guint k = 0; k < n; k++)
        {
          model->weight[metal][k] = h[k].type == AL_DEFECT_NONE ? 1.0 : AL_SITE_DEFECT_PRIOR;
          model->breath[metal][k] = 0.0;
        }
      model->breath_slope[metal] = model->breath_pull[metal] = 0.0;
    }
}

/* What one round of expectation–maximisation gathers for a sublattice. */
typedef struct
{
  guint    n_hyp;
  gboolean partial[AL_MAX_SPECIES + 1];
  double   share[AL_MAX_SPECIES + 1];
  double   total;
  double   off_num, off_den;            /* empty-site offset */
  double   b_num[AL_MAX_SPECIES + 1];   /* breathing of each content */
  double   b_den[AL_MAX_SPECIES + 1];
  double   pull_num, pull_den;          /* pull at sites without a column */
  GArray  *host_amp, *host_breath;      /* host residuals, for the slope */
} Gather;

/* One site's posterior r over its contents, gathered. */
static void
gather_site (const AlSiteModel      *model,
             const AlSite           *s,
             const AlSiteHypothesis *h,
             const double           *r,
             int                     metal,
             Gather                 *g)
{
  for (guint k = 0; k < g->n_hyp; k++)
    {
      double c = h[k].content, da = s->amp - h[k].mean, mean = MAX (h[k].mean, 0.0);
      g->share[k] += r[k];
      g->partial[k] = h[k].species < 0 || (isfinite (c) && c < AL_SITE_PARTIAL_CONTENT);
      if (isfinite (c) && c < AL_SITE_PARTIAL_CONTENT)
        {
          g->off_num += r[k] * (1.0 - c) * (s->amp - s->ref_same * c);
          g->off_den += r[k] * (1.0 - c) * (1.0 - c);
        }
      if (!isfinite (s->breath))
        continue;
      {
        /* The residual breathing once this content's own is taken out. */
        double rest = s->breath - expected_breath (model, h, k, metal, s);
        g->b_num[k] += r[k] * (rest + model->breath[metal][k]);
        g->b_den[k] += r[k];
        if (s->atom < 0)
          {
            g->pull_num += r[k] * mean * (rest + model->breath_pull[metal] * mean);
            g->pull_den += r[k] * mean * mean;
          }
        if (h[k].type == AL_DEFECT_NONE && r[k] > 0.5)
          {
            double db = rest + model->breath_slope[metal] * da;
            g_array_append_val (g->host_amp, da);
            g_array_append_val (g->host_breath, db);
          }
      }
    }
  g->total += 1.0;
}

/* The slope of the breathing on the amplitude among the host sites of a
 * sublattice (their residuals from the host's means), and the spread of
 * the breathing left once it is taken out. Kept as they are with too few
 * host sites. */
static void
fit_breath_slope (AlSiteModel *model,
                  int          metal,
                  Gather      *g)
{
  double saa = 0.0, sab = 0.0, slope, var;
  const double *a = (const double *) g->host_amp->data;
  double *b = (double *) g->host_breath->data;

  if (g->host_amp->len < AL_SITE_MIN_SLOPE_SITES)
    return;
  for (guint i = 0; i < g->host_amp->len; i++)
    {
      saa += a[i] * a[i];
      sab += a[i] * b[i];
    }
  if (!(saa > 0.0))
    return;
  slope = sab / saa;
  for (guint i = 0; i < g->host_amp->len; i++)
    b[i] -= slope * a[i];
  var = robust_var (g->host_breath);
  if (var > 0.0)
    {
      model->breath_slope[metal] = slope;
      model->breath_var[metal] = breath_floor (var);
    }
}

/* The model's parameters from what a round gathered. */
static void
maximise (AlSiteModel *model,
          int          metal,
          Gather      *g)
{
  /* Empty and partly filled sites share one breathing: the amplitude
   * tells them apart, and alone each is too rare (and too often taken for
   * the other) to learn its own. */
  double pn = 0.0, pd = 0.0;

  for (guint q = 0; q < g->n_hyp; q++)
    if (g->partial[q])
      {
        pn += g->b_num[q];
        pd += g->b_den[q];
      }
  for (guint q = 0; q < g->n_hyp; q++)
    {
      if (g->partial[q])
        {
          g->b_num[q] = pn;
          g->b_den[q] = pd;
        }
      model->breath[metal][q] = g->b_num[q] / (g->b_den[q] + AL_SITE_BREATH_PRIOR_SITES);
    }
  model->breath_pull[metal] = g->pull_num / (g->pull_den + AL_SITE_PULL_PRIOR_SITES
                                                          * model->mu[metal] * model->mu[metal]);
  fit_breath_slope (model, metal, g);
  model->offset[metal] = g->off_num / (g->off_den + AL_SITE_OFFSET_PRIOR_SITES);
  for (guint q = 0; q < g->n_hyp && g->total > 0; q++)
    model->weight[metal][q] = CLAMP (g->share[q] / g->total, AL_SITE_MIN_SHARE, 1.0);
}

/* The empty-site offsets, the share of each content and the breathing,
 * by expectation–maximisation over all sites: each site's posterior over
 * its contents weighs what it says about the offset (a = offset·(1 − c) +
 * ref·c for content c), the shares and the breathing. Soft weights
 * matter: a hard call would count only the emptiest-looking empty sites
 * and pull the offset down. With little weight on empty or partly filled
 * sites a sublattice's offset stays near its prior (a perfect crystal
 * says little about its empty level, nor needs it). */
static void
refine_mixture (const GArray *sites,
                AlSiteModel  *model)
{
  for (int round = 0; round < AL_SITE_EM_ROUNDS; round++)
    {
      Gather g[2];
      memset (g, 0, sizeof g);
      for (int k = 0; k < 2; k++)
        {
          g[k].host_amp = g_array_new (FALSE, FALSE, sizeof (double));
          g[k].host_breath = g_array_new (FALSE, FALSE, sizeof (double));
        }
      for (guint i = 0; i < sites->len; i++)
        {
          const AlSite *s = &g_array_index (sites, AlSite, i);
          AlSiteHypothesis h[AL_MAX_SPECIES + 1];
          double post[AL_MAX_SPECIES + 1];
          int metal;
          guint n;
          if (!al_site_usable (s))
            continue;
          metal = al_site_is_metal (s);
          n = g[metal].n_hyp = al_site_hypotheses (model, s, h);
          al_site_posterior (model, h, n, s, post);
          gather_site (model, s, h, post, metal, &g[metal]);
        }
      for (int k = 0; k < 2; k++)
        {
          maximise (model, k, &g[k]);
          g_array_unref (g[k].host_amp);
          g_array_unref (g[k].host_breath);
        }
      model->exponent = fit_exponent (model->m, (model->mu[1] - model->offset[1])
                                                  / (model->mu[0] - model->offset[0]));
    }
  g_debug ("sites: breathing sd %g / %g px, slope %g / %g px per unit amplitude, pull %g / %g px "
           "per unit; chalcogen site contents %g %g %g %g %g px",
           sqrt (model->breath_var[0]), sqrt (model->breath_var[1]), model->breath_slope[0],
           model->breath_slope[1], model->breath_pull[0], model->breath_pull[1], model->breath[0][0],
           model->breath[0][1], model->breath[0][2], model->breath[0][3], model->breath[0][4]);
  g_debug ("sites: empty-site offsets chalcogen %g, metal %g; exponent %g; shares chalcogen "
           "%.4f %.4f %.4f %.4f %.4f, metal %.4f %.4f %.4f", model->offset[0], model->offset[1],
           model->exponent, model->weight[0][0], model->weight[0][1], model->weight[0][2],
           model->weight[0][3], model->weight[0][4], model->weight[1][0], model->weight[1][1],
           model->weight[1][2]);
}

/* The model of a frame's sites: references, noise, and (by EM) the empty
 * levels, shares and breathing of each content. FALSE when the frame has
 * too few sites to set the references. */
gboolean
al_site_model_fit (const GArray     *sites,
                   const AlMaterial *m,
                   AlSiteModel      *model)
{
  if (!fit_model (sites, m, model))
    return FALSE;
  init_shares (model);
  refine_mixture (sites, model);
  return TRUE;
}
