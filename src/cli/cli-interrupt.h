/* cli-interrupt.h: Ctrl+C (SIGINT) and SIGTERM during a long command:
 * the first cancels a GCancellable, so the workers stop at their next
 * check and the command exits non-zero without writing; its outputs are
 * written into a hidden staging folder inside the output folder and moved
 * into place only when everything is written, so an interrupted or failed
 * run leaves the folder as it was.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The exit status of a command stopped by SIGINT (128 + the signal, as a
 * shell reports it). */
#define AL_CLI_EXIT_INTERRUPTED 130

typedef struct _AlCliInterrupt AlCliInterrupt;

/* Watches SIGINT and SIGTERM (in a thread of its own) until stopped;
 * the first cancels `cancellable`. */
AlCliInterrupt *al_cli_interrupt_watch    (GCancellable   *cancellable);
/* Stops watching (the signals' default action comes back). */
void            al_cli_interrupt_stop     (AlCliInterrupt *watch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlCliInterrupt, al_cli_interrupt_stop)

/* A new hidden folder inside out_dir (created if missing) for the outputs. */
char           *al_cli_staging_new        (const char     *out_dir,
                                           GError        **error);
/* Moves every file of `staging` into out_dir (each by a rename, so a
 * reader never sees half a file) and removes `staging`. */
gboolean        al_cli_staging_commit     (const char     *staging,
                                           const char     *out_dir,
                                           GError        **error);
/* Removes `staging` and what is in it. */
void            al_cli_staging_discard    (const char     *staging);

G_END_DECLS
