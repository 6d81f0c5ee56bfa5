/* al-results.c: a reference-counted hold on an AlAnalysis. */
#include "al-results.h"

struct _AlResults
{
  AlAnalysis *analysis;
};

AlResults *
al_results_new (AlAnalysis *analysis)
{
  AlResults *self = g_atomic_rc_box_new0 (AlResults);

  self->analysis = analysis;
  return self;
}

AlResults *
al_results_ref (AlResults *results)
{
  return g_atomic_rc_box_acquire (results);
}

static void
results_clear (gpointer data)
{
  AlResults *self = data;

  al_analysis_free (self->analysis);
}

void
al_results_unref (AlResults *results)
{
  g_atomic_rc_box_release_full (results, results_clear);
}

const AlAnalysis *
al_results_get_analysis (AlResults *results)
{
  return results->analysis;
}

const AlFrameResult *
al_results_get_frame (AlResults *results,
                      guint      frame)
{
  GPtrArray *frames = results->analysis->frames;

  for (guint i = 0; i < frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (frames, i);
      if (r->frame == frame)
        return r;
    }
  return NULL;
}
