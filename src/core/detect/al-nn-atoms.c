/* al-nn-atoms.c: an atom-finding network's probability maps on a frame's
 * grid. See al-nn-atoms.h. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-nn-atoms.h"

/* Largest side of the frame resampled to the model's pixel size: beyond
 * it the calibration is surely wrong (a 0.3 nm/px frame is 10× larger). */
#define AL_NN_ATOMS_MAX_SIDE 16384u
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

/* Bilinear resampling of `n_channels` planes from src_w × src_h to
 * dst_w × dst_h, pixel centres at integers, edges clamped. */
static void
resample (const float *src,
          guint        src_w,
          guint        src_h,
          float       *dst,
          guint        dst_w,
          guint        dst_h,
          guint        n_channels)
{
  double sx = (double) src_w / dst_w, sy = (double) src_h / dst_h;

  for (guint c = 0; c < n_channels; c++)
    {
      const float *s = src + (gsize) c * src_w * src_h;
      float *d = dst + (gsize) c * dst_w * dst_h;
      for (guint y = 0; y < dst_h; y++)
        {
          double fy = CLAMP ((y + 0.5) * sy - 0.5, 0.0, src_h - 1.0);
          guint y0 = (guint) fy, y1 = MIN (y0 + 1, src_h - 1);
          double wy = fy - y0;
          for (guint x = 0; x < dst_w; x++)
            {
              double fx = CLAMP ((x + 0.5) * sx - 0.5, 0.0, src_w - 1.0);
              guint x0 = (guint) fx, x1 = MIN (x0 + 1, src_w - 1);
              double wx = fx - x0;
              double top = s[(gsize) y0 * src_w + x0] * (1 - wx) + s[(gsize) y0 * src_w + x1] * wx;
              double bot = s[(gsize) y1 * src_w + x0] * (1 - wx) + s[(gsize) y1 * src_w + x1] * wx;
              d[(gsize) y * dst_w + x] = (float) (top * (1 - wy) + bot * wy);
            }
        }
    }
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
  double model_px = al_nn_model_get_pixel_size_nm (model);
  guint n_out = al_nn_model_get_out_channels (model);
  guint mw = width, mh = height;
  g_autofree float *input = NULL;
  g_autofree float *out = NULL;
  float *maps;

  if (pixel_size_nm > 0 && model_px > 0
      && fabs (pixel_size_nm / model_px - 1.0) > AL_NN_ATOMS_SCALE_TOLERANCE)
    {
      double mwd = round (width * pixel_size_nm / model_px);
      double mhd = round (height * pixel_size_nm / model_px);
      if (mwd > AL_NN_ATOMS_MAX_SIDE || mhd > AL_NN_ATOMS_MAX_SIDE)
        {
          g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                       "At the network's %g nm/px this %g nm/px frame would be %.0f × %.0f px",
                       model_px, pixel_size_nm, mwd, mhd);
          return NULL;
        }
      mw = (guint) MAX (mwd, 1.0);
      mh = (guint) MAX (mhd, 1.0);
    }
  input = g_new (float, (gsize) mw * mh);
  if (mw == width && mh == height)
    memcpy (input, frame, sizeof (float) * width * height);
  else
    resample (frame, width, height, input, mw, mh, 1);
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
  resample (out, mw, mh, maps, width, height, n_out);
  return maps;
}
