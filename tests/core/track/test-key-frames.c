/* test-key-frames.c: values shared from key frames (every frame gets its
 * key frame's value, waits for it when it runs first, goes on without it
 * when the key frame failed; each value is freed once, when its last frame
 * is done), and the pipeline's phase network on key frames (the same
 * results as running it on every frame, on a series of one image). */
#include <string.h>

#include "al-error.h"
#include "al-pipeline.h"
#include "al-test.h"
#include "nn/al-model-registry.h"
#include "simulate/al-simulate.h"
#include "track/al-frame-pool.h"
#include "track/al-key-frames.h"

#define N_FRAMES 11
#define EVERY 3
#define FAILING_KEY 6

typedef struct
{
  AlKeyFrames *keys;
  gint         n_freed;
  gint         n_live;       /* values published and not yet freed */
  gint         most_live;
} KeyCase;

static KeyCase *current;

static void
free_value (gpointer value)
{
  g_atomic_int_inc (&current->n_freed);
  g_atomic_int_add (&current->n_live, -1);
  g_free (value);
}

static gpointer
work (guint         frame,
      guint         worker,
      gpointer      data,
      GCancellable *cancellable,
      GError      **error)
{
  KeyCase *c = data;
  guint key = frame - frame % EVERY;
  const char *value;

  if (al_key_frames_is_key (c->keys, frame))
    {
      gint live, most;
      /* The key frame's value takes a while: its frames wait for it. */
      g_usleep (3000);
      if (frame == FAILING_KEY)
        {
          al_key_frames_publish (c->keys, frame, NULL);
          return GUINT_TO_POINTER (frame + 1);
        }
      live = g_atomic_int_add (&c->n_live, 1) + 1;
      while ((most = g_atomic_int_get (&c->most_live)) < live
             && !g_atomic_int_compare_and_exchange (&c->most_live, most, live))
        ;
      al_key_frames_publish (c->keys, frame, g_strdup_printf ("key %u", frame));
      /* A second publication is ignored (and freed). */
      g_atomic_int_inc (&c->n_live);
      al_key_frames_publish (c->keys, frame, g_strdup ("late"));
    }
  value = al_key_frames_acquire (c->keys, frame);
  if (key == FAILING_KEY)
    g_assert_null (value);
  else
    {
      g_autofree char *want = g_strdup_printf ("key %u", key);
      g_assert_cmpstr (value, ==, want);
    }
  al_key_frames_release (c->keys, frame);
  return GUINT_TO_POINTER (frame + 1);
}

static void
done (guint    frame,
      gpointer result,
      guint    n_done,
      guint    n_total,
      gpointer data)
{
  g_assert_cmpuint (GPOINTER_TO_UINT (result), ==, frame + 1);
}

static void
test_key_frames (void)
{
  g_autoptr (GError) error = NULL;
  KeyCase c = { 0 };
  guint n_keys = (N_FRAMES - 1) / EVERY + 1;

  current = &c;
  c.keys = al_key_frames_new (0, N_FRAMES - 1, EVERY, free_value);
  g_assert_true (al_key_frames_is_key (c.keys, 0));
  g_assert_false (al_key_frames_is_key (c.keys, 2));
  g_assert_true (al_key_frames_is_key (c.keys, 9));
  g_assert_true (al_frame_pool_run (0, N_FRAMES - 1, 3, work, done, &c, NULL, &error));
  g_assert_no_error (error);
  /* Every value but the failed key's was freed as its last frame finished
   * (the late publications at once). */
  g_assert_cmpint (g_atomic_int_get (&c.n_freed), ==, 2 * (n_keys - 1));
  g_assert_cmpint (g_atomic_int_get (&c.n_live), ==, 0);
  g_assert_cmpint (c.most_live, <=, 3);
  al_key_frames_free (c.keys);
  g_assert_cmpint (c.n_freed, ==, 2 * (n_keys - 1));
  current = NULL;
}

static AlAnalysis *
analyse (const AlImage *image,
         guint          phase_every)
{
  g_autoptr (GError) error = NULL;
  AlPipelineParams pp;
  AlAnalysis *a;

  al_pipeline_params_init (&pp);
  pp.material = al_material_from_name ("mos2");
  pp.n_threads = 2;
  pp.phase_net_every = phase_every;
  a = al_pipeline_run (image, &pp, NULL, NULL, &error);
  g_assert_no_error (error);
  return a;
}

/* A series of one image with a 1T patch: the phases and defects of every
 * frame are the same whether the phase network ran on each frame or on
 * every third (its map shared). */
static void
test_pipeline_phase_keys (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (AlImage) series = NULL;
  g_autoptr (AlAnalysis) each = NULL, keyed = NULL;
  g_autofree char *model = al_model_find (al_material_from_name ("mos2"), AL_MODEL_TASK_PHASE);
  AlSimParams p;

  g_assert_nonnull (model);
  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = 256;
  p.seed = 7;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, "phase_1T=1", &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  series = al_image_new (p.width, p.height, 5, &error);
  g_assert_no_error (error);
  series->pixel_size = r->image->pixel_size;
  for (guint f = 0; f < 5; f++)
    memcpy (al_image_frame (series, f), al_image_frame (r->image, 0),
            sizeof (float) * p.width * p.height);
  each = analyse (series, 1);
  keyed = analyse (series, 3);
  for (guint f = 0; f < 5; f++)
    {
      const AlStructure *a = ((AlFrameResult *) each->frames->pdata[f])->structure;
      const AlStructure *b = ((AlFrameResult *) keyed->frames->pdata[f])->structure;
      g_assert_nonnull (a->phases);
      g_assert_null (b->phase_net);
      g_assert_cmpuint (a->phases->n_cx * a->phases->n_cy, ==, b->phases->n_cx * b->phases->n_cy);
      g_assert_cmpmem (a->phases->cell, a->phases->n_cx * a->phases->n_cy,
                       b->phases->cell, b->phases->n_cx * b->phases->n_cy);
      g_assert_cmpuint (al_defects_len (a->defects), ==, al_defects_len (b->defects));
      g_test_message ("frame %u: 1T %g px², 2H %g px²", f, b->phases->area_px2[AL_PHASE_1T], b->phases->area_px2[AL_PHASE_2H]);
      /* The patch is seen (by the network's map) in every frame. */
      g_assert_cmpfloat (b->phases->area_px2[AL_PHASE_1T], >, 0.0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/track/key-frames", test_key_frames);
  g_test_add_func ("/core/track/pipeline-phase-keys", test_pipeline_phase_keys);
  return g_test_run ();
}
