/* al-parallel.h: splitting a loop of the detection stage over threads.
 *
 * A range of n items is cut into n_threads contiguous bands of equal
 * length; the caller runs the first band and one new thread runs each of
 * the others. Every band writes only its own items, so results do not
 * depend on the number of threads. (Bands are fixed rather than taken
 * from a queue so that the caller's CPU time measures the critical path;
 * see al-detect-clock.c.)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Most threads a loop is split over. */
#define AL_PARALLEL_MAX_THREADS 16

/* Runs items [start, end) of the loop. */
typedef void (*AlParallelFunc) (gpointer data,
                                guint    start,
                                guint    end);

void al_parallel_range (guint          n_threads,
                        guint          n_items,
                        AlParallelFunc func,
                        gpointer       data);

/* out[i] = a[i] − b[i] for i < n (out may be a or b), on threads. */
void al_parallel_subtract (guint        n_threads,
                           const float *a,
                           const float *b,
                           float       *out,
                           gsize        n);

G_END_DECLS
