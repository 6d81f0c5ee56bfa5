/* al-pipeline.h: the analysis of DESIGN.md §3 run stage after stage on the
 * frames of an image: (normalise) -> (denoise) -> lattice -> detection map -> peaks ->
 * sub-pixel refinement -> species -> [bond graph -> defects -> strain],
 * with progress, cancellation between stages and frames, and the time each
 * stage took. It never touches a UI: the app runs it in a worker thread.
 *
 * Later stages add their results to AlFrameResult and their timings with
 * al_analysis_add_timing(); al_frame_result_free() frees every field.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-image.h"
#include "io/al-frame-source.h"
#include "al-material.h"
#include "al-progress.h"
#include "denoise/al-denoise.h"
#include "defects/al-structure.h"
#include "detect/al-detect.h"

G_BEGIN_DECLS

/* Where the pixel size used came from. */
typedef enum
{
  AL_PIXEL_SIZE_UNKNOWN,
  AL_PIXEL_SIZE_FROM_FILE,
  AL_PIXEL_SIZE_FROM_USER,
  AL_PIXEL_SIZE_FROM_LATTICE,   /* the material's lattice constant over the FFT period */
} AlPixelSizeSource;

typedef struct _AlFrameResult AlFrameResult;

/* A frame is done: called in a worker thread (frames may finish out of
 * order); the result stays valid until the analysis is freed. */
typedef void (*AlFrameDoneFunc) (const AlFrameResult *result,
                                 guint                n_done,
                                 guint                n_total,
                                 gpointer             user_data);

typedef struct
{
  const AlMaterial *material;        /* NULL: unknown, or guessed when auto_material */
  gboolean          auto_material;
  double            pixel_size_nm;   /* > 0 overrides the file's calibration */
  guint             frame_first;     /* frames [first, last], clamped to the image */
  guint             frame_last;      /* G_MAXUINT: to the last frame */
  guint             n_threads;
  /* An atom-finding network (atomlens.task = atoms) whose maps replace
   * the classical detection map; NULL: the classical path. Without a
   * material the network's is used. */
  const char       *model_path;
  /* Frames of a series analysed at once, each with n_threads / frame_workers
   * threads (at most this many frames in flight); 0: as many as n_threads.
   * With a network the frames run one after the other. */
  guint             frame_workers;
  /* Gaussian sigma of a column, px; 0: measured. In a series only the
   * first frame measures it and the others reuse it (the probe does not
   * change between frames; measuring costs a third of a frame's detection). */
  double            column_width_px;
  AlFrameDoneFunc   frame_done;      /* NULL: none */
  gpointer          frame_done_data;
  /* With no model_path: use the atoms network that al_model_find() gives
   * for the material (given, or guessed from a first classical pass), and
   * the classical path when there is none. */
  gboolean          auto_model;
  /* Tile side (pixels, without the overlap) for detection in tiles; 0:
   * tiles only when a whole frame's working set would exceed the memory
   * budget (al-limits.h), sized from it. See al-tiling.h. */
  guint             tile_side;
  /* In a series the TMD phase network runs on every this-many-th frame
   * (a key frame) and the frames up to the next one reuse its map: the
   * network is a third of a frame's analysis, and a phase boundary moves
   * over many frames (a change shows in the map up to this many frames
   * late; the atoms' descriptors still see it at once). 0:
   * AL_PIPELINE_PHASE_NET_EVERY; 1: every frame. */
  guint             phase_net_every;
  /* The (denoise) stage (denoise/al-denoise.h): off (default), on, or auto
   * (TMDs whose signal-to-noise ratio is below AL_DENOISE_AUTO_MAX_SNR).
   * A denoised frame is where the columns are found; for a TMD their
   * positions are then set by the local lattice (low-dose path,
   * detect/al-lattice-snap.h). Amplitudes, hence species (and, without
   * the lattice, positions), are measured on the raw frame unless
   * fit_on_denoised. */
  AlDenoiseMode     denoise;
  /* A denoiser (atomlens.task = denoise); NULL: the registry's for the
   * material (al_model_find). */
  const char       *denoise_model_path;
  gboolean          fit_on_denoised;
  /* Keep each frame's detection map (AlFrameResult.detection_map) for
   * display, when the run's maps (1 byte a pixel) take at most
   * 1 / AL_PIPELINE_MAP_BUDGET_PART of the memory budget; never for a
   * frame detected in tiles. */
  gboolean          keep_detection_map;
} AlPipelineParams;

#define AL_PIPELINE_MAP_BUDGET_PART 16

gboolean al_pipeline_keeps_detection_maps (const AlPipelineParams *params,
                                           guint                   n_frames,
                                           guint                   width,
                                           guint                   height);

#define AL_PIPELINE_PHASE_NET_EVERY 5

struct _AlFrameResult
{
  guint        frame;            /* index in the image */
  AlAtoms     *atoms;
  AlDetectInfo detect;           /* lattice, scales, species model */
  AlStructure *structure;        /* bonds, rings, strain, defects, phases (NULL if not run) */
  /* The denoised frame the columns were found on (width × height floats
   * in the frame's units, row-major; owned, freed with the result), or
   * NULL when this frame was not denoised. The app shows it as a layer. */
  float       *denoised;
  /* Signal-to-noise ratio (al_denoise_estimate_snr) the (denoise) stage
   * measured on this frame (also when auto mode then did not denoise);
   * 0: not measured (denoise off, or not a TMD in auto mode). */
  double       denoise_snr;
  gboolean     fitted_on_denoised; /* positions fitted on `denoised` */
  /* The detection map the columns were found on (with keep_detection_map),
   * or NULL; shared by reference (al_detect_map_ref). */
  AlDetectMap *detection_map;
};

typedef struct
{
  char   *stage;
  double  seconds;
} AlStageTiming;

typedef struct
{
  const AlMaterial *material;          /* the one used (guessed or given), or NULL */
  gboolean          material_guessed;
  double            pixel_size_nm;     /* of the first frame analysed; 0: unknown */
  AlPixelSizeSource pixel_size_source;
  guint             width;
  guint             height;
  GPtrArray        *frames;            /* AlFrameResult*, in frame order */
  GArray           *timings;           /* AlStageTiming, in first-run order */
  char             *model_path;        /* the atoms network used; NULL: classical path */
  guint             tile_side;         /* detection tile side (px); 0: whole frames */
  guint             n_tiles;           /* tiles per frame (0: whole frames) */
  AlDenoiseMode     denoise;           /* the (denoise) stage's mode, as asked */
  gboolean          fit_on_denoised;   /* as asked (frames not denoised: raw) */
  char             *denoise_model_path; /* the denoiser run, NULL: none */
  guint             n_denoised;        /* frames (or tiles) whose columns were found denoised */
} AlAnalysis;

void           al_pipeline_params_init  (AlPipelineParams       *params);
AlAnalysis    *al_pipeline_run          (const AlImage          *image,
                                         const AlPipelineParams *params,
                                         AlProgress             *progress,
                                         GCancellable           *cancellable,
                                         GError                **error);

/* The same, reading each frame from `source` when a worker starts on it:
 * a series larger than memory is analysed with n_workers frames in memory
 * (io/al-frame-source.h). Results equal al_pipeline_run() on the loaded
 * frames. */
AlAnalysis    *al_pipeline_run_source   (AlFrameSource          *source,
                                         const AlPipelineParams *params,
                                         AlProgress             *progress,
                                         GCancellable           *cancellable,
                                         GError                **error);

AlAnalysis    *al_analysis_new          (void);
void           al_analysis_free         (AlAnalysis             *analysis);
void           al_analysis_add_timing   (AlAnalysis             *analysis,
                                         const char             *stage,
                                         double                  seconds);
double         al_analysis_get_timing   (const AlAnalysis       *analysis,
                                         const char             *stage);
const char    *al_pixel_size_source_name (AlPixelSizeSource      source);

AlFrameResult *al_frame_result_new      (guint                   frame);
void           al_frame_result_free     (AlFrameResult          *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlAnalysis, al_analysis_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlFrameResult, al_frame_result_free)

G_END_DECLS
