/* al-phase-layer.c: the phase map as one texture over the image, one
 * texel a cell, scaled to the cells' size by the canvas's transform. The
 * raster is small (cells half a bond wide: a 1024² TMD image has about
 * 200² cells), so the texture is made on the main thread at the first
 * draw of each frame and kept until the results or the frame change. */
#include "al-phase-layer.h"

#include <glib/gi18n.h>
#include <string.h>

#include "export/al-figure.h"

/* Map transparency: the lattice must still show through. */
#define PHASE_ALPHA 0.5

struct _AlPhaseLayer
{
  AlLayer     parent_instance;
  AlResults  *results;
  guint       texture_frame;
  GdkTexture *texture;      /* of texture_frame; NULL: none made yet */
};

G_DEFINE_FINAL_TYPE (AlPhaseLayer, al_phase_layer, AL_TYPE_LAYER)

gboolean
al_phase_color (AlPhase phase,
                double  rgb[3])
{
  AlRgb c;

  /* The figures' colours (export/al-figure.h). */
  if (!al_figure_phase_color (phase, &c))
    return FALSE;
  rgb[0] = c.r, rgb[1] = c.g, rgb[2] = c.b;
  return TRUE;
}

const char *
al_phase_label (AlPhase phase)
{
  switch (phase)
    {
    case AL_PHASE_VACUUM: return _("Vacuum");
    case AL_PHASE_2H: return _("2H phase");
    case AL_PHASE_1T: return _("1T phase");
    case AL_PHASE_1TP: return _("1T′ phase");
    case AL_PHASE_AMORPHOUS: return _("Amorphous");
    default: g_return_val_if_reached ("");
    }
}

static GdkTexture *
make_texture (const AlPhaseMap *map)
{
  guint8 lut[AL_N_PHASES][4] = { { 0 } };
  gsize n = (gsize) map->n_cx * map->n_cy;
  g_autoptr (GBytes) bytes = NULL;
  guint8 *px = g_malloc (4 * n);

  for (int p = 0; p < AL_N_PHASES; p++)
    {
      double rgb[3];
      if (!al_phase_color (p, rgb))
        continue;
      /* Premultiplied BGRA. */
      lut[p][0] = (guint8) (rgb[2] * PHASE_ALPHA * 255 + 0.5);
      lut[p][1] = (guint8) (rgb[1] * PHASE_ALPHA * 255 + 0.5);
      lut[p][2] = (guint8) (rgb[0] * PHASE_ALPHA * 255 + 0.5);
      lut[p][3] = (guint8) (PHASE_ALPHA * 255 + 0.5);
    }
  for (gsize i = 0; i < n; i++)
    memcpy (px + 4 * i, lut[map->cell[i] < AL_N_PHASES ? map->cell[i] : AL_PHASE_VACUUM], 4);
  bytes = g_bytes_new_take (px, 4 * n);
  return gdk_memory_texture_new (map->n_cx, map->n_cy, GDK_MEMORY_B8G8R8A8_PREMULTIPLIED,
                                 bytes, 4 * map->n_cx);
}

static void
al_phase_layer_snapshot (AlLayer            *layer,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view)
{
  AlPhaseLayer *self = AL_PHASE_LAYER (layer);
  const AlPhaseMap *map = al_phase_layer_get_map (self, view->frame);

  if (map == NULL)
    return;
  if (self->texture == NULL || self->texture_frame != view->frame)
    {
      g_clear_object (&self->texture);
      self->texture = make_texture (map);
      self->texture_frame = view->frame;
    }
  /* Cell (cx, cy) covers [cx, cx + 1) · cell_px in image coordinates (as
   * al_phase_map_at reads it). */
  gtk_snapshot_append_texture (snapshot, self->texture,
                               &GRAPHENE_RECT_INIT (0, 0, map->n_cx * map->cell_px,
                                                    map->n_cy * map->cell_px));
}

static void
al_phase_layer_finalize (GObject *object)
{
  AlPhaseLayer *self = AL_PHASE_LAYER (object);

  g_clear_pointer (&self->results, al_results_unref);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (al_phase_layer_parent_class)->finalize (object);
}

static void
al_phase_layer_class_init (AlPhaseLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_phase_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_phase_layer_snapshot;
}

static void
al_phase_layer_init (AlPhaseLayer *self)
{
}

AlLayer *
al_phase_layer_new (AlResults *results)
{
  AlPhaseLayer *self = g_object_new (AL_TYPE_PHASE_LAYER, "name", _("Phase Map"),
                                     "visible", FALSE, NULL);

  al_phase_layer_set_results (self, results);
  return AL_LAYER (self);
}

void
al_phase_layer_set_results (AlPhaseLayer *self,
                            AlResults    *results)
{
  g_return_if_fail (AL_IS_PHASE_LAYER (self));
  if (results != NULL)
    al_results_ref (results);
  g_clear_pointer (&self->results, al_results_unref);
  g_clear_object (&self->texture);
  self->results = results;
  al_layer_changed (AL_LAYER (self));
}

const AlPhaseMap *
al_phase_layer_get_map (AlPhaseLayer *self,
                        guint         frame)
{
  const AlFrameResult *r;

  g_return_val_if_fail (AL_IS_PHASE_LAYER (self), NULL);
  if (self->results == NULL)
    return NULL;
  r = al_results_get_frame (self->results, frame);
  if (r == NULL || r->structure == NULL || r->structure->phases == NULL
      || r->structure->phases->cell == NULL || r->structure->phases->n_cx == 0
      || r->structure->phases->n_cy == 0)
    return NULL;
  return r->structure->phases;
}
