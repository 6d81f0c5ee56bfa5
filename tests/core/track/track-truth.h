/* track-truth.h: what the track tests share: SIZE² simulated series
 * (al_test_simulate), and the simulator's truth (drift, defect tracks
 * and their events) to score drift and linking against. */
#pragma once

#include "al-test-sim.h"
#include "track/al-track.h"

#define SIZE 256
#define N_FRAMES 6

/* Linking against the truth: observations paired per frame, purity and
 * completeness of the tracks, precision and recall of their events. */
typedef struct
{
  double purity, completeness, precision, recall;
  guint  n_truth_events, n_found_events;
  guint  hit_found, hit_truth;   /* found events that are true, true events found */
} TrackFigures;

/* The true drift (px) from truth frame f - 1 to f. */
void          track_truth_step   (const AlSimResult   *r,
                                  guint                f,
                                  double              *sx,
                                  double              *sy);
/* The truth's point defects as linker frames with drift (dx, dy); their
 * arrays are added to `keep`, *ids receives each point's truth id. */
AlTrackFrame *track_truth_frames (const AlSimResult   *r,
                                  const double        *dx,
                                  const double        *dy,
                                  GPtrArray           *keep,
                                  guint             ***ids);
/* The tracks perfect linking would give (by truth id), with their events. */
AlTracks     *track_truth_tracks (const AlTrackFrame  *tf,
                                  guint              **ids,
                                  guint                n_frames,
                                  const AlTrackParams *params);
TrackFigures  track_score        (const AlTracks      *found,
                                  const AlTracks      *truth,
                                  const AlTrackFrame  *ff,
                                  const AlTrackFrame  *tf,
                                  guint                n_frames,
                                  double               radius);
