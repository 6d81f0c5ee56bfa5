/* fuzz-emd.c: libFuzzer target for the EMD reader (Velox and Berkeley
 * layouts; the bytes are opened with HDF5's in-memory driver). Fuzzing
 * reads in-process, to find what crashes libhdf5; the corpus replay in the
 * test suite (AL_FUZZ_REPLAY) goes through the child-process probe, as
 * al_image_load() does, and must never crash. */
#include "io/al-emd.h"

#ifdef AL_FUZZ_REPLAY
#define PROBE TRUE
#else
#define PROBE FALSE
#endif

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = al_emd_load_bytes (data, size, "fuzz.emd", PROBE, &error);

  g_assert ((image == NULL) != (error == NULL));
  g_assert (error == NULL || error->domain == AL_IO_ERROR);
  return 0;
}
