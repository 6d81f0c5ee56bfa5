/* al-drift.c: phase correlation between frames (see al-drift.h). */
#include <fftw3.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-error.h"
#include "track/al-drift.h"

/* Frames smaller than this carry too few lattice periods to register. */
#define AL_DRIFT_MIN_SIZE 16
/* Fits of the residual phase after the integer peak and parabola. */
#define AL_DRIFT_PHASE_ITERATIONS 6
/* Frequencies (in bins) below this are left out of the phase fit: the
 * window's own spectrum, which does not move, lives there. */
#define AL_DRIFT_MIN_BIN 2.0

/* FFTW's planner is not thread-safe. */
static GMutex plan_lock;

typedef struct
{
  guint          width, height, half;
  float         *real;
  fftwf_complex *ref, *mov;
  fftwf_plan     forward, backward;
  float         *window;
} AlDriftWork;

static void
work_clear (AlDriftWork *w)
{
  g_mutex_lock (&plan_lock);
  if (w->forward)
    fftwf_destroy_plan (w->forward);
  if (w->backward)
    fftwf_destroy_plan (w->backward);
  g_mutex_unlock (&plan_lock);
  fftwf_free (w->real);
  fftwf_free (w->ref);
  fftwf_free (w->mov);
  g_free (w->window);
}

static gboolean
work_init (AlDriftWork *w,
           guint        width,
           guint        height,
           GError     **error)
{
  gsize n = (gsize) width * height;

  *w = (AlDriftWork) { width, height, width / 2 + 1 };
  if (width < AL_DRIFT_MIN_SIZE || height < AL_DRIFT_MIN_SIZE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frames of %u × %u pixels are too small to measure drift (at least %u × %u)",
                   width, height, AL_DRIFT_MIN_SIZE, AL_DRIFT_MIN_SIZE);
      return FALSE;
    }
  w->real = fftwf_alloc_real (n);
  w->ref = fftwf_alloc_complex ((gsize) height * w->half);
  w->mov = fftwf_alloc_complex ((gsize) height * w->half);
  w->window = g_new (float, n);
  g_mutex_lock (&plan_lock);
  w->forward = fftwf_plan_dft_r2c_2d ((int) height, (int) width, w->real, w->ref, FFTW_ESTIMATE);
  w->backward = fftwf_plan_dft_c2r_2d ((int) height, (int) width, w->mov, w->real, FFTW_ESTIMATE);
  g_mutex_unlock (&plan_lock);
  for (guint y = 0; y < height; y++)
    for (guint x = 0; x < width; x++)
      w->window[(gsize) y * width + x] =
        (float) ((0.5 - 0.5 * cos (2 * G_PI * (x + 0.5) / width))
                 * (0.5 - 0.5 * cos (2 * G_PI * (y + 0.5) / height)));
  return TRUE;
}

/* Mean-free, then windowed (so the still window adds nothing), then FFT. */
static void
work_transform (AlDriftWork   *w,
                const float   *frame,
                fftwf_complex *out)
{
  gsize n = (gsize) w->width * w->height;
  double mean = 0;

  for (gsize q = 0; q < n; q++)
    mean += isfinite (frame[q]) ? frame[q] : 0.0;
  mean /= n;
  for (gsize q = 0; q < n; q++)
    w->real[q] = (float) ((isfinite (frame[q]) ? frame[q] - mean : 0.0) * w->window[q]);
  fftwf_execute_dft_r2c (w->forward, w->real, out);
}

/* Signed frequency of bin k of n, in cycles per pixel. */
static double
freq (guint k,
      guint n)
{
  return (k <= n / 2 ? (double) k : (double) k - n) / n;
}

/* The integer peak of the whitened correlation within max_step_px of no
 * shift (a lattice repeats itself: its aliases one period away are almost
 * as high), refined by a parabola through its neighbours along each axis. */
static void
correlation_peak (AlDriftWork *w,
                  double       max_step_px,
                  double      *dx,
                  double      *dy)
{
  guint W = w->width, H = w->height, bx = 0, by = 0;
  float best = -G_MAXFLOAT;

  for (gsize q = 0; q < (gsize) H * w->half; q++)
    {
      double re = w->ref[q][0] * w->mov[q][0] + w->ref[q][1] * w->mov[q][1];
      double im = w->ref[q][0] * w->mov[q][1] - w->ref[q][1] * w->mov[q][0];
      double m = hypot (re, im);
      /* A shift d: mov = ref·exp(-2πi k·d), so mov·conj(ref) peaks at +d. */
      w->mov[q][0] = m > 0 ? (float) (re / m) : 0.0f;
      w->mov[q][1] = m > 0 ? (float) (im / m) : 0.0f;
    }
  fftwf_execute_dft_c2r (w->backward, w->mov, w->real);
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      if (w->real[(gsize) y * W + x] > best
          && (max_step_px <= 0
              || hypot (x <= W / 2 ? x : (double) x - W, y <= H / 2 ? y : (double) y - H) <= max_step_px))
        {
          best = w->real[(gsize) y * W + x];
          bx = x;
          by = y;
        }
#define AT(x, y) w->real[(gsize) (((y) + H) % H) * W + ((x) + W) % W]
  {
    double l = AT (bx - 1, by), r = AT (bx + 1, by), u = AT (bx, by - 1), d = AT (bx, by + 1);
    double cx = l - 2 * best + r, cy = u - 2 * best + d;
    *dx = (bx <= W / 2 ? (double) bx : (double) bx - W) + (cx < 0 ? 0.5 * (l - r) / cx : 0.0);
    *dy = (by <= H / 2 ? (double) by : (double) by - H) + (cy < 0 ? 0.5 * (u - d) / cy : 0.0);
  }
#undef AT
}

typedef struct
{
  double u, v, re, im, wt;
} AlDriftBin;

/* Weighted least squares on the phase of mov·conj(ref) once the current
 * shift is taken out: what remains is -2π k·δ. The weights |Q|² favour the
 * lattice's strong reflections: bins of noise alone have random phases and
 * would pull the fit towards no change. Bins under AL_DRIFT_MIN_WEIGHT of
 * the strongest add nothing measurable and are left out (speed). */
#define AL_DRIFT_MIN_WEIGHT 1e-6

static void
refine_phase (const AlDriftWork *w,
              double            *dx,
              double            *dy)
{
  g_autoptr (GArray) bins = g_array_new (FALSE, FALSE, sizeof (AlDriftBin));
  double max_wt = 0;

  for (int pass = 0; pass < 2; pass++)
    for (guint ky = 0; ky < w->height; ky++)
      for (guint kx = 0; kx < w->half; kx++)
        {
          gsize q = (gsize) ky * w->half + kx;
          AlDriftBin bin = { freq (kx, w->width), freq (ky, w->height) };
          if (hypot (bin.u * w->width, bin.v * w->height) < AL_DRIFT_MIN_BIN)
            continue;
          bin.re = w->mov[q][0] * w->ref[q][0] + w->mov[q][1] * w->ref[q][1];
          bin.im = w->mov[q][1] * w->ref[q][0] - w->mov[q][0] * w->ref[q][1];
          bin.wt = bin.re * bin.re + bin.im * bin.im;
          if (pass == 0)
            max_wt = MAX (max_wt, bin.wt);
          else if (bin.wt > 0 && bin.wt >= AL_DRIFT_MIN_WEIGHT * max_wt)
            g_array_append_val (bins, bin);
        }
  for (int it = 0; it < AL_DRIFT_PHASE_ITERATIONS; it++)
    {
      double suu = 0, suv = 0, svv = 0, sup = 0, svp = 0, det;

      for (guint k = 0; k < bins->len; k++)
        {
          const AlDriftBin *b = &g_array_index (bins, AlDriftBin, k);
          double c = cos (2 * G_PI * (b->u * *dx + b->v * *dy));
          double s = sin (2 * G_PI * (b->u * *dx + b->v * *dy));
          double phase = atan2 (b->im * c + b->re * s, b->re * c - b->im * s);
          suu += b->wt * b->u * b->u;
          suv += b->wt * b->u * b->v;
          svv += b->wt * b->v * b->v;
          sup += b->wt * b->u * phase;
          svp += b->wt * b->v * phase;
        }
      det = suu * svv - suv * suv;
      if (!(det > 0))
        return;
      /* phase = -2π (u δx + v δy) */
      *dx += -(svv * sup - suv * svp) / det / (2 * G_PI);
      *dy += -(suu * svp - suv * sup) / det / (2 * G_PI);
    }
}

static void
shift_between (AlDriftWork *w,
               const float *reference,
               const float *moved,
               double       max_step_px,
               double      *dx,
               double      *dy)
{
  fftwf_complex *keep;

  work_transform (w, reference, w->ref);
  work_transform (w, moved, w->mov);
  /* The peak search whitens `mov` in place: keep a copy for the phase fit. */
  keep = fftwf_alloc_complex ((gsize) w->height * w->half);
  memcpy (keep, w->mov, sizeof (fftwf_complex) * w->height * w->half);
  correlation_peak (w, max_step_px, dx, dy);
  memcpy (w->mov, keep, sizeof (fftwf_complex) * w->height * w->half);
  fftwf_free (keep);
  refine_phase (w, dx, dy);
}

gboolean
al_drift_pair (const float *reference,
               const float *moved,
               guint        width,
               guint        height,
               double       max_step_px,
               double      *dx,
               double      *dy,
               GError     **error)
{
  AlDriftWork w;

  g_return_val_if_fail (reference != NULL && moved != NULL, FALSE);
  if (!work_init (&w, width, height, error))
    {
      work_clear (&w);
      return FALSE;
    }
  shift_between (&w, reference, moved, max_step_px, dx, dy);
  work_clear (&w);
  return TRUE;
}

gboolean
al_drift_estimate (const AlImage *image,
                   guint          first,
                   guint          last,
                   double         max_step_px,
                   double        *dx,
                   double        *dy,
                   GCancellable  *cancellable,
                   GError       **error)
{
  AlDriftWork w;

  g_return_val_if_fail (image != NULL && dx != NULL && dy != NULL, FALSE);
  if (first > last || last >= image->n_frames)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frames %u–%u are not in an image of %u frames", first, last, image->n_frames);
      return FALSE;
    }
  if (!work_init (&w, image->width, image->height, error))
    {
      work_clear (&w);
      return FALSE;
    }
  dx[0] = dy[0] = 0;
  for (guint f = first + 1; f <= last; f++)
    {
      double sx, sy;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          work_clear (&w);
          return FALSE;
        }
      shift_between (&w, al_image_frame_const (image, f - 1), al_image_frame_const (image, f),
                     max_step_px, &sx, &sy);
      dx[f - first] = dx[f - 1 - first] + sx;
      dy[f - first] = dy[f - 1 - first] + sy;
    }
  work_clear (&w);
  return TRUE;
}
