/* al-site-classify.h: TMD point defects read from the image at every site
 * of the locally fitted lattice.
 *
 * At 10⁴ e⁻/Å² atom finding misses faint chalcogen columns, cannot tell a
 * single S from an S2 column and sometimes takes a column for the wrong
 * species. Naming defects from the found species alone then turns every
 * missed column into a vacancy and misses V_S altogether. Here every site
 * of the lattice (each labelled atom, and each empty site of
 * al-empty-sites.h) is classified by the intensity the image shows there
 * (defects/al-site-intensity.h), compared with what each possible content
 * would show:
 *   chalcogen site: empty (V_S2), one chalcogen (V_S), the host column,
 *     a foreign chalcogen column (Te in WSe2: W_Mo), a metal (Mo_S2);
 *   metal site: empty (V_Mo), the host metal, a foreign metal (W_Mo).
 * Each content's expected amplitude is the local host reference (median of
 * the same sublattice's sites within a few lattice constants) scaled by its
 * Σ Zⁿ, with n measured from the ratio of the metal and chalcogen
 * references. The noise of an amplitude grows with its mean (Poisson
 * counts over a background): var = v₀ + g·μ, with v₀ and g fitted to the
 * spread of the two host sublattices. Each site takes the content of
 * largest posterior (Gaussian likelihood with that variance, and a small
 * prior on each defect), so the call is a likelihood ratio against the
 * host, not a fixed intensity fraction.
 *
 * A second, independent measure enters the likelihood: the size of the
 * triangle of a site's three found neighbours, against the same
 * sublattice around it. Around a vacancy the neighbours relax inwards,
 * around a metal on a chalcogen site outwards; each content's shift is
 * learnt by the same EM (empty and partly filled sites share one), so an
 * image whose defects do not relax is read by intensity alone. At 10⁴
 * e⁻/Å², where a single S and S2 overlap in intensity, this is what makes
 * V_S findable at all (simulated WS2: F1 0 → 0.58). Two things bias the
 * triangle, and both are learnt and taken out (al-site-model.h): where
 * detection found no column, it fitted the neighbours without one, so
 * what the site holds pulled them inwards (an S2 column detection missed
 * read as a vacancy: about half the ~140 false V_S per 1024² MoS2 image
 * at 10⁴); and neighbours found a little inwards take some of the site's
 * intensity, so triangle and amplitude err together.
 *
 * Atoms get the species their site was read as (unless set by hand), so
 * atoms.csv and defects.csv agree.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "defects/al-defects.h"
#include "graph/al-bonds.h"
#include "strain/al-honeycomb.h"

G_BEGIN_DECLS

typedef struct
{
  const float *frame;
  guint        width;
  guint        height;
} AlSiteFrame;

gboolean al_site_defects_find (AlAtoms                 *atoms,
                               const AlBonds           *bonds,
                               const AlHoneycombLabels *labels,
                               const GArray            *empty_sites,
                               const AlMaterial        *material,
                               const guint8            *excluded,
                               const AlSiteFrame       *image,
                               guint                    frame,
                               AlDefects               *defects);

G_END_DECLS
