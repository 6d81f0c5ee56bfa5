/* al-nn-pool.c: the engine's threads.
 *
 * One pool per run; each operator hands it a number of independent tasks
 * (bands of rows, channels) that the workers and the caller take in turn
 * from an atomic counter, and returns when all are done: a barrier between
 * nodes, as in ggml. The engine is the only owner of parallelism: OpenBLAS
 * runs single-threaded inside each task.
 */
#include "nn/al-nn-private.h"

struct _AlNnPool
{
  guint         n_threads;
  GThread     **workers;      /* n_threads - 1 */
  GMutex        lock;
  GCond         wake, done;
  guint         generation;
  guint         n_busy;
  gboolean      quit;
  AlNnTaskFunc  func;
  gpointer      data;
  guint         n_tasks;
  gint          next_task;
};

typedef struct
{
  AlNnPool *pool;
  guint     index;
} AlNnWorker;

static void
take_tasks (AlNnPool *pool,
            guint     thread)
{
  for (;;)
    {
      guint task = (guint) g_atomic_int_add (&pool->next_task, 1);

      if (task >= pool->n_tasks)
        return;
      pool->func (pool->data, task, thread);
    }
}

static gpointer
worker_main (gpointer user_data)
{
  AlNnWorker *worker = user_data;
  AlNnPool *pool = worker->pool;
  guint seen = 0;

  for (;;)
    {
      g_mutex_lock (&pool->lock);
      while (pool->generation == seen && !pool->quit)
        g_cond_wait (&pool->wake, &pool->lock);
      if (pool->quit)
        {
          g_mutex_unlock (&pool->lock);
          break;
        }
      seen = pool->generation;
      g_mutex_unlock (&pool->lock);

      take_tasks (pool, worker->index);

      g_mutex_lock (&pool->lock);
      if (--pool->n_busy == 0)
        g_cond_signal (&pool->done);
      g_mutex_unlock (&pool->lock);
    }
  g_free (worker);
  return NULL;
}

AlNnPool *
al_nn_pool_new (guint n_threads)
{
  AlNnPool *pool = g_new0 (AlNnPool, 1);

  pool->n_threads = MAX (n_threads, 1);
  g_mutex_init (&pool->lock);
  g_cond_init (&pool->wake);
  g_cond_init (&pool->done);
  pool->workers = g_new0 (GThread *, pool->n_threads);
  for (guint i = 1; i < pool->n_threads; i++)
    {
      AlNnWorker *worker = g_new (AlNnWorker, 1);

      worker->pool = pool;
      worker->index = i;
      pool->workers[i - 1] = g_thread_new ("al-nn", worker_main, worker);
    }
  return pool;
}

void
al_nn_pool_free (AlNnPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->lock);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);
  for (guint i = 1; i < pool->n_threads; i++)
    g_thread_join (pool->workers[i - 1]);
  g_free (pool->workers);
  g_mutex_clear (&pool->lock);
  g_cond_clear (&pool->wake);
  g_cond_clear (&pool->done);
  g_free (pool);
}

guint
al_nn_pool_n_threads (const AlNnPool *pool)
{
  return pool != NULL ? pool->n_threads : 1;
}

void
al_nn_pool_run (AlNnPool     *pool,
                guint         n_tasks,
                AlNnTaskFunc  func,
                gpointer      data)
{
  if (pool == NULL || pool->n_threads == 1 || n_tasks <= 1)
    {
      for (guint t = 0; t < n_tasks; t++)
        func (data, t, 0);
      return;
    }

  g_mutex_lock (&pool->lock);
  pool->func = func;
  pool->data = data;
  pool->n_tasks = n_tasks;
  g_atomic_int_set (&pool->next_task, 0);
  pool->n_busy = pool->n_threads - 1;
  pool->generation++;
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->lock);

  take_tasks (pool, 0);

  g_mutex_lock (&pool->lock);
  while (pool->n_busy > 0)
    g_cond_wait (&pool->done, &pool->lock);
  g_mutex_unlock (&pool->lock);
}
