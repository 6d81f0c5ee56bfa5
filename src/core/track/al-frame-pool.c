/* al-frame-pool.c: frames of a series on a bounded set of workers (see
 * al-frame-pool.h). */
#include "track/al-frame-pool.h"

typedef struct
{
  GMutex           lock;
  guint            next;        /* next frame to hand out */
  guint            last;
  guint            n_done;
  guint            n_total;
  gboolean         stop;        /* an error: hand out no more frames */
  GError          *error;       /* the first one */
  AlFramePoolWorkFunc  work;
  AlFramePoolDoneFunc  done;
  gpointer         user_data;
  GCancellable    *cancellable;
} Pool;

typedef struct
{
  Pool  *pool;
  guint  index;
} Worker;

/* The next frame for a worker, or FALSE when there is none left or the
 * pool stopped. */
static gboolean
take_frame (Pool  *p,
            guint *frame)
{
  gboolean ok;

  g_mutex_lock (&p->lock);
  ok = !p->stop && p->next <= p->last && !g_cancellable_is_cancelled (p->cancellable);
  if (ok)
    *frame = p->next++;
  g_mutex_unlock (&p->lock);
  return ok;
}

static gpointer
worker_main (gpointer data)
{
  Worker *w = data;
  Pool *p = w->pool;
  guint frame;

  while (take_frame (p, &frame))
    {
      GError *error = NULL;
      gpointer result = p->work (frame, w->index, p->user_data, p->cancellable, &error);

      g_mutex_lock (&p->lock);
      if (result == NULL)
        {
          p->stop = TRUE;
          if (p->error == NULL)
            p->error = error;
          else
            g_clear_error (&error);
        }
      else
        {
          p->n_done++;
          p->done (frame, result, p->n_done, p->n_total, p->user_data);
        }
      g_mutex_unlock (&p->lock);
    }
  return NULL;
}

gboolean
al_frame_pool_run (guint            first,
                   guint            last,
                   guint            n_workers,
                   AlFramePoolWorkFunc  work,
                   AlFramePoolDoneFunc  done,
                   gpointer         user_data,
                   GCancellable    *cancellable,
                   GError         **error)
{
  Pool p = { .next = first, .last = last, .n_total = last - first + 1, .work = work,
             .done = done, .user_data = user_data, .cancellable = cancellable };
  g_autofree Worker *workers = NULL;
  g_autofree GThread **threads = NULL;

  g_return_val_if_fail (first <= last && work != NULL && done != NULL, FALSE);
  n_workers = CLAMP (n_workers, 1, p.n_total);
  g_mutex_init (&p.lock);
  workers = g_new (Worker, n_workers);
  threads = g_new0 (GThread *, n_workers);
  for (guint i = 0; i < n_workers; i++)
    workers[i] = (Worker) { &p, i };
  /* The calling thread is worker 0: one thread fewer, and a pool of one
   * runs with no thread at all. */
  for (guint i = 1; i < n_workers; i++)
    threads[i] = g_thread_new ("al-frame", worker_main, &workers[i]);
  worker_main (&workers[0]);
  for (guint i = 1; i < n_workers; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&p.lock);
  if (p.error != NULL)
    {
      g_propagate_error (error, p.error);
      return FALSE;
    }
  /* Cancelled after the last frame was done: the work is whole. */
  return p.n_done == p.n_total || !g_cancellable_set_error_if_cancelled (cancellable, error);
}
