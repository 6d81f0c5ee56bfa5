/* al-nn-ops.c: the operators other than convolution, over N=1 C×H×W
 * tensors: pooling, resizing, padding, per-channel affine maps (unfolded
 * BatchNorm, Mul/Add by a constant), element-wise Add/Mul, channel softmax,
 * concatenation and activations. Each splits its channels or rows into
 * tasks for the pool; none allocates more than a few rows of indices.
 */
#include <math.h>
#include <string.h>

#include "nn/al-nn-private.h"

void
al_nn_tensor_init_chw (AlNnTensor *t,
                       guint       c,
                       guint       h,
                       guint       w,
                       float      *data)
{
  t->n_dims = 4;
  t->shape[0] = 1;
  t->shape[1] = c;
  t->shape[2] = h;
  t->shape[3] = w;
  t->strides[3] = 1;
  t->strides[2] = w;
  t->strides[1] = (gint64) h * w;
  t->strides[0] = (gint64) c * h * w;
  t->data = data;
}

/* ---- pooling ------------------------------------------------------------ */

static gboolean
pool_axis (guint     n,
           guint     k,
           guint     stride,
           guint     dil,
           guint     pad_a,
           guint     pad_b,
           gboolean  ceil_mode,
           guint    *out)
{
  gint64 span = (gint64) dil * (k - 1) + 1, len = (gint64) n + pad_a + pad_b, o;

  if (len < span)
    return FALSE;
  if (ceil_mode)
    {
      o = (len - span + stride - 1) / stride + 1;
      /* the last window must start inside the input or the leading pad */
      if ((o - 1) * stride >= (gint64) n + pad_a)
        o--;
    }
  else
    o = (len - span) / stride + 1;
  *out = (guint) o;
  return o >= 1;
}

gboolean
al_nn_pool2d_out_size (const AlNnPoolParams *p,
                       guint                 h,
                       guint                 w,
                       guint                *ho,
                       guint                *wo)
{
  return pool_axis (h, p->kh, p->stride_h, p->dil_h, p->pad_t, p->pad_b, p->ceil_mode, ho)
         && pool_axis (w, p->kw, p->stride_w, p->dil_w, p->pad_l, p->pad_r, p->ceil_mode, wo);
}

typedef struct
{
  const AlNnPoolParams *p;
  const AlNnTensor     *x;
  AlNnTensor           *y;
} PoolJob;

static void
pool_task (gpointer data,
           guint    c,
           guint    thread)
{
  const PoolJob *job = data;
  const AlNnPoolParams *p = job->p;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x), ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  const float *src = job->x->data + (gsize) c * h * w;
  float *dst = job->y->data + (gsize) c * ho * wo;

  for (guint oy = 0; oy < ho; oy++)
    for (guint ox = 0; ox < wo; ox++)
      {
        gint64 y0 = (gint64) oy * p->stride_h - p->pad_t, x0 = (gint64) ox * p->stride_w - p->pad_l;
        float acc = p->is_max ? -INFINITY : 0.f;
        guint n_in = 0, n_pad = 0;

        for (guint ky = 0; ky < p->kh; ky++)
          {
            gint64 iy = y0 + (gint64) ky * p->dil_h;
            for (guint kx = 0; kx < p->kw; kx++)
              {
                gint64 ix = x0 + (gint64) kx * p->dil_w;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                  {
                    /* padding, as opposed to a window hanging past it in ceil mode */
                    if (iy < (gint64) h + p->pad_b && ix < (gint64) w + p->pad_r)
                      n_pad++;
                    continue;
                  }
                float v = src[iy * w + ix];
                if (p->is_max)
                  acc = v > acc ? v : acc;
                else
                  acc += v;
                n_in++;
              }
          }
        if (!p->is_max)
          {
            guint count = p->count_include_pad ? n_in + n_pad : n_in;
            acc = count > 0 ? acc / count : 0.f;
          }
        dst[(gsize) oy * wo + ox] = acc;
      }
}

void
al_nn_pool2d_run (const AlNnPoolParams *p,
                  const AlNnTensor     *x,
                  AlNnTensor           *y,
                  AlNnPool             *pool)
{
  PoolJob job = { p, x, y };

  al_nn_pool_run (pool, AL_NN_C (x), pool_task, &job);
}

/* ---- Resize ------------------------------------------------------------- */

gboolean
al_nn_resize_out_size (const AlNnResize *p,
                       guint             h,
                       guint             w,
                       guint            *ho,
                       guint            *wo)
{
  double oh, ow;

  if (p->out_h > 0)
    {
      *ho = p->out_h;
      *wo = p->out_w;
      return TRUE;
    }
  /* ONNX: output size = floor (input size × scale) */
  oh = floor ((double) h * p->scale_h);
  ow = floor ((double) w * p->scale_w);
  if (oh < 1 || ow < 1 || oh > G_MAXINT32 || ow > G_MAXINT32)
    return FALSE;
  *ho = (guint) oh;
  *wo = (guint) ow;
  return TRUE;
}

/* Where output coordinate `o` falls in the input (ONNX Resize's
 * coordinate_transformation_mode). */
static double
source_coord (AlNnCoordMode mode,
              guint         o,
              guint         n_in,
              guint         n_out,
              double        scale)
{
  switch (mode)
    {
    case AL_NN_COORD_HALF_PIXEL:
      return (o + 0.5) / scale - 0.5;
    case AL_NN_COORD_PYTORCH_HALF_PIXEL:
      return n_out > 1 ? (o + 0.5) / scale - 0.5 : 0.0;
    case AL_NN_COORD_ALIGN_CORNERS:
      return n_out > 1 ? (double) o * (n_in - 1) / (n_out - 1) : 0.0;
    case AL_NN_COORD_ASYMMETRIC:
    default:
      return o / scale;
    }
}

static guint
nearest_index (AlNnNearestMode mode,
               double          s,
               guint           n_in)
{
  double f = floor (s), r;

  switch (mode)
    {
    case AL_NN_NEAREST_FLOOR:
      r = f;
      break;
    case AL_NN_NEAREST_CEIL:
      r = ceil (s);
      break;
    case AL_NN_NEAREST_ROUND_PREFER_CEIL:
      r = floor (s + 0.5);
      break;
    case AL_NN_NEAREST_ROUND_PREFER_FLOOR:
    default:
      r = s - f == 0.5 ? f : floor (s + 0.5);
      break;
    }
  return (guint) CLAMP (r, 0.0, (double) n_in - 1);
}

/* Per output coordinate: the two input indices and the weight of the second. */
static void
axis_table (const AlNnResize *p,
            guint             n_in,
            guint             n_out,
            float             scale,
            guint            *i0,
            guint            *i1,
            float            *t)
{
  double sc = p->out_h > 0 ? (double) n_out / n_in : scale;

  for (guint o = 0; o < n_out; o++)
    {
      double s = source_coord (p->coord, o, n_in, n_out, sc);

      if (p->mode == AL_NN_RESIZE_NEAREST)
        {
          i0[o] = i1[o] = nearest_index (p->nearest, s, n_in);
          t[o] = 0.f;
          continue;
        }
      s = CLAMP (s, 0.0, (double) n_in - 1);
      i0[o] = (guint) floor (s);
      i1[o] = MIN (i0[o] + 1, n_in - 1);
      t[o] = (float) (s - i0[o]);
    }
}

typedef struct
{
  const AlNnTensor *x;
  AlNnTensor       *y;
  guint            *y0, *y1, *x0, *x1;
  float            *ty, *tx;
} ResizeJob;

static void
resize_task (gpointer data,
             guint    c,
             guint    thread)
{
  const ResizeJob *job = data;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x), ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  const float *src = job->x->data + (gsize) c * h * w;
  float *dst = job->y->data + (gsize) c * ho * wo;

  for (guint oy = 0; oy < ho; oy++)
    {
      const float *r0 = src + (gsize) job->y0[oy] * w, *r1 = src + (gsize) job->y1[oy] * w;
      float ty = job->ty[oy];
      float *out = dst + (gsize) oy * wo;

      for (guint ox = 0; ox < wo; ox++)
        {
          guint a = job->x0[ox], b = job->x1[ox];
          float tx = job->tx[ox];
          float top = r0[a] + (r0[b] - r0[a]) * tx;
          float bottom = r1[a] + (r1[b] - r1[a]) * tx;
          out[ox] = top + (bottom - top) * ty;
        }
    }
}

void
al_nn_resize_run (const AlNnResize *p,
                  const AlNnTensor *x,
                  AlNnTensor       *y,
                  AlNnPool         *pool)
{
  guint h = AL_NN_H (x), w = AL_NN_W (x), ho = AL_NN_H (y), wo = AL_NN_W (y);
  g_autofree guint *idx = g_new (guint, 2 * ((gsize) ho + wo));
  g_autofree float *tw = g_new (float, (gsize) ho + wo);
  ResizeJob job = { x, y, idx, idx + ho, idx + 2 * ho, idx + 2 * ho + wo, tw, tw + ho };

  axis_table (p, h, ho, p->scale_h, job.y0, job.y1, job.ty);
  axis_table (p, w, wo, p->scale_w, job.x0, job.x1, job.tx);
  al_nn_pool_run (pool, AL_NN_C (x), resize_task, &job);
}

/* ---- Pad ---------------------------------------------------------------- */

static gint64
pad_index (AlNnPadMode mode,
           gint64      i,
           gint64      n)
{
  if (i >= 0 && i < n)
    return i;
  if (mode == AL_NN_PAD_EDGE)
    return CLAMP (i, 0, n - 1);
  if (mode == AL_NN_PAD_REFLECT)
    {
      if (n == 1)
        return 0;
      /* mirror about the edge pixels, period 2(n-1) */
      gint64 period = 2 * (n - 1);
      i = ((i % period) + period) % period;
      return i < n ? i : period - i;
    }
  return -1;
}

typedef struct
{
  const AlNnPad    *p;
  const AlNnTensor *x;
  AlNnTensor       *y;
} PadJob;

static void
pad_task (gpointer data,
          guint    c,
          guint    thread)
{
  const PadJob *job = data;
  const AlNnPad *p = job->p;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x), ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  const float *src = job->x->data + (gsize) c * h * w;
  float *dst = job->y->data + (gsize) c * ho * wo;

  for (guint oy = 0; oy < ho; oy++)
    {
      gint64 iy = pad_index (p->mode, (gint64) oy - p->pad_t, h);
      for (guint ox = 0; ox < wo; ox++)
        {
          gint64 ix = pad_index (p->mode, (gint64) ox - p->pad_l, w);
          dst[(gsize) oy * wo + ox] = iy < 0 || ix < 0 ? p->value : src[iy * w + ix];
        }
    }
}

void
al_nn_pad_run (const AlNnPad    *p,
               const AlNnTensor *x,
               AlNnTensor       *y,
               AlNnPool         *pool)
{
  PadJob job = { p, x, y };

  al_nn_pool_run (pool, AL_NN_C (x), pad_task, &job);
}

/* ---- per-channel and element-wise ops ----------------------------------- */

typedef struct
{
  const AlNnAffine *affine;
  const AlNnAct    *act;
  const AlNnTensor *a, *b;
  AlNnTensor       *y;
  gboolean          is_mul;
} MapJob;

static void
affine_task (gpointer data,
             guint    c,
             guint    thread)
{
  const MapJob *job = data;
  const AlNnAffine *p = job->affine;
  gsize n = (gsize) AL_NN_H (job->a) * AL_NN_W (job->a);
  const float *src = job->a->data + c * n;
  float *dst = job->y->data + c * n;
  guint k = p->scalar ? 0 : c;
  float s = p->scale != NULL ? p->scale[k] : 1.f, t = p->shift != NULL ? p->shift[k] : 0.f;

  for (gsize i = 0; i < n; i++)
    dst[i] = src[i] * s + t;
  al_nn_act_apply (&p->act, dst, n);
}

void
al_nn_affine_run (const AlNnAffine *p,
                  const AlNnTensor *x,
                  AlNnTensor       *y,
                  AlNnPool         *pool)
{
  MapJob job = { p, NULL, x, NULL, y, FALSE };

  al_nn_pool_run (pool, AL_NN_C (x), affine_task, &job);
}

static void
binary_task (gpointer data,
             guint    c,
             guint    thread)
{
  const MapJob *job = data;
  gsize n = (gsize) AL_NN_H (job->a) * AL_NN_W (job->a);
  const float *a = job->a->data + c * n, *b = job->b->data + c * n;
  float *y = job->y->data + c * n;

  if (job->is_mul)
    for (gsize i = 0; i < n; i++)
      y[i] = a[i] * b[i];
  else
    for (gsize i = 0; i < n; i++)
      y[i] = a[i] + b[i];
}

void
al_nn_binary_run (gboolean          is_mul,
                  const AlNnTensor *a,
                  const AlNnTensor *b,
                  AlNnTensor       *y,
                  AlNnPool         *pool)
{
  MapJob job = { NULL, NULL, a, b, y, is_mul };

  al_nn_pool_run (pool, AL_NN_C (a), binary_task, &job);
}

static void
act_task (gpointer data,
          guint    c,
          guint    thread)
{
  const MapJob *job = data;
  gsize n = (gsize) AL_NN_H (job->a) * AL_NN_W (job->a);

  if (job->y->data != job->a->data)
    memcpy (job->y->data + c * n, job->a->data + c * n, n * sizeof (float));
  al_nn_act_apply (job->act, job->y->data + c * n, n);
}

void
al_nn_act_run (const AlNnAct    *act,
               const AlNnTensor *x,
               AlNnTensor       *y,
               AlNnPool         *pool)
{
  MapJob job = { NULL, act, x, NULL, y, FALSE };

  al_nn_pool_run (pool, AL_NN_C (x), act_task, &job);
}

/* Softmax over channels, one task per image row. */
static void
softmax_task (gpointer data,
              guint    row,
              guint    thread)
{
  const MapJob *job = data;
  guint c_n = AL_NN_C (job->a), w = AL_NN_W (job->a);
  gsize plane = (gsize) AL_NN_H (job->a) * w;
  const float *src = job->a->data + (gsize) row * w;
  float *dst = job->y->data + (gsize) row * w;
  g_autofree float *mx = g_new (float, 2 * (gsize) w);
  float *sum = mx + w;

  for (guint x = 0; x < w; x++)
    {
      mx[x] = -INFINITY;
      sum[x] = 0.f;
    }
  for (guint c = 0; c < c_n; c++)
    for (guint x = 0; x < w; x++)
      mx[x] = MAX (mx[x], src[c * plane + x]);
  for (guint c = 0; c < c_n; c++)
    for (guint x = 0; x < w; x++)
      {
        float e = expf (src[c * plane + x] - mx[x]);
        dst[c * plane + x] = e;
        sum[x] += e;
      }
  for (guint x = 0; x < w; x++)
    sum[x] = 1.f / sum[x];
  for (guint c = 0; c < c_n; c++)
    for (guint x = 0; x < w; x++)
      dst[c * plane + x] *= sum[x];
}

void
al_nn_softmax_run (const AlNnTensor *x,
                   AlNnTensor       *y,
                   AlNnPool         *pool)
{
  MapJob job = { NULL, NULL, x, NULL, y, FALSE };

  al_nn_pool_run (pool, AL_NN_H (x), softmax_task, &job);
}

typedef struct
{
  const AlNnTensor *const *xs;
  AlNnTensor              *y;
  gsize                   *offsets;
} ConcatJob;

static void
concat_task (gpointer data,
             guint    i,
             guint    thread)
{
  const ConcatJob *job = data;
  const AlNnTensor *x = job->xs[i];

  /* an input the plan placed in its slice already (al-nn-plan.c) */
  if (x->data == job->y->data + job->offsets[i])
    return;
  memcpy (job->y->data + job->offsets[i], x->data, al_nn_tensor_numel (x) * sizeof (float));
}

void
al_nn_concat_run (const AlNnTensor *const *xs,
                  guint                    n,
                  AlNnTensor              *y,
                  AlNnPool                *pool)
{
  g_autofree gsize *offsets = g_new (gsize, n);
  ConcatJob job = { xs, y, offsets };
  gsize at = 0;

  for (guint i = 0; i < n; i++)
    {
      offsets[i] = at;
      at += al_nn_tensor_numel (xs[i]);
    }
  al_nn_pool_run (pool, n, concat_task, &job);
}
