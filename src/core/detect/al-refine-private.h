/* al-refine-private.h: what the files of the refinement (al-refine*.c)
 * share: the noise model, fitting windows, separable Gaussians and the
 * per-sweep job that fits a range of columns. Not for other stages. */
#pragma once

#include <math.h>

#include "detect/al-refine.h"

G_BEGIN_DECLS

/* Columns are drawn into the model image out to this many sigmas. */
#define AL_REFINE_RENDER_SIGMAS 4.0
/* The window reaches this many starting widths from the centre. */
#define AL_REFINE_WINDOW_SIGMAS 2.5

typedef struct
{
  double gain;     /* variance = gain · model + offset */
  double offset;
  double floor;    /* smallest variance believed */
} AlNoiseModel;

/* The window of a column: [x0, x1) × [y0, y1), clipped to the image. */
typedef struct
{
  int x0, x1, y0, y1;
} AlWindow;

static inline AlWindow
al_column_window (double x,
                  double y,
                  int    radius,
                  guint  width,
                  guint  height)
{
  AlWindow w;
  int cx = (int) lround (x), cy = (int) lround (y);

  w.x0 = MAX (cx - radius, 0);
  w.x1 = MIN (cx + radius + 1, (int) width);
  w.y0 = MAX (cy - radius, 0);
  w.y1 = MIN (cy + radius + 1, (int) height);
  return w;
}

/* Arguments of exp() below this would underflow the recurrence. */
#define AL_GAUSS_MIN_EXPONENT -600.0

/* exp(-(i - centre)² / 2σ²) for i in [start, end). Consecutive values
 * differ by a factor that itself changes by exp(2k): three exp() calls
 * instead of one per value. */
static inline void
al_gauss_1d (double *out,
             int     start,
             int     end,
             double  centre,
             double  sigma)
{
  double k = -0.5 / (sigma * sigma);
  double d0 = start - centre, d1 = end - 1 - centre;
  double e, q, qq;

  if (k * d0 * d0 < AL_GAUSS_MIN_EXPONENT || k * d1 * d1 < AL_GAUSS_MIN_EXPONENT)
    {
      for (int i = start; i < end; i++)
        out[i - start] = exp (k * (i - centre) * (i - centre));
      return;
    }
  e = exp (k * d0 * d0);
  q = exp (k * (2.0 * d0 + 1.0));
  qq = exp (2.0 * k);
  for (int i = start; i < end; i++)
    {
      out[i - start] = e;
      e *= q;
      q *= qq;
    }
}

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
  const AlNoiseModel   *noise;     /* NULL: unweighted */
  const float          *bg_map;    /* NULL: a background per column is fitted */
  int                   parity;    /* >= 0: fit only pixels with (x + y) % 2 == parity */
  const double         *origin;    /* x, y where each column started (prior centre) */
  const guint8         *active;    /* NULL: fit all; else only columns marked */
  /* The order the columns are fitted in (NULL: by index): fits read the
   * image and model around their column, so neighbours fitted one after
   * the other find them in the cache. Jacobi sweeps give the same result
   * in any order. */
  const guint          *order;
  double                prior_inv_var;
  gboolean              fix_width;
  double                fixed_width;
  int                   radius;
  GCancellable         *cancellable;
} AlSweepJob;

/* Fits columns [0, n_columns) of proto->old into proto->new (inactive ones
 * copied), split over n_threads threads. */
guint   *al_refine_spatial_order  (const AlColumnFit *columns,
                                   guint              n_columns,
                                   double             strip_px);
void     al_refine_run_sweep      (const AlSweepJob  *proto,
                                   guint              n_columns,
                                   guint              n_threads);
void     al_refine_render_threaded (float             *model,
                                    guint              width,
                                    guint              height,
                                    const AlColumnFit *columns,
                                    guint              n_columns,
                                    guint              n_threads);
void     al_refine_render_changed (float             *model,
                                   guint              width,
                                   guint              height,
                                   const AlColumnFit *columns,
                                   const AlColumnFit *drawn,
                                   guint              n_columns,
                                   guint              n_threads);
gboolean al_refine_fit_noise_model (const float       *image,
                                    const float       *model,
                                    guint              width,
                                    guint              height,
                                    const AlColumnFit *columns,
                                    guint              n_columns,
                                    int                radius,
                                    AlNoiseModel      *noise);

G_END_DECLS
