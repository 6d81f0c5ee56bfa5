/* al-atoms.c: growable structure-of-arrays storage for atomic columns. */
#include "al-atoms.h"

#include <string.h>

/* Apply one statement to each column array, with its element size. */
#define AL_ATOMS_FOREACH_ARRAY(atoms, DO) \
  DO ((atoms)->x);                        \
  DO ((atoms)->y);                        \
  DO ((atoms)->sigma_x);                  \
  DO ((atoms)->sigma_y);                  \
  DO ((atoms)->species);                  \
  DO ((atoms)->confidence);               \
  DO ((atoms)->intensity);                \
  DO ((atoms)->width);                    \
  DO ((atoms)->flags);                    \
  DO ((atoms)->coordination);             \
  DO ((atoms)->defect_id);                \
  DO ((atoms)->defect_type)

static void
al_atoms_reserve (AlAtoms *atoms,
                  guint    capacity)
{
  if (capacity <= atoms->capacity)
    return;
#define GROW(arr) arr = g_realloc_n (arr, capacity, sizeof *(arr))
  AL_ATOMS_FOREACH_ARRAY (atoms, GROW);
#undef GROW
  atoms->capacity = capacity;
}

AlAtoms *
al_atoms_new (guint capacity)
{
  AlAtoms *atoms = g_new0 (AlAtoms, 1);

  al_atoms_reserve (atoms, MAX (capacity, 16));
  return atoms;
}

AlAtoms *
al_atoms_copy (const AlAtoms *atoms)
{
  AlAtoms *copy;

  g_return_val_if_fail (atoms != NULL, NULL);
  copy = al_atoms_new (atoms->n_atoms);
  copy->n_atoms = atoms->n_atoms;
#define COPY_ARR(arr) memcpy (copy->arr, atoms->arr, atoms->n_atoms * sizeof *(atoms->arr))
  COPY_ARR (x);
  COPY_ARR (y);
  COPY_ARR (sigma_x);
  COPY_ARR (sigma_y);
  COPY_ARR (species);
  COPY_ARR (confidence);
  COPY_ARR (intensity);
  COPY_ARR (width);
  COPY_ARR (flags);
  COPY_ARR (coordination);
  COPY_ARR (defect_id);
  COPY_ARR (defect_type);
#undef COPY_ARR
  return copy;
}

void
al_atoms_free (AlAtoms *atoms)
{
  if (atoms == NULL)
    return;
  AL_ATOMS_FOREACH_ARRAY (atoms, g_free);
  g_free (atoms);
}

/* Adds an atom with neutral defaults for everything but its position and
 * species; returns its index. */
guint
al_atoms_append (AlAtoms *atoms,
                 double   x,
                 double   y,
                 int      species)
{
  guint i;

  g_return_val_if_fail (atoms != NULL, 0);
  if (atoms->n_atoms == atoms->capacity)
    al_atoms_reserve (atoms, atoms->capacity * 2);
  i = atoms->n_atoms++;
  atoms->x[i] = x;
  atoms->y[i] = y;
  atoms->sigma_x[i] = 0.0f;
  atoms->sigma_y[i] = 0.0f;
  atoms->species[i] = (gint16) species;
  atoms->confidence[i] = 1.0f;
  atoms->intensity[i] = 0.0f;
  atoms->width[i] = 0.0f;
  atoms->flags[i] = AL_ATOM_FOUND;
  atoms->coordination[i] = 0;
  atoms->defect_id[i] = -1;
  atoms->defect_type[i] = AL_DEFECT_NONE;
  return i;
}

/* Removes atom `index`, keeping the order of the others (indices above it
 * shift down by one, as bonds and selections expect). */
void
al_atoms_remove (AlAtoms *atoms,
                 guint    index)
{
  guint tail;

  g_return_if_fail (atoms != NULL && index < atoms->n_atoms);
  tail = atoms->n_atoms - index - 1;
#define SHIFT(arr) memmove (&(arr)[index], &(arr)[index + 1], tail * sizeof *(arr))
  AL_ATOMS_FOREACH_ARRAY (atoms, SHIFT);
#undef SHIFT
  atoms->n_atoms--;
}
