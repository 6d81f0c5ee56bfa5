/* al-drift-field.c: a smooth displacement field from windowed phase
 * correlation (see al-drift-field.h). */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "track/al-drift.h"
#include "track/al-drift-field.h"

/* Windows across each way, at least: fewer cannot show a bend. */
#define AL_DRIFT_FIELD_MIN_ACROSS 3
/* Residuals beyond this many robust σ leave the second fit; σ is at least
 * AL_DRIFT_FIELD_MIN_SIGMA_PX (windows agreeing to within noise). */
#define AL_DRIFT_FIELD_CLIP 3.0
#define AL_DRIFT_FIELD_MIN_SIGMA_PX 0.02

typedef struct
{
  double x, y, dx, dy;
  gboolean used;
} Window;

static void
terms (const AlDriftField *f,
       double              x,
       double              y,
       double              t[AL_DRIFT_FIELD_TERMS])
{
  double u = 2.0 * x / f->width - 1.0, v = 2.0 * y / f->height - 1.0;

  t[0] = 1.0;
  t[1] = u;
  t[2] = v;
  t[3] = u * u;
  t[4] = u * v;
  t[5] = v * v;
}

void
al_drift_field_at (const AlDriftField *f,
                   double              x,
                   double              y,
                   double             *dx,
                   double             *dy)
{
  double t[AL_DRIFT_FIELD_TERMS];

  terms (f, x, y, t);
  *dx = *dy = 0;
  for (guint k = 0; k < AL_DRIFT_FIELD_TERMS; k++)
    {
      *dx += f->cx[k] * t[k];
      *dy += f->cy[k] * t[k];
    }
}

/* Solves the n × n system a·x = b in place (Gaussian elimination with
 * partial pivoting); FALSE when singular. */
static gboolean
solve (double a[AL_DRIFT_FIELD_TERMS][AL_DRIFT_FIELD_TERMS],
       double b[AL_DRIFT_FIELD_TERMS],
       double x[AL_DRIFT_FIELD_TERMS])
{
  const guint n = AL_DRIFT_FIELD_TERMS;

  for (guint c = 0; c < n; c++)
    {
      guint p = c;
      for (guint r = c + 1; r < n; r++)
        if (fabs (a[r][c]) > fabs (a[p][c]))
          p = r;
      if (!(fabs (a[p][c]) > 1e-12))
        return FALSE;
      for (guint k = 0; k < n; k++)
        {
          double t = a[c][k];
          a[c][k] = a[p][k];
          a[p][k] = t;
        }
      {
        double t = b[c];
        b[c] = b[p];
        b[p] = t;
      }
      for (guint r = c + 1; r < n; r++)
        {
          double m = a[r][c] / a[c][c];
          for (guint k = c; k < n; k++)
            a[r][k] -= m * a[c][k];
          b[r] -= m * b[c];
        }
    }
  for (int r = (int) n - 1; r >= 0; r--)
    {
      double s = b[r];
      for (guint k = (guint) r + 1; k < n; k++)
        s -= a[r][k] * x[k];
      x[r] = s / a[r][r];
    }
  return TRUE;
}

/* Least squares over the windows in use, both components. */
static gboolean
fit (AlDriftField *f,
     const GArray *windows)
{
  double ata[AL_DRIFT_FIELD_TERMS][AL_DRIFT_FIELD_TERMS] = { { 0 } };
  double ata2[AL_DRIFT_FIELD_TERMS][AL_DRIFT_FIELD_TERMS];
  double bx[AL_DRIFT_FIELD_TERMS] = { 0 }, by[AL_DRIFT_FIELD_TERMS] = { 0 };

  for (guint i = 0; i < windows->len; i++)
    {
      const Window *w = &g_array_index (windows, Window, i);
      double t[AL_DRIFT_FIELD_TERMS];
      if (!w->used)
        continue;
      terms (f, w->x, w->y, t);
      for (guint j = 0; j < AL_DRIFT_FIELD_TERMS; j++)
        {
          for (guint k = 0; k < AL_DRIFT_FIELD_TERMS; k++)
            ata[j][k] += t[j] * t[k];
          bx[j] += t[j] * w->dx;
          by[j] += t[j] * w->dy;
        }
    }
  memcpy (ata2, ata, sizeof ata);
  return solve (ata, bx, f->cx) && solve (ata2, by, f->cy);
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Leaves out the windows far from the fit; returns how many remain and
 * sets the rms of their residuals. */
static guint
clip (AlDriftField *f,
      GArray       *windows)
{
  g_autofree double *r = g_new (double, MAX (windows->len, 1));
  double sigma, sum2 = 0;
  guint n = 0;

  for (guint i = 0; i < windows->len; i++)
    {
      Window *w = &g_array_index (windows, Window, i);
      double dx, dy;
      al_drift_field_at (f, w->x, w->y, &dx, &dy);
      r[i] = hypot (w->dx - dx, w->dy - dy);
    }
  {
    g_autofree double *sorted = g_memdup2 (r, sizeof (double) * windows->len);
    qsort (sorted, windows->len, sizeof (double), compare_double);
    /* The median distance of a 2-D Gaussian is 1.1774 σ. */
    sigma = MAX (sorted[windows->len / 2] / 1.1774, AL_DRIFT_FIELD_MIN_SIGMA_PX);
  }
  for (guint i = 0; i < windows->len; i++)
    {
      Window *w = &g_array_index (windows, Window, i);
      w->used = r[i] <= AL_DRIFT_FIELD_CLIP * sigma;
      if (w->used)
        {
          sum2 += r[i] * r[i];
          n++;
        }
    }
  f->rms_px = n > 0 ? sqrt (sum2 / n) : 0;
  return n;
}

static void
copy_window (const float *frame,
             guint        width,
             guint        x0,
             guint        y0,
             guint        side,
             float       *out)
{
  for (guint y = 0; y < side; y++)
    memcpy (out + (gsize) y * side, frame + (gsize) (y0 + y) * width + x0, sizeof (float) * side);
}

gboolean
al_drift_field_estimate (const float   *reference,
                         const float   *moved,
                         guint          width,
                         guint          height,
                         guint          window_px,
                         double         max_step_px,
                         AlDriftField  *field,
                         GError       **error)
{
  g_autoptr (GArray) windows = g_array_new (FALSE, FALSE, sizeof (Window));
  g_autofree float *a = NULL, *b = NULL;
  guint step = window_px / 2;

  g_return_val_if_fail (reference != NULL && moved != NULL && field != NULL, FALSE);
  if (window_px < 16 || width < AL_DRIFT_FIELD_MIN_ACROSS * step + step
      || height < AL_DRIFT_FIELD_MIN_ACROSS * step + step)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "A drift field needs windows of at least 16 px, %u across each way "
                   "(got %u px windows in %u × %u px)", AL_DRIFT_FIELD_MIN_ACROSS, window_px, width, height);
      return FALSE;
    }
  memset (field, 0, sizeof *field);
  field->width = width;
  field->height = height;
  a = g_new (float, (gsize) window_px * window_px);
  b = g_new (float, (gsize) window_px * window_px);
  for (guint y0 = 0; y0 + window_px <= height; y0 += step)
    for (guint x0 = 0; x0 + window_px <= width; x0 += step)
      {
        Window w = { x0 + 0.5 * window_px - 0.5, y0 + 0.5 * window_px - 0.5, 0, 0, TRUE };
        copy_window (reference, width, x0, y0, window_px, a);
        copy_window (moved, width, x0, y0, window_px, b);
        if (!al_drift_pair (a, b, window_px, window_px, max_step_px, &w.dx, &w.dy, error))
          return FALSE;
        g_array_append_val (windows, w);
      }
  if (!fit (field, windows) || clip (field, windows) < AL_DRIFT_FIELD_TERMS || !fit (field, windows))
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The windows' shifts do not determine a drift field");
      return FALSE;
    }
  field->n_windows = clip (field, windows);
  return TRUE;
}
