/* al-honeycomb-spectrum.c: a honeycomb's grains from the power spectrum
 * (step 1 of al-honeycomb-lattice.c): the first-order Bragg ring scanned
 * over directions, each peak of that profile well above its noise a grain.
 */
#include "detect/al-honeycomb-private.h"

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
/* A further grain's spot power SNR is at least this share of the
 * brightest grain's (graphene 1536² at 10⁴, one grain: a noise peak at
 * 1.28 against 87). */
#define AL_HC_MIN_SNR_SHARE 0.05
/* Two grains differ by at least this much, degrees, and by this many
 * angular bins of the spectrum at the ring (a grain's spots leak into
 * their neighbours, the wider the smaller the image). */
#define AL_HC_MIN_SEPARATION_DEG 5.0
#define AL_HC_MIN_SEPARATION_BINS 3.0
#define AL_HC_MAD_TO_SIGMA 1.4826

G_LOCK_DEFINE_STATIC (fftw_planner);

typedef struct
{
  float *power;   /* n_h rows × (n_w / 2 + 1), over the ring's median */
  guint  n_w;
  guint  n_h;
} Spectrum;

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
      /* A grain whose spots are a few per cent of the brightest's covers a
       * few per cent of the image at most: too little to be located at a
       * dose where its spots are that faint (a false one would own its
       * side of the boundary line, al-honeycomb-owner.c). */
      if (!apart || (n > 0 && score[a] / median - 1.0 < AL_HC_MIN_SNR_SHARE * snr[0]))
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


guint
al_hc_find_grains (const float *image,
                   guint        width,
                   guint        height,
                   double       g0,
                   double      *angle_deg,
                   double      *radius,
                   double      *snr)
{
  Spectrum spec = { 0 };
  double separation;
  guint n;

  spectrum_compute (&spec, image, width, height, g0);
  separation = MAX (AL_HC_MIN_SEPARATION_DEG,
                    AL_HC_MIN_SEPARATION_BINS / (g0 * MIN (spec.n_w, spec.n_h)) * 180.0 / G_PI);
  n = find_grains (&spec, g0, separation, angle_deg, radius, snr);
  g_free (spec.power);
  return n;
}
