/* test-dm.c: the DigitalMicrograph reader on files built in code (every
 * sample type, both versions and byte orders, stacks, calibration,
 * metadata, thumbnails) and on hostile files (truncated, flipped bytes,
 * huge declared sizes, deep nesting). */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "dm-writer.h"
#include "io/al-dm.h"

#define W 3
#define H 2

/* DM type codes used below. */
#define DM_INT16 2
#define DM_UINT16 4
#define DM_UINT32 5
#define DM_FLOAT32 6
#define DM_INT8 9
#define DM_UINT8 10

static AlImage *
load (GBytes  *bytes,
      GError **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return al_dm_load_bytes (data, size, "test.dm", error);
}

/* Stores v as n bytes in the requested order. */
static void
store (guint8  *p,
       guint64  v,
       guint    n,
       gboolean le)
{
  for (guint i = 0; i < n; i++)
    p[i] = (guint8) (v >> (8 * (le ? i : n - 1 - i)));
}

static GBytes *
build_uint16 (guint    version,
              gboolean le,
              gboolean thumbnail)
{
  guint8 pixels[W * H * 2];
  DmImageSpec spec = { W, H, 0, 10, 2, DM_UINT16, pixels, 0.5, 5.0, 0, "nm", "A", NULL, 200000,
                       thumbnail };

  for (guint i = 0; i < W * H; i++)
    store (pixels + 2 * i, 1000 + 300 * i, 2, le);
  return dm_writer_build (version, le, &spec);
}

static void
test_versions_and_byte_orders (void)
{
  for (guint version = 3; version <= 4; version++)
    for (int le = 0; le <= 1; le++)
      {
        g_autoptr (GBytes) bytes = build_uint16 (version, le, TRUE);
        g_autoptr (GError) error = NULL;
        g_autoptr (AlImage) image = load (bytes, &error);
        g_autofree char *format = g_strdup_printf ("DM%u", version);

        g_assert_no_error (error);
        /* The main image, not the 4×4 thumbnail before it. */
        g_assert_cmpuint (image->width, ==, W);
        g_assert_cmpuint (image->height, ==, H);
        g_assert_cmpuint (image->n_frames, ==, 1);
        g_assert_cmpstr (image->format, ==, format);
        g_assert_cmpstr (image->dtype, ==, "uint16");
        for (guint i = 0; i < W * H; i++)
          g_assert_cmpfloat (image->pixels[i], ==, 1000 + 300 * i);
        /* x 0.5 nm; y 5 Å converted into x's unit. */
        g_assert_cmpstr (image->unit, ==, "nm");
        g_assert_cmpfloat_with_epsilon (image->scale_x, 0.5, 1e-6);
        g_assert_cmpfloat_with_epsilon (image->scale_y, 0.5, 1e-6);
        g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.5, 1e-6);
        g_assert_cmpstr (al_image_get_metadata (image, "Voltage (kV)"), ==, "200");
        g_assert_cmpstr (al_image_get_metadata (image, "Operator"), ==, "Ada");
        g_assert_cmpstr (al_image_get_metadata (image, "Acquisition date"), ==, "1/2/2024");
      }
}

static void
test_sample_types (void)
{
  static const struct { guint code, bytes, element; guint64 raw; double value; const char *name; } cases[] = {
    { 1, 2, DM_INT16, 0xfffe, -2, "int16" },
    { 2, 4, DM_FLOAT32, 0x40490fdb, 3.14159274, "float32" },
    { 6, 1, DM_UINT8, 0xfe, 254, "uint8" },
    { 7, 4, 3, 0xfffffff9, -7, "int32" },
    { 9, 1, DM_INT8, 0x80, -128, "int8" },
    { 10, 2, DM_UINT16, 0xfffe, 65534, "uint16" },
    { 11, 4, DM_UINT32, 0xfffffffe, 4294967294.0, "uint32" },
    { 12, 8, 7, G_GUINT64_CONSTANT (0xc00921fb54442d18), -3.14159265358979, "float64" },
    { 14, 1, DM_UINT8, 7, 1, "bool" },
    { 39, 8, 11, G_GUINT64_CONSTANT (0xfffffffffffffffd), -3, "int64" },
    { 40, 8, 12, 123456789, 123456789, "uint64" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    for (int le = 0; le <= 1; le++)
      {
        guint8 pixels[W * H * 8];
        DmImageSpec spec = { W, H, 0, cases[c].code, cases[c].bytes, cases[c].element, pixels,
                             1, 1, 0, NULL, NULL, NULL, 0, FALSE };
        g_autoptr (GBytes) bytes = NULL;
        g_autoptr (GError) error = NULL;
        g_autoptr (AlImage) image = NULL;

        for (guint i = 0; i < W * H; i++)
          store (pixels + i * cases[c].bytes, cases[c].raw, cases[c].bytes, le);
        bytes = dm_writer_build (4, le, &spec);
        image = load (bytes, &error);
        g_assert_no_error (error);
        g_assert_cmpstr (image->dtype, ==, cases[c].name);
        g_assert_cmpfloat_with_epsilon (image->pixels[W * H - 1], cases[c].value,
                                        fabs (cases[c].value) * 1e-6);
        g_assert_null (image->unit);
      }
}

static void
test_rgb_luminance (void)
{
  /* B, G, R, unused: pure red, pure green, pure blue, white, black, grey. */
  static const guint8 pixels[W * H * 4] = { 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0,
                                            255, 255, 255, 0, 0, 0, 0, 0, 10, 10, 10, 0 };
  static const float expected[W * H] = { 0.299f * 255, 0.587f * 255, 0.114f * 255, 255, 0, 10 };
  DmImageSpec spec = { W, H, 0, 23, 4, DM_UINT32, pixels, 1, 1, 0, NULL, NULL, NULL, 0, FALSE };
  g_autoptr (GBytes) bytes = dm_writer_build (3, TRUE, &spec);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = load (bytes, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < W * H; i++)
    g_assert_cmpfloat_with_epsilon (image->pixels[i], expected[i], 1e-3);
}

static void
test_stack (void)
{
  float pixels[W * H * 4];
  DmImageSpec spec = { W, H, 4, 2, 4, DM_FLOAT32, pixels, 2, 2, 0.25, "pm", "pm", "s", 0, TRUE };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (pixels); i++)
    pixels[i] = i * 0.5f;   /* the test machine is little-endian, as the file says */
  g_assert_cmpint (G_BYTE_ORDER, ==, G_LITTLE_ENDIAN);
  bytes = dm_writer_build (4, TRUE, &spec);
  image = load (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->n_frames, ==, 4);
  g_assert_cmpfloat (al_image_frame (image, 3)[W * H - 1], ==, (4 * W * H - 1) * 0.5f);
  g_assert_cmpstr (image->unit, ==, "pm");
  g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.002, 1e-9);
  g_assert_cmpstr (image->frame_unit, ==, "s");
  g_assert_cmpfloat_with_epsilon (image->frame_scale, 0.25, 1e-7);
}

static void
test_not_images (void)
{
  guint8 pixels[64 * 16] = { 0 };
  struct { guint width, height, code, bytes, element; } cases[] = {
    { 64, 1, 2, 4, DM_FLOAT32 },   /* a spectrum */
    { 2, 2, 3, 8, DM_FLOAT32 },    /* complex64 */
    { 2, 2, 13, 16, 7 },           /* complex128 */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      DmImageSpec spec = { cases[c].width, cases[c].height, 0, cases[c].code, cases[c].bytes,
                           cases[c].element, pixels, 1, 1, 0, NULL, NULL, NULL, 0, FALSE };
      g_autoptr (GBytes) bytes = dm_writer_build (3, TRUE, &spec);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = load (bytes, &error);

      g_assert_null (image);
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE);
    }
}

/* Loading must fail cleanly (or, for a harmless change, succeed). */
static void
assert_fails_or_loads (const guint8 *data,
                       gsize         size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_dm_load_bytes (data, size, "hostile.dm", &error);

  g_assert_true ((image == NULL) != (error == NULL));
  if (error != NULL)
    g_assert_true (error->domain == AL_IO_ERROR);
}

static void
test_truncated_everywhere (void)
{
  for (guint version = 3; version <= 4; version++)
    {
      g_autoptr (GBytes) bytes = build_uint16 (version, TRUE, TRUE);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      /* The last 8 bytes are padding; every shorter file lacks a tag. */
      for (gsize n = 0; n + 8 < size; n++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = al_dm_load_bytes (copy, n, "cut.dm", &error);
          g_assert_null (image);
          g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
        }
    }
}

static void
test_truncation_message (void)
{
  g_autoptr (GBytes) bytes = build_uint16 (4, TRUE, FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  const guint8 *data_tag;
  gsize cut;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  g_autofree char *expected = NULL;

  /* The tag named "Data" (name length 4, not "ImageData"); DM4 has the
   * tag's 8-byte size between its name and '%%%%'. */
  data_tag = memmem (data, size, "\0\4Data", 6);
  g_assert_nonnull (data_tag);
  cut = (gsize) (data_tag - data) + 6 + 8 + 4 + 8 * 4 + 3;   /* inside the pixel array */
  image = al_dm_load_bytes (data, cut, "cut.dm4", &error);
  expected = g_strdup_printf ("DM4 file ends inside tag 'Data' at byte %" G_GSIZE_FORMAT, cut);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
  g_assert_cmpstr (error->message, ==, expected);
}

static void
test_flipped_bytes (void)
{
  for (guint version = 3; version <= 4; version++)
    {
      g_autoptr (GBytes) bytes = build_uint16 (version, version == 3, TRUE);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);
      g_autofree guint8 *copy = g_memdup2 (data, size);

      for (gsize i = 0; i < size; i++)
        for (guint m = 0; m < 3; m++)
          {
            static const guint8 masks[] = { 0xff, 0x80, 0x01 };
            copy[i] ^= masks[m];
            assert_fails_or_loads (copy, size);
            copy[i] ^= masks[m];
          }
    }
}

/* Overwrites the big-endian count right after the first occurrence of
 * `name` + skip bytes. */
static void
poke_be (guint8     *data,
         gsize       size,
         const char *name,
         gsize       skip,
         guint64     value,
         guint       n)
{
  g_autofree char *key = g_strdup_printf ("%c%s", (char) strlen (name), name);
  /* The name with its length byte before it, so "Data" is not "ImageData". */
  guint8 *p = memmem (data, size, key, strlen (key));

  g_assert_nonnull (p);
  p += strlen (key) + skip;
  for (guint i = 0; i < n; i++)
    p[i] = (guint8) (value >> (8 * (n - 1 - i)));
}

static void
test_huge_sizes (void)
{
  g_autoptr (GBytes) bytes = build_uint16 (4, TRUE, FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  static const struct { const char *name; gsize skip; guint64 value; AlIoError code; } cases[] = {
    /* ImageList claims 2^62 tags: the parser stops where the file does. */
    { "ImageList", 8 + 2, G_GUINT64_CONSTANT (1) << 62, AL_IO_ERROR_TRUNCATED },
    /* Data claims 2^61 elements of 2 bytes: more than the file. */
    { "Data", 8 + 4 + 8 + 16, G_GUINT64_CONSTANT (1) << 61, AL_IO_ERROR_TRUNCATED },
    /* 2^63 elements of 2 bytes overflow 64 bits. */
    { "Data", 8 + 4 + 8 + 16, G_GUINT64_CONSTANT (1) << 63, AL_IO_ERROR_CORRUPT },
    /* A type description of 2^40 entries. */
    { "Data", 8 + 4, G_GUINT64_CONSTANT (1) << 40, AL_IO_ERROR_CORRUPT },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;

      poke_be (copy, size, cases[c].name, cases[c].skip, cases[c].value, 8);
      image = al_dm_load_bytes (copy, size, "huge.dm4", &error);
      g_assert_null (image);
      g_assert_error (error, AL_IO_ERROR, (gint) cases[c].code);
    }
}

static void
test_huge_dimensions (void)
{
  g_autoptr (GBytes) bytes = build_uint16 (3, TRUE, FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *copy = g_memdup2 (data, size);
  guint8 *dims = memmem (copy, size, "Dimensions", 10);
  guint8 *first;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  /* The first unnamed tag after Dimensions is x: "%%%%", 1, type 3, value. */
  g_assert_nonnull (dims);
  first = memmem (dims, size - (dims - copy), "%%%%", 4);
  store (first + 4 + 4 + 4, 1000000, 4, TRUE);
  image = al_dm_load_bytes (copy, size, "wide.dm3", &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE);
}

static void
test_deep_nesting (void)
{
  GByteArray *b = g_byte_array_new ();
  static const guint8 header[] = { 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1 };
  static const guint8 group[] = { 0, 0, 0, 0, 0, 1, 20, 0, 0 };
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  gsize size;
  const guint8 *data;

  g_byte_array_append (b, header, sizeof header);
  /* 100000 groups, each the only tag of its parent. */
  for (guint i = 0; i < 100000; i++)
    g_byte_array_append (b, group, sizeof group);
  bytes = g_byte_array_free_to_bytes (b);
  data = g_bytes_get_data (bytes, &size);
  image = al_dm_load_bytes (data, size, "deep.dm3", &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "nested"));
}

/* Real files from ../shared cut at several lengths. */
static void
test_shared_truncated (void)
{
  static const char *const files[] = {
    "data/formats/openNCEM/dmTest_3D_int16_64,65,66.dm4",
    "data/formats/rosettasciio/dm/test_STEM_image.dm3",
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = al_test_shared_path (files[f]);
      g_autofree char *contents = NULL;
      gsize size;

      if (path == NULL)
        return;
      g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
      for (guint k = 0; k < 64; k++)
        {
          gsize n = size * k / 64;
          g_autofree guint8 *copy = g_memdup2 (contents, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = al_dm_load_bytes (copy, n, files[f], &error);
          g_assert_null (image);
          g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
        }
    }
}

/* What rosettasciio's tests assert about these files' metadata. */
static void
test_shared_metadata (void)
{
  static const struct { const char *file, *key, *value; } cases[] = {
    { "test_STEM_image.dm3", "Voltage (kV)", "200" },
    { "test_STEM_image.dm3", "Dwell time (µs)", "3.5" },
    { "test_STEM_image.dm3", "Camera length (mm)", "135" },
    { "test_STEM_image.dm3", "Magnification", "225000" },
    { "test_STEM_image.dm3", "Instrument", "FEI Titan" },
    { "test_STEM_image.dm3", "Acquisition date", "8/8/2016" },
    { "test_diffraction_pattern.dm3", "Exposure (s)", "0.2" },
    { "test_diffraction_pattern.dm3", "Camera length (mm)", "320" },
    { "test_diffraction_pattern.dm3", "Magnification", NULL },
    { "test_diffraction_pattern.dm3", "Instrument", "FEI Tecnai" },
    { "test_dm_image_um_unit.dm3", "Exposure (s)", "0.5" },
    { "test_dm_image_um_unit.dm3", "Magnification", "51" },
    { "test_dm_image_um_unit.dm3", "Voltage (kV)", "200" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *relative = g_build_filename ("data/formats/rosettasciio/dm", cases[c].file,
                                                    NULL);
      g_autofree char *path = al_test_shared_path (relative);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;

      if (path == NULL)
        return;
      image = al_image_load (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (al_image_get_metadata (image, cases[c].key), ==, cases[c].value);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/io/dm/versions-and-byte-orders", test_versions_and_byte_orders);
  g_test_add_func ("/core/io/dm/sample-types", test_sample_types);
  g_test_add_func ("/core/io/dm/rgb-luminance", test_rgb_luminance);
  g_test_add_func ("/core/io/dm/stack", test_stack);
  g_test_add_func ("/core/io/dm/not-images", test_not_images);
  g_test_add_func ("/core/io/dm/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/core/io/dm/truncation-message", test_truncation_message);
  g_test_add_func ("/core/io/dm/flipped-bytes", test_flipped_bytes);
  g_test_add_func ("/core/io/dm/huge-sizes", test_huge_sizes);
  g_test_add_func ("/core/io/dm/huge-dimensions", test_huge_dimensions);
  g_test_add_func ("/core/io/dm/deep-nesting", test_deep_nesting);
  g_test_add_func ("/core/io/dm/shared-truncated", test_shared_truncated);
  g_test_add_func ("/core/io/dm/shared-metadata", test_shared_metadata);
  return g_test_run ();
}
