/* al-detect.h: the detection stage: probability map (a network's, or the
 * classical Laplacian-of-Gaussian response) -> peaks -> sub-pixel
 * refinement on the raw image -> species, in one call.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-material.h"
#include "al-progress.h"
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
  guint             n_threads;
} AlDetectParams;

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
} AlDetectInfo;

void     al_detect_params_init (AlDetectParams       *params);
AlAtoms *al_detect_run         (const float          *frame,
                                guint                 width,
                                guint                 height,
                                const AlDetectParams *params,
                                AlDetectInfo         *info,
                                AlProgress           *progress,
                                GCancellable         *cancellable,
                                GError              **error);

G_END_DECLS
