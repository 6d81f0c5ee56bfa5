/* al-document.h: AlDocument, one image under study: its analysis results
 * per frame, the material preset, the model and its settings, a pixel size
 * set by the user, and the history of hand corrections with undo and redo.
 *
 * Saved as one JSON file (.atomlens, DESIGN.md §2) next to the image, never
 * inside it; the image is referenced by path and by a checksum of its
 * pixels, so reopening checks that it is still the same image. Writes are
 * atomic. Autosave writes the same format into a recovery folder, from
 * which a document is restored after a crash.
 *
 * The document is a GObject used from one thread (the app's main thread);
 * the _async functions copy what they need and do the file work in a
 * worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-image.h"
#include "al-material.h"
#include "defects/al-structure.h"

G_BEGIN_DECLS

#define AL_TYPE_DOCUMENT (al_document_get_type ())
G_DECLARE_FINAL_TYPE (AlDocument, al_document, AL, DOCUMENT, GObject)

/* The file format this code writes, and the newest it reads. */
#define AL_DOCUMENT_FORMAT         "atomlens"
#define AL_DOCUMENT_FORMAT_VERSION 1
#define AL_DOCUMENT_EXTENSION      ".atomlens"

/* Re-analysis keeps an edited atom, and drops a new one found within this
 * distance of it or of an atom deleted by hand (px). */
#define AL_DOCUMENT_KEEP_RADIUS_PX 2.0

AlDocument       *al_document_new                 (AlImage           *image);

AlImage          *al_document_get_image           (AlDocument        *doc);
guint             al_document_get_n_frames        (AlDocument        *doc);
const char       *al_document_get_image_path      (AlDocument        *doc);
/* Where the document was last saved or loaded from; NULL when never saved. */
const char       *al_document_get_path            (AlDocument        *doc);
gboolean          al_document_get_modified        (AlDocument        *doc);

const AlMaterial *al_document_get_material        (AlDocument        *doc);
void              al_document_set_material        (AlDocument        *doc,
                                                   const AlMaterial  *material);
/* The user's pixel size in nm (0: none), and the one stages should use: the
 * user's, else the image's calibration. */
double            al_document_get_pixel_size_override (AlDocument    *doc);
void              al_document_set_pixel_size_override (AlDocument    *doc,
                                                       double         nm);
double            al_document_get_pixel_size      (AlDocument        *doc);
const char       *al_document_get_model_path      (AlDocument        *doc);
/* The model's settings as strings ("threshold" -> "0.5"); the table is the
 * document's own: change it with al_document_set_model. */
GHashTable       *al_document_get_model_settings  (AlDocument        *doc);
void              al_document_set_model           (AlDocument        *doc,
                                                   const char        *model_path,
                                                   GHashTable        *settings);

/* The atoms of a frame, NULL before the frame is analysed. The pointer
 * stays valid until the next change of that frame. */
const AlAtoms    *al_document_get_atoms           (AlDocument        *doc,
                                                   guint              frame);
/* Replaces a frame's atoms (takes ownership) and clears the undo history:
 * for results read from elsewhere (atoms.csv). */
void              al_document_set_atoms           (AlDocument        *doc,
                                                   guint              frame,
                                                   AlAtoms           *atoms);
/* Takes a new analysis of a frame (ownership), keeping the hand edits:
 * atoms added or moved by hand stay and suppress new atoms within
 * AL_DOCUMENT_KEEP_RADIUS_PX; species and defect labels set by hand pass to
 * the nearest new atom; atoms deleted by hand stay deleted. Clears the
 * undo history (its atom indices no longer hold). */
void              al_document_apply_analysis      (AlDocument        *doc,
                                                   guint              frame,
                                                   AlAtoms           *atoms);

/* A frame's bonds, rings, defects and strain (AlStructure), derived from its
 * atoms: kept for the frame's current atoms only (any change of them drops
 * it, before "frame-changed"), not saved, so recomputed after loading.
 *
 * The caller runs al_structure_analyze() (in a worker) on a copy of the
 * frame's atoms and hands both back here (ownership of `structure` taken):
 * the copy's coordination and defect labels pass to the document's atoms,
 * except where a defect was relabelled by hand, and the structure's defects
 * follow the hand corrections (a defect marked false is removed, one given
 * a type by hand keeps it). Emits "structure-changed"; not an edit. */
const AlStructure *al_document_get_structure      (AlDocument        *doc,
                                                   guint              frame);
void              al_document_set_structure       (AlDocument        *doc,
                                                   guint              frame,
                                                   const AlAtoms     *analysed,
                                                   AlStructure       *structure);
/* The same labelling for a structure the caller keeps: `structure`'s
 * defects follow the hand corrections, the document's atoms take its
 * coordination and defect labels, and `analysed` (the copy it was computed
 * from) takes the document's resulting defect labels. Not an edit. */
void              al_document_follow_hand_labels  (AlDocument        *doc,
                                                   guint              frame,
                                                   AlAtoms           *analysed,
                                                   AlStructure       *structure);

/* Hand corrections, each one undoable step. Indices are into the frame's
 * atoms; a bad frame, index or species is an AL_ERROR_INVALID_ARGUMENT. */
gboolean          al_document_add_atom            (AlDocument        *doc,
                                                   guint              frame,
                                                   double             x,
                                                   double             y,
                                                   int                species,
                                                   guint             *index,
                                                   GError           **error);
gboolean          al_document_move_atom           (AlDocument        *doc,
                                                   guint              frame,
                                                   guint              index,
                                                   double             x,
                                                   double             y,
                                                   GError           **error);
gboolean          al_document_delete_atoms        (AlDocument        *doc,
                                                   guint              frame,
                                                   const guint       *indices,
                                                   guint              n_indices,
                                                   GError           **error);
gboolean          al_document_set_species         (AlDocument        *doc,
                                                   guint              frame,
                                                   const guint       *indices,
                                                   guint              n_indices,
                                                   int                species,
                                                   GError           **error);
/* Defects are named by the defect_id their member atoms carry. */
gboolean          al_document_set_defect_type     (AlDocument        *doc,
                                                   guint              frame,
                                                   int                defect_id,
                                                   AlDefectType       type,
                                                   GError           **error);
gboolean          al_document_mark_false_defect   (AlDocument        *doc,
                                                   guint              frame,
                                                   int                defect_id,
                                                   GError           **error);

gboolean          al_document_can_undo            (AlDocument        *doc);
gboolean          al_document_can_redo            (AlDocument        *doc);
/* What undo or redo would do, for a menu ("Move atom"); NULL when nothing. */
const char       *al_document_get_undo_label      (AlDocument        *doc);
const char       *al_document_get_redo_label      (AlDocument        *doc);
gboolean          al_document_undo                (AlDocument        *doc);
gboolean          al_document_redo                (AlDocument        *doc);
guint             al_document_get_n_undo          (AlDocument        *doc);
guint             al_document_get_n_redo          (AlDocument        *doc);

/* Saving and loading (al-document-io.c). Loading finds the image beside
 * the document (by its relative path, then its absolute one) and refuses
 * an image whose pixels differ (AL_IO_ERROR_MISMATCH). */
gboolean          al_document_save                (AlDocument        *doc,
                                                   const char        *path,
                                                   GError           **error);
AlDocument       *al_document_load                (const char        *path,
                                                   GError           **error);
/* Loads with an image the caller already has (takes ownership). */
AlDocument       *al_document_load_with_image     (const char        *path,
                                                   AlImage           *image,
                                                   GError           **error);
/* Parses a document held in memory; `image` (ownership taken) must be the
 * one it was made from. `doc_dir` resolves a relative image path (may be NULL). */
AlDocument       *al_document_parse               (const char        *text,
                                                   gsize              length,
                                                   const char        *doc_dir,
                                                   AlImage           *image,
                                                   GError           **error);
/* The image a document file refers to (absolute), without loading it. */
char             *al_document_peek_image_path     (const char        *path,
                                                   GError           **error);

void              al_document_save_async          (AlDocument        *doc,
                                                   const char        *path,
                                                   GCancellable      *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer           user_data);
gboolean          al_document_save_finish         (AlDocument        *doc,
                                                   GAsyncResult      *result,
                                                   GError           **error);
void              al_document_load_async          (const char        *path,
                                                   GCancellable      *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer           user_data);
AlDocument       *al_document_load_finish         (GAsyncResult      *result,
                                                   GError           **error);

/* Crash recovery (al-document-recovery.c). `dir` NULL means
 * al_document_get_recovery_dir(): $XDG_STATE_HOME/atomlens/recovery. */
char             *al_document_get_recovery_dir    (void);
/* The recovery file's name for an image: its base name and a hash of its
 * absolute path, so two images called "1.tif" do not collide. */
char             *al_document_recovery_path_for   (const char        *image_path,
                                                   const char        *dir);
gboolean          al_document_autosave            (AlDocument        *doc,
                                                   const char        *dir,
                                                   GError           **error);
void              al_document_autosave_async      (AlDocument        *doc,
                                                   const char        *dir,
                                                   GCancellable      *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer           user_data);
gboolean          al_document_autosave_finish     (AlDocument        *doc,
                                                   GAsyncResult      *result,
                                                   GError           **error);
/* The recovery file left for an image, or NULL. */
char             *al_document_find_recovery       (const char        *image_path,
                                                   const char        *dir);
/* Every recovery file in `dir` (paths, newest first). */
GPtrArray        *al_document_list_recovery       (const char        *dir);
/* Reopens a recovered document: modified, with the path it was saved at
 * before the crash (NULL when never saved). `image` may be NULL (loaded
 * from its path) or the image (ownership taken). */
AlDocument       *al_document_restore_recovery    (const char        *recovery_path,
                                                   AlImage           *image,
                                                   GError           **error);
/* Removes the document's recovery file (after a save, or a close without
 * saving that the user chose). */
void              al_document_discard_recovery    (AlDocument        *doc);

G_END_DECLS
