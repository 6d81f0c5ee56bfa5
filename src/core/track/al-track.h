/* al-track.h: linking points (defects, or atoms) through the frames of a
 * series into tracks, with the events of each track and the transition
 * counts between labels (defect types, or species).
 *
 * Positions are compared after the drift is taken out. Each frame is
 * linked to the tracks seen in the frame before by optimal one-to-one
 * assignment within a gate (al_match_points: the most pairs, then the least
 * squared distance); points left over are offered to tracks missed in the
 * last `max_gap` frames (gap closing), and what is still left starts a
 * track. A track keeps its id through a change of label (V_S → V_S2) and
 * through a hop to a neighbouring site when the gate is wider than one
 * lattice step. Linking uses positions only; the labels along each track
 * can then be steadied (a label seen for fewer than min_persist
 * observations between two others taken for a misreading) before events
 * and counts are taken.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double gate_px;   /* furthest a point moves between its observations (after drift), px */
  double hop_px;    /* a move further than this with the label kept is a hop, px */
  guint  max_gap;   /* frames a track may be missed and still resume */
  guint  n_labels;  /* labels are 0 .. n_labels - 1 */
  /* Tracks seen fewer times are transients (most often a false detection
   * in a frame or two, at the border): they keep their points but give no
   * events. */
  guint  min_seen;
  /* A new label must hold for this many observations of a track before it
   * counts as a conversion; shorter runs inside a track are misreadings
   * and take the label before them. Runs at either end of a track cannot
   * be checked and are kept. Default 1, every change counts: on simulated
   * graphene series steadying cost more true one-frame states than it
   * removed misreadings. */
  guint  min_persist;
} AlTrackParams;

/* The points of one frame, positions in px of that frame. */
typedef struct
{
  guint         frame;     /* the image's frame number */
  guint         n;
  const double *x;
  const double *y;
  const int    *label;
  double        drift_x;   /* the frame's drift relative to the first, px */
  double        drift_y;
  /* Each point's own drift (a drift field across the frame), or NULL:
   * drift_x, drift_y for every point. */
  const double *point_drift_x;
  const double *point_drift_y;
} AlTrackFrame;

typedef struct
{
  guint  frame;
  guint  index;            /* into that frame's points */
  guint  track_id;         /* from 1 */
  int    label;            /* the steady label along the track */
  double x, y;             /* px of that frame (not drift-corrected) */
  int    raw_label;        /* as the frame gave it */
} AlTrackPoint;

typedef enum
{
  AL_TRACK_BIRTH,          /* first seen after the first frame */
  AL_TRACK_DEATH,          /* last seen before the last frame (at the frame after) */
  AL_TRACK_CONVERT,        /* the label changed */
  AL_TRACK_HOP,            /* moved further than hop_px with the same label */
} AlTrackEventKind;

typedef struct
{
  guint            frame;
  guint            track_id;
  AlTrackEventKind kind;
  int              from;   /* -1 for a birth */
  int              to;     /* -1 for a death */
} AlTrackEvent;

typedef struct
{
  guint first_frame;
  guint last_frame;
  guint n_seen;            /* observations (fewer than the span when it was missed) */
  int   first_label;
  int   last_label;
} AlTrackSpan;

typedef struct
{
  guint   n_labels;
  guint   n_tracks;
  GArray *points;          /* AlTrackPoint, in frame order then point order */
  GArray *events;          /* AlTrackEvent, in frame order */
  GArray *spans;           /* AlTrackSpan, index track_id - 1 */
  /* counts[from * n_labels + to]: consecutive observations of one track
   * (from = to: it stayed); frames[from]: frames spent as `from` between
   * observations, the denominator of the rates per frame. */
  guint  *counts;
  guint  *frames;
} AlTracks;

void        al_track_params_init (AlTrackParams       *params);
AlTracks   *al_track_link        (const AlTrackFrame  *frames,
                                  guint                n_frames,
                                  const AlTrackParams *params);
void        al_tracks_free       (AlTracks            *tracks);
/* Transitions from → to per frame spent as `from` (0 when never seen). */
double      al_tracks_rate       (const AlTracks      *tracks,
                                  int                  from,
                                  int                  to);
const char *al_track_event_name  (AlTrackEventKind     kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlTracks, al_tracks_free)

G_END_DECLS
