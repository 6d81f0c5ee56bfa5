/* al-nn-conv.c: Conv and ConvTranspose, with bias and activation fused.
 *
 * A convolution is a matrix product: weights (c_out × c_in·kh·kw) times the
 * im2col matrix of the input (c_in·kh·kw × pixels). The output rows are cut
 * into bands whose im2col block fits in cache (AL_NN_CONV_BAND_FLOATS);
 * each band is one task: im2col, one OpenBLAS SGEMM straight into the output
 * tensor (ldc = the channel stride), then bias and activation while the
 * block is still in cache. A 1×1, stride-1, unpadded convolution needs no
 * im2col: the input already is that matrix.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "nn/al-nn-private.h"

/* Floats of one band's im2col block: 512 KiB, half of a core's L2. */
#define AL_NN_CONV_BAND_FLOATS (128 * 1024)
/* ConvTranspose splits its output channels in at most this many tasks. */
#define AL_NN_CONVT_MAX_CHUNKS 8

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
/* AVX2 where the CPU has it, picked at load time (see al-nn-winograd.c) */
#define AL_NN_SIMD_CLONES __attribute__ ((target_clones ("avx2", "default"), optimize ("O3")))
#else
#define AL_NN_SIMD_CLONES
#endif

AL_NN_SIMD_CLONES void
al_nn_act_apply (const AlNnAct *act,
                 float         *x,
                 gsize          n)
{
  switch (act->kind)
    {
    case AL_NN_ACT_NONE:
      break;
    case AL_NN_ACT_RELU:
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
    case AL_NN_ACT_LEAKY_RELU:
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] >= 0.f ? x[i] : x[i] * act->alpha;
      break;
    case AL_NN_ACT_SIGMOID:
      for (gsize i = 0; i < n; i++)
        x[i] = 1.f / (1.f + expf (-x[i]));
      break;
    case AL_NN_ACT_TANH:
      for (gsize i = 0; i < n; i++)
        x[i] = tanhf (x[i]);
      break;
    case AL_NN_ACT_CLIP:
      for (gsize i = 0; i < n; i++)
        x[i] = x[i] < act->lo ? act->lo : (x[i] > act->hi ? act->hi : x[i]);
      break;
    }
}

/* Bias and activation in one pass over a block still in cache. */
AL_NN_SIMD_CLONES static void
bias_act (const AlNnAct *act,
          float          bias,
          float         *x,
          gsize          n)
{
  if (act->kind == AL_NN_ACT_RELU)
    {
      for (gsize j = 0; j < n; j++)
        {
          float v = x[j] + bias;
          x[j] = v > 0.f ? v : 0.f;
        }
      return;
    }
  if (bias != 0.f)
    for (gsize j = 0; j < n; j++)
      x[j] += bias;
  al_nn_act_apply (act, x, n);
}

static gboolean
is_pointwise (const AlNnConv *p)
{
  return p->kh == 1 && p->kw == 1 && p->stride_h == 1 && p->stride_w == 1
         && p->pad_t == 0 && p->pad_l == 0 && p->pad_b == 0 && p->pad_r == 0;
}

gboolean
al_nn_conv_out_size (const AlNnConv *p,
                     guint           h,
                     guint           w,
                     guint          *ho,
                     guint          *wo)
{
  gint64 span_h = (gint64) p->dil_h * (p->kh - 1) + 1;
  gint64 span_w = (gint64) p->dil_w * (p->kw - 1) + 1;
  gint64 ph = (gint64) h + p->pad_t + p->pad_b, pw = (gint64) w + p->pad_l + p->pad_r;

  if (ph < span_h || pw < span_w)
    return FALSE;
  *ho = (guint) ((ph - span_h) / p->stride_h + 1);
  *wo = (guint) ((pw - span_w) / p->stride_w + 1);
  return TRUE;
}

static guint
band_rows (gsize row_floats,
           guint ho)
{
  gsize rows = AL_NN_CONV_BAND_FLOATS / MAX (row_floats, 1);

  return (guint) CLAMP (rows, 1, MAX (ho, 1));
}

gsize
al_nn_conv_scratch (const AlNnConv *p,
                    guint           ho,
                    guint           wo)
{
  gsize k = (gsize) (p->c_in / p->groups) * p->kh * p->kw;

  if (p->winograd != NULL)
    return al_nn_conv_winograd_scratch (p, wo);
  if (is_pointwise (p))
    return 0;
  return k * band_rows (k * wo, ho) * wo;
}

typedef struct
{
  const AlNnConv   *p;
  const AlNnTensor *x;
  AlNnTensor       *y;
  float            *scratch;
  gsize             scratch_per_thread;
  guint             rows_per_band, n_bands;
} ConvJob;

/* The im2col block of output rows [row0, row0 + rows) of group g. */
static void
im2col (const ConvJob *job,
        guint          g,
        guint          row0,
        guint          rows,
        float         *col)
{
  const AlNnConv *p = job->p;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x), wo = AL_NN_W (job->y);
  guint kc = p->c_in / p->groups;
  gsize n = (gsize) rows * wo;
  const float *xg = job->x->data + (gsize) g * kc * h * w;

  for (guint ci = 0; ci < kc; ci++)
    for (guint ky = 0; ky < p->kh; ky++)
      for (guint kx = 0; kx < p->kw; kx++)
        {
          float *dst = col + ((gsize) (ci * p->kh + ky) * p->kw + kx) * n;
          gint64 off_x = (gint64) kx * p->dil_w - p->pad_l;

          for (guint oy = 0; oy < rows; oy++, dst += wo)
            {
              gint64 iy = (gint64) (row0 + oy) * p->stride_h - p->pad_t + (gint64) ky * p->dil_h;
              const float *src;

              if (iy < 0 || iy >= h)
                {
                  memset (dst, 0, wo * sizeof (float));
                  continue;
                }
              src = xg + ((gsize) ci * h + iy) * w;
              if (p->stride_w == 1)
                {
                  /* valid ox: 0 <= ox + off_x < w */
                  gint64 lo = CLAMP (-off_x, 0, (gint64) wo);
                  gint64 hi = CLAMP ((gint64) w - off_x, lo, (gint64) wo);

                  memset (dst, 0, lo * sizeof (float));
                  memcpy (dst + lo, src + lo + off_x, (hi - lo) * sizeof (float));
                  memset (dst + hi, 0, (wo - hi) * sizeof (float));
                }
              else
                for (guint ox = 0; ox < wo; ox++)
                  {
                    gint64 ix = (gint64) ox * p->stride_w + off_x;
                    dst[ox] = ix >= 0 && ix < w ? src[ix] : 0.f;
                  }
            }
        }
}

static void
conv_task (gpointer data,
           guint    task,
           guint    thread)
{
  const ConvJob *job = data;
  const AlNnConv *p = job->p;
  guint g = task / job->n_bands, band = task % job->n_bands;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x);
  guint ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  guint m = p->c_out / p->groups, kc = p->c_in / p->groups;
  guint k = kc * p->kh * p->kw;
  guint row0 = band * job->rows_per_band;
  guint rows = MIN (job->rows_per_band, ho - row0);
  gsize n = (gsize) rows * wo, ldc = (gsize) ho * wo;
  const float *b;
  gsize ldb;
  float *c = job->y->data + (gsize) g * m * ldc + (gsize) row0 * wo;

  if (is_pointwise (p))
    {
      b = job->x->data + (gsize) g * kc * h * w + (gsize) row0 * w;
      ldb = (gsize) h * w;
    }
  else
    {
      float *col = job->scratch + thread * job->scratch_per_thread;
      im2col (job, g, row0, rows, col);
      b = col;
      ldb = n;
    }
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.f,
               p->weight + (gsize) g * m * k, k, b, ldb, 0.f, c, ldc);
  for (guint i = 0; i < m; i++)
    bias_act (&p->act, p->bias != NULL ? p->bias[g * m + i] : 0.f, c + i * ldc, n);
}

void
al_nn_conv_run (const AlNnConv   *p,
                const AlNnTensor *x,
                AlNnTensor       *y,
                AlNnPool         *pool,
                float            *scratch,
                gsize             scratch_per_thread)
{
  guint k = (p->c_in / p->groups) * p->kh * p->kw;
  ConvJob job = { p, x, y, scratch, scratch_per_thread, 0, 0 };
  guint ho = AL_NN_H (y), wo = AL_NN_W (y);

  if (p->winograd != NULL)
    {
      al_nn_conv_winograd_run (p, x, y, pool, scratch, scratch_per_thread);
      return;
    }
  job.rows_per_band = band_rows ((gsize) k * wo, ho);
  /* Enough bands that every thread has work on small tiles too. */
  if (al_nn_pool_n_threads (pool) > 1 && p->groups == 1)
    job.rows_per_band = MIN (job.rows_per_band,
                             MAX (1, ho / (2 * al_nn_pool_n_threads (pool))));
  job.n_bands = (ho + job.rows_per_band - 1) / job.rows_per_band;
  al_nn_pool_run (pool, p->groups * job.n_bands, conv_task, &job);
}

/* ---- ConvTranspose ------------------------------------------------------ */

gboolean
al_nn_conv_transpose_out_size (const AlNnConv *p,
                               guint           h,
                               guint           w,
                               guint          *ho,
                               guint          *wo)
{
  gint64 oh = ((gint64) h - 1) * p->stride_h - p->pad_t - p->pad_b
              + (gint64) p->dil_h * (p->kh - 1) + p->out_pad_h + 1;
  gint64 ow = ((gint64) w - 1) * p->stride_w - p->pad_l - p->pad_r
              + (gint64) p->dil_w * (p->kw - 1) + p->out_pad_w + 1;

  if (h == 0 || w == 0 || oh < 1 || ow < 1 || oh > G_MAXINT32 || ow > G_MAXINT32)
    return FALSE;
  *ho = (guint) oh;
  *wo = (guint) ow;
  return TRUE;
}

static guint
convt_chunk (const AlNnConv *p)
{
  guint m = p->c_out / p->groups;
  guint n_chunks = MIN (m, AL_NN_CONVT_MAX_CHUNKS);

  return (m + n_chunks - 1) / n_chunks;
}

gsize
al_nn_conv_transpose_scratch (const AlNnConv *p,
                              guint           h,
                              guint           w)
{
  gsize rows_f = (gsize) convt_chunk (p) * p->kh * p->kw;

  return rows_f * band_rows (rows_f * w, h) * w;
}

typedef struct
{
  const AlNnConv   *p;
  const AlNnTensor *x;
  AlNnTensor       *y;
  float            *scratch;
  gsize             scratch_per_thread;
  guint             chunk, n_chunks, rows_per_band;
} ConvTJob;

static void
convt_task (gpointer data,
            guint    task,
            guint    thread)
{
  const ConvTJob *job = data;
  const AlNnConv *p = job->p;
  guint g = task / job->n_chunks;
  guint m = p->c_out / p->groups, kc = p->c_in / p->groups;
  guint co0 = (task % job->n_chunks) * job->chunk, co1 = MIN (co0 + job->chunk, m);
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x);
  guint ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  guint kk = p->kh * p->kw;
  float *col = job->scratch + thread * job->scratch_per_thread;
  float *yg = job->y->data + (gsize) g * m * ho * wo;

  if (co0 >= co1)
    return;
  for (guint co = co0; co < co1; co++)
    {
      float bias = p->bias != NULL ? p->bias[g * m + co] : 0.f;
      float *plane = yg + (gsize) co * ho * wo;
      for (gsize i = 0; i < (gsize) ho * wo; i++)
        plane[i] = bias;
    }
  for (guint r0 = 0; r0 < h; r0 += job->rows_per_band)
    {
      guint rows = MIN (job->rows_per_band, h - r0);
      gsize n = (gsize) rows * w;

      /* col (chunk·kh·kw × n) = W_g^T (rows co0..co1) × X_g (kc × n) */
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (co1 - co0) * kk, n, kc, 1.f,
                   p->weight + (gsize) g * kc * m * kk + (gsize) co0 * kk, m * kk,
                   job->x->data + (gsize) g * kc * h * w + (gsize) r0 * w, (gsize) h * w,
                   0.f, col, n);
      for (guint co = co0; co < co1; co++)
        for (guint ky = 0; ky < p->kh; ky++)
          for (guint kx = 0; kx < p->kw; kx++)
            {
              const float *src = col + ((gsize) ((co - co0) * p->kh + ky) * p->kw + kx) * n;
              float *plane = yg + (gsize) co * ho * wo;

              for (guint iy = 0; iy < rows; iy++)
                {
                  gint64 oy = (gint64) (r0 + iy) * p->stride_h - p->pad_t + (gint64) ky * p->dil_h;
                  if (oy < 0 || oy >= ho)
                    continue;
                  for (guint ix = 0; ix < w; ix++)
                    {
                      gint64 ox = (gint64) ix * p->stride_w - p->pad_l + (gint64) kx * p->dil_w;
                      if (ox >= 0 && ox < wo)
                        plane[oy * wo + ox] += src[(gsize) iy * w + ix];
                    }
                }
            }
    }
  for (guint co = co0; co < co1; co++)
    al_nn_act_apply (&p->act, yg + (gsize) co * ho * wo, (gsize) ho * wo);
}

void
al_nn_conv_transpose_run (const AlNnConv   *p,
                          const AlNnTensor *x,
                          AlNnTensor       *y,
                          AlNnPool         *pool,
                          float            *scratch,
                          gsize             scratch_per_thread)
{
  ConvTJob job = { p, x, y, scratch, scratch_per_thread, 0, 0, 0 };
  guint m = p->c_out / p->groups;
  gsize rows_f;

  job.chunk = convt_chunk (p);
  job.n_chunks = (m + job.chunk - 1) / job.chunk;
  rows_f = (gsize) job.chunk * p->kh * p->kw;
  job.rows_per_band = band_rows (rows_f * AL_NN_W (x), AL_NN_H (x));
  al_nn_pool_run (pool, p->groups * job.n_chunks, convt_task, &job);
}
