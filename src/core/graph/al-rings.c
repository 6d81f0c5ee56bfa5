/* al-rings.c: faces of the bond graph by half-edge traversal. */
#include "graph/al-rings.h"

#define AL_RING_NONE G_MAXUINT32

/* The half-edge that leaves the head of `h` next clockwise from its twin:
 * neighbours are sorted by increasing angle, so it is the one before. */
static guint32
next_half_edge (const AlBonds *bonds,
                guint32        h)
{
  guint32 t = bonds->twin[h];
  guint32 v = bonds->neighbour[h];
  guint32 start = bonds->offset[v], end = bonds->offset[v + 1];

  return t == start ? end - 1 : t - 1;
}

AlRings *
al_rings_find (const AlBonds *bonds,
               const AlAtoms *atoms)
{
  AlRings *rings = g_new0 (AlRings, 1);
  guint32 n_half = 2 * bonds->n_bonds;
  GArray *size = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *offset = g_array_new (FALSE, FALSE, sizeof (guint32));
  GArray *member = g_array_sized_new (FALSE, FALSE, sizeof (guint32), n_half);
  GArray *cx = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *cy = g_array_new (FALSE, FALSE, sizeof (double));

  rings->n_half_edges = n_half;
  rings->face_of = g_new (guint32, n_half + 1);
  for (guint32 h = 0; h < n_half; h++)
    rings->face_of[h] = AL_RING_NONE;

  /* Every half-edge belongs to exactly one face, so the walks together
   * take O(bonds) steps. */
  for (guint32 h0 = 0; h0 < n_half; h0++)
    {
      guint32 face = size->len, n = 0, h = h0;
      double sx = 0.0, sy = 0.0;
      guint32 first = member->len;

      if (rings->face_of[h0] != AL_RING_NONE)
        continue;
      do
        {
          guint32 tail = bonds->neighbour[bonds->twin[h]];
          rings->face_of[h] = face;
          g_array_append_val (member, tail);
          sx += atoms->x[tail];
          sy += atoms->y[tail];
          n++;
          h = next_half_edge (bonds, h);
        }
      while (h != h0 && rings->face_of[h] == AL_RING_NONE);
      g_array_append_val (size, n);
      g_array_append_val (offset, first);
      sx /= n;
      sy /= n;
      g_array_append_val (cx, sx);
      g_array_append_val (cy, sy);
    }
  rings->n_rings = size->len;
  rings->size = (guint32 *) g_array_free (size, FALSE);
  rings->offset = (guint32 *) g_array_free (offset, FALSE);
  rings->member = (guint32 *) g_array_free (member, FALSE);
  rings->cx = (double *) g_array_free (cx, FALSE);
  rings->cy = (double *) g_array_free (cy, FALSE);
  return rings;
}

void
al_rings_free (AlRings *rings)
{
  if (rings == NULL)
    return;
  g_free (rings->size);
  g_free (rings->offset);
  g_free (rings->member);
  g_free (rings->cx);
  g_free (rings->cy);
  g_free (rings->face_of);
  g_free (rings);
}

/* counts[k] = number of closed rings of size k (k < n_counts); returns the
 * number of open faces. */
guint
al_rings_histogram (const AlRings *rings,
                    guint         *counts,
                    guint          n_counts)
{
  guint n_open = 0;

  for (guint k = 0; k < n_counts; k++)
    counts[k] = 0;
  for (guint r = 0; r < rings->n_rings; r++)
    {
      if (al_ring_is_open (rings, r))
        n_open++;
      else if (rings->size[r] < n_counts)
        counts[rings->size[r]]++;
    }
  return n_open;
}
