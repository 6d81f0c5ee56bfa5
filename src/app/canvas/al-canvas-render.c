/* al-canvas-render.c: drawing. The image is drawn from the tiles of the mip
 * level that suits the zoom, only those on screen; a tile still being built
 * is stood in for by its coarser ancestor, so panning never waits.
 *
 * GTK 4.8 has no scaled-texture node with a filter choice. With a GPU
 * renderer, tiles below 1:1 are texture nodes (kept on the GPU between
 * frames); above 1:1, and always with the Cairo renderer (whose texture
 * nodes re-convert and box-filter every tile every frame), tiles are painted
 * through one Cairo node with the filter we choose: NEAREST above 1:1 so
 * pixels stay sharp squares, BILINEAR below (the mip level keeps the
 * scale between 1/2 and 1, where bilinear misses no texel). Overlay layers
 * are drawn in image coordinates above the image, then the scale bar. */
#include "al-canvas-private.h"

#include <gsk/gskcairorenderer.h>

#include <math.h>
#include <time.h>

gint64
_al_thread_cpu_time_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

gboolean
_al_canvas_renderer_has_gpu (AlCanvas *self)
{
  GtkNative *native = gtk_widget_get_native (GTK_WIDGET (self));
  GskRenderer *renderer = native != NULL ? gtk_native_get_renderer (native) : NULL;

  return renderer != NULL && !GSK_IS_CAIRO_RENDERER (renderer);
}

/* The scale bar aims at this length on screen and sits this far from the
 * widget's bottom-left corner (pixels). */
#define SCALE_BAR_TARGET_PX 120.0
#define SCALE_BAR_MARGIN_PX 16.0
#define SCALE_BAR_THICKNESS_PX 6.0
#define SCALE_BAR_PADDING_PX 8.0

typedef struct
{
  GtkSnapshot   *snapshot;
  cairo_t       *cr;        /* set when painting through Cairo */
  cairo_filter_t filter;
} TileDraw;

/* Draws `tile` over widget rectangle `full` (the whole tile), clipped to
 * `clip` (the part of the screen it stands for). */
static void
draw_tile (TileDraw              *td,
           AlTile                *tile,
           const graphene_rect_t *full,
           const graphene_rect_t *clip)
{
  if (td->cr == NULL)
    {
      gboolean clipped = !graphene_rect_equal (full, clip);
      if (clipped)
        gtk_snapshot_push_clip (td->snapshot, clip);
      gtk_snapshot_append_texture (td->snapshot, tile->texture, full);
      if (clipped)
        gtk_snapshot_pop (td->snapshot);
      return;
    }
  cairo_save (td->cr);
  cairo_rectangle (td->cr, clip->origin.x, clip->origin.y, clip->size.width, clip->size.height);
  cairo_clip (td->cr);
  cairo_translate (td->cr, full->origin.x, full->origin.y);
  cairo_scale (td->cr, full->size.width / tile->width, full->size.height / tile->height);
  cairo_set_source_surface (td->cr, al_tile_get_surface (tile), 0, 0);
  cairo_pattern_set_filter (cairo_get_source (td->cr), td->filter);
  /* Tiles meet exactly at whole pixels; repeat the edge texel rather than
   * fade to transparent there. */
  cairo_pattern_set_extend (cairo_get_source (td->cr), CAIRO_EXTEND_PAD);
  cairo_paint (td->cr);
  cairo_restore (td->cr);
}

/* The widget rectangle of image span [x0, x1] x [y0, y1], its edges on
 * whole pixels so that neighbouring tiles meet without seams. */
static void
image_rect_to_widget (AlCanvas        *self,
                      double           x0,
                      double           y0,
                      double           x1,
                      double           y1,
                      graphene_rect_t *r)
{
  double l = round ((x0 - self->offset_x) * self->zoom);
  double t = round ((y0 - self->offset_y) * self->zoom);
  double rr = round ((x1 - self->offset_x) * self->zoom);
  double b = round ((y1 - self->offset_y) * self->zoom);

  graphene_rect_init (r, l, t, rr - l, b - t);
}

/* The image span a tile of `level` covers (pixel centres at integers). */
static void
tile_span (guint   level,
           guint   tx,
           guint   ty,
           guint   width,
           guint   height,
           double *x0,
           double *y0,
           double *x1,
           double *y1)
{
  double s = ldexp (1.0, (int) level);

  *x0 = tx * AL_TILE_SIZE * s - 0.5;
  *y0 = ty * AL_TILE_SIZE * s - 0.5;
  *x1 = *x0 + width * s;
  *y1 = *y0 + height * s;
}

static gboolean
draw_fallback (AlCanvas              *self,
               TileDraw              *td,
               guint                  level,
               guint                  tx,
               guint                  ty,
               const graphene_rect_t *clip,
               gboolean               current_only)
{
  for (guint up = level + 1; up < self->pyramid->n_levels; up++)
    {
      guint d = up - level;
      AlTile *tile = al_tile_cache_lookup (self->tiles, up, tx >> d, ty >> d, FALSE);
      double x0, y0, x1, y1;
      graphene_rect_t full;

      if (tile == NULL || tile->texture == NULL
          || (current_only && !al_tile_cache_is_current (self->tiles, tile)))
        continue;
      tile_span (up, tile->tx, tile->ty, tile->width, tile->height, &x0, &y0, &x1, &y1);
      image_rect_to_widget (self, x0, y0, x1, y1, &full);
      draw_tile (td, tile, &full, clip);
      return TRUE;
    }
  return FALSE;
}

static void
draw_image (AlCanvas    *self,
            GtkSnapshot *snapshot,
            int          width,
            int          height)
{
  const AlImage *image = al_raster_get_image (self->raster);
  guint level = al_pyramid_level_for_zoom (self->pyramid, self->zoom);
  const AlPyramidLevel *l = &self->pyramid->levels[level];
  double span = AL_TILE_SIZE * ldexp (1.0, (int) level);
  guint n_tx = (l->width + AL_TILE_SIZE - 1) / AL_TILE_SIZE;
  guint n_ty = (l->height + AL_TILE_SIZE - 1) / AL_TILE_SIZE;
  double vx0 = MAX (self->offset_x, -0.5), vy0 = MAX (self->offset_y, -0.5);
  double vx1 = MIN (self->offset_x + width / self->zoom, image->width - 0.5);
  double vy1 = MIN (self->offset_y + height / self->zoom, image->height - 0.5);
  guint tx0, ty0, tx1, ty1;
  graphene_rect_t bounds;
  TileDraw td = { snapshot, NULL, CAIRO_FILTER_NEAREST };

  if (vx1 <= vx0 || vy1 <= vy0)
    return;
  tx0 = (guint) floor ((vx0 + 0.5) / span);
  ty0 = (guint) floor ((vy0 + 0.5) / span);
  tx1 = MIN ((guint) floor ((vx1 + 0.5) / span), n_tx - 1);
  ty1 = MIN ((guint) floor ((vy1 + 0.5) / span), n_ty - 1);

  image_rect_to_widget (self, -0.5, -0.5, image->width - 0.5, image->height - 0.5, &bounds);
  graphene_rect_intersection (&bounds, &GRAPHENE_RECT_INIT (0, 0, width, height), &bounds);
  /* Above 1:1 each image pixel must stay a sharp square. */
  if (self->zoom >= 1.0 || !_al_canvas_renderer_has_gpu (self))
    {
      td.cr = gtk_snapshot_append_cairo (snapshot, &bounds);
      td.filter = self->zoom >= 1.0 ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_BILINEAR;
    }

  for (guint ty = ty0; ty <= ty1; ty++)
    for (guint tx = tx0; tx <= tx1; tx++)
      {
        AlTile *tile = al_tile_cache_lookup (self->tiles, level, tx, ty, TRUE);
        guint tw = MIN (AL_TILE_SIZE, l->width - tx * AL_TILE_SIZE);
        guint th = MIN (AL_TILE_SIZE, l->height - ty * AL_TILE_SIZE);
        double x0, y0, x1, y1;
        graphene_rect_t full, clip;

        tile_span (level, tx, ty, tw, th, &x0, &y0, &x1, &y1);
        image_rect_to_widget (self, x0, y0, x1, y1, &full);
        /* The part of the tile on the image and on screen. */
        if (!graphene_rect_intersection (&full, &bounds, &clip))
          continue;
        /* The tile itself when it has the current levels; else a coarser
         * one that has (the top level always has: new contrast shows at
         * once, blurred for a moment); else whatever is there. */
        if (tile != NULL && tile->texture != NULL && al_tile_cache_is_current (self->tiles, tile))
          draw_tile (&td, tile, &full, &clip);
        else if (draw_fallback (self, &td, level, tx, ty, &clip, TRUE))
          continue;
        else if (tile != NULL && tile->texture != NULL)
          draw_tile (&td, tile, &full, &clip);
        else
          draw_fallback (self, &td, level, tx, ty, &clip, FALSE);
      }
  if (td.cr != NULL)
    cairo_destroy (td.cr);
}

static void
draw_layers (AlCanvas    *self,
             GtkSnapshot *snapshot)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->layers));
  AlCanvasView view;

  if (n == 0)
    return;
  al_canvas_get_view (self, &view);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-self->offset_x * self->zoom,
                                                          -self->offset_y * self->zoom));
  gtk_snapshot_scale (snapshot, self->zoom, self->zoom);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (G_LIST_MODEL (self->layers), i);
      al_layer_snapshot (layer, snapshot, &view);
    }
  gtk_snapshot_restore (snapshot);
}

/* 1, 2 or 5 times a power of ten, near `length`. */
static double
nice_length (double length)
{
  double decade = pow (10.0, floor (log10 (length)));
  double m = length / decade;

  return decade * (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10);
}

static char *
format_length_nm (double nm)
{
  if (nm >= 1000)
    return g_strdup_printf ("%g µm", nm / 1000);
  if (nm < 1)
    return g_strdup_printf ("%g pm", nm * 1000);
  return g_strdup_printf ("%g nm", nm);
}

static void
draw_scale_bar (AlCanvas    *self,
                GtkSnapshot *snapshot,
                int          height)
{
  const AlImage *image = al_raster_get_image (self->raster);
  double nm, bar_px;
  g_autofree char *label = NULL;
  g_autoptr (PangoLayout) layout = NULL;
  int text_w, text_h;
  double box_w, box_h, x, y;
  GskRoundedRect box;
  GdkRGBA shade = { 0, 0, 0, 0.6 }, white = { 1, 1, 1, 1 };

  if (!self->show_scale_bar || !(image->pixel_size > 0))
    return;
  nm = nice_length (SCALE_BAR_TARGET_PX / self->zoom * image->pixel_size);
  bar_px = nm / image->pixel_size * self->zoom;
  label = format_length_nm (nm);
  layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
  pango_layout_get_pixel_size (layout, &text_w, &text_h);

  box_w = MAX (bar_px, text_w) + 2 * SCALE_BAR_PADDING_PX;
  box_h = text_h + SCALE_BAR_THICKNESS_PX + 3 * SCALE_BAR_PADDING_PX / 2;
  x = SCALE_BAR_MARGIN_PX;
  y = height - SCALE_BAR_MARGIN_PX - box_h;
  gsk_rounded_rect_init_from_rect (&box, &GRAPHENE_RECT_INIT (x, y, box_w, box_h), 6);
  gtk_snapshot_push_rounded_clip (snapshot, &box);
  gtk_snapshot_append_color (snapshot, &shade, &box.bounds);
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_append_color (snapshot, &white,
                             &GRAPHENE_RECT_INIT (x + (box_w - bar_px) / 2,
                                                  y + SCALE_BAR_PADDING_PX / 2 + text_h + SCALE_BAR_PADDING_PX / 2,
                                                  bar_px, SCALE_BAR_THICKNESS_PX));
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + (box_w - text_w) / 2,
                                                          y + SCALE_BAR_PADDING_PX / 2));
  gtk_snapshot_append_layout (snapshot, layout, &white);
  gtk_snapshot_restore (snapshot);
}

void
_al_canvas_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  AlCanvas *self = AL_CANVAS (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  gint64 start = self->timing ? g_get_monotonic_time () : 0;
  gint64 start_cpu = self->timing ? _al_thread_cpu_time_us () : 0;

  if (self->raster == NULL || self->pyramid == NULL || width <= 0 || height <= 0)
    return;
  gtk_snapshot_push_clip (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  al_tile_cache_begin_frame (self->tiles);
  draw_image (self, snapshot, width, height);
  al_tile_cache_end_frame (self->tiles);
  draw_layers (self, snapshot);
  draw_scale_bar (self, snapshot, height);
  gtk_snapshot_pop (snapshot);
  if (self->timing)
    {
      self->snapshot_us = g_get_monotonic_time () - start;
      self->snapshot_cpu_us = _al_thread_cpu_time_us () - start_cpu;
    }
}
