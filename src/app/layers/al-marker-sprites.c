/* al-marker-sprites.c: see al-marker-sprites.h. Pixels are premultiplied
 * ARGB (Cairo's): a sprite pixel s goes over d as s + d (1 - alpha(s)). */
#include "al-marker-sprites.h"

#include <math.h>
#include <string.h>

#include "al-overlay-style.h"

void
al_marker_sprites_init (AlMarkerSprites *m,
                        cairo_surface_t *target,
                        double           radius,
                        gboolean         plain)
{
  double sx = 1, sy = 1;

  memset (m, 0, sizeof *m);
  cairo_surface_flush (target);
  cairo_surface_get_device_scale (target, &sx, &sy);
  m->target = target;
  m->data = cairo_image_surface_get_data (target);
  m->stride = cairo_image_surface_get_stride (target);
  m->width = cairo_image_surface_get_width (target);
  m->height = cairo_image_surface_get_height (target);
  m->scale = MAX ((int) lround (sx), 1);
  m->radius = radius;
  m->plain = plain;
  /* The marker, its outline and a pixel of room for anti-aliasing. */
  m->size = 2 * (int) ceil ((radius + 1.5) * m->scale);
}

static cairo_surface_t *
make_sprite (AlMarkerSprites *m,
             guint            slot)
{
  cairo_surface_t *sprite = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, m->size, m->size);
  double c = m->size / 2.0 / m->scale, rgb[3];
  cairo_t *cr;

  cairo_surface_set_device_scale (sprite, m->scale, m->scale);
  cr = cairo_create (sprite);
  al_overlay_species_color (slot, rgb);
  cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 0.9);
  if (m->plain)
    {
      cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
      cairo_rectangle (cr, c - m->radius, c - m->radius, 2 * m->radius, 2 * m->radius);
      cairo_fill (cr);
      cairo_destroy (cr);
      cairo_surface_flush (sprite);
      return sprite;
    }
  al_overlay_marker_path (cr, al_overlay_species_shape (slot), c, c, m->radius);
  cairo_fill_preserve (cr);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.6);
  cairo_set_line_width (cr, 1.0);
  cairo_stroke (cr);
  cairo_destroy (cr);
  cairo_surface_flush (sprite);
  return sprite;
}

static inline guint32
over (guint32 s,
      guint32 d)
{
  guint32 ia = 255 - (s >> 24);
  guint32 rb = (d & 0x00ff00ffu) * ia + 0x00800080u;
  guint32 ag = ((d >> 8) & 0x00ff00ffu) * ia + 0x00800080u;

  /* d * ia / 255 for two channels at once, rounded. */
  rb = ((rb + ((rb >> 8) & 0x00ff00ffu)) >> 8) & 0x00ff00ffu;
  ag = (ag + ((ag >> 8) & 0x00ff00ffu)) & 0xff00ff00u;
  return s + (rb | ag);
}

void
al_marker_sprites_paste (AlMarkerSprites *m,
                         guint            slot,
                         double           wx,
                         double           wy)
{
  cairo_surface_t *sprite;
  const guint8 *src;
  int src_stride, ox, oy, x0, y0, x1, y1;

  slot = MIN (slot, AL_MAX_SPECIES);
  if (m->sprites[slot] == NULL)
    m->sprites[slot] = make_sprite (m, slot);
  sprite = m->sprites[slot];
  src = cairo_image_surface_get_data (sprite);
  src_stride = cairo_image_surface_get_stride (sprite);
  ox = (int) floor (wx * m->scale - m->size / 2.0 + 0.5);
  oy = (int) floor (wy * m->scale - m->size / 2.0 + 0.5);
  x0 = MAX (0, -ox);
  y0 = MAX (0, -oy);
  x1 = MIN (m->size, m->width - ox);
  y1 = MIN (m->size, m->height - oy);
  for (int y = y0; y < y1; y++)
    {
      const guint32 *s = (const guint32 *) (src + (gsize) y * src_stride);
      guint32 *d = (guint32 *) (m->data + (gsize) (oy + y) * m->stride) + ox;

      for (int x = x0; x < x1; x++)
        {
          guint32 a = s[x] >> 24;
          if (a == 255)
            d[x] = s[x];
          else if (a != 0)
            d[x] = over (s[x], d[x]);
        }
    }
}

void
al_marker_sprites_finish (AlMarkerSprites *m)
{
  for (guint s = 0; s <= AL_MAX_SPECIES; s++)
    g_clear_pointer (&m->sprites[s], cairo_surface_destroy);
  if (m->target != NULL)
    cairo_surface_mark_dirty (m->target);
  m->target = NULL;
}
