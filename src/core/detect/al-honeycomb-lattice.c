/* al-honeycomb-lattice.c: honeycomb sites from the Bragg spots (see
 * al-honeycomb-lattice.h).
 *
 * A carbon column at 10⁴ e⁻/Å² scatters a handful of electrons onto the
 * detector, below the noise of the pixels it covers, but the first-order
 * Bragg spots add up every column of a grain. So:
 *
 * 1. Orientation. The power spectrum (r2c, FFTW), divided by its median on
 *    the ring where first-order spots of the known spacing fall, is scanned
 *    over directions θ in [0°, 60°) (and a few per cent of radius, for
 *    strain and calibration): the six spots of a grain sum to a peak of
 *    that profile. Each peak well above the profile's median (robust sigma)
 *    is a grain.
 * 2. Phase. For the three first-order vectors g_j of a grain (g_0 + g_1 +
 *    g_2 = 0), the image is demodulated, d_j(r) = G_L * (I(r) e^{-2πi g_j·r}),
 *    averaging over a Gaussian window of sigma L, on a grid of blocks (the
 *    product is smooth after the window). The first-order part of a
 *    honeycomb image is −Σ cos 2π g_j·(r − c) with c a hexagon centre, so
 *    arg(−d_j) = −2π g_j·c: three phases, two unknowns; their sum's misfit
 *    is shared out before solving. The atoms sit at c + (a1 + a2)/3 and
 *    c + 2(a1 + a2)/3 (a_i dual to g_0, g_1).
 * 3. The window L is what the dose demands: the position error of a site is
 *    1/(2π|g|·SNR) with SNR the spot amplitude over its noise in the window,
 *    and that SNR grows as L. L is chosen so that a grain's window reaches
 *    AL_HC_TARGET_SNR, within bounds (a period at least: strain and grain
 *    boundaries are followed as closely as the noise allows).
 * 4. Each site belongs to the grain whose lattice is strongest there; sites
 *    where no lattice stands out of the noise (vacuum, holes) are left out.
 */
#include "detect/al-honeycomb-lattice.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "detect/al-filter.h"

/* The spectrum is taken of at most this central square's side, px. */
#define AL_HC_MAX_FFT_SIDE 2048
/* Scan of spot directions, degrees, and of the ring's radius, as a
 * fraction of the expected radius. */
#define AL_HC_ANGLE_STEP_DEG 0.25
#define AL_HC_RADIUS_RANGE 0.06
#define AL_HC_RADIUS_STEP 0.01
/* The noise level is the median power on this band around the ring. */
#define AL_HC_ANNULUS 0.15
/* A grain's peak stands this many robust sigmas over the profile's median
 * (pure noise reaches about 4 over the 240 directions scanned). */
#define AL_HC_MIN_PEAK_SIGMAS 6.0
/* Once a lattice is seen, a further grain's peak needs this many robust
 * sigmas of the profile away from the grains found (pure noise reached
 * 3.7 there, second grains of simulated boundaries 4.6-13 at 10⁴). */
#define AL_HC_MIN_EXTRA_PEAK_SIGMAS 4.5
/* ...and the profile must fall between it and each grain found to this
 * share of its height over the median. */
#define AL_HC_DIP_SHARE 0.5
/* The spectrum is not windowed, so a bright grain's spots have side lobes
 * a few bins off (measured 0.065 of the peak 2.5 bins away, graphene at
 * 10⁵): within this many bins at the ring a further grain must reach this
 * share of the bright one's height. */
#define AL_HC_LEAK_BINS 10.0
#define AL_HC_LEAK_SHARE 0.15
/* Two grains differ by at least this much, degrees, and by this many
 * angular bins of the spectrum at the ring (a grain's spots leak into
 * their neighbours, the wider the smaller the image). */
#define AL_HC_MIN_SEPARATION_DEG 5.0
#define AL_HC_MIN_SEPARATION_BINS 3.0
/* Spot amplitude over its noise wanted in the phase window. */
#define AL_HC_TARGET_SNR 4.0
/* Bounds of the window sigma: periods of the lattice, and a fraction of
 * the image's shorter side shared out among the grains (a window reaching
 * far over another grain reads its own lattice's phase from off centre). */
#define AL_HC_MIN_WINDOW_PERIODS 1.0
#define AL_HC_MAX_WINDOW_FRACTION 0.5
/* The window that decides which grain a site belongs to is the one for
 * this spot SNR, and at most this fraction of the shorter side. */
#define AL_HC_OWNER_SNR 2.0
#define AL_HC_OWNER_MAX_FRACTION 0.2
/* Demodulation blocks per window sigma. */
#define AL_HC_BLOCKS_PER_SIGMA 3.0
/* A site is placed where its grain's spot amplitude is at least this many
 * times its noise. */
#define AL_HC_MIN_SITE_SNR 1.0
/* Sites are placed up to this far beyond the outer pixels' centres (the
 * image covers half a pixel more; a site there still rounds to a pixel). */
#define AL_HC_EDGE_PX 0.45
/* Sites closer than this many neighbour distances are one. */
#define AL_HC_DUPLICATE_FRACTION 0.5
#define AL_HC_MAD_TO_SIGMA 1.4826
/* Passes that move g to the phase gradient before the sites are read (each
 * goes about half the way: the truncated windows at the edges damp the
 * gradient), until g moves less than this many cycles over the image. */
#define AL_HC_G_PASSES 10
#define AL_HC_G_SETTLED 0.02
/* Spots of at least this power SNR measure the lattice's scale (and
 * strain) themselves; fainter ones keep the calibration's. */
#define AL_HC_FREE_SCALE_SNR 20.0

G_LOCK_DEFINE_STATIC (fftw_planner);

typedef struct
{
  float *power;   /* n_h rows × (n_w / 2 + 1), over the ring's median */
  guint  n_w;
  guint  n_h;
} Spectrum;

/* One grain's demodulation: the window, the block grid and the three
 * complex maps. */
typedef struct
{
  double  g[3][2];
  double  a1[2];
  double  a2[2];
  double  window;
  guint   q;          /* block side, px */
  guint   cw;
  guint   ch;
  float  *re[3];
  float  *im[3];
  double  noise_var;  /* of one d_j from pixel noise */
} Demod;

static double
wrap_half (double t)
{
  return t - floor (t + 0.5);
}

static void
spectrum_compute (Spectrum    *s,
                  const float *image,
                  guint        width,
                  guint        height,
                  double       g0)
{
  guint nw = MIN (width, AL_HC_MAX_FFT_SIDE), nh = MIN (height, AL_HC_MAX_FFT_SIDE);
  guint nc = nw / 2 + 1, x0 = (width - nw) / 2, y0 = (height - nh) / 2;
  float *in = fftwf_alloc_real ((gsize) nw * nh);
  fftwf_complex *out = fftwf_alloc_complex ((gsize) nh * nc);
  g_autofree float *ring = g_new (float, (gsize) nh * nc);
  gsize n_ring = 0;
  double mean = 0.0, median;
  fftwf_plan plan;

  for (guint y = 0; y < nh; y++)
    for (guint x = 0; x < nw; x++)
      mean += image[(gsize) (y + y0) * width + x + x0];
  mean /= (double) nw * nh;
  /* No window: a taper costs the faint spots more than the edges' streaks
   * (along the axes only, and small on a background-free image) do. */
  for (guint y = 0; y < nh; y++)
    for (guint x = 0; x < nw; x++)
      in[(gsize) y * nw + x] = (float) (image[(gsize) (y + y0) * width + x + x0] - mean);
  G_LOCK (fftw_planner);
  plan = fftwf_plan_dft_r2c_2d ((int) nh, (int) nw, in, out, FFTW_ESTIMATE);
  G_UNLOCK (fftw_planner);
  fftwf_execute (plan);
  G_LOCK (fftw_planner);
  fftwf_destroy_plan (plan);
  G_UNLOCK (fftw_planner);

  s->n_w = nw;
  s->n_h = nh;
  s->power = g_new (float, (gsize) nh * nc);
  for (guint y = 0; y < nh; y++)
    {
      double fy = (y < (nh + 1) / 2 ? (double) y : (double) y - nh) / nh;
      for (guint x = 0; x < nc; x++)
        {
          gsize i = (gsize) y * nc + x;
          double f = hypot ((double) x / nw, fy);
          s->power[i] = out[i][0] * out[i][0] + out[i][1] * out[i][1];
          if (fabs (f / g0 - 1.0) < AL_HC_ANNULUS)
            ring[n_ring++] = s->power[i];
        }
    }
  median = n_ring > 0 ? al_filter_percentile (ring, n_ring, 0.5) : 0.0;
  for (gsize i = 0; i < (gsize) nh * nc; i++)
    s->power[i] = median > 0 ? (float) (s->power[i] / median) : 0.0f;
  fftwf_free (in);
  fftwf_free (out);
}

/* Normalised power at a frequency (cycles/px), nearest bin. */
static double
spectrum_at (const Spectrum *s,
             double          fx,
             double          fy)
{
  guint nc = s->n_w / 2 + 1;
  long kx, ky;

  if (fx < 0)
    {
      fx = -fx;
      fy = -fy;
    }
  kx = lround (fx * s->n_w);
  ky = lround (fy * s->n_h);
  ky = ((ky % (long) s->n_h) + s->n_h) % s->n_h;
  if (kx >= (long) nc)
    return 0.0;
  return s->power[(gsize) ky * nc + kx];
}

static int
compare_desc (gconstpointer a,
              gconstpointer b,
              gpointer      data)
{
  const double *score = data;
  double x = score[*(const guint *) a], y = score[*(const guint *) b];

  return (x < y) - (x > y);
}

/* Median and robust sigma of the direction profile, over the directions
 * at least `separation_deg` from each of the `n` grains found. */
static void
profile_noise (const double *score,
               guint         n_angles,
               const double *angle_deg,
               guint         n,
               double        separation_deg,
               double       *median,
               double       *sigma)
{
  g_autofree float *v = g_new (float, n_angles);
  guint m = 0;

  for (guint a = 0; a < n_angles; a++)
    {
      gboolean apart = TRUE;
      for (guint j = 0; j < n && apart; j++)
        {
          double d = fabs (a * AL_HC_ANGLE_STEP_DEG - angle_deg[j]);
          apart = MIN (d, 60.0 - d) >= separation_deg;
        }
      if (apart)
        v[m++] = (float) score[a];
    }
  *median = *sigma = 0.0;
  if (m == 0)
    return;
  *median = al_filter_percentile (v, m, 0.5);
  for (guint k = 0; k < m; k++)
    v[k] = (float) fabs (v[k] - *median);
  *sigma = AL_HC_MAD_TO_SIGMA * al_filter_percentile (v, m, 0.5);
}

/* Whether the profile falls between direction bin `a` and a grain found
 * at `grain_deg` to at most AL_HC_DIP_SHARE of the way from the median to
 * the peak at `a`: a second grain is a peak of its own, where a bright
 * grain's flank (its spots leak into the next bins, the more so the
 * brighter they are) only rises towards it. */
static gboolean
profile_dips (const double *score,
              guint         n_angles,
              guint         a,
              double        grain_deg,
              double        median)
{
  int g = (int) lround (grain_deg / AL_HC_ANGLE_STEP_DEG) % (int) n_angles;
  int d = g - (int) a, step;
  double lowest = score[a];

  /* The shorter way round the 60° period. */
  if (d > (int) n_angles / 2)
    d -= (int) n_angles;
  if (d < -(int) n_angles / 2)
    d += (int) n_angles;
  step = d > 0 ? 1 : -1;
  for (int k = 0; k != d; k += step)
    lowest = MIN (lowest, score[((int) a + k + (int) n_angles) % (int) n_angles]);
  return lowest <= median + AL_HC_DIP_SHARE * (score[a] - median);
}

/* Scans spot directions; fills the grains' angles, ring radii and spot
 * SNRs. */
static guint
find_grains (const Spectrum *s,
             double          g0,
             double          separation_deg,
             double         *angle_deg,
             double         *radius,
             double         *snr)
{
  guint n_angles = (guint) lround (60.0 / AL_HC_ANGLE_STEP_DEG);
  guint n_radii = (guint) lround (2 * AL_HC_RADIUS_RANGE / AL_HC_RADIUS_STEP) + 1;
  g_autofree double *score = g_new (double, n_angles);
  g_autofree double *best_r = g_new (double, n_angles);
  g_autofree guint *order = g_new (guint, n_angles);
  double peak[AL_HONEYCOMB_MAX_GRAINS], n_side = MIN (s->n_w, s->n_h);
  double median, sigma;
  guint n = 0;

  for (guint a = 0; a < n_angles; a++)
    {
      double theta = a * AL_HC_ANGLE_STEP_DEG * G_PI / 180.0;
      score[a] = -1;
      for (guint r = 0; r < n_radii; r++)
        {
          double rad = g0 * (1.0 - AL_HC_RADIUS_RANGE + r * AL_HC_RADIUS_STEP), sum = 0;
          for (int k = 0; k < 6; k++)
            sum += spectrum_at (s, rad * cos (theta + k * G_PI / 3), rad * sin (theta + k * G_PI / 3));
          if (sum > score[a])
            {
              score[a] = sum;
              best_r[a] = rad;
            }
        }
      order[a] = a;
    }
  profile_noise (score, n_angles, angle_deg, 0, separation_deg, &median, &sigma);
  if (!(sigma > 0) || !(median > 0))
    return 0;
  g_qsort_with_data (order, n_angles, sizeof (guint), compare_desc, score);
  g_debug ("honeycomb: direction profile median %g sigma %g, best %g at %g°", median, sigma,
           score[order[0]], order[0] * AL_HC_ANGLE_STEP_DEG);
  for (guint k = 0; k < n_angles && n < AL_HONEYCOMB_MAX_GRAINS; k++)
    {
      guint a = order[k];
      double prev = score[(a + n_angles - 1) % n_angles], next = score[(a + 1) % n_angles];
      double curv = prev - 2 * score[a] + next, shift, theta;
      gboolean apart = TRUE;

      if ((score[a] - median) / sigma
          < (n == 0 ? AL_HC_MIN_PEAK_SIGMAS : AL_HC_MIN_EXTRA_PEAK_SIGMAS))
        break;
      if (score[a] < prev || score[a] < next)
        continue;
      shift = curv < 0 ? CLAMP (0.5 * (prev - next) / curv, -0.5, 0.5) : 0.0;
      theta = fmod ((a + shift) * AL_HC_ANGLE_STEP_DEG + 60.0, 60.0);
      for (guint j = 0; j < n; j++)
        {
          double d = fabs (theta - angle_deg[j]);
          d = MIN (d, 60.0 - d);
          if (d < separation_deg || !profile_dips (score, n_angles, a, angle_deg[j], median)
              || (d * G_PI / 180.0 * g0 * n_side < AL_HC_LEAK_BINS
                  && score[a] - median < AL_HC_LEAK_SHARE * (peak[j] - median)))
            apart = FALSE;
        }
      if (!apart)
        continue;
      angle_deg[n] = theta;
      peak[n] = score[a];
      radius[n] = best_r[a];
      snr[n] = score[a] / median - 1.0;
      n++;
      /* Further grains are measured against the profile away from the
       * grains found: their peaks' flanks would inflate the spread. */
      profile_noise (score, n_angles, angle_deg, n, separation_deg, &median, &sigma);
    }
  return n;
}

static void
demod_clear (Demod *d)
{
  for (int j = 0; j < 3; j++)
    {
      g_clear_pointer (&d->re[j], g_free);
      g_clear_pointer (&d->im[j], g_free);
    }
}

/* Sum of squares of the normalised sampled Gaussian kernel (1-D). */
static double
kernel_power (double sigma)
{
  int radius = MAX (1, (int) ceil (3.0 * sigma));
  double sum = 0, sum2 = 0;

  for (int i = -radius; i <= radius; i++)
    {
      double k = exp (-0.5 * i * i / (sigma * sigma));
      sum += k;
      sum2 += k * k;
    }
  return sum2 / (sum * sum);
}

/* Gaussian blur of a block map with the window cut at the edges (each
 * value the mean over what of its window is inside): a mirrored edge
 * would reflect the lattice wave and pull the phase near the edges. */
static void
blur_truncated (float  *map,
                guint   cw,
                guint   ch,
                double  sigma)
{
  int radius = MAX (1, (int) ceil (3.0 * sigma));
  g_autofree double *k = g_new (double, 2 * radius + 1);
  g_autofree double *line = g_new (double, MAX (cw, ch));

  for (int i = -radius; i <= radius; i++)
    k[i + radius] = exp (-0.5 * i * i / (sigma * sigma));
  for (int pass = 0; pass < 2; pass++)
    {
      guint n = pass == 0 ? cw : ch, lines = pass == 0 ? ch : cw;
      gsize step = pass == 0 ? 1 : cw, stride = pass == 0 ? cw : 1;
      for (guint l = 0; l < lines; l++)
        {
          float *v = map + l * stride;
          for (guint i = 0; i < n; i++)
            {
              double sum = 0, wsum = 0;
              for (int t = MAX (-(int) i, -radius); t <= MIN ((int) (n - 1 - i), radius); t++)
                {
                  sum += k[t + radius] * v[(i + t) * step];
                  wsum += k[t + radius];
                }
              line[i] = sum / wsum;
            }
          for (guint i = 0; i < n; i++)
            v[i * step] = (float) line[i];
        }
    }
}

/* Demodulates `image` at the grain's three first-order vectors. */
static void
demod_compute (Demod       *d,
               const float *image,
               guint        width,
               guint        height,
               double       noise_sigma)
{
  double sigma_blocks;
  g_autofree double *ex = g_new (double, 2 * width);
  g_autofree float *count = NULL;
  gsize nb;

  d->q = MAX (1u, (guint) floor (d->window / AL_HC_BLOCKS_PER_SIGMA));
  d->cw = (width + d->q - 1) / d->q;
  d->ch = (height + d->q - 1) / d->q;
  nb = (gsize) d->cw * d->ch;
  sigma_blocks = d->window / d->q;
  count = g_new0 (float, nb);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      count[(gsize) (y / d->q) * d->cw + x / d->q] += 1.0f;
  for (int j = 0; j < 3; j++)
    {
      d->re[j] = g_new0 (float, nb);
      d->im[j] = g_new0 (float, nb);
      for (guint x = 0; x < width; x++)
        {
          double ph = -2.0 * G_PI * d->g[j][0] * x;
          ex[2 * x] = cos (ph);
          ex[2 * x + 1] = sin (ph);
        }
      for (guint y = 0; y < height; y++)
        {
          double ph = -2.0 * G_PI * d->g[j][1] * y, cy = cos (ph), sy = sin (ph);
          const float *row = image + (gsize) y * width;
          float *re = d->re[j] + (gsize) (y / d->q) * d->cw;
          float *im = d->im[j] + (gsize) (y / d->q) * d->cw;
          for (guint x = 0; x < width; x++)
            {
              double c = ex[2 * x] * cy - ex[2 * x + 1] * sy;
              double s = ex[2 * x] * sy + ex[2 * x + 1] * cy;
              re[x / d->q] += (float) (row[x] * c);
              im[x / d->q] += (float) (row[x] * s);
            }
        }
      for (gsize i = 0; i < nb; i++)
        {
          d->re[j][i] /= count[i];
          d->im[j][i] /= count[i];
        }
      blur_truncated (d->re[j], d->cw, d->ch, sigma_blocks);
      blur_truncated (d->im[j], d->cw, d->ch, sigma_blocks);
    }
  d->noise_var = noise_sigma * noise_sigma / ((double) d->q * d->q)
                 * pow (kernel_power (sigma_blocks), 2);
}

/* The mean phase gradient of d_j over the image is what g_j is off by:
 * moves g_0 and g_1 there (g_2 = −g_0 − g_1). The gradient is read
 * between blocks two window sigmas apart, whose noise is independent (the
 * noise of neighbouring blocks, shared through the window, would pull it
 * towards zero). */
static double
demod_refine_g (Demod    *d,
                gboolean  rotation_only)
{
  double moved = 0, turn = 0;
  guint step = MAX (1u, MIN ((guint) lround (2.0 * d->window / d->q), MIN (d->cw, d->ch) / 2));

  for (int j = 0; j < 2; j++)
    {
      double sx_re = 0, sx_im = 0, sy_re = 0, sy_im = 0;
      const float *re = d->re[j], *im = d->im[j];
      for (guint v = 0; v < d->ch; v++)
        for (guint u = 0; u < d->cw; u++)
          {
            gsize i = (gsize) v * d->cw + u;
            /* d(there) · conj(d(here)) */
            if (u + step < d->cw)
              {
                sx_re += re[i + step] * re[i] + im[i + step] * im[i];
                sx_im += im[i + step] * re[i] - re[i + step] * im[i];
              }
            if (v + step < d->ch)
              {
                gsize k = i + (gsize) step * d->cw;
                sy_re += re[k] * re[i] + im[k] * im[i];
                sy_im += im[k] * re[i] - re[k] * im[i];
              }
          }
      double dx = 0, dy = 0;
      if (sx_re != 0 || sx_im != 0)
        dx = atan2 (sx_im, sx_re) / (2.0 * G_PI * step * d->q);
      if (sy_re != 0 || sy_im != 0)
        dy = atan2 (sy_im, sy_re) / (2.0 * G_PI * step * d->q);
      if (rotation_only)
        {
          double g2 = d->g[j][0] * d->g[j][0] + d->g[j][1] * d->g[j][1];
          turn += 0.5 * (d->g[j][0] * dy - d->g[j][1] * dx) / g2;
          continue;
        }
      d->g[j][0] += dx;
      d->g[j][1] += dy;
      moved = MAX (moved, hypot (dx, dy));
    }
  if (rotation_only)
    for (int j = 0; j < 2; j++)
      {
        double x = d->g[j][0], y = d->g[j][1];
        d->g[j][0] = x * cos (turn) - y * sin (turn);
        d->g[j][1] = x * sin (turn) + y * cos (turn);
        moved = MAX (moved, fabs (turn) * hypot (x, y));
      }
  d->g[2][0] = -d->g[0][0] - d->g[1][0];
  d->g[2][1] = -d->g[0][1] - d->g[1][1];
  return moved;
}

static void
demod_set_basis (Demod *d)
{
  double det = d->g[0][0] * d->g[1][1] - d->g[0][1] * d->g[1][0];

  d->a1[0] = d->g[1][1] / det;
  d->a1[1] = -d->g[1][0] / det;
  d->a2[0] = -d->g[0][1] / det;
  d->a2[1] = d->g[0][0] / det;
}

/* Bilinear value of a block map at pixel (x, y). */
static double
demod_sample (const Demod *d,
              const float *map,
              double       x,
              double       y)
{
  double u = CLAMP ((x + 0.5) / d->q - 0.5, 0.0, d->cw - 1.0);
  double v = CLAMP ((y + 0.5) / d->q - 0.5, 0.0, d->ch - 1.0);
  guint u0 = MIN ((guint) u, d->cw - 1), v0 = MIN ((guint) v, d->ch - 1);
  guint u1 = MIN (u0 + 1, d->cw - 1), v1 = MIN (v0 + 1, d->ch - 1);
  double fu = u - u0, fv = v - v0;

  return (1 - fv) * ((1 - fu) * map[(gsize) v0 * d->cw + u0] + fu * map[(gsize) v0 * d->cw + u1])
         + fv * ((1 - fu) * map[(gsize) v1 * d->cw + u0] + fu * map[(gsize) v1 * d->cw + u1]);
}

/* Lattice signal power at (x, y): the spots' mean squared amplitude less
 * the noise's share. */
static double
demod_signal (const Demod *d,
              double       x,
              double       y)
{
  double e = 0;

  for (int j = 0; j < 3; j++)
    {
      double re = demod_sample (d, d->re[j], x, y), im = demod_sample (d, d->im[j], x, y);
      e += re * re + im * im;
    }
  return e / 3.0 - d->noise_var;
}

typedef struct
{
  AlHoneycombSite site;
  double          signal;
} Candidate;

/* The sites one grain's phases place over the whole image. */
static void
grain_sites (const Demod *d,
             guint        grain,
             guint        width,
             guint        height,
             double       g_norm,
             GArray      *out)
{
  double corner_i[2] = { G_MAXDOUBLE, -G_MAXDOUBLE }, corner_j[2] = { G_MAXDOUBLE, -G_MAXDOUBLE };
  double off[2] = { (d->a1[0] + d->a2[0]) / 3.0, (d->a1[1] + d->a2[1]) / 3.0 };
  double margin = 1.5 / g_norm;   /* a period and a half */

  for (int c = 0; c < 4; c++)
    {
      double x = (c & 1) ? width : 0, y = (c & 2) ? height : 0;
      double i = d->g[0][0] * x + d->g[0][1] * y, j = d->g[1][0] * x + d->g[1][1] * y;
      corner_i[0] = MIN (corner_i[0], i);
      corner_i[1] = MAX (corner_i[1], i);
      corner_j[0] = MIN (corner_j[0], j);
      corner_j[1] = MAX (corner_j[1], j);
    }
  for (long i = (long) floor (corner_i[0]) - 1; i <= (long) ceil (corner_i[1]) + 1; i++)
    for (long j = (long) floor (corner_j[0]) - 1; j <= (long) ceil (corner_j[1]) + 1; j++)
      {
        double rx = i * d->a1[0] + j * d->a2[0], ry = i * d->a1[1] + j * d->a2[1];
        double t[3], e, cx, cy, signal;

        if (rx < -margin || ry < -margin || rx > width + margin || ry > height + margin)
          continue;
        for (int k = 0; k < 3; k++)
          {
            double re = demod_sample (d, d->re[k], rx, ry), im = demod_sample (d, d->im[k], rx, ry);
            t[k] = -atan2 (-im, -re) / (2.0 * G_PI);
          }
        e = wrap_half (t[0] + t[1] + t[2]);
        cx = rx;
        cy = ry;
        {
          double d0 = wrap_half (t[0] - e / 3.0 - (d->g[0][0] * rx + d->g[0][1] * ry));
          double d1 = wrap_half (t[1] - e / 3.0 - (d->g[1][0] * rx + d->g[1][1] * ry));
          cx += d0 * d->a1[0] + d1 * d->a2[0];
          cy += d0 * d->a1[1] + d1 * d->a2[1];
        }
        signal = demod_signal (d, cx, cy);
        if (!(signal > 0))
          continue;
        for (int s = 1; s <= 2; s++)
          {
            Candidate c;
            double snr = sqrt (signal / d->noise_var);
            c.site.x = cx + s * off[0];
            c.site.y = cy + s * off[1];
            if (c.site.x < -AL_HC_EDGE_PX || c.site.y < -AL_HC_EDGE_PX
                || c.site.x > width - 1.0 + AL_HC_EDGE_PX || c.site.y > height - 1.0 + AL_HC_EDGE_PX
                || snr < AL_HC_MIN_SITE_SNR)
              continue;
            c.site.se_px = sqrt (2.0 / 3.0) / (2.0 * G_PI * g_norm * snr);
            c.site.grain = grain;
            c.site.sublattice = (guint) s - 1;
            c.signal = signal;
            g_array_append_val (out, c);
          }
      }
}

static int
compare_signal (gconstpointer a,
                gconstpointer b)
{
  double x = ((const Candidate *) a)->signal, y = ((const Candidate *) b)->signal;

  return (x < y) - (x > y);
}

/* Keeps, of sites closer than `dmin`, the one with the stronger lattice. */
static void
keep_apart (GArray *candidates,
            guint   width,
            guint   height,
            double  dmin,
            GArray *out)
{
  guint gw = (guint) (width / dmin) + 1, gh = (guint) (height / dmin) + 1;
  g_autofree gint32 *head = g_new (gint32, (gsize) gw * gh);
  g_autofree gint32 *next = g_new (gint32, MAX (candidates->len, 1));

  for (gsize k = 0; k < (gsize) gw * gh; k++)
    head[k] = -1;
  g_array_sort (candidates, compare_signal);
  for (guint k = 0; k < candidates->len; k++)
    {
      const AlHoneycombSite *s = &g_array_index (candidates, Candidate, k).site;
      int cx = (int) (s->x / dmin), cy = (int) (s->y / dmin);
      gboolean free = TRUE;

      for (int y = MAX (cy - 1, 0); y <= MIN (cy + 1, (int) gh - 1) && free; y++)
        for (int x = MAX (cx - 1, 0); x <= MIN (cx + 1, (int) gw - 1) && free; x++)
          for (gint32 t = head[(gsize) y * gw + x]; t >= 0 && free; t = next[t])
            {
              const AlHoneycombSite *o = &g_array_index (out, AlHoneycombSite, t);
              if (hypot (o->x - s->x, o->y - s->y) < dmin)
                free = FALSE;
            }
      if (!free)
        continue;
      next[out->len] = head[(gsize) cy * gw + cx];
      head[(gsize) cy * gw + cx] = (gint32) out->len;
      g_array_append_val (out, *s);
    }
}

void
al_honeycomb_lattice_find (const float        *image,
                           guint               width,
                           guint               height,
                           double              neighbour_px,
                           double              noise_sigma,
                           AlHoneycombLattice *lattice)
{
  Spectrum spec = { 0 };
  double g0 = 1.0 / (1.5 * neighbour_px), radius[AL_HONEYCOMB_MAX_GRAINS];
  double period = sqrt (3.0) * neighbour_px, separation;
  Demod demod[AL_HONEYCOMB_MAX_GRAINS] = { { { { 0 } } } };
  Demod owner[AL_HONEYCOMB_MAX_GRAINS] = { { { { 0 } } } };
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));
  g_autoptr (GArray) kept = NULL;

  memset (lattice, 0, sizeof *lattice);
  lattice->sites = g_array_new (FALSE, FALSE, sizeof (AlHoneycombSite));
  g_return_if_fail (image != NULL && neighbour_px > 0);
  if (MIN (width, height) < 4 * period || !(noise_sigma > 0))
    return;
  spectrum_compute (&spec, image, width, height, g0);
  separation = MAX (AL_HC_MIN_SEPARATION_DEG,
                    AL_HC_MIN_SEPARATION_BINS / (g0 * MIN (spec.n_w, spec.n_h)) * 180.0 / G_PI);
  lattice->n_grains = find_grains (&spec, g0, separation, lattice->angle_deg, radius,
                                   lattice->spot_snr);
  g_free (spec.power);

  for (guint k = 0; k < lattice->n_grains; k++)
    {
      Demod *d = &demod[k];
      double area = (double) width * height / lattice->n_grains;
      double target = AL_HC_TARGET_SNR * AL_HC_TARGET_SNR;

      /* Faint spots place the ring's radius no better than the
       * calibration does (a few per cent of noise against a lattice
       * constant known to a fraction of one): the scale stays, only the
       * rotation is refined. */
      if (lattice->spot_snr[k] < AL_HC_FREE_SCALE_SNR)
        radius[k] = g0;
      for (int j = 0; j < 2; j++)
        {
          double theta = (lattice->angle_deg[k] + 120.0 * j) * G_PI / 180.0;
          d->g[j][0] = radius[k] * cos (theta);
          d->g[j][1] = radius[k] * sin (theta);
        }
      d->g[2][0] = -d->g[0][0] - d->g[1][0];
      d->g[2][1] = -d->g[0][1] - d->g[1][1];
      /* Power SNR grows as the window's area: 4πL² · snr / area = target. */
      d->window = sqrt (target * area / (MAX (lattice->spot_snr[k], 1e-3) * 4.0 * G_PI));
      owner[k].window = d->window * AL_HC_OWNER_SNR / AL_HC_TARGET_SNR;
      d->window = CLAMP (d->window, AL_HC_MIN_WINDOW_PERIODS * period,
                         MAX (AL_HC_MIN_WINDOW_PERIODS * period,
                              AL_HC_MAX_WINDOW_FRACTION * MIN (width, height)
                                / lattice->n_grains));
      owner[k].window = CLAMP (owner[k].window, AL_HC_MIN_WINDOW_PERIODS * period,
                               MAX (AL_HC_MIN_WINDOW_PERIODS * period,
                                    AL_HC_OWNER_MAX_FRACTION * MIN (width, height)));
      lattice->window_px[k] = d->window;
      /* The scan's step leaves g off by up to half a step (a pixel's phase
       * over a few hundred): once more with g from the phase gradient. */
      for (guint pass = 0; pass < AL_HC_G_PASSES; pass++)
        {
          double moved;
          demod_compute (d, image, width, height, noise_sigma);
          moved = demod_refine_g (d, lattice->spot_snr[k] < AL_HC_FREE_SCALE_SNR);
          demod_clear (d);
          if (moved * MAX (width, height) < AL_HC_G_SETTLED)
            break;
        }
      demod_compute (d, image, width, height, noise_sigma);
      demod_set_basis (d);
      memcpy (owner[k].g, d->g, sizeof d->g);
      demod_compute (&owner[k], image, width, height, noise_sigma);
    }
  for (guint k = 0; k < lattice->n_grains; k++)
    {
      guint first = candidates->len, kept_n = first;
      grain_sites (&demod[k], k, width, height, radius[k], candidates);
      /* A site belongs to the grain whose lattice is strongest there, seen
       * through the narrower window: which grain is there needs less
       * signal than where its sites are. */
      for (guint c = first; c < candidates->len; c++)
        {
          Candidate *cand = &g_array_index (candidates, Candidate, c);
          gboolean own = TRUE;
          cand->signal = demod_signal (&owner[k], cand->site.x, cand->site.y);
          for (guint o = 0; o < lattice->n_grains && own; o++)
            if (o != k && demod_signal (&owner[o], cand->site.x, cand->site.y) > cand->signal)
              own = FALSE;
          if (own)
            g_array_index (candidates, Candidate, kept_n++) = *cand;
        }
      g_array_set_size (candidates, kept_n);
    }
  for (guint k = 0; k < lattice->n_grains; k++)
    {
      demod_clear (&demod[k]);
      demod_clear (&owner[k]);
    }
  keep_apart (candidates, width, height, AL_HC_DUPLICATE_FRACTION * neighbour_px, lattice->sites);
}

void
al_honeycomb_lattice_clear (AlHoneycombLattice *lattice)
{
  g_clear_pointer (&lattice->sites, g_array_unref);
  lattice->n_grains = 0;
}
