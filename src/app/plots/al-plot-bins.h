/* al-plot-bins.h: AlPlotBins, the counts an AlPlot draws, binned without
 * GTK so that a worker can bin 10⁵–10⁶ values (bond lengths, angles,
 * strain, GPA pixels) and hand the main thread a finished histogram. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint64 *bins;     /* n_bins counts; NULL when nothing was finite */
  guint    n_bins;
  double   lo;       /* the binned range */
  double   hi;
} AlPlotBins;

/* At most this many bins; 0 asks for the default. */
#define AL_PLOT_MAX_BINS 1000
#define AL_PLOT_DEFAULT_BINS 40

/* Bins the finite values among values[0..n) into n_bins over [lo, hi]
 * (values outside are left out); lo >= hi: the 1st–99th percentile range.
 * Safe from any thread. */
AlPlotBins *al_plot_bins_new  (const float *values,
                               gsize        n,
                               guint        n_bins,
                               double       lo,
                               double       hi);
void        al_plot_bins_free (AlPlotBins  *bins);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlPlotBins, al_plot_bins_free)

G_END_DECLS
