/* al-time-panel.c: counts and areas of a series against time (see
 * al-time-panel.h). Two plots share the time axis: defects per frame on
 * top, phase and hole area below (only when the frames have a phase map
 * with anything but the host crystal). */
#include "al-time-panel.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "al-overlay-style.h"
#include "defects/al-phase-map.h"

#define PLOT_HEIGHT_PX 360
#define MARGIN_LEFT_PX 40.0
#define MARGIN_RIGHT_PX 12.0
#define MARGIN_TOP_PX 22.0
#define MARGIN_BOTTOM_PX 26.0
#define GAP_PX 34.0
#define POINT_RADIUS_PX 3.0
/* A click picks the nearest point within this distance (px). */
#define CLICK_REACH_PX 12.0
#define FONT_PX 11.0

/* Phase area curves reuse the defect palette through the phase's type. */
static const AlPhase area_phases[] = { AL_PHASE_VACUUM, AL_PHASE_1T, AL_PHASE_1TP, AL_PHASE_AMORPHOUS };

struct _AlTimePanel
{
  GtkBox     parent_instance;
  GtkWidget *area;
  GtkWidget *caption;
  AlResults *results;
  guint      first;             /* image frame of column 0 */
  guint      n_frames;
  guint     *counts;            /* [type * n_frames + i] */
  gboolean   plotted[AL_N_DEFECT_TYPES];
  double    *area_pct;          /* [phase * n_frames + i] */
  gboolean   has_area[AL_N_PHASES];
  guint      max_count;
  double     max_area;
  guint      frame;
  double     interval_s;
};

enum { SIGNAL_FRAME_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (AlTimePanel, al_time_panel, GTK_TYPE_BOX)

typedef struct
{
  double x0, x1, y0, y1;   /* plot rectangle, widget px */
} Rect;

static gboolean
has_area_plot (AlTimePanel *self)
{
  for (guint p = 0; p < AL_N_PHASES; p++)
    if (self->has_area[p])
      return TRUE;
  return FALSE;
}

static void
layout (AlTimePanel *self,
        Rect        *counts,
        Rect        *areas)
{
  double w = gtk_widget_get_width (self->area), h = gtk_widget_get_height (self->area);
  double split = has_area_plot (self) ? 0.62 : 1.0;

  counts->x0 = areas->x0 = MARGIN_LEFT_PX;
  counts->x1 = areas->x1 = MAX (w - MARGIN_RIGHT_PX, MARGIN_LEFT_PX + 1);
  counts->y0 = MARGIN_TOP_PX;
  counts->y1 = MAX (MARGIN_TOP_PX + 1, split * h - (split < 1 ? GAP_PX / 2 : MARGIN_BOTTOM_PX));
  areas->y0 = counts->y1 + GAP_PX;
  areas->y1 = MAX (areas->y0 + 1, h - MARGIN_BOTTOM_PX);
}

static double
x_of (AlTimePanel *self,
      const Rect  *r,
      guint        i)
{
  return self->n_frames > 1 ? r->x0 + (r->x1 - r->x0) * i / (self->n_frames - 1)
                            : (r->x0 + r->x1) / 2;
}

static double
y_of (const Rect *r,
      double      value,
      double      max)
{
  return r->y1 - (r->y1 - r->y0) * value / MAX (max, 1e-9);
}

static void
draw_axes (cairo_t    *cr,
           const Rect *r,
           const char *title,
           double      max,
           const char *max_format)
{
  char text[32];

  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.8);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, r->x0, r->y0);
  cairo_line_to (cr, r->x0, r->y1);
  cairo_line_to (cr, r->x1, r->y1);
  cairo_stroke (cr);
  cairo_move_to (cr, r->x0, r->y0 - 8);
  cairo_show_text (cr, title);
  g_snprintf (text, sizeof text, max_format, max);
  cairo_move_to (cr, 2, r->y0 + FONT_PX / 2);
  cairo_show_text (cr, text);
  cairo_move_to (cr, 2, r->y1);
  cairo_show_text (cr, "0");
}

static void
draw_series (AlTimePanel  *self,
             cairo_t      *cr,
             const Rect   *r,
             const double *values,
             double        max,
             int           color_type)
{
  double rgb[3];

  al_overlay_defect_color (color_type, rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_set_line_width (cr, 1.5);
  for (guint i = 0; i < self->n_frames; i++)
    {
      double x = x_of (self, r, i), y = y_of (r, values[i], max);
      if (i == 0)
        cairo_move_to (cr, x, y);
      else
        cairo_line_to (cr, x, y);
    }
  cairo_stroke (cr);
  for (guint i = 0; i < self->n_frames; i++)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, x_of (self, r, i), y_of (r, values[i], max), POINT_RADIUS_PX, 0, 2 * G_PI);
    }
  cairo_fill (cr);
}

static void
draw (GtkDrawingArea *area,
      cairo_t        *cr,
      int             width,
      int             height,
      gpointer        data)
{
  AlTimePanel *self = data;
  g_autofree double *values = g_new0 (double, MAX (self->n_frames, 1));
  Rect rc, ra;
  char label[64];

  if (self->n_frames == 0)
    return;
  layout (self, &rc, &ra);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, FONT_PX);
  draw_axes (cr, &rc, _("Defects per frame"), self->max_count, "%.0f");
  for (int t = 0; t < AL_N_DEFECT_TYPES; t++)
    if (self->plotted[t])
      {
        for (guint i = 0; i < self->n_frames; i++)
          values[i] = self->counts[t * self->n_frames + i];
        draw_series (self, cr, &rc, values, self->max_count, t);
      }
  if (has_area_plot (self))
    {
      draw_axes (cr, &ra, _("Area of phases and holes (%)"), self->max_area, "%.0f");
      for (guint p = 0; p < AL_N_PHASES; p++)
        if (self->has_area[p])
          draw_series (self, cr, &ra, self->area_pct + p * self->n_frames, self->max_area,
                       al_phase_defect_type ((AlPhase) p));
    }
  /* The current frame and the time axis. */
  if (self->frame >= self->first && self->frame < self->first + self->n_frames)
    {
      double x = x_of (self, &rc, self->frame - self->first);
      cairo_set_source_rgba (cr, 0.2, 0.5, 1.0, 0.8);
      cairo_set_line_width (cr, 1.5);
      cairo_move_to (cr, x, rc.y0);
      cairo_line_to (cr, x, has_area_plot (self) ? ra.y1 : rc.y1);
      cairo_stroke (cr);
    }
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 1);
  if (self->interval_s > 0)
    g_snprintf (label, sizeof label, _("time %.3g – %.3g s"), 0.0, (self->n_frames - 1) * self->interval_s);
  else
    g_snprintf (label, sizeof label, _("frame %u – %u"), self->first, self->first + self->n_frames - 1);
  cairo_move_to (cr, MARGIN_LEFT_PX, height - 6);
  cairo_show_text (cr, label);
}

static void
update_caption (AlTimePanel *self)
{
  GString *s = g_string_new (NULL);

  for (int t = 0; t < AL_N_DEFECT_TYPES; t++)
    if (self->plotted[t])
      g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", al_defect_type_name (t));
  for (guint p = 0; p < AL_N_PHASES; p++)
    if (self->has_area[p])
      {
        g_autofree char *what = p == AL_PHASE_VACUUM ? g_strdup (_("hole area"))
                                  /* Translators: %s is a phase name (1T, 1T', amorphous). */
                                  : g_strdup_printf (_("%s area"), al_phase_name ((AlPhase) p));
        g_string_append_printf (s, "%s%s", s->len > 0 ? ", " : "", what);
      }
  gtk_label_set_text (GTK_LABEL (self->caption), s->len > 0 ? s->str : _("Analyse a series to plot it"));
  g_string_free (s, TRUE);
}

static void
on_pressed (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            AlTimePanel     *self)
{
  al_time_panel_click (self, x, y);
}

static void
al_time_panel_dispose (GObject *object)
{
  AlTimePanel *self = AL_TIME_PANEL (object);

  g_clear_pointer (&self->results, al_results_unref);
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->area_pct, g_free);
  G_OBJECT_CLASS (al_time_panel_parent_class)->dispose (object);
}

static void
al_time_panel_class_init (AlTimePanelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = al_time_panel_dispose;
  /**
   * AlTimePanel::frame-activated:
   * @frame: the image frame of the point clicked
   */
  signals[SIGNAL_FRAME_ACTIVATED] =
    g_signal_new ("frame-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
al_time_panel_init (AlTimePanel *self)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_orientable_set_orientation (GTK_ORIENTABLE (self), GTK_ORIENTATION_VERTICAL);
  gtk_box_set_spacing (GTK_BOX (self), 6);
  self->area = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->area, -1, PLOT_HEIGHT_PX);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->area), draw, self, NULL);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (self->area, GTK_EVENT_CONTROLLER (click));
  self->caption = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->caption), TRUE);
  gtk_widget_add_css_class (self->caption, "dim-label");
  gtk_box_append (GTK_BOX (self), self->area);
  gtk_box_append (GTK_BOX (self), self->caption);
  update_caption (self);
}

GtkWidget *
al_time_panel_new (void)
{
  return g_object_new (AL_TYPE_TIME_PANEL, NULL);
}

static void
count_frame (AlTimePanel         *self,
             const AlAnalysis    *a,
             const AlFrameResult *r,
             guint                i)
{
  const AlDefects *d = r->structure != NULL ? r->structure->defects : NULL;
  const AlPhaseMap *pm = r->structure != NULL ? r->structure->phases : NULL;
  double field = (double) a->width * a->height;

  for (guint k = 0; d != NULL && k < al_defects_len (d); k++)
    {
      AlDefectType t = al_defects_get (d, k)->type;
      if (t <= AL_DEFECT_NONE || t >= AL_N_DEFECT_TYPES)
        continue;
      self->counts[t * self->n_frames + i]++;
      self->plotted[t] = TRUE;
    }
  for (guint k = 0; pm != NULL && k < G_N_ELEMENTS (area_phases); k++)
    {
      AlPhase p = area_phases[k];
      double pct = field > 0 ? 100.0 * pm->area_px2[p] / field : 0;
      self->area_pct[p * self->n_frames + i] = pct;
      self->has_area[p] |= pct > 0;
      self->max_area = MAX (self->max_area, pct);
    }
}

void
al_time_panel_set_results (AlTimePanel *self,
                           AlResults   *results)
{
  const AlAnalysis *a;

  g_return_if_fail (AL_IS_TIME_PANEL (self));
  g_clear_pointer (&self->results, al_results_unref);
  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->area_pct, g_free);
  memset (self->plotted, 0, sizeof self->plotted);
  memset (self->has_area, 0, sizeof self->has_area);
  self->n_frames = 0;
  self->max_count = 0;
  self->max_area = 0;
  if (results != NULL && al_results_get_analysis (results)->frames->len > 0)
    {
      a = al_results_get_analysis (results);
      self->results = al_results_ref (results);
      self->first = ((const AlFrameResult *) a->frames->pdata[0])->frame;
      self->n_frames = ((const AlFrameResult *) a->frames->pdata[a->frames->len - 1])->frame
                       - self->first + 1;
      self->counts = g_new0 (guint, (gsize) AL_N_DEFECT_TYPES * self->n_frames);
      self->area_pct = g_new0 (double, (gsize) AL_N_PHASES * self->n_frames);
      for (guint i = 0; i < a->frames->len; i++)
        {
          const AlFrameResult *r = a->frames->pdata[i];
          count_frame (self, a, r, r->frame - self->first);
        }
      for (guint k = 0; k < (guint) AL_N_DEFECT_TYPES * self->n_frames; k++)
        self->max_count = MAX (self->max_count, self->counts[k]);
    }
  update_caption (self);
  gtk_widget_queue_draw (self->area);
}

void
al_time_panel_set_frame (AlTimePanel *self,
                         guint        frame)
{
  g_return_if_fail (AL_IS_TIME_PANEL (self));
  self->frame = frame;
  gtk_widget_queue_draw (self->area);
}

void
al_time_panel_set_interval (AlTimePanel *self,
                            double       seconds)
{
  g_return_if_fail (AL_IS_TIME_PANEL (self));
  self->interval_s = seconds > 0 ? seconds : 0;
  gtk_widget_queue_draw (self->area);
}

guint
al_time_panel_get_n_frames (AlTimePanel *self)
{
  g_return_val_if_fail (AL_IS_TIME_PANEL (self), 0);
  return self->n_frames;
}

guint
al_time_panel_get_frame (AlTimePanel *self)
{
  g_return_val_if_fail (AL_IS_TIME_PANEL (self), 0);
  return self->frame;
}

guint
al_time_panel_get_count (AlTimePanel *self,
                         int          type,
                         guint        frame)
{
  g_return_val_if_fail (AL_IS_TIME_PANEL (self), 0);
  if (type <= AL_DEFECT_NONE || type >= AL_N_DEFECT_TYPES || frame < self->first
      || frame >= self->first + self->n_frames)
    return 0;
  return self->counts[type * self->n_frames + (frame - self->first)];
}

gboolean
al_time_panel_point_position (AlTimePanel *self,
                              int          type,
                              guint        frame,
                              double      *x,
                              double      *y)
{
  Rect rc, ra;

  g_return_val_if_fail (AL_IS_TIME_PANEL (self), FALSE);
  if (type <= AL_DEFECT_NONE || type >= AL_N_DEFECT_TYPES || !self->plotted[type]
      || frame < self->first || frame >= self->first + self->n_frames)
    return FALSE;
  layout (self, &rc, &ra);
  *x = x_of (self, &rc, frame - self->first);
  *y = y_of (&rc, self->counts[type * self->n_frames + (frame - self->first)], self->max_count);
  return TRUE;
}

gint64
al_time_panel_click (AlTimePanel *self,
                     double       x,
                     double       y)
{
  double best = CLICK_REACH_PX;
  gint64 frame = -1;
  Rect rc, ra;

  g_return_val_if_fail (AL_IS_TIME_PANEL (self), -1);
  layout (self, &rc, &ra);
  for (guint i = 0; i < self->n_frames; i++)
    {
      double px = x_of (self, &rc, i);
      for (int t = 0; t < AL_N_DEFECT_TYPES; t++)
        if (self->plotted[t])
          {
            double d = hypot (px - x, y_of (&rc, self->counts[t * self->n_frames + i], self->max_count) - y);
            if (d <= best)
              best = d, frame = self->first + i;
          }
      for (guint p = 0; p < AL_N_PHASES; p++)
        if (self->has_area[p])
          {
            double d = hypot (px - x, y_of (&ra, self->area_pct[p * self->n_frames + i], self->max_area) - y);
            if (d <= best)
              best = d, frame = self->first + i;
          }
    }
  if (frame >= 0)
    g_signal_emit (self, signals[SIGNAL_FRAME_ACTIVATED], 0, (guint) frame);
  return frame;
}
