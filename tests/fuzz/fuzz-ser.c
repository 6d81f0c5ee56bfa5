/* fuzz-ser.c: libFuzzer target for the TIA SER reader and the EMI
 * metadata parser (the same bytes are given to both). */
#include "io/al-ser.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_ser_load_bytes (data, size, "fuzz_1.ser", &error);
  g_autoptr (AlImage) holder = al_image_new (1, 1, 1, NULL);

  g_assert ((image == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == AL_IO_ERROR);
  al_emi_read_metadata (data, size, holder);
  return 0;
}
