/* al-phase-net.c: phase probabilities from the phase network. */
#include "defects/al-phase-net.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-nn-atoms.h"
#include "nn/al-nn.h"

/* The network's class names (atomlens.classes) as phases. */
static int
phase_of_class (const char *name)
{
  static const struct { const char *name; AlPhase phase; } names[] = {
    { "2H", AL_PHASE_2H }, { "1T", AL_PHASE_1T }, { "1Tp", AL_PHASE_1TP }, { "1T'", AL_PHASE_1TP },
    { "amorphous", AL_PHASE_AMORPHOUS }, { "vacuum", AL_PHASE_VACUUM },
  };

  for (guint k = 0; k < G_N_ELEMENTS (names); k++)
    if (g_ascii_strcasecmp (name, names[k].name) == 0)
      return names[k].phase;
  return -1;
}

void
al_phase_net_free (AlPhaseNet *net)
{
  if (net == NULL)
    return;
  g_free (net->prob);
  g_free (net);
}

/* Runs the network at `model_path` on one frame. The model must be a phase
 * model whose classes are phases (AL_ERROR_INVALID_ARGUMENT otherwise).
 * NULL without an error when the frame is too small for the network. */
AlPhaseNet *
al_phase_net_run (const char   *model_path,
                  const float  *frame,
                  guint         width,
                  guint         height,
                  double        pixel_size_nm,
                  guint         n_threads,
                  GCancellable *cancellable,
                  GError      **error)
{
  g_autoptr (AlNnModel) model = al_nn_model_load (model_path, error);
  g_auto (GStrv) classes = NULL;
  g_autofree float *maps = NULL;
  g_autoptr (AlPhaseNet) net = NULL;
  const char *task, *list;
  gsize plane = (gsize) width * height;
  guint n_out;

  if (model == NULL)
    return NULL;
  task = al_nn_model_get_metadata (model, "atomlens.task");
  list = al_nn_model_get_metadata (model, "atomlens.classes");
  n_out = al_nn_model_get_out_channels (model);
  if (g_strcmp0 (task, "phase") != 0 || list == NULL)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "%s is not a phase network (task “%s”)",
                   model_path, task ? task : "none");
      return NULL;
    }
  /* A frame not twice the network's reach is mostly padding to it (and
   * its tiles' blend would vary with the memory budget): no map. */
  {
    double model_px = al_nn_model_get_pixel_size_nm (model);
    double reach = al_nn_model_get_receptive_radius (model)
                   * (model_px > 0 && pixel_size_nm > 0 ? model_px / pixel_size_nm : 1.0);
    if (MIN (width, height) < 2.0 * reach)
      return NULL;
  }
  classes = g_strsplit (list, ",", -1);
  if (g_strv_length (classes) != n_out)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, "%s names %u classes for %u outputs",
                   model_path, g_strv_length (classes), n_out);
      return NULL;
    }
  maps = al_nn_atoms_maps (model, frame, width, height, pixel_size_nm, MAX (n_threads, 1u), NULL,
                           cancellable, error);
  if (maps == NULL)
    return NULL;
  net = g_new0 (AlPhaseNet, 1);
  net->width = width;
  net->height = height;
  net->prob = g_new0 (float, AL_N_PHASES * plane);
  for (guint c = 0; c < n_out; c++)
    {
      int p = phase_of_class (g_strstrip (classes[c]));
      if (p >= 0)
        memcpy (net->prob + (gsize) p * plane, maps + (gsize) c * plane, sizeof (float) * plane);
    }
  return g_steal_pointer (&net);
}

/* Mean probability of each phase over a disc. */
void
al_phase_net_mean (const AlPhaseNet *net,
                   double            x,
                   double            y,
                   double            radius,
                   double            p[AL_N_PHASES])
{
  gsize plane = (gsize) net->width * net->height;
  guint n = 0;

  memset (p, 0, sizeof (double) * AL_N_PHASES);
  for (long yy = (long) ceil (y - radius); yy <= (long) floor (y + radius); yy++)
    for (long xx = (long) ceil (x - radius); xx <= (long) floor (x + radius); xx++)
      if (xx >= 0 && yy >= 0 && xx < (long) net->width && yy < (long) net->height
          && (xx - x) * (xx - x) + (yy - y) * (yy - y) <= radius * radius)
        {
          for (int k = 0; k < AL_N_PHASES; k++)
            p[k] += net->prob[k * plane + (gsize) yy * net->width + xx];
          n++;
        }
  for (int k = 0; k < AL_N_PHASES && n > 0; k++)
    p[k] /= n;
}
