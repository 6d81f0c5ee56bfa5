/* al-nn-plan.c: shapes, memory and execution for one input size.
 *
 * A plan works out every value's shape for an input of h × w, then places
 * the values in one arena: a value lives from the node that writes it to
 * the last node that reads it, and takes the first gap in the arena that
 * fits (first-fit over the live blocks, as ggml's allocator). The tiled
 * runner plans once and runs every tile in the same memory.
 */
#include <string.h>

#include "nn/al-nn-private.h"

/* Arena blocks start on cache lines. */
#define AL_NN_ARENA_ALIGN 64
/* No single value may exceed this many bytes (16 GiB): a guard against a
 * hostile graph multiplying sizes, checked before any allocation. */
#define AL_NN_MAX_VALUE_BYTES ((guint64) 16 << 30)

static gboolean
shape_error (const AlNnNode *node,
             GError        **error,
             const char     *message)
{
  g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE, "%s node “%s”: %s", node->op_type, node->name,
               message);
  return FALSE;
}

static gboolean
infer_node (const AlNnNode *node,
            AlNnTensor     *values,
            GError        **error)
{
  const AlNnTensor *x = &values[node->inputs[0]];
  guint c = AL_NN_C (x), h = AL_NN_H (x), w = AL_NN_W (x), ho = h, wo = w;
  g_autofree char *message = NULL;

  switch (node->kind)
    {
    case AL_NN_OP_CONV:
    case AL_NN_OP_CONV_TRANSPOSE:
      if (c != node->p.conv.c_in)
        return shape_error (node, error, "input has the wrong number of channels");
      if (!(node->kind == AL_NN_OP_CONV ? al_nn_conv_out_size (&node->p.conv, h, w, &ho, &wo)
                                        : al_nn_conv_transpose_out_size (&node->p.conv, h, w, &ho, &wo)))
        {
          message = g_strdup_printf ("an input of %u × %u is too small for its kernel", w, h);
          return shape_error (node, error, message);
        }
      c = node->p.conv.c_out;
      break;
    case AL_NN_OP_POOL:
      if (!al_nn_pool2d_out_size (&node->p.pool, h, w, &ho, &wo))
        {
          message = g_strdup_printf ("an input of %u × %u is too small for its window", w, h);
          return shape_error (node, error, message);
        }
      break;
    case AL_NN_OP_RESIZE:
      if (!al_nn_resize_out_size (&node->p.resize, h, w, &ho, &wo))
        return shape_error (node, error, "the output size is out of range");
      break;
    case AL_NN_OP_PAD:
      if (node->p.pad.mode == AL_NN_PAD_REFLECT
          && (node->p.pad.pad_t >= h || node->p.pad.pad_b >= h || node->p.pad.pad_l >= w
              || node->p.pad.pad_r >= w))
        return shape_error (node, error, "reflection padding wider than its input");
      ho = h + node->p.pad.pad_t + node->p.pad.pad_b;
      wo = w + node->p.pad.pad_l + node->p.pad.pad_r;
      break;
    case AL_NN_OP_BINARY_ADD:
    case AL_NN_OP_BINARY_MUL:
    case AL_NN_OP_CONCAT:
      c = 0;
      for (guint i = 0; i < node->n_inputs; i++)
        {
          const AlNnTensor *xi = &values[node->inputs[i]];
          if (AL_NN_H (xi) != h || AL_NN_W (xi) != w
              || (node->kind != AL_NN_OP_CONCAT && AL_NN_C (xi) != AL_NN_C (x)))
            {
              message = g_strdup_printf ("its inputs differ in size (%u × %u and %u × %u); the "
                                         "network may need sizes that are multiples of a power of 2",
                                         w, h, AL_NN_W (xi), AL_NN_H (xi));
              return shape_error (node, error, message);
            }
          c += AL_NN_C (xi);
        }
      if (node->kind != AL_NN_OP_CONCAT)
        c = AL_NN_C (x);
      break;
    case AL_NN_OP_AFFINE:
    case AL_NN_OP_ACT:
    case AL_NN_OP_SOFTMAX:
      break;
    }
  if ((guint64) c * ho * wo * sizeof (float) > AL_NN_MAX_VALUE_BYTES)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                        "%s node “%s”: its output (%u × %u × %u) is too large", node->op_type,
                        node->name, c, ho, wo),
           FALSE;
  al_nn_tensor_init_chw (&values[node->output], c, ho, wo, NULL);
  return TRUE;
}

static gsize
node_scratch (const AlNnNode   *node,
              const AlNnTensor *values)
{
  const AlNnTensor *x = &values[node->inputs[0]], *y = &values[node->output];

  if (node->kind == AL_NN_OP_CONV)
    return al_nn_conv_scratch (&node->p.conv, AL_NN_H (y), AL_NN_W (y));
  if (node->kind == AL_NN_OP_CONV_TRANSPOSE)
    return al_nn_conv_transpose_scratch (&node->p.conv, AL_NN_H (x), AL_NN_W (x));
  return 0;
}

typedef struct
{
  gsize offset, size;
  guint value;
} Block;

static gsize
place (GArray *live,
       guint   value,
       gsize   size)
{
  gsize at = 0;
  guint i;
  Block b;

  size = (size + AL_NN_ARENA_ALIGN - 1) / AL_NN_ARENA_ALIGN * AL_NN_ARENA_ALIGN;
  for (i = 0; i < live->len; i++)
    {
      Block *o = &g_array_index (live, Block, i);
      if (o->offset >= at + size)
        break;
      at = MAX (at, o->offset + o->size);
    }
  b.offset = at;
  b.size = size;
  b.value = value;
  g_array_insert_val (live, i, b);
  return at;
}

static void
release (GArray *live,
         guint   value)
{
  for (guint i = 0; i < live->len; i++)
    if (g_array_index (live, Block, i).value == value)
      {
        g_array_remove_index (live, i);
        return;
      }
}

static gsize
arena_end (GArray *live)
{
  gsize end = 0;

  for (guint i = 0; i < live->len; i++)
    end = MAX (end, g_array_index (live, Block, i).offset + g_array_index (live, Block, i).size);
  return end;
}

/* Concatenation in place: an input that only the Concat reads is written by
 * its producer straight into its channel slice of the Concat's output, so
 * the skip connections of a U-Net cost no copy and no second buffer.
 * alias[v] is the value v lives inside (or G_MAXUINT), at alias_at[v] bytes. */
static void
find_concat_views (const AlNnModel *model,
                   const AlNnTensor *values,
                   guint           *alias,
                   gsize           *alias_at)
{
  g_autofree guint *n_users = g_new0 (guint, model->n_values);

  for (guint k = 0; k < model->n_nodes; k++)
    for (guint i = 0; i < model->nodes[k].n_inputs; i++)
      n_users[model->nodes[k].inputs[i]]++;
  n_users[model->output]++;
  for (guint v = 0; v < model->n_values; v++)
    alias[v] = G_MAXUINT;
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      gsize at = 0;

      if (node->kind != AL_NN_OP_CONCAT || alias[node->output] != G_MAXUINT)
        continue;
      for (guint i = 0; i < node->n_inputs; i++)
        {
          guint v = node->inputs[i];
          if (v != 0 && n_users[v] == 1 && alias[v] == G_MAXUINT)
            {
              alias[v] = node->output;
              alias_at[v] = at;
            }
          at += al_nn_tensor_numel (&values[v]) * sizeof (float);
        }
    }
  /* a Concat whose output is itself a view would need nested views: keep it plain */
  for (guint v = 0; v < model->n_values; v++)
    if (alias[v] != G_MAXUINT && alias[alias[v]] != G_MAXUINT)
      alias[v] = G_MAXUINT;
}

AlNnPlan *
al_nn_plan_new (const AlNnModel *model,
                guint            h,
                guint            w,
                guint            n_threads,
                GError         **error)
{
  g_autoptr (AlNnPlan) plan = g_new0 (AlNnPlan, 1);
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (Block));
  g_autofree guint *last_use = g_new0 (guint, model->n_values);
  g_autofree guint *alias = g_new (guint, model->n_values);
  g_autofree gsize *alias_at = g_new0 (gsize, model->n_values);
  g_autofree gboolean *placed = g_new0 (gboolean, model->n_values);

  plan->n_values = model->n_values;
  plan->values = g_new0 (AlNnTensor, model->n_values);
  plan->offsets = g_new0 (gsize, model->n_values);
  plan->in_h = h;
  plan->in_w = w;
  if (h == 0 || w == 0 || (guint64) model->in_channels * h * w * 4 > AL_NN_MAX_VALUE_BYTES)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE, "cannot run on an input of %u × %u",
                        w, h),
           NULL;
  al_nn_tensor_init_chw (&plan->values[0], model->in_channels, h, w, NULL);

  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      if (!infer_node (node, plan->values, error))
        return NULL;
      plan->scratch_floats = MAX (plan->scratch_floats, node_scratch (node, plan->values));
      for (guint i = 0; i < node->n_inputs; i++)
        last_use[node->inputs[i]] = k;
    }
  last_use[model->output] = G_MAXUINT;
  find_concat_views (model, plan->values, alias, alias_at);

  plan->offsets[0] = place (live, 0, al_nn_tensor_numel (&plan->values[0]) * sizeof (float));
  plan->arena_bytes = arena_end (live);
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      guint v = node->output, root = alias[v] != G_MAXUINT ? alias[v] : v;

      if (!placed[root])
        {
          plan->offsets[root] = place (live, root,
                                       al_nn_tensor_numel (&plan->values[root]) * sizeof (float));
          placed[root] = TRUE;
        }
      plan->offsets[v] = plan->offsets[root] + (root != v ? alias_at[v] : 0);
      plan->arena_bytes = MAX (plan->arena_bytes, arena_end (live));
      for (guint i = 0; i < node->n_inputs; i++)
        if (last_use[node->inputs[i]] == k && alias[node->inputs[i]] == G_MAXUINT)
          release (live, node->inputs[i]);
    }
  return g_steal_pointer (&plan);
}

void
al_nn_plan_free (AlNnPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->values);
  g_free (plan->offsets);
  g_free (plan);
}

gsize
al_nn_plan_bytes (const AlNnPlan *plan,
                  guint           n_threads)
{
  return plan->arena_bytes + (gsize) MAX (n_threads, 1) * plan->scratch_floats * sizeof (float);
}

void
al_nn_plan_bind (AlNnPlan *plan,
                 float    *memory)
{
  for (guint v = 0; v < plan->n_values; v++)
    plan->values[v].data = memory + plan->offsets[v] / sizeof (float);
}

void
al_nn_plan_execute (const AlNnModel *model,
                    AlNnPlan        *plan,
                    float           *memory,
                    AlNnPool        *pool)
{
  float *scratch = memory + plan->arena_bytes / sizeof (float);

  al_nn_plan_bind (plan, memory);
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      const AlNnTensor *x = &plan->values[node->inputs[0]];
      AlNnTensor *y = &plan->values[node->output];

      switch (node->kind)
        {
        case AL_NN_OP_CONV:
          al_nn_conv_run (&node->p.conv, x, y, pool, scratch, plan->scratch_floats);
          break;
        case AL_NN_OP_CONV_TRANSPOSE:
          al_nn_conv_transpose_run (&node->p.conv, x, y, pool, scratch, plan->scratch_floats);
          break;
        case AL_NN_OP_POOL:
          al_nn_pool2d_run (&node->p.pool, x, y, pool);
          break;
        case AL_NN_OP_RESIZE:
          al_nn_resize_run (&node->p.resize, x, y, pool);
          break;
        case AL_NN_OP_PAD:
          al_nn_pad_run (&node->p.pad, x, y, pool);
          break;
        case AL_NN_OP_AFFINE:
          al_nn_affine_run (&node->p.affine, x, y, pool);
          break;
        case AL_NN_OP_ACT:
          al_nn_act_run (&node->p.act, x, y, pool);
          break;
        case AL_NN_OP_SOFTMAX:
          al_nn_softmax_run (x, y, pool);
          break;
        case AL_NN_OP_BINARY_ADD:
        case AL_NN_OP_BINARY_MUL:
          al_nn_binary_run (node->kind == AL_NN_OP_BINARY_MUL, x, &plan->values[node->inputs[1]], y,
                            pool);
          break;
        case AL_NN_OP_CONCAT:
          {
            const AlNnTensor *xs[AL_NN_MAX_NODE_INPUTS];
            for (guint i = 0; i < node->n_inputs; i++)
              xs[i] = &plan->values[node->inputs[i]];
            al_nn_concat_run (xs, node->n_inputs, y, pool);
          }
          break;
        }
    }
}
