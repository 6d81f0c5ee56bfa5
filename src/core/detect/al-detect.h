/* al-detect.h: the detection stage: probability map (a network's, or the
 * classical Laplacian-of-Gaussian response) -> peaks -> sub-pixel
 * refinement on the raw image -> species, in one call.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-material.h"
#include "al-progress.h"
#include "detect/al-detect-map.h"
#include "detect/al-lattice-fft.h"
#include "detect/al-species.h"

G_BEGIN_DECLS

typedef struct
{
  const AlMaterial *material;        /* NULL: unknown; no species then */
  double            pixel_size_nm;   /* 0: from the lattice and the material */
  double            column_width_px; /* 0: measured on the image */
  /* The image the columns are fitted to (the raw frame when the map came
   * from a denoised one); NULL: the frame itself. */
  const float      *refine_frame;
  /* A network's output: n_channels maps of width × height, channel-major,
   * with channel_species[c] the species of channel c (-1: background). */
  const float      *prob_maps;
  guint             n_channels;
  const int        *channel_species;
  double            min_significance; /* amplitude over its standard error */
  /* Low dose (`frame` denoised, a TMD): columns are found and fitted on
   * `frame`, then placed on the sites of their local lattice, ghosts on
   * empty cosets dropped and empty sites of occupied ones filled
   * (al-lattice-snap.h); amplitudes, hence species, are measured on
   * refine_frame when it is given. */
  gboolean          lattice_snap;
  guint             n_threads;
  /* NULL, or receives the detection map for display (al-detect-map.h). */
  AlDetectMap     **keep_map;
} AlDetectParams;

/* The steps of al_detect_run, timed one by one for benchmarks. */
typedef enum
{
  AL_DETECT_STEP_NOISE,       /* pixel noise */
  AL_DETECT_STEP_LATTICE,     /* FFT lattice and neighbour distance */
  AL_DETECT_STEP_WIDTH,       /* column width on a central crop */
  AL_DETECT_STEP_MAP,         /* detection map */
  AL_DETECT_STEP_PEAKS,       /* candidate peaks */
  AL_DETECT_STEP_BACKGROUND,  /* smooth background */
  AL_DETECT_STEP_FIRST_FIT,   /* fit and prune of the candidates */
  AL_DETECT_STEP_RESIDUAL,    /* rounds of residual candidates */
  AL_DETECT_STEP_LAST_FIT,    /* width from profiles and the last fit */
  AL_DETECT_STEP_SITES,       /* lattice prior */
  AL_DETECT_STEP_SPECIES,     /* species */
  AL_DETECT_N_STEPS
} AlDetectStep;

typedef struct
{
  AlLattice      lattice;
  double         pixel_size_nm;    /* the one used (0 when unknown) */
  double         neighbour_px;     /* nearest-neighbour column distance */
  double         column_width_px;  /* Gaussian sigma of a column */
  double         noise_sigma;      /* pixel noise of the frame */
  guint          n_candidates;
  AlSpeciesModel species_model;
  /* Seconds spent: lattice and scales, map and peaks, fitting, species. */
  double         time_lattice_s;
  double         time_peaks_s;
  double         time_refine_s;
  double         time_species_s;
  /* Per step: wall seconds, CPU seconds of all threads, and CPU seconds of
   * the calling thread (which takes a share of every parallel step, so with
   * balanced shares its CPU time is the step's critical path). */
  double         step_wall_s[AL_DETECT_N_STEPS];
  double         step_cpu_s[AL_DETECT_N_STEPS];
  double         step_thread_cpu_s[AL_DETECT_N_STEPS];
} AlDetectInfo;

void        al_detect_params_init (AlDetectParams       *params);
const char *al_detect_step_name   (AlDetectStep          step);
AlAtoms    *al_detect_run         (const float          *frame,
                                   guint                 width,
                                   guint                 height,
                                   const AlDetectParams *params,
                                   AlDetectInfo         *info,
                                   AlProgress           *progress,
                                   GCancellable         *cancellable,
                                   GError              **error);

G_END_DECLS
