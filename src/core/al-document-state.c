/* al-document-state.c: the document's plain data: copies, atom records
 * for undo, the image checksum, merging a re-analysis with hand edits, and
 * checking a loaded history against its atoms. */
#include "al-document-private.h"

#include <math.h>
#include <string.h>

#include "io/al-io.h"

static void
frame_free (gpointer p)
{
  AlDocumentFrame *f = p;

  al_atoms_free (f->atoms);
  g_array_unref (f->deleted);
  al_structure_free (f->structure);
  g_free (f);
}

static AlDocumentFrame *
frame_new (void)
{
  AlDocumentFrame *f = g_new0 (AlDocumentFrame, 1);

  f->deleted = g_array_new (FALSE, FALSE, sizeof (double));
  return f;
}

AlDocumentState *
al_document_state_new (AlImage *image)
{
  AlDocumentState *state = g_new0 (AlDocumentState, 1);

  state->image = image;
  state->model_settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->frames = g_ptr_array_new_with_free_func (frame_free);
  for (guint f = 0; image != NULL && f < image->n_frames; f++)
    g_ptr_array_add (state->frames, frame_new ());
  state->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) al_edit_free);
  state->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) al_edit_free);
  return state;
}

/* A deep copy, but sharing the image (which a document never changes). */
AlDocumentState *
al_document_state_copy (const AlDocumentState *state)
{
  AlDocumentState *copy = g_new0 (AlDocumentState, 1);
  GHashTableIter iter;
  gpointer key, value;

  copy->image = state->image;
  copy->image_path = g_strdup (state->image_path);
  copy->image_checksum = g_strdup (state->image_checksum);
  copy->material = state->material;
  copy->model_path = g_strdup (state->model_path);
  copy->model_settings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, state->model_settings);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->model_settings, g_strdup (key), g_strdup (value));
  copy->pixel_size_nm = state->pixel_size_nm;
  copy->frames = g_ptr_array_new_with_free_func (frame_free);
  for (guint f = 0; f < state->frames->len; f++)
    {
      const AlDocumentFrame *src = g_ptr_array_index (state->frames, f);
      AlDocumentFrame *dst = frame_new ();
      dst->atoms = src->atoms != NULL ? al_atoms_copy (src->atoms) : NULL;
      g_array_append_vals (dst->deleted, src->deleted->data, src->deleted->len);
      g_ptr_array_add (copy->frames, dst);
    }
  copy->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) al_edit_free);
  copy->redo = g_ptr_array_new_with_free_func ((GDestroyNotify) al_edit_free);
  for (guint i = 0; i < state->undo->len; i++)
    g_ptr_array_add (copy->undo, al_edit_copy (g_ptr_array_index (state->undo, i)));
  for (guint i = 0; i < state->redo->len; i++)
    g_ptr_array_add (copy->redo, al_edit_copy (g_ptr_array_index (state->redo, i)));
  copy->recovery_of = g_strdup (state->recovery_of);
  return copy;
}

/* Frees the state but not its image: the document owns that. */
void
al_document_state_free (AlDocumentState *state)
{
  if (state == NULL)
    return;
  g_free (state->image_path);
  g_free (state->image_checksum);
  g_free (state->model_path);
  g_hash_table_unref (state->model_settings);
  g_ptr_array_unref (state->frames);
  g_ptr_array_unref (state->undo);
  g_ptr_array_unref (state->redo);
  g_free (state->recovery_of);
  g_free (state);
}

AlDocumentFrame *
al_document_state_frame (AlDocumentState *state,
                         guint            frame)
{
  if (frame >= state->frames->len)
    return NULL;
  return g_ptr_array_index (state->frames, frame);
}

void
al_atom_record_get (const AlAtoms *atoms,
                    guint          i,
                    AlAtomRecord  *r)
{
  r->x = atoms->x[i], r->y = atoms->y[i];
  r->sigma_x = atoms->sigma_x[i], r->sigma_y = atoms->sigma_y[i];
  r->species = atoms->species[i];
  r->confidence = atoms->confidence[i];
  r->intensity = atoms->intensity[i];
  r->width = atoms->width[i];
  r->flags = atoms->flags[i];
  r->coordination = atoms->coordination[i];
  r->defect_id = atoms->defect_id[i];
  r->defect_type = atoms->defect_type[i];
}

void
al_atom_record_put (AlAtoms            *atoms,
                    guint               i,
                    const AlAtomRecord *r)
{
  atoms->x[i] = r->x, atoms->y[i] = r->y;
  atoms->sigma_x[i] = r->sigma_x, atoms->sigma_y[i] = r->sigma_y;
  atoms->species[i] = r->species;
  atoms->confidence[i] = r->confidence;
  atoms->intensity[i] = r->intensity;
  atoms->width[i] = r->width;
  atoms->flags[i] = r->flags;
  atoms->coordination[i] = r->coordination;
  atoms->defect_id[i] = r->defect_id;
  atoms->defect_type[i] = r->defect_type;
}

/* Inserts before `index` (<= n_atoms), shifting the later atoms up: the
 * inverse of al_atoms_remove(). */
void
al_atom_record_insert (AlAtoms            *atoms,
                       guint               index,
                       const AlAtomRecord *record)
{
  guint tail;

  g_return_if_fail (index <= atoms->n_atoms);
  al_atoms_append (atoms, 0, 0, 0);
  tail = atoms->n_atoms - 1 - index;
#define SHIFT(arr) memmove (&(atoms->arr)[index + 1], &(atoms->arr)[index], tail * sizeof *(atoms->arr))
  SHIFT (x);
  SHIFT (y);
  SHIFT (sigma_x);
  SHIFT (sigma_y);
  SHIFT (species);
  SHIFT (confidence);
  SHIFT (intensity);
  SHIFT (width);
  SHIFT (flags);
  SHIFT (coordination);
  SHIFT (defect_id);
  SHIFT (defect_type);
#undef SHIFT
  al_atom_record_put (atoms, index, record);
}

/* SHA-256 of the frame geometry and the float32 samples as held in memory
 * (little-endian on every platform we build for). Pixels, not file bytes:
 * the same image converted to another format still matches. */
char *
al_image_pixel_checksum (const AlImage *image)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint32 dims[3] = { GUINT32_TO_LE (image->width), GUINT32_TO_LE (image->height),
                      GUINT32_TO_LE (image->n_frames) };
  gsize n = al_image_frame_samples (image) * image->n_frames * sizeof (float);
  const guint8 *p = (const guint8 *) image->pixels;
  /* GChecksum takes a gssize: feed it in chunks. */
  const gsize chunk = 1 << 24;

  g_checksum_update (sum, (const guchar *) dims, sizeof dims);
  for (gsize off = 0; off < n; off += chunk)
    g_checksum_update (sum, p + off, MIN (chunk, n - off));
  return g_strconcat ("sha256:", g_checksum_get_string (sum), NULL);
}

/* A grid of cells `cell` px wide over the new atoms' bounding box, for
 * neighbour queries: a counting sort into one array (a hash table of cells
 * cost a malloc per atom, a third of a second on the main thread for 10^5
 * atoms). */
typedef struct
{
  double   cell;
  double   x0, y0;     /* the first cell's corner */
  guint    nx, ny;
  guint32 *start;      /* nx * ny + 1 offsets into index */
  guint32 *index;      /* atom indices, cell by cell */
} Grid;

static void
grid_init (Grid          *g,
           const AlAtoms *atoms,
           double         cell)
{
  double x1 = 0, y1 = 0;
  g_autofree guint32 *cell_of = g_new (guint32, MAX (atoms->n_atoms, 1));
  g_autofree guint32 *fill = NULL;
  gsize n_cells;

  g->cell = cell;
  g->x0 = g->y0 = 0;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      g->x0 = MIN (g->x0, atoms->x[i]);
      g->y0 = MIN (g->y0, atoms->y[i]);
      x1 = MAX (x1, atoms->x[i]);
      y1 = MAX (y1, atoms->y[i]);
    }
  g->nx = (guint) floor ((x1 - g->x0) / cell) + 1;
  g->ny = (guint) floor ((y1 - g->y0) / cell) + 1;
  n_cells = (gsize) g->nx * g->ny;
  g->start = g_new0 (guint32, n_cells + 1);
  g->index = g_new (guint32, MAX (atoms->n_atoms, 1));
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      guint cx = MIN ((guint) ((atoms->x[i] - g->x0) / cell), g->nx - 1);
      guint cy = MIN ((guint) ((atoms->y[i] - g->y0) / cell), g->ny - 1);
      cell_of[i] = cy * g->nx + cx;
      g->start[cell_of[i] + 1]++;
    }
  for (gsize c = 0; c < n_cells; c++)
    g->start[c + 1] += g->start[c];
  fill = g_memdup2 (g->start, sizeof (guint32) * n_cells);
  for (guint i = 0; i < atoms->n_atoms; i++)
    g->index[fill[cell_of[i]]++] = i;
}

static void
grid_clear (Grid *g)
{
  g_free (g->start);
  g_free (g->index);
}

/* The nearest atom within g->cell of (x, y) that `alive` allows; -1 if none. */
static int
grid_nearest (const Grid     *g,
              const AlAtoms  *atoms,
              const gboolean *alive,
              double          x,
              double          y)
{
  double best = g->cell * g->cell;
  double fx = floor ((x - g->x0) / g->cell), fy = floor ((y - g->y0) / g->cell);
  int found = -1;

  for (double cy = fy - 1; cy <= fy + 1; cy++)
    for (double cx = fx - 1; cx <= fx + 1; cx++)
      {
        gsize c;

        if (cx < 0 || cy < 0 || cx >= g->nx || cy >= g->ny)
          continue;
        c = (gsize) cy * g->nx + (gsize) cx;
        for (guint32 k = g->start[c]; k < g->start[c + 1]; k++)
          {
            guint i = g->index[k];
            double dx = atoms->x[i] - x, dy = atoms->y[i] - y, d2 = dx * dx + dy * dy;
            if (alive[i] && d2 <= best)
              best = d2, found = (int) i;
          }
      }
  return found;
}

static void
suppress_near (const Grid    *g,
               const AlAtoms *atoms,
               gboolean      *alive,
               double         x,
               double         y)
{
  int j;

  while ((j = grid_nearest (g, atoms, alive, x, y)) >= 0)
    alive[j] = FALSE;
}

/* See al_document_apply_analysis(). Takes `atoms`. */
void
al_document_state_merge (AlDocumentState *state,
                         guint            frame,
                         AlAtoms         *atoms)
{
  AlDocumentFrame *f = al_document_state_frame (state, frame);
  const AlAtoms *old = f->atoms;
  const double r = AL_DOCUMENT_KEEP_RADIUS_PX;
  g_autofree gboolean *alive = g_new (gboolean, MAX (atoms->n_atoms, 1));
  g_autoptr (AlAtoms) merged = al_atoms_new (atoms->n_atoms);
  g_autofree gboolean *passed = g_new0 (gboolean, old != NULL ? MAX (old->n_atoms, 1) : 1);
  Grid grid;

  for (guint j = 0; j < atoms->n_atoms; j++)
    alive[j] = TRUE;
  grid_init (&grid, atoms, r);
  for (guint k = 0; k + 1 < f->deleted->len; k += 2)
    suppress_near (&grid, atoms, alive, g_array_index (f->deleted, double, k),
                   g_array_index (f->deleted, double, k + 1));

  /* Atoms placed by hand win over whatever the network found there. */
  for (guint i = 0; old != NULL && i < old->n_atoms; i++)
    if (old->flags[i] & (AL_ATOM_ADDED_BY_HAND | AL_ATOM_MOVED_BY_HAND))
      suppress_near (&grid, atoms, alive, old->x[i], old->y[i]);

  /* Labels set by hand pass to the atom found at the same place. */
  for (guint i = 0; old != NULL && i < old->n_atoms; i++)
    {
      guint8 fl = old->flags[i];
      int j;
      if ((fl & AL_ATOM_EDITED) == 0 || (fl & (AL_ATOM_ADDED_BY_HAND | AL_ATOM_MOVED_BY_HAND)))
        continue;
      j = grid_nearest (&grid, atoms, alive, old->x[i], old->y[i]);
      if (j < 0)
        continue;  /* no longer found: the old atom is kept below */
      if (fl & AL_ATOM_CLASS_BY_HAND)
        atoms->species[j] = old->species[i];
      if (fl & AL_ATOM_DEFECT_BY_HAND)
        {
          atoms->defect_type[j] = old->defect_type[i];
          atoms->defect_id[j] = old->defect_id[i];
        }
      atoms->flags[j] |= fl & AL_ATOM_EDITED;
      passed[i] = TRUE;
    }

  for (guint j = 0; j < atoms->n_atoms; j++)
    if (alive[j])
      {
        AlAtomRecord rec;
        al_atom_record_get (atoms, j, &rec);
        al_atom_record_put (merged, al_atoms_append (merged, 0, 0, 0), &rec);
      }
  for (guint i = 0; old != NULL && i < old->n_atoms; i++)
    if ((old->flags[i] & AL_ATOM_EDITED) && !passed[i])
      {
        AlAtomRecord rec;
        al_atom_record_get (old, i, &rec);
        al_atom_record_put (merged, al_atoms_append (merged, 0, 0, 0), &rec);
      }
  grid_clear (&grid);
  al_atoms_free (atoms);
  al_atoms_free (f->atoms);
  f->atoms = g_steal_pointer (&merged);
}

gboolean
al_document_state_check_history (const AlDocumentState *state,
                                 GError               **error)
{
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func (frame_free);
  guint n_undo = state->undo->len, n_redo = state->redo->len;
  const char *failed = NULL;

  for (guint f = 0; f < state->frames->len; f++)
    {
      const AlDocumentFrame *src = g_ptr_array_index (state->frames, f);
      AlDocumentFrame *dst = frame_new ();
      dst->atoms = src->atoms != NULL ? al_atoms_copy (src->atoms) : NULL;
      g_array_append_vals (dst->deleted, src->deleted->data, src->deleted->len);
      g_ptr_array_add (frames, dst);
    }
#define FRAME_OF(e) ((e)->frame < frames->len ? g_ptr_array_index (frames, (e)->frame) : NULL)
  /* Undo everything, redo it, then redo what the redo list holds: each step
   * must fit, so undo and redo never fail on a loaded document. */
  for (guint i = n_undo; i-- > 0 && failed == NULL;)
    {
      const AlEdit *e = g_ptr_array_index (state->undo, i);
      if (FRAME_OF (e) == NULL || !al_edit_revert (e, FRAME_OF (e)))
        failed = "undo";
    }
  for (guint i = 0; i < n_undo && failed == NULL; i++)
    {
      const AlEdit *e = g_ptr_array_index (state->undo, i);
      if (!al_edit_apply (e, FRAME_OF (e)))
        failed = "undo";
    }
  for (guint i = n_redo; i-- > 0 && failed == NULL;)
    {
      const AlEdit *e = g_ptr_array_index (state->redo, i);
      if (FRAME_OF (e) == NULL || !al_edit_apply (e, FRAME_OF (e)))
        failed = "redo";
    }
#undef FRAME_OF
  if (failed != NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "The document's %s history does not fit its atoms", failed);
      return FALSE;
    }
  return TRUE;
}
