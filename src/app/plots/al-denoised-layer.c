/* al-denoised-layer.c: the denoised frame as one grey texture over the
 * image, made at the first draw once the layer is shown and kept while
 * the analysis is the same (edits change atoms, not the frame). */
#include "al-denoised-layer.h"

#include <glib/gi18n.h>

#include "al-levels.h"

/* The same clipping as the canvas's automatic contrast. */
#define DENOISED_LOW_PERCENT 0.5
#define DENOISED_HIGH_PERCENT 99.5

struct _AlDenoisedLayer
{
  AlLayer      parent_instance;
  AlResults   *results;
  AlResults   *texture_results;   /* the analysis the texture was made from */
  guint        texture_frame;
  GdkTexture  *texture;
};

G_DEFINE_FINAL_TYPE (AlDenoisedLayer, al_denoised_layer, AL_TYPE_LAYER)

static void
build_texture (AlDenoisedLayer *self,
               const float     *pixels,
               guint            width,
               guint            height)
{
  guint step = MAX ((MAX (width, height) + AL_DENOISED_LAYER_MAX_SIDE - 1) / AL_DENOISED_LAYER_MAX_SIDE, 1);
  guint w = (width + step - 1) / step, h = (height + step - 1) / step;
  g_autoptr (AlHistogram) histogram = al_histogram_new (pixels, (gsize) width * height,
                                                        AL_HISTOGRAM_DEFAULT_BINS);
  AlLevels levels = { 0, 1, 1 };
  guint8 lut[AL_LEVELS_LUT_SIZE];
  guint8 *px = g_malloc ((gsize) 4 * w * h);
  g_autoptr (GBytes) bytes = NULL;

  al_levels_auto (&levels, histogram, DENOISED_LOW_PERCENT, DENOISED_HIGH_PERCENT);
  al_levels_make_lut (&levels, lut);
  for (guint y = 0; y < h; y++)
    {
      const float *row = pixels + (gsize) y * step * width;
      guint8 *out = px + (gsize) 4 * y * w;
      for (guint x = 0; x < w; x++, out += 4)
        {
          guint8 g = al_levels_map_one (&levels, lut, row[(gsize) x * step]);
          out[0] = out[1] = out[2] = g;
          out[3] = 0xff;
        }
    }
  bytes = g_bytes_new_take (px, (gsize) 4 * w * h);
  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (w, h, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, 4 * w);
}

static void
al_denoised_layer_snapshot (AlLayer            *layer,
                            GtkSnapshot        *snapshot,
                            const AlCanvasView *view)
{
  AlDenoisedLayer *self = AL_DENOISED_LAYER (layer);
  const float *pixels = al_denoised_layer_get_frame (self, view->frame);
  const AlAnalysis *analysis;

  if (pixels == NULL)
    return;
  analysis = al_results_get_analysis (self->results);
  if (self->texture == NULL || self->texture_frame != view->frame
      || al_results_get_analysis (self->texture_results) != analysis)
    {
      build_texture (self, pixels, analysis->width, analysis->height);
      g_clear_pointer (&self->texture_results, al_results_unref);
      self->texture_results = al_results_ref (self->results);
      self->texture_frame = view->frame;
    }
  /* Pixel centres at integers: pixel (0, 0) covers [-0.5, 0.5]². */
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (-0.5f, -0.5f, analysis->width, analysis->height));
}

static void
al_denoised_layer_finalize (GObject *object)
{
  AlDenoisedLayer *self = AL_DENOISED_LAYER (object);

  g_clear_pointer (&self->results, al_results_unref);
  g_clear_pointer (&self->texture_results, al_results_unref);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (al_denoised_layer_parent_class)->finalize (object);
}

static void
al_denoised_layer_class_init (AlDenoisedLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_denoised_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_denoised_layer_snapshot;
}

static void
al_denoised_layer_init (AlDenoisedLayer *self)
{
}

AlLayer *
al_denoised_layer_new (AlResults *results)
{
  AlDenoisedLayer *self = g_object_new (AL_TYPE_DENOISED_LAYER, "name", _("Denoised Image"),
                                        "visible", FALSE, NULL);

  al_denoised_layer_set_results (self, results);
  return AL_LAYER (self);
}

void
al_denoised_layer_set_results (AlDenoisedLayer *self,
                               AlResults       *results)
{
  g_return_if_fail (AL_IS_DENOISED_LAYER (self));
  if (results != NULL)
    al_results_ref (results);
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results;
  /* Said in its name when there is nothing to show. */
  al_layer_set_name (AL_LAYER (self),
                     results == NULL || al_results_get_analysis (results)->n_denoised > 0
                       ? _("Denoised Image") : _("Denoised Image (Not Denoised)"));
  al_layer_changed (AL_LAYER (self));
}

const float *
al_denoised_layer_get_frame (AlDenoisedLayer *self,
                             guint            frame)
{
  const AlFrameResult *r;

  g_return_val_if_fail (AL_IS_DENOISED_LAYER (self), NULL);
  if (self->results == NULL)
    return NULL;
  r = al_results_get_analysed_frame (self->results, frame);
  return r != NULL ? r->denoised : NULL;
}
