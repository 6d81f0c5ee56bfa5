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

AlImage *
al_image_load (const char *path,
               GError    **error)
{
  guint8 head[AL_IO_SNIFF_BYTES];
  gsize n_head = 0;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);

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
      {
        AlImage *image = readers[i]->load (path, error);
        if (image != NULL)
          {
            if (image->source_path == NULL)
              image->source_path = g_strdup (path);
            if (image->format == NULL)
              image->format = g_strdup (readers[i]->format);
          }
        return image;
      }

  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
               "“%s” is not in a format AtomLens reads (TIFF, DM3/DM4, EMD, SER, MRC, PNG, JPEG)",
               name);
  return NULL;
}
