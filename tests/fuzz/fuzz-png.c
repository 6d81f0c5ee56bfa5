/* fuzz-png.c: libFuzzer target for the PNG reader. Any input must give an
 * image or an AL_IO_ERROR: never a crash, hang or leak. */
#include "io/al-png.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_png_load_bytes (data, size, "fuzz.png", &error);

  g_assert ((image == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == AL_IO_ERROR);
  return 0;
}
