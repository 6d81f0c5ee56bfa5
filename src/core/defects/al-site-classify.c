/* al-site-classify.c: lattice sites read as empty, S, S2, metal… */
#include "defects/al-site-classify.h"

#include <math.h>

#include "defects/al-empty-sites.h"
#include "defects/al-site-intensity.h"
#include "graph/al-cell-grid.h"
#include "graph/al-select.h"

/* Host references are medians over this radius, in lattice constants a
 * (about 30 sites of each sublattice). */
#define AL_SITE_REFERENCE_RADIUS_A 3.0
#define AL_SITE_MIN_REFERENCES 5
/* A site is placed by its neighbours when it has at least this many. */
#define AL_SITE_MIN_NEIGHBOURS 2
/* A site is fitted together with the found columns within this radius
 * (in bond lengths d: its nearest neighbours), except one within the
 * second radius, which is the site's own column. */
#define AL_SITE_NEIGHBOUR_RADIUS_NN 1.3
#define AL_SITE_OWN_RADIUS_NN 0.5
/* Prior probability of each defect content at a site (the simulated and
 * reported densities are 0.1–2 % of sites). */
#define AL_SITE_DEFECT_PRIOR 0.01
/* A site is called a defect when that is at least 1/this as probable as
 * the host content (posterior odds). 1 is the maximum posterior: with the
 * neighbouring columns fitted (al-site-intensity.h) it gives precision
 * and recall alike, where odds of 3 put V_S2 recall 0.2–0.4 above its
 * precision (MoS2 and WS2 at 10⁴ e⁻/Å²). */
#define AL_SITE_DEFECT_ODDS 1.0
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
#define AL_SITE_PARTIAL_CONTENT 0.75
/* Floor of a content's share, so that no content is ruled out. */
#define AL_SITE_MIN_SHARE 1e-4

typedef struct
{
  double x, y;
  double angle;     /* a bond direction, rad */
  double amp;       /* NAN: not measurable (frame border) */
  double ref_same;  /* median amplitude of the same sublattice around it */
  double ref_other;
  double breath;    /* mean distance of its three neighbours from their
                     * centroid, less the median of the same sublattice
                     * around it (px); NAN: not three neighbours */
  gint32 atom;      /* -1: an empty lattice site */
  gint32 empty;     /* index into the empty sites, or -1 */
  gint8  sub;
} Site;

typedef struct
{
  double       mean;
  double       content;  /* Σ Zⁿ relative to the host of the reference used */
  int          species;  /* -1: empty */
  AlDefectType type;
} Hypothesis;

/* Amplitudes read as offset + scale·Σ Zⁿ per sublattice: the offset is
 * what an empty site of that sublattice reads. With the neighbouring
 * columns fitted it is near zero, but what the fit leaves of the probe
 * tails and of the neighbours' relaxation around a vacancy is learnt from
 * the image rather than assumed. */
typedef struct
{
  const AlMaterial *m;
  double            exponent;
  double            v0, g;      /* amplitude variance v0 + g·mean */
  double            mu[2];      /* median host amplitude: [0] chalcogen, [1] metal */
  double            offset[2];  /* empty-site amplitude, same order */
  /* Share of each content among the sites of a sublattice (the order of
   * hypotheses()), learnt from the image: the prior of the decision. */
  double            weight[2][AL_MAX_SPECIES + 1];
  /* How far the neighbours of each content move in (negative) or out,
   * learnt from the image, and the spread of that measure (px²). */
  double            breath[2][AL_MAX_SPECIES + 1];
  double            breath_var[2];
} Model;

static gboolean
touches_excluded (const AlBonds *bonds,
                  const guint8  *excluded,
                  guint          i)
{
  if (excluded == NULL)
    return FALSE;
  if (excluded[i])
    return TRUE;
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    if (excluded[bonds->neighbour[h]])
      return TRUE;
  return FALSE;
}

/* Where the neighbours put a site: each bonded neighbour, one ideal bond
 * away along the bond direction nearest its own. A faint column's found
 * position leans towards the noise that made it stand out (and so does
 * the amplitude read there); its neighbours' positions do not. */
static void
lattice_position (Site         *s,
                  const double *vx,
                  const double *vy,
                  guint         n,
                  double        nn)
{
  double sx = 0.0, sy = 0.0;

  if (n < AL_SITE_MIN_NEIGHBOURS)
    return;
  for (guint k = 0; k < n; k++)
    {
      double phi = atan2 (vy[k], vx[k]), best = s->angle, dmin = G_MAXDOUBLE;
      for (int q = 0; q < 3; q++)
        {
          double u = s->angle + q * 2.0 * G_PI / 3.0;
          double d = fabs (remainder (phi - u, 2.0 * G_PI));
          if (d < dmin)
            {
              dmin = d;
              best = u;
            }
        }
      sx += vx[k] - nn * cos (best);
      sy += vy[k] - nn * sin (best);
    }
  s->x += sx / n;
  s->y += sy / n;
}

static GArray *
collect_sites (const AlAtoms           *atoms,
               const AlBonds           *bonds,
               const AlHoneycombLabels *labels,
               const GArray            *empty_sites,
               const guint8            *excluded)
{
  GArray *sites = g_array_new (FALSE, FALSE, sizeof (Site));
  /* Bonds from sublattice 0 point along theta + 30° (al-honeycomb.h). */
  double fallback[2] = { labels->theta + G_PI / 6.0, labels->theta + G_PI / 6.0 + G_PI };
  double vx[AL_EMPTY_SITE_MAX_VOTERS + 8], vy[AL_EMPTY_SITE_MAX_VOTERS + 8];

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      Site s = { atoms->x[i], atoms->y[i], 0.0, NAN, NAN, NAN, NAN, (gint32) i, -1, labels->sub[i] };
      guint n = 0;
      if (s.sub < 0 || touches_excluded (bonds, excluded, i))
        continue;
      for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1] && n < G_N_ELEMENTS (vx); h++)
        {
          guint j = bonds->neighbour[h];
          if (labels->sub[j] != 1 - s.sub)
            continue;
          vx[n] = atoms->x[j] - s.x;
          vy[n++] = atoms->y[j] - s.y;
        }
      s.angle = al_site_bond_angle (vx, vy, n, fallback[s.sub]);
      lattice_position (&s, vx, vy, n, bonds->nn_px);
      g_array_append_val (sites, s);
    }
  for (guint e = 0; e < empty_sites->len; e++)
    {
      const AlEmptySite *es = &g_array_index (empty_sites, AlEmptySite, e);
      Site s = { es->x, es->y, 0.0, NAN, NAN, NAN, NAN, -1, (gint32) e, es->sub };
      guint n_excluded = 0;
      for (guint k = 0; k < es->n_voters; k++)
        {
          n_excluded += excluded != NULL && excluded[es->voters[k]];
          vx[k] = atoms->x[es->voters[k]] - s.x;
          vy[k] = atoms->y[es->voters[k]] - s.y;
        }
      if (s.sub < 0 || 2 * n_excluded > es->n_voters)
        continue;
      s.angle = al_site_bond_angle (vx, vy, es->n_voters, fallback[s.sub]);
      g_array_append_val (sites, s);
    }
  return sites;
}

typedef struct
{
  const Site *sites;
  guint       self;
  GArray     *same;
  GArray     *other;
  GArray     *breath;
} RefQuery;

static gboolean
ref_visit (guint    j,
           double   d2,
           gpointer user_data)
{
  RefQuery *q = user_data;
  const Site *s = &q->sites[j];

  (void) d2;
  if (j != q->self && s->sub == q->sites[q->self].sub && isfinite (s->breath))
    g_array_append_val (q->breath, s->breath);
  if (j == q->self || !isfinite (s->amp))
    return TRUE;
  g_array_append_val (s->sub == q->sites[q->self].sub ? q->same : q->other, s->amp);
  return TRUE;
}

typedef struct
{
  const AlAtoms *atoms;
  double         own2;  /* squared distance within which a column is the site's own */
  double         nx[AL_SITE_MAX_NEIGHBOURS], ny[AL_SITE_MAX_NEIGHBOURS];
  guint          n;
} NeighbourQuery;

static gboolean
neighbour_visit (guint    j,
                 double   d2,
                 gpointer user_data)
{
  NeighbourQuery *q = user_data;

  if (d2 <= q->own2)
    return TRUE;
  q->nx[q->n] = q->atoms->x[j];
  q->ny[q->n] = q->atoms->y[j];
  return ++q->n < AL_SITE_MAX_NEIGHBOURS;
}

static double
median_of (GArray *v)
{
  return v->len >= AL_SITE_MIN_REFERENCES ? al_select_median ((double *) v->data, v->len) : NAN;
}

/* Mean distance of a site's three neighbouring columns from their
 * centroid: the breathing of the triangle, which does not depend on where
 * the site itself is put. Around a vacancy the neighbours move in. */
static double
triangle_size (const NeighbourQuery *q)
{
  double cx, cy;

  if (q->n != 3)
    return NAN;
  cx = (q->nx[0] + q->nx[1] + q->nx[2]) / 3.0;
  cy = (q->ny[0] + q->ny[1] + q->ny[2]) / 3.0;
  return (hypot (q->nx[0] - cx, q->ny[0] - cy) + hypot (q->nx[1] - cx, q->ny[1] - cy)
          + hypot (q->nx[2] - cx, q->ny[2] - cy)) / 3.0;
}

/* Each site's amplitude, fitted with the found columns around it (the
 * site's own found column, if any, is not one of them: the site is read
 * at its lattice position), then the references around each site. */
static void
measure_sites (GArray            *sites,
               const AlAtoms     *atoms,
               const AlSiteImage *img,
               double             a_px)
{
  Site *s = (Site *) sites->data;
  guint n = sites->len;
  double nn = img->nn_px;
  g_autofree double *x = g_new (double, n + 1);
  g_autofree double *y = g_new (double, n + 1);
  g_autoptr (AlCellGrid) grid = NULL;
  g_autoptr (AlCellGrid) atom_grid = al_cell_grid_new (atoms->x, atoms->y, atoms->n_atoms,
                                                       AL_SITE_NEIGHBOUR_RADIUS_NN * nn);
  RefQuery q = { s, 0, g_array_new (FALSE, FALSE, sizeof (double)),
                 g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autofree double *breath = g_new (double, n + 1);

  for (guint i = 0; i < n; i++)
    {
      NeighbourQuery nq = { atoms, pow (AL_SITE_OWN_RADIUS_NN * nn, 2), { 0 }, { 0 }, 0 };
      x[i] = s[i].x;
      y[i] = s[i].y;
      al_cell_grid_query (atom_grid, s[i].x, s[i].y, AL_SITE_NEIGHBOUR_RADIUS_NN * nn, neighbour_visit, &nq);
      s[i].amp = al_site_amplitude (img, s[i].x, s[i].y, nq.nx, nq.ny, nq.n);
      s[i].breath = triangle_size (&nq);
    }
  grid = al_cell_grid_new (x, y, n, AL_SITE_REFERENCE_RADIUS_A * a_px);
  for (guint i = 0; i < n; i++)
    {
      q.self = i;
      g_array_set_size (q.same, 0);
      g_array_set_size (q.other, 0);
      g_array_set_size (q.breath, 0);
      al_cell_grid_query (grid, s[i].x, s[i].y, AL_SITE_REFERENCE_RADIUS_A * a_px, ref_visit, &q);
      s[i].ref_same = median_of (q.same);
      s[i].ref_other = median_of (q.other);
      breath[i] = s[i].breath - median_of (q.breath);
    }
  /* Relative to the sites around (strain changes the triangles' size). */
  for (guint i = 0; i < n; i++)
    s[i].breath = breath[i];
  g_array_unref (q.same);
  g_array_unref (q.other);
  g_array_unref (q.breath);
}

static gboolean
usable (const Site *s)
{
  return isfinite (s->amp) && isfinite (s->ref_same) && isfinite (s->ref_other)
         && MAX (s->ref_same, s->ref_other) > 0.0;
}

/* A metal site is one whose sublattice is the brighter around it (in
 * every TMD the metal column outshines the chalcogen pair). */
static gboolean
is_metal_site (const Site *s)
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

static gboolean
fit_model (const GArray     *sites,
           const AlMaterial *m,
           Model            *model)
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
      const Site *s = &g_array_index (sites, Site, i);
      int metal;
      double r, d;
      if (!usable (s) || MIN (s->ref_same, s->ref_other) <= 0.0)
        continue;
      metal = is_metal_site (s);
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
      model->breath_var[k] = robust_var (breath[k]);
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
static guint
hypotheses (const Model *model,
            const Site  *s,
            Hypothesis  *h)
{
  const AlMaterial *m = model->m;
  gboolean metal_site = is_metal_site (s);
  double ref_m = metal_site ? s->ref_same : s->ref_other;
  double ref_x = metal_site ? s->ref_other : s->ref_same;
  double off = model->offset[metal_site];
  /* Scale per unit of host content, read from the local references. */
  double scale_m = ref_m - model->offset[1], scale_x = ref_x - model->offset[0];
  const AlSpecies *host_m = &m->species[m->site_species[0]];
  const AlSpecies *host_x = &m->species[m->site_species[1]];
  double n = model->exponent;
  guint count = 0;

  h[count++] = (Hypothesis) { off, 0.0, -1, metal_site ? AL_DEFECT_V_MO : AL_DEFECT_V_S2 };
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
      h[count++] = (Hypothesis) { off + (metal ? scale_m : scale_x) * content,
                                  metal == metal_site ? content : NAN, (int) k, type };
    }
  return count;
}

/* Log of prior × likelihood of content k: the amplitude under the Poisson
 * variance, and the breathing of the neighbours' triangle where measured. */
static double
log_score (const Model      *model,
           const Hypothesis *h,
           guint             k,
           gboolean          metal_site,
           const Site       *s)
{
  double v = model->v0 + model->g * MAX (h[k].mean, 0.0);
  double d = s->amp - h[k].mean;
  double score = -0.5 * d * d / v - 0.5 * log (v) + log (model->weight[metal_site][k]);
  double vb = model->breath_var[metal_site];

  if (isfinite (s->breath) && vb > 0.0)
    {
      double db = s->breath - model->breath[metal_site][k];
      score -= 0.5 * db * db / vb;
    }
  return score;
}

static const Hypothesis *
most_probable (const Model      *model,
               const Hypothesis *h,
               guint             n,
               gboolean          metal_site,
               const Site       *s)
{
  const Hypothesis *best = NULL;
  double best_score = -INFINITY;

  for (guint k = 0; k < n; k++)
    {
      double score = log_score (model, h, k, metal_site, s)
                     + (h[k].type != AL_DEFECT_NONE ? log (AL_SITE_DEFECT_ODDS) : 0.0);
      if (score > best_score)
        {
          best_score = score;
          best = &h[k];
        }
    }
  return best;
}

/* The hypothesis a site's found species stands for (hand-set species, and
 * sites the image cannot be read at). */
static const Hypothesis *
by_species (const Hypothesis *h,
            guint             n,
            int               species)
{
  for (guint k = 0; k < n; k++)
    if (h[k].species == species)
      return &h[k];
  return NULL;
}

/* Start: every defect content at AL_SITE_DEFECT_PRIOR, the host at 1. */
static void
init_shares (Model *model)
{
  for (int metal = 0; metal < 2; metal++)
    {
      Site probe = { 0 };
      Hypothesis h[AL_MAX_SPECIES + 1];
      guint n;
      probe.ref_same = metal ? 2.0 : 1.0;
      probe.ref_other = metal ? 1.0 : 2.0;
      n = hypotheses (model, &probe, h);
      for (guint k = 0; k < n; k++)
        {
          model->weight[metal][k] = h[k].type == AL_DEFECT_NONE ? 1.0 : AL_SITE_DEFECT_PRIOR;
          model->breath[metal][k] = 0.0;
        }
    }
}

/* The empty-site offsets and the share of each content, by expectation–
 * maximisation over all sites: each site's posterior over its contents
 * weighs what it says about the offset (a = offset·(1 − c) + ref·c for
 * content c) and the shares. Soft weights matter: a hard call would count
 * only the emptiest-looking empty sites and pull the offset down. With
 * little weight on empty or partly filled sites a sublattice's offset
 * stays near its prior (a perfect crystal says little about its empty
 * level, nor needs it). */
static void
refine_mixture (const GArray *sites,
                Model        *model)
{
  for (int round = 0; round < AL_SITE_EM_ROUNDS; round++)
    {
      double num[2] = { 0.0, 0.0 }, den[2] = { 0.0, 0.0 }, total[2] = { 0.0, 0.0 };
      double share[2][AL_MAX_SPECIES + 1] = { { 0.0 } };
      double b_num[2][AL_MAX_SPECIES + 1] = { { 0.0 } }, b_den[2][AL_MAX_SPECIES + 1] = { { 0.0 } };
      guint n_hyp[2] = { 0, 0 };
      gboolean partial[2][AL_MAX_SPECIES + 1] = { { FALSE } };
      for (guint i = 0; i < sites->len; i++)
        {
          const Site *s = &g_array_index (sites, Site, i);
          Hypothesis h[AL_MAX_SPECIES + 1];
          double lp[AL_MAX_SPECIES + 1], top = -INFINITY, z = 0.0;
          int metal;
          guint n;
          if (!usable (s))
            continue;
          metal = is_metal_site (s);
          n = n_hyp[metal] = hypotheses (model, s, h);
          for (guint k = 0; k < n; k++)
            top = MAX (top, lp[k] = log_score (model, h, k, metal, s));
          for (guint k = 0; k < n; k++)
            z += lp[k] = exp (lp[k] - top);
          for (guint k = 0; k < n; k++)
            {
              double r = lp[k] / z, c = h[k].content;
              share[metal][k] += r;
              partial[metal][k] = h[k].species < 0 || (isfinite (c) && c < AL_SITE_PARTIAL_CONTENT);
              if (isfinite (s->breath))
                {
                  b_num[metal][k] += r * s->breath;
                  b_den[metal][k] += r;
                }
              if (isfinite (c) && c < AL_SITE_PARTIAL_CONTENT)
                {
                  num[metal] += r * (1.0 - c) * (s->amp - s->ref_same * c);
                  den[metal] += r * (1.0 - c) * (1.0 - c);
                }
            }
          total[metal] += 1.0;
        }
      for (int k = 0; k < 2; k++)
        {
          /* Empty and partly filled sites share one breathing: the
           * amplitude tells them apart, and alone each is too rare (and
           * too often taken for the other) to learn its own. */
          double pn = 0.0, pd = 0.0;
          for (guint q = 0; q < n_hyp[k]; q++)
            if (partial[k][q])
              {
                pn += b_num[k][q];
                pd += b_den[k][q];
              }
          for (guint q = 0; q < n_hyp[k]; q++)
            if (partial[k][q])
              {
                b_num[k][q] = pn;
                b_den[k][q] = pd;
              }
          model->offset[k] = num[k] / (den[k] + AL_SITE_OFFSET_PRIOR_SITES);
          for (guint q = 0; q < n_hyp[k] && total[k] > 0; q++)
            {
              model->weight[k][q] = CLAMP (share[k][q] / total[k], AL_SITE_MIN_SHARE, 1.0);
              model->breath[k][q] = b_num[k][q] / (b_den[k][q] + AL_SITE_BREATH_PRIOR_SITES);
            }
        }
      model->exponent = fit_exponent (model->m, (model->mu[1] - model->offset[1])
                                                  / (model->mu[0] - model->offset[0]));
    }
  g_debug ("sites: breathing sd %g / %g px; chalcogen site contents %g %g %g %g %g px",
           sqrt (model->breath_var[0]), sqrt (model->breath_var[1]), model->breath[0][0],
           model->breath[0][1], model->breath[0][2], model->breath[0][3], model->breath[0][4]);
  g_debug ("sites: empty-site offsets chalcogen %g, metal %g; exponent %g; shares chalcogen "
           "%.4f %.4f %.4f %.4f %.4f, metal %.4f %.4f %.4f", model->offset[0], model->offset[1],
           model->exponent, model->weight[0][0], model->weight[0][1], model->weight[0][2],
           model->weight[0][3], model->weight[0][4], model->weight[1][0], model->weight[1][1],
           model->weight[1][2]);
}

static void
emit (AlAtoms           *atoms,
      const AlBonds     *bonds,
      const AlHoneycombLabels *labels,
      const GArray      *empty_sites,
      const Site        *s,
      const Hypothesis  *h,
      guint              frame,
      AlDefects         *defects)
{
  guint32 members[AL_EMPTY_SITE_MAX_VOTERS + 8];
  guint n = 0;

  if (s->atom >= 0 && h->species >= 0 && !(atoms->flags[s->atom] & AL_ATOM_CLASS_BY_HAND))
    atoms->species[s->atom] = (gint16) h->species;
  if (h->type == AL_DEFECT_NONE)
    return;
  if (s->atom >= 0 && h->species >= 0)
    members[n++] = (guint32) s->atom;
  else if (s->atom >= 0)
    {
      /* An atom found where the image shows an empty site: the vacancy's
       * members are its neighbours, as for any vacancy. */
      for (guint32 e = bonds->offset[s->atom]; e < bonds->offset[s->atom + 1] && n < G_N_ELEMENTS (members); e++)
        if (labels->sub[bonds->neighbour[e]] == 1 - s->sub)
          members[n++] = bonds->neighbour[e];
    }
  else
    {
      const AlEmptySite *es = &g_array_index (empty_sites, AlEmptySite, s->empty);
      for (guint k = 0; k < es->n_voters; k++)
        members[n++] = es->voters[k];
    }
  al_defects_add (defects, h->type, frame, s->x, s->y, members, n);
}

/* Classifies every site and adds its defects. FALSE (nothing added) when
 * the image has too few sites to set the references. */
gboolean
al_site_defects_find (AlAtoms                 *atoms,
                      const AlBonds           *bonds,
                      const AlHoneycombLabels *labels,
                      const GArray            *empty_sites,
                      const AlMaterial        *m,
                      const guint8            *excluded,
                      const AlSiteFrame       *image,
                      guint                    frame,
                      AlDefects               *defects)
{
  double nn = bonds->nn_px;
  AlSiteImage img = { image->frame, image->width, image->height, al_site_column_sigma (atoms, nn), nn };
  g_autoptr (GArray) sites = NULL;
  Model model;

  if (m == NULL || !m->is_tmd || nn <= 0.0 || image->frame == NULL)
    return FALSE;
  sites = collect_sites (atoms, bonds, labels, empty_sites, excluded);
  measure_sites (sites, atoms, &img, sqrt (3.0) * nn);
  if (!fit_model (sites, m, &model))
    return FALSE;
  init_shares (&model);
  refine_mixture (sites, &model);
  for (guint i = 0; i < sites->len; i++)
    {
      const Site *s = &g_array_index (sites, Site, i);
      Hypothesis h[AL_MAX_SPECIES + 1];
      const Hypothesis *best = NULL;
      guint n;
      if (!isfinite (s->ref_same) || !isfinite (s->ref_other))
        continue;
      n = hypotheses (&model, s, h);
      if (s->atom >= 0 && ((atoms->flags[s->atom] & AL_ATOM_CLASS_BY_HAND) || !isfinite (s->amp)))
        best = by_species (h, n, atoms->species[s->atom]);
      else if (isfinite (s->amp))
        best = most_probable (&model, h, n, is_metal_site (s), s);
      else
        best = &h[0];   /* an empty site at the border: a vacancy by its neighbours */
      if (best != NULL)
        emit (atoms, bonds, labels, empty_sites, s, best, frame, defects);
    }
  return TRUE;
}
