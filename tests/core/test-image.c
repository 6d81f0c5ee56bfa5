/* test-image.c: AlImage storage, calibration and size limits. */
#include "al-error.h"
#include "al-image.h"

static void
test_new_and_frames (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_image_new (5, 3, 2, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (al_image_frame_samples (image), ==, 15);
  g_assert_true (al_image_frame (image, 1) == image->pixels + 15);
  g_assert_cmpfloat (al_image_frame (image, 1)[14], ==, 0.0f);
  g_assert_cmpstr (image->dtype, ==, "float32");
}

static void
test_too_large (void)
{
  g_autoptr (GError) error = NULL;
  AlImage *image = al_image_new (65536, 65536, 4, &error);

  g_assert_null (image);
  g_assert_error (error, AL_ERROR, AL_ERROR_TOO_LARGE);
  g_clear_error (&error);
  image = al_image_new (0, 10, 1, &error);
  g_assert_null (image);
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
}

static void
test_calibration (void)
{
  g_autoptr (AlImage) image = al_image_new (4, 4, 1, NULL);

  al_image_set_calibration (image, 0.5, 0.5, "Å");
  g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.05, 1e-12);
  al_image_set_calibration (image, 0.002, 0.002, "µm");
  g_assert_cmpfloat_with_epsilon (image->pixel_size, 2.0, 1e-12);
  al_image_set_calibration (image, 0.1, 0.1, "1/nm");
  g_assert_cmpfloat (image->pixel_size, ==, 0.0);
  g_assert_cmpstr (image->unit, ==, "1/nm");
}

static void
test_copy_and_metadata (void)
{
  g_autoptr (AlImage) image = al_image_new (3, 2, 1, NULL);
  g_autoptr (AlImage) copy = NULL;

  image->pixels[4] = 7.5f;
  al_image_set_metadata (image, "Microscope", "Titan");
  al_image_set_calibration (image, 0.02, 0.02, "nm");
  copy = al_image_copy (image);
  g_assert_cmpfloat (copy->pixels[4], ==, 7.5f);
  g_assert_cmpstr (al_image_get_metadata (copy, "Microscope"), ==, "Titan");
  g_assert_cmpfloat (copy->pixel_size, ==, 0.02);
  al_image_set_metadata (image, "Microscope", NULL);
  g_assert_null (al_image_get_metadata (image, "Microscope"));
  g_assert_cmpstr (al_image_get_metadata (copy, "Microscope"), ==, "Titan");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/image/new-and-frames", test_new_and_frames);
  g_test_add_func ("/core/image/too-large", test_too_large);
  g_test_add_func ("/core/image/calibration", test_calibration);
  g_test_add_func ("/core/image/copy-and-metadata", test_copy_and_metadata);
  return g_test_run ();
}
