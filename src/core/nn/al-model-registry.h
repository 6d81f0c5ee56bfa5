/* al-model-registry.h: where the trained networks are and which one fits a
 * material and a task (DESIGN.md §4). The app's model chooser and the CLI's
 * `--model auto` both ask here.
 *
 * Folders searched, first match wins:
 *   1. every folder in $AL_MODELS_DIR (separated by ':'),
 *   2. the source tree's models/ when the program runs from the build tree
 *      (an uninstalled build),
 *   3. the installed DATADIR/atomlens/models (meson installs models/NAME.onnx).
 * Within a folder, files are taken in name order. A file fits when its
 * "atomlens.task" is the task and its "atomlens.material" (a comma list,
 * compared case-insensitively) names the material's preset name ("mos2"
 * matches "MoS2").
 */
#pragma once

#include <gio/gio.h>

#include "al-error.h"
#include "al-material.h"

G_BEGIN_DECLS

typedef enum
{
  AL_MODEL_TASK_ATOMS,     /* per-pixel atom classes */
  AL_MODEL_TASK_PHASE,     /* per-pixel phase classes */
  AL_MODEL_TASK_DENOISE,   /* noisy → clean */
  AL_MODEL_N_TASKS
} AlModelTask;

/* What a model file says about itself. */
typedef struct
{
  char   *path;
  char   *task;            /* "atomlens.task" */
  char   *material;        /* "atomlens.material", a comma list */
  char   *classes;         /* "atomlens.classes", a comma list, or NULL */
  double  pixel_size_nm;   /* 0 when the file does not say */
} AlModelInfo;

/* "atoms", "phase", "denoise". */
const char  *al_model_task_name       (AlModelTask        task);
/* -1 when `name` is none of those. */
int          al_model_task_from_name  (const char        *name);

/* The folders searched, in order, existing or not (NULL-terminated). */
GStrv        al_model_search_dirs     (void);

/* Reads the metadata of one ONNX file (the whole model is parsed, so a file
 * that loads here runs too). NULL with the engine's error otherwise. */
AlModelInfo *al_model_info_load       (const char        *path,
                                       GError           **error);
void         al_model_info_free       (AlModelInfo       *info);
/* Whether `info` is a model of `task` for `material` (NULL: any material). */
gboolean     al_model_info_fits       (const AlModelInfo *info,
                                       AlModelTask        task,
                                       const AlMaterial  *material);

/* Every readable *.onnx in the search folders (AlModelInfo *, search order;
 * a file name seen in an earlier folder hides later ones). Files that do
 * not load are skipped. Never NULL. */
GPtrArray   *al_model_list            (void);

/* Path of the first model of `task` for `material`, or NULL when there is
 * none (not an error: the caller falls back to the classical path). */
char        *al_model_find            (const AlMaterial  *material,
                                       AlModelTask        task);

/* Checks a file the user chose: it must load and be a model of `task` for
 * `material` (NULL: any). AL_ERROR_INVALID_ARGUMENT saying what differs. */
gboolean     al_model_check           (const char        *path,
                                       AlModelTask        task,
                                       const AlMaterial  *material,
                                       GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlModelInfo, al_model_info_free)

G_END_DECLS
