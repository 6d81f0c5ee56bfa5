/* al-io-budget.c: how much memory the readers agree to fill. A request
 * beyond the budget is refused with a message before anything is
 * allocated, so a huge or hostile file costs an error, not the process. */
#include "al-frame-source.h"

#include <unistd.h>

#define AL_BYTES_PER_MIB (1024.0 * 1024.0)
/* Without a setting, the readers may use this share of physical memory. */
#define AL_IO_BUDGET_SHARE 0.75
/* When the machine's memory cannot be asked: 4 GiB. */
#define AL_IO_BUDGET_FALLBACK (G_GUINT64_CONSTANT (4) << 30)

static guint64 budget_set;   /* 0: the default; read and written atomically (GCC/Clang builtins) */

static guint64
default_budget (void)
{
  static gsize once = 0;
  static guint64 value;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv ("AL_MEMORY_BUDGET_MB");
      long pages = sysconf (_SC_PHYS_PAGES), page_size = sysconf (_SC_PAGESIZE);
      guint64 mib = env != NULL ? g_ascii_strtoull (env, NULL, 10) : 0;

      if (mib > 0)
        value = mib << 20;
      else if (pages > 0 && page_size > 0)
        value = (guint64) ((double) pages * page_size * AL_IO_BUDGET_SHARE);
      else
        value = AL_IO_BUDGET_FALLBACK;
      g_once_init_leave (&once, 1);
    }
  return value;
}

guint64
al_io_get_memory_budget (void)
{
  guint64 set = __atomic_load_n (&budget_set, __ATOMIC_RELAXED);

  return set > 0 ? set : default_budget ();
}

void
al_io_set_memory_budget (guint64 bytes)
{
  __atomic_store_n (&budget_set, bytes, __ATOMIC_RELAXED);
}

gboolean
al_io_check_budget (guint64     bytes,
                    const char *name,
                    const char *what,
                    GError    **error)
{
  guint64 budget = al_io_get_memory_budget ();

  if (bytes <= budget)
    return TRUE;
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
               "“%s”: reading %s needs %.1f MiB, more than the memory budget of %.1f MiB; "
               "read fewer frames at a time, or raise the budget (AL_MEMORY_BUDGET_MB)",
               name != NULL ? name : "image", what, bytes / AL_BYTES_PER_MIB,
               budget / AL_BYTES_PER_MIB);
  return FALSE;
}
