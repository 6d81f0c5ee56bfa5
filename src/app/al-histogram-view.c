/* al-histogram-view.c: draws the current frame's histogram (square-root
 * heights, so the tails a microscopist clips stay visible), shades what
 * the levels clip and draws the grey curve min/max/gamma make. */
#include "al-histogram-view.h"

#include <math.h>

struct _AlHistogramView
{
  GtkWidget  parent_instance;
  AlCanvas  *canvas;   /* weak */
};

G_DEFINE_FINAL_TYPE (AlHistogramView, al_histogram_view, GTK_TYPE_WIDGET)

/* Samples of the gamma curve drawn over the plot. */
#define CURVE_SAMPLES 64

static double
value_to_x (const AlHistogram *h,
            double             v,
            double             width)
{
  double range = h->max > h->min ? h->max - h->min : 1.0;

  return (v - h->min) / range * width;
}

static void
draw_bars (cairo_t           *cr,
           const AlHistogram *h,
           double             width,
           double             height)
{
  guint columns = MAX (1, (guint) width);
  double peak = 0;
  g_autofree double *sums = g_new0 (double, columns);

  for (guint b = 0; b < h->n_bins; b++)
    sums[(guint64) b * columns / h->n_bins] += h->counts[b];
  for (guint c = 0; c < columns; c++)
    peak = MAX (peak, sqrt (sums[c]));
  if (peak <= 0)
    return;
  cairo_move_to (cr, 0, height);
  for (guint c = 0; c < columns; c++)
    {
      double y = height - sqrt (sums[c]) / peak * height;
      cairo_line_to (cr, c, y);
      cairo_line_to (cr, c + 1, y);
    }
  cairo_line_to (cr, columns, height);
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
al_histogram_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  AlHistogramView *self = AL_HISTOGRAM_VIEW (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  const AlHistogram *h = self->canvas != NULL ? al_canvas_get_histogram (self->canvas) : NULL;
  GdkRGBA fg;
  AlLevels levels;
  double x0, x1;
  cairo_t *cr;

  if (h == NULL || h->total == 0 || width <= 0 || height <= 0)
    return;
  /* GTK 4.8 has no gtk_widget_get_color (). */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  al_canvas_get_levels (self->canvas, &levels);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
  draw_bars (cr, h, width, height);

  /* What the levels clip to black or white. */
  x0 = CLAMP (value_to_x (h, levels.min, width), 0, width);
  x1 = CLAMP (value_to_x (h, levels.max, width), 0, width);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
  cairo_rectangle (cr, 0, 0, x0, height);
  cairo_rectangle (cr, x1, 0, width - x1, height);
  cairo_fill (cr);

  /* The grey each value becomes, from black at min to white at max. */
  cairo_set_source_rgba (cr, 0.21, 0.52, 0.89, 1.0);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, 0, height);
  cairo_line_to (cr, x0, height);
  for (guint i = 0; i <= CURVE_SAMPLES; i++)
    {
      double t = (double) i / CURVE_SAMPLES;
      cairo_line_to (cr, x0 + t * (x1 - x0), height - pow (t, 1.0 / levels.gamma) * height);
    }
  cairo_line_to (cr, width, 0);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

static void
al_histogram_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 256 : 96;
}

static void
al_histogram_view_class_init (AlHistogramViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = al_histogram_view_snapshot;
  widget_class->measure = al_histogram_view_measure;
  gtk_widget_class_set_css_name (widget_class, "histogram");
}

static void
al_histogram_view_init (AlHistogramView *self)
{
  gtk_widget_add_css_class (GTK_WIDGET (self), "al-histogram");
}

void
al_histogram_view_set_canvas (AlHistogramView *self,
                              AlCanvas        *canvas)
{
  static const char *const redraw_on[] = {
    "notify::contrast-min", "notify::contrast-max", "notify::gamma",
    "notify::ready", "notify::frame",
  };

  g_return_if_fail (AL_IS_HISTOGRAM_VIEW (self));
  g_return_if_fail (self->canvas == NULL);
  self->canvas = canvas;
  for (guint i = 0; i < G_N_ELEMENTS (redraw_on); i++)
    g_signal_connect_object (canvas, redraw_on[i], G_CALLBACK (gtk_widget_queue_draw), self,
                             G_CONNECT_SWAPPED);
}
