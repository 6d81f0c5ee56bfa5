/* al-nn-atoms.c: an atom-finding network's probability maps on a frame's
 * grid. See al-nn-atoms.h. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-nn-atoms.h"
#include "nn/al-nn-resample.h"

#define AL_NN_ATOMS_BACKGROUND "background"

const AlMaterial *
al_nn_atoms_model_material (const AlNnModel *model)
{
  const char *list = al_nn_model_get_material (model);
  g_auto (GStrv) names = NULL;

  if (list == NULL)
    return NULL;
  names = g_strsplit (list, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const AlMaterial *m = al_material_from_name (g_strstrip (names[i]));
      if (m != NULL)
        return m;
    }
  return NULL;
}

static gboolean
model_lists_material (const AlNnModel  *model,
                      const AlMaterial *material)
{
  const char *list = al_nn_model_get_material (model);
  g_auto (GStrv) names = NULL;

  if (list == NULL)
    return FALSE;
  names = g_strsplit (list, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_ascii_strcasecmp (g_strstrip (names[i]), material->name) == 0)
      return TRUE;
  return FALSE;
}

int *
al_nn_atoms_channel_species (const AlNnModel   *model,
                             const AlMaterial  *material,
                             GError           **error)
{
  const char *task = al_nn_model_get_task (model);
  const char *const *classes = al_nn_model_get_classes (model);
  guint n = al_nn_model_get_out_channels (model);
  g_autofree int *species = NULL;

  if (task == NULL || strcmp (task, "atoms") != 0)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "This network is not an atom finder (atomlens.task is “%s”, not “atoms”)",
                   task ? task : "absent");
      return NULL;
    }
  if (al_nn_model_get_in_channels (model) != 1)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "This network takes %u input channels, not one image",
                   al_nn_model_get_in_channels (model));
      return NULL;
    }
  if (material == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The network's material (atomlens.material “%s”) is not a known preset",
                   al_nn_model_get_material (model) ? al_nn_model_get_material (model) : "absent");
      return NULL;
    }
  if (!model_lists_material (model, material))
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "This network finds atoms of %s, not of %s",
                   al_nn_model_get_material (model) ? al_nn_model_get_material (model) : "no material",
                   material->name);
      return NULL;
    }
  if (classes == NULL || g_strv_length ((char **) classes) != n)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The network's atomlens.classes does not name its %u output channels", n);
      return NULL;
    }
  species = g_new (int, n);
  for (guint c = 0; c < n; c++)
    {
      if (g_ascii_strcasecmp (classes[c], AL_NN_ATOMS_BACKGROUND) == 0)
        species[c] = -1;
      else if ((species[c] = al_material_species_index (material, classes[c])) < 0)
        {
          g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                       "The network's class “%s” is not a species of %s", classes[c],
                       material->name);
          return NULL;
        }
    }
  return g_steal_pointer (&species);
}

float *
al_nn_atoms_maps (AlNnModel     *model,
                  const float   *frame,
                  guint          width,
                  guint          height,
                  double         pixel_size_nm,
                  guint          n_threads,
                  AlProgress    *progress,
                  GCancellable  *cancellable,
                  GError       **error)
{
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
  guint n_out = al_nn_model_get_out_channels (model);
  guint mw, mh;
  g_autofree float *input = NULL;
  g_autofree float *out = NULL;
  float *maps;

  if (!al_nn_model_grid (model, width, height, pixel_size_nm, &mw, &mh, error))
    return NULL;
  input = g_new (float, (gsize) mw * mh);
  if (mw == width && mh == height)
    memcpy (input, frame, sizeof (float) * width * height);
  else
    al_nn_resample_bilinear (frame, width, height, input, mw, mh, 1);
  if (!al_nn_model_normalise_input (model, input, (gsize) mw * mh, error))
    return NULL;
  out = g_try_new (float, (gsize) n_out * mw * mh);
  if (out == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "Not enough memory for the network's %u maps of %u × %u px", n_out, mw, mh);
      return NULL;
    }
  opts.n_threads = n_threads;
  if (!al_nn_run_tiled (model, input, mw, mh, 1, out, &opts, progress, cancellable, error))
    return NULL;
  if (mw == width && mh == height)
    return g_steal_pointer (&out);
  maps = g_new (float, (gsize) n_out * width * height);
  al_nn_resample_bilinear (out, mw, mh, maps, width, height, n_out);
  return maps;
}
