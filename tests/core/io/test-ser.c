/* test-ser.c: the TIA SER reader on series built in code (both header
 * versions, stacks, calibration, row order), its EMI metadata, and hostile
 * files (truncated, flipped bytes, huge counts and sizes). */
#include <string.h>

#include "al-test.h"
#include "io/al-ser.h"
#include "ser-writer.h"

#define W 5
#define H 3

static AlImage *
load (GBytes  *bytes,
      GError **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  return al_ser_load_bytes (data, size, "test.ser", error);
}

static void
test_series (void)
{
  for (int wide = 0; wide <= 1; wide++)
    for (guint n_frames = 1; n_frames <= 3; n_frames += 2)
      {
        g_autoptr (GBytes) bytes = ser_writer_build (wide, W, H, n_frames, 2.5e-10, FALSE);
        g_autoptr (GError) error = NULL;
        g_autoptr (AlImage) image = load (bytes, &error);

        g_assert_no_error (error);
        g_assert_cmpuint (image->width, ==, W);
        g_assert_cmpuint (image->height, ==, H);
        g_assert_cmpuint (image->n_frames, ==, n_frames);
        g_assert_cmpstr (image->format, ==, "SER");
        g_assert_cmpstr (image->dtype, ==, "float32");
        /* Top row first in AtomLens, whatever order TIA stores. */
        for (guint f = 0; f < n_frames; f++)
          for (guint i = 0; i < W * H; i++)
            g_assert_cmpfloat (al_image_frame (image, f)[i], ==, f * 1000 + i);
        g_assert_cmpstr (image->unit, ==, "nm");
        g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.25, 1e-12);
        if (n_frames > 1)
          {
            g_assert_cmpfloat (image->frame_scale, ==, 1.0);
            g_assert_null (image->frame_unit);
          }
      }
}

static void
test_spectra_refused (void)
{
  g_autoptr (GBytes) bytes = ser_writer_build (TRUE, 64, 1, 2, 0.1, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = load (bytes, &error);

  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE);
  g_assert_nonnull (strstr (error->message, "spectra"));
}

static void
test_emi_metadata (void)
{
  static const char emi[] =
    "\x01\x02 binary junk <ObjectInfo><ExperimentalConditions><MicroscopeConditions>"
    "<AcceleratingVoltage>300000.0</AcceleratingVoltage></MicroscopeConditions>"
    "</ExperimentalConditions><ExperimentalDescription><Root>"
    "<Data><Label>Microscope</Label><Value>Titan 80-300</Value><Unit></Unit></Data>"
    "<Data><Label>High tension</Label><Value>300</Value><Unit>kV</Unit></Data>"
    "<Data><Label>Magnification</Label><Value>910000</Value><Unit>x</Unit></Data>"
    "<Data><Label>Camera length</Label><Value>0.091</Value><Unit>m</Unit></Data>"
    "</Root></ExperimentalDescription><AcquireDate>Tue Oct 18 18:18:46 2011</AcquireDate>"
    "<AcquireInfo><DwellTimePath>0.000012</DwellTimePath></AcquireInfo></ObjectInfo> more";
  g_autoptr (AlImage) image = al_image_new (1, 1, 1, NULL);

  al_emi_read_metadata ((const guint8 *) emi, sizeof emi - 1, image);
  g_assert_cmpstr (al_image_get_metadata (image, "Voltage (kV)"), ==, "300");
  g_assert_cmpstr (al_image_get_metadata (image, "High tension [kV]"), ==, "300");
  g_assert_cmpstr (al_image_get_metadata (image, "Instrument"), ==, "Titan 80-300");
  g_assert_cmpstr (al_image_get_metadata (image, "Magnification"), ==, "910000");
  g_assert_cmpstr (al_image_get_metadata (image, "Camera length (mm)"), ==, "91");
  g_assert_cmpstr (al_image_get_metadata (image, "Dwell time (µs)"), ==, "12");
  g_assert_cmpstr (al_image_get_metadata (image, "Acquisition date"), ==,
                   "Tue Oct 18 18:18:46 2011");
}

static void
test_emi_damaged (void)
{
  static const char *const damaged[] = {
    "<ObjectInfo><Data><Label>User</Label><Value>A</Value>",          /* no end */
    "<ObjectInfo><Data><Label>User</Label><Value>A</Unit></Data></ObjectInfo>",
    "<ObjectInfo>\xff\xfe<AcquireDate>x</AcquireDate></ObjectInfo>",  /* not UTF-8 */
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (damaged); i++)
    {
      g_autoptr (AlImage) image = al_image_new (1, 1, 1, NULL);
      al_emi_read_metadata ((const guint8 *) damaged[i], strlen (damaged[i]), image);
      g_assert_null (al_image_get_metadata (image, "Operator"));
    }
}

/* The EMI partner is found beside a real series: NAME_1.ser → NAME.emi. */
static void
test_emi_partner (void)
{
  g_autofree char *path = al_test_shared_path ("data/formats/openNCEM/16_STOimage_1.ser");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  if (path == NULL)
    return;
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  /* What ncempy's test asserts about this file's EMI. */
  g_assert_cmpstr (al_image_get_metadata (image, "High tension [kV]"), ==, "80");
  g_assert_cmpstr (al_image_get_metadata (image, "Voltage (kV)"), ==, "80");
  g_assert_cmpstr (al_image_get_metadata (image, "Magnification"), ==, "13500000");
}

static void
test_truncated_everywhere (void)
{
  for (int wide = 0; wide <= 1; wide++)
    {
      g_autoptr (GBytes) bytes = ser_writer_build (wide, W, H, 3, 1e-10, FALSE);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);

      for (gsize n = 0; n < size; n++)
        {
          g_autofree guint8 *copy = g_memdup2 (data, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = al_ser_load_bytes (copy, n, "cut.ser", &error);
          g_assert_null (image);
          /* Below 4 bytes the magic itself is missing. */
          if (n >= 4)
            g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
          else
            g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED);
        }
    }
}

static void
test_flipped_bytes (void)
{
  static const guint8 masks[] = { 0xff, 0x80, 0x01 };

  for (int wide = 0; wide <= 1; wide++)
    {
      g_autoptr (GBytes) bytes = ser_writer_build (wide, W, H, 2, 1e-10, FALSE);
      gsize size;
      const guint8 *data = g_bytes_get_data (bytes, &size);
      g_autofree guint8 *copy = g_memdup2 (data, size);

      for (gsize i = 0; i < size; i++)
        for (guint m = 0; m < G_N_ELEMENTS (masks); m++)
          {
            g_autoptr (GError) error = NULL;
            g_autoptr (AlImage) image = NULL;
            copy[i] ^= masks[m];
            image = al_ser_load_bytes (copy, size, "flipped.ser", &error);
            g_assert_true ((image == NULL) != (error == NULL));
            copy[i] ^= masks[m];
          }
    }
}

static void
store_u32 (guint8 *p,
           guint32 v)
{
  for (guint i = 0; i < 4; i++)
    p[i] = (guint8) (v >> (8 * i));
}

static void
test_huge_counts (void)
{
  g_autoptr (GBytes) bytes = ser_writer_build (FALSE, W, H, 1, 1e-10, FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  /* Byte offsets in an old-version file: element counts at 14 and 18;
   * the first element (after a 4-byte offset and tag offset) is 2D with
   * width at +42 and height at +46. */
  guint32 element_at = data[22] | data[23] << 8;
  static const struct { int field; guint32 value; AlIoError code; } cases[] = {
    { 0, 0xffffffff, AL_IO_ERROR_CORRUPT },     /* more valid elements than the file's 1 */
    { 1, 65536, AL_IO_ERROR_TRUNCATED },        /* width 65536: pixels past the end */
    { 1, 70000, AL_IO_ERROR_TOO_LARGE },        /* wider than AtomLens reads */
    { 2, 0, AL_IO_ERROR_CORRUPT },              /* height 0 */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, size);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;
      guint32 first = copy[element_at] | copy[element_at + 1] << 8;

      if (cases[c].field == 0)
        {
          store_u32 (copy + 14, cases[c].value);
          store_u32 (copy + 18, cases[c].value - 1);
        }
      else
        store_u32 (copy + first + (cases[c].field == 1 ? 42 : 46), cases[c].value);
      image = al_ser_load_bytes (copy, size, "huge.ser", &error);
      g_assert_null (image);
      g_assert_error (error, AL_IO_ERROR, (gint) cases[c].code);
    }
}

/* A series that claims more frames than its file holds is refused before
 * the frames are allocated. */
static void
test_many_frames_small_file (void)
{
  g_autoptr (GBytes) bytes = ser_writer_build (TRUE, W, H, 2, 1e-10, FALSE);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  store_u32 (copy + 14, 1u << 24);
  store_u32 (copy + 18, 1u << 24);
  image = al_ser_load_bytes (copy, size, "many.ser", &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
}

static void
test_shared_truncated (void)
{
  static const char *const files[] = {
    "data/formats/rosettasciio/tia/64x64x5_TEM_preview_1.ser",
    "data/formats/rosettasciio/tia/128x128-TEM_search_1.ser",
  };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = al_test_shared_path (files[f]);
      g_autofree char *contents = NULL;
      gsize size;

      if (path == NULL)
        return;
      g_assert_true (g_file_get_contents (path, &contents, &size, NULL));
      for (guint k = 1; k < 64; k++)
        {
          gsize n = size * k / 64;
          g_autofree guint8 *copy = g_memdup2 (contents, n);
          g_autoptr (GError) error = NULL;
          g_autoptr (AlImage) image = al_ser_load_bytes (copy, n, files[f], &error);
          g_assert_null (image);
          g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/io/ser/series", test_series);
  g_test_add_func ("/core/io/ser/spectra-refused", test_spectra_refused);
  g_test_add_func ("/core/io/ser/emi-metadata", test_emi_metadata);
  g_test_add_func ("/core/io/ser/emi-damaged", test_emi_damaged);
  g_test_add_func ("/core/io/ser/emi-partner", test_emi_partner);
  g_test_add_func ("/core/io/ser/truncated-everywhere", test_truncated_everywhere);
  g_test_add_func ("/core/io/ser/flipped-bytes", test_flipped_bytes);
  g_test_add_func ("/core/io/ser/huge-counts", test_huge_counts);
  g_test_add_func ("/core/io/ser/many-frames-small-file", test_many_frames_small_file);
  g_test_add_func ("/core/io/ser/shared-truncated", test_shared_truncated);
  return g_test_run ();
}
