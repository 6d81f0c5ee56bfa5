/* al-gpa-layer.c: the GPA map as one texture over the image (built once
 * per map and component, then scaled by the canvas's transform). */
#include "al-gpa-layer.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export/al-colormap.h"

/* Map transparency: the lattice must still show through. */
#define GPA_ALPHA 0.6
/* The colour range leaves out this fraction of each side: GPA is
 * unreliable within a mask's reach of the border (the FFT wraps around). */
#define LIMIT_BORDER_FRACTION 0.125
/* Percentile of |value| that ends the colour range. */
#define LIMIT_PERCENTILE 0.99

struct _AlGpaLayer
{
  AlLayer         parent_instance;
  AlGpaMaps      *maps;
  guint           frame;
  AlGpaComponent  component;
  double          limit;
  GdkTexture     *texture;
};

G_DEFINE_FINAL_TYPE (AlGpaLayer, al_gpa_layer, AL_TYPE_LAYER)

const float *
al_gpa_component_values (const AlGpaMaps *maps,
                         AlGpaComponent   component,
                         double          *scale)
{
  /* Strain is a fraction: shown in %; rotation already in degrees. */
  *scale = component == AL_GPA_ROTATION ? 1 : 100;
  switch (component)
    {
    case AL_GPA_EXX: return maps->exx;
    case AL_GPA_EYY: return maps->eyy;
    case AL_GPA_EXY: return maps->exy;
    case AL_GPA_ROTATION: return maps->rotation;
    default: g_return_val_if_reached (maps->exx);
    }
}

const char *
al_gpa_component_title (AlGpaComponent component)
{
  static const char *titles[] = { "εxx", "εyy", "εxy", N_("Rotation") };

  g_return_val_if_fail (component < AL_N_GPA_COMPONENTS, "");
  return component == AL_GPA_ROTATION ? _(titles[component]) : titles[component];
}

const char *
al_gpa_component_unit (AlGpaComponent component)
{
  return component == AL_GPA_ROTATION ? "°" : "%";
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The colour range: the 99th percentile of |value| over a sample of the
 * interior. */
static double
find_limit (const float *values,
            guint        width,
            guint        height,
            double       scale)
{
  guint bx = (guint) (width * LIMIT_BORDER_FRACTION), by = (guint) (height * LIMIT_BORDER_FRACTION);
  gsize n = (gsize) (width - 2 * bx) * (height - 2 * by), stride = MAX (n / 65536, 1), m = 0, k = 0;
  g_autofree float *sample = g_new (float, n / stride + 1);

  for (guint y = by; y < height - by; y++)
    for (guint x = bx; x < width - bx; x++, k++)
      if (k % stride == 0 && isfinite (values[(gsize) y * width + x]))
        sample[m++] = fabsf (values[(gsize) y * width + x]);
  if (m == 0)
    return 1;
  qsort (sample, m, sizeof *sample, compare_float);
  return MAX (sample[(gsize) (LIMIT_PERCENTILE * (m - 1))] * scale, 1e-6);
}

static void
build_texture (AlGpaLayer *self)
{
  guint32 lut[AL_COLORMAP_LUT_SIZE];
  double scale;
  const float *v = al_gpa_component_values (self->maps, self->component, &scale);
  gsize n = (gsize) self->maps->width * self->maps->height;
  guint8 alpha = (guint8) (GPA_ALPHA * 255);
  g_autoptr (GBytes) bytes = NULL;
  guint8 *px = g_malloc (4 * n);

  g_clear_object (&self->texture);
  self->limit = find_limit (v, self->maps->width, self->maps->height, scale);
  al_colormap_lut (AL_COLORMAP_RDBU, lut);
  for (gsize i = 0; i < n; i++)
    {
      guint8 *p = px + 4 * i;
      if (!isfinite (v[i]))
        {
          memset (p, 0, 4);
          continue;
        }
      {
        double t = CLAMP (0.5 + 0.5 * v[i] * scale / self->limit, 0, 1);
        guint32 c = lut[(guint) lrint (t * (AL_COLORMAP_LUT_SIZE - 1))];
        /* Premultiplied BGRA. */
        p[0] = (guint8) (((c & 0xff) * alpha) / 255);
        p[1] = (guint8) ((((c >> 8) & 0xff) * alpha) / 255);
        p[2] = (guint8) ((((c >> 16) & 0xff) * alpha) / 255);
        p[3] = alpha;
      }
    }
  bytes = g_bytes_new_take (px, 4 * n);
  self->texture = gdk_memory_texture_new (self->maps->width, self->maps->height,
                                          GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, 4 * self->maps->width);
}

static void
al_gpa_layer_snapshot (AlLayer            *layer,
                       GtkSnapshot        *snapshot,
                       const AlCanvasView *view)
{
  AlGpaLayer *self = AL_GPA_LAYER (layer);

  if (self->maps == NULL || view->frame != self->frame)
    return;
  if (self->texture == NULL)
    build_texture (self);
  /* Pixel centres at integers: pixel (0, 0) covers [-0.5, 0.5]². */
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (-0.5f, -0.5f, self->maps->width, self->maps->height));
}

static void
al_gpa_layer_finalize (GObject *object)
{
  AlGpaLayer *self = AL_GPA_LAYER (object);

  g_clear_pointer (&self->maps, al_gpa_maps_free);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (al_gpa_layer_parent_class)->finalize (object);
}

static void
al_gpa_layer_class_init (AlGpaLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_gpa_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_gpa_layer_snapshot;
}

static void
al_gpa_layer_init (AlGpaLayer *self)
{
}

AlLayer *
al_gpa_layer_new (AlGpaMaps *maps,
                  guint      frame)
{
  AlGpaLayer *self = g_object_new (AL_TYPE_GPA_LAYER, "name", _("GPA Strain"), NULL);

  al_gpa_layer_set_maps (self, maps, frame);
  return AL_LAYER (self);
}

void
al_gpa_layer_set_maps (AlGpaLayer *self,
                       AlGpaMaps  *maps,
                       guint       frame)
{
  g_return_if_fail (AL_IS_GPA_LAYER (self));
  g_clear_pointer (&self->maps, al_gpa_maps_free);
  g_clear_object (&self->texture);
  self->maps = maps;
  self->frame = frame;
  if (maps != NULL)
    build_texture (self);
  al_layer_changed (AL_LAYER (self));
}

const AlGpaMaps *
al_gpa_layer_get_maps (AlGpaLayer *self)
{
  g_return_val_if_fail (AL_IS_GPA_LAYER (self), NULL);
  return self->maps;
}

void
al_gpa_layer_set_component (AlGpaLayer     *self,
                            AlGpaComponent  component)
{
  g_return_if_fail (AL_IS_GPA_LAYER (self) && component < AL_N_GPA_COMPONENTS);
  if (self->component == component)
    return;
  self->component = component;
  if (self->maps != NULL)
    build_texture (self);
  al_layer_changed (AL_LAYER (self));
}

AlGpaComponent
al_gpa_layer_get_component (AlGpaLayer *self)
{
  g_return_val_if_fail (AL_IS_GPA_LAYER (self), AL_GPA_EXX);
  return self->component;
}

double
al_gpa_layer_get_limit (AlGpaLayer *self)
{
  g_return_val_if_fail (AL_IS_GPA_LAYER (self), 0);
  return self->limit;
}
