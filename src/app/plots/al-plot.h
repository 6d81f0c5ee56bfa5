/* al-plot.h: AlPlot, a histogram drawn with Cairo: bars over binned
 * values, axes with "nice" ticks, the x axis labelled with its quantity and
 * unit, the y axis with what is counted, and optional marks (a mean, a
 * reference value). The same drawing goes to the screen and to PNG or SVG
 * files: a right click (or the plot's menu button) offers "Export as PNG…"
 * and "Export as SVG…", and a toast says where the file went. */
#pragma once

#include <gtk/gtk.h>

#include "al-plot-bins.h"

G_BEGIN_DECLS

#define AL_TYPE_PLOT (al_plot_get_type ())
G_DECLARE_FINAL_TYPE (AlPlot, al_plot, AL, PLOT, GtkWidget)

/* Size of an exported plot, in points (PNG at 2 px per point). */
#define AL_PLOT_EXPORT_WIDTH_PT 480.0
#define AL_PLOT_EXPORT_HEIGHT_PT 300.0

GtkWidget *al_plot_new            (void);
/* Axis titles: `x_label` "Bond length", `x_unit` "nm" (NULL: none),
 * `y_label` "Bonds". */
void       al_plot_set_labels     (AlPlot       *self,
                                   const char   *x_label,
                                   const char   *x_unit,
                                   const char   *y_label);
/* Bins the finite values among values[0..n) into n_bins over [lo, hi]
 * (values outside are left out); lo >= hi: the 1st–99th percentile range. */
void       al_plot_set_values     (AlPlot       *self,
                                   const float  *values,
                                   gsize         n,
                                   guint         n_bins,
                                   double        lo,
                                   double        hi);
/* Shows `bins` (ownership taken), binned by al_plot_bins_new () on any
 * thread. */
void       al_plot_set_bins       (AlPlot       *self,
                                   AlPlotBins   *bins);
/* A vertical line at x, labelled (NULL: no line); at most a few. */
void       al_plot_add_mark       (AlPlot       *self,
                                   double        x,
                                   const char   *label);
void       al_plot_clear          (AlPlot       *self);
/* What the plot counts: the sum of its bins, and one bin's count. */
guint64    al_plot_get_total      (AlPlot       *self);
guint      al_plot_get_n_bins     (AlPlot       *self);
guint64    al_plot_get_bin        (AlPlot       *self,
                                   guint         bin);
void       al_plot_get_range      (AlPlot       *self,
                                   double       *lo,
                                   double       *hi);
/* Draws the plot into `cr` over width × height, in dark-on-light colours
 * (`fg` the text and axis colour, or NULL for black). */
void       al_plot_draw           (AlPlot       *self,
                                   cairo_t      *cr,
                                   double        width,
                                   double        height,
                                   const GdkRGBA *fg);
/* Writes the plot as a PNG or SVG (by the name's extension). */
gboolean   al_plot_export         (AlPlot       *self,
                                   const char   *path,
                                   GError      **error);

/* "Nice" ticks (1, 2 or 5 × 10^k apart) covering [lo, hi], about `target`
 * of them; the step, and the first tick in *first. */
double     al_plot_nice_step      (double        lo,
                                   double        hi,
                                   guint         target,
                                   double       *first);

G_END_DECLS
