/* al-figure.c: the figure's geometry, the order of its layers, and its
 * output as a surface or a PNG, SVG or PDF file. */
#include "export/al-figure-private.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "io/al-io.h"

/* Automatic scale: aim for this longer side, within these zoom factors;
 * an image longer than AL_FIGURE_AUTO_MAX_SIDE_PX (a tiled 16k² image) is
 * shrunk to that side instead, so its overview fits in memory (256 MiB of
 * ARGB32 at most). */
#define AL_FIGURE_AUTO_SIDE_PX     1600.0
#define AL_FIGURE_AUTO_MIN_SCALE   1.0
#define AL_FIGURE_AUTO_MAX_SCALE   8.0
#define AL_FIGURE_AUTO_MAX_SIDE_PX 8192.0
/* Marker radius as a fraction of the nearest-neighbour distance, and its
 * bounds in output px (a marker must stay visible and not swallow the image). */
#define AL_FIGURE_MARKER_FRACTION 0.25
#define AL_FIGURE_MARKER_MIN_PX   1.5
#define AL_FIGURE_MARKER_MAX_PX   40.0
/* Text height as a fraction of the shorter output side, and its bounds. */
#define AL_FIGURE_FONT_FRACTION 0.028
#define AL_FIGURE_FONT_MIN_PX   9.0
#define AL_FIGURE_FONT_MAX_PX   48.0
/* Area per atom of a honeycomb of neighbour distance d is (3√3/4) d². */
#define AL_HONEYCOMB_AREA_PER_ATOM 1.2990381056766580
#define AL_METRES_PER_INCH 0.0254

void
al_figure_params_init (AlFigureParams *params)
{
  g_return_if_fail (params != NULL);
  memset (params, 0, sizeof *params);
  params->dpi = AL_FIGURE_DEFAULT_DPI;
  al_contrast_init (&params->contrast);
  params->layers = AL_FIGURE_ALL;
  params->bond_coloring = AL_FIGURE_BONDS_UNIFORM;
}

int
al_figure_format_from_name (const char *name)
{
  static const char *const names[] = { "png", "svg", "pdf" };

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      return (int) i;
  return -1;
}

const char *
al_figure_format_extension (AlFigureFormat format)
{
  static const char *const names[] = { "png", "svg", "pdf" };

  g_return_val_if_fail (format <= AL_FIGURE_PDF, NULL);
  return names[format];
}

static gboolean
resolve_region (const AlFigureParams *params,
                const AlImage        *image,
                double               *x,
                double               *y,
                double               *w,
                double               *h,
                GError              **error)
{
  *x = 0.0, *y = 0.0, *w = image->width, *h = image->height;
  if (params->region_width > 0.0 && params->region_height > 0.0)
    {
      double x1 = MIN (params->region_x + params->region_width, (double) image->width);
      double y1 = MIN (params->region_y + params->region_height, (double) image->height);
      *x = MAX (params->region_x, 0.0);
      *y = MAX (params->region_y, 0.0);
      *w = x1 - *x;
      *h = y1 - *y;
    }
  if (!(*w >= 1.0 && *h >= 1.0))
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The figure's region (%g, %g, %g × %g px) lies outside the %u × %u image",
                   params->region_x, params->region_y, params->region_width,
                   params->region_height, image->width, image->height);
      return FALSE;
    }
  return TRUE;
}

static double
resolve_scale (const AlFigureParams *params,
               double                w,
               double                h)
{
  if (params->scale > 0.0 && isfinite (params->scale))
    return params->scale;
  if (MAX (w, h) > AL_FIGURE_AUTO_MAX_SIDE_PX)
    return AL_FIGURE_AUTO_MAX_SIDE_PX / MAX (w, h);
  return CLAMP (AL_FIGURE_AUTO_SIDE_PX / MAX (w, h), AL_FIGURE_AUTO_MIN_SCALE,
                AL_FIGURE_AUTO_MAX_SCALE);
}

gboolean
al_figure_get_size (const AlFigureParams *params,
                    const AlImage        *image,
                    guint                *width_px,
                    guint                *height_px,
                    GError              **error)
{
  double x, y, w, h, scale, ow, oh;

  g_return_val_if_fail (params != NULL && image != NULL, FALSE);
  if (!resolve_region (params, image, &x, &y, &w, &h, error))
    return FALSE;
  scale = resolve_scale (params, w, h);
  ow = ceil (w * scale - 1e-9);
  oh = ceil (h * scale - 1e-9);
  if (ow > AL_FIGURE_MAX_SIDE || oh > AL_FIGURE_MAX_SIDE || ow * oh > AL_FIGURE_MAX_PIXELS)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "A figure of %.0f × %.0f pixels is larger than AtomLens draws "
                   "(at most %d pixels a side); choose a smaller scale",
                   ow, oh, AL_FIGURE_MAX_SIDE);
      return FALSE;
    }
  if (width_px != NULL)
    *width_px = (guint) MAX (ow, 1.0);
  if (height_px != NULL)
    *height_px = (guint) MAX (oh, 1.0);
  return TRUE;
}

/* The neighbour distance in image px: from the material and calibration,
 * else from how densely the atoms fill the frame (a honeycomb). */
static double
neighbour_px (const AlFigureContext *ctx)
{
  double area;

  if (ctx->material != NULL && ctx->pixel_size_nm > 0.0)
    return al_material_neighbour_nm (ctx->material) / ctx->pixel_size_nm;
  if (ctx->atoms == NULL || ctx->atoms->n_atoms < 2)
    return 0.0;
  area = (double) ctx->image->width * ctx->image->height / ctx->atoms->n_atoms;
  return sqrt (area / AL_HONEYCOMB_AREA_PER_ATOM);
}

static gboolean
context_init (AlFigureContext        *ctx,
              cairo_t                *cr,
              const AlFigureParams   *params,
              const AlImage          *image,
              guint                   frame,
              const AlAtoms          *atoms,
              const AlMaterial       *material,
              const AlFigureOverlays *extra,
              GError                **error)
{
  double radius;

  memset (ctx, 0, sizeof *ctx);
  if (frame >= image->n_frames)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frame %u does not exist; the image has %u", frame + 1, image->n_frames);
      return FALSE;
    }
  if (!resolve_region (params, image, &ctx->x0, &ctx->y0, &ctx->region_w, &ctx->region_h, error)
      || !al_figure_get_size (params, image, &ctx->width, &ctx->height, error))
    return FALSE;
  ctx->cr = cr;
  ctx->params = params;
  ctx->image = image;
  ctx->frame = frame;
  ctx->atoms = atoms;
  ctx->material = material;
  ctx->extra = extra;
  ctx->scale = resolve_scale (params, ctx->region_w, ctx->region_h);
  ctx->pixel_size_nm = params->pixel_size_nm > 0.0 ? params->pixel_size_nm : image->pixel_size;
  ctx->nn_px = neighbour_px (ctx);

  radius = params->marker_radius;
  if (!(radius > 0.0))
    radius = ctx->nn_px > 0.0 ? AL_FIGURE_MARKER_FRACTION * ctx->nn_px * ctx->scale
                              : AL_FIGURE_MARKER_MIN_PX * 2;
  ctx->marker_radius = CLAMP (radius, AL_FIGURE_MARKER_MIN_PX, AL_FIGURE_MARKER_MAX_PX);
  ctx->font_size = CLAMP (MIN (ctx->width, ctx->height) * AL_FIGURE_FONT_FRACTION,
                          AL_FIGURE_FONT_MIN_PX, AL_FIGURE_FONT_MAX_PX);
  ctx->line_width = MAX (1.0, ctx->font_size / 12.0);
  return TRUE;
}

gboolean
al_figure_draw (cairo_t                *cr,
                const AlFigureParams   *params,
                const AlImage          *image,
                guint                   frame,
                const AlAtoms          *atoms,
                const AlMaterial       *material,
                const AlFigureOverlays *extra,
                GError                **error)
{
  AlFigureContext ctx;
  AlFigureLayers layers;

  g_return_val_if_fail (cr != NULL && params != NULL && image != NULL, FALSE);
  if (!context_init (&ctx, cr, params, image, frame, atoms, material, extra, error))
    return FALSE;
  layers = params->layers;

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, ctx.width, ctx.height);
  cairo_clip (cr);
  cairo_select_font_face (cr, "Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, ctx.font_size);

  /* Back to front: image, fields, graph, defects, atoms, then annotations. */
  if (layers & AL_FIGURE_IMAGE)
    {
      if (!al_figure_draw_image (&ctx, error))
        {
          cairo_restore (cr);
          return FALSE;
        }
    }
  else
    {
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_paint (cr);
    }
  if (layers & AL_FIGURE_PHASES)
    al_figure_draw_phases (&ctx);
  if (layers & AL_FIGURE_STRAIN)
    al_figure_draw_strain (&ctx);
  if (layers & AL_FIGURE_BONDS)
    al_figure_draw_bonds (&ctx);
  if (layers & AL_FIGURE_LINES)
    al_figure_draw_lines (&ctx);
  if (layers & AL_FIGURE_DEFECTS)
    al_figure_draw_defects (&ctx);
  if (layers & AL_FIGURE_ATOMS)
    al_figure_draw_atoms (&ctx);
  if (layers & AL_FIGURE_SCALE_BAR)
    al_figure_draw_scale_bar (&ctx);
  if (layers & AL_FIGURE_LEGEND)
    al_figure_draw_legend (&ctx);
  if (layers & AL_FIGURE_COLOR_BARS)
    al_figure_draw_color_bars (&ctx);
  cairo_restore (cr);

  if (cairo_status (cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_FAILED, "Drawing the figure failed: %s",
                   cairo_status_to_string (cairo_status (cr)));
      return FALSE;
    }
  return TRUE;
}

cairo_surface_t *
al_figure_render_surface (const AlFigureParams   *params,
                          const AlImage          *image,
                          guint                   frame,
                          const AlAtoms          *atoms,
                          const AlMaterial       *material,
                          const AlFigureOverlays *extra,
                          GError                **error)
{
  cairo_surface_t *surface;
  cairo_t *cr;
  guint w, h;
  gboolean ok;

  g_return_val_if_fail (params != NULL && image != NULL, NULL);
  if (!al_figure_get_size (params, image, &w, &h, error))
    return NULL;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) w, (int) h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "Cannot make a %u × %u figure: %s", w, h,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return NULL;
    }
  cr = cairo_create (surface);
  ok = al_figure_draw (cr, params, image, frame, atoms, material, extra, error);
  cairo_destroy (cr);
  if (!ok)
    {
      cairo_surface_destroy (surface);
      return NULL;
    }
  cairo_surface_flush (surface);
  return surface;
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static guint32
png_crc (const guint8 *data,
         gsize         n)
{
  guint32 crc = 0xffffffffu;

  /* CRC-32 of the PNG specification (ISO 3309), bit by bit: a 21-byte chunk
   * does not need a table. */
  for (gsize i = 0; i < n; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  return crc ^ 0xffffffffu;
}

static void
put_be32 (guint8 *p,
          guint32 v)
{
  p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* Inserts a pHYs chunk (pixels per metre) after IHDR, so that layout
 * programs place the figure at its intended printed size. */
static void
png_set_dpi (GByteArray *png,
             double      dpi)
{
  /* 8-byte signature, then IHDR: length, type, 13 bytes, CRC. */
  const guint ihdr_end = 8 + 4 + 4 + 13 + 4;
  guint8 chunk[4 + 4 + 9 + 4];
  guint32 ppm = (guint32) lround (dpi / AL_METRES_PER_INCH);

  if (png->len < ihdr_end || memcmp (png->data + 12, "IHDR", 4) != 0 || !(dpi > 0.0))
    return;
  put_be32 (chunk, 9);
  memcpy (chunk + 4, "pHYs", 4);
  put_be32 (chunk + 8, ppm);
  put_be32 (chunk + 12, ppm);
  chunk[16] = 1; /* unit: metre */
  put_be32 (chunk + 17, png_crc (chunk + 4, 4 + 9));
  g_byte_array_set_size (png, png->len + sizeof chunk);
  memmove (png->data + ihdr_end + sizeof chunk, png->data + ihdr_end,
           png->len - sizeof chunk - ihdr_end);
  memcpy (png->data + ihdr_end, chunk, sizeof chunk);
}

static gboolean
render_png (const AlFigureParams   *params,
            const AlImage          *image,
            guint                   frame,
            const AlAtoms          *atoms,
            const AlMaterial       *material,
            const AlFigureOverlays *extra,
            GByteArray             *out,
            GError                **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;

  surface = al_figure_render_surface (params, image, frame, atoms, material, extra, error);
  if (surface == NULL)
    return FALSE;
  status = cairo_surface_write_to_png_stream (surface, append_bytes, out);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Encoding the figure as PNG failed: %s",
                   cairo_status_to_string (status));
      return FALSE;
    }
  png_set_dpi (out, params->dpi);
  return TRUE;
}

static gboolean
render_vector (const AlFigureParams   *params,
               const AlImage          *image,
               guint                   frame,
               const AlAtoms          *atoms,
               const AlMaterial       *material,
               const AlFigureOverlays *extra,
               AlFigureFormat          format,
               GByteArray             *out,
               GError                **error)
{
  double pt_per_px = 72.0 / (params->dpi > 0.0 ? params->dpi : AL_FIGURE_DEFAULT_DPI);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  guint w, h;
  gboolean ok;

  if (!al_figure_get_size (params, image, &w, &h, error))
    return FALSE;
  if (format == AL_FIGURE_SVG)
    surface = cairo_svg_surface_create_for_stream (append_bytes, out, w * pt_per_px, h * pt_per_px);
  else
    surface = cairo_pdf_surface_create_for_stream (append_bytes, out, w * pt_per_px, h * pt_per_px);
  if (format == AL_FIGURE_PDF)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "AtomLens " AL_VERSION);
  cr = cairo_create (surface);
  cairo_scale (cr, pt_per_px, pt_per_px);
  ok = al_figure_draw (cr, params, image, frame, atoms, material, extra, error);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (ok && status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Encoding the figure as %s failed: %s",
                   format == AL_FIGURE_SVG ? "SVG" : "PDF", cairo_status_to_string (status));
      ok = FALSE;
    }
  return ok;
}

gboolean
al_figure_render_to_file (const AlFigureParams   *params,
                          const AlImage          *image,
                          guint                   frame,
                          const AlAtoms          *atoms,
                          const AlMaterial       *material,
                          const AlFigureOverlays *extra,
                          const char             *path,
                          AlFigureFormat          format,
                          GError                **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (params != NULL && image != NULL && path != NULL, FALSE);
  g_return_val_if_fail (format <= AL_FIGURE_PDF, FALSE);

  if (format == AL_FIGURE_PNG)
    ok = render_png (params, image, frame, atoms, material, extra, out, error);
  else
    ok = render_vector (params, image, frame, atoms, material, extra, format, out, error);
  if (!ok)
    return FALSE;
  /* g_file_set_contents writes a temporary file and renames it over `path`,
   * so a crash never leaves half a figure under the final name. */
  if (!g_file_set_contents (path, (const char *) out->data, out->len, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot write the figure “%s”: %s",
                   path, local->message);
      return FALSE;
    }
  return TRUE;
}
