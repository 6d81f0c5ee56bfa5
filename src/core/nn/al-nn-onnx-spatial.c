/* al-nn-onnx-spatial.c: the ONNX operators that work on windows of the
 * image (Conv, ConvTranspose, the pools, Resize/Upsample, Pad) into engine
 * nodes: their strides, dilations, pads and scales checked against what
 * the engine runs (see al-nn-onnx-ops.c for the others). */
#include <math.h>
#include <string.h>

#include "nn/al-nn-onnx-private.h"

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
    if (!al_onnx_check_range (n, "stride", s[i], 1, AL_NN_MAX_STRIDE, error)
        || !al_onnx_check_range (n, "dilation", d[i], 1, AL_NN_MAX_STRIDE, error))
      return FALSE;
  for (guint i = 0; i < 4; i++)
    if (!al_onnx_check_range (n, "padding", p[i], 0, AL_NN_MAX_PAD, error))
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

gboolean
al_onnx_translate_conv (const AlOnnxNode *n,
                        gboolean          transpose,
                        GError          **error)
{
  AlOnnxValue *x, *w, *b;
  AlNnNode *node;
  AlNnConv c = { 0 };
  guint stride[2], dil[2], pads[4];
  gint64 group = al_onnx_attr_int (n, "group", 1), ks[2], op[2];

  if ((x = al_onnx_act_input (n, 0, error)) == NULL || !al_onnx_const_input (n, 1, FALSE, &w, error)
      || !al_onnx_const_input (n, 2, TRUE, &b, error))
    return FALSE;
  if (w->n_dims != 4)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "weights have %u dimensions; only 2-D convolutions run", w->n_dims),
           FALSE;
  if (!al_onnx_check_range (n, "group count", group, 1, AL_NN_MAX_CHANNELS, error)
      || !al_onnx_check_range (n, "kernel height", w->dims[2], 1, AL_NN_MAX_KERNEL, error)
      || !al_onnx_check_range (n, "kernel width", w->dims[3], 1, AL_NN_MAX_KERNEL, error)
      || !al_onnx_check_range (n, "weight channels", w->dims[0], 1, AL_NN_MAX_CHANNELS, error)
      || !al_onnx_check_range (n, "weight channels", w->dims[1], 1, AL_NN_MAX_CHANNELS, error))
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
      if (!al_onnx_check_range (n, "output padding", op[0], 0, AL_NN_MAX_STRIDE - 1, error)
          || !al_onnx_check_range (n, "output padding", op[1], 0, AL_NN_MAX_STRIDE - 1, error))
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
  node = al_onnx_add_node (n, transpose ? AL_NN_OP_CONV_TRANSPOSE : AL_NN_OP_CONV, 1);
  node->inputs[0] = x->id;
  node->p.conv = c;
  return al_onnx_set_output (n, node, c.c_out, error);
}

gboolean
al_onnx_translate_pool (const AlOnnxNode *n,
                        gboolean          is_max,
                        GError          **error)
{
  AlOnnxValue *x;
  AlNnPoolParams p = { is_max };
  gint64 ks[2];
  guint stride[2], dil[2], pads[4];
  AlNnNode *node;

  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
    return FALSE;
  if (al_onnx_attr (n, "kernel_shape") == NULL)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no kernel_shape"), FALSE;
  if (!al_onnx_attr_ints (n, "kernel_shape", ks, 2, 1, error)
      || !al_onnx_check_range (n, "kernel height", ks[0], 1, AL_NN_MAX_KERNEL, error)
      || !al_onnx_check_range (n, "kernel width", ks[1], 1, AL_NN_MAX_KERNEL, error))
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
  node = al_onnx_add_node (n, AL_NN_OP_POOL, 1);
  node->inputs[0] = x->id;
  node->p.pool = p;
  return al_onnx_set_output (n, node, x->channels, error);
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

gboolean
al_onnx_translate_resize (const AlOnnxNode *n,
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

  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
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
      if (!al_onnx_const_input (n, scales_at, TRUE, &scales, error)
          || (!upsample && opset >= 11 && !al_onnx_const_input (n, 3, TRUE, &sizes, error)))
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
          if (!al_onnx_check_range (n, "output height", sizes->i[2], 1, G_MAXINT32, error)
              || !al_onnx_check_range (n, "output width", sizes->i[3], 1, G_MAXINT32, error))
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
  node = al_onnx_add_node (n, AL_NN_OP_RESIZE, 1);
  node->inputs[0] = x->id;
  node->p.resize = r;
  return al_onnx_set_output (n, node, x->channels, error);
}

gboolean
al_onnx_translate_pad (const AlOnnxNode *n,
                       GError          **error)
{
  AlOnnxValue *x, *pads_v = NULL, *value_v = NULL;
  g_autofree char *mode = al_onnx_attr_string (n, "mode", "constant");
  gint64 pads[8];
  AlNnPad p = { 0 };
  AlNnNode *node;

  if ((x = al_onnx_act_input (n, 0, error)) == NULL)
    return FALSE;
  if (n->loader->opset < 11)
    {
      if (!al_onnx_attr_ints (n, "pads", pads, 8, 0, error))
        return FALSE;
      p.value = al_onnx_attr_float (n, "value", 0.f);
    }
  else
    {
      if (!al_onnx_const_input (n, 1, FALSE, &pads_v, error)
          || !al_onnx_const_input (n, 2, TRUE, &value_v, error))
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
    if (i != 4 && i != 5 && !al_onnx_check_range (n, "padding", pads[i], 0, AL_NN_MAX_PAD, error))
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
  node = al_onnx_add_node (n, AL_NN_OP_PAD, 1);
  node->inputs[0] = x->id;
  node->p.pad = p;
  return al_onnx_set_output (n, node, x->channels, error);
}
