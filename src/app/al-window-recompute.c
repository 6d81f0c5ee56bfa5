/* al-window-recompute.c: after an edit (or undo, redo, a re-analysis merged
 * with hand edits), the frame's bonds, rings and defects are recomputed in
 * a worker thread, so the window stays responsive on large images.
 *
 * The document is the truth and is changed at once; the window's results
 * follow it in two steps. At once, "interim" results: the document's atoms
 * without a structure, so that selection, picking and the next edit work on
 * the atoms as they now are (the atoms layer shows them; bonds, defects and
 * the panels keep the last complete results meanwhile). When the worker is
 * done, its results replace them, unless a newer edit of that frame (whose
 * own worker will answer) or new results (an analysis, another document)
 * came since: then the answer is dropped. No edit is ever lost, since edits
 * never wait for a worker.
 *
 * The worker recomputes only near the edit (defects/al-structure-update.h)
 * from the last complete structure of the frame and the atoms it was made
 * from (its "base"), and the whole frame when the edit reaches an edge, a
 * boundary or a phase region. Each answer becomes the next edit's base. */
#include "al-window-private.h"

#include "defects/al-structure-update.h"
#include "nn/al-model-registry.h"

/* A complete structure of one frame and the atoms the next edit is
 * compared with (`input`: the results' own atoms, which the document's
 * follow, species read from the image included). Shared between the
 * window and its workers. */
typedef struct
{
  AlResults *results;
  AlResults *input;
} AlRecomputeBase;

static void
base_clear (AlRecomputeBase *base)
{
  al_results_unref (base->results);
  al_results_unref (base->input);
}

static AlRecomputeBase *
base_new (AlResults *results,
          AlResults *input)
{
  AlRecomputeBase *base = g_atomic_rc_box_new0 (AlRecomputeBase);

  base->results = al_results_ref (results);
  base->input = al_results_ref (input);
  return base;
}

static void
base_unref (AlRecomputeBase *base)
{
  if (base != NULL)
    g_atomic_rc_box_release_full (base, (GDestroyNotify) base_clear);
}

typedef struct
{
  AlResults        *interim;      /* holds the atoms to analyse */
  guint             frame;
  guint64           serial;       /* this frame's request number */
  guint             epoch;        /* the window's results epoch at the request */
  const AlMaterial *material;
  double            pixel_size_nm;
  guint             width;
  guint             height;
  /* The frame, so that the structure stage reads point defects and phases
   * from the image as the analysis did (NULL: from the atoms alone). It is
   * the document's image, which never changes: the job holds the document
   * instead of copying 4 bytes a pixel on the main thread. */
  AlDocument       *document;
  const float      *pixels;
  AlRecomputeBase  *base;         /* NULL: recompute the whole frame */
  AlStructureUpdate how;          /* set by the worker */
} AlRecomputeJob;

static void
job_free (AlRecomputeJob *job)
{
  al_results_unref (job->interim);
  base_unref (job->base);
  g_clear_object (&job->document);
  g_free (job);
}

/* In the worker: the frame's atoms, with their structure. */
static void
recompute_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  AlRecomputeJob *job = task_data;
  const AlFrameResult *interim = al_results_get_frame (job->interim, job->frame);
  /* The model path is looked up here: it searches the disk. */
  g_autofree char *phase_model = job->pixels != NULL && job->material->is_tmd
                                 ? al_model_find (job->material, AL_MODEL_TASK_PHASE) : NULL;
  AlStructureParams sp = { { 0 }, { 0 }, job->width, job->height, job->pixels, phase_model, 1 };
  AlFrameResult *r = al_frame_result_new (job->frame);
  GError *error = NULL;

  r->atoms = al_atoms_copy (interim->atoms);
  r->detect = interim->detect;
  if (job->base != NULL)
    {
      const AlFrameResult *old = al_results_get_frame (job->base->results, job->frame);
      const AlFrameResult *input = al_results_get_frame (job->base->input, job->frame);
      r->structure = al_structure_update (input->atoms, old->structure, r->atoms, job->material,
                                          job->pixel_size_nm, job->frame, &sp, &job->how,
                                          cancellable, &error);
    }
  else
    r->structure = al_structure_analyze (r->atoms, job->material, job->pixel_size_nm, job->frame,
                                         &sp, NULL, cancellable, &error);
  if (r->structure == NULL)
    {
      al_frame_result_free (r);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, r, (GDestroyNotify) al_frame_result_free);
}

static gboolean
is_latest (AlWindow       *self,
           AlRecomputeJob *job)
{
  gpointer serial;

  return self->recompute_serials != NULL && job->epoch == self->results_epoch
         && g_hash_table_lookup_extended (self->recompute_serials, GUINT_TO_POINTER (job->frame), NULL, &serial)
         && GPOINTER_TO_SIZE (serial) == job->serial;
}

static void
on_recomputed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (AlWindow) self = user_data;
  AlRecomputeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  AlFrameResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  self->n_workers--;
  if (!is_latest (self, job) || self->document == NULL)
    {
      g_clear_pointer (&r, al_frame_result_free);
      return;
    }
  g_hash_table_remove (self->recompute_cancellables, GUINT_TO_POINTER (job->frame));
  if (r == NULL)
    {
      /* The interim results stay: atoms without bonds and defects. */
      g_warning ("Bonds and defects not recomputed after an edit: %s", error->message);
      return;
    }
  /* Defects relabelled or marked false by hand stay so; the document's
   * atoms, unchanged since the request, take the new labels. */
  al_document_follow_hand_labels (self->document, job->frame, r->atoms, r->structure);
  if (job->how.local)
    self->n_local_recomputes++;
  else
    self->n_whole_recomputes++;
  _al_window_show_results (self, al_results_new_edited (self->results, r), TRUE);
  /* The next edit of this frame starts from here. */
  g_hash_table_insert (self->recompute_bases, GUINT_TO_POINTER (job->frame),
                       base_new (self->results, self->results));
}

/* What an edit of `frame` is recomputed from: the structure the window
 * shows when it is complete, else (edits while a worker runs) the last
 * complete one. */
static AlRecomputeBase *
find_base (AlWindow *self,
           guint     frame)
{
  const AlFrameResult *shown = al_results_get_frame (self->results, frame);
  AlRecomputeBase *base = g_hash_table_lookup (self->recompute_bases, GUINT_TO_POINTER (frame));

  if (base != NULL && (shown->structure == NULL || al_results_get_frame (base->results, frame) == shown))
    return g_atomic_rc_box_acquire (base);
  if (shown->structure != NULL)
    return base_new (self->results, self->results);
  return NULL;
}

/* The atoms of `frame` changed in the document: interim results at once,
 * the structure from a worker. */
void
_al_window_recompute_frame (AlWindow *self,
                            guint     frame)
{
  const AlFrameResult *old = self->results != NULL ? al_results_get_frame (self->results, frame) : NULL;
  const AlAtoms *atoms = al_document_get_atoms (self->document, frame);
  const AlAnalysis *analysis;
  AlFrameResult *interim;
  AlRecomputeJob *job;
  GCancellable *cancellable;
  g_autoptr (GTask) task = NULL;
  AlRecomputeBase *base;
  guint64 serial;

  if (old == NULL || atoms == NULL)
    return;
  analysis = al_results_get_analysis (self->results);
  base = analysis->material != NULL ? find_base (self, frame) : NULL;
  interim = al_frame_result_new (frame);
  interim->atoms = al_atoms_copy (atoms);
  interim->detect = old->detect;
  /* No structure to compute (no material): the interim results are final. */
  if (analysis->material == NULL)
    {
      _al_window_show_results (self, al_results_new_edited (self->results, interim), TRUE);
      return;
    }
  _al_window_show_interim (self, al_results_new_edited (self->results, interim));

  serial = GPOINTER_TO_SIZE (g_hash_table_lookup (self->recompute_serials, GUINT_TO_POINTER (frame))) + 1;
  g_hash_table_insert (self->recompute_serials, GUINT_TO_POINTER (frame), GSIZE_TO_POINTER (serial));
  /* The previous request for this frame is of no use any more. */
  cancellable = g_cancellable_new ();
  g_cancellable_cancel (g_hash_table_lookup (self->recompute_cancellables, GUINT_TO_POINTER (frame)));
  g_hash_table_insert (self->recompute_cancellables, GUINT_TO_POINTER (frame), cancellable);

  job = g_new0 (AlRecomputeJob, 1);
  job->interim = al_results_ref (self->results);
  job->frame = frame;
  job->serial = serial;
  job->epoch = self->results_epoch;
  job->material = analysis->material;
  job->pixel_size_nm = analysis->pixel_size_nm;
  job->width = analysis->width;
  job->height = analysis->height;
  job->base = base;
  {
    const AlImage *image = al_document_get_image (self->document);
    if (image != NULL && image->width == analysis->width && image->height == analysis->height
        && frame < image->n_frames)
      {
        job->document = g_object_ref (self->document);
        job->pixels = al_image_frame_const (image, frame);
      }
  }
  task = g_task_new (NULL, cancellable, on_recomputed, g_object_ref (self));
  g_task_set_source_tag (task, _al_window_recompute_frame);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, recompute_thread);
  self->n_workers++;
}

/* New results from elsewhere (an analysis, a document): answers to
 * requests made before are dropped, and their workers told to stop. */
void
_al_window_drop_recomputes (AlWindow *self)
{
  GHashTableIter iter;
  gpointer value;

  self->results_epoch++;
  g_hash_table_iter_init (&iter, self->recompute_cancellables);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_cancellable_cancel (value);
  g_hash_table_remove_all (self->recompute_cancellables);
  g_hash_table_remove_all (self->recompute_bases);
}

void
_al_window_init_recompute (AlWindow *self)
{
  self->recompute_serials = g_hash_table_new (NULL, NULL);
  self->recompute_cancellables = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->recompute_bases = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) base_unref);
}

/* How many post-edit recomputes were done near the edit only, and how
 * many for the whole frame. */
void
al_window_get_recompute_counts (AlWindow *self,
                                guint    *n_local,
                                guint    *n_whole)
{
  g_return_if_fail (AL_IS_WINDOW (self));
  *n_local = self->n_local_recomputes;
  *n_whole = self->n_whole_recomputes;
}

void
_al_window_finish_recompute (AlWindow *self)
{
  if (self->recompute_cancellables != NULL)
    _al_window_drop_recomputes (self);
  g_clear_pointer (&self->recompute_serials, g_hash_table_unref);
  g_clear_pointer (&self->recompute_cancellables, g_hash_table_unref);
  g_clear_pointer (&self->recompute_bases, g_hash_table_unref);
}
