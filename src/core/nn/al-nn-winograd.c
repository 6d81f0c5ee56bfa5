/* al-nn-winograd.c: 3×3, stride-1 convolutions by Winograd's minimal
 * filtering F(2×2, 3×3) (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", CVPR 2016): each 2×2 block of outputs
 * costs 16 multiplications per channel pair instead of 36, as 16 SGEMMs of
 * (c_out × c_in) by (c_in × tiles).
 *
 * A task is a run of tiles along one tile row: transform the input patches
 * (V = Bᵀ d B), multiply by the transformed weights (U = G g Gᵀ, made once
 * at load), transform back (Y = Aᵀ M A) with bias and activation fused.
 * Accuracy: F(2,3)'s transforms hold only 0, ±1 and ±½, so the result
 * differs from direct convolution by a few float roundings.
 */
#include <cblas.h>
#include <string.h>

#include "nn/al-nn-private.h"

/* Floats of V and M per task: 1 MiB, the L2 of one core. */
#define AL_NN_WINO_BAND_FLOATS (256 * 1024)
/* Fewer tiles than this per SGEMM and the call overhead shows. */
#define AL_NN_WINO_MIN_TILES 32
/* Below this many channels im2col is as fast and Winograd's transforms dominate. */
#define AL_NN_WINO_MIN_CHANNELS 8

gboolean
al_nn_conv_winograd_eligible (const AlNnConv *p)
{
  return p->kh == 3 && p->kw == 3 && p->stride_h == 1 && p->stride_w == 1 && p->dil_h == 1
         && p->dil_w == 1 && p->groups == 1 && p->c_in >= AL_NN_WINO_MIN_CHANNELS
         && p->c_out >= AL_NN_WINO_MIN_CHANNELS;
}

/* U[k][co][ci] = (G g Gᵀ)[k] for every 3×3 kernel g = weight[co][ci]. */
void
al_nn_conv_winograd_weights (const AlNnConv *p,
                             float          *u)
{
  gsize plane = (gsize) p->c_out * p->c_in;

  for (guint co = 0; co < p->c_out; co++)
    for (guint ci = 0; ci < p->c_in; ci++)
      {
        const float *g = p->weight + ((gsize) co * p->c_in + ci) * 9;
        float t[4][3], r[4][4];

        for (guint c = 0; c < 3; c++)
          {
            t[0][c] = g[c];
            t[1][c] = 0.5f * (g[c] + g[3 + c] + g[6 + c]);
            t[2][c] = 0.5f * (g[c] - g[3 + c] + g[6 + c]);
            t[3][c] = g[6 + c];
          }
        for (guint i = 0; i < 4; i++)
          {
            r[i][0] = t[i][0];
            r[i][1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
            r[i][2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
            r[i][3] = t[i][2];
          }
        for (guint k = 0; k < 16; k++)
          u[k * plane + (gsize) co * p->c_in + ci] = r[k / 4][k % 4];
      }
}

static guint
tiles_per_task (const AlNnConv *p,
                guint           tiles_wide)
{
  guint n = AL_NN_WINO_BAND_FLOATS / (16 * (p->c_in + p->c_out));

  return CLAMP (n, MIN (AL_NN_WINO_MIN_TILES, tiles_wide), tiles_wide);
}

gsize
al_nn_conv_winograd_scratch (const AlNnConv *p,
                             guint           wo)
{
  guint tw = (wo + 1) / 2, nt = tiles_per_task (p, tw);

  /* V and M, four input rows (even and odd columns), four output streams */
  return (gsize) 16 * (p->c_in + p->c_out) * nt + 8 * ((gsize) nt + 1) + 4 * (gsize) nt;
}

typedef struct
{
  const AlNnConv   *p;
  const AlNnTensor *x;
  AlNnTensor       *y;
  float            *scratch;
  gsize             scratch_per_thread;
  guint             tiles_wide, per_task, n_chunks;
} WinoJob;

/* The transforms are element-wise over a run of tiles: written as loops
 * over unit-stride streams (even and odd input columns apart) so that the
 * compiler vectorises them, for AVX2 where the CPU has it (one clone picked
 * at load time, so the binary still runs on any x86-64). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define AL_NN_SIMD_CLONES __attribute__ ((target_clones ("avx2", "default"), optimize ("O3")))
#else
#define AL_NN_SIMD_CLONES
#endif

/* Row r of d·B (columns c = 0..3) for every tile, from the row's even
 * (e) and odd (o) columns: tile j covers columns 2j … 2j + 3. */
#define WINO_ROW_COLUMN(c, e, o, j)                                       \
  ((c) == 0 ? (e)[j] - (e)[(j) + 1]                                        \
   : (c) == 1 ? (o)[j] + (e)[(j) + 1]                                      \
   : (c) == 2 ? (e)[(j) + 1] - (o)[j]                                      \
              : (o)[j] - (o)[(j) + 1])

/* Column c of Bᵀ·(d·B): four of the sixteen V planes. */
#define WINO_INPUT_COLUMN(c)                                                            \
  static void                                                                           \
  input_column_##c (const float *const *e, const float *const *o, guint nt, float *v,   \
                    gsize plane)                                                        \
  {                                                                                     \
    const float *restrict e0 = e[0], *restrict e1 = e[1], *restrict e2 = e[2],         \
                          *restrict e3 = e[3];                                          \
    const float *restrict o0 = o[0], *restrict o1 = o[1], *restrict o2 = o[2],         \
                          *restrict o3 = o[3];                                          \
    float *restrict v0 = v + (gsize) (c) * plane, *restrict v1 = v + (gsize) (4 + (c)) * plane; \
    float *restrict v2 = v + (gsize) (8 + (c)) * plane;                                 \
    float *restrict v3 = v + (gsize) (12 + (c)) * plane;                                \
    for (guint j = 0; j < nt; j++)                                                      \
      {                                                                                 \
        float t0 = WINO_ROW_COLUMN (c, e0, o0, j), t1 = WINO_ROW_COLUMN (c, e1, o1, j); \
        float t2 = WINO_ROW_COLUMN (c, e2, o2, j), t3 = WINO_ROW_COLUMN (c, e3, o3, j); \
        v0[j] = t0 - t2;                                                                \
        v1[j] = t1 + t2;                                                                \
        v2[j] = t2 - t1;                                                                \
        v3[j] = t1 - t3;                                                                \
      }                                                                                 \
  }

AL_NN_SIMD_CLONES WINO_INPUT_COLUMN (0)
AL_NN_SIMD_CLONES WINO_INPUT_COLUMN (1)
AL_NN_SIMD_CLONES WINO_INPUT_COLUMN (2)
AL_NN_SIMD_CLONES WINO_INPUT_COLUMN (3)

static void
input_transform_channel (const float *const *e,
                         const float *const *o,
                         guint               nt,
                         float              *v,
                         gsize               plane)
{
  input_column_0 (e, o, nt, v, plane);
  input_column_1 (e, o, nt, v, plane);
  input_column_2 (e, o, nt, v, plane);
  input_column_3 (e, o, nt, v, plane);
}

/* Splits columns [lo, hi) of `line` (x0 at index 0) into even and odd;
 * the rest of e[0..n] and o[0..n] is zero. */
AL_NN_SIMD_CLONES static void
deinterleave (const float *line,
              gint64       lo,
              gint64       hi,
              guint        n,
              float *restrict e,
              float *restrict o)
{
  guint i_lo, i_hi;

  memset (e, 0, (n + 1) * sizeof (float));
  memset (o, 0, (n + 1) * sizeof (float));
  if (line == NULL || lo >= hi)
    return;
  /* pairs with both columns inside: one unit-stride loop the compiler vectorises */
  i_lo = (guint) ((lo + 1) / 2);
  i_hi = (guint) (hi / 2);
  for (guint i = i_lo; i < i_hi; i++)
    {
      e[i] = line[2 * i];
      o[i] = line[2 * i + 1];
    }
  if (lo & 1)
    o[lo / 2] = line[lo];
  if (hi & 1)
    e[hi / 2] = line[hi - 1];
}

/* out[2j] = even[j], out[2j + 1] = odd[j] for the n values of out. */
AL_NN_SIMD_CLONES static void
interleave (const float *restrict even,
            const float *restrict odd,
            guint                 n,
            float *restrict       out)
{
  for (guint j = 0; j < n / 2; j++)
    {
      out[2 * j] = even[j];
      out[2 * j + 1] = odd[j];
    }
  if (n & 1)
    out[n - 1] = even[n / 2];
}

/* V[k][ci][j] for the tiles of one chunk. */
static void
input_transform (const WinoJob *job,
                 guint          tile_row,
                 guint          t0,
                 guint          nt,
                 float         *v,
                 float         *rows)
{
  const AlNnConv *p = job->p;
  guint h = AL_NN_H (job->x), w = AL_NN_W (job->x);
  gsize row_len = 2 * (gsize) nt + 2, plane = (gsize) p->c_in * nt;
  gint64 y0 = 2 * (gint64) tile_row - p->pad_t, x0 = 2 * (gint64) t0 - p->pad_l;
  float *e[4], *o[4];

  for (guint r = 0; r < 4; r++)
    {
      e[r] = rows + 2 * r * (nt + 1);
      o[r] = e[r] + nt + 1;
    }
  for (guint ci = 0; ci < p->c_in; ci++)
    {
      const float *src = job->x->data + (gsize) ci * h * w;

      /* the 4 input rows of this tile row, zero outside the image, split
       * into even and odd columns */
      for (guint r = 0; r < 4; r++)
        {
          gint64 iy = y0 + r;
          gint64 lo = CLAMP (-x0, 0, (gint64) row_len), hi = CLAMP ((gint64) w - x0, lo, (gint64) row_len);

          /* `line` indexed from x0, read only within [lo, hi) */
          deinterleave (iy >= 0 && iy < h ? src + iy * w + x0 : NULL, lo, hi, nt, e[r], o[r]);
        }
      input_transform_channel ((const float *const *) e, (const float *const *) o, nt,
                               v + (gsize) ci * nt, plane);
    }
}

/* Y = Aᵀ M A for the tiles of one output channel, into four streams. */
AL_NN_SIMD_CLONES static void
output_transform_channel (const float *m,
                          gsize        plane,
                          guint        nt,
                          float        bias,
                          float *restrict y00,
                          float *restrict y01,
                          float *restrict y10,
                          float *restrict y11)
{
  for (guint j = 0; j < nt; j++)
    {
      float s0[4], s1[4];
      for (guint c = 0; c < 4; c++)
        {
          float a0 = m[(gsize) c * plane + j], a1 = m[(gsize) (4 + c) * plane + j];
          float a2 = m[(gsize) (8 + c) * plane + j], a3 = m[(gsize) (12 + c) * plane + j];
          s0[c] = a0 + a1 + a2;
          s1[c] = a1 - a2 - a3;
        }
      y00[j] = s0[0] + s0[1] + s0[2] + bias;
      y01[j] = s0[1] - s0[2] - s0[3] + bias;
      y10[j] = s1[0] + s1[1] + s1[2] + bias;
      y11[j] = s1[1] - s1[2] - s1[3] + bias;
    }
}

static void
output_transform (const WinoJob *job,
                  guint          tile_row,
                  guint          t0,
                  guint          nt,
                  const float   *m,
                  float         *tmp)
{
  const AlNnConv *p = job->p;
  guint ho = AL_NN_H (job->y), wo = AL_NN_W (job->y);
  gsize plane = (gsize) p->c_out * nt;
  guint oy = 2 * tile_row, x_begin = 2 * t0, x_end = MIN (wo, 2 * (t0 + nt));
  float *y00 = tmp, *y01 = tmp + nt, *y10 = tmp + 2 * nt, *y11 = tmp + 3 * nt;

  for (guint co = 0; co < p->c_out; co++)
    {
      float *out0 = job->y->data + ((gsize) co * ho + oy) * wo;
      float *out1 = out0 + wo;

      output_transform_channel (m + (gsize) co * nt, plane, nt, p->bias != NULL ? p->bias[co] : 0.f,
                                y00, y01, y10, y11);
      interleave (y00, y01, x_end - x_begin, out0 + x_begin);
      al_nn_act_apply (&p->act, out0 + x_begin, x_end - x_begin);
      if (oy + 1 < ho)
        {
          interleave (y10, y11, x_end - x_begin, out1 + x_begin);
          al_nn_act_apply (&p->act, out1 + x_begin, x_end - x_begin);
        }
    }
}

static void
wino_task (gpointer data,
           guint    task,
           guint    thread)
{
  const WinoJob *job = data;
  const AlNnConv *p = job->p;
  guint tile_row = task / job->n_chunks, chunk = task % job->n_chunks;
  guint t0 = chunk * job->per_task, nt = MIN (job->per_task, job->tiles_wide - t0);
  float *v = job->scratch + thread * job->scratch_per_thread;
  float *m = v + (gsize) 16 * p->c_in * job->per_task;
  float *rows = m + (gsize) 16 * p->c_out * job->per_task;
  gsize u_plane = (gsize) p->c_out * p->c_in;

  input_transform (job, tile_row, t0, nt, v, rows);
  for (guint k = 0; k < 16; k++)
    cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, p->c_out, nt, p->c_in, 1.f,
                 p->winograd + k * u_plane, p->c_in, v + (gsize) k * p->c_in * nt, nt, 0.f,
                 m + (gsize) k * p->c_out * nt, nt);
  output_transform (job, tile_row, t0, nt, m, rows + 8 * ((gsize) job->per_task + 1));
}

void
al_nn_conv_winograd_run (const AlNnConv   *p,
                         const AlNnTensor *x,
                         AlNnTensor       *y,
                         AlNnPool         *pool,
                         float            *scratch,
                         gsize             scratch_per_thread)
{
  WinoJob job = { p, x, y, scratch, scratch_per_thread, 0, 0, 0 };
  guint tile_rows = (AL_NN_H (y) + 1) / 2;

  job.tiles_wide = (AL_NN_W (y) + 1) / 2;
  job.per_task = tiles_per_task (p, job.tiles_wide);
  job.n_chunks = (job.tiles_wide + job.per_task - 1) / job.per_task;
  al_nn_pool_run (pool, tile_rows * job.n_chunks, wino_task, &job);
}
