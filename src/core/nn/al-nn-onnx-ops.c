/* al-nn-onnx-ops.c: translates each ONNX operator into an engine node,
 * checking its attributes and constant inputs (opsets 7 to 17: the places
 * where the operators changed between opsets are handled here: Clip's and
 * Pad's attributes becoming inputs, Resize's inputs, Upsample, Softmax's
 * axis). Anything else is an error that names the operator and the node.
 */
#include <math.h>
#include <string.h>

#include "nn/al-nn-onnx-private.h"

AlNnNode *
al_onnx_add_node (const AlOnnxNode *n,
                  AlNnOpKind        kind,
                  guint             n_inputs)
{
  AlNnNode node = { 0 };

  node.kind = kind;
  node.name = g_strdup (n->name);
  node.op_type = g_strdup (n->proto->op_type);
  node.n_inputs = n_inputs;
  node.inputs = g_new0 (guint, MAX (n_inputs, 1));
  g_array_append_val (n->loader->nodes, node);
  return &g_array_index (n->loader->nodes, AlNnNode, n->loader->nodes->len - 1);
}

gboolean
al_onnx_set_output (const AlOnnxNode *n,
                    AlNnNode         *node,
                    guint             channels,
                    GError          **error)
{
  if (n->proto->n_output < 1 || n->proto->output[0][0] == '\0')
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no output"), FALSE;
  for (gsize o = 1; o < n->proto->n_output; o++)
    if (n->proto->output[o][0] != '\0')
      return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                            "its extra output “%s” is not supported", n->proto->output[o]),
             FALSE;
  node->output = al_onnx_new_act (n->loader, n->proto->output[0], channels)->id;
  return TRUE;
}

AlOnnxValue *
al_onnx_act_input (const AlOnnxNode *n,
                   guint             i,
                   GError          **error)
{
  AlOnnxValue *v = al_onnx_input (n, i);

  if (v == NULL || v->is_const)
    {
      al_onnx_error (n, error, v == NULL ? AL_NN_ERROR_CORRUPT : AL_NN_ERROR_UNSUPPORTED,
                     "input %u is %s", i, v == NULL ? "missing" : "a constant, not computed from the image");
      return NULL;
    }
  if (v->swapped)
    {
      al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                     "reads a transposed tensor; Transpose is supported only around Softmax");
      return NULL;
    }
  return v;
}

/* A constant input; `optional` allows its absence (returns NULL, no error). */
gboolean
al_onnx_const_input (const AlOnnxNode  *n,
                     guint              i,
                     gboolean           optional,
                     AlOnnxValue      **out,
                     GError           **error)
{
  AlOnnxValue *v = al_onnx_input (n, i);

  *out = NULL;
  if (v == NULL && (optional || (i < n->proto->n_input && n->proto->input[i][0] == '\0' && optional)))
    return TRUE;
  if (v == NULL)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "input %u is missing", i), FALSE;
  if (!v->is_const)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "input %u must be a constant (initializer or Constant node)", i),
           FALSE;
  *out = v;
  return TRUE;
}

gboolean
al_onnx_check_range (const AlOnnxNode *n,
                     const char       *what,
                     gint64            value,
                     gint64            lo,
                     gint64            hi,
                     GError          **error)
{
  if (value < lo || value > hi)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "%s %" G_GINT64_FORMAT " is outside %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
                          what, value, lo, hi),
           FALSE;
  return TRUE;
}

static gboolean
translate_batch_norm (const AlOnnxNode *n,
                      GError          **error)
{
  AlOnnxValue *x, *v[4];
  float eps = al_onnx_attr_float (n, "epsilon", 1e-5f);
  AlNnNode *node;
  float *scale, *shift;

  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      if (!al_onnx_const_input (n, i + 1, FALSE, &v[i], error))
        return FALSE;
      if (v[i]->numel != x->channels)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "parameter %u has %zu values for %u "
                              "channels", i + 1, v[i]->numel, x->channels),
               FALSE;
    }
  if (al_onnx_attr_int (n, "training_mode", 0) != 0)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "training mode is not supported"), FALSE;
  scale = al_nn_model_take_blob (n->loader->model, x->channels);
  shift = al_nn_model_take_blob (n->loader->model, x->channels);
  for (guint c = 0; c < x->channels; c++)
    {
      /* y = gamma (x - mean) / sqrt (var + eps) + beta */
      scale[c] = v[0]->f[c] / sqrtf (v[3]->f[c] + eps);
      shift[c] = v[1]->f[c] - v[2]->f[c] * scale[c];
    }
  node = al_onnx_add_node (n, AL_NN_OP_AFFINE, 1);
  node->inputs[0] = x->id;
  node->p.affine.scale = scale;
  node->p.affine.shift = shift;
  return al_onnx_set_output (n, node, x->channels, error);
}

static gboolean
translate_act (const AlOnnxNode *n,
               AlNnActKind       kind,
               GError          **error)
{
  AlOnnxValue *x, *lo = NULL, *hi = NULL;
  AlNnAct act = { kind, 0.f, -INFINITY, INFINITY };
  AlNnNode *node;

  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
    return FALSE;
  if (kind == AL_NN_ACT_LEAKY_RELU)
    act.alpha = al_onnx_attr_float (n, "alpha", 0.01f);
  if (kind == AL_NN_ACT_CLIP)
    {
      if (n->loader->opset < 11)
        {
          act.lo = al_onnx_attr_float (n, "min", -INFINITY);
          act.hi = al_onnx_attr_float (n, "max", INFINITY);
        }
      else
        {
          if (!al_onnx_const_input (n, 1, TRUE, &lo, error) || !al_onnx_const_input (n, 2, TRUE, &hi, error))
            return FALSE;
          if ((lo != NULL && lo->numel != 1) || (hi != NULL && hi->numel != 1))
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "min and max must be scalars"),
                   FALSE;
          act.lo = lo != NULL ? lo->f[0] : -INFINITY;
          act.hi = hi != NULL ? hi->f[0] : INFINITY;
        }
    }
  node = al_onnx_add_node (n, AL_NN_OP_ACT, 1);
  node->inputs[0] = x->id;
  node->p.act = act;
  return al_onnx_set_output (n, node, x->channels, error);
}

static gboolean
translate_softmax (const AlOnnxNode *n,
                   GError          **error)
{
  AlOnnxValue *x = al_onnx_input (n, 0);
  gint64 axis = al_onnx_attr_int (n, "axis", n->loader->opset >= 13 ? -1 : 1);
  AlNnNode *node;

  if (x != NULL && x->swapped && !x->is_const && (axis == 3 || axis == -1))
    {
      /* Transpose → Softmax(last axis) → Transpose: a channel softmax */
      node = al_onnx_add_node (n, AL_NN_OP_SOFTMAX, 1);
      node->inputs[0] = x->id;
      if (!al_onnx_set_output (n, node, x->channels, error))
        return FALSE;
      ((AlOnnxValue *) g_hash_table_lookup (n->loader->values, n->proto->output[0]))->swapped = TRUE;
      return TRUE;
    }
  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
    return FALSE;
  /* Before opset 13, axis 1 meant "flatten C×H×W", not channels. */
  if ((axis != 1 && axis != -3) || n->loader->opset < 13)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "softmax over axis %" G_GINT64_FORMAT " (opset %" G_GINT64_FORMAT
                          "); only the channel softmax of opset 13+ runs", axis, n->loader->opset),
           FALSE;
  node = al_onnx_add_node (n, AL_NN_OP_SOFTMAX, 1);
  node->inputs[0] = x->id;
  return al_onnx_set_output (n, node, x->channels, error);
}

static gboolean
translate_concat (const AlOnnxNode *n,
                  GError          **error)
{
  gint64 axis = al_onnx_attr_int (n, "axis", 1);
  guint channels = 0, n_in = (guint) n->proto->n_input;
  g_autofree guint *ids = g_new (guint, MAX (n_in, 1));
  AlNnNode *node;

  if (axis != 1 && axis != -3)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "concatenation along axis %" G_GINT64_FORMAT "; only channels", axis),
           FALSE;
  if (n_in < 1 || n_in > AL_NN_MAX_NODE_INPUTS)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "has %u inputs", n_in), FALSE;
  for (guint i = 0; i < n_in; i++)
    {
      AlOnnxValue *x = al_onnx_act_input (n, i, error);
      if (x == NULL)
        return FALSE;
      ids[i] = x->id;
      channels += x->channels;
    }
  if (channels > AL_NN_MAX_CHANNELS)
    return al_onnx_error (n, error, AL_NN_ERROR_TOO_LARGE, "%u channels", channels), FALSE;
  node = al_onnx_add_node (n, AL_NN_OP_CONCAT, n_in);
  memcpy (node->inputs, ids, n_in * sizeof (guint));
  return al_onnx_set_output (n, node, channels, error);
}

/* Add, Sub, Mul, Div: of two image tensors (Add, Mul), or of an image tensor
 * and a scalar or per-channel constant (an affine map). */
static gboolean
translate_arith (const AlOnnxNode *n,
                 char              op,
                 GError          **error)
{
  AlOnnxValue *a = al_onnx_input (n, 0), *b = al_onnx_input (n, 1), *x, *k;
  gboolean const_first;
  AlNnNode *node;
  AlNnAffine aff = { 0 };
  float *vals;

  if (a == NULL || b == NULL)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "needs two inputs"), FALSE;
  if (!a->is_const && !b->is_const)
    {
      if (op != '+' && op != '*')
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "of two image tensors"), FALSE;
      if (a->channels != b->channels)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                              "broadcasting %u against %u channels", a->channels, b->channels),
               FALSE;
      node = al_onnx_add_node (n, op == '+' ? AL_NN_OP_BINARY_ADD : AL_NN_OP_BINARY_MUL, 2);
      node->inputs[0] = a->id;
      node->inputs[1] = b->id;
      return al_onnx_set_output (n, node, a->channels, error);
    }
  if (a->is_const && b->is_const)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "of two constants (shape arithmetic is not supported; export with fixed "
                          "scales)"),
           FALSE;
  const_first = a->is_const;
  x = const_first ? b : a;
  k = const_first ? a : b;
  if (k->numel != 1 && k->numel != x->channels)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "broadcasting a constant of %zu values over %u channels", k->numel,
                          x->channels),
           FALSE;
  if (k->numel > 1 && k->n_dims >= 1
      && !(k->n_dims >= 3 && k->dims[k->n_dims - 1] == 1 && k->dims[k->n_dims - 2] == 1))
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "the constant must be per channel (shape C × 1 × 1)"),
           FALSE;
  if (op == '/' && const_first)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "dividing by an image tensor"), FALSE;
  aff.scalar = k->numel == 1;
  vals = al_nn_model_take_blob (n->loader->model, k->numel);
  for (gsize i = 0; i < k->numel; i++)
    vals[i] = op == '/' ? 1.f / k->f[i] : (op == '-' && !const_first ? -k->f[i] : k->f[i]);
  if (op == '*' || op == '/')
    aff.scale = vals;
  else
    aff.shift = vals;
  if (op == '-' && const_first)
    {
      /* k - x */
      float *minus_one = al_nn_model_take_blob (n->loader->model, 1);
      minus_one[0] = -1.f;
      aff.scale = minus_one;
      if (!aff.scalar)
        {
          aff.scale = al_nn_model_take_blob (n->loader->model, k->numel);
          for (gsize i = 0; i < k->numel; i++)
            aff.scale[i] = -1.f;
        }
    }
  node = al_onnx_add_node (n, AL_NN_OP_AFFINE, 1);
  node->inputs[0] = x->id;
  node->p.affine = aff;
  return al_onnx_set_output (n, node, x->channels, error);
}

static gboolean
translate_constant (const AlOnnxNode *n,
                    GError          **error)
{
  const Onnx__AttributeProto *a;
  AlOnnxValue *v;

  if (n->proto->n_output < 1)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no output"), FALSE;
  if ((a = al_onnx_attr (n, "value")) != NULL && a->t != NULL)
    {
      if (!al_onnx_tensor_value (n->loader, a->t, &v, error))
        return FALSE;
    }
  else
    {
      gsize count;
      v = g_new0 (AlOnnxValue, 1);
      g_ptr_array_add (n->loader->owned, v);
      v->is_const = TRUE;
      if ((a = al_onnx_attr (n, "value_float")) != NULL || (a = al_onnx_attr (n, "value_int")) != NULL)
        count = 1;
      else if ((a = al_onnx_attr (n, "value_floats")) != NULL)
        count = a->n_floats, v->n_dims = 1;
      else if ((a = al_onnx_attr (n, "value_ints")) != NULL)
        count = a->n_ints, v->n_dims = 1;
      else
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "has no value AtomLens reads"),
               FALSE;
      v->dims[0] = count;
      v->numel = count;
      v->f = al_nn_model_take_blob (n->loader->model, MAX (count, 1));
      v->i = g_new0 (gint64, MAX (count, 1));
      g_ptr_array_add (n->loader->owned, v->i);
      for (gsize k = 0; k < count; k++)
        {
          if (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT)
            v->f[k] = a->f;
          else if (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT)
            v->f[k] = (float) a->i;
          else if (a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS)
            v->f[k] = a->floats[k];
          else
            v->f[k] = (float) a->ints[k];
          v->i[k] = a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS ? a->ints[k]
                    : a->type == ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT ? a->i
                                                                            : (gint64) v->f[k];
        }
    }
  al_onnx_set_value (n->loader, n->proto->output[0], v);
  return TRUE;
}

/* Transpose of an image tensor: only the channel/width swap PyTorch puts
 * around Softmax before opset 13; it costs nothing (see AlOnnxValue.swapped). */
static gboolean
translate_transpose (const AlOnnxNode *n,
                     GError          **error)
{
  AlOnnxValue *x = al_onnx_input (n, 0), *y;
  const Onnx__AttributeProto *perm = al_onnx_attr (n, "perm");
  static const gint64 swap[4] = { 0, 3, 2, 1 };

  if (x == NULL || n->proto->n_output < 1)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no input or output"), FALSE;
  if (perm == NULL || perm->n_ints != 4 || memcmp (perm->ints, swap, sizeof swap) != 0)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "only the channel/width swap around Softmax is supported"),
           FALSE;
  y = g_new (AlOnnxValue, 1);
  *y = *x;
  y->swapped = !x->swapped;
  g_ptr_array_add (n->loader->owned, y);
  al_onnx_set_value (n->loader, n->proto->output[0], y);
  return TRUE;
}

static gboolean
translate_identity (const AlOnnxNode *n,
                    GError          **error)
{
  AlOnnxValue *x = al_onnx_input (n, 0);

  if (x == NULL || n->proto->n_output < 1)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no input or output"), FALSE;
  /* Dropout's optional mask output is never used at inference. */
  for (gsize o = 1; o < n->proto->n_output; o++)
    if (n->proto->output[o][0] != '\0' && strcmp (n->proto->op_type, "Dropout") != 0)
      return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "has several outputs"), FALSE;
  al_onnx_set_value (n->loader, n->proto->output[0], x);
  return TRUE;
}

gboolean
al_onnx_translate_node (AlOnnxLoader           *loader,
                        const Onnx__NodeProto  *proto,
                        GError                **error)
{
  const char *op = proto->op_type;
  AlOnnxNode n = { loader, proto, NULL };

  gboolean folded;

  n.name = proto->name != NULL && proto->name[0] ? proto->name
           : proto->n_output > 0                  ? proto->output[0]
                                                  : "(unnamed)";
  if (!al_onnx_try_fold (loader, proto, &folded, error))
    return FALSE;
  if (folded)
    return TRUE;
  if (proto->domain != NULL && proto->domain[0] && strcmp (proto->domain, "ai.onnx") != 0)
    return al_onnx_error (&n, error, AL_NN_ERROR_UNSUPPORTED, "operator domain “%s” is not supported",
                          proto->domain),
           FALSE;
  if (strcmp (op, "Conv") == 0)
    return al_onnx_translate_conv (&n, FALSE, error);
  if (strcmp (op, "ConvTranspose") == 0)
    return al_onnx_translate_conv (&n, TRUE, error);
  if (strcmp (op, "BatchNormalization") == 0)
    return translate_batch_norm (&n, error);
  if (strcmp (op, "Relu") == 0)
    return translate_act (&n, AL_NN_ACT_RELU, error);
  if (strcmp (op, "LeakyRelu") == 0)
    return translate_act (&n, AL_NN_ACT_LEAKY_RELU, error);
  if (strcmp (op, "Sigmoid") == 0)
    return translate_act (&n, AL_NN_ACT_SIGMOID, error);
  if (strcmp (op, "Tanh") == 0)
    return translate_act (&n, AL_NN_ACT_TANH, error);
  if (strcmp (op, "Clip") == 0)
    return translate_act (&n, AL_NN_ACT_CLIP, error);
  if (strcmp (op, "Softmax") == 0)
    return translate_softmax (&n, error);
  if (strcmp (op, "MaxPool") == 0)
    return al_onnx_translate_pool (&n, TRUE, error);
  if (strcmp (op, "AveragePool") == 0)
    return al_onnx_translate_pool (&n, FALSE, error);
  if (strcmp (op, "Resize") == 0)
    return al_onnx_translate_resize (&n, FALSE, error);
  if (strcmp (op, "Upsample") == 0)
    return al_onnx_translate_resize (&n, TRUE, error);
  if (strcmp (op, "Concat") == 0)
    return translate_concat (&n, error);
  if (strcmp (op, "Add") == 0)
    return translate_arith (&n, '+', error);
  if (strcmp (op, "Sub") == 0)
    return translate_arith (&n, '-', error);
  if (strcmp (op, "Mul") == 0)
    return translate_arith (&n, '*', error);
  if (strcmp (op, "Div") == 0)
    return translate_arith (&n, '/', error);
  if (strcmp (op, "Pad") == 0)
    return al_onnx_translate_pad (&n, error);
  if (strcmp (op, "Constant") == 0)
    return translate_constant (&n, error);
  if (strcmp (op, "Transpose") == 0)
    return translate_transpose (&n, error);
  if (strcmp (op, "Identity") == 0 || strcmp (op, "Dropout") == 0)
    return translate_identity (&n, error);
  return al_onnx_error (&n, error, AL_NN_ERROR_UNSUPPORTED,
                        "the operator “%s” is not supported by AtomLens's engine", op),
         FALSE;
}
