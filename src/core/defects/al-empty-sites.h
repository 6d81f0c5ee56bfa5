/* al-empty-sites.h: vacancies as empty sites of the locally fitted lattice.
 *
 * Each labelled atom predicts where its three nearest neighbours should be,
 * using its own local lattice map (so strain and rotation do not move the
 * prediction); a prediction with no atom near it is a candidate. A candidate
 * is a vacancy when at least two atoms predict it and it is enclosed: at
 * least `min_shell` of its six second-neighbour sites hold atoms (at an
 * edge, half of them would be vacuum; AL_EMPTY_SITE_MIN_SHELL when atoms
 * are all there is, fewer when the image is read at each site, so that a
 * missed column next door does not hide a vacancy). Reconstruction moves the atoms around a vacancy by a fraction of
 * a bond, well inside the tolerances below.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "graph/al-bonds.h"
#include "strain/al-honeycomb.h"

G_BEGIN_DECLS

#define AL_EMPTY_SITE_MAX_VOTERS 6
#define AL_EMPTY_SITE_MIN_SHELL 5
#define AL_EMPTY_SITE_MIN_SHELL_IMAGE 3

typedef struct
{
  double  x, y;          /* px */
  gint32  n1, n2;
  gint8   sub;
  guint8  n_voters;
  guint32 voters[AL_EMPTY_SITE_MAX_VOTERS];  /* atoms next to the site */
} AlEmptySite;

GArray *al_empty_sites_find (const AlAtoms         *atoms,
                             const AlBonds         *bonds,
                             const AlHoneycombLabels *labels,
                             const AlHoneycomb       *lattice,
                             guint                    min_shell);

G_END_DECLS
