/* al-crlb.h: the Cramér–Rao lower bound on the position of each column of
 * a HAADF image, from the Fisher information of the simulator's image
 * model (Poisson counts plus Gaussian detector noise).
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"

G_BEGIN_DECLS

/* The image model a truth was made with (TRUTH.json). */
typedef struct
{
  guint    width, height;
  double   pixel_size_nm;
  double   dose;              /* e⁻/Å² */
  double   probe_sigma_nm;
  double   tail_sigma_nm;
  double   tail_fraction;
  double   background;        /* fraction of the beam per pixel */
  double   detector_noise;    /* counts rms */
  gboolean haadf;             /* FALSE: HRTEM, no bound */
  char    *material;
} AlImageModel;

void     al_image_model_clear (AlImageModel  *model);
/* Reads TRUTH.json as written by al_sim_result_write_truth(). */
gboolean al_image_model_load  (AlImageModel  *model,
                               const char    *path,
                               GError       **error);

/* For every atom of `atoms` (one frame; intensity = its integrated counts):
 * the bound on the standard deviation of an unbiased estimate of x and of
 * y, in pixels, with the column's amplitude and width known and the other
 * columns as part of the mean. */
void     al_crlb_columns      (const AlImageModel *model,
                               const AlAtoms      *atoms,
                               double             *crlb_x,
                               double             *crlb_y);

G_END_DECLS
