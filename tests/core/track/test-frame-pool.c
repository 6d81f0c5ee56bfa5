/* test-frame-pool.c: the frame pool (every frame once, at most n_workers
 * in flight, the first error stops it, cancellation) and the pipeline's
 * frame-parallel path (the same atoms and defects as one frame at a time,
 * per-frame callbacks). */
#include <string.h>

#include "al-error.h"
#include "al-pipeline.h"
#include "al-test.h"
#include "simulate/al-simulate.h"
#include "track/al-frame-pool.h"

typedef struct
{
  gint          in_flight;
  gint          most_in_flight;
  guint         seen[64];
  guint         fail_at;        /* G_MAXUINT: never */
  GCancellable *cancel_after_3;
} PoolCase;

static gpointer
work (guint         frame,
      guint         worker,
      gpointer      data,
      GCancellable *cancellable,
      GError      **error)
{
  PoolCase *c = data;
  gint now = g_atomic_int_add (&c->in_flight, 1) + 1, most;

  while ((most = g_atomic_int_get (&c->most_in_flight)) < now
         && !g_atomic_int_compare_and_exchange (&c->most_in_flight, most, now))
    ;
  g_usleep (2000 + 1000 * (frame % 3));   /* frames finish out of order */
  g_atomic_int_add (&c->in_flight, -1);
  if (frame == c->fail_at)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "frame %u failed", frame);
      return NULL;
    }
  return GUINT_TO_POINTER (frame + 1);
}

static void
done (guint    frame,
      gpointer result,
      guint    n_done,
      guint    n_total,
      gpointer data)
{
  PoolCase *c = data;

  g_assert_cmpuint (GPOINTER_TO_UINT (result), ==, frame + 1);
  g_assert_cmpuint (n_done, <=, n_total);
  c->seen[frame]++;
  if (n_done == 3 && c->cancel_after_3 != NULL)
    g_cancellable_cancel (c->cancel_after_3);
}

static void
test_pool_all_once (void)
{
  for (guint workers = 1; workers <= 4; workers++)
    {
      PoolCase c = { .fail_at = G_MAXUINT };
      g_autoptr (GError) error = NULL;

      g_assert_true (al_frame_pool_run (5, 40, workers, work, done, &c, NULL, &error));
      g_assert_no_error (error);
      for (guint f = 0; f < 64; f++)
        g_assert_cmpuint (c.seen[f], ==, f >= 5 && f <= 40 ? 1 : 0);
      g_assert_cmpint (c.most_in_flight, <=, (gint) workers);
      g_assert_cmpint (c.most_in_flight, >=, 1);
    }
}

/* One worker: frames are taken strictly in order, so "no frame is handed
 * out after a failure or a cancel" is exact, whatever the machine's load. */
static void
test_pool_error_and_cancel (void)
{
  PoolCase c = { .fail_at = 7 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancel = g_cancellable_new ();
  guint n = 0;

  g_assert_false (al_frame_pool_run (0, 50, 1, work, done, &c, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "frame 7 failed");
  for (guint f = 0; f < 64; f++)
    g_assert_cmpuint (c.seen[f], ==, f < 7 ? 1 : 0);
  g_clear_error (&error);

  memset (&c, 0, sizeof c);
  c.fail_at = G_MAXUINT;
  c.cancel_after_3 = cancel;
  g_assert_false (al_frame_pool_run (0, 50, 1, work, done, &c, cancel, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  for (guint f = 0; f < 64; f++)
    n += c.seen[f];
  g_assert_cmpuint (n, ==, 3);
}

/* Several workers: the first error is the one returned, and every frame
 * is either done once or never (which ones depends on the scheduler). */
static void
test_pool_error_threads (void)
{
  PoolCase c = { .fail_at = 7 };
  g_autoptr (GError) error = NULL;

  g_assert_false (al_frame_pool_run (0, 50, 3, work, done, &c, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==, "frame 7 failed");
  g_assert_cmpuint (c.seen[7], ==, 0);
  for (guint f = 0; f < 64; f++)
    g_assert_cmpuint (c.seen[f], <=, 1);
}

static void
on_frame (const AlFrameResult *result,
          guint                n_done,
          guint                n_total,
          gpointer             data)
{
  guint *count = data;

  g_assert_nonnull (result->atoms);
  g_assert_cmpuint (n_done, <=, n_total);
  g_atomic_int_inc ((gint *) count);
}

/* The stages reported, and whether any named a frame. */
typedef struct
{
  GMutex   lock;
  gboolean framed;     /* "Frame 2 of 3: ..." */
  gboolean counted;    /* "Frames: 3 of 3 done" */
  double   last;
} Stages;

static void
on_progress (const char *stage,
             double      fraction,
             gpointer    data)
{
  Stages *s = data;

  g_mutex_lock (&s->lock);
  s->framed |= g_str_has_prefix (stage, "Frame 2 of 3: ");
  s->counted |= g_strcmp0 (stage, "Frames: 3 of 3 done") == 0;
  s->last = fraction;
  g_mutex_unlock (&s->lock);
}

static AlAnalysis *
analyse (const AlImage *image,
         guint          workers,
         guint         *n_callbacks,
         Stages        *stages)
{
  g_autoptr (GError) error = NULL;
  AlPipelineParams pp;
  AlProgress progress;
  AlAnalysis *a;

  al_pipeline_params_init (&pp);
  pp.auto_material = TRUE;
  pp.n_threads = 2;
  pp.frame_workers = workers;
  pp.frame_first = 1;
  pp.frame_done = on_frame;
  pp.frame_done_data = n_callbacks;
  al_progress_init (&progress, on_progress, stages);
  a = al_pipeline_run (image, &pp, &progress, NULL, &error);
  g_assert_no_error (error);
  return a;
}

/* Two frames at once give the same result as one at a time. */
static void
test_pipeline_parallel (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (AlAnalysis) serial = NULL, parallel = NULL;
  guint n_serial = 0, n_parallel = 0;
  Stages st_serial = { 0 }, st_parallel = { 0 };
  AlSimParams p;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = 128;
  p.n_frames = 4;
  p.seed = 9;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, "V_S=0.03", &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  serial = analyse (r->image, 1, &n_serial, &st_serial);
  parallel = analyse (r->image, 2, &n_parallel, &st_parallel);
  /* One worker names the frame of each stage; two count whole frames. */
  g_assert_true (st_serial.framed);
  g_assert_true (st_parallel.counted);
  g_assert_cmpfloat (st_serial.last, ==, 1.0);
  g_assert_cmpfloat (st_parallel.last, ==, 1.0);
  g_assert_cmpuint (n_serial, ==, 3);
  g_assert_cmpuint (n_parallel, ==, 3);
  g_assert_true (parallel->material == serial->material);
  g_assert_cmpstr (parallel->material->name, ==, "mos2");
  g_assert_cmpuint (parallel->frames->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      const AlFrameResult *a = serial->frames->pdata[i], *b = parallel->frames->pdata[i];
      g_assert_cmpuint (a->frame, ==, i + 1);
      g_assert_cmpuint (b->frame, ==, i + 1);
      g_assert_cmpuint (a->atoms->n_atoms, ==, b->atoms->n_atoms);
      g_assert_cmpmem (a->atoms->x, a->atoms->n_atoms * sizeof (double),
                       b->atoms->x, b->atoms->n_atoms * sizeof (double));
      g_assert_cmpuint (al_defects_len (a->structure->defects), ==, al_defects_len (b->structure->defects));
    }
  g_assert_cmpfloat (al_analysis_get_timing (parallel, "structure"), >, 0.0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/track/pool-all-once", test_pool_all_once);
  g_test_add_func ("/core/track/pool-error-cancel", test_pool_error_and_cancel);
  g_test_add_func ("/core/track/pool-error-threads", test_pool_error_threads);
  g_test_add_func ("/core/track/pipeline-parallel", test_pipeline_parallel);
  return g_test_run ();
}
