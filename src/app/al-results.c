/* al-results.c: a reference-counted hold on an AlAnalysis. Edited results
 * hold one new frame over the results they were made from, so an edit of
 * one frame of a stack copies nothing of the others. */
#include "al-results.h"

struct _AlResults
{
  AlAnalysis    *analysis;
  AlResults     *base;    /* edited results: the rest of the frames */
  AlFrameResult *edited;  /* edited results: the frame that replaces base's */
};

AlResults *
al_results_new (AlAnalysis *analysis)
{
  AlResults *self = g_atomic_rc_box_new0 (AlResults);

  self->analysis = analysis;
  return self;
}

AlResults *
al_results_new_edited (AlResults     *base,
                       AlFrameResult *frame)
{
  AlResults *self = g_atomic_rc_box_new0 (AlResults);

  /* Editing the frame an edit already replaced: skip that level, so a long
   * run of edits on one frame keeps one level, not one per edit. */
  while (base->base != NULL && base->edited->frame == frame->frame)
    base = base->base;
  self->base = al_results_ref (base);
  self->edited = frame;
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

  g_clear_pointer (&self->analysis, al_analysis_free);
  g_clear_pointer (&self->edited, al_frame_result_free);
  g_clear_pointer (&self->base, al_results_unref);
}

void
al_results_unref (AlResults *results)
{
  g_atomic_rc_box_release_full (results, results_clear);
}

const AlAnalysis *
al_results_get_analysis (AlResults *results)
{
  while (results->base != NULL)
    results = results->base;
  return results->analysis;
}

const AlFrameResult *
al_results_get_frame (AlResults *results,
                      guint      frame)
{
  GPtrArray *frames;

  for (; results->base != NULL; results = results->base)
    if (results->edited->frame == frame)
      return results->edited;
  frames = results->analysis->frames;
  for (guint i = 0; i < frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (frames, i);
      if (r->frame == frame)
        return r;
    }
  return NULL;
}
