/* al-nn-onnx-ops.c: translates each ONNX operator into an engine node,
 * checking its attributes and constant inputs (opsets 7 to 17: the places
 * where the operators changed between opsets are handled here: Clip's and
 * Pad's attributes becoming inputs, Resize's inputs, Upsample, Softmax's
 * axis). Anything else is an error that names the operator and the node.
 */
#include <math.h>
#include <string.h>

#include "nn/al-nn-onnx-private.h"

static AlNnNode *
add_node (const AlOnnxNode *n,
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

static gboolean
set_output (const AlOnnxNode *n,
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

static AlOnnxValue *
act_input (const AlOnnxNode *n,
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
static gboolean
const_input (const AlOnnxNode  *n,
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

static gboolean
check_range (const AlOnnxNode *n,
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

/* strides, dilations, pads and auto_pad shared by Conv, ConvTranspose and the pools. */
static gboolean
window_attrs (const AlOnnxNode *n,
              guint             kh,
              guint             kw,
              gboolean          same_allowed,
              guint            *stride,
              guint            *dil,
              guint            *pads,
              GError          **error)
{
  gint64 s[2], d[2], p[4];
  g_autofree char *auto_pad = al_onnx_attr_string (n, "auto_pad", "NOTSET");
  guint k[2] = { kh, kw };

  if (!al_onnx_attr_ints (n, "strides", s, 2, 1, error)
      || !al_onnx_attr_ints (n, "dilations", d, 2, 1, error)
      || !al_onnx_attr_ints (n, "pads", p, 4, 0, error))
    return FALSE;
  for (guint i = 0; i < 2; i++)
    if (!check_range (n, "stride", s[i], 1, AL_NN_MAX_STRIDE, error)
        || !check_range (n, "dilation", d[i], 1, AL_NN_MAX_STRIDE, error))
      return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!check_range (n, "padding", p[i], 0, AL_NN_MAX_PAD, error))
      return FALSE;
  if (strcmp (auto_pad, "VALID") == 0)
    memset (p, 0, sizeof p);
  else if (strcmp (auto_pad, "SAME_UPPER") == 0 || strcmp (auto_pad, "SAME_LOWER") == 0)
    {
      if (!same_allowed || s[0] != 1 || s[1] != 1)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                              "auto_pad %s is supported for stride 1 only", auto_pad),
               FALSE;
      for (guint i = 0; i < 2; i++)
        {
          gint64 total = d[i] * (k[i] - 1);
          gint64 small = total / 2, big = total - small;
          gboolean upper = auto_pad[5] == 'U';
          p[i] = upper ? small : big;
          p[i + 2] = upper ? big : small;
        }
    }
  else if (strcmp (auto_pad, "NOTSET") != 0)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "auto_pad “%s” is unknown", auto_pad),
           FALSE;
  stride[0] = s[0], stride[1] = s[1];
  dil[0] = d[0], dil[1] = d[1];
  for (guint i = 0; i < 4; i++)
    pads[i] = (guint) p[i];
  return TRUE;
}

static gboolean
translate_conv (const AlOnnxNode *n,
                gboolean          transpose,
                GError          **error)
{
  AlOnnxValue *x, *w, *b;
  AlNnNode *node;
  AlNnConv c = { 0 };
  guint stride[2], dil[2], pads[4];
  gint64 group = al_onnx_attr_int (n, "group", 1), ks[2], op[2];

  if ((x = act_input (n, 0, error)) == NULL || !const_input (n, 1, FALSE, &w, error)
      || !const_input (n, 2, TRUE, &b, error))
    return FALSE;
  if (w->n_dims != 4)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "weights have %u dimensions; only 2-D convolutions run", w->n_dims),
           FALSE;
  if (!check_range (n, "group count", group, 1, AL_NN_MAX_CHANNELS, error)
      || !check_range (n, "kernel height", w->dims[2], 1, AL_NN_MAX_KERNEL, error)
      || !check_range (n, "kernel width", w->dims[3], 1, AL_NN_MAX_KERNEL, error)
      || !check_range (n, "weight channels", w->dims[0], 1, AL_NN_MAX_CHANNELS, error)
      || !check_range (n, "weight channels", w->dims[1], 1, AL_NN_MAX_CHANNELS, error))
    return FALSE;
  c.groups = (guint) group;
  c.kh = (guint) w->dims[2];
  c.kw = (guint) w->dims[3];
  if (!al_onnx_attr_ints (n, "kernel_shape", ks, 2, 0, error))
    return FALSE;
  if ((ks[0] != 0 && ks[0] != c.kh) || (ks[1] != 0 && ks[1] != c.kw))
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "kernel_shape disagrees with the weights"),
           FALSE;
  if (!window_attrs (n, c.kh, c.kw, !transpose, stride, dil, pads, error))
    return FALSE;
  c.stride_h = stride[0], c.stride_w = stride[1], c.dil_h = dil[0], c.dil_w = dil[1];
  c.pad_t = pads[0], c.pad_l = pads[1], c.pad_b = pads[2], c.pad_r = pads[3];
  c.c_in = x->channels;
  if (transpose)
    {
      if (al_onnx_attr (n, "output_shape") != NULL)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                              "attribute output_shape is not supported (use pads)"),
               FALSE;
      if (!al_onnx_attr_ints (n, "output_padding", op, 2, 0, error))
        return FALSE;
      if (!check_range (n, "output padding", op[0], 0, AL_NN_MAX_STRIDE - 1, error)
          || !check_range (n, "output padding", op[1], 0, AL_NN_MAX_STRIDE - 1, error))
        return FALSE;
      c.out_pad_h = (guint) op[0], c.out_pad_w = (guint) op[1];
      c.c_out = (guint) w->dims[1] * c.groups;
      if (w->dims[0] != c.c_in || c.c_in % c.groups != 0 || c.c_out > AL_NN_MAX_CHANNELS)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT,
                              "weights are for %" G_GINT64_FORMAT " input channels, the input has %u "
                              "(groups %u)", w->dims[0], c.c_in, c.groups),
               FALSE;
    }
  else
    {
      c.c_out = (guint) w->dims[0];
      if (w->dims[1] * c.groups != c.c_in || c.c_out % c.groups != 0)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT,
                              "weights are for %" G_GINT64_FORMAT " input channels, the input has %u "
                              "(groups %u)", w->dims[1] * c.groups, c.c_in, c.groups),
               FALSE;
    }
  if (b != NULL && b->numel != c.c_out)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "bias has %zu values for %u channels",
                          b->numel, c.c_out),
           FALSE;
  c.weight = w->f;
  c.bias = b != NULL ? b->f : NULL;
  node = add_node (n, transpose ? AL_NN_OP_CONV_TRANSPOSE : AL_NN_OP_CONV, 1);
  node->inputs[0] = x->id;
  node->p.conv = c;
  return set_output (n, node, c.c_out, error);
}

static gboolean
translate_batch_norm (const AlOnnxNode *n,
                      GError          **error)
{
  AlOnnxValue *x, *v[4];
  float eps = al_onnx_attr_float (n, "epsilon", 1e-5f);
  AlNnNode *node;
  float *scale, *shift;

  if ((x = act_input (n, 0, error)) == NULL)
    return FALSE;
  for (guint i = 0; i < 4; i++)
    {
      if (!const_input (n, i + 1, FALSE, &v[i], error))
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
  node = add_node (n, AL_NN_OP_AFFINE, 1);
  node->inputs[0] = x->id;
  node->p.affine.scale = scale;
  node->p.affine.shift = shift;
  return set_output (n, node, x->channels, error);
}

static gboolean
translate_act (const AlOnnxNode *n,
               AlNnActKind       kind,
               GError          **error)
{
  AlOnnxValue *x, *lo = NULL, *hi = NULL;
  AlNnAct act = { kind, 0.f, -INFINITY, INFINITY };
  AlNnNode *node;

  if ((x = act_input (n, 0, error)) == NULL)
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
          if (!const_input (n, 1, TRUE, &lo, error) || !const_input (n, 2, TRUE, &hi, error))
            return FALSE;
          if ((lo != NULL && lo->numel != 1) || (hi != NULL && hi->numel != 1))
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "min and max must be scalars"),
                   FALSE;
          act.lo = lo != NULL ? lo->f[0] : -INFINITY;
          act.hi = hi != NULL ? hi->f[0] : INFINITY;
        }
    }
  node = add_node (n, AL_NN_OP_ACT, 1);
  node->inputs[0] = x->id;
  node->p.act = act;
  return set_output (n, node, x->channels, error);
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
      node = add_node (n, AL_NN_OP_SOFTMAX, 1);
      node->inputs[0] = x->id;
      if (!set_output (n, node, x->channels, error))
        return FALSE;
      ((AlOnnxValue *) g_hash_table_lookup (n->loader->values, n->proto->output[0]))->swapped = TRUE;
      return TRUE;
    }
  if ((x = act_input (n, 0, error)) == NULL)
    return FALSE;
  /* Before opset 13, axis 1 meant "flatten C×H×W", not channels. */
  if ((axis != 1 && axis != -3) || n->loader->opset < 13)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "softmax over axis %" G_GINT64_FORMAT " (opset %" G_GINT64_FORMAT
                          "); only the channel softmax of opset 13+ runs", axis, n->loader->opset),
           FALSE;
  node = add_node (n, AL_NN_OP_SOFTMAX, 1);
  node->inputs[0] = x->id;
  return set_output (n, node, x->channels, error);
}

static gboolean
translate_pool (const AlOnnxNode *n,
                gboolean          is_max,
                GError          **error)
{
  AlOnnxValue *x;
  AlNnPoolParams p = { is_max };
  gint64 ks[2];
  guint stride[2], dil[2], pads[4];
  AlNnNode *node;

  if ((x = act_input (n, 0, error)) == NULL)
    return FALSE;
  if (al_onnx_attr (n, "kernel_shape") == NULL)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no kernel_shape"), FALSE;
  if (!al_onnx_attr_ints (n, "kernel_shape", ks, 2, 1, error)
      || !check_range (n, "kernel height", ks[0], 1, AL_NN_MAX_KERNEL, error)
      || !check_range (n, "kernel width", ks[1], 1, AL_NN_MAX_KERNEL, error))
    return FALSE;
  p.kh = (guint) ks[0], p.kw = (guint) ks[1];
  if (!window_attrs (n, p.kh, p.kw, TRUE, stride, dil, pads, error))
    return FALSE;
  if (!is_max && (dil[0] != 1 || dil[1] != 1))
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "dilated average pooling"), FALSE;
  p.stride_h = stride[0], p.stride_w = stride[1], p.dil_h = dil[0], p.dil_w = dil[1];
  p.pad_t = pads[0], p.pad_l = pads[1], p.pad_b = pads[2], p.pad_r = pads[3];
  p.ceil_mode = al_onnx_attr_int (n, "ceil_mode", 0) != 0;
  p.count_include_pad = al_onnx_attr_int (n, "count_include_pad", 0) != 0;
  node = add_node (n, AL_NN_OP_POOL, 1);
  node->inputs[0] = x->id;
  node->p.pool = p;
  return set_output (n, node, x->channels, error);
}

static gboolean
parse_coord_mode (const AlOnnxNode *n,
                  const char       *s,
                  AlNnResize       *r,
                  GError          **error)
{
  if (strcmp (s, "half_pixel") == 0)
    r->coord = AL_NN_COORD_HALF_PIXEL;
  else if (strcmp (s, "pytorch_half_pixel") == 0)
    r->coord = AL_NN_COORD_PYTORCH_HALF_PIXEL;
  else if (strcmp (s, "align_corners") == 0)
    r->coord = AL_NN_COORD_ALIGN_CORNERS;
  else if (strcmp (s, "asymmetric") == 0)
    r->coord = AL_NN_COORD_ASYMMETRIC;
  else
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "coordinate_transformation_mode “%s” is not supported", s),
           FALSE;
  return TRUE;
}

static gboolean
translate_resize (const AlOnnxNode *n,
                  gboolean          upsample,
                  GError          **error)
{
  AlOnnxValue *x, *scales = NULL, *sizes = NULL;
  AlNnResize r = { 0 };
  g_autofree char *mode = al_onnx_attr_string (n, "mode", "nearest");
  g_autofree char *coord = NULL, *nearest = NULL;
  const Onnx__AttributeProto *scales_attr = al_onnx_attr (n, "scales");
  AlNnNode *node;
  gint64 opset = n->loader->opset;

  if ((x = act_input (n, 0, error)) == NULL)
    return FALSE;
  if (strcmp (mode, "nearest") == 0)
    r.mode = AL_NN_RESIZE_NEAREST;
  else if (strcmp (mode, "linear") == 0 || strcmp (mode, "bilinear") == 0)
    r.mode = AL_NN_RESIZE_LINEAR;
  else
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "mode “%s” is not supported", mode),
           FALSE;

  /* Upsample (opset 7-9) and Resize-10 map output to input as x / scale. */
  coord = upsample || opset < 11
            ? g_strdup ("asymmetric")
            : al_onnx_attr_string (n, "coordinate_transformation_mode", "half_pixel");
  if (!parse_coord_mode (n, coord, &r, error))
    return FALSE;
  nearest = upsample || opset < 11 ? g_strdup ("floor")
                                   : al_onnx_attr_string (n, "nearest_mode", "round_prefer_floor");
  if (strcmp (nearest, "round_prefer_floor") == 0)
    r.nearest = AL_NN_NEAREST_ROUND_PREFER_FLOOR;
  else if (strcmp (nearest, "round_prefer_ceil") == 0)
    r.nearest = AL_NN_NEAREST_ROUND_PREFER_CEIL;
  else if (strcmp (nearest, "floor") == 0)
    r.nearest = AL_NN_NEAREST_FLOOR;
  else if (strcmp (nearest, "ceil") == 0)
    r.nearest = AL_NN_NEAREST_CEIL;
  else
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "nearest_mode “%s”", nearest), FALSE;

  if (upsample && scales_attr != NULL)   /* Upsample-7 */
    {
      if (scales_attr->n_floats != 4)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "scales must have 4 values"), FALSE;
      r.scale_h = scales_attr->floats[2];
      r.scale_w = scales_attr->floats[3];
      if (scales_attr->floats[0] != 1.f || scales_attr->floats[1] != 1.f)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "scaling batch or channels"), FALSE;
    }
  else
    {
      guint scales_at = upsample || opset < 11 ? 1 : 2;
      if (!const_input (n, scales_at, TRUE, &scales, error)
          || (!upsample && opset >= 11 && !const_input (n, 3, TRUE, &sizes, error)))
        return FALSE;
      if (scales != NULL && scales->numel == 0)
        scales = NULL;
      if (sizes != NULL && sizes->numel == 0)
        sizes = NULL;
      if ((scales == NULL) == (sizes == NULL))
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT,
                              "needs exactly one of scales and sizes"),
               FALSE;
      if (scales != NULL)
        {
          if (scales->numel != 4)
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "scales must have 4 values"), FALSE;
          if (scales->f[0] != 1.f || scales->f[1] != 1.f)
            return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "scaling batch or channels"),
                   FALSE;
          r.scale_h = scales->f[2];
          r.scale_w = scales->f[3];
        }
      else
        {
          if (sizes->numel == 4 && (sizes->i[2] == AL_ONNX_UNKNOWN || sizes->i[3] == AL_ONNX_UNKNOWN))
            return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                                  "its output size depends on the image size; export the "
                                  "network with scale_factor instead of size"),
                   FALSE;
          if (sizes->numel != 4 || sizes->i[1] != x->channels)
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "sizes must be N, C, H, W"), FALSE;
          if (!check_range (n, "output height", sizes->i[2], 1, G_MAXINT32, error)
              || !check_range (n, "output width", sizes->i[3], 1, G_MAXINT32, error))
            return FALSE;
          r.out_h = (guint) sizes->i[2];
          r.out_w = (guint) sizes->i[3];
        }
    }
  if (r.out_h == 0 && (!(r.scale_h > 0.f && r.scale_h <= AL_NN_MAX_SCALE)
                       || !(r.scale_w > 0.f && r.scale_w <= AL_NN_MAX_SCALE)))
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "scale %g × %g is out of range",
                          r.scale_h, r.scale_w),
           FALSE;
  node = add_node (n, AL_NN_OP_RESIZE, 1);
  node->inputs[0] = x->id;
  node->p.resize = r;
  return set_output (n, node, x->channels, error);
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
      AlOnnxValue *x = act_input (n, i, error);
      if (x == NULL)
        return FALSE;
      ids[i] = x->id;
      channels += x->channels;
    }
  if (channels > AL_NN_MAX_CHANNELS)
    return al_onnx_error (n, error, AL_NN_ERROR_TOO_LARGE, "%u channels", channels), FALSE;
  node = add_node (n, AL_NN_OP_CONCAT, n_in);
  memcpy (node->inputs, ids, n_in * sizeof (guint));
  return set_output (n, node, channels, error);
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
      node = add_node (n, op == '+' ? AL_NN_OP_BINARY_ADD : AL_NN_OP_BINARY_MUL, 2);
      node->inputs[0] = a->id;
      node->inputs[1] = b->id;
      return set_output (n, node, a->channels, error);
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
  node = add_node (n, AL_NN_OP_AFFINE, 1);
  node->inputs[0] = x->id;
  node->p.affine = aff;
  return set_output (n, node, x->channels, error);
}

static gboolean
translate_pad (const AlOnnxNode *n,
               GError          **error)
{
  AlOnnxValue *x, *pads_v = NULL, *value_v = NULL;
  g_autofree char *mode = al_onnx_attr_string (n, "mode", "constant");
  gint64 pads[8];
  AlNnPad p = { 0 };
  AlNnNode *node;

  if ((x = act_input (n, 0, error)) == NULL)
    return FALSE;
  if (n->loader->opset < 11)
    {
      if (!al_onnx_attr_ints (n, "pads", pads, 8, 0, error))
        return FALSE;
      p.value = al_onnx_attr_float (n, "value", 0.f);
    }
  else
    {
      if (!const_input (n, 1, FALSE, &pads_v, error) || !const_input (n, 2, TRUE, &value_v, error))
        return FALSE;
      if (pads_v->numel != 8)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "pads has %zu values, expected 8",
                              pads_v->numel),
               FALSE;
      memcpy (pads, pads_v->i, sizeof pads);
      for (guint i = 0; i < 8; i++)
        if (pads[i] == AL_ONNX_UNKNOWN)
          return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                                "its padding depends on the image size"),
                 FALSE;
      p.value = value_v != NULL && value_v->numel > 0 ? value_v->f[0] : 0.f;
    }
  if (pads[0] || pads[1] || pads[4] || pads[5])
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "padding batch or channels"), FALSE;
  for (guint i = 2; i < 8; i++)
    if (i != 4 && i != 5 && !check_range (n, "padding", pads[i], 0, AL_NN_MAX_PAD, error))
      return FALSE;
  if (strcmp (mode, "constant") == 0)
    p.mode = AL_NN_PAD_CONSTANT;
  else if (strcmp (mode, "reflect") == 0)
    p.mode = AL_NN_PAD_REFLECT;
  else if (strcmp (mode, "edge") == 0)
    p.mode = AL_NN_PAD_EDGE;
  else
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "mode “%s”", mode), FALSE;
  p.pad_t = (guint) pads[2], p.pad_l = (guint) pads[3], p.pad_b = (guint) pads[6], p.pad_r = (guint) pads[7];
  node = add_node (n, AL_NN_OP_PAD, 1);
  node->inputs[0] = x->id;
  node->p.pad = p;
  return set_output (n, node, x->channels, error);
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
    return translate_conv (&n, FALSE, error);
  if (strcmp (op, "ConvTranspose") == 0)
    return translate_conv (&n, TRUE, error);
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
    return translate_pool (&n, TRUE, error);
  if (strcmp (op, "AveragePool") == 0)
    return translate_pool (&n, FALSE, error);
  if (strcmp (op, "Resize") == 0)
    return translate_resize (&n, FALSE, error);
  if (strcmp (op, "Upsample") == 0)
    return translate_resize (&n, TRUE, error);
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
    return translate_pad (&n, error);
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
