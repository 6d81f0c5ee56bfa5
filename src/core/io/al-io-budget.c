/* al-io-budget.c: how much memory the readers agree to fill. A request
 * beyond the core's one budget (al-limits.h) is refused with a message
 * before anything is allocated, so a huge or hostile file costs an error,
 * not the process. The readers keep their own error domain and wording
 * (what to read instead); the budget itself is al-limits'. */
#include "al-frame-source.h"

#include "al-limits.h"

#define AL_BYTES_PER_MIB (1024.0 * 1024.0)

gboolean
al_io_check_budget (guint64     bytes,
                    const char *name,
                    const char *what,
                    GError    **error)
{
  guint64 budget = al_limits_get_memory_budget ();

  if (bytes <= budget)
    return TRUE;
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
               "“%s”: reading %s needs %.1f MiB, more than the memory budget of %.1f MiB; "
               "read fewer frames at a time, or raise the budget (" AL_LIMITS_ENV ")",
               name != NULL ? name : "image", what, bytes / AL_BYTES_PER_MIB,
               budget / AL_BYTES_PER_MIB);
  return FALSE;
}
