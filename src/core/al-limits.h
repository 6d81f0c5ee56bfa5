/* al-limits.h: the one memory budget every part of the core keeps to.
 *
 * A file, a network or an analysis that would need more working memory
 * than the budget is refused with AL_ERROR_TOO_LARGE (and a message naming
 * what needed how much) instead of being left to the kernel's OOM killer;
 * stages that can work piece by piece (network tiles, analysis tiles)
 * choose their piece size from it.
 *
 * The readers (io/al-io-budget.c: al_io_get_memory_budget) keep to this
 * same budget. It is, in order: what al_limits_set_memory_budget() set (a
 * command-line option or preference of the caller, a test); the
 * environment variable AL_MEMORY_BUDGET_MB (MiB, or with a unit: "2G",
 * "512M"); or three quarters of the physical memory.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AL_LIMITS_ENV "AL_MEMORY_BUDGET_MB"
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
