/* al-strain-layer.c: per-atom strain painted into an image-sized texture
 * (a disc per atom), so drawing it costs one texture at any zoom. */
#include "al-strain-layer.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "export/al-colormap.h"

#define STRAIN_ALPHA 0.7
/* Disc radius as a fraction of the nearest-neighbour distance. */
#define DISC_OF_NN 0.5
#define LIMIT_PERCENTILE 0.99

struct _AlStrainLayer
{
  AlLayer         parent_instance;
  AlResults      *results;
  AlGpaComponent  component;
  GdkTexture     *texture;        /* for texture_frame */
  guint           texture_frame;
};

G_DEFINE_FINAL_TYPE (AlStrainLayer, al_strain_layer, AL_TYPE_LAYER)

static const float *
values_of (const AlStrain *st,
           AlGpaComponent  c,
           double         *scale)
{
  *scale = c == AL_GPA_ROTATION ? 1 : 100;
  return c == AL_GPA_EXX ? st->exx : c == AL_GPA_EYY ? st->eyy : c == AL_GPA_EXY ? st->exy : st->rotation;
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

static const AlStrain *
frame_strain (AlStrainLayer        *self,
              guint                 frame,
              const AlFrameResult **result)
{
  const AlFrameResult *r = self->results != NULL ? al_results_get_frame (self->results, frame) : NULL;

  *result = r;
  return r != NULL && r->structure != NULL ? r->structure->strain : NULL;
}

double
al_strain_layer_get_limit (AlStrainLayer *self,
                           guint          frame)
{
  const AlFrameResult *r;
  const AlStrain *st;
  g_autofree float *a = NULL;
  const float *v;
  double scale;
  guint m = 0;

  g_return_val_if_fail (AL_IS_STRAIN_LAYER (self), 0);
  if ((st = frame_strain (self, frame, &r)) == NULL || st->n_atoms == 0)
    return 0;
  v = values_of (st, self->component, &scale);
  a = g_new (float, st->n_atoms);
  for (guint i = 0; i < st->n_atoms; i++)
    if (isfinite (v[i]))
      a[m++] = fabsf (v[i]);
  if (m == 0)
    return 0;
  qsort (a, m, sizeof *a, compare_float);
  return MAX (a[(guint) (LIMIT_PERCENTILE * (m - 1))] * scale, 1e-6);
}

static void
build_texture (AlStrainLayer *self,
               guint          frame,
               guint          width,
               guint          height)
{
  const AlFrameResult *r;
  const AlStrain *st = frame_strain (self, frame, &r);
  guint32 lut[AL_COLORMAP_LUT_SIZE];
  double scale, limit = al_strain_layer_get_limit (self, frame), radius;
  const float *v;
  guint8 alpha = (guint8) (STRAIN_ALPHA * 255);
  guint8 *px;
  g_autoptr (GBytes) bytes = NULL;

  g_clear_object (&self->texture);
  if (st == NULL || limit <= 0 || r->structure->bonds == NULL || width == 0 || height == 0)
    return;
  v = values_of (st, self->component, &scale);
  radius = MAX (DISC_OF_NN * r->structure->bonds->nn_px, 1);
  al_colormap_lut (AL_COLORMAP_RDBU, lut);
  px = g_malloc0 ((gsize) 4 * width * height);
  for (guint i = 0; i < MIN (st->n_atoms, r->atoms->n_atoms); i++)
    {
      double t, cx = r->atoms->x[i], cy = r->atoms->y[i];
      guint32 c;
      guint8 bgra[4];
      if (!isfinite (v[i]))
        continue;
      t = CLAMP (0.5 + 0.5 * v[i] * scale / limit, 0, 1);
      c = lut[(guint) lrint (t * (AL_COLORMAP_LUT_SIZE - 1))];
      bgra[0] = (guint8) (((c & 0xff) * alpha) / 255);
      bgra[1] = (guint8) ((((c >> 8) & 0xff) * alpha) / 255);
      bgra[2] = (guint8) ((((c >> 16) & 0xff) * alpha) / 255);
      bgra[3] = alpha;
      for (int y = MAX (0, (int) floor (cy - radius)); y <= MIN ((int) height - 1, (int) ceil (cy + radius)); y++)
        for (int x = MAX (0, (int) floor (cx - radius)); x <= MIN ((int) width - 1, (int) ceil (cx + radius)); x++)
          if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius)
            memcpy (px + 4 * ((gsize) y * width + x), bgra, 4);
    }
  bytes = g_bytes_new_take (px, (gsize) 4 * width * height);
  self->texture = gdk_memory_texture_new (width, height, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED, bytes, 4 * width);
  self->texture_frame = frame;
}

static void
al_strain_layer_snapshot (AlLayer            *layer,
                          GtkSnapshot        *snapshot,
                          const AlCanvasView *view)
{
  AlStrainLayer *self = AL_STRAIN_LAYER (layer);

  if (self->texture == NULL || self->texture_frame != view->frame)
    build_texture (self, view->frame, view->image_width, view->image_height);
  if (self->texture != NULL)
    gtk_snapshot_append_texture (snapshot, self->texture,
                                 &GRAPHENE_RECT_INIT (-0.5f, -0.5f, gdk_texture_get_width (self->texture),
                                                      gdk_texture_get_height (self->texture)));
}

static void
al_strain_layer_finalize (GObject *object)
{
  AlStrainLayer *self = AL_STRAIN_LAYER (object);

  g_clear_pointer (&self->results, al_results_unref);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (al_strain_layer_parent_class)->finalize (object);
}

static void
al_strain_layer_class_init (AlStrainLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_strain_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_strain_layer_snapshot;
}

static void
al_strain_layer_init (AlStrainLayer *self)
{
}

AlLayer *
al_strain_layer_new (AlResults *results)
{
  AlStrainLayer *self = g_object_new (AL_TYPE_STRAIN_LAYER, "name", _("Strain per Atom"), "visible", FALSE, NULL);

  self->results = results != NULL ? al_results_ref (results) : NULL;
  return AL_LAYER (self);
}

void
al_strain_layer_set_results (AlStrainLayer *self,
                             AlResults     *results)
{
  g_return_if_fail (AL_IS_STRAIN_LAYER (self));
  g_clear_pointer (&self->results, al_results_unref);
  self->results = results != NULL ? al_results_ref (results) : NULL;
  g_clear_object (&self->texture);   /* made again when next drawn */
  al_layer_changed (AL_LAYER (self));
}

void
al_strain_layer_set_component (AlStrainLayer  *self,
                               AlGpaComponent  component)
{
  g_return_if_fail (AL_IS_STRAIN_LAYER (self) && component < AL_N_GPA_COMPONENTS);
  if (self->component == component)
    return;
  self->component = component;
  g_clear_object (&self->texture);
  al_layer_changed (AL_LAYER (self));
}

AlGpaComponent
al_strain_layer_get_component (AlStrainLayer *self)
{
  g_return_val_if_fail (AL_IS_STRAIN_LAYER (self), AL_GPA_EXX);
  return self->component;
}
