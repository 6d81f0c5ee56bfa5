/* al-image.c: AlImage storage, calibration and metadata. */
#include "al-image.h"

#include <math.h>
#include <string.h>

#include "al-error.h"

AlImage *
al_image_new (guint    width,
              guint    height,
              guint    n_frames,
              GError **error)
{
  AlImage *image;
  guint64 n_samples;

  if (width == 0 || height == 0 || n_frames == 0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "An image of %u×%u pixels and %u frames is empty", width, height, n_frames);
      return NULL;
    }
  n_samples = (guint64) width * height * n_frames;
  if (width > AL_IMAGE_MAX_SIDE || height > AL_IMAGE_MAX_SIDE || n_samples > AL_IMAGE_MAX_SAMPLES)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "An image of %u×%u pixels and %u frames (%.1f GiB) is larger than AtomLens "
                   "can hold in memory",
                   width, height, n_frames, n_samples * 4.0 / (1 << 30));
      return NULL;
    }

  image = g_new0 (AlImage, 1);
  image->pixels = g_try_malloc0_n (n_samples, sizeof (float));
  if (image->pixels == NULL)
    {
      g_free (image);
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "Not enough memory for an image of %u×%u pixels and %u frames",
                   width, height, n_frames);
      return NULL;
    }
  image->width = width;
  image->height = height;
  image->n_frames = n_frames;
  image->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  image->dtype = g_strdup ("float32");
  return image;
}

AlImage *
al_image_copy (const AlImage *image)
{
  AlImage *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (image != NULL, NULL);

  copy = al_image_new (image->width, image->height, image->n_frames, NULL);
  if (copy == NULL)
    return NULL;
  memcpy (copy->pixels, image->pixels,
          al_image_frame_samples (image) * image->n_frames * sizeof (float));
  copy->scale_x = image->scale_x;
  copy->scale_y = image->scale_y;
  copy->unit = g_strdup (image->unit);
  copy->frame_scale = image->frame_scale;
  copy->frame_unit = g_strdup (image->frame_unit);
  copy->pixel_size = image->pixel_size;
  copy->source_path = g_strdup (image->source_path);
  copy->format = g_strdup (image->format);
  g_free (copy->dtype);
  copy->dtype = g_strdup (image->dtype);
  g_hash_table_iter_init (&iter, image->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->metadata, g_strdup (key), g_strdup (value));
  return copy;
}

void
al_image_free (AlImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image->unit);
  g_free (image->frame_unit);
  g_free (image->source_path);
  g_free (image->format);
  g_free (image->dtype);
  g_hash_table_unref (image->metadata);
  g_free (image);
}

gsize
al_image_frame_samples (const AlImage *image)
{
  return (gsize) image->width * image->height;
}

float *
al_image_frame (AlImage *image,
                guint    frame)
{
  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (frame < image->n_frames, NULL);
  return image->pixels + (gsize) frame * al_image_frame_samples (image);
}

const float *
al_image_frame_const (const AlImage *image,
                      guint          frame)
{
  return al_image_frame ((AlImage *) image, frame);
}

/* Nanometres in one `unit`, or 0 when the unit is not a length we know. */
double
al_unit_to_nm (const char *unit)
{
  static const struct { const char *name; double nm; } units[] = {
    { "nm", 1.0 }, { "A", 0.1 }, { "Å", 0.1 }, { "Å", 0.1 }, { "angstrom", 0.1 },
    { "pm", 1e-3 }, { "um", 1e3 }, { "µm", 1e3 }, { "μm", 1e3 }, { "micron", 1e3 },
    { "mm", 1e6 }, { "m", 1e9 }, { "cm", 1e7 },
  };

  if (unit == NULL)
    return 0.0;
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_ascii_strcasecmp (unit, units[i].name) == 0 || strcmp (unit, units[i].name) == 0)
      return units[i].nm;
  return 0.0;
}

void
al_image_set_calibration (AlImage    *image,
                          double      scale_x,
                          double      scale_y,
                          const char *unit)
{
  double nm;

  g_return_if_fail (image != NULL);
  image->scale_x = scale_x;
  image->scale_y = scale_y;
  g_free (image->unit);
  image->unit = g_strdup (unit);
  nm = al_unit_to_nm (unit);
  image->pixel_size = (isfinite (scale_x) && scale_x > 0.0) ? scale_x * nm : 0.0;
}

void
al_image_set_metadata (AlImage    *image,
                       const char *key,
                       const char *value)
{
  g_return_if_fail (image != NULL && key != NULL);
  if (value == NULL)
    g_hash_table_remove (image->metadata, key);
  else
    g_hash_table_insert (image->metadata, g_strdup (key), g_strdup (value));
}

const char *
al_image_get_metadata (const AlImage *image,
                       const char    *key)
{
  g_return_val_if_fail (image != NULL && key != NULL, NULL);
  return g_hash_table_lookup (image->metadata, key);
}
