/* al-limits.c: the process-wide memory budget (see al-limits.h). */
#include "al-limits.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "al-error.h"

/* Set by al_limits_set_memory_budget(); 0: not set. Read and written
 * atomically, as workers read it while the app's preference may change. */
static guint64 budget_set;

/* Without a setting, this share of the physical memory: the rest is the
 * desktop's and other programs'. */
#define DEFAULT_SHARE 0.75
/* When the machine cannot be asked for its memory: a small workstation. */
#define FALLBACK_PHYSICAL ((guint64) 4 << 30)

static guint64
physical_memory (void)
{
  long pages = sysconf (_SC_PHYS_PAGES), page = sysconf (_SC_PAGESIZE);

  if (pages <= 0 || page <= 0)
    return FALLBACK_PHYSICAL;
  return (guint64) pages * (guint64) page;
}

static guint64
default_budget (void)
{
  static gsize once = 0;
  static guint64 value;

  if (g_once_init_enter (&once))
    {
      const char *env = g_getenv (AL_LIMITS_ENV);
      guint64 bytes = 0;

      /* A malformed variable falls back to the default: the core never
       * prints (tests/core/test-limits.c checks the fallback). */
      if (env == NULL || !al_limits_parse_size (env, (guint64) 1 << 20, &bytes, NULL))
        bytes = (guint64) (physical_memory () * DEFAULT_SHARE);
      value = bytes;
      g_once_init_leave (&once, 1);
    }
  return value;
}

guint64
al_limits_get_memory_budget (void)
{
  guint64 set = __atomic_load_n (&budget_set, __ATOMIC_RELAXED);

  return set > 0 ? set : default_budget ();
}

void
al_limits_set_memory_budget (guint64 bytes)
{
  __atomic_store_n (&budget_set, bytes, __ATOMIC_RELAXED);
}

gboolean
al_limits_parse_size (const char *text,
                      guint64     default_unit,
                      guint64    *bytes,
                      GError    **error)
{
  double value, scale = (double) default_unit;
  char *end;

  g_return_val_if_fail (text != NULL && bytes != NULL, FALSE);
  errno = 0;
  value = g_ascii_strtod (text, &end);
  switch (g_ascii_toupper (*end))
    {
    case 'K': scale = 1024.0; end++; break;
    case 'M': scale = 1024.0 * 1024; end++; break;
    case 'G': scale = 1024.0 * 1024 * 1024; end++; break;
    case 'T': scale = 1024.0 * 1024 * 1024 * 1024; end++; break;
    default: break;
    }
  if (g_ascii_toupper (*end) == 'B' || (*end == 'i' && g_ascii_toupper (end[1]) == 'B'))
    end += *end == 'i' ? 2 : 1;
  if (end == text || *end != '\0' || errno != 0 || !isfinite (value) || value * scale < 1
      || value * scale >= 0x1p63)
    return g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                        "“%s” is not a memory size (examples: 512M, 2G)", text),
           FALSE;
  *bytes = (guint64) (value * scale);
  return TRUE;
}

gboolean
al_limits_check (guint64     bytes,
                 const char *what,
                 GError    **error)
{
  guint64 budget = al_limits_get_memory_budget ();

  if (bytes <= budget)
    return TRUE;
  return g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                      "%s would need %.0f MiB of memory, more than the memory budget of %.0f MiB "
                      "(raise it with the environment variable %s, e.g. %s=8G)",
                      what, bytes / 1048576.0, budget / 1048576.0, AL_LIMITS_ENV, AL_LIMITS_ENV),
         FALSE;
}
