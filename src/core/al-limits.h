/* al-limits.h: the one memory budget every part of the core keeps to.
 *
 * A file, a network or an analysis that would need more working memory
 * than the budget is refused with AL_ERROR_TOO_LARGE (and a message naming
 * what needed how much) instead of being left to the kernel's OOM killer;
 * stages that can work piece by piece (network tiles, analysis tiles)
 * choose their piece size from it.
 *
 * The readers (io/al-io-budget.c: al_io_check_budget) keep to this same
 * budget. It is, in order: what al_limits_set_memory_budget() set (a
 * command-line option or preference of the caller, a test); the
 * environment variable ATOMLENS_MEMORY_BUDGET (with a unit: "8M", "2G";
 * a plain number is MiB); or three quarters of the physical memory.
 *
 * There is no lower clamp: a budget set by a caller, or by the variable,
 * is taken as it is, however small. The readers' tests keep to 1 MiB on
 * purpose, and a budget too small for one network tile or one analysis
 * tile is refused where it is used, with AL_ERROR_TOO_LARGE, rather than
 * silently raised here.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AL_LIMITS_ENV "ATOMLENS_MEMORY_BUDGET"
/* A small budget (a laptop running several programs): tests and fuzzers
 * check that networks and analyses keep to it. */
#define AL_LIMITS_SMALL_BUDGET ((guint64) 64 << 20)

guint64  al_limits_get_memory_budget (void);
/* Sets the budget for the whole process (0: back to the default).
 * Thread-safe. */
void     al_limits_set_memory_budget (guint64      bytes);
/* Parses "1.5G", "512M", "64k" (binary units) into bytes; a number
 * without a unit is in `default_unit` bytes (1 for bytes, 1 << 20 for MiB). */
gboolean al_limits_parse_size        (const char  *text,
                                      guint64      default_unit,
                                      guint64     *bytes,
                                      GError     **error);
/* TRUE if `bytes` fit the budget; otherwise AL_ERROR_TOO_LARGE saying
 * that `what` (e.g. "the network's weights") needs that much. */
gboolean al_limits_check             (guint64      bytes,
                                      const char  *what,
                                      GError     **error);

G_END_DECLS
