/* al-document-hand-labels.c: what the user set by hand survives a
 * recomputed structure: defects relabelled or marked false keep their
 * label, species set by hand stay (see al_document_set_structure). */
#include "al-document-private.h"

/* A recomputed defect takes the hand label of its members (removed, FALSE,
 * when they were marked false, else given the type set by hand) when at
 * least half of them carry one: neighbouring defects share member atoms,
 * and one relabelled by hand must not drag its neighbour along. */
static gboolean
defect_follows_hand (AlDefect        *d,
                     const AlDefects *defects,
                     const AlAtoms   *atoms)
{
  const guint32 *m = al_defect_members (defects, d);
  guint by_hand = 0;
  gint64 first = -1;

  for (guint k = 0; k < d->n_members; k++)
    if (m[k] < atoms->n_atoms && (atoms->flags[m[k]] & AL_ATOM_DEFECT_BY_HAND))
      {
        by_hand++;
        if (first < 0)
          first = m[k];
      }
  if (first < 0 || 2 * by_hand < d->n_members)
    return TRUE;
  if (atoms->defect_type[first] == AL_DEFECT_NONE)
    return FALSE;
  d->type = atoms->defect_type[first];
  return TRUE;
}

void
al_document_follow_hand (AlAtoms       *atoms,
                         const AlAtoms *analysed,
                         AlStructure   *structure)
{
  if (structure->defects != NULL)
    for (guint d = al_defects_len (structure->defects); d-- > 0;)
      if (!defect_follows_hand (al_defects_get (structure->defects, d), structure->defects, atoms))
        g_array_remove_index (structure->defects->defects, d);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      atoms->coordination[i] = analysed->coordination[i];
      /* In a TMD the structure stage reads each site's species from the
       * image (defects/al-site-classify.h); a species set by hand stays. */
      if (!(atoms->flags[i] & AL_ATOM_CLASS_BY_HAND))
        atoms->species[i] = analysed->species[i];
      if (atoms->flags[i] & AL_ATOM_DEFECT_BY_HAND)
        {
          /* A relabelled defect keeps its label under its new number. */
          if (atoms->defect_type[i] != AL_DEFECT_NONE)
            atoms->defect_id[i] = analysed->defect_id[i];
          continue;
        }
      atoms->defect_id[i] = analysed->defect_id[i];
      atoms->defect_type[i] = analysed->defect_type[i];
    }
}
