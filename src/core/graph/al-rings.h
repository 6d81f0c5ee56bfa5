/* al-rings.h: AlRings, the faces of the planar bond graph.
 *
 * Walking each half-edge and turning to the next bond clockwise at every
 * atom traces every face once. In a honeycomb the faces are the hexagons;
 * defects show up as 5-, 7-, 8-, 9-rings (SW, 5-8-5, 5-7 dislocations,
 * reconstructed vacancies) and as 12- or 14-member faces around unrelaxed
 * vacancies. Faces longer than AL_RING_MAX_SIZE are open: they surround
 * vacuum or run along the border of the field of view.
 */
#pragma once

#include <glib.h>

#include "graph/al-bonds.h"

G_BEGIN_DECLS

#define AL_RING_MAX_SIZE 16

typedef struct
{
  guint     n_rings;       /* faces, open ones included */
  guint32  *size;          /* half-edges around the face */
  guint32  *offset;        /* members of face r: member[offset[r] .. offset[r] + size[r]) */
  guint32  *member;        /* atoms in walking order (an atom at a dangling bond appears twice) */
  double   *cx;            /* centre of the members, px */
  double   *cy;
  guint32  *face_of;       /* face of each half-edge of the AlBonds */
  guint     n_half_edges;
} AlRings;

AlRings *al_rings_find     (const AlBonds *bonds,
                            const AlAtoms *atoms);
void     al_rings_free     (AlRings       *rings);
guint    al_rings_histogram (const AlRings *rings,
                             guint         *counts,
                             guint          n_counts);

static inline gboolean
al_ring_is_open (const AlRings *rings,
                 guint          ring)
{
  return rings->size[ring] > AL_RING_MAX_SIZE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlRings, al_rings_free)

G_END_DECLS
