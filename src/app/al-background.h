/* al-background.h: heavy work on a thread of lower CPU priority.
 *
 * An analysis uses every core. On a laptop with two, the main loop would
 * then wait for the scheduler between frames however little it has to do;
 * running the work "niced" lets the window take the CPU first whenever it
 * needs it, and costs the work nothing when the window is idle.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How much nicer than its caller the background thread runs (Linux nice
 * steps; the kernel gives a task about 1.25× less CPU per step). */
#define AL_BACKGROUND_NICE 10

/* Runs func (data) on a new thread AL_BACKGROUND_NICE steps nicer than the
 * caller (threads it starts inherit that) and returns its result once it
 * has finished. Where the priority cannot be changed, func runs at the
 * caller's. */
gpointer al_background_run (GThreadFunc func,
                            gpointer    data);

/* Makes the calling worker thread AL_BACKGROUND_NICE steps nicer, once:
 * for pool threads that render or compute for the window (never call it
 * on the main thread). */
void     al_background_lower_priority (void);

/* The calling thread's nice value (for tests). */
int      al_background_thread_nice (void);

G_END_DECLS
