/* al-nn-model.c: a loaded network: loading, fusion of BatchNorm and
 * activations into convolutions, what the graph implies about tiling
 * (alignment, receptive field), metadata, and a single whole-input run.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "al-limits.h"
#include "nn/al-nn-private.h"

G_DEFINE_QUARK (al-nn-error-quark, al_nn_error)

float *
al_nn_model_take_blob (AlNnModel *model,
                       gsize      n_floats)
{
  float *blob = g_new0 (float, MAX (n_floats, 1));

  model->weight_bytes += n_floats * sizeof (float);
  g_ptr_array_add (model->blobs, blob);
  return blob;
}

static AlNnModel *
model_new (void)
{
  AlNnModel *model = g_new0 (AlNnModel, 1);

  model->blobs = g_ptr_array_new_with_free_func (g_free);
  model->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return model;
}

static void
node_clear (AlNnNode *node)
{
  g_free (node->name);
  g_free (node->op_type);
  g_free (node->inputs);
}

void
al_nn_model_free (AlNnModel *model)
{
  if (model == NULL)
    return;
  for (guint i = 0; i < model->n_nodes; i++)
    node_clear (&model->nodes[i]);
  g_free (model->nodes);
  g_ptr_array_unref (model->blobs);
  g_hash_table_unref (model->metadata);
  g_strfreev (model->classes);
  g_free (model);
}

AlNnModel *
al_nn_model_load_from_data (const guint8 *data,
                            gsize         size,
                            GError      **error)
{
  g_autoptr (AlNnModel) model = model_new ();

  if (!al_nn_onnx_load (model, data, size, error) || !al_nn_model_finish (model, error))
    return NULL;
  return g_steal_pointer (&model);
}

AlNnModel *
al_nn_model_load (const char *path,
                  GError    **error)
{
  g_autoptr (GMappedFile) file = NULL;
  g_autoptr (GError) local = NULL;
  AlNnModel *model;

  file = g_mapped_file_new (path, FALSE, &local);
  if (file == NULL)
    {
      g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT, "cannot read model “%s”: %s", path,
                   local->message);
      return NULL;
    }
  model = al_nn_model_load_from_data ((const guint8 *) g_mapped_file_get_contents (file),
                                      g_mapped_file_get_length (file), &local);
  if (model == NULL)
    g_set_error (error, AL_NN_ERROR, local->code, "model “%s”: %s", path, local->message);
  return model;
}

/* ---- fusion ------------------------------------------------------------- */

/* Folds a per-channel affine map (an unfolded BatchNorm) into the
 * convolution before it: w' = w·s, b' = b·s + t. */
static void
fold_affine (AlNnModel        *model,
             AlNnConv         *conv,
             const AlNnAffine *aff)
{
  gsize per_out = (gsize) (conv->c_in / conv->groups) * conv->kh * conv->kw;
  float *w = al_nn_model_take_blob (model, per_out * conv->c_out);
  float *b = al_nn_model_take_blob (model, conv->c_out);

  for (guint o = 0; o < conv->c_out; o++)
    {
      guint k = aff->scalar ? 0 : o;
      float s = aff->scale != NULL ? aff->scale[k] : 1.f, t = aff->shift != NULL ? aff->shift[k] : 0.f;
      for (gsize i = 0; i < per_out; i++)
        w[o * per_out + i] = conv->weight[o * per_out + i] * s;
      b[o] = (conv->bias != NULL ? conv->bias[o] : 0.f) * s + t;
    }
  conv->weight = w;
  conv->bias = b;
}

static void
fuse_nodes (AlNnModel *model)
{
  g_autofree guint *n_users = g_new0 (guint, model->n_values);
  g_autofree gint *producer = g_new (gint, model->n_values);
  g_autofree gboolean *dead = g_new0 (gboolean, model->n_nodes);
  guint kept = 0;

  for (guint v = 0; v < model->n_values; v++)
    producer[v] = -1;
  for (guint k = 0; k < model->n_nodes; k++)
    {
      for (guint i = 0; i < model->nodes[k].n_inputs; i++)
        n_users[model->nodes[k].inputs[i]]++;
      producer[model->nodes[k].output] = (gint) k;
    }
  n_users[model->output]++;

  for (guint k = 0; k < model->n_nodes; k++)
    {
      AlNnNode *node = &model->nodes[k], *prev;
      guint in = node->inputs[0];

      if ((node->kind != AL_NN_OP_AFFINE && node->kind != AL_NN_OP_ACT) || producer[in] < 0
          || n_users[in] != 1)
        continue;
      prev = &model->nodes[producer[in]];
      if (node->kind == AL_NN_OP_AFFINE && prev->kind == AL_NN_OP_CONV
          && prev->p.conv.act.kind == AL_NN_ACT_NONE && node->p.affine.act.kind == AL_NN_ACT_NONE)
        fold_affine (model, &prev->p.conv, &node->p.affine);
      else if (node->kind == AL_NN_OP_ACT && (prev->kind == AL_NN_OP_CONV
                                              || prev->kind == AL_NN_OP_CONV_TRANSPOSE)
               && prev->p.conv.act.kind == AL_NN_ACT_NONE)
        prev->p.conv.act = node->p.act;
      else if (node->kind == AL_NN_OP_ACT && prev->kind == AL_NN_OP_AFFINE
               && prev->p.affine.act.kind == AL_NN_ACT_NONE)
        prev->p.affine.act = node->p.act;
      else
        continue;
      prev->output = node->output;
      producer[node->output] = producer[in];
      dead[k] = TRUE;
    }
  for (guint k = 0; k < model->n_nodes; k++)
    {
      if (dead[k])
        node_clear (&model->nodes[k]);
      else
        model->nodes[kept++] = model->nodes[k];
    }
  model->n_nodes = kept;
}

/* How far an output pixel sees and the coarsest grid in the graph, per
 * value: `scale` input pixels per value pixel, `radius` in input pixels. */
static void
analyse_graph (AlNnModel *model)
{
  g_autofree double *scale = g_new (double, model->n_values);
  g_autofree double *radius = g_new0 (double, model->n_values);
  double max_scale = 1.0;

  for (guint v = 0; v < model->n_values; v++)
    scale[v] = 1.0;
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      double s = 0, r = 0, extent = 0, stride = 1;

      for (guint i = 0; i < node->n_inputs; i++)
        {
          s = MAX (s, scale[node->inputs[i]]);
          r = MAX (r, radius[node->inputs[i]]);
        }
      switch (node->kind)
        {
        case AL_NN_OP_CONV:
          {
            const AlNnConv *c = &node->p.conv;
            extent = MAX (MAX (c->pad_t, (double) c->dil_h * (c->kh - 1) - c->pad_t),
                          MAX (c->pad_l, (double) c->dil_w * (c->kw - 1) - c->pad_l));
            stride = MAX (c->stride_h, c->stride_w);
            break;
          }
        case AL_NN_OP_CONV_TRANSPOSE:
          {
            const AlNnConv *c = &node->p.conv;
            extent = MAX ((double) c->dil_h * (c->kh - 1) + 1, (double) c->dil_w * (c->kw - 1) + 1);
            stride = 1.0 / MAX (c->stride_h, c->stride_w);
            break;
          }
        case AL_NN_OP_POOL:
          {
            const AlNnPoolParams *p = &node->p.pool;
            extent = MAX (MAX (p->pad_t, (double) p->dil_h * (p->kh - 1) - p->pad_t),
                          MAX (p->pad_l, (double) p->dil_w * (p->kw - 1) - p->pad_l));
            stride = MAX (p->stride_h, p->stride_w);
            break;
          }
        case AL_NN_OP_RESIZE:
          extent = 1.0;
          if (node->p.resize.out_h == 0)
            stride = 1.0 / MAX (MIN (node->p.resize.scale_h, node->p.resize.scale_w), 1e-3);
          break;
        case AL_NN_OP_PAD:
          extent = MAX (MAX (node->p.pad.pad_t, node->p.pad.pad_b),
                        MAX (node->p.pad.pad_l, node->p.pad.pad_r));
          break;
        default:
          break;
        }
      radius[node->output] = r + s * extent;
      scale[node->output] = s * stride;
      max_scale = MAX (max_scale, scale[node->output]);
    }
  model->alignment = (guint) MAX (1.0, ceil (max_scale - 1e-6));
  model->receptive_radius = (guint) ceil (radius[model->output] - 1e-6);
}

static void
parse_metadata (AlNnModel *model)
{
  const char *classes = g_hash_table_lookup (model->metadata, "atomlens.classes");
  const char *pixel = g_hash_table_lookup (model->metadata, "atomlens.pixel_size_nm");

  if (classes != NULL)
    {
      model->classes = g_strsplit (classes, ",", -1);
      for (guint i = 0; model->classes[i] != NULL; i++)
        g_strstrip (model->classes[i]);
    }
  if (pixel != NULL)
    {
      char *end = NULL;
      double v = g_ascii_strtod (pixel, &end);
      model->pixel_size_nm = end != pixel && isfinite (v) && v > 0 ? v : 0.0;
    }
}

gboolean
al_nn_model_finish (AlNnModel *model,
                    GError   **error)
{
  if (model->n_nodes == 0)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT, "the network has no operators"),
           FALSE;
  fuse_nodes (model);
  for (guint k = 0; k < model->n_nodes; k++)
    {
      AlNnConv *c = &model->nodes[k].p.conv;
      if (model->nodes[k].kind == AL_NN_OP_CONV && al_nn_conv_winograd_eligible (c)
          && g_getenv ("AL_NN_NO_WINOGRAD") == NULL)
        {
          c->winograd = al_nn_model_take_blob (model, (gsize) 16 * c->c_out * c->c_in);
          al_nn_conv_winograd_weights (c, c->winograd);
        }
    }
  analyse_graph (model);
  parse_metadata (model);
  if (model->classes != NULL && g_strv_length (model->classes) != model->out_channels)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                        "atomlens.classes names %u classes but the network has %u output channels",
                        g_strv_length (model->classes), model->out_channels),
           FALSE;
  return TRUE;
}

/* ---- queries ------------------------------------------------------------ */

guint al_nn_model_get_in_channels (const AlNnModel *model) { return model->in_channels; }
guint al_nn_model_get_out_channels (const AlNnModel *model) { return model->out_channels; }
guint al_nn_model_get_alignment (const AlNnModel *model) { return model->alignment; }
guint al_nn_model_get_receptive_radius (const AlNnModel *model) { return model->receptive_radius; }

const char *
al_nn_model_get_metadata (const AlNnModel *model,
                          const char      *key)
{
  return g_hash_table_lookup (model->metadata, key);
}

const char *al_nn_model_get_task (const AlNnModel *m) { return al_nn_model_get_metadata (m, "atomlens.task"); }
const char *al_nn_model_get_material (const AlNnModel *m) { return al_nn_model_get_metadata (m, "atomlens.material"); }
const char *al_nn_model_get_normalisation (const AlNnModel *m) { return al_nn_model_get_metadata (m, "atomlens.normalisation"); }
const char *const *al_nn_model_get_classes (const AlNnModel *m) { return (const char *const *) m->classes; }
double al_nn_model_get_pixel_size_nm (const AlNnModel *m) { return m->pixel_size_nm; }

double
al_nn_model_get_flops (const AlNnModel *model,
                       guint            width,
                       guint            height)
{
  g_autoptr (AlNnPlan) plan = al_nn_plan_new (model, height, width, 1, NULL);
  double flops = 0;

  if (plan == NULL)
    return 0;
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      const AlNnConv *c = &node->p.conv;
      const AlNnTensor *x = &plan->values[node->inputs[0]], *y = &plan->values[node->output];

      if (node->kind == AL_NN_OP_CONV)
        flops += 2.0 * c->c_out * (c->c_in / c->groups) * c->kh * c->kw * AL_NN_H (y) * AL_NN_W (y);
      else if (node->kind == AL_NN_OP_CONV_TRANSPOSE)
        flops += 2.0 * c->c_in * (c->c_out / c->groups) * c->kh * c->kw * AL_NN_H (x) * AL_NN_W (x);
    }
  return flops;
}

/* The process's memory budget (al-limits.h) as an AL_NN_ERROR. */
gboolean
al_nn_check_budget (guint64     bytes,
                    const char *what,
                    GError    **error)
{
  g_autoptr (GError) local = NULL;

  if (al_limits_check (bytes, what, &local))
    return TRUE;
  return g_set_error_literal (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE, local->message), FALSE;
}

gboolean
al_nn_model_run (AlNnModel   *model,
                 const float *input,
                 guint        width,
                 guint        height,
                 guint        in_channels,
                 float       *out,
                 guint        n_threads,
                 GError     **error)
{
  g_autoptr (AlNnPlan) plan = NULL;
  g_autofree float *memory = NULL;
  AlNnPool *pool;
  const AlNnTensor *y;

  if (in_channels != model->in_channels)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE,
                        "the network takes %u input channels, not %u", model->in_channels, in_channels),
           FALSE;
  n_threads = n_threads > 0 ? n_threads : g_get_num_processors ();
  plan = al_nn_plan_new (model, height, width, n_threads, error);
  if (plan == NULL)
    return FALSE;
  if (!al_nn_check_budget (al_nn_plan_bytes (plan, n_threads), "Running the network on the whole "
                           "image at once", error))
    return FALSE;
  memory = g_try_malloc (al_nn_plan_bytes (plan, n_threads));
  if (memory == NULL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                        "not enough memory for %zu MiB of working buffers",
                        al_nn_plan_bytes (plan, n_threads) >> 20),
           FALSE;
  al_nn_plan_bind (plan, memory);
  memcpy (plan->values[0].data, input, (gsize) in_channels * width * height * sizeof (float));
  openblas_set_num_threads (1);
  pool = al_nn_pool_new (n_threads);
  al_nn_plan_execute (model, plan, memory, pool);
  al_nn_pool_free (pool);
  y = &plan->values[model->output];
  memcpy (out, y->data, al_nn_tensor_numel (y) * sizeof (float));
  return TRUE;
}

gboolean
al_nn_model_normalise_input (const AlNnModel *model,
                             float           *pixels,
                             gsize            n_pixels,
                             GError         **error)
{
  const char *mode = al_nn_model_get_normalisation (model);
  double lo = INFINITY, hi = -INFINITY, sum = 0, sum2 = 0, a, b;

  if (mode == NULL || g_ascii_strcasecmp (mode, "none") == 0 || n_pixels == 0)
    return TRUE;
  for (gsize i = 0; i < n_pixels; i++)
    {
      lo = MIN (lo, pixels[i]);
      hi = MAX (hi, pixels[i]);
      sum += pixels[i];
      sum2 += (double) pixels[i] * pixels[i];
    }
  if (g_ascii_strcasecmp (mode, "minmax") == 0)
    {
      a = hi > lo ? 1.0 / (hi - lo) : 0.0;
      b = -lo * a;
    }
  else if (g_ascii_strcasecmp (mode, "zscore") == 0)
    {
      double mean = sum / n_pixels, var = MAX (sum2 / n_pixels - mean * mean, 0.0);
      a = var > 0 ? 1.0 / sqrt (var) : 0.0;
      b = -mean * a;
    }
  else
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "the model asks for normalisation “%s”, which AtomLens does not know "
                        "(none, minmax, zscore)", mode),
           FALSE;
  for (gsize i = 0; i < n_pixels; i++)
    pixels[i] = (float) (pixels[i] * a + b);
  return TRUE;
}
