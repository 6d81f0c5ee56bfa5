/* al-detect-private.h: what the files of the detection stage
 * (al-detect*.c) share: its constants and the steps al_detect_run calls.
 * Not for other stages. */
#pragma once

#include "detect/al-detect.h"
#include "detect/al-peaks.h"
#include "detect/al-refine.h"

G_BEGIN_DECLS

#define AL_DETECT_MIN_SIDE 8
/* Suppression radius and duplicate distance, in nearest-neighbour distances. */
#define AL_DETECT_NMS_FRACTION 0.6
#define AL_DETECT_DUPLICATE_FRACTION 0.45
/* First guess of the column sigma, in nearest-neighbour distances. */
#define AL_DETECT_WIDTH_GUESS_FRACTION 0.25
/* Candidates: this many noise sigmas of the map... */
#define AL_DETECT_CANDIDATE_SIGMAS 3.0
/* ...and this fraction of a bright peak's response. */
#define AL_DETECT_CANDIDATE_FRACTION 0.04
/* Default significance of a kept column: amplitude / its standard error. */
#define AL_DETECT_MIN_SIGNIFICANCE 5.0
/* A faint column (below the default significance) is kept at this
 * significance when it sits on a lattice site of significant columns. */
#define AL_DETECT_FAINT_SIGNIFICANCE 2.0
/* A kept column is at least this fraction of the dimmest species' expected
 * brightness (relative to the brightest species of the perfect crystal). */
#define AL_DETECT_DIMMEST_FRACTION 0.5
/* Brightness reference: this percentile of fitted amplitudes. */
#define AL_DETECT_REFERENCE_PERCENTILE 0.75
/* Without a material, keep columns above this fraction of the reference. */
#define AL_DETECT_UNKNOWN_FRACTION 0.1
/* Peaks counted when measuring an unknown structure's neighbour distance:
 * this many noise sigmas of the map. */
#define AL_DETECT_NEIGHBOUR_SIGMAS 6.0
/* Side of the central crop on which the column width is measured, px. */
#define AL_DETECT_WIDTH_CROP 256
/* The width searched, in nearest-neighbour distances, and the search steps. */
#define AL_DETECT_MIN_WIDTH_FRACTION 0.1
#define AL_DETECT_MAX_WIDTH_FRACTION 0.5
#define AL_DETECT_WIDTH_ITERATIONS 8
/* The measured width is trusted (even when narrower than the guess) when
 * the median column fitted with it is this significant. */
#define AL_DETECT_WIDTH_MIN_SIGNIFICANCE 8.0
/* The radial profile that measures the width reaches this far, in
 * nearest-neighbour distances. */
#define AL_DETECT_PROFILE_RADIUS 0.5
/* Sigma of the position prior of a fit, in nearest-neighbour distances. */
#define AL_DETECT_POSITION_PRIOR 0.2
/* Sweeps of the joint fit after each round of new candidates. */
#define AL_DETECT_SWEEPS 4
/* Rounds of looking for columns in the residual of the fit. */
#define AL_DETECT_RESIDUAL_ROUNDS 4
/* A residual peak is a candidate this many noise sigmas up. */
#define AL_DETECT_RESIDUAL_SIGMAS 2.5
/* Pixels sampled for the residual's noise. */
#define AL_DETECT_NOISE_SAMPLES 262144
/* Network maps: a column is where the atom probability passes one half. */
#define AL_DETECT_PROB_THRESHOLD 0.5f
#define AL_DETECT_Z_EXPONENT 1.7
/* A column on a lattice site keeps its fitted position while it stays
 * within this many neighbour distances of the site. */
#define AL_DETECT_SITE_SHIFT_FRACTION 0.25
/* Passes of the lattice prior on a two-sublattice honeycomb (TMDs): a
 * column next to a site that looked empty had taken some of its light;
 * refitted beside the columns the first pass added it gives it back, and
 * the second pass takes the sites that then pass the test (MoS2 at 10⁴
 * e⁻/Å², seed 7: 137 columns missed after one pass, 85 after two; a third
 * adds next to nothing). */
#define AL_DETECT_SITE_PASSES 2
/* The columns are fitted again with the re-measured width when it differs
 * from the first measurement by more than this fraction. */
#define AL_DETECT_WIDTH_REFIT 0.01
/* Low dose: the share of the chalcogen-to-metal contrast above which
 * a region's two non-metal cosets are told apart (al-lattice-snap.h). */
#define AL_DETECT_SNAP_SPLIT_SHARE 0.5

/* What the rounds of fitting remember between them, so that a round
 * refits only the columns that something changed near. */
typedef struct
{
  guint   n_fitted;   /* columns [0, n_fitted) were fitted; later ones are new */
  GArray *changed;    /* AlColumnFit: the columns removed by the last prune */
} AlDetectMemory;

/* Where the step timing of al_detect_run stands (al-detect-clock.c). */
typedef struct
{
  gint64 wall_us;
  double cpu_s;
  double thread_cpu_s;
} AlDetectClock;

void         al_detect_clock_start              (AlDetectClock        *clock);
void         al_detect_clock_step               (AlDetectClock        *clock,
                                                 AlDetectInfo         *info,
                                                 AlDetectStep          step);
void         al_detect_memory_init              (AlDetectMemory       *memory);
void         al_detect_memory_clear             (AlDetectMemory       *memory);

float       *al_detect_central_crop             (const float          *frame,
                                                 guint                 width,
                                                 guint                 height,
                                                 guint                 side,
                                                 guint                *cw,
                                                 guint                *ch);
AlColumnFit *al_detect_columns_from_peaks       (const float          *frame,
                                                 const float          *background,
                                                 guint                 width,
                                                 GArray               *peaks,
                                                 double                width_px);
double       al_detect_median_double            (GArray               *values);
double       al_detect_significance             (const AlColumnFit    *c);
double       al_detect_measure_width            (const float          *frame,
                                                 guint                 width,
                                                 guint                 height,
                                                 double                neighbour_px,
                                                 double                noise,
                                                 GArray               *fits,
                                                 gboolean              on_lattice,
                                                 guint                 n_threads,
                                                 GCancellable         *cancellable);
double       al_detect_measure_neighbour        (const float          *frame,
                                                 guint                 width,
                                                 guint                 height,
                                                 double                period_px,
                                                 double                noise);
gboolean     al_detect_fit_and_prune            (const float          *frame,
                                                 guint                 width,
                                                 guint                 height,
                                                 GArray               *fits,
                                                 const AlRefineParams *rp,
                                                 const AlDetectParams *params,
                                                 double                neighbour_px,
                                                 AlDetectMemory       *memory,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
guint        al_detect_add_residual_candidates  (const float          *frame,
                                                 const float          *background,
                                                 guint                 width,
                                                 guint                 height,
                                                 GArray               *fits,
                                                 double                width_px,
                                                 double                neighbour_px,
                                                 guint                 n_threads);
guint        al_detect_add_site_candidates      (GArray               *fits,
                                                 guint                 width,
                                                 guint                 height,
                                                 double                width_px,
                                                 double                neighbour_px,
                                                 guint                 n_threads);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (AlDetectMemory, al_detect_memory_clear)

G_END_DECLS
