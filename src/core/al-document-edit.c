/* al-document-edit.c: the hand corrections of the public API: each checks
 * its arguments, records the touched atoms as they are, and hands the step
 * to the history. */
#include "al-document-private.h"

#include <math.h>
#include <stdlib.h>

#include "al-error.h"

static AlAtoms *
frame_atoms (AlDocument *doc,
             guint       frame,
             GError    **error)
{
  AlDocumentFrame *f = al_document_state_frame (al_document_get_state (doc), frame);

  if (f == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "There is no frame %u", frame + 1);
      return NULL;
    }
  if (f->atoms == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Frame %u has not been analysed yet", frame + 1);
      return NULL;
    }
  return f->atoms;
}

static gboolean
position_ok (AlDocument *doc,
             double      x,
             double      y,
             GError    **error)
{
  AlImage *image = al_document_get_image (doc);

  /* Centres may sit up to half a pixel outside the outermost pixel centres. */
  if (!isfinite (x) || !isfinite (y) || x < -0.5 || y < -0.5 || x > image->width - 0.5
      || y > image->height - 0.5)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "(%g, %g) lies outside the %u × %u image", x, y, image->width, image->height);
      return FALSE;
    }
  return TRUE;
}

static gboolean
species_ok (AlDocument *doc,
            int         species,
            GError    **error)
{
  const AlMaterial *m = al_document_get_material (doc);
  int n = m != NULL ? (int) m->n_species : AL_MAX_SPECIES;

  if (species < 0 || species >= n)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "There is no species %d in %s",
                   species, m != NULL ? m->label : "this material");
      return FALSE;
    }
  return TRUE;
}

static int
compare_guint32 (const void *a,
                 const void *b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return (x > y) - (x < y);
}

/* A step over `indices` (sorted, without repeats) remembering those atoms. */
static AlEdit *
edit_for (AlEditKind     kind,
          guint          frame,
          const AlAtoms *atoms,
          const guint   *indices,
          guint          n_indices,
          GError       **error)
{
  AlEdit *e = al_edit_new (kind, frame, n_indices);
  guint n = 0;

  for (guint k = 0; k < n_indices; k++)
    {
      if (indices[k] >= atoms->n_atoms)
        {
          g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                       "There is no atom %u in frame %u (it has %u)", indices[k], frame + 1,
                       atoms->n_atoms);
          al_edit_free (e);
          return NULL;
        }
      e->indices[k] = indices[k];
    }
  qsort (e->indices, n_indices, sizeof *e->indices, compare_guint32);
  for (guint k = 0; k < n_indices; k++)
    if (n == 0 || e->indices[k] != e->indices[n - 1])
      e->indices[n++] = e->indices[k];
  e->n = n;
  for (guint k = 0; k < n; k++)
    al_atom_record_get (atoms, e->indices[k], &e->before[k]);
  return e;
}

gboolean
al_document_add_atom (AlDocument *doc,
                      guint       frame,
                      double      x,
                      double      y,
                      int         species,
                      guint      *index,
                      GError    **error)
{
  AlAtoms *atoms;
  AlEdit *e;
  AlAtomRecord *r;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  if ((atoms = frame_atoms (doc, frame, error)) == NULL || !position_ok (doc, x, y, error)
      || !species_ok (doc, species, error))
    return FALSE;
  e = al_edit_new (AL_EDIT_ADD_ATOM, frame, 1);
  e->indices[0] = atoms->n_atoms;
  r = &e->before[0];
  *r = (AlAtomRecord) { .x = x, .y = y, .species = (gint16) species, .confidence = 1.0f,
                        .flags = AL_ATOM_ADDED_BY_HAND, .defect_id = -1,
                        .defect_type = AL_DEFECT_NONE };
  if (index != NULL)
    *index = atoms->n_atoms;
  al_document_push_edit (doc, e);
  return TRUE;
}

gboolean
al_document_move_atom (AlDocument *doc,
                       guint       frame,
                       guint       index,
                       double      x,
                       double      y,
                       GError    **error)
{
  AlAtoms *atoms;
  AlEdit *e;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  if ((atoms = frame_atoms (doc, frame, error)) == NULL || !position_ok (doc, x, y, error)
      || (e = edit_for (AL_EDIT_MOVE_ATOM, frame, atoms, &index, 1, error)) == NULL)
    return FALSE;
  e->x = x, e->y = y;
  al_document_push_edit (doc, e);
  return TRUE;
}

gboolean
al_document_delete_atoms (AlDocument  *doc,
                          guint        frame,
                          const guint *indices,
                          guint        n_indices,
                          GError     **error)
{
  AlAtoms *atoms;
  AlEdit *e;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (indices != NULL || n_indices == 0, FALSE);
  if ((atoms = frame_atoms (doc, frame, error)) == NULL
      || (e = edit_for (AL_EDIT_DELETE_ATOMS, frame, atoms, indices, n_indices, error)) == NULL)
    return FALSE;
  al_document_push_edit (doc, e);
  return TRUE;
}

gboolean
al_document_set_species (AlDocument  *doc,
                         guint        frame,
                         const guint *indices,
                         guint        n_indices,
                         int          species,
                         GError     **error)
{
  AlAtoms *atoms;
  AlEdit *e;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  g_return_val_if_fail (indices != NULL || n_indices == 0, FALSE);
  if ((atoms = frame_atoms (doc, frame, error)) == NULL || !species_ok (doc, species, error)
      || (e = edit_for (AL_EDIT_SET_SPECIES, frame, atoms, indices, n_indices, error)) == NULL)
    return FALSE;
  e->value = species;
  al_document_push_edit (doc, e);
  return TRUE;
}

/* A step over the member atoms of defect `defect_id`. */
static AlEdit *
defect_edit (AlDocument *doc,
             AlEditKind  kind,
             guint       frame,
             int         defect_id,
             GError    **error)
{
  AlAtoms *atoms = frame_atoms (doc, frame, error);
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (guint));
  AlEdit *e;

  if (atoms == NULL)
    return NULL;
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->defect_id[i] == defect_id)
      g_array_append_val (members, i);
  if (defect_id < 0 || members->len == 0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "There is no defect %d in frame %u",
                   defect_id, frame + 1);
      return NULL;
    }
  e = edit_for (kind, frame, atoms, (const guint *) members->data, members->len, error);
  if (e != NULL)
    e->defect_id = defect_id;
  return e;
}

gboolean
al_document_set_defect_type (AlDocument  *doc,
                             guint        frame,
                             int          defect_id,
                             AlDefectType type,
                             GError     **error)
{
  AlEdit *e;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  if (type <= AL_DEFECT_NONE || type >= AL_N_DEFECT_TYPES)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "%d is not a defect type", type);
      return FALSE;
    }
  if ((e = defect_edit (doc, AL_EDIT_SET_DEFECT_TYPE, frame, defect_id, error)) == NULL)
    return FALSE;
  e->value = type;
  al_document_push_edit (doc, e);
  return TRUE;
}

gboolean
al_document_mark_false_defect (AlDocument *doc,
                               guint       frame,
                               int         defect_id,
                               GError    **error)
{
  AlEdit *e;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  if ((e = defect_edit (doc, AL_EDIT_MARK_FALSE_DEFECT, frame, defect_id, error)) == NULL)
    return FALSE;
  al_document_push_edit (doc, e);
  return TRUE;
}
