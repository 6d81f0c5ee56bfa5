/* al-canvas.c: AlCanvas's life cycle, properties, signals and the overlay
 * list. The image, frame and levels are in al-canvas-image.c, geometry in
 * al-canvas-zoom.c, input in al-canvas-input.c, drawing in
 * al-canvas-render.c, textures in al-canvas-tiles.c. */
#include "al-canvas-private.h"

struct _AlCanvasClass
{
  GtkWidgetClass parent_class;
};

G_DEFINE_FINAL_TYPE (AlCanvas, al_canvas, GTK_TYPE_WIDGET)

enum {
  POINTER_CHANGED,
  CLICKED,
  DRAGGED,
  N_SIGNALS
};

static GParamSpec *properties[AL_CANVAS_N_PROPS];
static guint signals[N_SIGNALS];

void
_al_canvas_notify (AlCanvas     *self,
                   AlCanvasProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

GtkWidget *
al_canvas_new (void)
{
  return g_object_new (AL_TYPE_CANVAS, NULL);
}

static gboolean
notify_view_later (gpointer data)
{
  AlCanvas *self = data;

  self->notify_idle_id = 0;
  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_OFFSET_X]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_OFFSET_Y]);
  g_object_thaw_notify (G_OBJECT (self));
  _al_canvas_pointer_changed (self);
  return G_SOURCE_REMOVE;
}

void
_al_canvas_notify_view (AlCanvas *self,
                        double    old_zoom,
                        double    old_x,
                        double    old_y)
{
  if (old_zoom == self->zoom && old_x == self->offset_x && old_y == self->offset_y)
    return;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  /* A listener that resizes a label (the zoom read-out) must not do so in
   * the middle of the window's allocation: tell it just after. */
  if (self->allocating)
    {
      if (self->notify_idle_id == 0)
        self->notify_idle_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, notify_view_later, self, NULL);
      return;
    }
  g_object_freeze_notify (G_OBJECT (self));
  if (old_zoom != self->zoom)
    g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_ZOOM]);
  if (old_x != self->offset_x)
    g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_OFFSET_X]);
  if (old_y != self->offset_y)
    g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_OFFSET_Y]);
  g_object_thaw_notify (G_OBJECT (self));
  /* What is under the pointer moved too. */
  if (self->pointer_inside)
    _al_canvas_pointer_changed (self);
}

void
_al_canvas_pointer_changed (AlCanvas *self)
{
  g_signal_emit (self, signals[POINTER_CHANGED], 0);
}

void
_al_canvas_clicked (AlCanvas *self,
                    double    x,
                    double    y)
{
  g_signal_emit (self, signals[CLICKED], 0, x, y);
}

void
_al_canvas_dragged (AlCanvas *self,
                    double    x0,
                    double    y0,
                    double    x1,
                    double    y1)
{
  g_signal_emit (self, signals[DRAGGED], 0, x0, y0, x1, y1);
}

void
al_canvas_set_drag_pans (AlCanvas *self,
                         gboolean  pans)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  self->drag_pans = pans;
}

static void
on_tile_ready (gpointer user_data)
{
  gtk_widget_queue_draw (GTK_WIDGET (user_data));
}

static void
on_layers_changed (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   AlCanvas   *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (model, i);
      g_signal_connect_object (layer, "changed", G_CALLBACK (gtk_widget_queue_draw), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* AL_CANVAS_TIMING: one line per frame with the time spent in the canvas's
 * snapshot and in the whole frame (layout, snapshot, render). */
static void
on_before_paint (GdkFrameClock *clock,
                 AlCanvas      *self)
{
  self->frame_start_us = g_get_monotonic_time ();
  self->snapshot_us = -1;
}

static void
on_after_paint (GdkFrameClock *clock,
                AlCanvas      *self)
{
  if (self->snapshot_us < 0)
    return;
  g_printerr ("al-canvas-timing: zoom %.4f snapshot %.3f ms frame %.3f ms pending %u tiles %.1f MiB\n",
              self->zoom, self->snapshot_us / 1000.0,
              (g_get_monotonic_time () - self->frame_start_us) / 1000.0,
              al_tile_cache_get_n_pending (self->tiles),
              al_tile_cache_get_bytes (self->tiles) / 1048576.0);
}

static void
al_canvas_realize (GtkWidget *widget)
{
  AlCanvas *self = AL_CANVAS (widget);
  GdkFrameClock *clock;

  GTK_WIDGET_CLASS (al_canvas_parent_class)->realize (widget);
  if (!self->log_timing)
    return;
  clock = gtk_widget_get_frame_clock (widget);
  self->before_paint_id = g_signal_connect (clock, "before-paint", G_CALLBACK (on_before_paint), self);
  self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), self);
}

static void
al_canvas_unrealize (GtkWidget *widget)
{
  AlCanvas *self = AL_CANVAS (widget);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);

  if (clock != NULL)
    {
      g_clear_signal_handler (&self->before_paint_id, clock);
      g_clear_signal_handler (&self->after_paint_id, clock);
    }
  GTK_WIDGET_CLASS (al_canvas_parent_class)->unrealize (widget);
}

static void
al_canvas_size_allocate (GtkWidget *widget,
                         int        width,
                         int        height,
                         int        baseline)
{
  AlCanvas *self = AL_CANVAS (widget);

  self->allocating = TRUE;
  _al_canvas_size_changed (self);
  self->allocating = FALSE;
}

static void
al_canvas_measure (GtkWidget      *widget,
                   GtkOrientation  orientation,
                   int             for_size,
                   int            *minimum,
                   int            *natural,
                   int            *minimum_baseline,
                   int            *natural_baseline)
{
  /* Any size will do; ask for room to see something. */
  *minimum = 64;
  *natural = 640;
}

static void
al_canvas_dispose (GObject *object)
{
  AlCanvas *self = AL_CANVAS (object);

  g_cancellable_cancel (self->pyramid_cancellable);
  g_clear_object (&self->pyramid_cancellable);
  g_clear_handle_id (&self->notify_idle_id, g_source_remove);
  g_clear_pointer (&self->tiles, al_tile_cache_detach);
  g_clear_pointer (&self->pyramid, al_pyramid_unref);
  g_clear_pointer (&self->raster, al_raster_unref);
  g_clear_object (&self->layers);
  G_OBJECT_CLASS (al_canvas_parent_class)->dispose (object);
}

static void
al_canvas_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  AlCanvas *self = AL_CANVAS (object);

  switch (prop_id)
    {
    case AL_CANVAS_PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case AL_CANVAS_PROP_OFFSET_X:
      g_value_set_double (value, self->offset_x);
      break;
    case AL_CANVAS_PROP_OFFSET_Y:
      g_value_set_double (value, self->offset_y);
      break;
    case AL_CANVAS_PROP_CONTRAST_MIN:
      g_value_set_double (value, self->levels.min);
      break;
    case AL_CANVAS_PROP_CONTRAST_MAX:
      g_value_set_double (value, self->levels.max);
      break;
    case AL_CANVAS_PROP_GAMMA:
      g_value_set_double (value, self->levels.gamma);
      break;
    case AL_CANVAS_PROP_FRAME:
      g_value_set_uint (value, self->frame);
      break;
    case AL_CANVAS_PROP_HAS_IMAGE:
      g_value_set_boolean (value, self->raster != NULL);
      break;
    case AL_CANVAS_PROP_READY:
      g_value_set_boolean (value, al_canvas_get_ready (self));
      break;
    case AL_CANVAS_PROP_SHOW_SCALE_BAR:
      g_value_set_boolean (value, self->show_scale_bar);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
al_canvas_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  AlCanvas *self = AL_CANVAS (object);

  switch (prop_id)
    {
    case AL_CANVAS_PROP_ZOOM:
      al_canvas_set_zoom (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_OFFSET_X:
      al_canvas_set_offset_x (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_OFFSET_Y:
      al_canvas_set_offset_y (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_CONTRAST_MIN:
      al_canvas_set_contrast_min (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_CONTRAST_MAX:
      al_canvas_set_contrast_max (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_GAMMA:
      al_canvas_set_gamma (self, g_value_get_double (value));
      break;
    case AL_CANVAS_PROP_FRAME:
      al_canvas_set_frame (self, g_value_get_uint (value));
      break;
    case AL_CANVAS_PROP_SHOW_SCALE_BAR:
      al_canvas_set_show_scale_bar (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
al_canvas_class_init (AlCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->dispose = al_canvas_dispose;
  object_class->get_property = al_canvas_get_property;
  object_class->set_property = al_canvas_set_property;
  widget_class->snapshot = _al_canvas_snapshot;
  widget_class->size_allocate = al_canvas_size_allocate;
  widget_class->measure = al_canvas_measure;
  widget_class->realize = al_canvas_realize;
  widget_class->unrealize = al_canvas_unrealize;

  properties[AL_CANVAS_PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, AL_CANVAS_ZOOM_MAX, 1.0, rw);
  properties[AL_CANVAS_PROP_OFFSET_X] =
    g_param_spec_double ("offset-x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[AL_CANVAS_PROP_OFFSET_Y] =
    g_param_spec_double ("offset-y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[AL_CANVAS_PROP_CONTRAST_MIN] =
    g_param_spec_double ("contrast-min", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[AL_CANVAS_PROP_CONTRAST_MAX] =
    g_param_spec_double ("contrast-max", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1, rw);
  properties[AL_CANVAS_PROP_GAMMA] =
    g_param_spec_double ("gamma", NULL, NULL, AL_LEVELS_GAMMA_MIN, AL_LEVELS_GAMMA_MAX, 1.0, rw);
  properties[AL_CANVAS_PROP_FRAME] =
    g_param_spec_uint ("frame", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[AL_CANVAS_PROP_HAS_IMAGE] =
    g_param_spec_boolean ("has-image", NULL, NULL, FALSE, ro);
  properties[AL_CANVAS_PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  properties[AL_CANVAS_PROP_SHOW_SCALE_BAR] =
    g_param_spec_boolean ("show-scale-bar", NULL, NULL, TRUE, rw);
  g_object_class_install_properties (object_class, AL_CANVAS_N_PROPS, properties);

  /**
   * AlCanvas::pointer-changed:
   *
   * The pointer moved, left, or the image moved under it: read it with
   * al_canvas_get_pointer().
   */
  signals[POINTER_CHANGED] = g_signal_new ("pointer-changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);

  /**
   * AlCanvas::clicked:
   * @x: image x of the click
   * @y: image y of the click
   *
   * A primary-button click that was not a drag.
   */
  signals[CLICKED] = g_signal_new ("clicked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_DOUBLE, G_TYPE_DOUBLE);
  /* A primary-button drag when drags do not pan (al_canvas_set_drag_pans):
   * where it began and ended, in image coordinates. */
  signals[DRAGGED] = g_signal_new ("dragged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_DOUBLE, G_TYPE_DOUBLE,
                                   G_TYPE_DOUBLE, G_TYPE_DOUBLE);

  gtk_widget_class_set_css_name (widget_class, "canvas");
}

static void
al_canvas_init (AlCanvas *self)
{
  self->zoom = 1.0;
  self->drag_pans = TRUE;
  self->fitted = TRUE;
  self->show_scale_bar = TRUE;
  self->levels.min = 0;
  self->levels.max = 1;
  self->levels.gamma = 1.0;
  self->layers = g_list_store_new (AL_TYPE_LAYER);
  g_signal_connect (self->layers, "items-changed", G_CALLBACK (on_layers_changed), self);
  self->tiles = al_tile_cache_new (on_tile_ready, self);
  self->log_timing = g_getenv ("AL_CANVAS_TIMING") != NULL;
  self->timing = self->log_timing;
  gtk_widget_add_css_class (GTK_WIDGET (self), "al-canvas");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  _al_canvas_init_input (self);
}

gboolean
al_canvas_get_pointer (AlCanvas *self,
                       double   *x,
                       double   *y)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  if (!self->pointer_inside)
    return FALSE;
  return al_canvas_widget_to_image (self, self->pointer_wx, self->pointer_wy, x, y);
}

gboolean
al_canvas_get_show_scale_bar (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->show_scale_bar;
}

void
al_canvas_set_show_scale_bar (AlCanvas *self,
                              gboolean  show)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  show = !!show;
  if (self->show_scale_bar == show)
    return;
  self->show_scale_bar = show;
  g_object_notify_by_pspec (G_OBJECT (self), properties[AL_CANVAS_PROP_SHOW_SCALE_BAR]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GListStore *
al_canvas_get_layers (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->layers;
}
