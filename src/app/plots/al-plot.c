/* al-plot.c: AlPlot's binning, drawing (one Cairo path for the screen and
 * for files) and its export menu. */
#include "al-plot.h"

#include <adwaita.h>
#include <cairo-svg.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

#define MAX_MARKS 4
#define FONT_PX 11.0
#define TICK_PX 4.0
#define PAD_PX 6.0
#define MIN_HEIGHT_PX 150
#define X_TICKS 5
#define Y_TICKS 4
/* Bars in the GNOME accent blue; marks in the Okabe–Ito vermillion. */
static const double BAR_RGB[3] = { 0.208, 0.518, 0.894 };
static const double MARK_RGB[3] = { 0.835, 0.369, 0.0 };

typedef struct
{
  double x;
  char  *label;
} Mark;

struct _AlPlot
{
  GtkWidget  parent_instance;

  char      *x_label;
  char      *x_unit;
  char      *y_label;
  guint64   *bins;
  guint      n_bins;
  double     lo;
  double     hi;
  Mark       marks[MAX_MARKS];
  guint      n_marks;
  GtkWidget *menu;
};

G_DEFINE_FINAL_TYPE (AlPlot, al_plot, GTK_TYPE_WIDGET)

double
al_plot_nice_step (double  lo,
                   double  hi,
                   guint   target,
                   double *first)
{
  double span = hi - lo, raw, mag, step;

  if (!(span > 0) || target == 0)
    {
      *first = lo;
      return 1;
    }
  raw = span / target;
  mag = pow (10, floor (log10 (raw)));
  step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
  *first = ceil (lo / step - 1e-9) * step;
  return step;
}

void
al_plot_set_bins (AlPlot     *self,
                  AlPlotBins *bins)
{
  g_return_if_fail (AL_IS_PLOT (self));
  g_return_if_fail (bins != NULL);
  g_clear_pointer (&self->bins, g_free);
  self->n_bins = bins->n_bins;
  self->bins = g_steal_pointer (&bins->bins);
  if (self->bins != NULL)
    self->lo = bins->lo, self->hi = bins->hi;
  al_plot_bins_free (bins);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_plot_set_values (AlPlot      *self,
                    const float *values,
                    gsize        n,
                    guint        n_bins,
                    double       lo,
                    double       hi)
{
  g_return_if_fail (AL_IS_PLOT (self));
  al_plot_set_bins (self, al_plot_bins_new (values, n, n_bins, lo, hi));
}

void
al_plot_add_mark (AlPlot     *self,
                  double      x,
                  const char *label)
{
  g_return_if_fail (AL_IS_PLOT (self));
  if (self->n_marks >= MAX_MARKS || !isfinite (x))
    return;
  self->marks[self->n_marks].x = x;
  self->marks[self->n_marks].label = g_strdup (label);
  self->n_marks++;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_plot_clear (AlPlot *self)
{
  g_return_if_fail (AL_IS_PLOT (self));
  g_clear_pointer (&self->bins, g_free);
  self->n_bins = 0;
  for (guint i = 0; i < self->n_marks; i++)
    g_free (self->marks[i].label);
  self->n_marks = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
al_plot_set_labels (AlPlot     *self,
                    const char *x_label,
                    const char *x_unit,
                    const char *y_label)
{
  g_return_if_fail (AL_IS_PLOT (self));
  g_free (self->x_label), self->x_label = g_strdup (x_label);
  g_free (self->x_unit), self->x_unit = g_strdup (x_unit);
  g_free (self->y_label), self->y_label = g_strdup (y_label);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint64
al_plot_get_total (AlPlot *self)
{
  guint64 total = 0;

  g_return_val_if_fail (AL_IS_PLOT (self), 0);
  for (guint i = 0; i < self->n_bins; i++)
    total += self->bins[i];
  return total;
}

guint
al_plot_get_n_bins (AlPlot *self)
{
  g_return_val_if_fail (AL_IS_PLOT (self), 0);
  return self->n_bins;
}

guint64
al_plot_get_bin (AlPlot *self,
                 guint   bin)
{
  g_return_val_if_fail (AL_IS_PLOT (self) && bin < self->n_bins, 0);
  return self->bins[bin];
}

void
al_plot_get_range (AlPlot *self,
                   double *lo,
                   double *hi)
{
  g_return_if_fail (AL_IS_PLOT (self));
  *lo = self->lo, *hi = self->hi;
}

/* Tick labels: as few digits as the step needs. */
static void
format_tick (char   *buf,
             gsize   size,
             double  value,
             double  step)
{
  int digits = step >= 1 ? 0 : (int) ceil (-log10 (step) - 1e-9);

  if (fabs (value) < step * 1e-6)
    value = 0;
  g_snprintf (buf, size, "%.*f", MIN (digits, 6), value);
}

static void
text_size (cairo_t    *cr,
           const char *text,
           double     *w,
           double     *h)
{
  cairo_text_extents_t e;

  cairo_text_extents (cr, text, &e);
  *w = e.x_advance;
  *h = FONT_PX;
}

static void
draw_axes_titles (AlPlot        *self,
                  cairo_t       *cr,
                  double         width,
                  double         height,
                  double         left)
{
  g_autofree char *x_title = self->x_unit != NULL && *self->x_unit
                               ? g_strdup_printf ("%s (%s)", self->x_label, self->x_unit)
                               : g_strdup (self->x_label != NULL ? self->x_label : "");
  double w, h;

  text_size (cr, x_title, &w, &h);
  cairo_move_to (cr, left + (width - left - w) / 2, height - PAD_PX / 2);
  cairo_show_text (cr, x_title);
  if (self->y_label != NULL)
    {
      text_size (cr, self->y_label, &w, &h);
      cairo_save (cr);
      cairo_move_to (cr, FONT_PX, (height - 2 * FONT_PX - PAD_PX) / 2 + w / 2);
      cairo_rotate (cr, -G_PI / 2);
      cairo_show_text (cr, self->y_label);
      cairo_restore (cr);
    }
}

void
al_plot_draw (AlPlot        *self,
              cairo_t       *cr,
              double         width,
              double         height,
              const GdkRGBA *fg)
{
  GdkRGBA black = { 0, 0, 0, 1 };
  double left, right = width - 2 * PAD_PX, top = PAD_PX, bottom = height - 2 * FONT_PX - 2 * PAD_PX;
  double ymax = 1, xstep, x0, ystep, y0, label_w = 0, w, h;
  char buf[32];

  g_return_if_fail (AL_IS_PLOT (self));
  fg = fg != NULL ? fg : &black;
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, FONT_PX);
  for (guint i = 0; i < self->n_bins; i++)
    ymax = MAX (ymax, self->bins[i]);
  ystep = al_plot_nice_step (0, ymax, Y_TICKS, &y0);
  ymax = ceil (ymax / ystep) * ystep;
  for (double y = 0; y <= ymax + ystep / 2; y += ystep)
    {
      format_tick (buf, sizeof buf, y, ystep);
      text_size (cr, buf, &w, &h);
      label_w = MAX (label_w, w);
    }
  left = FONT_PX + 2 * PAD_PX + label_w + TICK_PX;
  if (right - left < 20 || bottom - top < 20)
    return;

  /* Bars. */
  for (guint i = 0; i < self->n_bins; i++)
    {
      double bx0 = left + (right - left) * i / self->n_bins;
      double bx1 = left + (right - left) * (i + 1) / self->n_bins;
      double by = bottom - (bottom - top) * self->bins[i] / ymax;
      cairo_rectangle (cr, bx0, by, MAX (bx1 - bx0 - 0.5, 0.5), bottom - by);
    }
  cairo_set_source_rgba (cr, BAR_RGB[0], BAR_RGB[1], BAR_RGB[2], 0.85);
  cairo_fill (cr);

  /* Axes and ticks. */
  cairo_set_source_rgba (cr, fg->red, fg->green, fg->blue, fg->alpha);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, left - 0.5, top);
  cairo_line_to (cr, left - 0.5, bottom + 0.5);
  cairo_line_to (cr, right, bottom + 0.5);
  cairo_stroke (cr);
  for (double y = 0; y <= ymax + ystep / 2; y += ystep)
    {
      double py = bottom - (bottom - top) * y / ymax;
      format_tick (buf, sizeof buf, y, ystep);
      text_size (cr, buf, &w, &h);
      cairo_move_to (cr, left - TICK_PX - 2 - w, py + h / 3);
      cairo_show_text (cr, buf);
      cairo_move_to (cr, left - TICK_PX, floor (py) + 0.5);
      cairo_line_to (cr, left, floor (py) + 0.5);
      cairo_stroke (cr);
    }
  if (self->n_bins > 0)
    {
      xstep = al_plot_nice_step (self->lo, self->hi, X_TICKS, &x0);
      for (double x = x0; x <= self->hi + xstep * 1e-6; x += xstep)
        {
          double px = left + (right - left) * (x - self->lo) / (self->hi - self->lo);
          format_tick (buf, sizeof buf, x, xstep);
          text_size (cr, buf, &w, &h);
          cairo_move_to (cr, CLAMP (px - w / 2, left - label_w, width - w), bottom + TICK_PX + h + 1);
          cairo_show_text (cr, buf);
          cairo_move_to (cr, floor (px) + 0.5, bottom);
          cairo_line_to (cr, floor (px) + 0.5, bottom + TICK_PX);
          cairo_stroke (cr);
        }
    }
  draw_axes_titles (self, cr, width, height, left);

  /* Marks: dashed lines with their labels at the top. */
  for (guint i = 0; i < self->n_marks && self->n_bins > 0; i++)
    {
      static const double dash[] = { 4, 3 };
      double px = left + (right - left) * (self->marks[i].x - self->lo) / (self->hi - self->lo);
      if (px < left || px > right)
        continue;
      cairo_set_source_rgb (cr, MARK_RGB[0], MARK_RGB[1], MARK_RGB[2]);
      cairo_set_dash (cr, dash, 2, 0);
      cairo_move_to (cr, floor (px) + 0.5, top);
      cairo_line_to (cr, floor (px) + 0.5, bottom);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
      if (self->marks[i].label != NULL)
        {
          text_size (cr, self->marks[i].label, &w, &h);
          cairo_move_to (cr, px + 3 + w > right ? px - 3 - w : px + 3, top + h + i * (h + 2));
          cairo_show_text (cr, self->marks[i].label);
        }
    }
}

gboolean
al_plot_export (AlPlot      *self,
                const char  *path,
                GError     **error)
{
  gboolean svg = g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG");
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (AL_IS_PLOT (self), FALSE);
  if (svg)
    surface = cairo_svg_surface_create (path, AL_PLOT_EXPORT_WIDTH_PT, AL_PLOT_EXPORT_HEIGHT_PT);
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 2 * AL_PLOT_EXPORT_WIDTH_PT,
                                          2 * AL_PLOT_EXPORT_HEIGHT_PT);
  cr = cairo_create (surface);
  if (!svg)
    cairo_scale (cr, 2, 2);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  al_plot_draw (self, cr, AL_PLOT_EXPORT_WIDTH_PT, AL_PLOT_EXPORT_HEIGHT_PT, NULL);
  cairo_destroy (cr);
  if (svg)
    cairo_surface_finish (surface);   /* writes the file */
  status = cairo_surface_status (surface);
  if (status == CAIRO_STATUS_SUCCESS && !svg)
    status = cairo_surface_write_to_png (surface, path);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not write “%s”: %s"), path,
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

static void
al_plot_snapshot (GtkWidget   *widget,
                  GtkSnapshot *snapshot)
{
  AlPlot *self = AL_PLOT (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA fg;
  cairo_t *cr;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  al_plot_draw (self, cr, width, height, &fg);
  cairo_destroy (cr);
  if (self->menu != NULL)
    gtk_widget_snapshot_child (widget, self->menu, snapshot);
}

static void
al_plot_measure (GtkWidget      *widget,
                 GtkOrientation  orientation,
                 int             for_size,
                 int            *minimum,
                 int            *natural,
                 int            *minimum_baseline,
                 int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_VERTICAL ? MIN_HEIGHT_PX : 120;
}

static void
al_plot_size_allocate (GtkWidget *widget,
                       int        width,
                       int        height,
                       int        baseline)
{
  AlPlot *self = AL_PLOT (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    AlPlot          *self)
{
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *toasts = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *message = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL)
    return;
  if ((path = g_file_get_path (file)) == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("AtomLens exports to local files only"));
  else if (al_plot_export (self, path, &error))
    {
      g_autofree char *name = g_file_get_basename (file);
      /* Translators: a toast; %s is a file name. */
      message = g_strdup_printf (_("Plot exported to “%s”"), name);
    }
  if (message == NULL)
    message = g_strdup (error->message);
  if (toasts != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (toasts), adw_toast_new (message));
}

static void
export_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  AlPlot *self = AL_PLOT (widget);
  const char *format = g_variant_get_string (parameter, NULL);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  dialog = gtk_file_chooser_native_new (_("Export Plot"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = g_strdup_printf ("%s.%s", self->x_label != NULL ? self->x_label : "plot", format);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_secondary_pressed (GtkGestureClick *click,
                      int              n_press,
                      double           x,
                      double           y,
                      AlPlot          *self)
{
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu), &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
al_plot_dispose (GObject *object)
{
  AlPlot *self = AL_PLOT (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (al_plot_parent_class)->dispose (object);
}

static void
al_plot_finalize (GObject *object)
{
  AlPlot *self = AL_PLOT (object);

  al_plot_clear (self);
  g_free (self->x_label);
  g_free (self->x_unit);
  g_free (self->y_label);
  G_OBJECT_CLASS (al_plot_parent_class)->finalize (object);
}

static void
al_plot_class_init (AlPlotClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_plot_dispose;
  object_class->finalize = al_plot_finalize;
  widget_class->snapshot = al_plot_snapshot;
  widget_class->measure = al_plot_measure;
  widget_class->size_allocate = al_plot_size_allocate;
  gtk_widget_class_install_action (widget_class, "plot.export", "s", export_activated);
  gtk_widget_class_set_css_name (widget_class, "plot");
}

static void
al_plot_init (AlPlot *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_menu_append (menu, _("Export as _PNG…"), "plot.export::png");
  g_menu_append (menu, _("Export as _SVG…"), "plot.export::svg");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), FALSE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Right-click to export the plot"));
}

GtkWidget *
al_plot_new (void)
{
  return g_object_new (AL_TYPE_PLOT, NULL);
}
