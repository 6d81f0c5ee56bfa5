/* test-tiff-bad.c: damaged, truncated, empty, hostile and foreign files
 * give an AL_IO_ERROR that says what is wrong, never a crash, a hang or a
 * huge allocation; `atomlens-cli info` reports a TIFF and fails cleanly on a
 * bad one.
 *
 * Hand-built files (tiff_maker_raw) put the directory before the pixels, as
 * tifffile and most microscope software do, so cutting them cuts pixels.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "al-test.h"
#include "io/al-io.h"
#include "io/al-tiff.h"
#include "tiff-maker.h"

/* The CLI binary, given by meson as the first argument. */
static const char *cli_path;

static char *
save (const char *dir,
      const char *name,
      GBytes     *bytes)
{
  char *path = g_build_filename (dir, name, NULL);
  gsize n;
  const void *data = g_bytes_get_data (bytes, &n);

  g_assert_true (g_file_set_contents (path, data, (gssize) n, NULL));
  return path;
}

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
test_raw_builder (void)
{
  TiffRaw r = { .width = 16, .height = 16, .n_data = 256 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autoptr (GBytes) bytes = tiff_maker_raw (&r);
  g_autofree char *path = save (dir, "ok.tif", bytes);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_image_load (path, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, 16);
  for (guint i = 0; i < 256; i++)
    g_assert_cmpfloat (image->pixels[i], ==, i % 251);
  al_test_rmdir (dir);
}

static void
test_truncated (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  TiffRaw cut = { .width = 16, .height = 16, .n_data = 100 };
  TiffRaw far = { .width = 16, .height = 16, .n_data = 256, .strip_offset = 1000000 };
  TiffRaw no_ifd = { .width = 16, .height = 16, .n_data = 256, .first_ifd = 90000 };
  g_autoptr (GBytes) b1 = tiff_maker_raw (&cut);
  g_autoptr (GBytes) b2 = tiff_maker_raw (&far);
  g_autoptr (GBytes) b3 = tiff_maker_raw (&no_ifd);
  g_autofree char *p1 = save (dir, "cut.tif", b1);
  g_autofree char *p2 = save (dir, "far.tif", b2);
  g_autofree char *p3 = save (dir, "no-ifd.tif", b3);
  g_autoptr (GBytes) header = g_bytes_new_static ("II*\0\x08\0", 6);
  g_autofree char *p4 = save (dir, "header.tif", header);

  expect_error (p1, AL_IO_ERROR_TRUNCATED, "is cut short");
  expect_error (p2, AL_IO_ERROR_TRUNCATED, "page 1 needs bytes up to 1000256");
  expect_error (p3, AL_IO_ERROR_TRUNCATED, "first directory should be at byte 90000");
  expect_error (p4, AL_IO_ERROR_TRUNCATED, "ends inside its TIFF header");
  al_test_rmdir (dir);
}

/* Our writer's files cut anywhere (their directories come last). */
static void
test_truncated_anywhere (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "whole.tif", NULL);
  g_autofree char *cut_path = g_build_filename (dir, "cut.tif", NULL);
  g_autoptr (AlImage) image = al_image_new (33, 21, 3, NULL);
  g_autofree char *contents = NULL;
  gsize n;

  g_assert_true (al_tiff_write (path, image, NULL));
  g_assert_true (g_file_get_contents (path, &contents, &n, NULL));
  for (gsize len = 0; len < n; len += 97)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) back = NULL;
      g_assert_true (g_file_set_contents (cut_path, contents, (gssize) len, NULL));
      back = al_image_load (cut_path, &error);
      g_assert_null (back);
      g_assert_true (error->domain == AL_IO_ERROR);
    }
  al_test_rmdir (dir);
}

static void
test_hostile_sizes (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  /* 60000² bytes claimed by a 400-byte file: refused before allocating. */
  TiffRaw huge = { .width = 60000, .height = 60000, .n_data = 256 };
  TiffRaw packed = { .width = 60000, .height = 60000, .n_data = 256,
                     .compression = COMPRESSION_ADOBE_DEFLATE };
  TiffRaw wide = { .width = 70000, .height = 1, .n_data = 256 };
  TiffRaw complex = { .width = 4, .height = 4, .bits = 64, .n_data = 128,
                      .sample_format = SAMPLEFORMAT_COMPLEXIEEEFP };
  TiffRaw odd_bits = { .width = 4, .height = 4, .bits = 24, .n_data = 48 };
  TiffRaw entries = { .width = 4, .height = 4, .n_data = 16, .n_entries = 0xffff };
  TiffRaw loop = { .width = 4, .height = 4, .n_data = 16, .next_ifd = TIFF_MAKER_RAW_IFD_AT };
  g_autoptr (GBytes) b1 = tiff_maker_raw (&huge);
  g_autoptr (GBytes) b2 = tiff_maker_raw (&packed);
  g_autoptr (GBytes) b3 = tiff_maker_raw (&wide);
  g_autoptr (GBytes) b4 = tiff_maker_raw (&complex);
  g_autoptr (GBytes) b5 = tiff_maker_raw (&odd_bits);
  g_autoptr (GBytes) b6 = tiff_maker_raw (&entries);
  g_autoptr (GBytes) b7 = tiff_maker_raw (&loop);
  g_autofree char *p1 = save (dir, "huge.tif", b1);
  g_autofree char *p2 = save (dir, "packed.tif", b2);
  g_autofree char *p3 = save (dir, "wide.tif", b3);
  g_autofree char *p4 = save (dir, "complex.tif", b4);
  g_autofree char *p5 = save (dir, "odd-bits.tif", b5);
  g_autofree char *p6 = save (dir, "entries.tif", b6);
  g_autofree char *p7 = save (dir, "loop.tif", b7);

  expect_error (p1, AL_IO_ERROR_TRUNCATED, "pixels need 3600000000 bytes");
  expect_error (p2, AL_IO_ERROR_CORRUPT, "claims 60000×60000 pixels");
  expect_error (p3, AL_IO_ERROR_TOO_LARGE, "70000×1 pixels is more than AtomLens reads");
  expect_error (p4, AL_IO_ERROR_NOT_AN_IMAGE, "complex numbers");
  expect_error (p5, AL_IO_ERROR_UNSUPPORTED, "samples AtomLens cannot read");
  expect_error (p6, -1, NULL);
  /* A directory that names itself as the next: libtiff sees the loop and
   * stops, so the file is its one page, read once, without hanging. */
  {
    g_autoptr (AlImage) once = al_image_load (p7, NULL);
    g_assert_nonnull (once);
    g_assert_cmpuint (once->n_frames, ==, 1);
  }
  al_test_rmdir (dir);
}

static void
test_not_tiff (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr (GBytes) text = g_bytes_new_static ("x,y\n1,2\n", 8);
  g_autofree char *p1 = save (dir, "empty.tif", empty);
  g_autofree char *p2 = save (dir, "table.tif", text);
  g_autofree char *p3 = g_build_filename (dir, "absent.tif", NULL);

  expect_error (p1, AL_IO_ERROR_TRUNCATED, "is empty");
  /* The name says TIFF, the content does not: the content wins. */
  expect_error (p2, AL_IO_ERROR_UNSUPPORTED, "not in a format AtomLens reads");
  expect_error (p3, AL_IO_ERROR_NOT_FOUND, NULL);
  expect_error (dir, AL_IO_ERROR_UNSUPPORTED, "folder");
  al_test_rmdir (dir);
}

/* Seeded random damage to valid files of several layouts: every load
 * either succeeds or fails with an AL_IO_ERROR. */
static void
test_random_damage (void)
{
  static const TiffVariant layouts[] = {
    { "uint16", 16, SAMPLEFORMAT_UINT, 1, PHOTOMETRIC_MINISBLACK, 0, 0, FALSE, FALSE, FALSE, 2 },
    { "float32", 32, SAMPLEFORMAT_IEEEFP, 1, PHOTOMETRIC_MINISBLACK, 0, COMPRESSION_ADOBE_DEFLATE,
      TRUE, FALSE, FALSE, 2 },
    { "uint8", 8, SAMPLEFORMAT_UINT, 3, PHOTOMETRIC_RGB, PLANARCONFIG_SEPARATE, COMPRESSION_LZW,
      FALSE, TRUE, TRUE, 1 },
    { "uint8", 8, SAMPLEFORMAT_UINT, 1, PHOTOMETRIC_MINISBLACK, 0, COMPRESSION_PACKBITS, TRUE,
      FALSE, FALSE, 1 },
  };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "layout.tif", NULL);
  g_autofree char *bad = g_build_filename (dir, "damaged.tif", NULL);
  GRand *rand = g_rand_new_with_seed (7);
  guint n_loaded = 0, n_refused = 0;

  for (guint l = 0; l < G_N_ELEMENTS (layouts); l++)
    {
      g_autofree guint8 *contents = NULL;
      gsize n;

      tiff_maker_write (path, &layouts[l], NULL, NULL);
      g_assert_true (g_file_get_contents (path, (char **) &contents, &n, NULL));
      for (guint trial = 0; trial < 150; trial++)
        {
          g_autofree guint8 *copy = g_memdup2 (contents, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = NULL;
          guint n_flips = g_rand_int_range (rand, 1, 8);

          for (guint k = 0; k < n_flips; k++)
            {
              /* Mostly the header and directories, where damage matters. */
              gsize at = g_rand_boolean (rand) ? g_rand_int_range (rand, 0, MIN (n, 512))
                                               : g_rand_int_range (rand, 0, n);
              copy[at] = (guint8) g_rand_int_range (rand, 0, 256);
            }
          g_assert_true (g_file_set_contents (bad, (char *) copy, (gssize) n, NULL));
          image = al_image_load (bad, &error);
          if (image != NULL)
            n_loaded++;
          else
            {
              g_assert_true (error->domain == AL_IO_ERROR);
              n_refused++;
            }
        }
    }
  g_test_message ("%u damaged files loaded, %u refused", n_loaded, n_refused);
  g_assert_cmpuint (n_refused, >, 0);
  g_rand_free (rand);
  al_test_rmdir (dir);
}

static void
test_cli_info (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "series.tif", NULL);
  g_autoptr (AlImage) image = al_image_new (64, 48, 5, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { cli_path, "info", path, NULL };

  al_image_set_calibration (image, 0.025, 0.025, "nm");
  g_assert_true (al_tiff_write (path, image, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "format:      TIFF\n"));
  g_assert_nonnull (strstr (out, "size:        64 × 48 pixels\n"));
  g_assert_nonnull (strstr (out, "frames:      5\n"));
  g_assert_nonnull (strstr (out, "sample type: float32\n"));
  g_assert_nonnull (strstr (out, "pixel size:  0.025 × 0.025 nm\n"));
  g_assert_cmpstr (err, ==, "");
  al_test_rmdir (dir);
}

static void
test_cli_info_bad_file (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  TiffRaw cut = { .width = 16, .height = 16, .n_data = 10 };
  g_autoptr (GBytes) bytes = tiff_maker_raw (&cut);
  g_autofree char *path = save (dir, "cut.tif", bytes);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *argv[] = { cli_path, "info", path, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_cmpstr (out, ==, "");
  /* One line, naming the file and the cause. */
  g_assert_nonnull (strstr (err, "“cut.tif” is cut short"));
  {
    guint n_lines = 0;
    for (const char *p = err; *p != '\0'; p++)
      n_lines += *p == '\n';
    g_assert_cmpuint (n_lines, ==, 1);
  }
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  cli_path = argc > 1 ? argv[1] : NULL;
  g_test_add_func ("/core/io/tiff-bad/raw-builder", test_raw_builder);
  g_test_add_func ("/core/io/tiff-bad/truncated", test_truncated);
  g_test_add_func ("/core/io/tiff-bad/truncated-anywhere", test_truncated_anywhere);
  g_test_add_func ("/core/io/tiff-bad/hostile-sizes", test_hostile_sizes);
  g_test_add_func ("/core/io/tiff-bad/not-tiff", test_not_tiff);
  g_test_add_func ("/core/io/tiff-bad/random-damage", test_random_damage);
  if (cli_path != NULL)
    {
      g_test_add_func ("/core/io/tiff-bad/cli-info", test_cli_info);
      g_test_add_func ("/core/io/tiff-bad/cli-info-bad-file", test_cli_info_bad_file);
    }
  return g_test_run ();
}
