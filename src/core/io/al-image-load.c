/* al-image-load.c: choose the reader for a file from its content. */
#include "al-io.h"

#include "al-dm.h"
#include "al-tiff.h"
#include "al-ser.h"
#include "al-mrc.h"
#include "al-emd.h"
#include "al-png.h"
#include "al-jpeg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK (al-io-error-quark, al_io_error)

/* Each reader's table entry lives beside its code. */
static const AlImageReader *const readers[] = {
  &al_dm_reader,
  &al_tiff_reader,
  &al_ser_reader,
  &al_mrc_reader,
  &al_emd_reader,
  &al_png_reader,
  &al_jpeg_reader,
};

static gboolean
read_head (const char *path,
           guint8     *head,
           gsize      *n_head,
           GError    **error)
{
  FILE *f = fopen (path, "rb");

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND,
                   "Cannot open “%s”: %s", path, g_strerror (saved));
      return FALSE;
    }
  *n_head = fread (head, 1, AL_IO_SNIFF_BYTES, f);
  fclose (f);
  return TRUE;
}

/* The reader for `path`, from its first bytes. */
static const AlImageReader *
find_reader (const char *path,
             GError    **error)
{
  guint8 head[AL_IO_SNIFF_BYTES];
  gsize n_head = 0;
  g_autofree char *name = NULL;

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED, "“%s” is a folder, not an image", path);
      return NULL;
    }
  if (!read_head (path, head, &n_head, error))
    return NULL;
  name = g_path_get_basename (path);
  if (n_head == 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "“%s” is empty", name);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    if (readers[i] != NULL && readers[i]->sniff (head, n_head, path))
      return readers[i];

  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
               "“%s” is not in a format AtomLens reads (TIFF, DM3/DM4, EMD, SER, MRC, PNG, JPEG)",
               name);
  return NULL;
}

/* For readers that read every frame: a new image of frames
 * [first, first + n_frames) of `image`, which is freed. */
static AlImage *
keep_frames (AlImage    *image,
             guint       first,
             guint       n_frames,
             const char *path,
             GError    **error)
{
  g_autoptr (AlImage) all = image;
  AlImage *part;
  GHashTableIter iter;
  gpointer key, value;

  if (!al_io_check_frames (path, all->n_frames, first, &n_frames, error))
    return NULL;
  if (first == 0 && n_frames == all->n_frames)
    return g_steal_pointer (&all);
  part = al_image_new (all->width, all->height, n_frames, NULL);
  if (part == NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE, "Not enough memory for %u frames",
                   n_frames);
      return NULL;
    }
  memcpy (part->pixels, al_image_frame (all, first),
          al_image_frame_samples (all) * n_frames * sizeof (float));
  al_image_set_calibration (part, all->scale_x, all->scale_y, all->unit);
  part->frame_scale = all->frame_scale;
  part->frame_unit = g_strdup (all->frame_unit);
  part->format = g_strdup (all->format);
  g_free (part->dtype);
  part->dtype = g_strdup (all->dtype);
  g_hash_table_iter_init (&iter, all->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    al_image_set_metadata (part, key, value);
  return part;
}

gboolean
al_io_check_frames (const char *path,
                    guint       n_in_file,
                    guint       first,
                    guint      *n_frames,
                    GError    **error)
{
  if (first >= n_in_file || (*n_frames > 0 && *n_frames > n_in_file - first))
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED,
                   "“%s” has %u frames: frames %u to %u do not exist", name, n_in_file, first + 1,
                   *n_frames > 0 ? first + *n_frames : n_in_file);
      return FALSE;
    }
  if (*n_frames == 0)
    *n_frames = n_in_file - first;
  return TRUE;
}

AlImage *
al_image_load_frames (const char *path,
                      guint       first,
                      guint       n_frames,
                      GError    **error)
{
  const AlImageReader *reader;
  AlImage *image;

  g_return_val_if_fail (path != NULL, NULL);

  reader = find_reader (path, error);
  if (reader == NULL)
    return NULL;
  if (reader->load_frames != NULL)
    image = reader->load_frames (path, first, n_frames, error);
  else
    {
      image = reader->load (path, error);
      if (image != NULL && (first > 0 || n_frames > 0))
        image = keep_frames (image, first, n_frames, path, error);
    }
  if (image != NULL)
    {
      if (image->source_path == NULL)
        image->source_path = g_strdup (path);
      if (image->format == NULL)
        image->format = g_strdup (reader->format);
    }
  return image;
}

AlImage *
al_image_load (const char *path,
               GError    **error)
{
  return al_image_load_frames (path, 0, 0, error);
}
