/* al-refine.h: sub-pixel refinement of atomic columns by fitting 2D
 * Gaussians (position, amplitude, width, local background) to the image,
 * with per-column standard errors.
 *
 * Overlapping neighbours are fitted jointly by block relaxation: each sweep
 * fits every column to the image minus the current model of all the others,
 * all columns in parallel from the previous sweep's models, until the
 * positions stop moving. The first sweep is unweighted; its residuals give
 * the image's noise model (variance = gain · signal + read noise, which
 * covers Poisson counting and detector noise), and later sweeps are
 * weighted by it, which is the maximum-likelihood fit and reaches the
 * Cramér–Rao bound where plain least squares does not.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  double x;            /* px; in: the starting point, out: the fit */
  double y;
  double amplitude;    /* peak height above the local background */
  double width;        /* Gaussian sigma, px */
  double background;   /* local background under the column */
  double se_x;         /* standard errors, px */
  double se_y;
  double se_amplitude;
  gboolean ok;         /* FALSE: the fit failed or left its window */
} AlColumnFit;

typedef struct
{
  double   width_px;       /* starting Gaussian sigma */
  double   window_px;      /* half-side of the fitting window; 0: from the width */
  double   max_shift_px;   /* a column moving further from its start is dropped */
  double   min_width_px;   /* bounds on the fitted width */
  double   max_width_px;
  guint    max_sweeps;
  double   converged_px;   /* stop sweeping when no column moves more (or
                              a tenth of its standard error, when larger) */
  gboolean fix_width;      /* after the first sweep, fit positions with the median width */
  gboolean known_width;    /* width_px is the columns' width: fixed from the start */
  /* The columns come from an earlier weighted fit: weight and take the
   * background from the first sweep on (needs known_width). */
  gboolean warm;
  gboolean weighted;       /* weight by the fitted noise model after the first sweep */
  /* > 0: after the first sweep the background is not fitted per column but
   * taken from the image minus the columns, smoothed at this scale (px):
   * one nuisance parameter fewer, which matters at low dose. */
  double   background_scale_px;
  /* > 0: a Gaussian prior of this sigma (px) on each position, about its
   * start, in the weighted sweeps; 0: none. */
  double   position_prior_px;
  /* NULL: every column is fitted from the first sweep. Else only the
   * columns marked are fitted at first (the others are taken as fitted
   * already, and are fitted again only when a neighbour moves). */
  const guint8 *active;
  guint    n_threads;
} AlRefineParams;

void     al_refine_params_init (AlRefineParams       *params,
                                double                width_px);
gboolean al_refine_columns     (const float          *image,
                                guint                 width,
                                guint                 height,
                                AlColumnFit          *columns,
                                guint                 n_columns,
                                const AlRefineParams *params,
                                GCancellable         *cancellable,
                                GError              **error);

void     al_refine_render      (float                *model,
                                guint                 width,
                                guint                 height,
                                const AlColumnFit    *columns,
                                guint                 n_columns);

double   al_refine_profile_width (const float          *image,
                                  guint                 width,
                                  guint                 height,
                                  const AlColumnFit    *columns,
                                  guint                 n_columns,
                                  double                radius_px,
                                  const AlRefineParams *params);

G_END_DECLS
