/* al-emd-probe.c: read an EMD file once in a child process first.
 *
 * libhdf5 1.10 (Debian 12) trusts sizes inside a file's object headers:
 * a damaged or crafted file can make it read freed or foreign memory and
 * crash (fuzz-emd found several; tests/fuzz/known-libhdf5). HDF5 is
 * deterministic, so the reader first runs in a forked child; if the child
 * dies from a signal, the file is refused with an error, otherwise the
 * parent reads it for real. The child reads every frame into a single
 * frame buffer (al_emd_probing), so it needs little memory; the price is
 * reading the file twice (the second time from the page cache).
 *
 * The parent holds the HDF5 lock across fork(), so no other thread is
 * inside libhdf5 when the child starts; the child leaves with _exit().
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "al-emd-private.h"

gboolean al_emd_probing = FALSE;

/* The child's exit status when it read the file or cleanly refused it;
 * anything else (a signal, or a sanitizer's exit status) is a crash. */
#define PROBE_READ 0
#define PROBE_REFUSED 42

gboolean
al_emd_probe_in_child (const char   *path,
                       const guint8 *data,
                       gsize         size,
                       const char   *name,
                       GError      **error)
{
  pid_t pid;
  int status = 0;

  pid = fork ();
  if (pid < 0)
    return TRUE;   /* no child: read directly, as without the probe */
  if (pid == 0)
    {
      AlImage *image;
      al_emd_probing = TRUE;
      image = al_emd_read_unlocked (path, data, size, name, NULL);
      _exit (image != NULL ? PROBE_READ : PROBE_REFUSED);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return TRUE;
  if (WIFEXITED (status)
      && (WEXITSTATUS (status) == PROBE_READ || WEXITSTATUS (status) == PROBE_REFUSED))
    return TRUE;
  if (WIFSIGNALED (status))
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                 "“%s” is damaged: reading it crashes the HDF5 library (signal %d)", name,
                 WTERMSIG (status));
  else
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                 "“%s” is damaged: reading it breaks the HDF5 library", name);
  return FALSE;
}
