/* al-image-load.c: choose the reader for a file from its content, open it
 * as a frame source and load frames through it. */
#include "al-io.h"
#include "al-frame-source-private.h"

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
const AlImageReader *
al_io_find_reader (const char *path,
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
  g_autoptr (AlFrameSource) source = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  source = al_frame_source_open (path, error);
  if (source == NULL)
    return NULL;
  /* A reader that decoded everything at open (PNG, JPEG) hands its image
   * over rather than copying it. */
  if (source->whole != NULL && first == 0
      && (n_frames == 0 || n_frames == source->whole->n_frames))
    {
      AlImage *image = g_steal_pointer (&source->whole);
      g_free (image->source_path);
      image->source_path = g_strdup (source->info->source_path);
      g_free (image->format);
      image->format = g_strdup (source->info->format);
      return image;
    }
  return al_frame_source_load (source, first, n_frames, error);
}

AlImage *
al_image_load (const char *path,
               GError    **error)
{
  return al_image_load_frames (path, 0, 0, error);
}

AlFrameSource *
al_frame_source_open (const char *path,
                      GError    **error)
{
  const AlImageReader *reader;
  g_autofree char *name = NULL;
  AlFrameSource *source;

  g_return_val_if_fail (path != NULL, NULL);

  reader = al_io_find_reader (path, error);
  if (reader == NULL)
    return NULL;
  name = g_path_get_basename (path);
  source = al_frame_source_new (name);
  if (!reader->open (source, path, error))
    {
      al_frame_source_free (source);
      return NULL;
    }
  g_assert (source->info != NULL && source->read_frame != NULL);
  if (source->info->source_path == NULL)
    source->info->source_path = g_strdup (path);
  if (source->info->format == NULL)
    source->info->format = g_strdup (reader->format);
  return source;
}
