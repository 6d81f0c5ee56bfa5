/* al-document.c: AlDocument, the GObject around AlDocumentState: its
 * properties and signals, the hand corrections and their undo history. */
#include "al-document-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al-error.h"

struct _AlDocument
{
  GObject          parent_instance;

  AlDocumentState *state;
  AlImage         *image;          /* owned */
  char            *path;
  char            *autosave_path;
  guint64          next_serial;
  guint64          saved_serial;   /* history state at the last save or load */
  gboolean         dirty;          /* changed outside the history since then */
  guint64          dirty_count;    /* changes outside the history, ever */
};

G_DEFINE_FINAL_TYPE (AlDocument, al_document, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PATH,
  PROP_MODIFIED,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  PROP_PIXEL_SIZE,
  N_PROPS
};

enum
{
  SIGNAL_CHANGED,
  SIGNAL_FRAME_CHANGED,
  SIGNAL_STRUCTURE_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
al_document_finalize (GObject *object)
{
  AlDocument *doc = AL_DOCUMENT (object);

  al_document_state_free (doc->state);
  al_image_free (doc->image);
  g_free (doc->path);
  g_free (doc->autosave_path);
  G_OBJECT_CLASS (al_document_parent_class)->finalize (object);
}

static void
al_document_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  AlDocument *doc = AL_DOCUMENT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, doc->path);
      break;
    case PROP_MODIFIED:
      g_value_set_boolean (value, al_document_get_modified (doc));
      break;
    case PROP_CAN_UNDO:
      g_value_set_boolean (value, al_document_can_undo (doc));
      break;
    case PROP_CAN_REDO:
      g_value_set_boolean (value, al_document_can_redo (doc));
      break;
    case PROP_PIXEL_SIZE:
      g_value_set_double (value, al_document_get_pixel_size (doc));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
al_document_class_init (AlDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = al_document_finalize;
  object_class->get_property = al_document_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MODIFIED] =
    g_param_spec_boolean ("modified", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PIXEL_SIZE] =
    g_param_spec_double ("pixel-size", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Anything in the document changed (after the frame-changed signals). */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
  /* The atoms of one frame changed: an edit, undo, redo or analysis. */
  signals[SIGNAL_FRAME_CHANGED] =
    g_signal_new ("frame-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /* A frame's derived structure was set (al_document_set_structure). */
  signals[SIGNAL_STRUCTURE_CHANGED] =
    g_signal_new ("structure-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
al_document_init (AlDocument *doc)
{
}

static guint64
history_serial (AlDocument *doc)
{
  GPtrArray *undo = doc->state->undo;

  return undo->len > 0 ? ((AlEdit *) g_ptr_array_index (undo, undo->len - 1))->serial : 0;
}

/* Emits what a change implies; `frame` G_MAXUINT for none. */
static void
emit_changes (AlDocument *doc,
              guint       frame,
              gboolean    was_modified,
              gboolean    could_undo,
              gboolean    could_redo)
{
  if (frame != G_MAXUINT)
    {
      AlDocumentFrame *f = al_document_state_frame (doc->state, frame);
      /* Its bonds and defects index the atoms as they were. */
      g_clear_pointer (&f->structure, al_structure_free);
      g_signal_emit (doc, signals[SIGNAL_FRAME_CHANGED], 0, frame);
    }
  if (was_modified != al_document_get_modified (doc))
    g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_MODIFIED]);
  if (could_undo != al_document_can_undo (doc))
    g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_CAN_UNDO]);
  if (could_redo != al_document_can_redo (doc))
    g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_CAN_REDO]);
  g_signal_emit (doc, signals[SIGNAL_CHANGED], 0);
}

/* Takes `state` (and the image it points to). */
AlDocument *
al_document_new_from_state (AlDocumentState *state)
{
  AlDocument *doc = g_object_new (AL_TYPE_DOCUMENT, NULL);
  guint64 top = 0;

  doc->state = state;
  doc->image = state->image;
  for (guint i = 0; i < state->undo->len; i++)
    top = MAX (top, ((AlEdit *) g_ptr_array_index (state->undo, i))->serial);
  for (guint i = 0; i < state->redo->len; i++)
    top = MAX (top, ((AlEdit *) g_ptr_array_index (state->redo, i))->serial);
  doc->next_serial = top + 1;
  doc->saved_serial = history_serial (doc);
  return doc;
}

/* A new document for `image` (ownership taken), not yet analysed. */
AlDocument *
al_document_new (AlImage *image)
{
  AlDocumentState *state;

  g_return_val_if_fail (image != NULL, NULL);
  state = al_document_state_new (image);
  if (image->source_path != NULL)
    state->image_path = g_canonicalize_filename (image->source_path, NULL);
  return al_document_new_from_state (state);
}

AlDocumentState *
al_document_get_state (AlDocument *doc)
{
  return doc->state;
}

AlImage *
al_document_get_image (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->image;
}

guint
al_document_get_n_frames (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), 0);
  return doc->state->frames->len;
}

const char *
al_document_get_image_path (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->state->image_path;
}

const char *
al_document_get_path (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->path;
}

/* Where the document now lives (after a load, restore or save). */
void
al_document_set_path_internal (AlDocument *doc,
                               const char *path)
{
  if (g_strcmp0 (doc->path, path) == 0)
    return;
  g_free (doc->path);
  doc->path = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_PATH]);
}

/* What a save writes: the history state and the count of other changes. */
void
al_document_get_save_point (AlDocument *doc,
                            guint64    *serial,
                            guint64    *dirty_count)
{
  *serial = history_serial (doc);
  *dirty_count = doc->dirty_count;
}

/* A save of the state at that point finished: unmodified if nothing
 * changed since, as after a save that ran while the user went on editing. */
void
al_document_mark_saved (AlDocument *doc,
                        guint64     serial,
                        guint64     dirty_count)
{
  gboolean was_modified = al_document_get_modified (doc);

  doc->saved_serial = serial;
  if (dirty_count == doc->dirty_count)
    doc->dirty = FALSE;
  if (was_modified != al_document_get_modified (doc))
    g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_MODIFIED]);
}

void
al_document_mark_modified (AlDocument *doc)
{
  gboolean was_modified = al_document_get_modified (doc);

  doc->dirty = TRUE;
  doc->dirty_count++;
  if (!was_modified)
    g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_MODIFIED]);
}

const char *
al_document_get_autosave_path (AlDocument *doc)
{
  return doc->autosave_path;
}

void
al_document_set_autosave_path (AlDocument *doc,
                               const char *path)
{
  g_free (doc->autosave_path);
  doc->autosave_path = g_strdup (path);
}

gboolean
al_document_get_modified (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  return doc->dirty || history_serial (doc) != doc->saved_serial;
}

const AlMaterial *
al_document_get_material (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->state->material;
}

void
al_document_set_material (AlDocument       *doc,
                          const AlMaterial *material)
{
  g_return_if_fail (AL_IS_DOCUMENT (doc));
  if (doc->state->material == material)
    return;
  doc->state->material = material;
  al_document_mark_modified (doc);
  g_signal_emit (doc, signals[SIGNAL_CHANGED], 0);
}

double
al_document_get_pixel_size_override (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), 0.0);
  return doc->state->pixel_size_nm;
}

void
al_document_set_pixel_size_override (AlDocument *doc,
                                     double      nm)
{
  g_return_if_fail (AL_IS_DOCUMENT (doc));
  if (!(nm > 0.0) || !isfinite (nm))
    nm = 0.0;
  if (doc->state->pixel_size_nm == nm)
    return;
  doc->state->pixel_size_nm = nm;
  al_document_mark_modified (doc);
  g_object_notify_by_pspec (G_OBJECT (doc), properties[PROP_PIXEL_SIZE]);
  g_signal_emit (doc, signals[SIGNAL_CHANGED], 0);
}

double
al_document_get_pixel_size (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), 0.0);
  return doc->state->pixel_size_nm > 0.0 ? doc->state->pixel_size_nm : doc->image->pixel_size;
}

const char *
al_document_get_model_path (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->state->model_path;
}

GHashTable *
al_document_get_model_settings (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return doc->state->model_settings;
}

void
al_document_set_model (AlDocument *doc,
                       const char *model_path,
                       GHashTable *settings)
{
  GHashTableIter iter;
  gpointer key, value;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  g_free (doc->state->model_path);
  doc->state->model_path = g_strdup (model_path);
  g_hash_table_remove_all (doc->state->model_settings);
  if (settings != NULL)
    {
      g_hash_table_iter_init (&iter, settings);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (doc->state->model_settings, g_strdup (key), g_strdup (value));
    }
  al_document_mark_modified (doc);
  g_signal_emit (doc, signals[SIGNAL_CHANGED], 0);
}

const AlAtoms *
al_document_get_atoms (AlDocument *doc,
                       guint       frame)
{
  AlDocumentFrame *f;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  f = al_document_state_frame (doc->state, frame);
  return f != NULL ? f->atoms : NULL;
}

const AlStructure *
al_document_get_structure (AlDocument *doc,
                           guint       frame)
{
  AlDocumentFrame *f;

  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  f = al_document_state_frame (doc->state, frame);
  return f != NULL ? f->structure : NULL;
}

void
al_document_set_structure (AlDocument    *doc,
                           guint          frame,
                           const AlAtoms *analysed,
                           AlStructure   *structure)
{
  AlDocumentFrame *f;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  f = al_document_state_frame (doc->state, frame);
  g_return_if_fail (f != NULL && f->atoms != NULL && structure != NULL);
  g_return_if_fail (analysed != NULL && analysed->n_atoms == f->atoms->n_atoms);
  al_document_follow_hand (f->atoms, analysed, structure);
  al_structure_free (f->structure);
  f->structure = structure;
  g_signal_emit (doc, signals[SIGNAL_STRUCTURE_CHANGED], 0, frame);
}

void
al_document_follow_hand_labels (AlDocument  *doc,
                                guint        frame,
                                AlAtoms     *analysed,
                                AlStructure *structure)
{
  AlDocumentFrame *f;

  g_return_if_fail (AL_IS_DOCUMENT (doc));
  f = al_document_state_frame (doc->state, frame);
  g_return_if_fail (f != NULL && f->atoms != NULL && structure != NULL);
  g_return_if_fail (analysed != NULL && analysed->n_atoms == f->atoms->n_atoms);
  al_document_follow_hand (f->atoms, analysed, structure);
  memcpy (analysed->defect_id, f->atoms->defect_id, analysed->n_atoms * sizeof *analysed->defect_id);
  memcpy (analysed->defect_type, f->atoms->defect_type, analysed->n_atoms * sizeof *analysed->defect_type);
}

static void
replace_atoms (AlDocument *doc,
               guint       frame,
               AlAtoms    *atoms,
               gboolean    merge)
{
  AlDocumentFrame *f = al_document_state_frame (doc->state, frame);
  gboolean was_modified = al_document_get_modified (doc);
  gboolean could_undo = al_document_can_undo (doc), could_redo = al_document_can_redo (doc);

  if (merge)
    al_document_state_merge (doc->state, frame, atoms);
  else
    {
      al_atoms_free (f->atoms);
      f->atoms = atoms;
      g_array_set_size (f->deleted, 0);
    }
  /* The steps' atom indices refer to the atoms just replaced. */
  g_ptr_array_set_size (doc->state->undo, 0);
  g_ptr_array_set_size (doc->state->redo, 0);
  doc->saved_serial = G_MAXUINT64;  /* the saved history is gone: modified */
  doc->dirty = TRUE;
  doc->dirty_count++;
  emit_changes (doc, frame, was_modified, could_undo, could_redo);
}

void
al_document_set_atoms (AlDocument *doc,
                       guint       frame,
                       AlAtoms    *atoms)
{
  g_return_if_fail (AL_IS_DOCUMENT (doc) && atoms != NULL);
  g_return_if_fail (frame < doc->state->frames->len);
  replace_atoms (doc, frame, atoms, FALSE);
}

void
al_document_apply_analysis (AlDocument *doc,
                            guint       frame,
                            AlAtoms    *atoms)
{
  g_return_if_fail (AL_IS_DOCUMENT (doc) && atoms != NULL);
  g_return_if_fail (frame < doc->state->frames->len);
  replace_atoms (doc, frame, atoms, TRUE);
}

/* Does a new step and records it; clears what could be redone. */
void
al_document_push_edit (AlDocument *doc,
                       AlEdit     *edit)
{
  AlDocumentFrame *f = al_document_state_frame (doc->state, edit->frame);
  gboolean was_modified = al_document_get_modified (doc);
  gboolean could_undo = al_document_can_undo (doc), could_redo = al_document_can_redo (doc);

  if (!al_edit_apply (edit, f))
    {
      /* The edit functions check their arguments first: this is a bug. */
      g_critical ("An edit step (%s) did not fit its frame", al_edit_kind_name (edit->kind));
      al_edit_free (edit);
      return;
    }
  edit->serial = doc->next_serial++;
  g_ptr_array_add (doc->state->undo, edit);
  g_ptr_array_set_size (doc->state->redo, 0);
  emit_changes (doc, edit->frame, was_modified, could_undo, could_redo);
}

gboolean
al_document_can_undo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  return doc->state->undo->len > 0;
}

gboolean
al_document_can_redo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  return doc->state->redo->len > 0;
}

guint
al_document_get_n_undo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), 0);
  return doc->state->undo->len;
}

guint
al_document_get_n_redo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), 0);
  return doc->state->redo->len;
}

static const AlEdit *
top (GPtrArray *edits)
{
  return edits->len > 0 ? g_ptr_array_index (edits, edits->len - 1) : NULL;
}

const char *
al_document_get_undo_label (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return top (doc->state->undo) != NULL ? al_edit_label (top (doc->state->undo)) : NULL;
}

const char *
al_document_get_redo_label (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), NULL);
  return top (doc->state->redo) != NULL ? al_edit_label (top (doc->state->redo)) : NULL;
}

/* Moves the top step of `from` to `to`, undoing or redoing it. */
static gboolean
step (AlDocument *doc,
      GPtrArray  *from,
      GPtrArray  *to,
      gboolean    undo)
{
  gboolean was_modified = al_document_get_modified (doc);
  gboolean could_undo = al_document_can_undo (doc), could_redo = al_document_can_redo (doc);
  AlEdit *edit;
  AlDocumentFrame *f;
  gboolean ok;

  if (from->len == 0)
    return FALSE;
  edit = g_ptr_array_steal_index (from, from->len - 1);
  f = al_document_state_frame (doc->state, edit->frame);
  /* A loaded history was checked against its atoms, so this holds. */
  ok = undo ? al_edit_revert (edit, f) : al_edit_apply (edit, f);
  if (!ok)
    {
      g_ptr_array_add (from, edit);
      return FALSE;
    }
  g_ptr_array_add (to, edit);
  emit_changes (doc, edit->frame, was_modified, could_undo, could_redo);
  return TRUE;
}

gboolean
al_document_undo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  return step (doc, doc->state->undo, doc->state->redo, TRUE);
}

gboolean
al_document_redo (AlDocument *doc)
{
  g_return_val_if_fail (AL_IS_DOCUMENT (doc), FALSE);
  return step (doc, doc->state->redo, doc->state->undo, FALSE);
}
