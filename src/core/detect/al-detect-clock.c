/* al-detect-clock.c: times the steps of al_detect_run (wall, CPU of the
 * whole process, CPU of the calling thread), so that a benchmark can tell
 * serial steps from parallel ones on a machine whose wall time is noisy. */
#include "detect/al-detect-private.h"

#include <time.h>

static const char *const step_names[AL_DETECT_N_STEPS] = {
  [AL_DETECT_STEP_NOISE] = "noise",
  [AL_DETECT_STEP_LATTICE] = "lattice",
  [AL_DETECT_STEP_WIDTH] = "width",
  [AL_DETECT_STEP_MAP] = "map",
  [AL_DETECT_STEP_PEAKS] = "peaks",
  [AL_DETECT_STEP_BACKGROUND] = "background",
  [AL_DETECT_STEP_FIRST_FIT] = "first fit",
  [AL_DETECT_STEP_RESIDUAL] = "residual rounds",
  [AL_DETECT_STEP_LAST_FIT] = "last fit",
  [AL_DETECT_STEP_SITES] = "lattice sites",
  [AL_DETECT_STEP_SPECIES] = "species",
};

const char *
al_detect_step_name (AlDetectStep step)
{
  g_return_val_if_fail (step < AL_DETECT_N_STEPS, NULL);
  return step_names[step];
}

static double
cpu_seconds (clockid_t id)
{
  struct timespec ts;

  if (clock_gettime (id, &ts) != 0)
    return 0.0;
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void
al_detect_clock_start (AlDetectClock *clock)
{
  clock->wall_us = g_get_monotonic_time ();
  clock->cpu_s = cpu_seconds (CLOCK_PROCESS_CPUTIME_ID);
  clock->thread_cpu_s = cpu_seconds (CLOCK_THREAD_CPUTIME_ID);
}

/* Adds the time since the last call (or the start) to `step`. */
void
al_detect_clock_step (AlDetectClock *clock,
                      AlDetectInfo  *info,
                      AlDetectStep   step)
{
  AlDetectClock now;

  al_detect_clock_start (&now);
  info->step_wall_s[step] += (now.wall_us - clock->wall_us) * 1e-6;
  info->step_cpu_s[step] += now.cpu_s - clock->cpu_s;
  info->step_thread_cpu_s[step] += now.thread_cpu_s - clock->thread_cpu_s;
  *clock = now;
}
