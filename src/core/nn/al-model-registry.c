/* al-model-registry.c: finds trained networks by their atomlens.* metadata
 * in the model folders (see al-model-registry.h for the search order). */
#include "nn/al-model-registry.h"

#include <string.h>

#include "al-error.h"
#include "nn/al-model-dirs.h"
#include "nn/al-nn.h"

#define AL_MODELS_ENV "AL_MODELS_DIR"

static const char *const task_names[AL_MODEL_N_TASKS] = { "atoms", "phase", "denoise" };

const char *
al_model_task_name (AlModelTask task)
{
  g_return_val_if_fail (task < AL_MODEL_N_TASKS, NULL);
  return task_names[task];
}

int
al_model_task_from_name (const char *name)
{
  for (int t = 0; name != NULL && t < AL_MODEL_N_TASKS; t++)
    if (g_ascii_strcasecmp (name, task_names[t]) == 0)
      return t;
  return -1;
}

/* TRUE when this process's executable lies in the build tree, i.e. the
 * program was not installed, so the models are the source tree's. */
static gboolean
running_uninstalled (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = g_canonicalize_filename (AL_BUILD_ROOT, NULL);
  gsize n = strlen (root);

  return exe != NULL && strncmp (exe, root, n) == 0 && exe[n] == G_DIR_SEPARATOR;
}

GStrv
al_model_search_dirs (void)
{
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();
  const char *env = g_getenv (AL_MODELS_ENV);

  if (env != NULL && env[0] != '\0')
    {
      g_auto (GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_strv_builder_add (b, parts[i]);
    }
  if (running_uninstalled ())
    g_strv_builder_add (b, AL_SOURCE_MODELS_DIR);
  g_strv_builder_add (b, AL_INSTALLED_MODELS_DIR);
  return g_strv_builder_end (b);
}

void
al_model_info_free (AlModelInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->path);
  g_free (info->task);
  g_free (info->material);
  g_free (info->classes);
  g_free (info);
}

AlModelInfo *
al_model_info_load (const char *path,
                    GError    **error)
{
  g_autoptr (AlNnModel) model = al_nn_model_load (path, error);
  AlModelInfo *info;

  if (model == NULL)
    return NULL;
  info = g_new0 (AlModelInfo, 1);
  info->path = g_strdup (path);
  info->task = g_strdup (al_nn_model_get_task (model));
  info->material = g_strdup (al_nn_model_get_material (model));
  info->classes = g_strdup (al_nn_model_get_metadata (model, "atomlens.classes"));
  info->pixel_size_nm = al_nn_model_get_pixel_size_nm (model);
  return info;
}

static gboolean
material_listed (const char       *list,
                 const AlMaterial *material)
{
  g_auto (GStrv) names = NULL;

  if (list == NULL)
    return FALSE;
  names = g_strsplit (list, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (names[i]), material->name) == 0)
      return TRUE;
  return FALSE;
}

gboolean
al_model_info_fits (const AlModelInfo *info,
                    AlModelTask        task,
                    const AlMaterial  *material)
{
  g_return_val_if_fail (info != NULL && task < AL_MODEL_N_TASKS, FALSE);
  if (info->task == NULL || g_ascii_strcasecmp (info->task, task_names[task]) != 0)
    return FALSE;
  return material == NULL || material_listed (info->material, material);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The *.onnx names of one folder, sorted; empty when it cannot be read. */
static GPtrArray *
onnx_files (const char *dir)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".onnx"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  return names;
}

GPtrArray *
al_model_list (void)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) al_model_info_free);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) dirs = al_model_search_dirs ();

  for (guint d = 0; dirs[d] != NULL; d++)
    {
      g_autoptr (GPtrArray) names = onnx_files (dirs[d]);
      for (guint i = 0; i < names->len; i++)
        {
          const char *name = names->pdata[i];
          g_autofree char *path = NULL;
          AlModelInfo *info;

          if (g_hash_table_contains (seen, name))
            continue;
          path = g_build_filename (dirs[d], name, NULL);
          info = al_model_info_load (path, NULL);
          if (info == NULL)
            continue;
          g_hash_table_add (seen, g_strdup (name));
          g_ptr_array_add (list, info);
        }
    }
  return list;
}

char *
al_model_find (const AlMaterial *material,
               AlModelTask       task)
{
  g_autoptr (GPtrArray) list = NULL;

  g_return_val_if_fail (task < AL_MODEL_N_TASKS, NULL);
  if (material == NULL)
    return NULL;
  list = al_model_list ();
  for (guint i = 0; i < list->len; i++)
    {
      AlModelInfo *info = list->pdata[i];
      if (al_model_info_fits (info, task, material))
        return g_strdup (info->path);
    }
  return NULL;
}

gboolean
al_model_check (const char       *path,
                AlModelTask       task,
                const AlMaterial *material,
                GError          **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (AlModelInfo) info = al_model_info_load (path, &local);

  g_return_val_if_fail (task < AL_MODEL_N_TASKS, FALSE);
  if (info == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "Cannot load network %s: %s",
                   path, local->message);
      return FALSE;
    }
  if (info->task == NULL || g_ascii_strcasecmp (info->task, task_names[task]) != 0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "%s is a network for “%s”, not for “%s” (its atomlens.task)", path,
                   info->task != NULL ? info->task : "an unknown task", task_names[task]);
      return FALSE;
    }
  if (material != NULL && !material_listed (info->material, material))
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "%s is trained for %s, not for %s (its atomlens.material)", path,
                   info->material != NULL ? info->material : "no stated material",
                   material->label);
      return FALSE;
    }
  return TRUE;
}
