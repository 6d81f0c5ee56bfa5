/* test-tiff.c: every TIFF layout the reader takes, built with libtiff and
 * read back exactly; calibration from each place a writer puts it; our
 * writer's files read back with the same values and calibration. */
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "io/al-io.h"
#include "io/al-tiff.h"
#include "tiff-maker.h"

#define C PHOTOMETRIC_MINISBLACK
#define RGB PHOTOMETRIC_RGB
#define UINT SAMPLEFORMAT_UINT
#define INT SAMPLEFORMAT_INT
#define FP SAMPLEFORMAT_IEEEFP
#define SEP PLANARCONFIG_SEPARATE

/* name, bits, format, samples, photometric, planar, compression, tiled,
 * BigTIFF, big-endian, pages */
static const TiffVariant variants[] = {
  { "uint8", 8, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "int8", 8, INT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "uint16", 16, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "int16", 16, INT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "uint32", 32, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "int32", 32, INT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "uint64", 64, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "int64", 64, INT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "float16", 16, FP, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "float32", 32, FP, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "float64", 64, FP, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 },
  /* tiles, BigTIFF, byte order, compression, stacks */
  { "uint16-tiled", 16, UINT, 1, C, 0, 0, TRUE, FALSE, FALSE, 1 },
  { "float32-tiled", 32, FP, 1, C, 0, 0, TRUE, FALSE, FALSE, 1 },
  { "float64-tiled-bigtiff", 64, FP, 1, C, 0, 0, TRUE, TRUE, FALSE, 1 },
  { "int16-bigtiff", 16, INT, 1, C, 0, 0, FALSE, TRUE, FALSE, 1 },
  { "uint16-big-endian", 16, UINT, 1, C, 0, 0, FALSE, FALSE, TRUE, 1 },
  { "float32-big-endian-bigtiff", 32, FP, 1, C, 0, 0, FALSE, TRUE, TRUE, 1 },
  { "int32-big-endian-tiled", 32, INT, 1, C, 0, 0, TRUE, FALSE, TRUE, 1 },
  { "uint16-deflate", 16, UINT, 1, C, 0, COMPRESSION_ADOBE_DEFLATE, FALSE, FALSE, FALSE, 1 },
  { "float32-lzw-tiled", 32, FP, 1, C, 0, COMPRESSION_LZW, TRUE, FALSE, FALSE, 1 },
  { "uint8-packbits", 8, UINT, 1, C, 0, COMPRESSION_PACKBITS, FALSE, FALSE, FALSE, 1 },
  { "float32-stack", 32, FP, 1, C, 0, 0, FALSE, FALSE, FALSE, 4 },
  { "uint16-tiled-stack-bigtiff", 16, UINT, 1, C, 0, 0, TRUE, TRUE, FALSE, 3 },
  /* colour, as luminance */
  { "rgb-uint8", 8, UINT, 3, RGB, 0, 0, FALSE, FALSE, FALSE, 1 },
  { "rgba-uint8-tiled", 8, UINT, 4, RGB, 0, 0, TRUE, FALSE, FALSE, 1 },
  { "rgb-uint16-planar", 16, UINT, 3, RGB, SEP, 0, FALSE, FALSE, FALSE, 1 },
  { "rgb-float32-planar-tiled", 32, FP, 3, RGB, SEP, 0, TRUE, FALSE, FALSE, 1 },
  { "rgb-uint8-stack", 8, UINT, 3, RGB, 0, COMPRESSION_LZW, FALSE, FALSE, FALSE, 2 },
  /* a grey image with a second sample: the first is the image */
  { "uint16-two-samples", 16, UINT, 2, C, 0, 0, FALSE, FALSE, FALSE, 1 },
};

static const char *
expected_dtype (const TiffVariant *v)
{
  static const char *const names[] = { "uint8", "int8", "uint16", "int16", "float16", "uint32",
                                       "int32", "float32", "uint64", "int64", "float64" };
  const char *name = v->name;

  if (g_str_has_prefix (name, "rgb-") || g_str_has_prefix (name, "rgba-"))
    name = strchr (name, '-') + 1;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_has_prefix (name, names[i])
        && (name[strlen (names[i])] == '\0' || name[strlen (names[i])] == '-'))
      return names[i];
  g_assert_not_reached ();
}

static void
test_variant (gconstpointer data)
{
  const TiffVariant *v = data;
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "variant.tif", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  gboolean is_rgb = v->photometric == PHOTOMETRIC_RGB;

  tiff_maker_write (path, v, NULL, NULL);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, TIFF_MAKER_WIDTH);
  g_assert_cmpuint (image->height, ==, TIFF_MAKER_HEIGHT);
  g_assert_cmpuint (image->n_frames, ==, v->n_pages);
  g_assert_cmpstr (image->dtype, ==, expected_dtype (v));
  g_assert_cmpstr (image->format, ==, v->big_tiff ? "BigTIFF" : "TIFF");
  g_assert_null (image->unit);
  g_assert_cmpfloat (image->pixel_size, ==, 0.0);
  for (guint f = 0; f < v->n_pages; f++)
    for (guint y = 0; y < TIFF_MAKER_HEIGHT; y++)
      for (guint x = 0; x < TIFF_MAKER_WIDTH; x++)
        {
          float got = al_image_frame (image, f)[(gsize) y * TIFF_MAKER_WIDTH + x];
          double want = tiff_maker_expected (v, x, y, f);
          if (is_rgb)
            g_assert_cmpfloat_with_epsilon (got, want, fabs (want) * 1e-6 + 1e-4);
          else
            g_assert_cmpfloat (got, ==, want);
        }
  al_test_rmdir (dir);
}

static void
test_min_is_white (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, PHOTOMETRIC_MINISWHITE, 0, 0, FALSE, FALSE, FALSE, 1 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "white.tif", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  tiff_maker_write (path, &v, NULL, NULL);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  /* 0 is white: the reader turns it into the brightest value. */
  g_assert_cmpfloat (image->pixels[0], ==, 255 - tiff_maker_value (&v, 0, 0, 0, 0));
  g_assert_cmpfloat (image->pixels[5 * TIFF_MAKER_WIDTH + 3], ==,
                     255 - tiff_maker_value (&v, 3, 5, 0, 0));
  al_test_rmdir (dir);
}

static void
palette_tags (TIFF    *tif,
              guint    page,
              gpointer data)
{
  static guint16 red[256], green[256], blue[256];

  /* Entry i is grey level i (colour maps are 16-bit: i × 257). */
  for (guint i = 0; i < 256; i++)
    red[i] = green[i] = blue[i] = (guint16) (i * 257);
  red[10] = 65535;
  green[10] = blue[10] = 0;
  TIFFSetField (tif, TIFFTAG_COLORMAP, red, green, blue);
}

static void
test_palette (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, PHOTOMETRIC_PALETTE, 0, 0, FALSE, FALSE, FALSE, 1 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "palette.tif", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  gboolean seen_red = FALSE;

  tiff_maker_write (path, &v, palette_tags, NULL);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  for (guint y = 0; y < TIFF_MAKER_HEIGHT; y++)
    for (guint x = 0; x < TIFF_MAKER_WIDTH; x++)
      {
        double index = tiff_maker_value (&v, x, y, 0, 0);
        /* Entry 10 is pure red: its luminance is the red weight. */
        double want = index == 10 ? 0.2126 * 255 : index;
        g_assert_cmpfloat_with_epsilon (image->pixels[y * TIFF_MAKER_WIDTH + x], want, 1e-3);
        seen_red |= index == 10;
      }
  g_assert_true (seen_red);
  al_test_rmdir (dir);
}

/* A palette page taller than one band of the RGBA renderer (1 MiB): the
 * bands join without a seam. */
static void
test_palette_bands (void)
{
  const guint32 width = 300, height = 1000;
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "bands.tif", NULL);
  g_autofree guint8 *row = g_malloc (width);
  g_autoptr (AlImage) image = NULL;
  g_autoptr (GError) error = NULL;
  static guint16 map[256];
  TIFF *tif = TIFFOpen (path, "w");

  for (guint i = 0; i < 256; i++)
    map[i] = (guint16) (i * 257);
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_PALETTE);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 16);
  TIFFSetField (tif, TIFFTAG_COLORMAP, map, map, map);
  for (guint32 y = 0; y < height; y++)
    {
      for (guint32 x = 0; x < width; x++)
        row[x] = (guint8) ((x + 3 * y) % 256);
      g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
    }
  TIFFClose (tif);

  image = al_image_load (path, &error);
  g_assert_no_error (error);
  for (guint32 y = 0; y < height; y++)
    for (guint32 x = 0; x < width; x += 37)
      g_assert_cmpfloat_with_epsilon (image->pixels[(gsize) y * width + x], (x + 3 * y) % 256, 1e-3);
  al_test_rmdir (dir);
}

/* A stack whose last page is smaller is refused with a clear message. */
static void
mixed_size_tags (TIFF    *tif,
                 guint    page,
                 gpointer data)
{
  if (page == 1)
    TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (guint32) (TIFF_MAKER_HEIGHT - 5));
}

static void
test_pages_of_different_sizes (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 2 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "mixed.tif", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  tiff_maker_write (path, &v, mixed_size_tags, NULL);
  image = al_image_load (path, &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "page 2 is 40×30 pixels but the first is 40×35"));
  al_test_rmdir (dir);
}

/* A reduced-resolution copy (a pyramid level, a thumbnail) is not a frame. */
static void
thumbnail_tags (TIFF    *tif,
                guint    page,
                gpointer data)
{
  if (page == 1)
    {
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, (guint32) FILETYPE_REDUCEDIMAGE);
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (guint32) 20);
    }
}

static void
test_reduced_pages_skipped (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 3 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "pyramid.tif", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  tiff_maker_write (path, &v, thumbnail_tags, NULL);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->n_frames, ==, 2);
  /* The second frame is the third page. */
  g_assert_cmpfloat (al_image_frame (image, 1)[0], ==, tiff_maker_value (&v, 0, 0, 2, 0));
  al_test_rmdir (dir);
}

/* Calibration ------------------------------------------------------------ */

typedef struct
{
  const char *description;
  guint16     resolution_unit;  /* 0: no resolution tags */
  float       x_resolution;
  float       y_resolution;
  double      want_scale_x;
  double      want_scale_y;
  const char *want_unit;
  double      want_pixel_size;  /* nm */
  const char *want_source;
} CalibrationCase;

static const CalibrationCase calibration_cases[] = {
  { "ImageJ=1.53t\nunit=nm\n", RESUNIT_NONE, 20.0f, 20.0f, 0.05, 0.05, "nm", 0.05,
    "ImageJ description" },
  { "ImageJ=1.51a\nunit=micron\n", RESUNIT_NONE, 5.0f, 4.0f, 0.2, 0.25, "µm", 200.0,
    "ImageJ description" },
  { "ImageJ=1.52\nunit=\\u00B5m\n", RESUNIT_INCH, 8.0f, 8.0f, 0.125, 0.125, "µm", 125.0,
    "ImageJ description" },
  { "ImageJ=1.52\nunit=A\n", RESUNIT_NONE, 2.0f, 2.0f, 0.5, 0.5, "Å", 0.05, "ImageJ description" },
  /* ImageJ without a unit: the resolution tags are nothing then */
  { "ImageJ=1.51d\nmin=0\n", RESUNIT_NONE, 2.0f, 2.0f, 0, 0, NULL, 0, NULL },
  { "<?xml version=\"1.0\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\">"
    "<Image ID=\"Image:0\"><Pixels ID=\"Pixels:0\" DimensionOrder=\"XYZCT\" "
    "PhysicalSizeX=\"0.0125\" PhysicalSizeXUnit=\"nm\" PhysicalSizeY=\"0.025\" "
    "PhysicalSizeYUnit=\"nm\" SizeX=\"40\" SizeY=\"35\" Type=\"uint8\"/></Image></OME>",
    0, 0, 0, 0.0125, 0.025, "nm", 0.0125, "OME-XML" },
  /* OME's default unit is the micrometre */
  { "<?xml version=\"1.0\"?><ome:OME xmlns:ome=\"x\"><ome:Image><ome:Pixels "
    "PhysicalSizeX=\"0.5\" SizeX=\"40\"/></ome:Image></ome:OME>",
    0, 0, 0, 0.5, 0.5, "µm", 500.0, "OME-XML" },
  /* resolution tags: 254000 pixels per inch are 100 nm pixels */
  { NULL, RESUNIT_INCH, 254000.0f, 127000.0f, 100.0, 200.0, "nm", 100.0, "TIFF resolution tags" },
  { NULL, RESUNIT_CENTIMETER, 4e6f, 4e6f, 2.5, 2.5, "nm", 2.5, "TIFF resolution tags" },
  { NULL, RESUNIT_NONE, 10.0f, 10.0f, 0, 0, NULL, 0, NULL },
  { "just words", 0, 0, 0, 0, 0, NULL, 0, NULL },
};

static void
calibration_tags (TIFF    *tif,
                  guint    page,
                  gpointer data)
{
  const CalibrationCase *c = data;

  if (c->description != NULL && page == 0)
    TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, c->description);
  if (c->resolution_unit != 0)
    {
      TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, c->resolution_unit);
      TIFFSetField (tif, TIFFTAG_XRESOLUTION, c->x_resolution);
      TIFFSetField (tif, TIFFTAG_YRESOLUTION, c->y_resolution);
    }
  TIFFSetField (tif, TIFFTAG_SOFTWARE, "Velox 3.6");
  TIFFSetField (tif, TIFFTAG_DATETIME, "2024:05:17 14:03:11");
  TIFFSetField (tif, TIFFTAG_MAKE, "Thermo Fisher Scientific");
  TIFFSetField (tif, TIFFTAG_MODEL, "Spectra 300");
}

static void
test_calibration (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 1 };
  g_autofree char *dir = al_test_mkdtemp ();

  for (guint i = 0; i < G_N_ELEMENTS (calibration_cases); i++)
    {
      const CalibrationCase *c = &calibration_cases[i];
      g_autofree char *path = g_strdup_printf ("%s/calibration-%u.tif", dir, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;

      tiff_maker_write (path, &v, calibration_tags, (gpointer) c);
      image = al_image_load (path, &error);
      g_assert_no_error (error);
      g_test_message ("case %u", i);
      g_assert_cmpstr (image->unit, ==, c->want_unit);
      g_assert_cmpfloat_with_epsilon (image->scale_x, c->want_scale_x, c->want_scale_x * 1e-6 + 1e-12);
      g_assert_cmpfloat_with_epsilon (image->scale_y, c->want_scale_y, c->want_scale_y * 1e-6 + 1e-12);
      g_assert_cmpfloat_with_epsilon (image->pixel_size, c->want_pixel_size,
                                      c->want_pixel_size * 1e-6 + 1e-12);
      g_assert_cmpstr (al_image_get_metadata (image, "Calibration"), ==, c->want_source);
      g_assert_cmpstr (al_image_get_metadata (image, "Software"), ==, "Velox 3.6");
      g_assert_cmpstr (al_image_get_metadata (image, "DateTime"), ==, "2024:05:17 14:03:11");
      g_assert_cmpstr (al_image_get_metadata (image, "Make"), ==, "Thermo Fisher Scientific");
      g_assert_cmpstr (al_image_get_metadata (image, "Model"), ==, "Spectra 300");
      g_assert_cmpstr (al_image_get_metadata (image, "Instrument"), ==,
                       "Thermo Fisher Scientific Spectra 300");
      g_assert_cmpstr (al_image_get_metadata (image, "Acquisition date"), ==, "2024-05-17");
      g_assert_cmpstr (al_image_get_metadata (image, "Acquisition time"), ==, "14:03:11");
      /* Text tags are kept without their trailing newlines. */
      if (c->description != NULL)
        {
          g_autofree char *stripped = g_strstrip (g_strdup (c->description));
          g_assert_cmpstr (al_image_get_metadata (image, "ImageDescription"), ==, stripped);
        }
    }
  al_test_rmdir (dir);
}

static void
imagej_stack_tags (TIFF    *tif,
                   guint    page,
                   gpointer data)
{
  if (page == 0)
    TIFFSetField (tif, TIFFTAG_IMAGEDESCRIPTION, data);
  TIFFSetField (tif, TIFFTAG_XRESOLUTION, 10.0f);
  TIFFSetField (tif, TIFFTAG_YRESOLUTION, 10.0f);
}

static void
test_imagej_frame_axis (void)
{
  TiffVariant v = { "uint8", 8, UINT, 1, C, 0, 0, FALSE, FALSE, FALSE, 3 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *z_path = g_build_filename (dir, "z.tif", NULL);
  g_autofree char *t_path = g_build_filename (dir, "t.tif", NULL);
  g_autoptr (AlImage) z = NULL;
  g_autoptr (AlImage) t = NULL;

  tiff_maker_write (z_path, &v, imagej_stack_tags,
                    "ImageJ=1.53\nimages=3\nslices=3\nunit=nm\nspacing=2.5\nloop=false\n");
  tiff_maker_write (t_path, &v, imagej_stack_tags,
                    "ImageJ=1.53\nimages=3\nframes=3\nunit=nm\nfinterval=0.04\n");
  z = al_image_load (z_path, NULL);
  t = al_image_load (t_path, NULL);
  g_assert_nonnull (z);
  g_assert_nonnull (t);
  g_assert_cmpfloat (z->pixel_size, ==, 0.1);
  g_assert_cmpfloat (z->frame_scale, ==, 2.5);
  g_assert_cmpstr (z->frame_unit, ==, "nm");
  g_assert_cmpfloat (t->frame_scale, ==, 0.04);
  g_assert_cmpstr (t->frame_unit, ==, "s");
  al_test_rmdir (dir);
}

/* ImageJ stacks above 4 GiB: one directory, `images=N`, the frames one
 * after the other. */
static void
test_imagej_contiguous_stack (void)
{
  TiffRaw raw = { .width = 6, .height = 4, .bits = 16, .n_data = 3 * 6 * 4 * 2,
                  .description = "ImageJ=1.53t\nimages=3\nslices=3\nunit=nm\nloop=false\n" };
  TiffRaw short_raw = raw;
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "big-stack.tif", NULL);
  g_autoptr (GBytes) bytes = tiff_maker_raw (&raw);
  g_autoptr (GBytes) short_bytes = NULL;
  g_autoptr (AlImage) image = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->n_frames, ==, 3);
  for (guint i = 0; i < 3 * 6 * 4; i++)
    {
      /* Byte k of the pixel data is k % 251, little-endian pairs. */
      guint lo = (2 * i) % 251, hi = (2 * i + 1) % 251;
      g_assert_cmpfloat (image->pixels[i], ==, lo + 256 * hi);
    }

  /* Two frames short of what the description says (the description,
   * stored last, is shorter than one frame). */
  short_raw.n_data -= 2 * 6 * 4 * 2;
  short_bytes = tiff_maker_raw (&short_raw);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (short_bytes, NULL),
                                      g_bytes_get_size (short_bytes), NULL));
  g_clear_pointer (&image, al_image_free);
  image = al_image_load (path, &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
  g_assert_nonnull (strstr (error->message, "ImageJ says it holds 3 images of 48 bytes"));
  al_test_rmdir (dir);
}

/* A window of a series: only those frames are converted and held. */
static void
test_load_frames (void)
{
  TiffVariant v = { "float32", 32, FP, 1, C, 0, 0, FALSE, FALSE, FALSE, 5 };
  TiffRaw raw = { .width = 6, .height = 4, .bits = 16, .n_data = 4 * 6 * 4 * 2,
                  .description = "ImageJ=1.53t\nimages=4\nslices=4\n" };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "series.tif", NULL);
  g_autofree char *big = g_build_filename (dir, "imagej.tif", NULL);
  g_autoptr (GBytes) bytes = tiff_maker_raw (&raw);
  g_autoptr (AlImage) middle = NULL;
  g_autoptr (AlImage) tail = NULL;
  g_autoptr (AlImage) ij = NULL;
  g_autoptr (AlImage) none = NULL;
  g_autoptr (GError) error = NULL;

  tiff_maker_write (path, &v, NULL, NULL);
  middle = al_image_load_frames (path, 1, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (middle->n_frames, ==, 2);
  g_assert_cmpfloat (al_image_frame (middle, 0)[7], ==, tiff_maker_value (&v, 7, 0, 1, 0));
  g_assert_cmpfloat (al_image_frame (middle, 1)[7], ==, tiff_maker_value (&v, 7, 0, 2, 0));
  tail = al_image_load_frames (path, 3, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tail->n_frames, ==, 2);
  g_assert_cmpfloat (al_image_frame (tail, 1)[TIFF_MAKER_WIDTH + 1], ==,
                     tiff_maker_value (&v, 1, 1, 4, 0));
  none = al_image_load_frames (path, 4, 2, &error);
  g_assert_null (none);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "has 5 frames: frames 5 to 6 do not exist"));

  /* ImageJ's one-directory stacks: frames 2 and 3 from their offsets. */
  g_assert_true (g_file_set_contents (big, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  ij = al_image_load_frames (big, 2, 2, NULL);
  g_assert_nonnull (ij);
  g_assert_cmpuint (ij->n_frames, ==, 2);
  for (guint i = 0; i < 2 * 6 * 4; i++)
    {
      guint byte = 2 * (i + 2 * 6 * 4);
      g_assert_cmpfloat (ij->pixels[i], ==, byte % 251 + 256 * ((byte + 1) % 251));
    }
  al_test_rmdir (dir);
}

/* Our writer ------------------------------------------------------------- */

static AlImage *
make_image (guint width,
            guint height,
            guint n_frames)
{
  AlImage *image = al_image_new (width, height, n_frames, NULL);
  GRand *rand = g_rand_new_with_seed (20240517);
  gsize n = al_image_frame_samples (image) * n_frames;

  for (gsize i = 0; i < n; i++)
    image->pixels[i] = (float) g_rand_double_range (rand, -1e4, 1e5);
  image->pixels[1] = NAN;
  image->pixels[2] = -INFINITY;
  g_rand_free (rand);
  return image;
}

static void
test_write_round_trip (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "out.tif", NULL);
  g_autoptr (AlImage) image = make_image (301, 97, 3);
  g_autoptr (AlImage) back = NULL;
  g_autoptr (GError) error = NULL;
  gsize n = al_image_frame_samples (image) * image->n_frames;

  al_image_set_calibration (image, 0.0123, 0.0246, "nm");
  image->frame_scale = 0.5;
  image->frame_unit = g_strdup ("s");
  g_assert_true (al_tiff_write (path, image, &error));
  g_assert_no_error (error);

  back = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->width, ==, 301);
  g_assert_cmpuint (back->height, ==, 97);
  g_assert_cmpuint (back->n_frames, ==, 3);
  g_assert_cmpstr (back->dtype, ==, "float32");
  g_assert_true (isnan (back->pixels[1]));
  g_assert_true (isinf (back->pixels[2]) && back->pixels[2] < 0);
  for (gsize i = 3; i < n; i++)
    g_assert_cmpfloat (back->pixels[i], ==, image->pixels[i]);
  g_assert_cmpstr (back->unit, ==, "nm");
  /* XResolution is a float in libtiff: 7 significant digits survive. */
  g_assert_cmpfloat_with_epsilon (back->scale_x, 0.0123, 0.0123 * 1e-6);
  g_assert_cmpfloat_with_epsilon (back->scale_y, 0.0246, 0.0246 * 1e-6);
  g_assert_cmpfloat_with_epsilon (back->pixel_size, 0.0123, 0.0123 * 1e-6);
  g_assert_cmpfloat (back->frame_scale, ==, 0.5);
  g_assert_cmpstr (back->frame_unit, ==, "s");
  g_assert_cmpstr (al_image_get_metadata (back, "Software"), ==, "AtomLens");
  g_assert_true (g_str_has_prefix (al_image_get_metadata (back, "ImageDescription"),
                                   "ImageJ=1.11a\nimages=3\nframes=3\nunit=nm\nfinterval=0.5\n"));
  /* Nothing is left beside the file. */
  {
    GDir *d = g_dir_open (dir, 0, NULL);
    g_assert_cmpstr (g_dir_read_name (d), ==, "out.tif");
    g_assert_null (g_dir_read_name (d));
    g_dir_close (d);
  }
  al_test_rmdir (dir);
}

static void
test_write_micrometres_as_nm (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "um.tif", NULL);
  g_autoptr (AlImage) image = make_image (16, 8, 1);
  g_autoptr (AlImage) back = NULL;

  al_image_set_calibration (image, 0.25, 0.25, "µm");
  g_assert_true (al_tiff_write (path, image, NULL));
  back = al_image_load (path, NULL);
  g_assert_cmpstr (back->unit, ==, "nm");
  g_assert_cmpfloat_with_epsilon (back->scale_x, 250.0, 250.0 * 1e-6);
  g_assert_cmpfloat_with_epsilon (back->pixel_size, 250.0, 250.0 * 1e-6);
  g_assert_cmpfloat (back->frame_scale, ==, 0.0);
  al_test_rmdir (dir);
}

static void
test_write_uint16 (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "counts.tif", NULL);
  g_autoptr (AlImage) image = al_image_new (5, 2, 2, NULL);
  g_autoptr (AlImage) back = NULL;
  g_autoptr (GError) error = NULL;
  const float in[10] = { 0.4f, 0.6f, -3.0f, 70000.0f, 1234.5f, NAN, 65535.0f, 7.0f, 2.49f, 99.51f };
  const float want[10] = { 0, 1, 0, 65535, 1234, 0, 65535, 7, 2, 100 };

  for (guint i = 0; i < 10; i++)
    image->pixels[i] = image->pixels[10 + i] = in[i];
  image->pixels[19] = 42.0f;
  g_assert_true (al_tiff_write_uint16 (path, image, &error));
  g_assert_no_error (error);
  back = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->dtype, ==, "uint16");
  g_assert_cmpuint (back->n_frames, ==, 2);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpfloat (back->pixels[i], ==, want[i]);
  g_assert_cmpfloat (back->pixels[19], ==, 42.0f);
  g_assert_null (back->unit);
  al_test_rmdir (dir);
}

static void
test_write_replaces_atomically (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "same.tif", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "x.tif", NULL);
  g_autoptr (AlImage) a = make_image (8, 8, 1);
  g_autoptr (AlImage) b = make_image (4, 4, 2);
  g_autoptr (AlImage) back = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (al_tiff_write (path, a, NULL));
  g_assert_true (al_tiff_write (path, b, NULL));
  back = al_image_load (path, NULL);
  g_assert_cmpuint (back->width, ==, 4);
  g_assert_cmpuint (back->n_frames, ==, 2);

  g_assert_false (al_tiff_write (missing, a, &error));
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE);
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/io/tiff/variant/%s", variants[i].name);
      g_test_add_data_func (name, &variants[i], test_variant);
    }
  g_test_add_func ("/core/io/tiff/min-is-white", test_min_is_white);
  g_test_add_func ("/core/io/tiff/palette", test_palette);
  g_test_add_func ("/core/io/tiff/palette-bands", test_palette_bands);
  g_test_add_func ("/core/io/tiff/pages-of-different-sizes", test_pages_of_different_sizes);
  g_test_add_func ("/core/io/tiff/reduced-pages-skipped", test_reduced_pages_skipped);
  g_test_add_func ("/core/io/tiff/calibration", test_calibration);
  g_test_add_func ("/core/io/tiff/imagej-frame-axis", test_imagej_frame_axis);
  g_test_add_func ("/core/io/tiff/imagej-contiguous-stack", test_imagej_contiguous_stack);
  g_test_add_func ("/core/io/tiff/load-frames", test_load_frames);
  g_test_add_func ("/core/io/tiff/write/round-trip", test_write_round_trip);
  g_test_add_func ("/core/io/tiff/write/micrometres-as-nm", test_write_micrometres_as_nm);
  g_test_add_func ("/core/io/tiff/write/uint16", test_write_uint16);
  g_test_add_func ("/core/io/tiff/write/replaces-atomically", test_write_replaces_atomically);
  return g_test_run ();
}
