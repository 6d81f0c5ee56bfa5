/* al-nn-plan.c: shapes, memory and execution for one input size.
 *
 * A plan works out every value's shape for an input of h × w, then places
 * the values in one arena: a value lives from the node that writes it to
 * the last node that reads it, and buffers whose lifetimes overlap never
 * share bytes (placed greedily by size). The tiled runner plans once and
 * runs every tile in the same memory.
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

/* One buffer of the arena: bytes, and the nodes it lives through. */
typedef struct
{
  guint value;
  gsize size;
  gint  first, last;
  gsize offset;
} Block;

static gint
by_size_desc (gconstpointer a,
              gconstpointer b)
{
  const Block *x = a, *y = b;

  if (x->size != y->size)
    return x->size < y->size ? 1 : -1;
  return x->first - y->first;
}

/* Offline placement, greedy by size (as TensorFlow Lite's arena planner):
 * largest buffers first, each at the lowest offset free of every placed
 * buffer whose lifetime overlaps its own. Returns the arena's size. */
static gsize
place_blocks (Block *blocks,
              guint  n)
{
  g_autofree Block **placed = g_new (Block *, n);
  guint n_placed = 0;
  gsize end = 0;

  qsort (blocks, n, sizeof (Block), by_size_desc);
  for (guint i = 0; i < n; i++)
    {
      Block *b = &blocks[i];
      gsize at = 0;
      gboolean moved = TRUE;

      /* slide up past every conflicting buffer until none overlaps */
      while (moved)
        {
          moved = FALSE;
          for (guint j = 0; j < n_placed; j++)
            {
              const Block *o = placed[j];
              if (o->last < b->first || b->last < o->first)
                continue;
              if (at < o->offset + o->size && o->offset < at + b->size)
                {
                  at = o->offset + o->size;
                  moved = TRUE;
                }
            }
        }
      b->offset = at;
      end = MAX (end, at + b->size);
      placed[n_placed++] = b;
    }
  return end;
}

/* Concatenation in place: an input that only the Concat reads (a U-Net's
 * up-sampled half) is written by its producer straight into its channel
 * slice of the Concat's output: no copy, no second buffer. Inputs with
 * other readers (the skips) are copied: placing them in the Concat's buffer
 * would hold every level's whole Concat buffer through the encoder.
 * alias[v] is the value v lives inside (or G_MAXUINT), at alias_at[v] bytes. */
static void
find_concat_views (const AlNnModel  *model,
                   const AlNnTensor *values,
                   const guint      *last_use,
                   guint            *alias,
                   gsize            *alias_at)
{
  g_autofree gboolean *in_concat = g_new0 (gboolean, model->n_values);
  g_autofree guint *n_users = g_new0 (guint, model->n_values);

  for (guint k = 0; k < model->n_nodes; k++)
    for (guint i = 0; i < model->nodes[k].n_inputs; i++)
      n_users[model->nodes[k].inputs[i]]++;
  for (guint v = 0; v < model->n_values; v++)
    alias[v] = G_MAXUINT;
  for (guint k = 0; k < model->n_nodes; k++)
    {
      const AlNnNode *node = &model->nodes[k];
      gsize at = 0;

      if (node->kind != AL_NN_OP_CONCAT)
        continue;
      for (guint i = 0; i < node->n_inputs; i++)
        {
          guint v = node->inputs[i];
          gboolean twice = FALSE;
          for (guint j = 0; j < node->n_inputs; j++)
            twice |= j != i && node->inputs[j] == v;
          if (v != 0 && v != model->output && !twice && !in_concat[v] && n_users[v] == 1
              && last_use[v] <= last_use[node->output])
            {
              alias[v] = node->output;
              alias_at[v] = at;
              in_concat[v] = TRUE;
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
  g_autofree guint *last_use = g_new0 (guint, model->n_values);
  g_autofree guint *alias = g_new (guint, model->n_values);
  g_autofree gsize *alias_at = g_new0 (gsize, model->n_values);

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
  find_concat_views (model, plan->values, last_use, alias, alias_at);

  /* lifetimes of the buffers that own memory (views live in their Concat's) */
  {
    g_autofree Block *blocks = g_new0 (Block, model->n_values);
    g_autofree gint *first = g_new (gint, model->n_values);
    guint n_blocks = 0;

    for (guint v = 0; v < model->n_values; v++)
      first[v] = G_MAXINT;
    first[0] = -1;
    for (guint k = 0; k < model->n_nodes; k++)
      {
        guint v = model->nodes[k].output, root = alias[v] != G_MAXUINT ? alias[v] : v;
        first[root] = MIN (first[root], (gint) k);
      }
    for (guint v = 0; v < model->n_values; v++)
      {
        if (alias[v] != G_MAXUINT || first[v] == G_MAXINT)
          continue;
        blocks[n_blocks].value = v;
        blocks[n_blocks].size = (al_nn_tensor_numel (&plan->values[v]) * sizeof (float)
                                 + AL_NN_ARENA_ALIGN - 1) / AL_NN_ARENA_ALIGN * AL_NN_ARENA_ALIGN;
        blocks[n_blocks].first = first[v];
        blocks[n_blocks].last = last_use[v] == G_MAXUINT ? G_MAXINT : (gint) last_use[v];
        n_blocks++;
      }
    plan->arena_bytes = place_blocks (blocks, n_blocks);
    for (guint i = 0; i < n_blocks; i++)
      plan->offsets[blocks[i].value] = blocks[i].offset;
    for (guint v = 0; v < model->n_values; v++)
      if (alias[v] != G_MAXUINT)
        plan->offsets[v] = plan->offsets[alias[v]] + alias_at[v];
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
