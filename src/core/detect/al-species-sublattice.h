/* al-species-sublattice.h: species on a two-species honeycomb (hBN) by
 * sublattice. One grain's two sublattices hold one species each, so which
 * holds which is decided once per grain, by the summed intensity of all its
 * columns, where one column's intensity is far too noisy to say (hBN at
 * 10⁴ e⁻/Å²: B and N are a fraction of a standard error apart). A column
 * leaves its sublattice's species only when its own intensity outweighs
 * the prior odds of an antisite.
 */
#pragma once

#include <glib.h>

#include "al-material.h"

G_BEGIN_DECLS

/* Re-assigns `species` and `confidence` of the columns whose `labels`
 * (AL_HONEYCOMB_LABEL, -1 for none; see al-site-fill-honeycomb.h) place
 * them on a grain's sublattice, for materials whose two sites hold
 * different one-atom species. Grains whose sublattices do not differ
 * significantly, and columns on no site, keep what they have. Returns how
 * many columns were assigned by sublattice. */
guint al_species_by_sublattice (const AlMaterial *material,
                                const double     *intensity,
                                const gint8      *labels,
                                guint             n_columns,
                                gint16           *species,
                                float            *confidence);

G_END_DECLS
