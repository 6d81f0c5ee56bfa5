/* al-ring-patterns.c: greedy split of a cluster's odd rings into named
 * defects. */
#include "defects/al-ring-patterns.h"

#define AL_PATTERN_MAX_RINGS 6

/* Two rings are neighbours when they share a bond: two atoms. */
static gboolean
rings_share_bond (const AlRings *rings,
                  guint32        r1,
                  guint32        r2)
{
  const guint32 *m1 = rings->member + rings->offset[r1], *m2 = rings->member + rings->offset[r2];
  guint shared = 0;

  for (guint i = 0; i < rings->size[r1]; i++)
    for (guint j = 0; j < rings->size[r2]; j++)
      if (m1[i] == m2[j])
        {
          shared++;
          break;
        }
  return shared >= 2;
}

/* An unused ring of `size` sharing a bond with one of `with`, or -1. */
static int
find_neighbour (const AlRings *rings,
                const guint32 *ids,
                guint          n_ids,
                const gboolean *used,
                guint          size,
                const guint32 *with,
                guint          n_with)
{
  for (guint k = 0; k < n_ids; k++)
    {
      if (used[k] || rings->size[ids[k]] != size)
        continue;
      for (guint w = 0; w < n_with; w++)
        if (ids[k] != with[w] && rings_share_bond (rings, ids[k], with[w]))
          return (int) k;
    }
  return -1;
}

static void
emit (const AlAtoms *atoms,
      const AlRings *rings,
      const guint32 *chosen,
      guint          n_chosen,
      AlDefectType   type,
      guint          frame,
      AlDefects     *defects)
{
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  double x = 0.0, y = 0.0;

  for (guint c = 0; c < n_chosen; c++)
    {
      const guint32 *m = rings->member + rings->offset[chosen[c]];
      x += rings->cx[chosen[c]];
      y += rings->cy[chosen[c]];
      for (guint k = 0; k < rings->size[chosen[c]]; k++)
        if (g_hash_table_add (seen, GUINT_TO_POINTER (m[k] + 1)))
          g_array_append_val (members, m[k]);
    }
  /* The middle of the pattern: for 5-8-5 and 55-77 the mean of the ring
   * centres is the middle of the missing pair or the turned bond. */
  al_defects_add (defects, type, frame, x / n_chosen, y / n_chosen,
                  (const guint32 *) members->data, members->len);
  (void) atoms;
}

/* Emits the defects found among the rings `ring_ids` (closed, not
 * hexagons) of one cluster; returns how many. */
guint
al_ring_patterns_emit (const AlAtoms *atoms,
                       const AlRings *rings,
                       const guint32 *ids,
                       guint          n_ids,
                       guint          frame,
                       AlDefects     *defects)
{
  g_autofree gboolean *used = g_new0 (gboolean, n_ids + 1);
  guint n_emitted = 0;

  for (guint size = AL_RING_MAX_SIZE; size >= 7; size--)
    for (guint k = 0; k < n_ids; k++)
      {
        guint32 chosen[AL_PATTERN_MAX_RINGS];
        guint n_chosen = 0;
        AlDefectType type = AL_DEFECT_NONE;
        int a, b;

        if (used[k] || rings->size[ids[k]] != size)
          continue;
        chosen[n_chosen++] = ids[k];
        used[k] = TRUE;
        if (size == 14)
          type = AL_DEFECT_V2_585;
        else if (size == 12)
          type = AL_DEFECT_V1;
        else if (size == 9 && (a = find_neighbour (rings, ids, n_ids, used, 5, chosen, 1)) >= 0)
          {
            used[a] = TRUE;
            chosen[n_chosen++] = ids[a];
            type = AL_DEFECT_V1;
          }
        else if (size == 8 && (a = find_neighbour (rings, ids, n_ids, used, 5, chosen, 1)) >= 0)
          {
            used[a] = TRUE;
            chosen[n_chosen++] = ids[a];
            if ((b = find_neighbour (rings, ids, n_ids, used, 5, chosen, 1)) >= 0)
              {
                used[b] = TRUE;
                chosen[n_chosen++] = ids[b];
              }
            type = AL_DEFECT_V2_585;
          }
        else if (size == 7)
          {
            int h2 = find_neighbour (rings, ids, n_ids, used, 7, chosen, 1);
            if (h2 >= 0)
              {
                used[h2] = TRUE;
                chosen[n_chosen++] = ids[h2];
              }
            while (n_chosen < 4 && (a = find_neighbour (rings, ids, n_ids, used, 5, chosen, n_chosen)) >= 0)
              {
                used[a] = TRUE;
                chosen[n_chosen++] = ids[a];
              }
            if (h2 >= 0 && n_chosen == 4)
              type = AL_DEFECT_SW;
            else if (n_chosen >= 2)
              type = AL_DEFECT_DISLOCATION_57;
          }
        if (type == AL_DEFECT_NONE)
          {
            /* Not a pattern: give back the rings it took. */
            for (guint c = 0; c < n_chosen; c++)
              for (guint q = 0; q < n_ids; q++)
                if (ids[q] == chosen[c])
                  used[q] = FALSE;
            used[k] = TRUE;  /* but do not start from this ring again */
            continue;
          }
        emit (atoms, rings, chosen, n_chosen, type, frame, defects);
        n_emitted++;
      }
  return n_emitted;
}
