/* al-plot-bins.c: histogram binning for AlPlot, on any thread. */
#include "al-plot-bins.h"

#include <math.h>

#include "graph/al-select.h"

/* The 1st and 99th percentiles of the finite values: a few wild values
 * must not squeeze the histogram into one bar. */
static gboolean
percentile_range (const float *values,
                  gsize        n,
                  double      *lo,
                  double      *hi)
{
  g_autofree float *finite = g_new (float, MAX (n, 1));
  gsize m = 0;

  for (gsize i = 0; i < n; i++)
    if (isfinite (values[i]))
      finite[m++] = values[i];
  if (m == 0)
    return FALSE;
  *lo = al_select_kth_float (finite, m, (gsize) (0.01 * (m - 1)));
  *hi = al_select_kth_float (finite, m, (gsize) (0.99 * (m - 1)));
  if (!(*hi > *lo))
    {
      double pad = fabs (*lo) > 0 ? fabs (*lo) * 0.05 : 1;
      *lo -= pad, *hi += pad;
    }
  return TRUE;
}

AlPlotBins *
al_plot_bins_new (const float *values,
                  gsize        n,
                  guint        n_bins,
                  double       lo,
                  double       hi)
{
  AlPlotBins *b = g_new0 (AlPlotBins, 1);

  if (!(lo < hi) && !percentile_range (values, n, &lo, &hi))
    return b;
  b->n_bins = n_bins == 0 ? AL_PLOT_DEFAULT_BINS : MIN (n_bins, AL_PLOT_MAX_BINS);
  b->bins = g_new0 (guint64, b->n_bins);
  b->lo = lo, b->hi = hi;
  for (gsize i = 0; i < n; i++)
    {
      double t = (values[i] - lo) / (hi - lo);
      if (isfinite (values[i]) && t >= 0 && t <= 1)
        b->bins[MIN ((guint) (t * b->n_bins), b->n_bins - 1)]++;
    }
  return b;
}

void
al_plot_bins_free (AlPlotBins *bins)
{
  if (bins == NULL)
    return;
  g_free (bins->bins);
  g_free (bins);
}
