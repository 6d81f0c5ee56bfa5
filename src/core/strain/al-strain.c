/* al-strain.c: per-atom strain from a least-squares affine fit of each
 * atom's neighbour vectors to the reference lattice's. */
#include "strain/al-strain.h"

#include <math.h>
#include <string.h>

#include "al-error.h"

/* Label steps beyond this are across a defect, not a neighbour. */
#define AL_STRAIN_MAX_LABEL_STEP 3
/* Measured/ideal length ratios outside this window are mislabelled pairs. */
#define AL_STRAIN_MIN_RATIO 0.6
#define AL_STRAIN_MAX_RATIO 1.6
/* Added to each column's position variance before weighting, px: keeps
 * weights finite when the detection reports no error. */
#define AL_STRAIN_SIGMA_FLOOR_PX 0.02
#define AL_STRAIN_NOISE_FACTOR 1.35
#define AL_STRAIN_TARGET_NOISE 0.0015
#define AL_STRAIN_MIN_RADIUS_A 2.0
#define AL_STRAIN_MAX_RADIUS_A 5.0
/* Fits of the bonded shells: a first one, then refits without outliers. */
#define AL_STRAIN_SHELL_ROUNDS 3
/* In the neighbourhood fit, an atom further than this (fraction of d) from
 * where its label puts it is across a defect and left out. */
#define AL_STRAIN_MAX_MISS_NN 0.35

typedef struct
{
  double s[4];  /* Σ r bᵀ, row-major */
  double t[4];  /* Σ b bᵀ */
  guint  n;
} Accum;

static void
accum_pair (Accum                 *acc,
            const double          *f,
            double                 max_miss,
            const AlAtoms         *atoms,
            const AlHoneycombLabels *labels,
            const AlHoneycomb       *ref,
            guint                  i,
            guint                  j)
{
  int d1 = labels->n1[j] - labels->n1[i], d2 = labels->n2[j] - labels->n2[i];
  int ds = labels->sub[j] - labels->sub[i];
  double bx, by, rx, ry, lb, lr;

  if (labels->sub[j] < 0 || ABS (d1) > AL_STRAIN_MAX_LABEL_STEP || ABS (d2) > AL_STRAIN_MAX_LABEL_STEP)
    return;
  al_honeycomb_vector (ref, d1, d2, ds, &bx, &by);
  rx = atoms->x[j] - atoms->x[i];
  ry = atoms->y[j] - atoms->y[i];
  lb = bx * bx + by * by;
  lr = rx * rx + ry * ry;
  if (lb <= 0.0 || lr < AL_STRAIN_MIN_RATIO * AL_STRAIN_MIN_RATIO * lb
      || lr > AL_STRAIN_MAX_RATIO * AL_STRAIN_MAX_RATIO * lb)
    return;
  if (f != NULL)
    {
      double mx = rx - (f[0] * bx + f[1] * by), my = ry - (f[2] * bx + f[3] * by);
      if (mx * mx + my * my > max_miss * max_miss)
        return;
    }
  acc->s[0] += rx * bx;
  acc->s[1] += rx * by;
  acc->s[2] += ry * bx;
  acc->s[3] += ry * by;
  acc->t[0] += bx * bx;
  acc->t[1] += bx * by;
  acc->t[2] += by * bx;
  acc->t[3] += by * by;
  acc->n++;
}

/* F = S·T⁻¹; FALSE when the neighbour vectors do not span the plane. */
static gboolean
solve_affine (const Accum *acc,
              double       f[4])
{
  double det = acc->t[0] * acc->t[3] - acc->t[1] * acc->t[2];
  double inv[4];

  if (acc->n < 3 || fabs (det) < 1e-9 * (acc->t[0] * acc->t[3] + 1e-300))
    return FALSE;
  inv[0] = acc->t[3] / det;
  inv[1] = -acc->t[1] / det;
  inv[2] = -acc->t[2] / det;
  inv[3] = acc->t[0] / det;
  f[0] = acc->s[0] * inv[0] + acc->s[1] * inv[2];
  f[1] = acc->s[0] * inv[1] + acc->s[1] * inv[3];
  f[2] = acc->s[2] * inv[0] + acc->s[3] * inv[2];
  f[3] = acc->s[2] * inv[1] + acc->s[3] * inv[3];
  return TRUE;
}

/* Polar split F = R(θ)·U: θ from the antisymmetric part, U = R(−θ)·F. */
static void
polar_strain (const double f[4],
              double      *exx,
              double      *eyy,
              double      *exy,
              double      *theta)
{
  double th = atan2 (f[2] - f[1], f[0] + f[3]);
  double c = cos (th), s = sin (th);
  double u00 = c * f[0] + s * f[2], u01 = c * f[1] + s * f[3];
  double u10 = -s * f[0] + c * f[2], u11 = -s * f[1] + c * f[3];

  *exx = u00 - 1.0;
  *eyy = u11 - 1.0;
  *exy = 0.5 * (u01 + u10);
  *theta = th;
}

/* A first guess of the local map: the rotation between the bonds around
 * the atom and the reference lattice's (bond directions repeat every 60°,
 * so the sixfold mean needs no labels). Misoriented grains start right. */
static void
initial_rotation (const AlBonds     *bonds,
                  const AlHoneycomb *lattice,
                  guint              atom,
                  double             f[4])
{
  double c = 0.0, s = 0.0, psi, psi_ref, d;

  for (guint32 h = bonds->offset[atom]; h < bonds->offset[atom + 1]; h++)
    {
      guint j = bonds->neighbour[h];
      for (guint32 g = bonds->offset[j]; g < bonds->offset[j + 1]; g++)
        {
          c += cos (6.0 * bonds->angle[g]);
          s += sin (6.0 * bonds->angle[g]);
        }
    }
  psi = atan2 (s, c) / 6.0;
  psi_ref = atan2 (sin (6.0 * atan2 (lattice->delta[1], lattice->delta[0])),
                   cos (6.0 * atan2 (lattice->delta[1], lattice->delta[0]))) / 6.0;
  d = psi - psi_ref;
  d -= (G_PI / 3.0) * floor (d / (G_PI / 3.0) + 0.5);
  if (c == 0.0 && s == 0.0)
    d = 0.0;
  f[0] = cos (d);
  f[1] = -sin (d);
  f[2] = sin (d);
  f[3] = cos (d);
}

/* The local map F of atom `atom`: the 2×2 matrix (row-major) that takes
 * the ideal vectors of `lattice` to its first and second neighbours. FALSE
 * when too few labelled neighbours. */
gboolean
al_strain_local_map (const AlAtoms         *atoms,
                     const AlBonds         *bonds,
                     const AlHoneycombLabels *labels,
                     const AlHoneycomb       *lattice,
                     guint                  atom,
                     double                 f[4])
{
  double max_miss = AL_STRAIN_MAX_MISS_NN * bonds->nn_px;

  if (labels->sub[atom] < 0)
    return FALSE;
  initial_rotation (bonds, lattice, atom, f);
  /* First neighbours, and second neighbours through them: in a honeycomb
   * three bonds alone barely fix four unknowns. Each round keeps the pairs
   * the previous map explains: labels that went round a dislocation differ
   * by its Burgers vector, and a lattice vector is far more than any
   * strain. */
  for (int round = 0; round < AL_STRAIN_SHELL_ROUNDS; round++)
    {
      Accum acc = { { 0 }, { 0 }, 0 };
      double prev[4];
      memcpy (prev, f, sizeof prev);
      for (guint32 h = bonds->offset[atom]; h < bonds->offset[atom + 1]; h++)
        {
          guint j = bonds->neighbour[h];
          accum_pair (&acc, prev, max_miss, atoms, labels, lattice, atom, j);
          for (guint32 g = bonds->offset[j]; g < bonds->offset[j + 1]; g++)
            if (bonds->neighbour[g] != atom)
              accum_pair (&acc, prev, max_miss, atoms, labels, lattice, atom, bonds->neighbour[g]);
        }
      if (!solve_affine (&acc, f))
        return round > 0;
    }
  return TRUE;
}

typedef struct
{
  const AlAtoms         *atoms;
  const AlHoneycombLabels *labels;
  const AlHoneycomb       *lattice;
  guint                  atom;
  double                 f0[4];
  double                 max_miss;   /* px */
  /* Sums for a centred fit r = t + F·b. */
  double                 sr[2], sb[2], srb[4], sbb[4], sw;
  guint                  n;
} Region;

static gboolean
region_visit (guint    j,
              double   d2,
              gpointer user_data)
{
  Region *g = user_data;
  const AlHoneycombLabels *l = g->labels;
  guint i = g->atom;
  double bx, by, rx, ry, px, py;

  if (l->sub[j] < 0)
    return TRUE;
  al_honeycomb_vector (g->lattice, l->n1[j] - l->n1[i], l->n2[j] - l->n2[i], l->sub[j] - l->sub[i], &bx, &by);
  rx = g->atoms->x[j] - g->atoms->x[i];
  ry = g->atoms->y[j] - g->atoms->y[i];
  px = g->f0[0] * bx + g->f0[1] * by;
  py = g->f0[2] * bx + g->f0[3] * by;
  /* A label that disagrees with where the atom is lies across a defect. */
  if ((rx - px) * (rx - px) + (ry - py) * (ry - py) > g->max_miss * g->max_miss)
    return TRUE;
  /* Weighted by the inverse variance of the column's position, when the
   * detection gave one: a faint S2 column is placed less well than Mo. */
  {
    double sx = g->atoms->sigma_x[j], sy = g->atoms->sigma_y[j];
    double w = 1.0 / (sx * sx + sy * sy + AL_STRAIN_SIGMA_FLOOR_PX * AL_STRAIN_SIGMA_FLOOR_PX);
    g->sw += w;
    g->sr[0] += w * rx;
    g->sr[1] += w * ry;
    g->sb[0] += w * bx;
    g->sb[1] += w * by;
    g->srb[0] += w * rx * bx;
    g->srb[1] += w * rx * by;
    g->srb[2] += w * ry * bx;
    g->srb[3] += w * ry * by;
    g->sbb[0] += w * bx * bx;
    g->sbb[1] += w * bx * by;
    g->sbb[2] += w * by * bx;
    g->sbb[3] += w * by * by;
  }
  g->n++;
  return TRUE;
}

/* Refines F over every labelled atom within `radius_px`, fitting a
 * translation too, so the centre atom's own position error does not bias
 * the slope. The noise of F falls as 1/radius². */
static gboolean
local_map_region (const AlAtoms         *atoms,
                  const AlBonds         *bonds,
                  const AlCellGrid      *grid,
                  const AlHoneycombLabels *labels,
                  const AlHoneycomb       *lattice,
                  guint                  atom,
                  double                 radius_px,
                  double                 f[4])
{
  Region g = { atoms, labels, lattice, atom, { f[0], f[1], f[2], f[3] },
               AL_STRAIN_MAX_MISS_NN * bonds->nn_px, { 0 }, { 0 }, { 0 }, { 0 }, 0.0, 0 };
  Accum acc = { { 0 }, { 0 }, 0 };

  al_cell_grid_query (grid, atoms->x[atom], atoms->y[atom], radius_px, region_visit, &g);
  if (g.n < 4)
    return FALSE;
  for (int k = 0; k < 4; k++)
    {
      int r = k / 2, c = k % 2;
      acc.s[k] = g.srb[k] - g.sr[r] * g.sb[c] / g.sw;
      acc.t[k] = g.sbb[k] - g.sb[r] * g.sb[c] / g.sw;
    }
  acc.n = g.n;
  return solve_affine (&acc, f);
}

static void
choose_reference (AlStrain         *strain,
                  const AlMaterial *material,
                  double            pixel_size_nm,
                  AlStrainReference reference)
{
  AlHoneycomb ideal;
  double a0, det, f[4], inv[4], exx, eyy, exy, theta;

  if (reference == AL_STRAIN_REFERENCE_AUTO)
    reference = material != NULL && pixel_size_nm > 0.0 ? AL_STRAIN_REFERENCE_MATERIAL
                                                        : AL_STRAIN_REFERENCE_FIT;
  if (reference == AL_STRAIN_REFERENCE_MATERIAL && (material == NULL || pixel_size_nm <= 0.0))
    reference = AL_STRAIN_REFERENCE_FIT;
  strain->reference_used = reference;
  if (reference == AL_STRAIN_REFERENCE_FIT)
    {
      strain->reference = strain->fit;
      return;
    }
  /* Turn the ideal lattice to the orientation of the fitted one: the
   * rotation part of A_fit · A_ideal⁻¹. */
  a0 = material->a_nm / pixel_size_nm;
  al_honeycomb_ideal (&ideal, a0, 0.0);
  det = ideal.a1[0] * ideal.a2[1] - ideal.a2[0] * ideal.a1[1];
  inv[0] = ideal.a2[1] / det;
  inv[1] = -ideal.a2[0] / det;
  inv[2] = -ideal.a1[1] / det;
  inv[3] = ideal.a1[0] / det;
  f[0] = strain->fit.a1[0] * inv[0] + strain->fit.a2[0] * inv[2];
  f[1] = strain->fit.a1[0] * inv[1] + strain->fit.a2[0] * inv[3];
  f[2] = strain->fit.a1[1] * inv[0] + strain->fit.a2[1] * inv[2];
  f[3] = strain->fit.a1[1] * inv[1] + strain->fit.a2[1] * inv[3];
  polar_strain (f, &exx, &eyy, &exy, &theta);
  al_honeycomb_ideal (&strain->reference, a0, theta);
  memcpy (strain->reference.origin, strain->fit.origin, sizeof strain->fit.origin);
}

static AlStrain *
strain_alloc (guint n)
{
  AlStrain *strain = g_new0 (AlStrain, 1);

  strain->n_atoms = n;
  strain->exx = g_new (float, n + 1);
  strain->eyy = g_new (float, n + 1);
  strain->exy = g_new (float, n + 1);
  strain->rotation = g_new (float, n + 1);
  strain->ux = g_new (float, n + 1);
  strain->uy = g_new (float, n + 1);
  return strain;
}

static void
fill_lattice_figures (AlStrain *strain)
{
  const AlHoneycomb *l = &strain->fit;
  double dot = l->a1[0] * l->a2[0] + l->a1[1] * l->a2[1];

  strain->a1_px = hypot (l->a1[0], l->a1[1]);
  strain->a2_px = hypot (l->a2[0], l->a2[1]);
  strain->a_px = 0.5 * (strain->a1_px + strain->a2_px);
  strain->gamma_deg = acos (CLAMP (dot / (strain->a1_px * strain->a2_px), -1.0, 1.0)) * 180.0 / G_PI;
}

/* The neighbourhood radius (in a) that brings the per-atom strain noise
 * down to AL_STRAIN_TARGET_NOISE. For positions with an error σ per
 * coordinate, a least-squares fit over a disc of radius R of a honeycomb
 * (2.31/a² columns per area) has a noise of about (σ/a) / (1.35 (R/a)²);
 * σ comes from the residual of the lattice fit (√2 σ for two coordinates),
 * which over-states it where the lattice is really displaced. */
static double
auto_radius_a (double fit_rms_px,
               double a_px)
{
  double sigma_a = fit_rms_px / (G_SQRT2 * a_px);
  double r = sqrt (sigma_a / (AL_STRAIN_NOISE_FACTOR * AL_STRAIN_TARGET_NOISE));

  return CLAMP (r, AL_STRAIN_MIN_RADIUS_A, AL_STRAIN_MAX_RADIUS_A);
}

/* Fills the per-atom fields of `strain`, whose fit, reference and radius
 * are set. */
static void
fill_atoms (AlStrain                *strain,
            const AlAtoms           *atoms,
            const AlBonds           *bonds,
            const AlHoneycombLabels *labels)
{
  double a_ref = al_honeycomb_constant (&strain->reference);
  double radius_px = strain->radius_a * a_ref, sum_a = 0.0, sum_a2 = 0.0;
  g_autoptr (AlCellGrid) region_grid = NULL;

  /* Cells half the neighbourhood wide: a query then scans 3×3 to 4×4 well
   * filled cells instead of dozens of near-empty bond-sized ones. */
  if (radius_px > 0.0)
    region_grid = al_cell_grid_new (atoms->x, atoms->y, atoms->n_atoms, 0.5 * radius_px);
  strain->n_valid = 0;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double f[4], exx, eyy, exy, theta;

      strain->exx[i] = strain->eyy[i] = strain->exy[i] = strain->rotation[i] = NAN;
      strain->ux[i] = strain->uy[i] = NAN;
      if (labels->sub[i] < 0)
        continue;
      {
        double sx, sy;
        al_honeycomb_site (&strain->fit, labels->n1[i], labels->n2[i], labels->sub[i], &sx, &sy);
        strain->ux[i] = (float) (atoms->x[i] - sx);
        strain->uy[i] = (float) (atoms->y[i] - sy);
      }
      if (!al_strain_local_map (atoms, bonds, labels, &strain->reference, i, f))
        continue;
      if (radius_px > 0.0)
        local_map_region (atoms, bonds, region_grid, labels, &strain->reference, i, radius_px, f);
      polar_strain (f, &exx, &eyy, &exy, &theta);
      strain->exx[i] = (float) exx;
      strain->eyy[i] = (float) eyy;
      strain->exy[i] = (float) exy;
      strain->rotation[i] = (float) (theta * 180.0 / G_PI);
      {
        double a_local = a_ref * sqrt (fabs (f[0] * f[3] - f[1] * f[2]));
        sum_a += a_local;
        sum_a2 += a_local * a_local;
      }
      strain->n_valid++;
    }
  if (strain->n_valid > 1)
    {
      double mean = sum_a / strain->n_valid;
      strain->a_local_spread_px = sqrt (MAX (0.0, sum_a2 / strain->n_valid - mean * mean));
    }
}

/* Strain and displacement of every labelled atom. */
AlStrain *
al_strain_compute (const AlAtoms         *atoms,
                   const AlBonds         *bonds,
                   const AlHoneycombLabels *labels,
                   const AlMaterial      *material,
                   double                 pixel_size_nm,
                   const AlStrainParams  *params,
                   GError               **error)
{
  g_autoptr (AlStrain) strain = strain_alloc (atoms->n_atoms);
  const AlPolygon *region = params && params->region.n_vertices >= 3 ? &params->region : NULL;
  double a_ref;

  if (!al_honeycomb_fit (atoms, labels, region, &strain->fit, &strain->fit_rms_px, error))
    return NULL;
  fill_lattice_figures (strain);
  choose_reference (strain, material, pixel_size_nm,
                    params ? params->reference : AL_STRAIN_REFERENCE_AUTO);
  a_ref = al_honeycomb_constant (&strain->reference);
  strain->radius_a = params && params->radius_a > 0.0 ? params->radius_a
                                                       : auto_radius_a (strain->fit_rms_px, a_ref);
  if (params && params->radius_a < 0.0)
    strain->radius_a = 0.0;
  fill_atoms (strain, atoms, bonds, labels);
  return g_steal_pointer (&strain);
}

/* Strain of `atoms` measured as `like` was: against its fitted and
 * reference lattices and over its neighbourhood radius, with nothing fitted
 * anew (part of a field, recomputed after an edit: its atoms then get the
 * values the whole field's measurement gives them). The figures of the
 * lattice are like's; a_local_spread_px and n_valid are these atoms'. */
AlStrain *
al_strain_compute_like (const AlAtoms           *atoms,
                        const AlBonds           *bonds,
                        const AlHoneycombLabels *labels,
                        const AlStrain          *like)
{
  AlStrain *strain = strain_alloc (atoms->n_atoms);

  strain->fit = like->fit;
  strain->reference = like->reference;
  strain->reference_used = like->reference_used;
  strain->fit_rms_px = like->fit_rms_px;
  strain->radius_a = like->radius_a;
  fill_lattice_figures (strain);
  fill_atoms (strain, atoms, bonds, labels);
  return strain;
}

void
al_strain_free (AlStrain *strain)
{
  if (strain == NULL)
    return;
  g_free (strain->exx);
  g_free (strain->eyy);
  g_free (strain->exy);
  g_free (strain->rotation);
  g_free (strain->ux);
  g_free (strain->uy);
  g_free (strain);
}

/* Mean and standard deviation over the atoms with a strain of exx, eyy,
 * exy and rotation, in that order (arrays of four). */
void
al_strain_stats (const AlStrain *strain,
                 double         *mean,
                 double         *sd)
{
  const float *fields[4] = { strain->exx, strain->eyy, strain->exy, strain->rotation };

  for (int f = 0; f < 4; f++)
    {
      double s = 0.0, s2 = 0.0;
      guint n = 0;
      for (guint i = 0; i < strain->n_atoms; i++)
        if (!isnan (fields[f][i]))
          {
            s += fields[f][i];
            s2 += (double) fields[f][i] * fields[f][i];
            n++;
          }
      mean[f] = n ? s / n : 0.0;
      sd[f] = n > 1 ? sqrt (MAX (0.0, s2 / n - mean[f] * mean[f])) : 0.0;
    }
}
