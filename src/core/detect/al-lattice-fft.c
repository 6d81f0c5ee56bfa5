/* al-lattice-fft.c: lattice period and orientation from the power spectrum.
 *
 * The image (a central square, Hann-windowed) is Fourier transformed with
 * FFTW; each pixel of the power spectrum is divided by the median power at
 * its radius, so Bragg spots stand out of the smooth diffuse background
 * whatever the noise. The shortest strong spot is g1, the shortest strong
 * spot not parallel to it g2; both are then refined by least squares over
 * every strong spot they index (h g1 + k g2), which makes the period good to
 * a small fraction of a per cent.
 */
#include "detect/al-lattice-fft.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-filter.h"

/* The largest square transformed, px: plenty of spots, bounded time. */
#define AL_LATTICE_MAX_SIDE 1024
/* The smallest image worth a look, px. */
#define AL_LATTICE_MIN_SIDE 32
/* Spots closer to the origin than this many frequency bins are background. */
#define AL_LATTICE_MIN_RADIUS_BINS 3
/* A spot must stand this many times over the median power at its radius. */
#define AL_LATTICE_MIN_SCORE 12.0
/* ...and within this fraction of the strongest spot's score to be "strong". */
#define AL_LATTICE_STRONG_FRACTION 0.02
#define AL_LATTICE_MAX_SPOTS 64
/* Highest index |h|, |k| used when refining the basis. */
#define AL_LATTICE_MAX_INDEX 4
/* A spot is indexed when its (h, k) are within this of integers. */
#define AL_LATTICE_INDEX_TOLERANCE 0.06
/* Two vectors are parallel when sin(angle) is below this. */
#define AL_LATTICE_MIN_SIN 0.3
/* A preferred hexagonal pair has spots this strong, relative to the
 * strongest spot. */
#define AL_LATTICE_HEX_MIN_FRACTION 0.1
/* A spot near an expected spacing is within this fraction of it. */
#define AL_LATTICE_HINT_TOLERANCE 0.12
/* Hexagonal: equal lengths within this fraction, angle within this many degrees. */
#define AL_LATTICE_HEX_LENGTH_TOL 0.04
#define AL_LATTICE_HEX_ANGLE_TOL_DEG 3.0

/* FFTW's planner is not thread-safe. */
G_LOCK_DEFINE_STATIC (fftw_planner);

typedef struct
{
  double kx, ky;   /* bins, sub-pixel */
  double score;
} Spot;

static gboolean
is_smooth (guint n)
{
  for (guint p = 2; p <= 5; p++)
    while (n % p == 0)
      n /= p;
  return n == 1;
}

static int
compare_spots (gconstpointer a,
               gconstpointer b)
{
  double x = ((const Spot *) a)->score, y = ((const Spot *) b)->score;
  return (x < y) - (x > y);
}

/* Power spectrum of the central n×n square, half plane: n rows (ky wrapped)
 * × (n/2 + 1) columns (kx ≥ 0). */
static float *
power_spectrum (const float *frame,
                guint        width,
                guint        height,
                guint        n)
{
  guint nc = n / 2 + 1;
  guint x0 = (width - n) / 2, y0 = (height - n) / 2;
  float *in = fftwf_alloc_real ((gsize) n * n);
  fftwf_complex *out = fftwf_alloc_complex ((gsize) n * nc);
  float *power = g_new (float, (gsize) n * nc);
  g_autofree double *hann = g_new (double, n);
  double mean = 0.0;
  fftwf_plan plan;

  for (guint i = 0; i < n; i++)
    hann[i] = 0.5 - 0.5 * cos (2.0 * G_PI * i / n);
  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      mean += frame[(gsize) (y + y0) * width + x + x0];
  mean /= (double) n * n;
  for (guint y = 0; y < n; y++)
    for (guint x = 0; x < n; x++)
      in[(gsize) y * n + x] = (float) ((frame[(gsize) (y + y0) * width + x + x0] - mean)
                                       * hann[x] * hann[y]);

  G_LOCK (fftw_planner);
  plan = fftwf_plan_dft_r2c_2d ((int) n, (int) n, in, out, FFTW_ESTIMATE);
  G_UNLOCK (fftw_planner);
  fftwf_execute (plan);
  for (gsize i = 0; i < (gsize) n * nc; i++)
    power[i] = out[i][0] * out[i][0] + out[i][1] * out[i][1];
  G_LOCK (fftw_planner);
  fftwf_destroy_plan (plan);
  G_UNLOCK (fftw_planner);
  fftwf_free (in);
  fftwf_free (out);
  return power;
}

static inline int
wrap_ky (guint row,
         guint n)
{
  return row < n / 2 ? (int) row : (int) row - (int) n;
}

/* Divides each power by the median at its integer radius. */
static void
normalise_radially (float *power,
                    guint  n)
{
  guint nc = n / 2 + 1, n_radii = n / 2 + 1;
  g_autofree GArray **rings = g_new0 (GArray *, n_radii);
  g_autofree float *median = g_new0 (float, n_radii);

  for (guint r = 0; r < n_radii; r++)
    rings[r] = g_array_new (FALSE, FALSE, sizeof (float));
  for (guint row = 0; row < n; row++)
    for (guint kx = 0; kx < nc; kx++)
      {
        int ky = wrap_ky (row, n);
        guint r = (guint) lround (sqrt ((double) kx * kx + (double) ky * ky));
        if (r < n_radii)
          g_array_append_val (rings[r], power[(gsize) row * nc + kx]);
      }
  for (guint r = 0; r < n_radii; r++)
    {
      median[r] = (float) al_filter_percentile ((float *) rings[r]->data, rings[r]->len, 0.5);
      g_array_unref (rings[r]);
    }
  for (guint row = 0; row < n; row++)
    for (guint kx = 0; kx < nc; kx++)
      {
        int ky = wrap_ky (row, n);
        guint r = (guint) lround (sqrt ((double) kx * kx + (double) ky * ky));
        float m = r < n_radii ? median[r] : median[n_radii - 1];
        power[(gsize) row * nc + kx] = m > 0 ? power[(gsize) row * nc + kx] / m : 0.0f;
      }
}

/* Offset of the vertex of the parabola through log(a), log(b), log(c). */
static double
log_parabola (double a,
              double b,
              double c)
{
  double la = log (MAX (a, 1e-30)), lb = log (MAX (b, 1e-30)), lc = log (MAX (c, 1e-30));
  double d = la - 2.0 * lb + lc;

  return d < 0.0 ? CLAMP (0.5 * (la - lc) / d, -0.5, 0.5) : 0.0;
}

static GArray *
find_spots (const float *score,
            guint        n)
{
  guint nc = n / 2 + 1;
  GArray *spots = g_array_new (FALSE, FALSE, sizeof (Spot));
  double r_max = 0.45 * n;

#define S(row, col) score[(gsize) ((row) % n) * nc + (col)]
  for (guint row = 0; row < n; row++)
    for (guint kx = 1; kx + 1 < nc; kx++)
      {
        int ky = wrap_ky (row, n);
        double r = sqrt ((double) kx * kx + (double) ky * ky);
        float v = S (row, kx);
        gboolean is_max = TRUE;
        Spot s;

        if (v < AL_LATTICE_MIN_SCORE || r < AL_LATTICE_MIN_RADIUS_BINS || r > r_max)
          continue;
        for (int dy = -1; dy <= 1 && is_max; dy++)
          for (int dx = -1; dx <= 1; dx++)
            if ((dx || dy) && S (row + n + dy, kx + dx) > v)
              {
                is_max = FALSE;
                break;
              }
        if (!is_max)
          continue;
        s.kx = kx + log_parabola (S (row, kx - 1), v, S (row, kx + 1));
        s.ky = ky + log_parabola (S (row + n - 1, kx), v, S (row + 1, kx));
        s.score = v;
        g_array_append_val (spots, s);
      }
#undef S
  g_array_sort (spots, compare_spots);
  if (spots->len > AL_LATTICE_MAX_SPOTS)
    g_array_set_size (spots, AL_LATTICE_MAX_SPOTS);
  return spots;
}

static double
norm2 (const double v[2])
{
  return hypot (v[0], v[1]);
}

/* Picks g1 (the shortest strong spot) and g2 (the shortest strong spot not
 * parallel to it), in bins. */
static gboolean
pick_basis (GArray *spots,
            double  g1[2],
            double  g2[2],
            double  expected_bins)
{
  double strong = MAX (AL_LATTICE_MIN_SCORE,
                       AL_LATTICE_STRONG_FRACTION * g_array_index (spots, Spot, 0).score);

  /* With an expected spacing, the spots of the first order are where to
   * look, and noise elsewhere does not count. */
  if (expected_bins > 0)
    {
      for (guint i = 0; i < spots->len;)
        {
          const Spot *s = &g_array_index (spots, Spot, i);
          if (fabs (hypot (s->kx, s->ky) / expected_bins - 1.0) > AL_LATTICE_HINT_TOLERANCE)
            g_array_remove_index (spots, i);
          else
            i++;
        }
      if (spots->len < 2)
        return FALSE;
      strong = MAX (AL_LATTICE_MIN_SCORE,
                    AL_LATTICE_STRONG_FRACTION * g_array_index (spots, Spot, 0).score);
    }
  gboolean have1 = FALSE, have2 = FALSE;

  for (guint i = 0; i < spots->len; i++)
    {
      const Spot *s = &g_array_index (spots, Spot, i);
      double v[2] = { s->kx, s->ky };
      if (s->score < strong)
        continue;
      /* The shortest strong spot; near an expected spacing, the strongest. */
      if (!have1 || (expected_bins <= 0 && norm2 (v) < norm2 (g1)))
        {
          g1[0] = v[0];
          g1[1] = v[1];
          have1 = TRUE;
        }
    }
  /* Prefer a hexagonal pair: the shortest strong spot that has a partner of
   * the same length at 60° (another grain's spots, or a grain boundary's
   * low-frequency streaks, have none), with its strongest partner. */
  for (guint i = 0; have1 && i < spots->len; i++)
    {
      const Spot *si = &g_array_index (spots, Spot, i);
      double u[2] = { si->kx, si->ky };
      /* Only a pair among the main spots: faint hexagonal patterns (pixel
       * artefacts) must not stand in for a strong lattice of another kind. */
      if (si->score < AL_LATTICE_HEX_MIN_FRACTION * g_array_index (spots, Spot, 0).score)
        continue;
      if (si->score < strong || (have2 && norm2 (u) >= norm2 (g1) * (1 - AL_LATTICE_HEX_LENGTH_TOL)))
        continue;
      for (guint j = 0; j < spots->len; j++)
        {
          const Spot *sj = &g_array_index (spots, Spot, j);
          double v[2] = { sj->kx, sj->ky };
          double cos_angle = (u[0] * v[0] + u[1] * v[1]) / (norm2 (u) * norm2 (v));
          double angle = acos (CLAMP (fabs (cos_angle), 0.0, 1.0)) * 180.0 / G_PI;
          if (j == i || sj->score < AL_LATTICE_HEX_MIN_FRACTION * g_array_index (spots, Spot, 0).score
              || fabs (norm2 (v) / norm2 (u) - 1.0) > AL_LATTICE_HEX_LENGTH_TOL
              || fabs (angle - 60.0) > AL_LATTICE_HEX_ANGLE_TOL_DEG)
            continue;
          memcpy (g1, u, sizeof u);
          memcpy (g2, v, sizeof v);
          have2 = TRUE;
          break;
        }
    }
  for (guint i = 0; have1 && !have2 && i < spots->len; i++)
    {
      const Spot *s = &g_array_index (spots, Spot, i);
      double v[2] = { s->kx, s->ky };
      double sin_angle = fabs (g1[0] * v[1] - g1[1] * v[0]) / (norm2 (g1) * norm2 (v));
      if (s->score < strong || sin_angle < AL_LATTICE_MIN_SIN)
        continue;
      if (!have2 || norm2 (v) < norm2 (g2))
        {
          g2[0] = v[0];
          g2[1] = v[1];
          have2 = TRUE;
        }
    }
  return have2;
}

/* Least-squares refinement of g1, g2 over every spot (and its mirror image)
 * they index; returns how many spots took part. */
static guint
refine_basis (GArray *spots,
              double  g1[2],
              double  g2[2])
{
  double det = g1[0] * g2[1] - g1[1] * g2[0];
  double ata[3] = { 0 }, atb[2][2] = { { 0 } };
  guint used = 0;

  for (guint i = 0; i < spots->len; i++)
    {
      const Spot *s = &g_array_index (spots, Spot, i);
      /* Solve s = h g1 + k g2. */
      double h = (s->kx * g2[1] - s->ky * g2[0]) / det;
      double k = (g1[0] * s->ky - g1[1] * s->kx) / det;
      double hr = round (h), kr = round (k);
      if (fabs (h - hr) > AL_LATTICE_INDEX_TOLERANCE || fabs (k - kr) > AL_LATTICE_INDEX_TOLERANCE
          || fabs (hr) > AL_LATTICE_MAX_INDEX || fabs (kr) > AL_LATTICE_MAX_INDEX
          || (hr == 0 && kr == 0))
        continue;
      ata[0] += hr * hr;
      ata[1] += hr * kr;
      ata[2] += kr * kr;
      atb[0][0] += hr * s->kx;
      atb[0][1] += hr * s->ky;
      atb[1][0] += kr * s->kx;
      atb[1][1] += kr * s->ky;
      used++;
    }
  det = ata[0] * ata[2] - ata[1] * ata[1];
  if (used < 2 || fabs (det) < 1e-9)
    return used;
  for (int c = 0; c < 2; c++)
    {
      g1[c] = (ata[2] * atb[0][c] - ata[1] * atb[1][c]) / det;
      g2[c] = (ata[0] * atb[1][c] - ata[1] * atb[0][c]) / det;
    }
  return used;
}

static void
fill_lattice (AlLattice *lattice,
              double     g1[2],
              double     g2[2],
              guint      n)
{
  double det, cos_angle, angle;

  for (int c = 0; c < 2; c++)
    {
      lattice->g1[c] = g1[c] / n;
      lattice->g2[c] = g2[c] / n;
    }
  /* Real-space basis: the inverse of the matrix with rows g1, g2. */
  det = lattice->g1[0] * lattice->g2[1] - lattice->g1[1] * lattice->g2[0];
  lattice->a1[0] = lattice->g2[1] / det;
  lattice->a1[1] = -lattice->g2[0] / det;
  lattice->a2[0] = -lattice->g1[1] / det;
  lattice->a2[1] = lattice->g1[0] / det;
  lattice->period_px = 0.5 * (norm2 (lattice->a1) + norm2 (lattice->a2));

  cos_angle = (g1[0] * g2[0] + g1[1] * g2[1]) / (norm2 (g1) * norm2 (g2));
  angle = acos (CLAMP (fabs (cos_angle), 0.0, 1.0)) * 180.0 / G_PI;
  lattice->hexagonal = fabs (norm2 (g1) / norm2 (g2) - 1.0) < AL_LATTICE_HEX_LENGTH_TOL
                       && fabs (angle - 60.0) < AL_LATTICE_HEX_ANGLE_TOL_DEG;
  lattice->angle_deg = atan2 (lattice->a1[1], lattice->a1[0]) * 180.0 / G_PI;
  lattice->angle_deg = fmod (lattice->angle_deg + 360.0, lattice->hexagonal ? 60.0 : 180.0);
}

/* Estimates the lattice of `frame`. Returns FALSE with an error only for
 * unusable input; an image with no lattice returns TRUE with found = FALSE. */
static gboolean estimate (const float *frame, guint width, guint height, double period_px,
                          AlLattice *lattice, GError **error);

gboolean
al_lattice_estimate (const float *frame,
                     guint        width,
                     guint        height,
                     AlLattice   *lattice,
                     GError     **error)
{
  return estimate (frame, width, height, 0.0, lattice, error);
}

/* As al_lattice_estimate(), for a hexagonal lattice of period near
 * `period_px` (when > 0), as a known material and pixel size imply: the
 * free estimate when it agrees, else the spots near the expected spacing
 * only (at low dose noise can outshine the lattice elsewhere). */
gboolean
al_lattice_estimate_near (const float *frame,
                          guint        width,
                          guint        height,
                          double       period_px,
                          AlLattice   *lattice,
                          GError     **error)
{
  if (!estimate (frame, width, height, 0.0, lattice, error))
    return FALSE;
  if (period_px <= 0
      || (lattice->found && lattice->hexagonal
          && fabs (lattice->period_px / period_px - 1.0) < AL_LATTICE_HINT_TOLERANCE))
    return TRUE;
  return estimate (frame, width, height, period_px, lattice, error);
}

static gboolean
estimate (const float *frame,
          guint        width,
          guint        height,
          double       period_px,
          AlLattice   *lattice,
          GError     **error)
{
  g_autofree float *power = NULL;
  g_autoptr (GArray) spots = NULL;
  double g1[2] = { 0 }, g2[2] = { 0 };
  guint n = MIN (MIN (width, height), AL_LATTICE_MAX_SIDE);

  g_return_val_if_fail (frame != NULL && lattice != NULL, FALSE);
  memset (lattice, 0, sizeof *lattice);
  if (n < AL_LATTICE_MIN_SIDE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The image is too small to find a lattice in (%u × %u pixels; at least %d needed)",
                   width, height, AL_LATTICE_MIN_SIDE);
      return FALSE;
    }
  n &= ~1u;
  while (!is_smooth (n))
    n -= 2;

  power = power_spectrum (frame, width, height, n);
  normalise_radially (power, n);
  spots = find_spots (power, n);
  if (spots->len < 2
      || !pick_basis (spots, g1, g2, period_px > 0 ? 2.0 * n / (sqrt (3.0) * period_px) : 0.0))
    return TRUE;

  lattice->n_spots = refine_basis (spots, g1, g2);
  lattice->strength = g_array_index (spots, Spot, 0).score;
  fill_lattice (lattice, g1, g2, n);
  lattice->found = lattice->n_spots >= 2;
  return TRUE;
}

/* nm per pixel implied by `material`'s lattice constant, or 0. */
double
al_lattice_pixel_size (const AlLattice  *lattice,
                       const AlMaterial *material)
{
  if (lattice == NULL || material == NULL || !lattice->found || !lattice->hexagonal)
    return 0.0;
  return material->a_nm / lattice->period_px;
}

/* Nearest-neighbour column distance in px: a/√3 on the honeycomb of every
 * preset; 0 when it cannot be told (no lattice, or an unknown structure). */
double
al_lattice_neighbour_px (const AlLattice  *lattice,
                         const AlMaterial *material)
{
  if (lattice == NULL || material == NULL || !lattice->found || !lattice->hexagonal)
    return 0.0;
  return lattice->period_px / sqrt (3.0);
}
