/* al-refine-fit.c: the Levenberg–Marquardt fit of one column in its
 * window, on the image minus every other column's model, and the sweep
 * that fits a range of columns on worker threads (see al-refine.h).
 *
 * The model is A·exp(-r²/2s²) + b. Exponentials are separable, so a window
 * costs 2(2R+1) exp() per evaluation.
 */
#include "detect/al-refine-private.h"

#include <stdlib.h>
#include <string.h>

#define AL_REFINE_MAX_PARAMS 5
#define AL_REFINE_MAX_ITERATIONS 15
/* LM stops when a step moves the column less than this, px. */
#define AL_REFINE_STEP_PX 1e-3
/* A window needs this many pixels inside the image to be fitted. */
#define AL_REFINE_MIN_PIXELS 9

enum { P_X, P_Y, P_A, P_B, P_S };

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


/* evaluate() for the common case of position and amplitude only (width
 * and background fixed): the Jacobian's factors A/s² are taken out of the
 * sums, which leaves ten running sums per pixel. */
static double
evaluate_xya (const float    *data,
              const float    *weight,
              const AlWindow *w,
              const double   *p,
              double          s,
              double         *jtj,
              double         *jtr)
{
  double ex[256], ey[256];
  double inv_s2 = 1.0 / (s * s), a = p[P_A];
  int ww = w->x1 - w->x0;
  double chi2 = 0.0;
  double sxx = 0, sxy = 0, syy = 0, sx = 0, sy = 0, s1 = 0, rx = 0, ry = 0, r1 = 0;

  al_gauss_1d (ex, w->x0, w->x1, p[P_X], s);
  al_gauss_1d (ey, w->y0, w->y1, p[P_Y], s);
  for (int y = w->y0; y < w->y1; y++)
    {
      const float *drow = data + (gsize) (y - w->y0) * ww;
      const float *wrow = weight + (gsize) (y - w->y0) * ww;
      double dy = y - p[P_Y], eyv = ey[y - w->y0];
      double row_xx = 0, row_x = 0, row_1 = 0, row_rx = 0, row_r1 = 0;
      for (int i = 0; i < ww; i++)
        {
          double dx = w->x0 + i - p[P_X];
          double g = ex[i] * eyv;
          double r = drow[i] - a * g;
          double wg = wrow[i] * g, wg2 = wg * g;
          chi2 += wrow[i] * r * r;
          row_xx += wg2 * dx * dx;
          row_x += wg2 * dx;
          row_1 += wg2;
          row_rx += wg * r * dx;
          row_r1 += wg * r;
        }
      /* dy is constant along the row. */
      sxx += row_xx;
      sxy += row_x * dy;
      syy += row_1 * dy * dy;
      sx += row_x;
      sy += row_1 * dy;
      s1 += row_1;
      rx += row_rx;
      ry += row_r1 * dy;
      r1 += row_r1;
    }
  if (jtj != NULL)
    {
      double f = a * inv_s2;
      jtj[0] = f * f * sxx;
      jtj[1] = jtj[3] = f * f * sxy;
      jtj[4] = f * f * syy;
      jtj[2] = jtj[6] = f * sx;
      jtj[5] = jtj[7] = f * sy;
      jtj[8] = s1;
      jtr[0] = f * rx;
      jtr[1] = f * ry;
      jtr[2] = r1;
    }
  return chi2;
}

/* χ² (and, when `jtj` is not NULL, the normal equations) of parameters `p`
 * over the window. */
static double
evaluate (const float   *data,
          const float   *weight,
          const AlWindow *w,
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

  if (n_p == 3 && weight != NULL)
    return evaluate_xya (data, weight, w, p, s, jtj, jtr);
  al_gauss_1d (ex, w->x0, w->x1, p[P_X], s);
  al_gauss_1d (ey, w->y0, w->y1, p[P_Y], s);
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
fit_column (const AlSweepJob  *job,
            guint              index,
            const AlColumnFit *old,
            AlColumnFit       *fit)
{
  const double *centre = job->noise != NULL && job->origin != NULL ? job->origin + 2 * index : NULL;
  const AlRefineParams *prm = job->params;
  AlWindow w = al_column_window (old->x, old->y, job->radius, job->width, job->height);
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
  al_gauss_1d (ex, w.x0, w.x1, old->x, old->width);
  al_gauss_1d (ey, w.y0, w.y1, old->y, old->width);
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

typedef struct
{
  gint64 key;
  guint  index;
} Placed;

static int
compare_placed (const void *a,
                const void *b)
{
  const Placed *x = a, *y = b;

  if (x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* The columns' indices in reading order of strips `strip_px` high: along
 * each strip by x. */
guint *
al_refine_spatial_order (const AlColumnFit *columns,
                         guint              n_columns,
                         double             strip_px)
{
  g_autofree Placed *placed = g_new (Placed, MAX (n_columns, 1));
  guint *order = g_new (guint, MAX (n_columns, 1));

  for (guint i = 0; i < n_columns; i++)
    {
      double x = isfinite (columns[i].x) ? CLAMP (columns[i].x, -1e6, 1e6) : 0.0;
      double y = isfinite (columns[i].y) ? CLAMP (columns[i].y, -1e6, 1e6) : 0.0;
      placed[i].key = (gint64) floor (y / strip_px) * 4000000 + (gint64) floor (x + 2e6);
      placed[i].index = i;
    }
  qsort (placed, n_columns, sizeof *placed, compare_placed);
  for (guint i = 0; i < n_columns; i++)
    order[i] = placed[i].index;
  return order;
}

static gpointer
sweep_thread (gpointer data)
{
  AlSweepJob *job = data;

  for (guint k = job->start; k < job->end; k++)
    {
      guint i = job->order != NULL ? job->order[k] : k;
      if ((k & 255) == 0 && g_cancellable_is_cancelled (job->cancellable))
        break;
      if (job->old[i].ok && (job->active == NULL || job->active[i]))
        fit_column (job, i, &job->old[i], &job->new[i]);
      else
        job->new[i] = job->old[i];
    }
  return NULL;
}

/* Cuts [0, n_columns) into `n_threads` ranges holding equal numbers of
 * columns to fit: the new candidates of a round sit together at the end
 * of the array, so equal ranges of indices would leave one thread most of
 * the work. */
static void
split_by_work (const AlSweepJob *job,
               guint             n_columns,
               guint             n_threads,
               guint            *cuts)
{
  guint total = 0, done = 0, t = 1;

  for (guint i = 0; i < n_columns; i++)
    total += job->old[i].ok && (job->active == NULL || job->active[i]);
  cuts[0] = 0;
  for (guint k = 0; k < n_columns && t < n_threads; k++)
    {
      guint i = job->order != NULL ? job->order[k] : k;
      done += job->old[i].ok && (job->active == NULL || job->active[i]);
      while (t < n_threads && (guint64) done * n_threads >= (guint64) total * t)
        cuts[t++] = k + 1;
    }
  while (t <= n_threads)
    cuts[t++] = n_columns;
}

void
al_refine_run_sweep (const AlSweepJob *proto,
                     guint             n_columns,
                     guint             n_threads)
{
  AlSweepJob jobs[16];
  GThread *threads[16];

  guint cuts[G_N_ELEMENTS (jobs) + 1];

  n_threads = CLAMP (n_threads, 1, G_N_ELEMENTS (jobs));
  split_by_work (proto, n_columns, n_threads, cuts);
  for (guint t = 0; t < n_threads; t++)
    {
      jobs[t] = *proto;
      jobs[t].start = cuts[t];
      jobs[t].end = cuts[t + 1];
      threads[t] = t == 0 ? NULL : g_thread_new ("al-refine", sweep_thread, &jobs[t]);
    }
  sweep_thread (&jobs[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}
