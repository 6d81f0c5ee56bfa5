/* al-nn-onnx-fold.c: evaluates, at load time, the small integer
 * computations PyTorch's exporter wraps around Pad and Resize (Shape,
 * ConstantOfShape, Slice, Reshape, Transpose, Cast, Concat, Gather,
 * (Un)squeeze and arithmetic on constants), so those operators see
 * constant pads and sizes.
 *
 * Shape of the image tensor is known in its batch and channels only; its
 * height and width are AL_ONNX_UNKNOWN, which propagates, so a size that
 * truly depends on the image is reported where it is used ("export with
 * scale_factor").
 */
#include <string.h>

#include "nn/al-nn-onnx-private.h"

/* Elements a folded constant may have: these are shape vectors. */
#define AL_ONNX_MAX_FOLD_ELEMENTS 4096

static AlOnnxValue *
new_const (AlOnnxLoader  *loader,
           guint          n_dims,
           const gint64  *dims,
           GError       **error,
           const AlOnnxNode *n)
{
  AlOnnxValue *v;
  gsize numel = 1;

  for (guint d = 0; d < n_dims; d++)
    {
      if (dims[d] < 0 || dims[d] > AL_ONNX_MAX_FOLD_ELEMENTS
          || numel * (gsize) dims[d] > AL_ONNX_MAX_FOLD_ELEMENTS)
        {
          al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                         "folding a constant of more than %d elements or unknown shape",
                         AL_ONNX_MAX_FOLD_ELEMENTS);
          return NULL;
        }
      numel *= (gsize) dims[d];
    }
  v = g_new0 (AlOnnxValue, 1);
  g_ptr_array_add (loader->owned, v);
  v->is_const = TRUE;
  v->n_dims = n_dims;
  memcpy (v->dims, dims, n_dims * sizeof (gint64));
  v->numel = numel;
  v->f = al_nn_model_take_blob (loader->model, MAX (numel, 1));
  v->i = g_new0 (gint64, MAX (numel, 1));
  g_ptr_array_add (loader->owned, v->i);
  return v;
}

static void
set_elem (AlOnnxValue *v,
          gsize        k,
          gint64       i,
          float        f)
{
  v->i[k] = i;
  v->f[k] = i == AL_ONNX_UNKNOWN ? 0.f : f;
}

static gboolean
finish (const AlOnnxNode *n,
        AlOnnxValue      *v,
        GError          **error)
{
  if (v == NULL)
    return FALSE;
  if (n->proto->n_output < 1)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "has no output"), FALSE;
  al_onnx_set_value (n->loader, n->proto->output[0], v);
  return TRUE;
}

static gboolean
get_const (const AlOnnxNode *n,
           guint             i,
           AlOnnxValue     **out,
           GError          **error)
{
  *out = al_onnx_input (n, i);
  if (*out == NULL || !(*out)->is_const)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                          "input %u is missing or computed from the image", i),
           FALSE;
  return TRUE;
}

/* Row-major strides of dims. */
static void
strides_of (const AlOnnxValue *v,
            gint64            *st)
{
  gint64 s = 1;

  for (gint d = (gint) v->n_dims - 1; d >= 0; d--)
    {
      st[d] = s;
      s *= v->dims[d];
    }
}

static gboolean
fold_shape (const AlOnnxNode *n,
            GError          **error)
{
  AlOnnxValue *x = al_onnx_input (n, 0), *v;
  gint64 dims[1] = { 4 }, full[4];
  gint64 start = al_onnx_attr_int (n, "start", 0), end = al_onnx_attr_int (n, "end", 4);

  if (x == NULL)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "input is missing"), FALSE;
  if (x->is_const)
    {
      dims[0] = x->n_dims;
      memcpy (full, x->dims, MIN (x->n_dims, 4) * sizeof (gint64));
    }
  else
    {
      full[0] = 1, full[1] = x->channels, full[2] = AL_ONNX_UNKNOWN, full[3] = AL_ONNX_UNKNOWN;
    }
  if (start < 0)
    start += dims[0];
  if (end < 0)
    end += dims[0];
  start = CLAMP (start, 0, dims[0]);
  end = CLAMP (end, start, dims[0]);
  if (dims[0] > 4)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "shape of a %" G_GINT64_FORMAT "-D tensor",
                          dims[0]),
           FALSE;
  dims[0] = end - start;
  v = new_const (n->loader, 1, dims, error, n);
  if (v != NULL)
    for (gint64 k = 0; k < dims[0]; k++)
      set_elem (v, k, full[start + k], (float) full[start + k]);
  return finish (n, v, error);
}

static gboolean
fold_constant_of_shape (const AlOnnxNode *n,
                        GError          **error)
{
  AlOnnxValue *shape, *v, *fill = NULL;
  const Onnx__AttributeProto *a = al_onnx_attr (n, "value");
  gint64 dims[AL_NN_MAX_TENSOR_DIMS];

  if (!get_const (n, 0, &shape, error))
    return FALSE;
  if (shape->numel > AL_NN_MAX_TENSOR_DIMS)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "too many dimensions"), FALSE;
  memcpy (dims, shape->i, shape->numel * sizeof (gint64));
  if (a != NULL && a->t != NULL && !al_onnx_tensor_value (n->loader, a->t, &fill, error))
    return FALSE;
  v = new_const (n->loader, (guint) shape->numel, dims, error, n);
  if (v != NULL)
    for (gsize k = 0; k < v->numel; k++)
      set_elem (v, k, fill != NULL && fill->numel > 0 ? fill->i[0] : 0,
                fill != NULL && fill->numel > 0 ? fill->f[0] : 0.f);
  return finish (n, v, error);
}

static gboolean
fold_concat (const AlOnnxNode *n,
             GError          **error)
{
  gint64 dims[1] = { 0 };
  AlOnnxValue *v;
  gsize at = 0;

  for (gsize i = 0; i < n->proto->n_input; i++)
    {
      AlOnnxValue *x;
      if (!get_const (n, i, &x, error))
        return FALSE;
      if (x->n_dims != 1)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "folding a concatenation of "
                              "%u-D constants", x->n_dims),
               FALSE;
      dims[0] += x->dims[0];
    }
  v = new_const (n->loader, 1, dims, error, n);
  if (v == NULL)
    return FALSE;
  for (gsize i = 0; i < n->proto->n_input; i++)
    {
      AlOnnxValue *x = al_onnx_input (n, i);
      for (gsize k = 0; k < x->numel; k++, at++)
        set_elem (v, at, x->i[k], x->f[k]);
    }
  return finish (n, v, error);
}

static gboolean
fold_reshape (const AlOnnxNode *n,
              gboolean          squeeze,
              gboolean          unsqueeze,
              GError          **error)
{
  AlOnnxValue *x, *shape = NULL, *v;
  gint64 dims[AL_NN_MAX_TENSOR_DIMS], axes[AL_NN_MAX_TENSOR_DIMS];
  guint n_dims = 0, n_axes = 0;
  gint64 known = 1;
  gint minus_one = -1;

  if (!get_const (n, 0, &x, error))
    return FALSE;
  if (squeeze || unsqueeze)
    {
      const Onnx__AttributeProto *a = al_onnx_attr (n, "axes");
      AlOnnxValue *ax = al_onnx_input (n, 1);
      if (a != NULL)
        {
          n_axes = MIN (a->n_ints, AL_NN_MAX_TENSOR_DIMS);
          memcpy (axes, a->ints, n_axes * sizeof (gint64));
        }
      else if (ax != NULL && ax->is_const)
        {
          n_axes = MIN (ax->numel, AL_NN_MAX_TENSOR_DIMS);
          memcpy (axes, ax->i, n_axes * sizeof (gint64));
        }
      if (unsqueeze)
        {
          guint total = x->n_dims + n_axes, src = 0;
          if (total > AL_NN_MAX_TENSOR_DIMS)
            return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "too many dimensions"), FALSE;
          for (guint d = 0; d < total; d++)
            {
              gboolean inserted = FALSE;
              for (guint k = 0; k < n_axes; k++)
                inserted |= axes[k] == d || axes[k] + total == d;
              dims[n_dims++] = inserted ? 1 : x->dims[src++];
            }
        }
      else
        for (guint d = 0; d < x->n_dims; d++)
          {
            gboolean drop = n_axes == 0 && x->dims[d] == 1;
            for (guint k = 0; k < n_axes; k++)
              drop |= axes[k] == d || axes[k] + x->n_dims == d;
            if (!drop)
              dims[n_dims++] = x->dims[d];
          }
    }
  else
    {
      if (!get_const (n, 1, &shape, error))
        return FALSE;
      if (shape->numel > AL_NN_MAX_TENSOR_DIMS)
        return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "too many dimensions"), FALSE;
      n_dims = (guint) shape->numel;
      for (guint d = 0; d < n_dims; d++)
        {
          dims[d] = shape->i[d] == 0 && d < x->n_dims ? x->dims[d] : shape->i[d];
          if (dims[d] == -1)
            minus_one = d;
          else if (dims[d] > 0 && known <= (gint64) x->numel / dims[d])
            known *= dims[d];
          else if (dims[d] > 0)
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "reshaping %zu values to more",
                                  x->numel),
                   FALSE;
          else
            return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "invalid shape"), FALSE;
        }
      if (minus_one >= 0)
        dims[minus_one] = (gint64) x->numel / MAX (known, 1);
    }
  v = new_const (n->loader, n_dims, dims, error, n);
  if (v == NULL)
    return FALSE;
  if (v->numel != x->numel)
    return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "reshaping %zu values to %zu", x->numel,
                          v->numel),
           FALSE;
  memcpy (v->i, x->i, x->numel * sizeof (gint64));
  memcpy (v->f, x->f, x->numel * sizeof (float));
  return finish (n, v, error);
}

/* Slice and Transpose: every output element comes from one input element. */
static gboolean
fold_slice (const AlOnnxNode *n,
            GError          **error)
{
  AlOnnxValue *x, *in[4] = { NULL }, *v;
  gint64 start[AL_NN_MAX_TENSOR_DIMS], step[AL_NN_MAX_TENSOR_DIMS], dims[AL_NN_MAX_TENSOR_DIMS];
  gint64 st_in[AL_NN_MAX_TENSOR_DIMS], st_out[AL_NN_MAX_TENSOR_DIMS];

  if (!get_const (n, 0, &x, error))
    return FALSE;
  for (guint d = 0; d < x->n_dims; d++)
    start[d] = 0, step[d] = 1, dims[d] = x->dims[d];
  for (guint k = 0; k < 4; k++)
    if (k + 1 < n->proto->n_input && n->proto->input[k + 1][0] && !get_const (n, k + 1, &in[k], error))
      return FALSE;
  if (in[0] == NULL || in[1] == NULL || in[0]->numel != in[1]->numel)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "needs constant starts and ends"), FALSE;
  for (gsize k = 0; k < in[0]->numel; k++)
    {
      gint64 axis = in[2] != NULL && k < in[2]->numel ? in[2]->i[k] : (gint64) k;
      gint64 s, e, p = in[3] != NULL && k < in[3]->numel ? in[3]->i[k] : 1, len;
      if (axis < 0)
        axis += x->n_dims;
      if (axis < 0 || axis >= x->n_dims || p == 0)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "invalid axis or step"), FALSE;
      len = x->dims[axis];
      /* A step longer than the axis takes one element, as a step of the
       * axis length does; clamped so the arithmetic below cannot overflow. */
      p = CLAMP (p, -MAX (len, 1), MAX (len, 1));
      s = in[0]->i[k], e = in[1]->i[k];
      if (s < 0)
        s += len;
      if (e < 0)
        e += len;
      if (p > 0)
        {
          s = CLAMP (s, 0, len), e = CLAMP (e, 0, len);
          dims[axis] = e > s ? (e - s + p - 1) / p : 0;
        }
      else
        {
          s = CLAMP (s, -1, len - 1), e = CLAMP (e, -1, len - 1);
          dims[axis] = s > e ? (s - e + (-p) - 1) / (-p) : 0;
        }
      start[axis] = s, step[axis] = p;
    }
  v = new_const (n->loader, x->n_dims, dims, error, n);
  if (v == NULL)
    return FALSE;
  strides_of (x, st_in);
  strides_of (v, st_out);
  for (gsize o = 0; o < v->numel; o++)
    {
      gint64 src = 0;
      for (guint d = 0; d < v->n_dims; d++)
        src += (start[d] + ((gint64) o / st_out[d] % MAX (dims[d], 1)) * step[d]) * st_in[d];
      set_elem (v, o, x->i[src], x->f[src]);
    }
  return finish (n, v, error);
}

static gboolean
fold_transpose (const AlOnnxNode *n,
                GError          **error)
{
  AlOnnxValue *x, *v;
  gint64 perm[AL_NN_MAX_TENSOR_DIMS], dims[AL_NN_MAX_TENSOR_DIMS];
  gint64 st_in[AL_NN_MAX_TENSOR_DIMS], st_out[AL_NN_MAX_TENSOR_DIMS];
  const Onnx__AttributeProto *a = al_onnx_attr (n, "perm");

  if (!get_const (n, 0, &x, error))
    return FALSE;
  for (guint d = 0; d < x->n_dims; d++)
    perm[d] = x->n_dims - 1 - d;
  if (a != NULL)
    {
      if (a->n_ints != x->n_dims)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "perm has the wrong length"), FALSE;
      memcpy (perm, a->ints, x->n_dims * sizeof (gint64));
    }
  for (guint d = 0; d < x->n_dims; d++)
    {
      if (perm[d] < 0 || perm[d] >= x->n_dims)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "invalid perm"), FALSE;
      dims[d] = x->dims[perm[d]];
    }
  v = new_const (n->loader, x->n_dims, dims, error, n);
  if (v == NULL)
    return FALSE;
  strides_of (x, st_in);
  strides_of (v, st_out);
  for (gsize o = 0; o < v->numel; o++)
    {
      gint64 src = 0;
      for (guint d = 0; d < v->n_dims; d++)
        src += ((gint64) o / st_out[d] % MAX (dims[d], 1)) * st_in[perm[d]];
      set_elem (v, o, x->i[src], x->f[src]);
    }
  return finish (n, v, error);
}

static gboolean
fold_gather (const AlOnnxNode *n,
             GError          **error)
{
  AlOnnxValue *x, *idx, *v;

  if (!get_const (n, 0, &x, error) || !get_const (n, 1, &idx, error))
    return FALSE;
  if (x->n_dims != 1 || al_onnx_attr_int (n, "axis", 0) != 0)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "gathering from a %u-D constant",
                          x->n_dims),
           FALSE;
  v = new_const (n->loader, idx->n_dims, idx->dims, error, n);
  if (v == NULL)
    return FALSE;
  for (gsize k = 0; k < idx->numel; k++)
    {
      gint64 j = idx->i[k] < 0 ? idx->i[k] + (gint64) x->numel : idx->i[k];
      if (j < 0 || j >= (gint64) x->numel)
        return al_onnx_error (n, error, AL_NN_ERROR_CORRUPT, "index out of range"), FALSE;
      set_elem (v, k, x->i[j], x->f[j]);
    }
  return finish (n, v, error);
}

static gboolean
fold_cast (const AlOnnxNode *n,
           GError          **error)
{
  AlOnnxValue *x, *v;
  gint64 to = al_onnx_attr_int (n, "to", ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT);
  gboolean to_float = to == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT
                      || to == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE;

  if (!get_const (n, 0, &x, error))
    return FALSE;
  v = new_const (n->loader, x->n_dims, x->dims, error, n);
  if (v == NULL)
    return FALSE;
  for (gsize k = 0; k < x->numel; k++)
    set_elem (v, k, x->i[k] == AL_ONNX_UNKNOWN || to_float ? x->i[k] : (gint64) x->f[k],
              to_float ? x->f[k] : (float) (gint64) x->f[k]);
  return finish (n, v, error);
}

/* Element-wise arithmetic of two constants, one of which may be a scalar. */
static gboolean
fold_arith (const AlOnnxNode *n,
            char              op,
            GError          **error)
{
  AlOnnxValue *a, *b, *v;
  const AlOnnxValue *big;

  if (!get_const (n, 0, &a, error) || !get_const (n, 1, &b, error))
    return FALSE;
  if (a->numel != b->numel && a->numel != 1 && b->numel != 1)
    return al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED, "broadcasting constants"), FALSE;
  big = a->numel >= b->numel ? a : b;
  v = new_const (n->loader, big->n_dims, big->dims, error, n);
  if (v == NULL)
    return FALSE;
  for (gsize k = 0; k < v->numel; k++)
    {
      gsize ka = a->numel == 1 ? 0 : k, kb = b->numel == 1 ? 0 : k;
      gint64 ia = a->i[ka], ib = b->i[kb];
      float fa = a->f[ka], fb = b->f[kb], f;
      gint64 i;
      switch (op)
        {
        case '+': f = fa + fb, i = ia + ib; break;
        case '-': f = fa - fb, i = ia - ib; break;
        case '*': f = fa * fb, i = ia * ib; break;
        default: f = fa / fb, i = ib != 0 ? ia / ib : 0; break;
        }
      if (ia == AL_ONNX_UNKNOWN || ib == AL_ONNX_UNKNOWN)
        i = AL_ONNX_UNKNOWN;
      set_elem (v, k, i, f);
    }
  return finish (n, v, error);
}

gboolean
al_onnx_try_fold (AlOnnxLoader           *loader,
                  const Onnx__NodeProto  *proto,
                  gboolean               *folded,
                  GError                **error)
{
  AlOnnxNode n = { loader, proto, NULL };
  const char *op = proto->op_type;
  gboolean all_const = proto->n_input > 0;

  n.name = proto->name != NULL && proto->name[0] ? proto->name
           : proto->n_output > 0                  ? proto->output[0]
                                                  : "(unnamed)";
  for (gsize i = 0; i < proto->n_input; i++)
    {
      AlOnnxValue *v = proto->input[i][0] ? g_hash_table_lookup (loader->values, proto->input[i]) : NULL;
      if (v != NULL && !v->is_const)
        all_const = FALSE;
    }
  *folded = TRUE;
  if (strcmp (op, "Shape") == 0)
    return fold_shape (&n, error);
  if (strcmp (op, "ConstantOfShape") == 0)
    return fold_constant_of_shape (&n, error);
  if (!all_const)
    {
      *folded = FALSE;
      return TRUE;
    }
  if (strcmp (op, "Concat") == 0)
    return fold_concat (&n, error);
  if (strcmp (op, "Reshape") == 0)
    return fold_reshape (&n, FALSE, FALSE, error);
  if (strcmp (op, "Squeeze") == 0)
    return fold_reshape (&n, TRUE, FALSE, error);
  if (strcmp (op, "Unsqueeze") == 0)
    return fold_reshape (&n, FALSE, TRUE, error);
  if (strcmp (op, "Slice") == 0)
    return fold_slice (&n, error);
  if (strcmp (op, "Transpose") == 0)
    return fold_transpose (&n, error);
  if (strcmp (op, "Gather") == 0)
    return fold_gather (&n, error);
  if (strcmp (op, "Cast") == 0)
    return fold_cast (&n, error);
  if (strcmp (op, "Add") == 0 || strcmp (op, "Sub") == 0 || strcmp (op, "Mul") == 0
      || strcmp (op, "Div") == 0)
    return fold_arith (&n, op[0] == 'A' ? '+' : op[0] == 'S' ? '-' : op[0] == 'M' ? '*' : '/', error);
  *folded = FALSE;
  return TRUE;
}
