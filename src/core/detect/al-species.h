/* al-species.h: the species of each column from its integrated intensity,
 * when no network says it: a Gaussian mixture whose component means follow
 * the material's Σ Zⁿ (HAADF Z-contrast), with one free scale and the
 * exponent n measured on the image's two dominant columns.
 */
#pragma once

#include <gio/gio.h>

#include "al-material.h"

G_BEGIN_DECLS

typedef struct
{
  double scale;      /* intensity per unit Σ Zⁿ */
  double exponent;   /* n */
  double noise[2];   /* variance = noise[0] + noise[1] · mean */
} AlSpeciesModel;

gboolean al_species_classify (const double     *intensity,
                              guint             n_columns,
                              const AlMaterial *material,
                              gint16           *species,
                              float            *confidence,
                              AlSpeciesModel   *model,
                              GCancellable     *cancellable);

void     al_species_two_class (const double     *intensity,
                               guint             n_columns,
                               double            mean[2],
                               double            var[2]);

G_END_DECLS
