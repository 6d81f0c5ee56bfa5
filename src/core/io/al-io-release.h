/* al-io-release.h: giving back the pages of a mapped file once a reader
 * has converted them. A stack read through a mapping would otherwise hold
 * the file's pages beside the image's floats (twice the memory for float
 * files); dropped pages stay in the kernel's cache and are read again from
 * the file if touched. Only for read-only file mappings: on other memory
 * MADV_DONTNEED would discard data. */
#pragma once

#include <glib.h>

#ifdef __linux__
#include <sys/mman.h>
#include <unistd.h>
#endif

static inline void
al_io_release_mapped (const void *mapping,
                      gsize       length)
{
#ifdef __linux__
  /* The mapping starts on a page; its length is rounded by the kernel. */
  if (mapping != NULL && length > 0)
    madvise ((void *) mapping, length, MADV_DONTNEED);
#endif
}
