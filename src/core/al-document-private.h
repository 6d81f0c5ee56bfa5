/* al-document-private.h: the plain data behind AlDocument, shared by its
 * files. AlDocumentState is everything that is saved; it can be copied
 * whole, so a worker thread serialises a snapshot while the user edits on. */
#pragma once

#include <json-glib/json-glib.h>

#include "al-document.h"

G_BEGIN_DECLS

/* Limits that a hostile document cannot make us exceed. */
#define AL_DOCUMENT_MAX_BYTES  (G_GUINT64_CONSTANT (1) << 30)
#define AL_DOCUMENT_MAX_ATOMS  (50u * 1000u * 1000u)
#define AL_DOCUMENT_MAX_EDITS  1000000u

/* One atom's every column, as an undo step remembers it. */
typedef struct
{
  double x, y;
  float  sigma_x, sigma_y;
  gint16 species;
  float  confidence, intensity, width;
  guint8 flags, coordination;
  gint32 defect_id;
  gint16 defect_type;
} AlAtomRecord;

typedef struct
{
  AlAtoms     *atoms;      /* NULL until analysed */
  GArray      *deleted;    /* double x, y pairs: atoms deleted by hand */
  AlStructure *structure;  /* derived from atoms: not saved, not copied */
} AlDocumentFrame;

typedef enum
{
  AL_EDIT_ADD_ATOM,
  AL_EDIT_MOVE_ATOM,
  AL_EDIT_DELETE_ATOMS,
  AL_EDIT_SET_SPECIES,
  AL_EDIT_SET_DEFECT_TYPE,
  AL_EDIT_MARK_FALSE_DEFECT,
  AL_N_EDIT_KINDS,
} AlEditKind;

/* One undoable step. `before` holds the touched atoms as they were (for an
 * added atom: as it is added); `indices` are sorted for deletions. */
typedef struct
{
  AlEditKind    kind;
  guint         frame;
  guint         n;
  guint32      *indices;
  AlAtomRecord *before;
  double        x, y;      /* move: the new position */
  int           value;     /* new species or defect type */
  gint32        defect_id; /* defect edits: the defect */
  guint64       serial;    /* identifies the history state (not saved) */
} AlEdit;

typedef struct
{
  AlImage          *image;          /* owned by the document; shared by snapshots */
  char             *image_path;     /* absolute */
  char             *image_checksum; /* "sha256:…" of the pixels, NULL until computed */
  const AlMaterial *material;
  char             *model_path;
  GHashTable       *model_settings; /* char* -> char* */
  double            pixel_size_nm;  /* the user's; 0: none */
  GPtrArray        *frames;         /* AlDocumentFrame* */
  GPtrArray        *undo;           /* AlEdit*, oldest first */
  GPtrArray        *redo;           /* AlEdit*, the next to redo last */
  char             *recovery_of;    /* in a recovery file: the document's own path */
} AlDocumentState;

/* al-document-state.c */
AlDocumentState *al_document_state_new      (AlImage               *image);
AlDocumentState *al_document_state_copy     (const AlDocumentState *state);
void             al_document_state_free     (AlDocumentState       *state);
AlDocumentFrame *al_document_state_frame    (AlDocumentState       *state,
                                             guint                  frame);
void             al_atom_record_get         (const AlAtoms         *atoms,
                                             guint                  index,
                                             AlAtomRecord          *record);
void             al_atom_record_put         (AlAtoms               *atoms,
                                             guint                  index,
                                             const AlAtomRecord    *record);
void             al_atom_record_insert      (AlAtoms               *atoms,
                                             guint                  index,
                                             const AlAtomRecord    *record);
void             al_document_state_merge    (AlDocumentState       *state,
                                             guint                  frame,
                                             AlAtoms               *atoms);
char            *al_image_pixel_checksum    (const AlImage         *image);
/* Checks that every undo and redo step applies to the atoms it would meet. */
gboolean         al_document_state_check_history (const AlDocumentState *state,
                                                  GError               **error);

/* al-edit.c */
AlEdit          *al_edit_new                (AlEditKind             kind,
                                             guint                  frame,
                                             guint                  n);
AlEdit          *al_edit_copy               (const AlEdit          *edit);
void             al_edit_free               (AlEdit                *edit);
const char      *al_edit_kind_name          (AlEditKind             kind);
int              al_edit_kind_from_name     (const char            *name);
const char      *al_edit_label              (const AlEdit          *edit);
/* Do or undo on the frame; FALSE (nothing changed) when the step does not
 * fit the atoms. */
gboolean         al_edit_apply              (const AlEdit          *edit,
                                             AlDocumentFrame       *frame);
gboolean         al_edit_revert             (const AlEdit          *edit,
                                             AlDocumentFrame       *frame);

/* al-document-json.c */
JsonNode        *al_document_state_to_json  (const AlDocumentState *state,
                                             const char            *doc_dir);
/* Reads the JSON into a state for `image` (not taken); checks the image last. */
AlDocumentState *al_document_state_from_json (JsonNode             *root,
                                             const char            *doc_dir,
                                             AlImage               *image,
                                             GError               **error);
char            *al_document_json_image_path (JsonNode             *root,
                                              const char           *doc_dir,
                                              GError              **error);
JsonNode        *al_document_parse_text     (const char            *text,
                                             gsize                  length,
                                             GError               **error);

/* al-document-atoms-json.c */
void             al_atoms_json_add          (JsonBuilder           *builder,
                                             const AlAtoms         *atoms);
AlAtoms         *al_atoms_json_read         (JsonObject            *object,
                                             GError               **error);

/* al-document-io.c */
/* Writes `state` as JSON to `path` atomically; computes the image checksum
 * into the state if it has none. Safe in a worker thread on a copy. */
gboolean         al_document_state_write    (AlDocumentState       *state,
                                             const char            *path,
                                             GError               **error);

/* al-document.c */
AlDocument      *al_document_new_from_state (AlDocumentState       *state);
AlDocumentState *al_document_get_state      (AlDocument            *doc);
void             al_document_set_path_internal (AlDocument         *doc,
                                                const char         *path);
void             al_document_get_save_point (AlDocument            *doc,
                                             guint64               *serial,
                                             guint64               *dirty_count);
void             al_document_mark_saved     (AlDocument            *doc,
                                             guint64                serial,
                                             guint64                dirty_count);
void             al_document_mark_modified  (AlDocument            *doc);
/* Applies `edit` (taken) and puts it on the undo list. */
void             al_document_push_edit      (AlDocument            *doc,
                                             AlEdit                *edit);
const char      *al_document_get_autosave_path (AlDocument         *doc);
void             al_document_set_autosave_path (AlDocument         *doc,
                                                const char         *path);

/* The hand labels of `atoms` applied to a structure recomputed from a copy
 * of them (`analysed`), and its labels passed back to `atoms`
 * (al-document-hand-labels.c). */
void al_document_follow_hand (AlAtoms       *atoms,
                              const AlAtoms *analysed,
                              AlStructure   *structure);

G_END_DECLS
