/* al-background.c: heavy work on a thread of lower CPU priority (see
 * al-background.h). */
#include "al-background.h"

#include <errno.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/syscall.h>
#endif

#define NICE_MAX 19

typedef struct
{
  GThreadFunc func;
  gpointer    data;
} BackgroundJob;

/* On Linux the nice value belongs to each thread (setpriority on its thread
 * id), and a thread starts with its creator's: the core's own worker
 * threads follow. Elsewhere the call would renice the whole process, so
 * it is left out. */
void
al_background_lower_priority (void)
{
#ifdef __linux__
  static _Thread_local gboolean lowered;
  pid_t tid = (pid_t) syscall (SYS_gettid);
  int now = al_background_thread_nice ();

  if (lowered)
    return;
  lowered = TRUE;
  /* A failure leaves the thread at its caller's priority: harmless. */
  (void) setpriority (PRIO_PROCESS, (id_t) tid, MIN (now + AL_BACKGROUND_NICE, NICE_MAX));
#endif
}

int
al_background_thread_nice (void)
{
#ifdef __linux__
  int nice_value;

  errno = 0;
  nice_value = getpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid));
  return errno == 0 ? nice_value : 0;
#else
  return 0;
#endif
}

static gpointer
run_job (gpointer data)
{
  BackgroundJob *job = data;

  al_background_lower_priority ();
  return job->func (job->data);
}

gpointer
al_background_run (GThreadFunc func,
                   gpointer    data)
{
  BackgroundJob job = { func, data };

  g_return_val_if_fail (func != NULL, NULL);
  return g_thread_join (g_thread_new ("al-background", run_job, &job));
}
