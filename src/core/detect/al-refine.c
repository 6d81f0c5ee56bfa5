/* al-refine.c: joint Gaussian fitting of atomic columns (see al-refine.h).
 *
 * Each column is fitted in a square window by Levenberg–Marquardt with the
 * model A·exp(-r²/2s²) + b on the data minus the other columns' current
 * Gaussians. Exponentials are separable, so a window costs 2(2R+1) exp()
 * per evaluation. Sweeps are Jacobi iterations: every column reads the
 * model of the previous sweep, so the columns split over threads with no
 * locking, and the result does not depend on the number of threads.
 */
#include "detect/al-refine.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-filter.h"

#define AL_REFINE_MAX_PARAMS 5
#define AL_REFINE_MAX_ITERATIONS 15
/* LM stops when a step moves the column less than this, px. */
#define AL_REFINE_STEP_PX 1e-3
/* Columns are drawn into the model image out to this many sigmas. */
#define AL_REFINE_RENDER_SIGMAS 4.0
/* The window reaches this many starting widths from the centre. */
#define AL_REFINE_WINDOW_SIGMAS 2.5
/* Noise model: this many equal-count bins of model value. */
#define AL_REFINE_NOISE_BINS 16
/* Columns used to fit the noise model, at most. */
#define AL_REFINE_NOISE_COLUMNS 1000
/* A window needs this many pixels inside the image to be fitted. */
#define AL_REFINE_MIN_PIXELS 9
/* Columns used to measure the width profile, at most. */
#define AL_REFINE_PROFILE_COLUMNS 4000
/* Radial bins of the width profile, px. */
#define AL_REFINE_PROFILE_BIN_PX 0.25
/* Fraction of a sweep's change taken (see al_refine_columns). */
#define AL_REFINE_DAMPING 0.65

enum { P_X, P_Y, P_A, P_B, P_S };

typedef struct
{
  double gain;     /* variance = gain · model + offset */
  double offset;
  double floor;    /* smallest variance believed */
} NoiseModel;

typedef struct
{
  const float          *image;
  const float          *model;
  guint                 width;
  guint                 height;
  const AlColumnFit    *old;
  AlColumnFit          *new;
  guint                 start;
  guint                 end;
  const AlRefineParams *params;
  const NoiseModel     *noise;     /* NULL: unweighted */
  const float          *bg_map;    /* NULL: a background per column is fitted */
  int                   parity;    /* >= 0: fit only pixels with (x + y) % 2 == parity */
  const double         *origin;    /* x, y where each column started (prior centre) */
  const guint8         *active;    /* NULL: fit all; else only columns marked */
  double                prior_inv_var;
  gboolean              fix_width;
  double                fixed_width;
  int                   radius;
  GCancellable         *cancellable;
} SweepJob;

void
al_refine_params_init (AlRefineParams *params,
                       double          width_px)
{
  memset (params, 0, sizeof *params);
  params->width_px = width_px;
  params->max_shift_px = 1.5 * width_px;
  params->min_width_px = 0.4 * width_px;
  params->max_width_px = 2.5 * width_px;
  params->max_sweeps = 6;
  params->converged_px = 0.005;
  params->fix_width = TRUE;
  params->weighted = TRUE;
  params->n_threads = 1;
}

/* Solves the symmetric positive system a x = b (n ≤ 5) by Cholesky; the
 * inverse goes to `inv` when not NULL. FALSE when not positive definite. */
static gboolean
cholesky_solve (const double *a,
                const double *b,
                double       *x,
                double       *inv,
                int           n)
{
  double l[AL_REFINE_MAX_PARAMS * AL_REFINE_MAX_PARAMS] = { 0 };

  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++)
      {
        double s = a[i * n + j];
        for (int k = 0; k < j; k++)
          s -= l[i * n + k] * l[j * n + k];
        if (i == j)
          {
            if (s <= 0.0 || !isfinite (s))
              return FALSE;
            l[i * n + i] = sqrt (s);
          }
        else
          l[i * n + j] = s / l[j * n + j];
      }
  for (int col = -1; col < (inv ? n : 0); col++)
    {
      double y[AL_REFINE_MAX_PARAMS], *out = col < 0 ? x : NULL, z[AL_REFINE_MAX_PARAMS];
      for (int i = 0; i < n; i++)
        {
          double s = col < 0 ? b[i] : (i == col ? 1.0 : 0.0);
          for (int k = 0; k < i; k++)
            s -= l[i * n + k] * y[k];
          y[i] = s / l[i * n + i];
        }
      for (int i = n - 1; i >= 0; i--)
        {
          double s = y[i];
          for (int k = i + 1; k < n; k++)
            s -= l[k * n + i] * z[k];
          z[i] = s / l[i * n + i];
        }
      for (int i = 0; i < n; i++)
        {
          if (out != NULL)
            out[i] = z[i];
          else
            inv[i * n + col] = z[i];
        }
    }
  return TRUE;
}

/* The window of a column: [x0, x1) × [y0, y1), clipped to the image. */
typedef struct
{
  int x0, x1, y0, y1;
} Window;

static Window
column_window (double x,
               double y,
               int    radius,
               guint  width,
               guint  height)
{
  Window w;
  int cx = (int) lround (x), cy = (int) lround (y);

  w.x0 = MAX (cx - radius, 0);
  w.x1 = MIN (cx + radius + 1, (int) width);
  w.y0 = MAX (cy - radius, 0);
  w.y1 = MIN (cy + radius + 1, (int) height);
  return w;
}

static void
gauss_1d (double *out,
          int     start,
          int     end,
          double  centre,
          double  sigma)
{
  double k = -0.5 / (sigma * sigma);
  for (int i = start; i < end; i++)
    out[i - start] = exp (k * (i - centre) * (i - centre));
}

/* χ² (and, when `jtj` is not NULL, the normal equations) of parameters `p`
 * over the window. */
static double
evaluate (const float   *data,
          const float   *weight,
          const Window  *w,
          const double  *p,
          int            n_p,
          double         width,
          double        *jtj,
          double        *jtr)
{
  double ex[256], ey[256];
  double s = n_p > P_S ? p[P_S] : width;
  double inv_s2 = 1.0 / (s * s);
  int ww = w->x1 - w->x0;
  double chi2 = 0.0;

  gauss_1d (ex, w->x0, w->x1, p[P_X], s);
  gauss_1d (ey, w->y0, w->y1, p[P_Y], s);
  if (jtj != NULL)
    {
      memset (jtj, 0, sizeof (double) * n_p * n_p);
      memset (jtr, 0, sizeof (double) * n_p);
    }
  for (int y = w->y0; y < w->y1; y++)
    {
      double dy = y - p[P_Y];
      for (int x = w->x0; x < w->x1; x++)
        {
          gsize k = (gsize) (y - w->y0) * ww + (x - w->x0);
          double dx = x - p[P_X];
          double g = ex[x - w->x0] * ey[y - w->y0];
          double r = data[k] - (p[P_A] * g + p[P_B]);
          double wt = weight ? weight[k] : 1.0;
          double jac[AL_REFINE_MAX_PARAMS];

          chi2 += wt * r * r;
          if (jtj == NULL)
            continue;
          jac[P_X] = p[P_A] * g * dx * inv_s2;
          jac[P_Y] = p[P_A] * g * dy * inv_s2;
          jac[P_A] = g;
          jac[P_B] = 1.0;
          if (n_p > P_S)
            jac[P_S] = p[P_A] * g * (dx * dx + dy * dy) * inv_s2 / s;
          for (int i = 0; i < n_p; i++)
            {
              double wj = wt * jac[i];
              jtr[i] += wj * r;
              for (int j = 0; j <= i; j++)
                jtj[i * n_p + j] += wj * jac[j];
            }
        }
    }
  if (jtj != NULL)
    for (int i = 0; i < n_p; i++)
      for (int j = i + 1; j < n_p; j++)
        jtj[i * n_p + j] = jtj[j * n_p + i];
  return chi2;
}

/* A Gaussian prior on the position, about where the column started: it
 * keeps a faint column (a few electrons) from running off to a lump of
 * noise, and is negligible for any column measured better than it. */
static double
add_prior (const double *p,
           const double *centre,
           double        inv_var,
           int           n_p,
           double       *jtj,
           double       *jtr)
{
  double dx, dy;

  if (centre == NULL || inv_var <= 0.0)
    return 0.0;
  dx = p[P_X] - centre[0];
  dy = p[P_Y] - centre[1];
  if (jtj != NULL)
    {
      jtj[P_X * n_p + P_X] += inv_var;
      jtj[P_Y * n_p + P_Y] += inv_var;
      jtr[P_X] -= inv_var * dx;
      jtr[P_Y] -= inv_var * dy;
    }
  return inv_var * (dx * dx + dy * dy);
}

/* Fits one column; `old` is its previous fit (already in the model). */
static void
fit_column (const SweepJob    *job,
            guint              index,
            const AlColumnFit *old,
            AlColumnFit       *fit)
{
  const double *centre = job->noise != NULL && job->origin != NULL ? job->origin + 2 * index : NULL;
  const AlRefineParams *prm = job->params;
  Window w = column_window (old->x, old->y, job->radius, job->width, job->height);
  int ww = w.x1 - w.x0, wh = w.y1 - w.y0;
  gboolean fixed_bg = job->bg_map != NULL;
  int n_p = fixed_bg ? 3 : job->fix_width ? 4 : 5;
  double p[AL_REFINE_MAX_PARAMS], trial[AL_REFINE_MAX_PARAMS];
  double jtj[25], jtr[5], a[25], step[5], cov[25], trial_jtj[25], trial_jtr[5];
  double ex[256], ey[256];
  float data[256 * 8], weight[256 * 8];
  float *d = data, *wt = weight;
  g_autofree float *big = NULL;
  double lambda = 1e-3, chi2;
  gsize n_px = (gsize) ww * wh;

  *fit = *old;
  fit->ok = FALSE;
  if (n_px < AL_REFINE_MIN_PIXELS || ww > 255 || wh > 255)
    return;
  if (n_px > G_N_ELEMENTS (data))
    {
      big = g_new (float, 2 * n_px);
      d = big;
      wt = big + n_px;
    }

  /* Data: the image minus every other column's model. */
  gauss_1d (ex, w.x0, w.x1, old->x, old->width);
  gauss_1d (ey, w.y0, w.y1, old->y, old->width);
  for (int y = w.y0; y < w.y1; y++)
    for (int x = w.x0; x < w.x1; x++)
      {
        gsize k = (gsize) (y - w.y0) * ww + (x - w.x0);
        gsize i = (gsize) y * job->width + x;
        double own = old->ok ? old->amplitude * ex[x - w.x0] * ey[y - w.y0] : 0.0;
        double bg = fixed_bg ? job->bg_map[i] : old->background;
        d[k] = (float) (job->image[i] - job->model[i] + own - (fixed_bg ? bg : 0.0));
        if (job->parity >= 0 && ((x + y) & 1) != job->parity)
          wt[k] = 0.0f;
        else if (job->noise == NULL)
          wt[k] = 1.0f;
        else
          {
            double m = job->model[i] + bg;
            wt[k] = (float) (1.0 / MAX (job->noise->gain * m + job->noise->offset, job->noise->floor));
          }
      }

  p[P_X] = old->x;
  p[P_Y] = old->y;
  p[P_A] = old->amplitude;
  p[P_B] = fixed_bg ? 0.0 : old->background;
  p[P_S] = job->fix_width ? job->fixed_width : old->width;

  chi2 = evaluate (d, wt, &w, p, n_p, p[P_S], jtj, jtr)
         + add_prior (p, centre, job->prior_inv_var, n_p, jtj, jtr);
  for (int it = 0; it < AL_REFINE_MAX_ITERATIONS; it++)
    {
      double trial_chi2;
      memcpy (a, jtj, sizeof (double) * n_p * n_p);
      for (int i = 0; i < n_p; i++)
        a[i * n_p + i] *= 1.0 + lambda;
      if (!cholesky_solve (a, jtr, step, NULL, n_p))
        {
          lambda *= 10.0;
          if (lambda > 1e8)
            break;
          continue;
        }
      memcpy (trial, p, sizeof trial);
      for (int i = 0; i < n_p; i++)
        trial[i] += step[i];
      if (n_p > P_S)
        trial[P_S] = CLAMP (trial[P_S], prm->min_width_px, prm->max_width_px);
      /* The normal equations at the trial point come in the same pass:
       * most steps are taken. */
      trial_chi2 = evaluate (d, wt, &w, trial, n_p, trial[P_S], trial_jtj, trial_jtr)
                   + add_prior (trial, centre, job->prior_inv_var, n_p, trial_jtj, trial_jtr);
      if (trial_chi2 <= chi2)
        {
          gboolean small = fabs (step[P_X]) < AL_REFINE_STEP_PX && fabs (step[P_Y]) < AL_REFINE_STEP_PX;
          memcpy (p, trial, sizeof p);
          memcpy (jtj, trial_jtj, sizeof jtj);
          memcpy (jtr, trial_jtr, sizeof jtr);
          chi2 = trial_chi2;
          lambda = MAX (lambda * 0.1, 1e-7);
          if (small)
            break;
        }
      else
        {
          lambda *= 10.0;
          if (lambda > 1e8)
            break;
        }
    }

  if (!(p[P_A] > 0.0) || hypot (p[P_X] - old->x, p[P_Y] - old->y) > prm->max_shift_px
      || !isfinite (p[P_X]) || !isfinite (p[P_Y]))
    return;
  if (!cholesky_solve (jtj, jtr, step, cov, n_p))
    return;
  {
    /* Unweighted or mis-modelled fits: scale by the reduced χ². */
    double dof = MAX ((double) (job->parity >= 0 ? n_px / 2 : n_px) - n_p, 1.0);
    double scale = job->noise ? MAX (chi2 / dof, 1.0) : chi2 / dof;
    fit->se_x = sqrt (cov[P_X * n_p + P_X] * scale);
    fit->se_y = sqrt (cov[P_Y * n_p + P_Y] * scale);
    fit->se_amplitude = sqrt (cov[P_A * n_p + P_A] * scale);
  }
  fit->x = p[P_X];
  fit->y = p[P_Y];
  fit->amplitude = p[P_A];
  fit->background = fixed_bg
    ? job->bg_map[(gsize) CLAMP (lround (p[P_Y]), 0, (long) job->height - 1) * job->width
                  + CLAMP (lround (p[P_X]), 0, (long) job->width - 1)]
    : p[P_B];
  fit->width = p[P_S];
  fit->ok = TRUE;
}

static gpointer
sweep_thread (gpointer data)
{
  SweepJob *job = data;

  for (guint i = job->start; i < job->end; i++)
    {
      if ((i & 255) == 0 && g_cancellable_is_cancelled (job->cancellable))
        break;
      if (job->old[i].ok && (job->active == NULL || job->active[i]))
        fit_column (job, i, &job->old[i], &job->new[i]);
      else
        job->new[i] = job->old[i];
    }
  return NULL;
}

typedef struct
{
  float             *model;
  guint              width;
  guint              height;
  const AlColumnFit *columns;
  guint              n_columns;
  int                y_start;   /* rows [y_start, y_end) of the model */
  int                y_end;
} RenderJob;

static gpointer
render_band (gpointer data)
{
  RenderJob *job = data;
  double ex[256], ey[256];

  memset (job->model + (gsize) job->y_start * job->width, 0,
          sizeof (float) * job->width * (job->y_end - job->y_start));
  for (guint c = 0; c < job->n_columns; c++)
    {
      const AlColumnFit *col = &job->columns[c];
      int r = MIN ((int) ceil (AL_REFINE_RENDER_SIGMAS * col->width), 127);
      Window w;
      if (!col->ok)
        continue;
      w = column_window (col->x, col->y, r, job->width, job->height);
      w.y0 = MAX (w.y0, job->y_start);
      w.y1 = MIN (w.y1, job->y_end);
      if (w.y0 >= w.y1)
        continue;
      gauss_1d (ex, w.x0, w.x1, col->x, col->width);
      gauss_1d (ey, w.y0, w.y1, col->y, col->width);
      for (int y = w.y0; y < w.y1; y++)
        {
          float *row = job->model + (gsize) y * job->width;
          double ay = col->amplitude * ey[y - w.y0];
          for (int x = w.x0; x < w.x1; x++)
            row[x] += (float) (ay * ex[x - w.x0]);
        }
    }
  return NULL;
}

/* Sum of every fitted column's Gaussian (no background), drawn by
 * `n_threads` threads each owning a band of rows. */
static void
render_threaded (float             *model,
                 guint              width,
                 guint              height,
                 const AlColumnFit *columns,
                 guint              n_columns,
                 guint              n_threads)
{
  RenderJob jobs[16];
  GThread *threads[16];

  n_threads = CLAMP (n_threads, 1, MIN (G_N_ELEMENTS (jobs), height));
  for (guint t = 0; t < n_threads; t++)
    {
      jobs[t] = (RenderJob) { model, width, height, columns, n_columns,
                              (int) ((guint64) height * t / n_threads),
                              (int) ((guint64) height * (t + 1) / n_threads) };
      threads[t] = t == 0 ? NULL : g_thread_new ("al-render", render_band, &jobs[t]);
    }
  render_band (&jobs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

/* Sum of every fitted column's Gaussian (no background). */
void
al_refine_render (float             *model,
                  guint              width,
                  guint              height,
                  const AlColumnFit *columns,
                  guint              n_columns)
{
  render_threaded (model, width, height, columns, n_columns, 1);
}

typedef struct
{
  float m;
  float r2;
} NoiseSample;

static int
compare_samples (gconstpointer a,
                 gconstpointer b)
{
  float x = ((const NoiseSample *) a)->m, y = ((const NoiseSample *) b)->m;
  return (x > y) - (x < y);
}

/* Fits variance = gain · model + offset to the squared residuals, binned by
 * model value; FALSE when there is too little to go on. */
static gboolean
fit_noise_model (const float       *image,
                 const float       *model,
                 guint              width,
                 guint              height,
                 const AlColumnFit *columns,
                 guint              n_columns,
                 int                radius,
                 NoiseModel        *noise)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (NoiseSample));
  guint stride = MAX (1, n_columns / AL_REFINE_NOISE_COLUMNS);
  double bin_m[AL_REFINE_NOISE_BINS], bin_v[AL_REFINE_NOISE_BINS];
  double sv = 0, min_var = G_MAXDOUBLE;
  guint per_bin;

  for (guint c = 0; c < n_columns; c += stride)
    {
      const AlColumnFit *col = &columns[c];
      Window w;
      if (!col->ok)
        continue;
      w = column_window (col->x, col->y, radius, width, height);
      for (int y = w.y0; y < w.y1; y++)
        for (int x = w.x0; x < w.x1; x++)
          {
            gsize i = (gsize) y * width + x;
            NoiseSample s;
            double r = image[i] - model[i] - col->background;
            s.m = (float) (model[i] + col->background);
            s.r2 = (float) (r * r);
            g_array_append_val (samples, s);
          }
    }
  if (samples->len < 4 * AL_REFINE_NOISE_BINS)
    return FALSE;
  g_array_sort (samples, compare_samples);
  per_bin = samples->len / AL_REFINE_NOISE_BINS;
  for (guint b = 0; b < AL_REFINE_NOISE_BINS; b++)
    {
      bin_m[b] = bin_v[b] = 0;
      for (guint k = b * per_bin; k < (b + 1) * per_bin; k++)
        {
          bin_m[b] += g_array_index (samples, NoiseSample, k).m;
          bin_v[b] += g_array_index (samples, NoiseSample, k).r2;
        }
      bin_m[b] /= per_bin;
      bin_v[b] /= per_bin;
      min_var = MIN (min_var, bin_v[b]);
      sv += bin_v[b];
    }
  /* A bin's mean square scatters in proportion to its variance: weighted
   * least squares, re-weighted by the fitted line. */
  noise->gain = 0.0;
  noise->offset = sv / AL_REFINE_NOISE_BINS;
  for (int pass = 0; pass < 4; pass++)
    {
      double sw = 0, sm = 0, svv = 0, smm = 0, smv = 0, gain, offset;
      for (guint b = 0; b < AL_REFINE_NOISE_BINS; b++)
        {
          double pred = MAX (noise->gain * bin_m[b] + noise->offset, 0.5 * min_var);
          double wt = 1.0 / (pred * pred);
          sw += wt;
          sm += wt * bin_m[b];
          svv += wt * bin_v[b];
          smm += wt * bin_m[b] * bin_m[b];
          smv += wt * bin_m[b] * bin_v[b];
        }
      gain = (sw * smv - sm * svv) / MAX (sw * smm - sm * sm, 1e-300);
      if (!(gain > 0.0))
        gain = 0.0;
      offset = (svv - gain * sm) / sw;
      noise->gain = gain;
      noise->offset = offset;
    }
  noise->floor = MAX (0.5 * min_var, 1e-20);
  return sv > 0.0;
}

static double
median_width (const AlColumnFit *columns,
              guint              n_columns)
{
  g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < n_columns; i++)
    if (columns[i].ok)
      g_array_append_val (widths, columns[i].width);
  if (widths->len == 0)
    return 0.0;
  for (guint i = 1; i < widths->len; i++)
    for (guint j = i; j > 0 && g_array_index (widths, double, j - 1) > g_array_index (widths, double, j); j--)
      {
        double t = g_array_index (widths, double, j);
        g_array_index (widths, double, j) = g_array_index (widths, double, j - 1);
        g_array_index (widths, double, j - 1) = t;
      }
  return g_array_index (widths, double, widths->len / 2);
}

static void
run_sweep (SweepJob *proto,
           guint     n_columns,
           guint     n_threads)
{
  SweepJob jobs[16];
  GThread *threads[16];

  n_threads = CLAMP (n_threads, 1, G_N_ELEMENTS (jobs));
  for (guint t = 0; t < n_threads; t++)
    {
      jobs[t] = *proto;
      jobs[t].start = (guint) ((guint64) n_columns * t / n_threads);
      jobs[t].end = (guint) ((guint64) n_columns * (t + 1) / n_threads);
      threads[t] = t == 0 ? NULL : g_thread_new ("al-refine", sweep_thread, &jobs[t]);
    }
  sweep_thread (&jobs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

/* Marks the columns worth fitting again: those that moved in the last
 * sweep, or have a neighbour (within a window) that did. The others would
 * come out where they are. */
static void
mark_active (const AlColumnFit *columns,
             guint              n_columns,
             const float       *moved,
             guint              width,
             guint              height,
             int                radius,
             double             tolerance,
             guint8            *active)
{
  double cell = MAX (2.0 * radius, 1.0);
  guint gw = (guint) (width / cell) + 1, gh = (guint) (height / cell) + 1;
  g_autofree float *cell_move = g_new0 (float, (gsize) gw * gh);
  float tol = (float) (0.5 * tolerance);

  for (guint i = 0; i < n_columns; i++)
    {
      int gx = CLAMP ((int) (columns[i].x / cell), 0, (int) gw - 1);
      int gy = CLAMP ((int) (columns[i].y / cell), 0, (int) gh - 1);
      float *m = &cell_move[(gsize) gy * gw + gx];
      *m = MAX (*m, moved[i]);
    }
  for (guint i = 0; i < n_columns; i++)
    {
      int gx = CLAMP ((int) (columns[i].x / cell), 0, (int) gw - 1);
      int gy = CLAMP ((int) (columns[i].y / cell), 0, (int) gh - 1);
      float m = 0.0f;
      for (int y = MAX (gy - 1, 0); y <= MIN (gy + 1, (int) gh - 1); y++)
        for (int x = MAX (gx - 1, 0); x <= MIN (gx + 1, (int) gw - 1); x++)
          m = MAX (m, cell_move[(gsize) y * gw + x]);
      active[i] = m >= tol;
    }
}

/* Refines `columns` in place. Their x, y, amplitude, width and background
 * must hold a starting guess with ok = TRUE; a column whose fit fails or
 * wanders off comes back with ok = FALSE. */
gboolean
al_refine_columns (const float          *image,
                   guint                 width,
                   guint                 height,
                   AlColumnFit          *columns,
                   guint                 n_columns,
                   const AlRefineParams *params,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autofree float *model = NULL;
  g_autofree AlColumnFit *next = NULL;
  g_autofree double *start = NULL;
  g_autofree float *bg_map = NULL;
  g_autofree float *moved = NULL;
  g_autofree guint8 *active = NULL;
  guint first_weighted;
  NoiseModel noise;
  gboolean have_noise = FALSE;
  SweepJob job = { 0 };

  g_return_val_if_fail (image != NULL && params != NULL, FALSE);
  g_return_val_if_fail (n_columns == 0 || columns != NULL, FALSE);
  if (!(params->width_px > 0.0) || params->width_px > 40.0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Column width of %g px is outside what refinement handles (0–40 px)",
                   params->width_px);
      return FALSE;
    }
  if (n_columns == 0)
    return TRUE;

  model = g_new (float, (gsize) width * height);
  next = g_new (AlColumnFit, n_columns);
  start = g_new (double, 2 * n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      start[2 * i] = columns[i].x;
      start[2 * i + 1] = columns[i].y;
    }
  job.image = image;
  job.model = model;
  job.width = width;
  job.height = height;
  job.params = params;
  job.cancellable = cancellable;
  job.radius = params->window_px > 0 ? (int) ceil (params->window_px)
                                     : (int) ceil (AL_REFINE_WINDOW_SIGMAS * params->width_px);
  job.radius = CLAMP (job.radius, 2, 120);
  job.parity = -1;
  job.origin = start;
  job.prior_inv_var = params->position_prior_px > 0 ? 1.0 / pow (params->position_prior_px, 2) : 0.0;

  first_weighted = params->warm && params->known_width ? 0 : 1;
  moved = g_new (float, n_columns);
  active = g_new (guint8, n_columns);
  for (guint i = 0; i < n_columns; i++)
    moved[i] = G_MAXFLOAT;

  for (guint sweep = 0; sweep < params->max_sweeps; sweep++)
    {
      double max_move = 0.0;

      render_threaded (model, width, height, columns, n_columns, params->n_threads);
      if (sweep > first_weighted)
        {
          mark_active (columns, n_columns, moved, width, height, job.radius,
                       params->converged_px, active);
          job.active = active;
        }
      if (sweep == first_weighted && params->weighted)
        have_noise = fit_noise_model (image, model, width, height, columns, n_columns,
                                      job.radius, &noise);
      if (sweep == 0 && params->known_width)
        {
          job.fixed_width = params->width_px;
          job.fix_width = TRUE;
        }
      else if (sweep == 1 && params->fix_width && !params->known_width)
        {
          job.fixed_width = median_width (columns, n_columns);
          job.fix_width = job.fixed_width > 0.0;
        }
      /* The background map needs every column roughly right: after a sweep. */
      if (sweep == 1 && params->background_scale_px > 0 && job.fix_width)
        {
          /* The background under the columns: what the columns leave, smoothed. */
          if (bg_map == NULL)
            bg_map = g_new (float, (gsize) width * height);
          for (gsize i = 0; i < (gsize) width * height; i++)
            model[i] = image[i] - model[i];
          al_filter_background (model, bg_map, width, height, params->background_scale_px);
          render_threaded (model, width, height, columns, n_columns, params->n_threads);
          job.bg_map = bg_map;
        }
      job.noise = have_noise ? &noise : NULL;
      job.old = columns;
      job.new = next;
      run_sweep (&job, n_columns, params->n_threads);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint i = 0; i < n_columns; i++)
        {
          moved[i] = next[i].ok && columns[i].ok
                       ? (float) hypot (next[i].x - columns[i].x, next[i].y - columns[i].y)
                       : 0.0f;
          max_move = MAX (max_move, moved[i]);
        }
      /* Jacobi sweeps over strongly overlapping columns overshoot in turn
       * (each subtracts the other's last, too bright model): damp them once
       * the noise model and width are settled. */
      if (sweep > first_weighted)
        for (guint i = 0; i < n_columns; i++)
          if (next[i].ok && columns[i].ok)
            {
              next[i].x = columns[i].x + AL_REFINE_DAMPING * (next[i].x - columns[i].x);
              next[i].y = columns[i].y + AL_REFINE_DAMPING * (next[i].y - columns[i].y);
              next[i].amplitude = columns[i].amplitude
                                  + AL_REFINE_DAMPING * (next[i].amplitude - columns[i].amplitude);
            }
      memcpy (columns, next, sizeof *columns * n_columns);
      for (guint i = 0; i < n_columns; i++)
        if (hypot (columns[i].x - start[2 * i], columns[i].y - start[2 * i + 1]) > params->max_shift_px)
          columns[i].ok = FALSE;
      /* The weighted, fixed-width sweeps are the answer: never stop before them. */
      if (sweep > first_weighted && max_move < params->converged_px)
        break;
    }
  return TRUE;
}

/* Gaussian width of the radial profile summed over columns (each minus the
 * other columns' model and its background), out to `radius_px`.
 *
 * A column's fitted position is pulled towards its own noise, so a profile
 * taken about it looks sharper than the column is, and a width fitted along
 * with every position comes out low at low dose. Here positions are fitted
 * on one half of the pixels (a checkerboard) and the profile is read on the
 * other half, whose noise is independent, then the halves swap. Returns 0
 * when there is nothing to measure. */
double
al_refine_profile_width (const float          *image,
                         guint                 width,
                         guint                 height,
                         const AlColumnFit    *columns,
                         guint                 n_columns,
                         double                radius_px,
                         const AlRefineParams *params)
{
  const double bin = AL_REFINE_PROFILE_BIN_PX;
  int n_bins = (int) ceil (radius_px / bin);
  g_autofree float *model = g_new (float, (gsize) width * height);
  g_autofree double *sum = g_new0 (double, n_bins);
  g_autofree double *count = g_new0 (double, n_bins);
  g_autofree AlColumnFit *subset = NULL;
  g_autofree AlColumnFit *refit = NULL;
  g_autofree guint *index = NULL;
  double best_cost = G_MAXDOUBLE, best = 0.0, se2 = 0.0;
  guint n_se = 0;
  guint n_sub = 0, stride = MAX (1, n_columns / AL_REFINE_PROFILE_COLUMNS);
  int r = (int) ceil (radius_px);
  SweepJob job = { 0 };

  subset = g_new (AlColumnFit, n_columns / stride + 1);
  refit = g_new (AlColumnFit, n_columns / stride + 1);
  index = g_new (guint, n_columns / stride + 1);
  for (guint c = 0; c < n_columns; c += stride)
    if (columns[c].ok)
      {
        index[n_sub] = c;
        subset[n_sub++] = columns[c];
      }
  if (n_sub == 0)
    return 0.0;

  al_refine_render (model, width, height, columns, n_columns);
  job.image = image;
  job.model = model;
  job.width = width;
  job.height = height;
  job.params = params;
  job.fix_width = TRUE;
  job.fixed_width = subset[0].width;
  job.radius = CLAMP ((int) ceil (AL_REFINE_WINDOW_SIGMAS * params->width_px), 2, 120);

  for (int parity = 0; parity < 2; parity++)
    {
      job.parity = parity;
      job.old = subset;
      job.new = refit;
      run_sweep (&job, n_sub, params->n_threads);
      for (guint k = 0; k < n_sub; k++)
        {
          const AlColumnFit *orig = &columns[index[k]];
          const AlColumnFit *col = &refit[k];
          Window w;
          if (!col->ok || !(orig->amplitude > 0))
            continue;
          se2 += 0.5 * (col->se_x * col->se_x + col->se_y * col->se_y);
          n_se++;
          w = column_window (col->x, col->y, r, width, height);
          for (int y = w.y0; y < w.y1; y++)
            for (int x = w.x0; x < w.x1; x++)
              {
                double d2 = (x - col->x) * (x - col->x) + (y - col->y) * (y - col->y);
                double o2 = (x - orig->x) * (x - orig->x) + (y - orig->y) * (y - orig->y);
                int b = (int) (sqrt (d2) / bin);
                gsize i = (gsize) y * width + x;
                double own = orig->amplitude * exp (-0.5 * o2 / (orig->width * orig->width));
                if (b >= n_bins || ((x + y) & 1) == parity)
                  continue;
                /* Normalised by the amplitude: bright and dim columns weigh
                 * alike in the shape. */
                sum[b] += (image[i] - model[i] + own - orig->background) / orig->amplitude;
                count[b] += 1.0;
              }
        }
    }

  /* Profile ≈ K exp(-r²/2s²) + c: linear in K and c for each s tried. */
  for (double s = 0.15 * radius_px; s <= radius_px; s += 0.002 * radius_px)
    {
      double a[3] = { 0 }, v[2] = { 0 }, det, k, c0, cost = 0;
      for (int b = 0; b < n_bins; b++)
        {
          double rr = (b + 0.5) * bin, g = exp (-0.5 * rr * rr / (s * s)), p;
          if (count[b] == 0)
            continue;
          p = sum[b] / count[b];
          a[0] += count[b] * g * g;
          a[1] += count[b] * g;
          a[2] += count[b];
          v[0] += count[b] * g * p;
          v[1] += count[b] * p;
        }
      det = a[0] * a[2] - a[1] * a[1];
      if (fabs (det) < 1e-300)
        continue;
      k = (a[2] * v[0] - a[1] * v[1]) / det;
      c0 = (a[0] * v[1] - a[1] * v[0]) / det;
      for (int b = 0; b < n_bins; b++)
        {
          double rr = (b + 0.5) * bin, p;
          if (count[b] == 0)
            continue;
          p = sum[b] / count[b];
          cost += count[b] * pow (p - k * exp (-0.5 * rr * rr / (s * s)) - c0, 2);
        }
      if (cost < best_cost)
        {
          best_cost = cost;
          best = s;
        }
    }
  /* The half-image positions scatter independently of the profile's
   * pixels and blur it by their variance: take that out. */
  se2 = n_se > 0 ? se2 / n_se : 0.0;
  return best > 0 ? sqrt (MAX (best * best - se2, 0.25 * best * best)) : 0.0;
}
