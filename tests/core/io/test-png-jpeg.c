/* test-png-jpeg.c: PNG and JPEG files of every kind the readers take,
 * written with libpng and libjpeg in the test: grey values exact (PNG) or
 * within JPEG's rounding, colour as Rec. 709 luminance, always
 * uncalibrated; cut, damaged and lying files refused with AL_IO_ERROR. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#include <zlib.h>

#include "al-test.h"
#include "io/al-io.h"

#define W 37
#define H 23

/* Sample c of pixel (x, y) at `bits` bits: spans the range. */
static guint
sample (guint x,
        guint y,
        guint c,
        guint bits)
{
  guint max = (1u << bits) - 1;

  return ((x * 7 + y * 13 + c * 29) * (max / 60 + 1)) % (max + 1);
}

static double
luma (double r,
      double g,
      double b)
{
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

typedef struct
{
  const char *name;
  int         colour;     /* PNG_COLOR_TYPE_* */
  int         bits;
  gboolean    interlaced;
} PngCase;

static void
write_png (const char    *path,
           const PngCase *c)
{
  FILE *f = fopen (path, "wb");
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png_create_info_struct (png);
  int channels = c->colour == PNG_COLOR_TYPE_RGB ? 3 : c->colour == PNG_COLOR_TYPE_RGBA ? 4
               : c->colour == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
  png_color palette[256];
  png_text text = { PNG_TEXT_COMPRESSION_NONE, "Comment", "HAADF 300 kV", 0 };
  g_autofree guint8 *row = g_malloc0 ((gsize) W * channels * 2);

  g_assert_nonnull (f);
  png_init_io (png, f);
  png_set_IHDR (png, info, W, H, c->bits, c->colour,
                c->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (c->colour == PNG_COLOR_TYPE_PALETTE)
    {
      /* Entry i: a colour whose channels are sample () of i. */
      for (guint i = 0; i < 256; i++)
        palette[i] = (png_color) { i, 255 - i, (i * 3) % 256 };
      png_set_PLTE (png, info, palette, 1 << c->bits);
    }
  png_set_pHYs (png, info, 3780, 3780, PNG_RESOLUTION_METER);   /* 96 dpi: not a pixel size */
  png_set_text (png, info, &text, 1);
  png_write_info (png, info);
  if (c->bits < 8)
    png_set_packing (png);
  if (c->bits == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (png);
  for (int pass = 0; pass < (c->interlaced ? png_set_interlace_handling (png) : 1); pass++)
    for (guint y = 0; y < H; y++)
      {
        for (guint x = 0; x < W; x++)
          for (int ch = 0; ch < channels; ch++)
            {
              guint v = sample (x, y, ch, c->bits);
              if (c->bits == 16)
                ((guint16 *) row)[x * channels + ch] = (guint16) v;
              else
                row[x * channels + ch] = (guint8) v;
            }
        png_write_row (png, row);
      }
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  fclose (f);
}

static double
png_expected (const PngCase *c,
              guint          x,
              guint          y)
{
  if (c->colour == PNG_COLOR_TYPE_PALETTE)
    {
      guint i = sample (x, y, 0, c->bits);
      return luma (i, 255 - i, (i * 3) % 256);
    }
  if (c->colour & PNG_COLOR_MASK_COLOR)
    return luma (sample (x, y, 0, c->bits), sample (x, y, 1, c->bits), sample (x, y, 2, c->bits));
  if (c->bits < 8)
    {
      /* libpng widens 1/2/4-bit grey to 8 bits by bit replication. */
      guint v = sample (x, y, 0, c->bits);
      return v * (255 / ((1u << c->bits) - 1));
    }
  return sample (x, y, 0, c->bits);
}

static const PngCase png_cases[] = {
  { "grey8", PNG_COLOR_TYPE_GRAY, 8, FALSE },
  { "grey16", PNG_COLOR_TYPE_GRAY, 16, FALSE },
  { "grey16-interlaced", PNG_COLOR_TYPE_GRAY, 16, TRUE },
  { "grey1", PNG_COLOR_TYPE_GRAY, 1, FALSE },
  { "grey4", PNG_COLOR_TYPE_GRAY, 4, FALSE },
  { "grey-alpha8", PNG_COLOR_TYPE_GRAY_ALPHA, 8, FALSE },
  { "palette8", PNG_COLOR_TYPE_PALETTE, 8, FALSE },
  { "palette4-interlaced", PNG_COLOR_TYPE_PALETTE, 4, TRUE },
  { "rgb8", PNG_COLOR_TYPE_RGB, 8, FALSE },
  { "rgba16", PNG_COLOR_TYPE_RGBA, 16, FALSE },
};

static void
test_png (gconstpointer data)
{
  const PngCase *c = data;
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "figure.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  gboolean colour = (c->colour & PNG_COLOR_MASK_COLOR) != 0;

  write_png (path, c);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (image->format, ==, "PNG");
  g_assert_cmpstr (image->dtype, ==, c->bits == 16 ? "uint16" : "uint8");
  g_assert_cmpuint (image->width, ==, W);
  g_assert_cmpuint (image->height, ==, H);
  g_assert_cmpuint (image->n_frames, ==, 1);
  g_assert_null (image->unit);
  g_assert_cmpfloat (image->pixel_size, ==, 0.0);
  g_assert_cmpstr (al_image_get_metadata (image, "PNG.Comment"), ==, "HAADF 300 kV");
  for (guint y = 0; y < H; y++)
    for (guint x = 0; x < W; x++)
      {
        double want = png_expected (c, x, y);
        float got = image->pixels[y * W + x];
        if (colour)
          g_assert_cmpfloat_with_epsilon (got, want, 1e-6 * want + 1e-3);
        else
          g_assert_cmpfloat (got, ==, want);
      }
  al_test_rmdir (dir);
}

/* JPEG ------------------------------------------------------------------- */

static void
write_jpeg (const char *path,
            int         components,
            gboolean    progressive,
            J_COLOR_SPACE space)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr errors;
  FILE *f = fopen (path, "wb");
  g_autofree JSAMPLE *row = g_malloc ((gsize) W * components);
  const char *comment = "Titan 80-300, 20 Mx";

  cinfo.err = jpeg_std_error (&errors);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, f);
  cinfo.image_width = W;
  cinfo.image_height = H;
  cinfo.input_components = components;
  cinfo.in_color_space = space;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, 100, TRUE);
  if (progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  jpeg_write_marker (&cinfo, JPEG_COM, (const JOCTET *) comment, strlen (comment));
  while (cinfo.next_scanline < H)
    {
      guint y = cinfo.next_scanline;
      JSAMPROW rows[1] = { row };
      for (guint x = 0; x < W; x++)
        for (int c = 0; c < components; c++)
          /* Smooth, so quality 100 keeps each value within a few levels. */
          row[x * components + c] = (JSAMPLE) (40 + 3 * x + 2 * y + 20 * c);
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (f);
}

static void
test_jpeg (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  static const struct { int components; gboolean progressive; } cases[] = {
    { 1, FALSE }, { 1, TRUE }, { 3, FALSE }, { 3, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/photo-%u.jpg", dir, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;
      int n = cases[i].components;

      write_jpeg (path, n, cases[i].progressive, n == 1 ? JCS_GRAYSCALE : JCS_RGB);
      image = al_image_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (image->format, ==, "JPEG");
      g_assert_cmpstr (image->dtype, ==, "uint8");
      g_assert_cmpuint (image->width, ==, W);
      g_assert_cmpuint (image->height, ==, H);
      g_assert_null (image->unit);
      g_assert_cmpstr (al_image_get_metadata (image, "JPEG.comment"), ==, "Titan 80-300, 20 Mx");
      for (guint y = 0; y < H; y++)
        for (guint x = 0; x < W; x++)
          {
            double base = 40 + 3 * x + 2 * y;
            double want = n == 1 ? base : luma (base, base + 20, base + 40);
            /* Lossy even at quality 100: a few levels of rounding. */
            g_assert_cmpfloat_with_epsilon (image->pixels[y * W + x], want, 3.0);
          }
    }
  al_test_rmdir (dir);
}

/* Hostile files ------------------------------------------------------------ */

static void
expect_error (const char *path,
              int         code,
              const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_image_load (path, &error);

  g_assert_null (image);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (error->domain == AL_IO_ERROR);
  if (code >= 0)
    g_assert_cmpint (error->code, ==, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_png_hostile (void)
{
  PngCase c = { "grey16", PNG_COLOR_TYPE_GRAY, 16, FALSE };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "ok.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.png", NULL);
  g_autofree guint8 *contents = NULL;
  gsize n;
  guint32 crc;

  write_png (path, &c);
  g_assert_true (g_file_get_contents (path, (char **) &contents, &n, NULL));

  /* Cut inside the pixels. */
  g_assert_true (g_file_set_contents (bad, (char *) contents, (gssize) n - 40, NULL));
  expect_error (bad, AL_IO_ERROR_TRUNCATED, "is cut short");
  /* Cut inside the header. */
  g_assert_true (g_file_set_contents (bad, (char *) contents, 20, NULL));
  expect_error (bad, AL_IO_ERROR_TRUNCATED, "is cut short");

  /* IHDR (bytes 16..28) claiming 60000×60000, with a correct CRC: refused
   * before 14 GB are asked for. */
  contents[16] = contents[20] = 0;
  contents[17] = contents[21] = 0;
  contents[18] = contents[22] = 0xea;
  contents[19] = contents[23] = 0x60;
  crc = crc32 (crc32 (0, NULL, 0), contents + 12, 17);
  contents[29] = crc >> 24;
  contents[30] = crc >> 16;
  contents[31] = crc >> 8;
  contents[32] = crc;
  g_assert_true (g_file_set_contents (bad, (char *) contents, (gssize) n, NULL));
  expect_error (bad, AL_IO_ERROR_CORRUPT, "claims 60000×60000 pixels");

  /* A damaged CRC. */
  contents[32] ^= 0x55;
  g_assert_true (g_file_set_contents (bad, (char *) contents, (gssize) n, NULL));
  expect_error (bad, AL_IO_ERROR_CORRUPT, "damaged PNG file");
  al_test_rmdir (dir);
}

static void
test_jpeg_hostile (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "ok.jpg", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.jpg", NULL);
  g_autofree guint8 *contents = NULL;
  static const guint8 soi_only[] = { 0xff, 0xd8, 0xff, 0xd9 };
  gsize n;

  write_jpeg (path, 3, FALSE, JCS_RGB);
  g_assert_true (g_file_get_contents (path, (char **) &contents, &n, NULL));
  g_assert_true (g_file_set_contents (bad, (char *) contents, (gssize) n - 200, NULL));
  expect_error (bad, AL_IO_ERROR_TRUNCATED, "ends before its image data does");
  g_assert_true (g_file_set_contents (bad, (const char *) soi_only, sizeof soi_only, NULL));
  expect_error (bad, AL_IO_ERROR_CORRUPT, "damaged JPEG file");

  /* 12-bit samples (SOF0's precision byte patched): not for this libjpeg. */
  for (gsize i = 2; i + 4 < n; i++)
    if (contents[i] == 0xff && contents[i + 1] == 0xc0)
      {
        contents[i + 4] = 12;
        break;
      }
  g_assert_true (g_file_set_contents (bad, (char *) contents, (gssize) n, NULL));
  expect_error (bad, AL_IO_ERROR_UNSUPPORTED, "a kind of JPEG AtomLens does not read");

  write_jpeg (path, 4, FALSE, JCS_CMYK);
  expect_error (path, AL_IO_ERROR_UNSUPPORTED, "CMYK");
  al_test_rmdir (dir);
}

/* Seeded damage anywhere in valid files: success or AL_IO_ERROR, never a
 * crash (the fuzz targets do this at length). */
/* Readers without a frame window: al_image_load_frames keeps the range. */
static void
test_load_frames_whole (void)
{
  PngCase c = { "grey8", PNG_COLOR_TYPE_GRAY, 8, FALSE };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "one.png", NULL);
  g_autoptr (AlImage) image = NULL;
  g_autoptr (GError) error = NULL;

  write_png (path, &c);
  image = al_image_load_frames (path, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->n_frames, ==, 1);
  g_assert_cmpstr (image->format, ==, "PNG");
  g_clear_pointer (&image, al_image_free);
  image = al_image_load_frames (path, 1, 0, &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED);
  al_test_rmdir (dir);
}

static void
test_random_damage (void)
{
  PngCase c = { "rgb8", PNG_COLOR_TYPE_RGB, 8, TRUE };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *png_path = g_build_filename (dir, "ok.png", NULL);
  g_autofree char *jpeg_path = g_build_filename (dir, "ok.jpg", NULL);
  g_autofree char *bad = g_build_filename (dir, "bad.bin", NULL);
  const char *paths[2] = { png_path, jpeg_path };
  GRand *rand = g_rand_new_with_seed (3);

  write_png (png_path, &c);
  write_jpeg (jpeg_path, 3, TRUE, JCS_RGB);
  for (guint p = 0; p < 2; p++)
    {
      g_autofree guint8 *contents = NULL;
      gsize n;
      g_assert_true (g_file_get_contents (paths[p], (char **) &contents, &n, NULL));
      for (guint trial = 0; trial < 200; trial++)
        {
          g_autofree guint8 *copy = g_memdup2 (contents, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = NULL;
          for (guint k = 0; k < 3; k++)
            copy[g_rand_int_range (rand, 2, (gint32) n)] = (guint8) g_rand_int_range (rand, 0, 256);
          g_assert_true (g_file_set_contents (bad, (char *) copy, (gssize) n, NULL));
          image = al_image_load (bad, &error);
          g_assert_true (image != NULL || error->domain == AL_IO_ERROR);
        }
    }
  g_rand_free (rand);
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (png_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/core/io/png/%s", png_cases[i].name);
      g_test_add_data_func (name, &png_cases[i], test_png);
    }
  g_test_add_func ("/core/io/png/hostile", test_png_hostile);
  g_test_add_func ("/core/io/jpeg/kinds", test_jpeg);
  g_test_add_func ("/core/io/jpeg/hostile", test_jpeg_hostile);
  g_test_add_func ("/core/io/png-jpeg/load-frames", test_load_frames_whole);
  g_test_add_func ("/core/io/png-jpeg/random-damage", test_random_damage);
  return g_test_run ();
}
