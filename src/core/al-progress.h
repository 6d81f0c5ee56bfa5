/* al-progress.h: how long work reports how far it got.
 *
 * A stage calls al_progress_report() between units of work (tiles, frames,
 * stages). The callback runs in the worker thread; the app hands it a
 * function that stores the value under a mutex and lets one idle on the main
 * thread show it, so the core never touches the UI.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef void (*AlProgressFunc) (const char *stage,
                                double      fraction,
                                gpointer    user_data);

typedef struct
{
  AlProgressFunc func;
  gpointer       user_data;
  /* Sub-range of the whole job this piece of work covers, so nested stages
   * report into their share of one bar. */
  double         start;
  double         span;
} AlProgress;

void       al_progress_init   (AlProgress     *progress,
                               AlProgressFunc  func,
                               gpointer        user_data);
void       al_progress_report (AlProgress     *progress,
                               const char     *stage,
                               double          fraction);
AlProgress al_progress_sub    (AlProgress     *progress,
                               double          start,
                               double          span);

G_END_DECLS
