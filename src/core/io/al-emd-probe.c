/* al-emd-probe.c: read an EMD file once in a child process first.
 *
 * libhdf5 1.10 (Debian 12) trusts sizes inside a file's object headers:
 * a damaged or crafted file can make it read freed or foreign memory and
 * crash (fuzz-emd found several; tests/fuzz/known-libhdf5). HDF5 is
 * deterministic, so the reader first runs in a forked child; if the child
 * dies from a signal, the file is refused with an error, otherwise the
 * parent opens it for real and reads frames on demand. The child reads
 * every frame into a single frame buffer, so it needs little memory; the
 * price is reading the file twice (the second time from the page cache).
 *
 * libhdf5 can also loop forever on a damaged global heap, so the child
 * gets a deadline that grows with the file's size (slow disks included);
 * a child past it is killed and the file refused.
 *
 * The parent holds the HDF5 lock across fork(), so no other thread is
 * inside libhdf5 when the child starts; the child leaves with _exit().
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "al-emd-private.h"

/* The child's exit status when it read the file or cleanly refused it;
 * anything else (a signal, or a sanitizer's exit status) is a crash. */
#define PROBE_READ 0
#define PROBE_REFUSED 42
/* The child's deadline: a base, plus the file read at a slow disk's rate. */
#define PROBE_BASE_US (5 * G_USEC_PER_SEC)
#define PROBE_BYTES_PER_S (10.0 * 1024 * 1024)
/* How often the parent looks at the child. */
#define PROBE_POLL_US 2000

static gint64
probe_deadline (const char *path,
                const guint8 *data,
                gsize         size)
{
  GStatBuf st;

  if (data == NULL)
    size = g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
  return g_get_monotonic_time () + PROBE_BASE_US
         + (gint64) (size / PROBE_BYTES_PER_S * G_USEC_PER_SEC);
}

/* Waits for the child until the deadline; FALSE (child killed) past it. */
static gboolean
wait_child (pid_t   pid,
            gint64  deadline,
            int    *status)
{
  for (;;)
    {
      pid_t done = waitpid (pid, status, WNOHANG);
      if (done == pid)
        return TRUE;
      if (done < 0 && errno != EINTR)
        {
          *status = 0;   /* cannot wait: treat as read */
          return TRUE;
        }
      if (g_get_monotonic_time () > deadline)
        {
          kill (pid, SIGKILL);
          while (waitpid (pid, status, 0) < 0 && errno == EINTR)
            ;
          return FALSE;
        }
      g_usleep (PROBE_POLL_US);
    }
}

gboolean
al_emd_probe_in_child (const char   *path,
                       const guint8 *data,
                       gsize         size,
                       const char   *name,
                       GError      **error)
{
  gint64 deadline = probe_deadline (path, data, size);
  pid_t pid;
  int status = 0;

  pid = fork ();
  if (pid < 0)
    return TRUE;   /* no child: read directly, as without the probe */
  if (pid == 0)
    {
      AlEmdFrames *frames = NULL;
      AlImage *info = al_emd_open_unlocked (path, data, size, name, &frames, NULL);
      _exit (info != NULL && al_emd_read_all_unlocked (frames, info) ? PROBE_READ : PROBE_REFUSED);
    }
  if (!wait_child (pid, deadline, &status))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: the HDF5 library does not finish reading it", name);
      return FALSE;
    }
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
