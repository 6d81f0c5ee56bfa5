/* al-parallel.c: contiguous bands of a loop on threads (see al-parallel.h). */
#include "detect/al-parallel.h"

typedef struct
{
  AlParallelFunc func;
  gpointer       data;
  guint          start;
  guint          end;
} Band;

static gpointer
run_band (gpointer data)
{
  Band *band = data;

  band->func (band->data, band->start, band->end);
  return NULL;
}

void
al_parallel_range (guint          n_threads,
                   guint          n_items,
                   AlParallelFunc func,
                   gpointer       data)
{
  Band bands[AL_PARALLEL_MAX_THREADS];
  GThread *threads[AL_PARALLEL_MAX_THREADS];

  if (n_items == 0)
    return;
  n_threads = CLAMP (n_threads, 1, MIN (AL_PARALLEL_MAX_THREADS, n_items));
  for (guint t = 0; t < n_threads; t++)
    {
      bands[t] = (Band) { func, data, (guint) ((guint64) n_items * t / n_threads),
                          (guint) ((guint64) n_items * (t + 1) / n_threads) };
      threads[t] = t == 0 ? NULL : g_thread_new ("al-detect", run_band, &bands[t]);
    }
  run_band (&bands[0]);
  for (guint t = 1; t < n_threads; t++)
    g_thread_join (threads[t]);
}

/* Pixels per item of al_parallel_subtract. */
#define AL_PARALLEL_SUBTRACT_BLOCK 65536

typedef struct
{
  const float *a;
  const float *b;
  float       *out;
  gsize        n;
} Subtraction;

static void
subtract_blocks (gpointer data,
                 guint    start,
                 guint    end)
{
  const Subtraction *s = data;
  gsize i0 = (gsize) start * AL_PARALLEL_SUBTRACT_BLOCK;
  gsize i1 = MIN ((gsize) end * AL_PARALLEL_SUBTRACT_BLOCK, s->n);

  for (gsize i = i0; i < i1; i++)
    s->out[i] = s->a[i] - s->b[i];
}

void
al_parallel_subtract (guint        n_threads,
                      const float *a,
                      const float *b,
                      float       *out,
                      gsize        n)
{
  Subtraction s = { a, b, out, n };

  al_parallel_range (n_threads,
                     (guint) ((n + AL_PARALLEL_SUBTRACT_BLOCK - 1) / AL_PARALLEL_SUBTRACT_BLOCK),
                     subtract_blocks, &s);
}
