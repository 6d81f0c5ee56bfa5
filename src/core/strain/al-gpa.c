/* al-gpa.c: geometric phase analysis with FFTW (single precision). */
#include "strain/al-gpa.h"

/* With <complex.h> first, fftwf_complex is C99's float complex. */
#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al-error.h"
#include "graph/al-select.h"

/* Reflections closer to the origin than this (cycles per image side) are
 * the image's slow background, not the lattice. */
#define AL_GPA_MIN_FREQ_BINS 8.0
/* The second reflection: 60° or 120° from the first within this, and of
 * similar length. */
#define AL_GPA_ANGLE_TOLERANCE_DEG 10.0
#define AL_GPA_LENGTH_TOLERANCE 0.15
/* The mask window spans ±4σ. */
#define AL_GPA_WINDOW_SIGMAS 8.0
/* Where the fringe amplitude falls below this fraction of its median the
 * phase means nothing (vacuum, amorphous): strain is NaN there. */
#define AL_GPA_MIN_AMPLITUDE 0.15
#define AL_GPA_MIN_SIDE 16
/* A reflection stands this many times above the mean of its ring. */
#define AL_GPA_MIN_PEAK_CONTRAST 6.0
#define AL_GPA_RING_SAMPLES 64
#define AL_GPA_MIN_MASK_BINS 2.0
/* A first-order reflection is at least this fraction of the strongest
 * one (in graphene the {100} is weaker than the {110}, not negligible). */
#define AL_GPA_MIN_FIRST_ORDER 0.1

/* FFTW planning is not thread-safe. */
static GMutex plan_lock;

void
al_gpa_params_init (AlGpaParams *params)
{
  memset (params, 0, sizeof *params);
  params->auto_g = TRUE;
  params->mask_sigma_fraction = AL_GPA_MASK_SIGMA_FRACTION;
}

void
al_gpa_maps_free (AlGpaMaps *maps)
{
  if (maps == NULL)
    return;
  g_free (maps->exx);
  g_free (maps->eyy);
  g_free (maps->exy);
  g_free (maps->rotation);
  g_free (maps);
}

/* Reciprocal vectors b (rows) of the lattice a1, a2: a_i·b_j = δ_ij. */
void
al_gpa_reciprocal (const double a1[2],
                   const double a2[2],
                   double       b[2][2])
{
  double det = a1[0] * a2[1] - a1[1] * a2[0];

  b[0][0] = a2[1] / det;
  b[0][1] = -a2[0] / det;
  b[1][0] = -a1[1] / det;
  b[1][1] = a1[0] / det;
}

/* For each measured reflection, the nearest of the six first-order
 * reflections ±b1, ±b2, ±(b1 + b2) of a reference lattice. */
void
al_gpa_match_reference (const double g[2][2],
                        const double b[2][2],
                        double       g_ref[2][2])
{
  double cand[6][2] = {
    { b[0][0], b[0][1] }, { b[1][0], b[1][1] }, { b[0][0] + b[1][0], b[0][1] + b[1][1] },
  };

  for (int k = 0; k < 3; k++)
    {
      cand[k + 3][0] = -cand[k][0];
      cand[k + 3][1] = -cand[k][1];
    }
  for (int i = 0; i < 2; i++)
    {
      double best = INFINITY;
      for (int k = 0; k < 6; k++)
        {
          double d = hypot (g[i][0] - cand[k][0], g[i][1] - cand[k][1]);
          if (d < best)
            {
              best = d;
              g_ref[i][0] = cand[k][0];
              g_ref[i][1] = cand[k][1];
            }
        }
    }
}

typedef struct
{
  guint           w, h, wh;     /* wh = w/2 + 1 */
  fftwf_complex  *spec;
} Spectrum;

static float complex
spectrum_at (const Spectrum *s,
             long            kx,
             long            ky)
{
  long h = s->h;

  if (kx >= 0)
    {
      long row = ((ky % h) + h) % h;
      return s->spec[(gsize) row * s->wh + kx];
    }
  else
    {
      long row = ((-ky % h) + h) % h;
      return conjf (s->spec[(gsize) row * s->wh + (-kx)]);
    }
}

/* The strongest reflection (weighted by |k| against the slow background);
 * with `first`, the strongest one 60° or 120° from it and as long. */
static gboolean
find_peak (const Spectrum *s,
           const double   *first,
           double          g[2])
{
  double best = -1.0, fmin = AL_GPA_MIN_FREQ_BINS / MIN (s->w, s->h);
  double fmin2 = fmin * fmin, flo2 = 0.0, fhi2 = INFINITY, f1 = 1.0;
  long bx = 0, by = 0, ky0 = -(long) s->h / 2 + 1, ky1 = (long) s->h / 2, kx1 = (long) s->wh - 1;

  if (first != NULL)
    {
      /* Only the annulus where the second reflection may be. */
      f1 = hypot (first[0], first[1]);
      flo2 = pow ((1.0 - AL_GPA_LENGTH_TOLERANCE) * f1, 2);
      fhi2 = pow ((1.0 + AL_GPA_LENGTH_TOLERANCE) * f1, 2);
      ky0 = MAX (ky0, (long) floor (-sqrt (fhi2) * s->h) - 1);
      ky1 = MIN (ky1, (long) ceil (sqrt (fhi2) * s->h) + 1);
      kx1 = MIN (kx1, (long) ceil (sqrt (fhi2) * s->w) + 1);
    }
  for (long ky = ky0; ky <= ky1; ky++)
    {
      long row = ((ky % (long) s->h) + (long) s->h) % (long) s->h;
      const float complex *line = s->spec + (gsize) row * s->wh;
      double fy = (double) ky / s->h;
      for (long kx = 0; kx <= kx1; kx++)
        {
          double fx = (double) kx / s->w, f2 = fx * fx + fy * fy, sc;
          float complex v = line[kx];
          if (f2 < fmin2 || f2 < flo2 || f2 > fhi2 || (kx == 0 && ky < 0))
            continue;
          if (first != NULL)
            {
              /* cos of the angle to the first: ±1/2 for 60° or 120°. */
              double c = fabs ((fx * first[0] + fy * first[1]) / (sqrt (f2) * f1));
              if (fabs (acos (c) * 180.0 / G_PI - 60.0) > AL_GPA_ANGLE_TOLERANCE_DEG)
                continue;
            }
          /* Squared: |F|²·|k|². */
          sc = (crealf (v) * crealf (v) + cimagf (v) * cimagf (v)) * f2;
          if (sc > best)
            {
              best = sc;
              bx = kx;
              by = ky;
            }
        }
    }
  if (best <= 0.0)
    return FALSE;
  /* Centre of mass of |F|² over the 5×5 bins around the maximum. */
  {
    double sw = 0.0, sx = 0.0, sy = 0.0;
    for (long dy = -2; dy <= 2; dy++)
      for (long dx = -2; dx <= 2; dx++)
        {
          float complex v = spectrum_at (s, bx + dx, by + dy);
          double p = crealf (v) * crealf (v) + cimagf (v) * cimagf (v);
          sw += p;
          sx += p * (bx + dx);
          sy += p * (by + dy);
        }
    g[0] = sx / sw / s->w;
    g[1] = sy / sw / s->h;
  }
  return TRUE;
}

static double
peak_amplitude (const Spectrum *s,
                const double    g[2])
{
  long cx = lround (g[0] * s->w), cy = lround (g[1] * s->h);
  double peak = 0.0;

  for (long dy = -2; dy <= 2; dy++)
    for (long dx = -2; dx <= 2; dx++)
      peak = MAX (peak, cabsf (spectrum_at (s, cx + dx, cy + dy)));
  return peak;
}

/* Largest |F| within ±2 bins of g over the mean |F| on the circle of
 * radius |g|: how clearly g is a reflection. */
static double
peak_contrast (const Spectrum *s,
               const double    g[2])
{
  long cx = lround (g[0] * s->w), cy = lround (g[1] * s->h);
  double peak = 0.0, ring = 0.0, r = hypot (g[0], g[1]);

  for (long dy = -2; dy <= 2; dy++)
    for (long dx = -2; dx <= 2; dx++)
      peak = MAX (peak, cabsf (spectrum_at (s, cx + dx, cy + dy)));
  for (int k = 0; k < AL_GPA_RING_SAMPLES; k++)
    {
      double a = 2.0 * G_PI * k / AL_GPA_RING_SAMPLES;
      ring += cabsf (spectrum_at (s, lround (r * cos (a) * s->w), lround (r * sin (a) * s->h)));
    }
  ring /= AL_GPA_RING_SAMPLES;
  return ring > 0.0 ? peak / ring : 0.0;
}

/* The strongest reflection may be of second order ({110} at √3 |g|, 30°
 * off, or {200} at 2 |g|); GPA wants the first order, so step down while a
 * clear reflection sits where the first order would be. */
static void
first_order (const Spectrum *s,
             double          g[2])
{
  double strongest = cabsf (spectrum_at (s, lround (g[0] * s->w), lround (g[1] * s->h)));

  for (int step = 0; step < 2; step++)
    {
      double cand[3][2], c30 = cos (G_PI / 6), s30 = sin (G_PI / 6), r3 = 1.0 / sqrt (3.0);
      gboolean moved = FALSE;
      cand[0][0] = r3 * (c30 * g[0] - s30 * g[1]);
      cand[0][1] = r3 * (s30 * g[0] + c30 * g[1]);
      cand[1][0] = r3 * (c30 * g[0] + s30 * g[1]);
      cand[1][1] = r3 * (-s30 * g[0] + c30 * g[1]);
      cand[2][0] = 0.5 * g[0];
      cand[2][1] = 0.5 * g[1];
      for (int k = 0; k < 3 && !moved; k++)
        if (hypot (cand[k][0] * s->w, cand[k][1] * s->h) >= AL_GPA_MIN_FREQ_BINS
            && peak_contrast (s, cand[k]) > AL_GPA_MIN_PEAK_CONTRAST
            && peak_amplitude (s, cand[k]) > AL_GPA_MIN_FIRST_ORDER * strongest)
          {
            g[0] = cand[k][0];
            g[1] = cand[k][1];
            moved = TRUE;
          }
      if (!moved)
        return;
    }
}

/* Demodulated fringe image of one reflection and its x, y derivatives, on
 * an mx × my grid; returns the phase gradient (rad/px) and amplitude. */
static void
fringe_gradient (const Spectrum *s,
                 const double    g[2],
                 const double    g_ref[2],
                 double          sigma,
                 guint           mx,
                 guint           my,
                 float          *gx,
                 float          *gy,
                 float          *amp)
{
  gsize n = (gsize) mx * my;
  fftwf_complex *buf = fftwf_malloc (3 * n * sizeof (fftwf_complex));
  fftwf_plan plan;
  long cx = lround (g[0] * s->w), cy = lround (g[1] * s->h);
  int dims[2] = { (int) my, (int) mx };

  memset (buf, 0, 3 * n * sizeof (fftwf_complex));
  for (long j = -(long) my / 2; j < (long) my - (long) my / 2; j++)
    for (long i = -(long) mx / 2; i < (long) mx - (long) mx / 2; i++)
      {
        long kx = cx + i, ky = cy + j;
        double dfx = (double) kx / s->w - g[0], dfy = (double) ky / s->h - g[1];
        double m = exp (-(dfx * dfx + dfy * dfy) / (2.0 * sigma * sigma));
        float complex v = spectrum_at (s, kx, ky) * (float) m;
        gsize idx = (gsize) ((j + my) % my) * mx + (gsize) ((i + mx) % mx);
        float complex vx = v * (float complex) (2.0 * G_PI * I * (double) i / s->w);
        float complex vy = v * (float complex) (2.0 * G_PI * I * (double) j / s->h);
        buf[idx] = v;
        buf[n + idx] = vx;
        buf[2 * n + idx] = vy;
      }
  g_mutex_lock (&plan_lock);
  plan = fftwf_plan_many_dft (2, dims, 3, buf, NULL, 1, (int) n, buf, NULL, 1, (int) n,
                              FFTW_BACKWARD, FFTW_ESTIMATE);
  g_mutex_unlock (&plan_lock);
  fftwf_execute (plan);
  g_mutex_lock (&plan_lock);
  fftwf_destroy_plan (plan);
  g_mutex_unlock (&plan_lock);
  {
    double carrier_x = 2.0 * G_PI * ((double) cx / s->w - g_ref[0]);
    double carrier_y = 2.0 * G_PI * ((double) cy / s->h - g_ref[1]);
    for (gsize k = 0; k < n; k++)
      {
        float complex hv = buf[k], hx = buf[n + k], hy = buf[2 * n + k];
        float a2 = crealf (hv * conjf (hv));
        amp[k] = sqrtf (a2);
        gx[k] = a2 > 0 ? cimagf (conjf (hv) * hx) / a2 + (float) carrier_x : NAN;
        gy[k] = a2 > 0 ? cimagf (conjf (hv) * hy) / a2 + (float) carrier_y : NAN;
      }
  }
  fftwf_free (buf);
}

static float
median_of (const float *v,
           gsize        n)
{
  g_autofree double *c = g_new (double, n);

  for (gsize k = 0; k < n; k++)
    c[k] = v[k];
  return (float) al_select_median (c, n);
}

/* A reflection's position from the spectrum is off by a fraction of a bin
 * (the lattice does not fit the image periodically), which would show as a
 * uniform strain: make the median phase gradient zero instead, so a
 * measured reference means "the field's own mean lattice". */
static void
refine_reference (AlGpaMaps *maps,
                  float     *gx,
                  float     *gy,
                  const float *amp,
                  gsize      nc)
{
  for (int k = 0; k < 2; k++)
    {
      float *px = gx + k * nc, *py = gy + k * nc;
      float thr = AL_GPA_MIN_AMPLITUDE * median_of (amp + k * nc, nc);
      g_autofree float *vx = g_new (float, nc);
      g_autofree float *vy = g_new (float, nc);
      gsize n = 0;
      float mx, my;
      for (gsize i = 0; i < nc; i++)
        if (amp[k * nc + i] >= thr && !isnan (px[i]))
          {
            vx[n] = px[i];
            vy[n] = py[i];
            n++;
          }
      if (n == 0)
        continue;
      mx = median_of (vx, n);
      my = median_of (vy, n);
      for (gsize i = 0; i < nc; i++)
        {
          px[i] -= mx;
          py[i] -= my;
        }
      maps->g_ref[k][0] += mx / (2.0 * G_PI);
      maps->g_ref[k][1] += my / (2.0 * G_PI);
      maps->g[k][0] = maps->g_ref[k][0];
      maps->g[k][1] = maps->g_ref[k][1];
    }
}

/* Bilinear interpolation of four periodic coarse maps to every pixel, the
 * column weights computed once. */
static void
upsample (const float *coarse,
          gsize        nc,
          guint        mx,
          guint        my,
          float       *out[4],
          guint        w,
          guint        h)
{
  g_autofree guint *p0 = g_new (guint, w);
  g_autofree guint *p1 = g_new (guint, w);
  g_autofree float *tx = g_new (float, w);

  for (guint x = 0; x < w; x++)
    {
      double u = (double) x * mx / w;
      p0[x] = (guint) u % mx;
      p1[x] = (p0[x] + 1) % mx;
      tx[x] = (float) (u - floor (u));
    }
  for (guint y = 0; y < h; y++)
    {
      double v = (double) y * my / h;
      guint q0 = (guint) v % my, q1 = (q0 + 1) % my;
      float ty = (float) (v - floor (v));
      for (int m = 0; m < 4; m++)
        {
          const float *r0 = coarse + m * nc + (gsize) q0 * mx, *r1 = coarse + m * nc + (gsize) q1 * mx;
          float *o = out[m] + (gsize) y * w;
          for (guint x = 0; x < w; x++)
            {
              float a = r0[p0[x]] + tx[x] * (r0[p1[x]] - r0[p0[x]]);
              float b = r1[p0[x]] + tx[x] * (r1[p1[x]] - r1[p0[x]]);
              o[x] = a + ty * (b - a);
            }
        }
    }
}

static guint
window_size (double sigma_bins,
             guint  side)
{
  guint m = (guint) ceil (AL_GPA_WINDOW_SIGMAS * sigma_bins / 8.0) * 8;
  return CLAMP (m, 16u, side);
}

static gboolean
forward_spectrum (const float *frame,
                  guint        w,
                  guint        h,
                  Spectrum    *s)
{
  float *in = fftwf_malloc ((gsize) w * h * sizeof (float));
  double mean = 0.0;
  fftwf_plan plan;

  for (gsize k = 0; k < (gsize) w * h; k++)
    mean += frame[k];
  mean /= (double) w * h;
  for (gsize k = 0; k < (gsize) w * h; k++)
    in[k] = frame[k] - (float) mean;
  s->w = w;
  s->h = h;
  s->wh = w / 2 + 1;
  s->spec = fftwf_malloc ((gsize) h * s->wh * sizeof (fftwf_complex));
  g_mutex_lock (&plan_lock);
  plan = fftwf_plan_dft_r2c_2d ((int) h, (int) w, in, s->spec, FFTW_ESTIMATE);
  g_mutex_unlock (&plan_lock);
  fftwf_execute (plan);
  g_mutex_lock (&plan_lock);
  fftwf_destroy_plan (plan);
  g_mutex_unlock (&plan_lock);
  fftwf_free (in);
  return TRUE;
}

/* Strain maps of one frame (w × h float32 pixels). */
AlGpaMaps *
al_gpa_run (const float       *frame,
            guint              w,
            guint              h,
            const AlGpaParams *params,
            GCancellable      *cancellable,
            GError           **error)
{
  g_autoptr (AlGpaMaps) maps = NULL;
  AlGpaParams defaults;
  Spectrum s = { 0 };
  double frac, g1, sigma, det, ginv[2][2];
  guint mx, my;
  gsize nc;
  g_autofree float *gx = NULL, *gy = NULL, *amp = NULL, *d = NULL;

  if (params == NULL)
    {
      al_gpa_params_init (&defaults);
      params = &defaults;
    }
  if (w < AL_GPA_MIN_SIDE || h < AL_GPA_MIN_SIDE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The image (%u × %u px) is too small for geometric phase analysis", w, h);
      return NULL;
    }
  maps = g_new0 (AlGpaMaps, 1);
  maps->width = w;
  maps->height = h;
  forward_spectrum (frame, w, h, &s);
  if (params->auto_g)
    {
      gboolean found = find_peak (&s, NULL, maps->g[0]);
      if (found)
        first_order (&s, maps->g[0]);
      if (!found || !find_peak (&s, maps->g[0], maps->g[1]))
        {
          fftwf_free (s.spec);
          g_set_error (error, AL_ERROR, AL_ERROR_FAILED,
                       "No two lattice reflections 60° or 120° apart in the image's spectrum");
          return NULL;
        }
    }
  else
    memcpy (maps->g, params->g, sizeof maps->g);
  memcpy (maps->g_ref, params->have_reference ? params->g_ref : maps->g, sizeof maps->g_ref);
  /* Tentative when measured: refined below from the phase gradients. */
  det = maps->g_ref[0][0] * maps->g_ref[1][1] - maps->g_ref[0][1] * maps->g_ref[1][0];
  if (fabs (det) < 1e-12)
    {
      fftwf_free (s.spec);
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "The two reflections are collinear");
      return NULL;
    }
  frac = params->mask_sigma_fraction > 0 ? params->mask_sigma_fraction : AL_GPA_MASK_SIGMA_FRACTION;
  g1 = MIN (hypot (maps->g[0][0], maps->g[0][1]), hypot (maps->g[1][0], maps->g[1][1]));
  /* A mask narrower than a couple of frequency bins rings with the field's
   * edges: small images get a wider one. */
  sigma = MAX (frac * g1, AL_GPA_MIN_MASK_BINS / MIN (w, h));
  mx = window_size (sigma * w, w);
  my = window_size (sigma * h, h);
  nc = (gsize) mx * my;
  gx = g_new (float, 2 * nc);
  gy = g_new (float, 2 * nc);
  amp = g_new (float, 2 * nc);
  for (int k = 0; k < 2; k++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          fftwf_free (s.spec);
          return NULL;
        }
      fringe_gradient (&s, maps->g[k], maps->g_ref[k], sigma, mx, my, gx + k * nc, gy + k * nc, amp + k * nc);
    }
  fftwf_free (s.spec);
  if (!params->have_reference)
    refine_reference (maps, gx, gy, amp, nc);

  /* D = −(1/2π) G⁻¹ ∇P on the coarse grid: exx, eyy, exy, rotation. */
  ginv[0][0] = maps->g_ref[1][1] / det;
  ginv[0][1] = -maps->g_ref[0][1] / det;
  ginv[1][0] = -maps->g_ref[1][0] / det;
  ginv[1][1] = maps->g_ref[0][0] / det;
  d = g_new (float, 4 * nc);
  {
    float thr0 = AL_GPA_MIN_AMPLITUDE * median_of (amp, nc);
    float thr1 = AL_GPA_MIN_AMPLITUDE * median_of (amp + nc, nc);
    for (gsize k = 0; k < nc; k++)
      {
        double p[2][2] = { { gx[k], gy[k] }, { gx[nc + k], gy[nc + k] } };
        double dm[2][2];
        gboolean ok = amp[k] >= thr0 && amp[nc + k] >= thr1;
        for (int i = 0; i < 2; i++)
          for (int j = 0; j < 2; j++)
            dm[i][j] = -(ginv[i][0] * p[0][j] + ginv[i][1] * p[1][j]) / (2.0 * G_PI);
        d[k] = ok ? (float) dm[0][0] : NAN;
        d[nc + k] = ok ? (float) dm[1][1] : NAN;
        d[2 * nc + k] = ok ? (float) (0.5 * (dm[0][1] + dm[1][0])) : NAN;
        d[3 * nc + k] = ok ? (float) (0.5 * (dm[1][0] - dm[0][1]) * 180.0 / G_PI) : NAN;
      }
  }
  maps->exx = g_new (float, (gsize) w * h);
  maps->eyy = g_new (float, (gsize) w * h);
  maps->exy = g_new (float, (gsize) w * h);
  maps->rotation = g_new (float, (gsize) w * h);
  {
    float *out[4] = { maps->exx, maps->eyy, maps->exy, maps->rotation };
    upsample (d, nc, mx, my, out, w, h);
  }
  return g_steal_pointer (&maps);
}
