/* al-limits.h: the one memory budget every part of the core keeps to.
 *
 * A file, a network or an analysis that would need more working memory
 * than the budget is refused with AL_ERROR_TOO_LARGE (and a message naming
 * what needed how much) instead of being left to the kernel's OOM killer;
 * stages that can work piece by piece (network tiles, analysis tiles)
 * choose their piece size from it.
 *
 * The budget is, in order: what al_limits_set_memory_budget() set (a
 * command-line option or preference of the caller); the environment variable
 * ATOMLENS_MEMORY_BUDGET ("2G", "512M", "65536K" or bytes); or half of the
 * physical memory, at least AL_LIMITS_MIN_BUDGET.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AL_LIMITS_ENV "ATOMLENS_MEMORY_BUDGET"
/* The smallest budget accepted: below it not even a small image and one
 * network tile fit. */
#define AL_LIMITS_MIN_BUDGET ((guint64) 64 << 20)

guint64  al_limits_get_memory_budget (void);
/* Sets the budget for the whole process (0: back to the default); values
 * under AL_LIMITS_MIN_BUDGET are raised to it. Thread-safe. */
void     al_limits_set_memory_budget (guint64      bytes);
/* Parses "1.5G", "512M", "64k", "123456" (binary units) into bytes. */
gboolean al_limits_parse_size        (const char  *text,
                                      guint64     *bytes,
                                      GError     **error);
/* TRUE if `bytes` fit the budget; otherwise AL_ERROR_TOO_LARGE saying
 * that `what` (e.g. "the network's weights") needs that much. */
gboolean al_limits_check             (guint64      bytes,
                                      const char  *what,
                                      GError     **error);

G_END_DECLS
