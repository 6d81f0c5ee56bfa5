/* al-filter.c: Gaussian smoothing, large-scale background and noise
 * estimation for the detection stage. */
#include "detect/al-filter.h"

#include <math.h>
#include <string.h>

#include "detect/al-parallel.h"
#include "graph/al-select.h"

/* The Gaussian kernel is cut where it falls below ~0.2 % of its peak. */
#define AL_FILTER_KERNEL_SIGMAS 3.5
/* Three box passes approximate a Gaussian to a few per cent (central limit). */
#define AL_FILTER_BOX_PASSES 3
/* The background is computed on blocks of scale / this many pixels. */
#define AL_FILTER_BLOCK_PER_SCALE 3.0
/* Smaller blocks gain too little for the interpolation error they cost. */
#define AL_FILTER_MIN_BLOCK 4
/* The noise estimate looks at no more than about this many pixels. */
#define AL_FILTER_NOISE_SAMPLES 262144
/* Lines filtered side by side by the transposing passes. */
#define AL_FILTER_LINES 16
/* MAD of a normal distribution is 0.6745 sigma. */
#define AL_MAD_TO_SIGMA 1.4826

static inline gint64
mirror (gint64 i,
        gint64 n)
{
  if (n == 1)
    return 0;
  while (i < 0 || i >= n)
    i = i < 0 ? -i : 2 * (n - 1) - i;
  return i;
}

static float *
gaussian_kernel (double sigma,
                 int   *radius_out)
{
  int radius = MAX (1, (int) ceil (AL_FILTER_KERNEL_SIGMAS * sigma));
  float *k = g_new (float, 2 * radius + 1);
  double sum = 0.0;

  for (int i = -radius; i <= radius; i++)
    {
      k[i + radius] = (float) exp (-0.5 * i * i / (sigma * sigma));
      sum += k[i + radius];
    }
  for (int i = 0; i <= 2 * radius; i++)
    k[i] = (float) (k[i] / sum);
  *radius_out = radius;
  return k;
}

/* A pass over lines of `in` (length n, `count` lines) written transposed
 * to `out`: the convolution with kernel k of half-width `radius`, or the
 * box mean of half-width `radius` when k is NULL. */
typedef struct
{
  const float *in;
  float       *out;
  guint        n;
  guint        count;
  const float *k;
  int          radius;
} LinePass;

static guint
n_line_blocks (guint count)
{
  return (count + AL_FILTER_LINES - 1) / AL_FILTER_LINES;
}

/* One 1D convolution along rows of `in`, written transposed so that both
 * passes read memory in order; lines are done AL_FILTER_LINES at a time
 * and written out together. Runs the blocks of lines [b0, b1). */
static void
convolve_transpose (gpointer data,
                    guint    b0,
                    guint    b1)
{
  const LinePass *lp = data;
  const float *in = lp->in, *k = lp->k;
  float *out = lp->out;
  guint n = lp->n, count = lp->count;
  int radius = lp->radius;
  g_autofree float *line = g_new (float, n + 2 * radius);
  g_autofree float *block = g_new (float, (gsize) n * AL_FILTER_LINES);

  for (guint c0 = b0 * AL_FILTER_LINES; c0 < MIN (count, b1 * AL_FILTER_LINES);
       c0 += AL_FILTER_LINES)
    {
      guint lines = MIN (AL_FILTER_LINES, count - c0);
      for (guint l = 0; l < lines; l++)
        {
          const float *src = in + (gsize) (c0 + l) * n;
          for (gint64 i = -radius; i < (gint64) n + radius; i++)
            line[i + radius] = src[mirror (i, n)];
          for (guint i = 0; i < n; i++)
            {
              const float *p = line + i;
              float acc = 0.0f;
              for (int j = 0; j <= 2 * radius; j++)
                acc += k[j] * p[j];
              block[(gsize) i * AL_FILTER_LINES + l] = acc;
            }
        }
      for (guint i = 0; i < n; i++)
        memcpy (out + (gsize) i * count + c0, block + (gsize) i * AL_FILTER_LINES,
                lines * sizeof (float));
    }
}

/* Smooths `in` with a Gaussian of `sigma_px`; `out` may not alias `in`. */
void
al_filter_gaussian (const float *in,
                    float       *out,
                    guint        width,
                    guint        height,
                    double       sigma_px)
{
  al_filter_gaussian_threaded (in, out, width, height, sigma_px, 1);
}

/* The same on `n_threads` threads (the same result). */
void
al_filter_gaussian_threaded (const float *in,
                             float       *out,
                             guint        width,
                             guint        height,
                             double       sigma_px,
                             guint        n_threads)
{
  LinePass rows, cols;

  g_autofree float *tmp = NULL;
  g_autofree float *k = NULL;
  int radius;

  g_return_if_fail (in != out);
  if (sigma_px <= 0.0)
    {
      memcpy (out, in, (gsize) width * height * sizeof *in);
      return;
    }
  k = gaussian_kernel (sigma_px, &radius);
  tmp = g_new (float, (gsize) width * height);
  rows = (LinePass) { in, tmp, width, height, k, radius };
  cols = (LinePass) { tmp, out, height, width, k, radius };
  al_parallel_range (n_threads, n_line_blocks (height), convolve_transpose, &rows);
  al_parallel_range (n_threads, n_line_blocks (width), convolve_transpose, &cols);
}

/* A running box mean of half-width r along lines, written transposed.
 * Mirrored indices only near the ends; the middle runs without them.
 * AL_FILTER_LINES lines run side by side, so that each transposed write
 * fills consecutive floats rather than one per cache line. */
static void
box_transpose (gpointer data,
               guint    b0,
               guint    b1)
{
  const LinePass *lp = data;
  const float *in = lp->in;
  float *out = lp->out;
  guint n = lp->n, count = lp->count;
  int r = lp->radius;
  double norm = 1.0 / (2 * r + 1);

  for (guint c0 = b0 * AL_FILTER_LINES; c0 < MIN (count, b1 * AL_FILTER_LINES);
       c0 += AL_FILTER_LINES)
    {
      guint lines = MIN (AL_FILTER_LINES, count - c0);
      double acc[AL_FILTER_LINES] = { 0 };

      for (guint l = 0; l < lines; l++)
        {
          const float *src = in + (gsize) (c0 + l) * n;
          for (gint64 i = -r - 1; i < r; i++)
            acc[l] += src[mirror (i, n)];
        }
      for (guint i = 0; i < n; i++)
        {
          gint64 add = (gint64) i + r, sub = (gint64) i - r - 1;
          float *dst = out + (gsize) i * count + c0;
          if (add >= (gint64) n || sub < 0)
            {
              add = mirror (add, n);
              sub = mirror (sub, n);
            }
          for (guint l = 0; l < lines; l++)
            {
              const float *src = in + (gsize) (c0 + l) * n;
              acc[l] += src[add] - src[sub];
              dst[l] = (float) (acc[l] * norm);
            }
        }
    }
}

static void
box_blur (const float *in,
          float       *out,
          guint        width,
          guint        height,
          double       scale_px,
          guint        n_threads)
{
  g_autofree float *a = g_new (float, (gsize) width * height);
  g_autofree float *b = g_new (float, (gsize) width * height);
  /* Variance of a box of half-width r is r(r+1)/3 per pass. */
  int r = MAX (1, (int) floor (0.5 * (sqrt (1.0 + 4.0 * scale_px * scale_px) - 1.0)));
  const float *src = in;

  for (int p = 0; p < AL_FILTER_BOX_PASSES; p++)
    {
      LinePass rows = { src, a, width, height, NULL, r };
      LinePass cols = { a, p == AL_FILTER_BOX_PASSES - 1 ? out : b, height, width, NULL, r };
      al_parallel_range (n_threads, n_line_blocks (height), box_transpose, &rows);
      al_parallel_range (n_threads, n_line_blocks (width), box_transpose, &cols);
      src = b;
    }
}

typedef struct
{
  const float *in;
  float       *out;
  guint        width;
  guint        height;
  guint        k;         /* block side */
  float       *small;     /* block means, sw × sh */
  guint        sw;
  guint        sh;
} Blocks;

/* Block rows [b0, b1) of the block means (summed in the order one thread
 * would, so the result does not depend on the split). */
static void
block_means (gpointer data,
             guint    b0,
             guint    b1)
{
  Blocks *b = data;
  guint k = b->k;

  for (guint by = b0; by < b1; by++)
    {
      float *srow = b->small + (gsize) by * b->sw;
      guint ny = MIN (k, b->height - by * k);
      memset (srow, 0, sizeof (float) * b->sw);
      for (guint y = by * k; y < by * k + ny; y++)
        for (guint x = 0; x < b->width; x++)
          srow[x / k] += b->in[(gsize) y * b->width + x];
      for (guint bx = 0; bx < b->sw; bx++)
        srow[bx] /= (float) (MIN (k, b->width - bx * k) * ny);
    }
}

/* Rows [y_start, y_end) of the output, bilinear between block means. */
static void
block_interpolate (gpointer data,
                   guint    y_start,
                   guint    y_end)
{
  Blocks *b = data;
  guint k = b->k, sw = b->sw, sh = b->sh;

  for (guint y = y_start; y < y_end; y++)
    {
      /* Block b's mean sits at pixel (b + 0.5) k - 0.5. */
      double fy = CLAMP ((y + 0.5) / k - 0.5, 0.0, sh - 1.0);
      guint y0 = MIN ((guint) fy, sh - 2);
      float ty = (float) (fy - y0);
      for (guint x = 0; x < b->width; x++)
        {
          double fx = CLAMP ((x + 0.5) / k - 0.5, 0.0, sw - 1.0);
          guint x0 = MIN ((guint) fx, sw - 2);
          float tx = (float) (fx - x0);
          const float *r0 = b->small + (gsize) y0 * sw + x0, *r1 = r0 + sw;
          b->out[(gsize) y * b->width + x] = (1 - ty) * ((1 - tx) * r0[0] + tx * r0[1])
                                             + ty * ((1 - tx) * r1[0] + tx * r1[1]);
        }
    }
}

/* A smooth background: a Gaussian-like blur of width `scale_px` made of
 * repeated box means, so its cost does not grow with the scale. Wide
 * blurs run on a block-averaged copy (a background has no detail at the
 * block size) and come back by bilinear interpolation. */
void
al_filter_background (const float *in,
                      float       *out,
                      guint        width,
                      guint        height,
                      double       scale_px)
{
  al_filter_background_threaded (in, out, width, height, scale_px, 1);
}

/* The same on `n_threads` threads (the same result). */
void
al_filter_background_threaded (const float *in,
                               float       *out,
                               guint        width,
                               guint        height,
                               double       scale_px,
                               guint        n_threads)
{
  guint k = (guint) CLAMP (floor (scale_px / AL_FILTER_BLOCK_PER_SCALE), 1, 16);
  g_autofree float *small = NULL;
  g_autofree float *blur = NULL;
  Blocks b;

  if (k < AL_FILTER_MIN_BLOCK)
    k = 1;
  b = (Blocks) { in, out, width, height, k, NULL, (width + k - 1) / k, (height + k - 1) / k };
  if (k == 1 || b.sw < 2 || b.sh < 2)
    {
      box_blur (in, out, width, height, scale_px, n_threads);
      return;
    }
  small = g_new (float, (gsize) b.sw * b.sh);
  blur = g_new (float, (gsize) b.sw * b.sh);
  b.small = small;
  al_parallel_range (n_threads, b.sh, block_means, &b);
  box_blur (small, blur, b.sw, b.sh, scale_px / k, n_threads);
  b.small = blur;
  al_parallel_range (n_threads, height, block_interpolate, &b);
}

/* The value below which `fraction` of `values` lie (selects on a copy). */
double
al_filter_percentile (const float *values,
                      gsize        n_values,
                      double       fraction)
{
  g_autofree float *copy = NULL;
  gsize k;

  if (n_values == 0)
    return 0.0;
  copy = g_memdup2 (values, n_values * sizeof *values);
  k = (gsize) CLAMP (fraction * (n_values - 1) + 0.5, 0, n_values - 1);
  return al_select_kth_float (copy, n_values, k);
}

/* The standard deviation of the pixel noise, from the median absolute value
 * of a discrete Laplacian (which cancels smooth signal; its noise variance
 * is 1 + 4/16 times the pixel variance). Robust to the atoms themselves. */
double
al_filter_noise_sigma (const float *frame,
                       guint        width,
                       guint        height)
{
  g_autofree float *values = NULL;
  gsize n = 0, cap;
  guint step;

  if (width < 3 || height < 3)
    return 0.0;
  step = MAX (1, (guint) sqrt ((double) (width - 2) * (height - 2) / AL_FILTER_NOISE_SAMPLES));
  cap = ((width - 2) / step + 1) * ((height - 2) / step + 1);
  values = g_new (float, cap);
  for (guint y = 1; y + 1 < height; y += step)
    for (guint x = 1; x + 1 < width && n < cap; x += step)
      {
        const float *p = frame + (gsize) y * width + x;
        float lap = p[0] - 0.25f * (p[-1] + p[1] + p[-(gssize) width] + p[width]);
        values[n++] = fabsf (lap);
      }
  return AL_MAD_TO_SIGMA * al_filter_percentile (values, n, 0.5) / sqrt (1.25);
}
