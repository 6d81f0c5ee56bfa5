/* al-map-layer.c: the detection map as one texture over the image, made at
 * the first draw of a frame once the layer is shown (a lookup per texel of
 * the 8-bit map: a few ms for 2048²) and kept while the analysis is the
 * same: edits change the atoms, not the map. */
#include "al-map-layer.h"

#include <glib/gi18n.h>

#include "export/al-colormap.h"

struct _AlMapLayer
{
  AlLayer            parent_instance;
  AlResults         *results;
  AlDetectMap       *texture_map;   /* what the texture shows (held, so
                                     * its address is not another map's) */
  GdkTexture        *texture;
};

G_DEFINE_FINAL_TYPE (AlMapLayer, al_map_layer, AL_TYPE_LAYER)

guint8 *
al_map_layer_texels (const AlDetectMap *map,
                     guint              step,
                     guint             *width,
                     guint             *height)
{
  guint32 lut[AL_COLORMAP_LUT_SIZE];
  guint w = (map->width + step - 1) / step, h = (map->height + step - 1) / step;
  guint8 *px = g_malloc ((gsize) 4 * w * h);

  al_colormap_lut (AL_COLORMAP_VIRIDIS, lut);
  for (guint y = 0; y < h; y++)
    {
      const guint8 *row = map->level + (gsize) y * step * map->width;
      guint8 *out = px + (gsize) 4 * y * w;
      for (guint x = 0; x < w; x++, out += 4)
        {
          guint32 c = lut[row[(gsize) x * step] * (AL_COLORMAP_LUT_SIZE - 1) / 255];
          /* Opaque BGRA: the layer's opacity blends it. */
          out[0] = c & 0xff;
          out[1] = (c >> 8) & 0xff;
          out[2] = (c >> 16) & 0xff;
          out[3] = 0xff;
        }
    }
  *width = w;
  *height = h;
  return px;
}

static void
build_texture (AlMapLayer        *self,
               const AlDetectMap *map)
{
  guint step = (MAX (map->width, map->height) + AL_MAP_LAYER_MAX_SIDE - 1) / AL_MAP_LAYER_MAX_SIDE;
  guint w, h;
  guint8 *px = al_map_layer_texels (map, MAX (step, 1), &w, &h);
  g_autoptr (GBytes) bytes = g_bytes_new_take (px, (gsize) 4 * w * h);

  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (w, h, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, 4 * w);
  g_clear_pointer (&self->texture_map, al_detect_map_unref);
  self->texture_map = al_detect_map_ref ((AlDetectMap *) map);
}

static void
al_map_layer_snapshot (AlLayer            *layer,
                       GtkSnapshot        *snapshot,
                       const AlCanvasView *view)
{
  AlMapLayer *self = AL_MAP_LAYER (layer);
  const AlDetectMap *map = al_map_layer_get_map (self, view->frame);

  if (map == NULL)
    return;
  if (self->texture == NULL || self->texture_map != map)
    build_texture (self, map);
  /* Pixel centres at integers: pixel (0, 0) covers [-0.5, 0.5]². */
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (-0.5f, -0.5f, map->width, map->height));
}

static void
al_map_layer_finalize (GObject *object)
{
  AlMapLayer *self = AL_MAP_LAYER (object);

  g_clear_pointer (&self->results, al_results_unref);
  g_clear_pointer (&self->texture_map, al_detect_map_unref);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (al_map_layer_parent_class)->finalize (object);
}

static void
al_map_layer_class_init (AlMapLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_map_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_map_layer_snapshot;
}

static void
al_map_layer_init (AlMapLayer *self)
{
}

AlLayer *
al_map_layer_new (AlResults *results)
{
  AlMapLayer *self = g_object_new (AL_TYPE_MAP_LAYER, "name", _("Probability Map"), "visible", FALSE,
                                   "opacity", 0.6, NULL);

  al_map_layer_set_results (self, results);
  return AL_LAYER (self);
}

/* Named for what the analysis kept: a network's probability, or the
 * classical response (which is no probability). */
static void
update_name (AlMapLayer *self)
{
  const AlDetectMap *map = NULL;

  if (self->results != NULL)
    {
      const AlAnalysis *analysis = al_results_get_analysis (self->results);
      for (guint i = 0; i < analysis->frames->len && map == NULL; i++)
        map = ((const AlFrameResult *) g_ptr_array_index (analysis->frames, i))->detection_map;
    }
  al_layer_set_name (AL_LAYER (self), map != NULL && !map->probability ? _("Detection Response (Classical)")
                                                                       : _("Probability Map"));
}

void
al_map_layer_set_results (AlMapLayer *self,
                          AlResults  *results)
{
  g_return_if_fail (AL_IS_MAP_LAYER (self));
  if (results != NULL)
    al_results_ref (results);
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results;
  /* The texture stays while the map is the same one (after an edit). */
  update_name (self);
  al_layer_changed (AL_LAYER (self));
}

const AlDetectMap *
al_map_layer_get_map (AlMapLayer *self,
                      guint       frame)
{
  const AlFrameResult *r;

  g_return_val_if_fail (AL_IS_MAP_LAYER (self), NULL);
  if (self->results == NULL)
    return NULL;
  r = al_results_get_analysed_frame (self->results, frame);
  return r != NULL ? r->detection_map : NULL;
}
