/* al-progress.c: progress reporting, nestable. A NULL progress is allowed
 * everywhere and reports nothing. */
#include "al-progress.h"

void
al_progress_init (AlProgress     *progress,
                  AlProgressFunc  func,
                  gpointer        user_data)
{
  g_return_if_fail (progress != NULL);
  progress->func = func;
  progress->user_data = user_data;
  progress->start = 0.0;
  progress->span = 1.0;
}

void
al_progress_report (AlProgress *progress,
                    const char *stage,
                    double      fraction)
{
  if (progress == NULL || progress->func == NULL)
    return;
  fraction = CLAMP (fraction, 0.0, 1.0);
  progress->func (stage, progress->start + progress->span * fraction, progress->user_data);
}

/* A progress for a part of the job covering [start, start + span] of this one. */
AlProgress
al_progress_sub (AlProgress *progress,
                 double      start,
                 double      span)
{
  AlProgress sub = { NULL, NULL, 0.0, 1.0 };

  if (progress == NULL)
    return sub;
  sub = *progress;
  sub.start = progress->start + progress->span * start;
  sub.span = progress->span * span;
  return sub;
}
