/* fuzz-emd.c: libFuzzer target for the EMD reader (Velox and Berkeley
 * layouts; the bytes are opened with HDF5's in-memory driver). */
#include "io/al-emd.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_emd_load_bytes (data, size, "fuzz.emd", &error);

  g_assert ((image == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == AL_IO_ERROR);
  return 0;
}
