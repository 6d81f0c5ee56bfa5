/* test-figure.c: annotated figures drawn, written and read back: PNG pixels
 * where the atoms are, SVG well-formed with its image and markers, PDF with
 * exactly one page, and bad requests refused. */
#include <math.h>
#include <string.h>

#include <cairo.h>

#include "al-error.h"
#include "al-test.h"
#include "export/al-figure-private.h"
#include "io/al-io.h"

#define W 128
#define H 96
#define PIXEL_NM 0.02   /* MoS2 neighbours 0.182 nm apart: 9.1 px */

/* A frame with a Gaussian blob under each atom (a ramp beneath, so the
 * background has grey levels), and its atoms: Mo (0) and S2 (1) columns. */
static AlImage *
make_image (AlAtoms **atoms_out)
{
  AlImage *image = al_image_new (W, H, 2, NULL);
  AlAtoms *atoms = al_atoms_new (0);
  float *px = al_image_frame (image, 0);

  al_image_set_calibration (image, PIXEL_NM, PIXEL_NM, "nm");
  for (guint row = 0; row < 6; row++)
    for (guint col = 0; col < 8; col++)
      al_atoms_append (atoms, 12.0 + col * 15.0 + (row % 2) * 7.5, 10.0 + row * 14.0, (row + col) % 2);
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        double v = 0.2 * x / W;
        for (guint i = 0; i < atoms->n_atoms; i++)
          {
            double d2 = pow (x - atoms->x[i], 2) + pow (y - atoms->y[i], 2);
            v += exp (-d2 / (2 * 2.0 * 2.0));
          }
        px[y * W + x] = (float) v;
      }
  *atoms_out = atoms;
  return image;
}

typedef struct
{
  guint8 r, g, b;
} Px;

static Px
pixel_at (cairo_surface_t *s,
          int              x,
          int              y)
{
  const guint8 *data = cairo_image_surface_get_data (s);
  guint32 v = *(const guint32 *) (data + y * cairo_image_surface_get_stride (s) + 4 * x);

  return (Px) { v >> 16 & 0xff, v >> 8 & 0xff, v & 0xff };
}

static gboolean
near_rgb (Px p,
          AlRgb c)
{
  return abs (p.r - (int) lround (c.r * 255)) <= 2 && abs (p.g - (int) lround (c.g * 255)) <= 2
         && abs (p.b - (int) lround (c.b * 255)) <= 2;
}

/* Pixels within 12 levels of `c` in a ±30 px window around image point (x, y) at scale 2. */
static guint
count_near (cairo_surface_t *s,
            double           x,
            double           y,
            AlRgb            c)
{
  int cx = (int) (2 * x + 1), cy = (int) (2 * y + 1);
  guint n = 0;

  for (int dy = -30; dy <= 30; dy++)
    for (int dx = -30; dx <= 30; dx++)
      {
        Px p = pixel_at (s, CLAMP (cx + dx, 0, 2 * W - 1), CLAMP (cy + dy, 0, 2 * H - 1));
        n += abs (p.r - (int) lround (c.r * 255)) <= 12 && abs (p.g - (int) lround (c.g * 255)) <= 12
             && abs (p.b - (int) lround (c.b * 255)) <= 12;
      }
  return n;
}

static char *
read_file (const char *path,
           gsize      *len)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, len, NULL));
  return text;
}

static void
test_png_markers (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *bytes = NULL;
  const AlMaterial *mos2 = al_material_get (AL_MATERIAL_MOS2);
  cairo_surface_t *png;
  AlFigureParams params;
  guint32 ppm;
  gsize len;
  int n_distinct = 0;
  Px first;

  al_figure_params_init (&params);
  params.scale = 2.0;
  g_assert_true (al_figure_render_to_file (&params, image, 0, atoms, mos2, NULL, path,
                                           AL_FIGURE_PNG, &error));
  g_assert_no_error (error);

  png = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_width (png), ==, 2 * W);
  g_assert_cmpint (cairo_image_surface_get_height (png), ==, 2 * H);

  /* Every atom away from the legend and scale bar shows its species' colour
   * at its centre: pixel (x, y) of the image is output 2x + 1. */
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int ox = (int) (2 * atoms->x[i] + 1), oy = (int) (2 * atoms->y[i] + 1);
      if (atoms->y[i] < 40 || atoms->y[i] > 70)
        continue;
      g_assert_true (near_rgb (pixel_at (png, ox, oy), al_palette_species (atoms->species[i])));
    }
  /* Between atoms: the grey image, not a marker. */
  first = pixel_at (png, 2 * 60 + 1, 2 * 45 + 1);
  g_assert_cmpint (first.r, ==, first.g);
  g_assert_cmpint (first.g, ==, first.b);
  /* Not blank: many grey levels. */
  for (int x = 0; x < 2 * W; x += 3)
    {
      Px p = pixel_at (png, x, 2 * 45 + 1);
      if (abs (p.r - first.r) > 8)
        n_distinct++;
    }
  g_assert_cmpint (n_distinct, >, 20);
  cairo_surface_destroy (png);

  /* The chosen DPI is in the file: pHYs right after IHDR, 300 dpi = 11811 px/m. */
  bytes = read_file (path, &len);
  g_assert_cmpuint (len, >, 33 + 21);
  g_assert_cmpmem (bytes + 33 + 4, 4, "pHYs", 4);
  ppm = (guint8) bytes[41] << 24 | (guint8) bytes[42] << 16 | (guint8) bytes[43] << 8 | (guint8) bytes[44];
  g_assert_cmpuint (ppm, ==, 11811);
  al_test_rmdir (dir);
}

static void
test_region_and_legend (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autoptr (GError) error = NULL;
  cairo_surface_t *s;
  AlFigureParams params;
  guint i = 20;   /* an atom inside the region */

  al_figure_params_init (&params);
  params.region_x = 30, params.region_y = 20, params.region_width = 64, params.region_height = 48;
  params.scale = 3.0;
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_ATOMS;
  s = al_figure_render_surface (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2), NULL,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 192);
  g_assert_cmpint (cairo_image_surface_get_height (s), ==, 144);
  g_assert_cmpfloat (atoms->x[i], >, 31);
  g_assert_cmpfloat (atoms->y[i], >, 21);
  g_assert_true (near_rgb (pixel_at (s, (int) ((atoms->x[i] + 0.5 - 30) * 3), (int) ((atoms->y[i] + 0.5 - 20) * 3)),
                           al_palette_species (atoms->species[i])));
  cairo_surface_destroy (s);

  /* With the legend, its dark plate covers the top-left corner. */
  params.layers |= AL_FIGURE_LEGEND;
  s = al_figure_render_surface (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2), NULL,
                                &error);
  g_assert_no_error (error);
  {
    Px corner = pixel_at (s, 12, 12);
    g_assert_cmpint (corner.r, <, 110);
  }
  cairo_surface_destroy (s);
}

/* Pixels exactly `c` (±2 levels) in a box of the output. */
static guint
count_exact (cairo_surface_t *s,
             int              x0,
             int              y0,
             int              x1,
             int              y1,
             AlRgb            c)
{
  guint n = 0;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      n += near_rgb (pixel_at (s, x, y), c);
  return n;
}

/* The phase map tints the image by phase, half transparent, vacuum not at
 * all; the legend names each phase in its colour; without the layer bit
 * neither is drawn. */
static void
test_phases (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autoptr (GError) error = NULL;
  guint8 cells[12][16];
  AlFigureOverlays extra = { 0 };
  AlFigureParams params;
  cairo_surface_t *plain, *tinted, *legend;
  AlRgb c1t, c2h;

  /* 8 px cells: 2H left, 1T right, a vacuum strip at the bottom. */
  for (guint cy = 0; cy < 12; cy++)
    for (guint cx = 0; cx < 16; cx++)
      cells[cy][cx] = cy >= 10 ? AL_PHASE_VACUUM : cx < 8 ? AL_PHASE_2H : AL_PHASE_1T;
  extra.phases = (AlFigurePhases) { 16, 12, 8.0, &cells[0][0] };
  g_assert_true (al_figure_phase_color (AL_PHASE_1T, &c1t));
  g_assert_true (al_figure_phase_color (AL_PHASE_2H, &c2h));
  g_assert_false (al_figure_phase_color (AL_PHASE_VACUUM, &c2h));
  g_assert_true (al_figure_phase_color (AL_PHASE_2H, &c2h));

  al_figure_params_init (&params);
  params.scale = 2.0;
  params.layers = AL_FIGURE_IMAGE;
  plain = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  g_assert_no_error (error);
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_PHASES;
  tinted = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  g_assert_no_error (error);
  /* Output (2x + 1): image x 100 is in a 1T cell, x 20 in a 2H one, y 90
   * in vacuum. Half of the colour over the grey: pulled towards it. */
  {
    Px p0 = pixel_at (plain, 201, 61), p1 = pixel_at (tinted, 201, 61);
    Px q0 = pixel_at (plain, 41, 61), q1 = pixel_at (tinted, 41, 61);
    Px v0 = pixel_at (plain, 101, 181), v1 = pixel_at (tinted, 101, 181);
    g_assert_cmpint (abs (p1.r - (int) lround ((p0.r + 255 * c1t.r) / 2)), <=, 2);
    g_assert_cmpint (abs (p1.b - (int) lround ((p0.b + 255 * c1t.b) / 2)), <=, 2);
    g_assert_cmpint (abs (q1.b - (int) lround ((q0.b + 255 * c2h.b) / 2)), <=, 2);
    g_assert_cmpint (abs (q1.r - (int) lround ((q0.r + 255 * c2h.r) / 2)), <=, 2);
    g_assert_cmpint (v1.r, ==, v0.r);
    g_assert_cmpint (v1.b, ==, v0.b);
  }
  /* The legend has an opaque swatch of each phase (top-left plate). */
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_PHASES | AL_FIGURE_LEGEND;
  legend = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_exact (legend, 0, 0, 60, 60, c1t), >, 4);
  g_assert_cmpuint (count_exact (legend, 0, 0, 60, 60, c2h), >, 4);
  g_assert_cmpuint (count_exact (tinted, 0, 0, 60, 60, c1t), ==, 0);
  cairo_surface_destroy (legend);
  /* Without the bit, the legend has no phases (and no map is drawn). */
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_LEGEND;
  legend = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_exact (legend, 0, 0, 60, 60, c1t), ==, 0);
  g_assert_true (pixel_at (legend, 201, 61).r == pixel_at (plain, 201, 61).r);
  cairo_surface_destroy (legend);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (tinted);
}

static void
test_overlays (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autoptr (GError) error = NULL;
  g_autofree float *strain = g_new (float, atoms->n_atoms);
  guint32 ba[1] = { 25 }, bb[1] = { 26 };
  guint32 members[1] = { 27 };
  AlFigureDefect defect = { AL_DEFECT_V_S, 0, 0, members, 1, 0.0, NULL };
  AlFigureOverlays extra = { 0 };
  cairo_surface_t *s;
  AlFigureParams params;
  double mx, my;
  Px p;

  for (guint i = 0; i < atoms->n_atoms; i++)
    strain[i] = (i % 2 ? 0.02f : -0.02f);
  extra.bonds = (AlFigureBonds) { 1, ba, bb, NULL };
  defect.x = atoms->x[27], defect.y = atoms->y[27];
  extra.defects = &defect, extra.n_defects = 1;
  extra.strain = (AlFigureStrain) { strain, "εxx (%)", 100.0, 0.0 };

  al_figure_params_init (&params);
  params.scale = 2.0;
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_STRAIN;
  s = al_figure_render_surface (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2), &extra,
                                &error);
  g_assert_no_error (error);
  /* Strain disks: red for the stretched atom, blue for the compressed one. */
  p = pixel_at (s, (int) (2 * atoms->x[25] + 1), (int) (2 * atoms->y[25] + 1));
  g_assert_cmpint (p.r, >, p.b + 40);
  p = pixel_at (s, (int) (2 * atoms->x[26] + 1), (int) (2 * atoms->y[26] + 1));
  g_assert_cmpint (p.b, >, p.r + 40);
  cairo_surface_destroy (s);

  /* A bond: light at its midpoint, which is dark image between atoms 25 and 26. */
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_BONDS;
  mx = (atoms->x[25] + atoms->x[26]) + 1, my = (atoms->y[25] + atoms->y[26]) + 1;
  s = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  g_assert_no_error (error);
  p = pixel_at (s, (int) mx, (int) my);
  g_assert_cmpint (p.r, >, 170);
  cairo_surface_destroy (s);
  params.layers = AL_FIGURE_IMAGE;
  s = al_figure_render_surface (&params, image, 0, atoms, NULL, &extra, &error);
  p = pixel_at (s, (int) mx, (int) my);
  g_assert_cmpint (p.r, <, 120);
  cairo_surface_destroy (s);

  /* A defect outline in its type's colour around the defect, and that
   * colour nowhere there without the defect layer. */
  params.layers = AL_FIGURE_IMAGE | AL_FIGURE_DEFECTS;
  s = al_figure_render_surface (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2), &extra,
                                &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_near (s, atoms->x[27], atoms->y[27], al_figure_defect_color (AL_DEFECT_V_S)),
                    >, 20);
  cairo_surface_destroy (s);
  params.layers = AL_FIGURE_IMAGE;
  s = al_figure_render_surface (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2), &extra,
                                &error);
  g_assert_cmpuint (count_near (s, atoms->x[27], atoms->y[27], al_figure_defect_color (AL_DEFECT_V_S)),
                    ==, 0);
  cairo_surface_destroy (s);
}

typedef struct
{
  int    n_svg, n_image, n_path, depth;
  char  *width;
} SvgCount;

static void
svg_start (GMarkupParseContext *context,
           const char          *element,
           const char         **names,
           const char         **values,
           gpointer             data,
           GError             **error)
{
  SvgCount *c = data;

  if (strcmp (element, "svg") == 0)
    {
      c->n_svg++;
      for (int i = 0; names[i] != NULL; i++)
        if (strcmp (names[i], "width") == 0)
          c->width = g_strdup (values[i]);
    }
  c->n_image += strcmp (element, "image") == 0;
  c->n_path += strcmp (element, "path") == 0;
}

static void
test_svg (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "figure.svg", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  GMarkupParser parser = { svg_start, NULL, NULL, NULL, NULL };
  GMarkupParseContext *context;
  SvgCount count = { 0 };
  AlFigureParams params;
  gsize len;

  al_figure_params_init (&params);
  params.scale = 2.0;
  params.dpi = 144.0;  /* one output px = 0.5 pt */
  g_assert_true (al_figure_render_to_file (&params, image, 1, atoms, al_material_get (AL_MATERIAL_MOS2),
                                           NULL, path, AL_FIGURE_SVG, &error));
  g_assert_no_error (error);
  text = read_file (path, &len);
  context = g_markup_parse_context_new (&parser, 0, &count, NULL);
  g_assert_true (g_markup_parse_context_parse (context, text, len, &error));
  g_assert_true (g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_markup_parse_context_free (context);

  g_assert_cmpint (count.n_svg, ==, 1);
  g_assert_cmpint (count.n_image, >=, 1);   /* the frame, embedded */
  g_assert_cmpint (count.n_path, >=, 2);    /* markers of two species at least */
  g_assert_nonnull (count.width);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (count.width, NULL), W, 1e-6);  /* 256 px × 0.5 pt */
  g_free (count.width);
  al_test_rmdir (dir);
}

static guint
count_pages (const char *pdf,
             gsize       len)
{
  const char *p = pdf, *end = pdf + len;
  guint n = 0;

  while ((p = memmem (p, end - p, "/Type /Page", 11)) != NULL)
    {
      p += 11;
      if (p == end || *p != 's')   /* not "/Type /Pages" */
        n++;
    }
  return n;
}

static void
test_pdf_one_page (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "figure.pdf", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *pdf = NULL;
  AlFigureParams params;
  gsize len;

  al_figure_params_init (&params);
  g_assert_true (al_figure_render_to_file (&params, image, 0, atoms, al_material_get (AL_MATERIAL_MOS2),
                                           NULL, path, AL_FIGURE_PDF, &error));
  g_assert_no_error (error);
  pdf = read_file (path, &len);
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_cmpuint (count_pages (pdf, len), ==, 1);
  g_assert_nonnull (memmem (pdf, len, "/Interpolate false", 18));  /* pixels kept sharp */
  al_test_rmdir (dir);
}

static void
test_bad_requests (void)
{
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (AlImage) image = make_image (&atoms);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "missing", "figure.png", NULL);
  AlFigureParams params;

  al_figure_params_init (&params);
  g_assert_null (al_figure_render_surface (&params, image, 2, atoms, NULL, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  params.region_x = 500, params.region_y = 0, params.region_width = 10, params.region_height = 10;
  g_assert_false (al_figure_get_size (&params, image, NULL, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  al_figure_params_init (&params);
  params.scale = 1e6;
  g_assert_false (al_figure_render_to_file (&params, image, 0, atoms, NULL, NULL, path, AL_FIGURE_PNG,
                                            &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_TOO_LARGE);
  g_clear_error (&error);

  params.scale = 1.0;
  g_assert_false (al_figure_render_to_file (&params, image, 0, atoms, NULL, NULL, path, AL_FIGURE_PNG,
                                            &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE);
  al_test_rmdir (dir);
}

static void
test_nice_lengths (void)
{
  g_assert_cmpfloat (al_figure_nice_length (0.512), ==, 0.5);
  g_assert_cmpfloat (al_figure_nice_length (3.9), ==, 2.0);
  g_assert_cmpfloat (al_figure_nice_length (9.99), ==, 5.0);
  g_assert_cmpfloat (al_figure_nice_length (10.0), ==, 10.0);
  g_assert_cmpfloat_with_epsilon (al_figure_nice_length (0.0199), 0.01, 1e-12);
  g_assert_cmpint (al_figure_format_from_name ("PDF"), ==, AL_FIGURE_PDF);
  g_assert_cmpint (al_figure_format_from_name ("gif"), ==, -1);
}

/* An image longer than the automatic figure's largest side (a tiled 16k²
 * image's overview) is drawn shrunk to that side from every step-th pixel,
 * and the bands of the image stay where they are. */
static void
test_huge_image_overview (void)
{
  const guint w = 20000, h = 32, band = 1000;
  g_autoptr (AlImage) image = al_image_new (w, h, 1, NULL);
  g_autoptr (GError) error = NULL;
  float *px = al_image_frame (image, 0);
  cairo_surface_t *s;
  AlFigureParams params;
  double scale;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      px[(gsize) y * w + x] = (float) ((x / band) % 2);
  al_figure_params_init (&params);
  params.layers = AL_FIGURE_IMAGE;
  s = al_figure_render_surface (&params, image, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cairo_image_surface_get_width (s), ==, 8192);
  scale = 8192.0 / w;
  for (guint b = 0; b < w / band; b++)
    {
      Px p = pixel_at (s, (int) ((b * band + band / 2) * scale), 3);
      if (b % 2)
        g_assert_cmpint (p.r, >, 200);
      else
        g_assert_cmpint (p.r, <, 55);
    }
  cairo_surface_destroy (s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/export/figure/png-markers", test_png_markers);
  g_test_add_func ("/core/export/figure/region-and-legend", test_region_and_legend);
  g_test_add_func ("/core/export/figure/overlays", test_overlays);
  g_test_add_func ("/core/export/figure/phases", test_phases);
  g_test_add_func ("/core/export/figure/svg", test_svg);
  g_test_add_func ("/core/export/figure/pdf-one-page", test_pdf_one_page);
  g_test_add_func ("/core/export/figure/bad-requests", test_bad_requests);
  g_test_add_func ("/core/export/figure/nice-lengths", test_nice_lengths);
  g_test_add_func ("/core/export/figure/huge-image-overview", test_huge_image_overview);
  return g_test_run ();
}
