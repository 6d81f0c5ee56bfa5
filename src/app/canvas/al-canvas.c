/* al-canvas.c: AlCanvas's life cycle, properties, the raster and frame it
 * shows, contrast levels and the overlay list. Geometry is in
 * al-canvas-zoom.c, input in al-canvas-input.c, drawing in
 * al-canvas-render.c, textures in al-canvas-tiles.c. */
#include "al-canvas-private.h"

#include <math.h>

struct _AlCanvasClass
{
  GtkWidgetClass parent_class;
};

G_DEFINE_FINAL_TYPE (AlCanvas, al_canvas, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOM,
  PROP_OFFSET_X,
  PROP_OFFSET_Y,
  PROP_CONTRAST_MIN,
  PROP_CONTRAST_MAX,
  PROP_GAMMA,
  PROP_FRAME,
  PROP_HAS_IMAGE,
  PROP_READY,
  PROP_SHOW_SCALE_BAR,
  N_PROPS
};

enum {
  POINTER_CHANGED,
  CLICKED,
  DRAGGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET_X]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET_Y]);
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
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
  if (old_x != self->offset_x)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET_X]);
  if (old_y != self->offset_y)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFSET_Y]);
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
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_OFFSET_X:
      g_value_set_double (value, self->offset_x);
      break;
    case PROP_OFFSET_Y:
      g_value_set_double (value, self->offset_y);
      break;
    case PROP_CONTRAST_MIN:
      g_value_set_double (value, self->levels.min);
      break;
    case PROP_CONTRAST_MAX:
      g_value_set_double (value, self->levels.max);
      break;
    case PROP_GAMMA:
      g_value_set_double (value, self->levels.gamma);
      break;
    case PROP_FRAME:
      g_value_set_uint (value, self->frame);
      break;
    case PROP_HAS_IMAGE:
      g_value_set_boolean (value, self->raster != NULL);
      break;
    case PROP_READY:
      g_value_set_boolean (value, al_canvas_get_ready (self));
      break;
    case PROP_SHOW_SCALE_BAR:
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
    case PROP_ZOOM:
      al_canvas_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_OFFSET_X:
      al_canvas_set_offset_x (self, g_value_get_double (value));
      break;
    case PROP_OFFSET_Y:
      al_canvas_set_offset_y (self, g_value_get_double (value));
      break;
    case PROP_CONTRAST_MIN:
      al_canvas_set_contrast_min (self, g_value_get_double (value));
      break;
    case PROP_CONTRAST_MAX:
      al_canvas_set_contrast_max (self, g_value_get_double (value));
      break;
    case PROP_GAMMA:
      al_canvas_set_gamma (self, g_value_get_double (value));
      break;
    case PROP_FRAME:
      al_canvas_set_frame (self, g_value_get_uint (value));
      break;
    case PROP_SHOW_SCALE_BAR:
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

  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, 0, AL_CANVAS_ZOOM_MAX, 1.0, rw);
  properties[PROP_OFFSET_X] =
    g_param_spec_double ("offset-x", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_OFFSET_Y] =
    g_param_spec_double ("offset-y", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_CONTRAST_MIN] =
    g_param_spec_double ("contrast-min", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, rw);
  properties[PROP_CONTRAST_MAX] =
    g_param_spec_double ("contrast-max", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 1, rw);
  properties[PROP_GAMMA] =
    g_param_spec_double ("gamma", NULL, NULL, AL_LEVELS_GAMMA_MIN, AL_LEVELS_GAMMA_MAX, 1.0, rw);
  properties[PROP_FRAME] =
    g_param_spec_uint ("frame", NULL, NULL, 0, G_MAXUINT, 0, rw);
  properties[PROP_HAS_IMAGE] =
    g_param_spec_boolean ("has-image", NULL, NULL, FALSE, ro);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  properties[PROP_SHOW_SCALE_BAR] =
    g_param_spec_boolean ("show-scale-bar", NULL, NULL, TRUE, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);

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

/* The current frame's pyramid arrived: levels from it unless set already. */
static void
use_pyramid (AlCanvas  *self,
             AlPyramid *pyramid)
{
  gboolean was_ready = self->pyramid != NULL;

  g_clear_pointer (&self->pyramid, al_pyramid_unref);
  self->pyramid = al_pyramid_ref (pyramid);
  if (!self->levels_set)
    al_canvas_auto_levels (self, AL_LEVELS_AUTO_LOW_PERCENT, AL_LEVELS_AUTO_HIGH_PERCENT);
  al_tile_cache_set_source (self->tiles, self->pyramid, &self->levels);
  if (!was_ready)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_pyramid_ready (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (AlCanvas) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlPyramid) pyramid = NULL;

  if (self->raster == NULL)
    return;
  pyramid = al_raster_get_pyramid_finish (self->raster, result, &error);
  if (pyramid == NULL || pyramid->frame != self->frame)
    return;
  use_pyramid (self, pyramid);
}

static void
load_frame (AlCanvas *self)
{
  g_cancellable_cancel (self->pyramid_cancellable);
  g_clear_object (&self->pyramid_cancellable);
  if (self->raster == NULL)
    return;
  if (al_raster_has_pyramid (self->raster, self->frame))
    {
      g_autoptr (AlPyramid) pyramid = al_raster_get_pyramid (self->raster, self->frame, NULL);
      use_pyramid (self, pyramid);
      return;
    }
  /* The previous frame stays on screen until this one is ready. */
  self->pyramid_cancellable = g_cancellable_new ();
  al_raster_get_pyramid_async (self->raster, self->frame, self->pyramid_cancellable,
                               on_pyramid_ready, g_object_ref (self));
}

void
al_canvas_set_raster (AlCanvas *self,
                      AlRaster *raster)
{
  gboolean was_ready;

  g_return_if_fail (AL_IS_CANVAS (self));
  if (raster == self->raster)
    return;
  was_ready = self->pyramid != NULL;
  g_clear_pointer (&self->pyramid, al_pyramid_unref);
  al_tile_cache_set_source (self->tiles, NULL, NULL);
  g_clear_pointer (&self->raster, al_raster_unref);
  self->raster = raster != NULL ? al_raster_ref (raster) : NULL;
  self->frame = 0;
  self->levels_set = FALSE;
  self->fitted = TRUE;
  g_object_freeze_notify (G_OBJECT (self));
  _al_canvas_size_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_IMAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  if (was_ready)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
  load_frame (self);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

AlRaster *
al_canvas_get_raster (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->raster;
}

gboolean
al_canvas_get_has_image (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->raster != NULL;
}

gboolean
al_canvas_get_ready (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  return self->pyramid != NULL;
}

guint
al_canvas_get_frame (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->frame;
}

guint
al_canvas_get_n_frames (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->raster != NULL ? al_raster_get_image (self->raster)->n_frames : 0;
}

void
al_canvas_set_frame (AlCanvas *self,
                     guint     frame)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  if (self->raster == NULL)
    return;
  frame = MIN (frame, al_canvas_get_n_frames (self) - 1);
  if (frame == self->frame)
    return;
  self->frame = frame;
  load_frame (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRAME]);
  _al_canvas_pointer_changed (self);
}

gboolean
al_canvas_value_at (AlCanvas *self,
                    double    x,
                    double    y,
                    float    *value)
{
  const AlImage *image;
  double col, row;

  g_return_val_if_fail (AL_IS_CANVAS (self), FALSE);
  if (self->raster == NULL)
    return FALSE;
  image = al_raster_get_image (self->raster);
  /* Pixel centres at integers: pixel i covers [i - 0.5, i + 0.5). */
  col = floor (x + 0.5);
  row = floor (y + 0.5);
  if (col < 0 || row < 0 || col >= image->width || row >= image->height)
    return FALSE;
  if (value != NULL)
    *value = al_image_frame_const (image, self->frame)[(gsize) row * image->width + (gsize) col];
  return TRUE;
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

void
al_canvas_get_levels (AlCanvas *self,
                      AlLevels *levels)
{
  g_return_if_fail (AL_IS_CANVAS (self));
  *levels = self->levels;
}

void
al_canvas_set_levels (AlCanvas       *self,
                      const AlLevels *levels)
{
  AlLevels old;

  g_return_if_fail (AL_IS_CANVAS (self));
  g_return_if_fail (levels != NULL);
  old = self->levels;
  self->levels = *levels;
  self->levels.gamma = CLAMP (levels->gamma, AL_LEVELS_GAMMA_MIN, AL_LEVELS_GAMMA_MAX);
  self->levels_set = TRUE;
  if (al_levels_equal (&old, &self->levels))
    return;
  if (self->pyramid != NULL)
    al_tile_cache_set_source (self->tiles, self->pyramid, &self->levels);
  g_object_freeze_notify (G_OBJECT (self));
  if (old.min != self->levels.min)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTRAST_MIN]);
  if (old.max != self->levels.max)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTRAST_MAX]);
  if (old.gamma != self->levels.gamma)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GAMMA]);
  g_object_thaw_notify (G_OBJECT (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
al_canvas_get_contrast_min (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 0);
  return self->levels.min;
}

void
al_canvas_set_contrast_min (AlCanvas *self,
                            double    value)
{
  AlLevels levels = self->levels;

  levels.min = value;
  al_canvas_set_levels (self, &levels);
}

double
al_canvas_get_contrast_max (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 1);
  return self->levels.max;
}

void
al_canvas_set_contrast_max (AlCanvas *self,
                            double    value)
{
  AlLevels levels = self->levels;

  levels.max = value;
  al_canvas_set_levels (self, &levels);
}

double
al_canvas_get_gamma (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), 1);
  return self->levels.gamma;
}

void
al_canvas_set_gamma (AlCanvas *self,
                     double    gamma)
{
  AlLevels levels = self->levels;

  levels.gamma = gamma;
  al_canvas_set_levels (self, &levels);
}

void
al_canvas_auto_levels (AlCanvas *self,
                       double    low_percent,
                       double    high_percent)
{
  AlLevels levels = self->levels;

  g_return_if_fail (AL_IS_CANVAS (self));
  if (self->pyramid == NULL)
    return;
  al_levels_auto (&levels, self->pyramid->histogram, low_percent, high_percent);
  al_canvas_set_levels (self, &levels);
}

const AlHistogram *
al_canvas_get_histogram (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->pyramid != NULL ? self->pyramid->histogram : NULL;
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SCALE_BAR]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GListStore *
al_canvas_get_layers (AlCanvas *self)
{
  g_return_val_if_fail (AL_IS_CANVAS (self), NULL);
  return self->layers;
}
