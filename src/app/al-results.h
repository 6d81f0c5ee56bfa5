/* al-results.h: AlResults, one finished analysis shared by reference
 * between the window, its overlay layers and its panels, so none of them
 * outlives the atoms it draws. Results are applied on the main thread and
 * never change afterwards (an edit makes new results: the edited frame
 * over the results it was made from, which keep the other frames). */
#pragma once

#include "al-pipeline.h"
#include "al-atom-grid.h"

G_BEGIN_DECLS

typedef struct _AlResults AlResults;

AlResults           *al_results_new        (AlAnalysis *analysis);
/* Results in which `frame` (ownership taken) replaces that frame of
 * `base`; the analysis header (material, size, pixel size) is base's. */
AlResults           *al_results_new_edited (AlResults     *base,
                                            AlFrameResult *frame);
AlResults           *al_results_ref        (AlResults  *results);
void                 al_results_unref      (AlResults  *results);
const AlAnalysis    *al_results_get_analysis (AlResults *results);
/* The results of image frame `frame`, or NULL when it was not analysed. */
const AlFrameResult *al_results_get_frame  (AlResults  *results,
                                            guint       frame);
/* The frame as the analysis left it, before any edit: edits replace the
 * atoms and their structure, while what was made from the image (the
 * denoised frame, the detection map) stays with the analysis. NULL when
 * that frame was not analysed. */
const AlFrameResult *al_results_get_analysed_frame (AlResults *results,
                                                    guint      frame);
/* The atoms of `frame` binned in cells (NULL when the frame has none),
 * made at the first call from any thread and kept with the results. */
const AlAtomGrid    *al_results_get_grid   (AlResults  *results,
                                            guint       frame);
/* Makes what the overlays will need (the grids): in the worker that made
 * the results, so the window has nothing left to build. */
void                 al_results_prepare    (AlResults  *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlResults, al_results_unref)

G_END_DECLS
