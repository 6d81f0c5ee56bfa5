/* al-results.c: a reference-counted hold on an AlAnalysis. Edited results
 * hold one new frame over the results they were made from, so an edit of
 * one frame of a stack copies nothing of the others. */
#include "al-results.h"

#include "al-atom-grid.h"

struct _AlResults
{
  AlAnalysis    *analysis;
  AlResults     *base;    /* edited results: the rest of the frames */
  AlFrameResult *edited;  /* edited results: the frame that replaces base's */
  GMutex         lock;    /* guards grids: layers' workers share them */
  GHashTable    *grids;   /* frame -> AlAtomGrid*, of this level's own frames */
};

AlResults *
al_results_new (AlAnalysis *analysis)
{
  AlResults *self = g_atomic_rc_box_new0 (AlResults);

  self->analysis = analysis;
  g_mutex_init (&self->lock);
  self->grids = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) al_atom_grid_free);
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
  g_mutex_init (&self->lock);
  self->grids = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) al_atom_grid_free);
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

  /* Grids point into the frames' atoms: they go first. */
  g_clear_pointer (&self->grids, g_hash_table_unref);
  g_mutex_clear (&self->lock);
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

/* The frame and the level of `results` that holds it. */
static const AlFrameResult *
find_frame (AlResults  *results,
            guint       frame,
            AlResults **owner)
{
  GPtrArray *frames;

  for (; results->base != NULL; results = results->base)
    if (results->edited->frame == frame)
      {
        *owner = results;
        return results->edited;
      }
  frames = results->analysis->frames;
  *owner = results;
  for (guint i = 0; i < frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (frames, i);
      if (r->frame == frame)
        return r;
    }
  return NULL;
}

const AlFrameResult *
al_results_get_frame (AlResults *results,
                      guint      frame)
{
  AlResults *owner;

  return find_frame (results, frame, &owner);
}

const AlFrameResult *
al_results_get_analysed_frame (AlResults *results,
                               guint      frame)
{
  GPtrArray *frames;

  while (results->base != NULL)
    results = results->base;
  frames = results->analysis->frames;
  for (guint i = 0; i < frames->len; i++)
    {
      const AlFrameResult *r = g_ptr_array_index (frames, i);
      if (r->frame == frame)
        return r;
    }
  return NULL;
}

const AlAtomGrid *
al_results_get_grid (AlResults *results,
                     guint      frame)
{
  AlResults *owner;
  const AlFrameResult *r = find_frame (results, frame, &owner);
  AlAtomGrid *grid;

  if (r == NULL || r->atoms == NULL)
    return NULL;
  g_mutex_lock (&owner->lock);
  grid = g_hash_table_lookup (owner->grids, GUINT_TO_POINTER (frame));
  if (grid == NULL)
    {
      grid = al_atom_grid_new (r->atoms);
      g_hash_table_insert (owner->grids, GUINT_TO_POINTER (frame), grid);
    }
  g_mutex_unlock (&owner->lock);
  return grid;
}

void
al_results_prepare (AlResults *results)
{
  const AlAnalysis *analysis = al_results_get_analysis (results);

  for (guint i = 0; i < analysis->frames->len; i++)
    al_results_get_grid (results, ((const AlFrameResult *) g_ptr_array_index (analysis->frames, i))->frame);
}
