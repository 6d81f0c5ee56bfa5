/* al-series.h: the series stage after per-frame analysis: the drift of
 * every analysed frame, the point defects linked into tracks with their
 * events and transition matrix, and the tables the CLI writes:
 * tracks.csv (track_id,frame,defect_id,type,x_px,y_px), events.csv
 * (frame,track_id,event,from_type,to_type), and a "series" member for
 * summary.json.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "al-pipeline.h"
#include "track/al-drift-field.h"
#include "track/al-track.h"

G_BEGIN_DECLS

/* Gate and hop threshold in lattice constants: a vacancy hops onto the
 * next site of its sublattice, one lattice constant a away. */
#define AL_SERIES_GATE_A 1.4
#define AL_SERIES_HOP_A  0.5
/* Point defects nearer the frame's edge than this many lattice constants
 * are not tracked (their neighbourhood is cut off). */
#define AL_SERIES_BORDER_A 0.5
/* Drift between consecutive frames is searched within this many lattice
 * constants (the lattice's own repeats lie one constant away). */
#define AL_SERIES_MAX_STEP_A 0.45
/* A drift field is measured in windows of 1/AL_SERIES_FIELD_WINDOW_PARTS
 * of the frame's shorter side (7 × 7 overlapping windows on a square
 * frame): large enough to hold many columns, small enough to follow a
 * shear across the frame. */
#define AL_SERIES_FIELD_WINDOW_PARTS 4

/* How the drift between frames is modelled (analyze --drift). */
typedef enum
{
  AL_SERIES_DRIFT_RIGID,   /* one shift a frame */
  /* That shift and, across the frame, the smooth field of
   * al-drift-field.h: drift during the scan shears and stretches each
   * frame by its own amount. */
  AL_SERIES_DRIFT_FIELD,
} AlSeriesDrift;

typedef struct
{
  guint         n_frames;
  guint        *frame;       /* the image's frame numbers */
  double       *drift_x;     /* px, relative to the first analysed frame */
  double       *drift_y;
  guint         n_refined;   /* drift steps refined on the frames' columns */
  double        lattice_px;  /* lattice constant used for the gate, px (0: unknown) */
  AlTracks     *tracks;      /* labels are AlDefectType */
  AlSeriesDrift drift;
  /* FIELD: per frame, the displacement relative to the first frame less
   * its mean over the frame (the mean is drift_x, drift_y); NULL: rigid. */
  AlDriftField *fields;
  guint         n_field_steps;  /* steps whose field was measured (others rigid) */
} AlSeries;

AlSeries *al_series_track       (const AlImage    *image,
                                 const AlAnalysis *analysis,
                                 GCancellable     *cancellable,
                                 GError          **error);
/* The same with the frames read from `source` two at a time (drift). */
AlSeries *al_series_track_source (AlFrameSource   *source,
                                  const AlAnalysis *analysis,
                                  GCancellable     *cancellable,
                                  GError          **error);
/* Either of them (frames from `image`, or from `source` when not NULL)
 * with the drift modelled as `drift`. */
AlSeries *al_series_track_drift (const AlImage    *image,
                                 AlFrameSource    *source,
                                 const AlAnalysis *analysis,
                                 AlSeriesDrift     drift,
                                 GCancellable     *cancellable,
                                 GError          **error);
/* The drift (px) at (x, y) of the series' frame `index` (from 0). */
void      al_series_drift_at    (const AlSeries   *series,
                                 guint             index,
                                 double            x,
                                 double            y,
                                 double           *dx,
                                 double           *dy);
/* Measures series->fields between consecutive frames (al-series-field.c);
 * a step whose field cannot be measured (too few windows hold a match)
 * keeps its rigid drift. FALSE only when cancelled or a frame cannot be
 * read. */
gboolean  al_series_measure_fields (AlSeries      *series,
                                    const AlImage *image,
                                    AlFrameSource *source,
                                    GCancellable  *cancellable,
                                    GError       **error);
void      al_series_free        (AlSeries         *series);
gboolean  al_series_write_csv   (const AlSeries   *series,
                                 const AlAnalysis *analysis,
                                 const char       *out_dir,
                                 GError          **error);
/* Adds "series": {drift_model, drift_px, drift_field_steps (field), n_tracks,
 * events, lifetimes, transitions}. */
void      al_series_add_json    (const AlSeries   *series,
                                 JsonBuilder      *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlSeries, al_series_free)

G_END_DECLS
