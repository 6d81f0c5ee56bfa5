/* al-layer.c: the overlay layer base class. It owns the shared properties
 * and the tiles of a subclass's `render` (al-layer-tiles.c), and wraps the
 * drawing in the layer's opacity; a layer that is hidden or fully
 * transparent is never asked to draw. */
#include "al-layer.h"

#include "al-layer-tiles.h"

/* Surfaces kept for al_layer_begin_cairo: two, used in turn, so the one
 * GTK may still show from the last frame is never drawn over. */
#define N_SURFACES 2

typedef struct
{
  char            *name;
  double           opacity;
  gboolean         visible;
  cairo_surface_t *surfaces[N_SURFACES];
  guint            next_surface;
  AlCanvasView     view;           /* of the drawing in progress */
  AlLayerTiles    *tiles;          /* of `render`, when the class has one */
} AlLayerPrivate;

G_DEFINE_TYPE_WITH_PRIVATE (AlLayer, al_layer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_OPACITY,
  PROP_VISIBLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
al_layer_real_snapshot (AlLayer            *layer,
                        GtkSnapshot        *snapshot,
                        const AlCanvasView *view)
{
}

static gint64
al_layer_real_hit_test (AlLayer *layer,
                        double   x_img,
                        double   y_img,
                        double   radius)
{
  return -1;
}

static void
al_layer_finalize (GObject *object)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (AL_LAYER (object));

  g_free (priv->name);
  g_clear_pointer (&priv->tiles, al_layer_tiles_detach);
  for (guint i = 0; i < N_SURFACES; i++)
    g_clear_pointer (&priv->surfaces[i], cairo_surface_destroy);
  G_OBJECT_CLASS (al_layer_parent_class)->finalize (object);
}

static void
al_layer_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  AlLayer *self = AL_LAYER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, al_layer_get_name (self));
      break;
    case PROP_OPACITY:
      g_value_set_double (value, al_layer_get_opacity (self));
      break;
    case PROP_VISIBLE:
      g_value_set_boolean (value, al_layer_get_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
al_layer_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  AlLayer *self = AL_LAYER (object);

  switch (prop_id)
    {
    case PROP_NAME:
      al_layer_set_name (self, g_value_get_string (value));
      break;
    case PROP_OPACITY:
      al_layer_set_opacity (self, g_value_get_double (value));
      break;
    case PROP_VISIBLE:
      al_layer_set_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
al_layer_class_init (AlLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = al_layer_finalize;
  object_class->get_property = al_layer_get_property;
  object_class->set_property = al_layer_set_property;
  klass->snapshot = al_layer_real_snapshot;
  klass->hit_test = al_layer_real_hit_test;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OPACITY] =
    g_param_spec_double ("opacity", NULL, NULL, 0.0, 1.0, 1.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * AlLayer::changed:
   *
   * The layer's drawing changed (data, style or a property): the canvas
   * redraws.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
on_tile_ready (gpointer user_data)
{
  al_layer_changed (AL_LAYER (user_data));
}

static void
al_layer_init (AlLayer *self)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (self);

  priv->opacity = 1.0;
  priv->visible = TRUE;
  priv->tiles = al_layer_tiles_new (on_tile_ready, self);
}

static gpointer
capture (gpointer user_data)
{
  return AL_LAYER_GET_CLASS (user_data)->capture (AL_LAYER (user_data));
}

/* The tiles, in widget coordinates: undo the canvas's image transform
 * (translate by -offset * zoom, then scale by zoom). */
static void
snapshot_tiles (AlLayer            *layer,
                GtkSnapshot        *snapshot,
                const AlCanvasView *view)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);
  AlLayerClass *klass = AL_LAYER_GET_CLASS (layer);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / view->zoom, 1.0 / view->zoom);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (view->offset_x * view->zoom,
                                                          view->offset_y * view->zoom));
  al_layer_tiles_snapshot (priv->tiles, snapshot, view, capture, layer, klass->release, klass->render);
  gtk_snapshot_restore (snapshot);
}

void
al_layer_snapshot (AlLayer            *layer,
                   GtkSnapshot        *snapshot,
                   const AlCanvasView *view)
{
  AlLayerPrivate *priv;

  g_return_if_fail (AL_IS_LAYER (layer));
  priv = al_layer_get_instance_private (layer);
  if (!priv->visible || priv->opacity <= 0.0)
    return;
  if (priv->opacity < 1.0)
    gtk_snapshot_push_opacity (snapshot, priv->opacity);
  if (AL_LAYER_GET_CLASS (layer)->render != NULL && AL_LAYER_GET_CLASS (layer)->capture != NULL)
    snapshot_tiles (layer, snapshot, view);
  AL_LAYER_GET_CLASS (layer)->snapshot (layer, snapshot, view);
  if (priv->opacity < 1.0)
    gtk_snapshot_pop (snapshot);
}

gint64
al_layer_hit_test (AlLayer *layer,
                   double   x_img,
                   double   y_img,
                   double   radius)
{
  AlLayerPrivate *priv;

  g_return_val_if_fail (AL_IS_LAYER (layer), -1);
  priv = al_layer_get_instance_private (layer);
  if (!priv->visible)
    return -1;
  return AL_LAYER_GET_CLASS (layer)->hit_test (layer, x_img, y_img, radius);
}

gboolean
al_layer_get_visible (AlLayer *layer)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  return priv->visible;
}

void
al_layer_set_visible (AlLayer *layer,
                      gboolean visible)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  visible = !!visible;
  if (priv->visible == visible)
    return;
  priv->visible = visible;
  g_object_notify_by_pspec (G_OBJECT (layer), properties[PROP_VISIBLE]);
  al_layer_changed (layer);
}

double
al_layer_get_opacity (AlLayer *layer)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  return priv->opacity;
}

void
al_layer_set_opacity (AlLayer *layer,
                      double   opacity)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  opacity = CLAMP (opacity, 0.0, 1.0);
  if (priv->opacity == opacity)
    return;
  priv->opacity = opacity;
  g_object_notify_by_pspec (G_OBJECT (layer), properties[PROP_OPACITY]);
  al_layer_changed (layer);
}

const char *
al_layer_get_name (AlLayer *layer)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  return priv->name;
}

void
al_layer_set_name (AlLayer    *layer,
                   const char *name)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);

  if (g_strcmp0 (priv->name, name) == 0)
    return;
  g_free (priv->name);
  priv->name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (layer), properties[PROP_NAME]);
}

void
al_layer_changed (AlLayer *layer)
{
  g_return_if_fail (AL_IS_LAYER (layer));
  g_signal_emit (layer, signals[CHANGED], 0);
}

void
al_layer_invalidate (AlLayer *layer)
{
  AlLayerPrivate *priv;

  g_return_if_fail (AL_IS_LAYER (layer));
  priv = al_layer_get_instance_private (layer);
  al_layer_tiles_invalidate (priv->tiles);
  al_layer_changed (layer);
}

guint
al_layer_get_n_pending (AlLayer *layer)
{
  AlLayerPrivate *priv;

  g_return_val_if_fail (AL_IS_LAYER (layer), 0);
  priv = al_layer_get_instance_private (layer);
  return al_layer_tiles_get_n_pending (priv->tiles);
}

/* Marks are drawn into an image surface of the widget's size and handed to
 * GTK as one texture: a Cairo render node would record every mark and
 * replay the recording at each frame, which for 10^5 small marks costs
 * many times the drawing itself. The surfaces are reused from frame to
 * frame (fresh ones cost page faults on every frame). */
cairo_t *
al_layer_begin_cairo (AlLayer            *layer,
                      GtkSnapshot        *snapshot,
                      const AlCanvasView *view)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);
  int scale = MAX (view->scale_factor, 1);
  int w = MAX (view->widget_width, 1) * scale, h = MAX (view->widget_height, 1) * scale;
  cairo_surface_t **surface = &priv->surfaces[priv->next_surface];
  cairo_t *cr;

  priv->next_surface = (priv->next_surface + 1) % N_SURFACES;
  if (*surface == NULL || cairo_image_surface_get_width (*surface) != w
      || cairo_image_surface_get_height (*surface) != h)
    {
      g_clear_pointer (surface, cairo_surface_destroy);
      *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
      cairo_surface_set_device_scale (*surface, scale, scale);
    }
  priv->view = *view;
  cr = cairo_create (*surface);
  cairo_save (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
  cairo_paint (cr);
  cairo_restore (cr);
  return cr;
}

static void
release_surface (gpointer data)
{
  cairo_surface_destroy (data);
}

void
al_layer_end_cairo (AlLayer     *layer,
                    GtkSnapshot *snapshot,
                    cairo_t     *cr)
{
  AlLayerPrivate *priv = al_layer_get_instance_private (layer);
  const AlCanvasView *view = &priv->view;
  cairo_surface_t *surface = cairo_surface_reference (cairo_get_target (cr));
  int h = cairo_image_surface_get_height (surface);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GdkTexture) texture = NULL;

  cairo_destroy (cr);
  cairo_surface_flush (surface);
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface),
                                      (gsize) cairo_image_surface_get_stride (surface) * h,
                                      release_surface, surface);
  texture = gdk_memory_texture_new (cairo_image_surface_get_width (surface), h, GDK_MEMORY_DEFAULT,
                                    bytes, cairo_image_surface_get_stride (surface));
  /* Undo the canvas's image transform (translate by -offset * zoom, then
   * scale by zoom) to place the texture on the widget. */
  gtk_snapshot_save (snapshot);
  gtk_snapshot_scale (snapshot, 1.0 / view->zoom, 1.0 / view->zoom);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (view->offset_x * view->zoom,
                                                          view->offset_y * view->zoom));
  gtk_snapshot_append_texture (snapshot, texture,
                               &GRAPHENE_RECT_INIT (0, 0, view->widget_width, view->widget_height));
  gtk_snapshot_restore (snapshot);
}
