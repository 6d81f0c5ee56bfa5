/* al-edit.c: the hand corrections as undoable steps. Each step keeps the
 * atoms it touches as they were, so undoing restores them bit for bit;
 * every index is checked before use, so a step read from a hostile file
 * cannot write out of bounds. */
#include "al-document-private.h"

#include <math.h>
#include <string.h>

static const struct
{
  const char *name;   /* in the file */
  const char *label;  /* for people */
} kinds[AL_N_EDIT_KINDS] = {
  [AL_EDIT_ADD_ATOM] = { "add-atom", "Add atom" },
  [AL_EDIT_MOVE_ATOM] = { "move-atom", "Move atom" },
  [AL_EDIT_DELETE_ATOMS] = { "delete-atoms", "Delete atoms" },
  [AL_EDIT_SET_SPECIES] = { "set-species", "Set species" },
  [AL_EDIT_SET_DEFECT_TYPE] = { "set-defect-type", "Change defect type" },
  [AL_EDIT_MARK_FALSE_DEFECT] = { "mark-false-defect", "Mark false defect" },
};

AlEdit *
al_edit_new (AlEditKind kind,
             guint      frame,
             guint      n)
{
  AlEdit *e = g_new0 (AlEdit, 1);

  e->kind = kind;
  e->frame = frame;
  e->n = n;
  e->indices = g_new0 (guint32, MAX (n, 1));
  e->before = g_new0 (AlAtomRecord, MAX (n, 1));
  e->defect_id = -1;
  return e;
}

AlEdit *
al_edit_copy (const AlEdit *edit)
{
  AlEdit *e = al_edit_new (edit->kind, edit->frame, edit->n);

  memcpy (e->indices, edit->indices, edit->n * sizeof *e->indices);
  memcpy (e->before, edit->before, edit->n * sizeof *e->before);
  e->x = edit->x, e->y = edit->y;
  e->value = edit->value;
  e->defect_id = edit->defect_id;
  e->serial = edit->serial;
  return e;
}

void
al_edit_free (AlEdit *edit)
{
  if (edit == NULL)
    return;
  g_free (edit->indices);
  g_free (edit->before);
  g_free (edit);
}

const char *
al_edit_kind_name (AlEditKind kind)
{
  g_return_val_if_fail (kind < AL_N_EDIT_KINDS, NULL);
  return kinds[kind].name;
}

int
al_edit_kind_from_name (const char *name)
{
  for (guint k = 0; name != NULL && k < AL_N_EDIT_KINDS; k++)
    if (strcmp (name, kinds[k].name) == 0)
      return (int) k;
  return -1;
}

const char *
al_edit_label (const AlEdit *edit)
{
  return kinds[edit->kind].label;
}

static gboolean
indices_fit (const AlEdit  *e,
             const AlAtoms *atoms)
{
  for (guint k = 0; k < e->n; k++)
    if (e->indices[k] >= atoms->n_atoms)
      return FALSE;
  return TRUE;
}

/* Deletions must name distinct atoms in rising order, so that removing from
 * the top and inserting from the bottom are exact inverses. */
static gboolean
indices_rise (const AlEdit *e)
{
  for (guint k = 1; k < e->n; k++)
    if (e->indices[k] <= e->indices[k - 1])
      return FALSE;
  return TRUE;
}

static void
deleted_push (AlDocumentFrame    *f,
              const AlAtomRecord *r)
{
  /* Only what the analysis found needs remembering: an atom added by hand
   * and deleted again would not come back anyway. */
  if (r->flags & AL_ATOM_ADDED_BY_HAND)
    return;
  g_array_append_val (f->deleted, r->x);
  g_array_append_val (f->deleted, r->y);
}

static guint
n_deleted_found (const AlEdit *e)
{
  guint n = 0;

  for (guint k = 0; k < e->n; k++)
    n += (e->before[k].flags & AL_ATOM_ADDED_BY_HAND) == 0;
  return n;
}

gboolean
al_edit_apply (const AlEdit    *e,
               AlDocumentFrame *f)
{
  AlAtoms *atoms = f != NULL ? f->atoms : NULL;

  if (atoms == NULL)
    return FALSE;
  switch (e->kind)
    {
    case AL_EDIT_ADD_ATOM:
      if (e->n != 1 || e->indices[0] > atoms->n_atoms || atoms->n_atoms >= AL_DOCUMENT_MAX_ATOMS)
        return FALSE;
      al_atom_record_insert (atoms, e->indices[0], &e->before[0]);
      return TRUE;
    case AL_EDIT_DELETE_ATOMS:
      if (!indices_fit (e, atoms) || !indices_rise (e))
        return FALSE;
      for (guint k = e->n; k-- > 0;)
        al_atoms_remove (atoms, e->indices[k]);
      for (guint k = 0; k < e->n; k++)
        deleted_push (f, &e->before[k]);
      return TRUE;
    case AL_EDIT_MOVE_ATOM:
      if (e->n != 1 || !indices_fit (e, atoms))
        return FALSE;
      atoms->x[e->indices[0]] = e->x;
      atoms->y[e->indices[0]] = e->y;
      atoms->flags[e->indices[0]] |= AL_ATOM_MOVED_BY_HAND;
      return TRUE;
    case AL_EDIT_SET_SPECIES:
    case AL_EDIT_SET_DEFECT_TYPE:
    case AL_EDIT_MARK_FALSE_DEFECT:
      if (!indices_fit (e, atoms))
        return FALSE;
      for (guint k = 0; k < e->n; k++)
        {
          guint i = e->indices[k];
          if (e->kind == AL_EDIT_SET_SPECIES)
            {
              atoms->species[i] = (gint16) e->value;
              atoms->flags[i] |= AL_ATOM_CLASS_BY_HAND;
            }
          else
            {
              atoms->defect_type[i] = e->kind == AL_EDIT_MARK_FALSE_DEFECT ? AL_DEFECT_NONE
                                                                           : (gint16) e->value;
              if (e->kind == AL_EDIT_MARK_FALSE_DEFECT)
                atoms->defect_id[i] = -1;
              atoms->flags[i] |= AL_ATOM_DEFECT_BY_HAND;
            }
        }
      return TRUE;
    default:
      return FALSE;
    }
}

gboolean
al_edit_revert (const AlEdit    *e,
                AlDocumentFrame *f)
{
  AlAtoms *atoms = f != NULL ? f->atoms : NULL;
  guint n_found;

  if (atoms == NULL)
    return FALSE;
  switch (e->kind)
    {
    case AL_EDIT_ADD_ATOM:
      if (e->n != 1 || !indices_fit (e, atoms))
        return FALSE;
      al_atoms_remove (atoms, e->indices[0]);
      return TRUE;
    case AL_EDIT_DELETE_ATOMS:
      n_found = n_deleted_found (e);
      if (!indices_rise (e) || f->deleted->len < 2 * n_found
          || atoms->n_atoms + e->n > AL_DOCUMENT_MAX_ATOMS)
        return FALSE;
      /* Inserting from the bottom, the k-th goes at most after the k before it. */
      for (guint k = 0; k < e->n; k++)
        if (e->indices[k] > atoms->n_atoms + k)
          return FALSE;
      for (guint k = 0; k < e->n; k++)
        al_atom_record_insert (atoms, e->indices[k], &e->before[k]);
      g_array_set_size (f->deleted, f->deleted->len - 2 * n_found);
      return TRUE;
    case AL_EDIT_MOVE_ATOM:
    case AL_EDIT_SET_SPECIES:
    case AL_EDIT_SET_DEFECT_TYPE:
    case AL_EDIT_MARK_FALSE_DEFECT:
      if (!indices_fit (e, atoms))
        return FALSE;
      for (guint k = 0; k < e->n; k++)
        al_atom_record_put (atoms, e->indices[k], &e->before[k]);
      return TRUE;
    default:
      return FALSE;
    }
}
