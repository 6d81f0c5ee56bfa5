/* al-refine-model.c: the model image (the sum of every fitted column's
 * Gaussian, drawn by threads each owning a band of rows) and the noise
 * model fitted to the residuals around it (variance = gain · model +
 * offset, which covers Poisson counting and detector noise).
 */
#include "detect/al-refine-private.h"

#include <string.h>

#include "detect/al-parallel.h"

/* Noise model: this many equal-count bins of model value. */
#define AL_REFINE_NOISE_BINS 16
/* Columns used to fit the noise model, at most. */
#define AL_REFINE_NOISE_COLUMNS 1000

/* The model is drawn in strips of this many rows, each with the list of
 * columns that reach it: a strip stays in the cache while its columns are
 * drawn, where drawing the columns in index order (which is no spatial
 * order) wrote all over a 16 MB model. */
#define AL_REFINE_RENDER_STRIP 32

typedef struct
{
  float             *model;
  guint              width;
  guint              height;
  const AlColumnFit *columns;
  const guint32     *start;     /* strip s draws members[start[s] .. start[s + 1]) */
  const guint32     *members;   /* in increasing column index within a strip */
} RenderJob;

static int
render_radius (const AlColumnFit *col)
{
  return MIN ((int) ceil (AL_REFINE_RENDER_SIGMAS * col->width), 127);
}

/* Strips [s0, s1) of the model. Each pixel sums its columns in the order
 * of their indices, so the model does not depend on the strips or the
 * threads. */
static void
render_strips (gpointer data,
               guint    s0,
               guint    s1)
{
  RenderJob *job = data;
  double ex[256], ey[256];

  for (guint s = s0; s < s1; s++)
    {
      int y_start = (int) (s * AL_REFINE_RENDER_STRIP);
      int y_end = (int) MIN ((s + 1) * AL_REFINE_RENDER_STRIP, job->height);

      memset (job->model + (gsize) y_start * job->width, 0,
              sizeof (float) * job->width * (y_end - y_start));
      for (guint32 m = job->start[s]; m < job->start[s + 1]; m++)
        {
          const AlColumnFit *col = &job->columns[job->members[m]];
          AlWindow w = al_column_window (col->x, col->y, render_radius (col), job->width,
                                         job->height);
          /* The whole window's profile, then this strip's rows of it: the
           * values must not depend on where the strips split (the exp()
           * recurrence starts at the window's edge). */
          al_gauss_1d (ex, w.x0, w.x1, col->x, col->width);
          al_gauss_1d (ey, w.y0, w.y1, col->y, col->width);
          for (int y = MAX (w.y0, y_start); y < MIN (w.y1, y_end); y++)
            {
              float *row = job->model + (gsize) y * job->width;
              double ay = col->amplitude * ey[y - w.y0];
              for (int x = w.x0; x < w.x1; x++)
                row[x] += (float) (ay * ex[x - w.x0]);
            }
        }
    }
}

/* Sum of every fitted column's Gaussian (no background), drawn by
 * `n_threads` threads each owning a band of strips. */
void
al_refine_render_threaded (float             *model,
                           guint              width,
                           guint              height,
                           const AlColumnFit *columns,
                           guint              n_columns,
                           guint              n_threads)
{
  guint n_strips = (height + AL_REFINE_RENDER_STRIP - 1) / AL_REFINE_RENDER_STRIP;
  g_autofree guint32 *start = g_new0 (guint32, n_strips + 1);
  g_autofree guint32 *fill = NULL;
  g_autofree guint32 *members = NULL;
  RenderJob job;

  /* Which strips each column reaches: counted, then listed. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          AlWindow w;
          if (!columns[c].ok)
            continue;
          w = al_column_window (columns[c].x, columns[c].y, render_radius (&columns[c]), width,
                                height);
          if (w.y0 >= w.y1 || w.x0 >= w.x1)
            continue;
          for (guint s = (guint) w.y0 / AL_REFINE_RENDER_STRIP;
               s <= (guint) (w.y1 - 1) / AL_REFINE_RENDER_STRIP; s++)
            if (pass == 0)
              start[s + 1]++;
            else
              members[fill[s]++] = c;
        }
      if (pass == 0)
        {
          for (guint s = 0; s < n_strips; s++)
            start[s + 1] += start[s];
          members = g_new (guint32, MAX (start[n_strips], 1));
          fill = g_memdup2 (start, sizeof (guint32) * n_strips);
        }
    }
  job = (RenderJob) { model, width, height, columns, start, members };
  al_parallel_range (n_threads, n_strips, render_strips, &job);
}

/* The model is redrawn after a sweep in tiles of this side, px: only
 * those a changed column reaches (a round of the detection refits a few
 * thousand of 90,000 columns). */
#define AL_REFINE_RENDER_TILE 32

typedef struct
{
  float             *model;
  guint              width;
  guint              height;
  guint              tiles_x;
  const AlColumnFit *columns;
  const guint32     *tiles;     /* the tiles to draw */
  const guint32     *start;     /* tile k draws members[start[k] .. start[k + 1]) */
  const guint32     *members;   /* in increasing column index within a tile */
} TileJob;

/* Tiles [k0, k1) of job->tiles, drawn as render_strips draws them: each
 * pixel sums its columns in the order of their indices, each column's
 * profile taken over its whole window. */
static void
render_tiles (gpointer data,
              guint    k0,
              guint    k1)
{
  TileJob *job = data;
  double ex[256], ey[256];

  for (guint k = k0; k < k1; k++)
    {
      guint t = job->tiles[k];
      int tx0 = (int) (t % job->tiles_x * AL_REFINE_RENDER_TILE);
      int ty0 = (int) (t / job->tiles_x * AL_REFINE_RENDER_TILE);
      int tx1 = MIN (tx0 + AL_REFINE_RENDER_TILE, (int) job->width);
      int ty1 = MIN (ty0 + AL_REFINE_RENDER_TILE, (int) job->height);

      for (int y = ty0; y < ty1; y++)
        memset (job->model + (gsize) y * job->width + tx0, 0, sizeof (float) * (tx1 - tx0));
      for (guint32 m = job->start[k]; m < job->start[k + 1]; m++)
        {
          const AlColumnFit *col = &job->columns[job->members[m]];
          AlWindow w = al_column_window (col->x, col->y, render_radius (col), job->width,
                                         job->height);
          al_gauss_1d (ex, w.x0, w.x1, col->x, col->width);
          al_gauss_1d (ey, w.y0, w.y1, col->y, col->width);
          for (int y = MAX (w.y0, ty0); y < MIN (w.y1, ty1); y++)
            {
              float *row = job->model + (gsize) y * job->width;
              double ay = col->amplitude * ey[y - w.y0];
              for (int x = MAX (w.x0, tx0); x < MIN (w.x1, tx1); x++)
                row[x] += (float) (ay * ex[x - w.x0]);
            }
        }
    }
}

/* What a column contributes to the model: its drawn window and values. */
static gboolean
drawn_alike (const AlColumnFit *a,
             const AlColumnFit *b)
{
  return a->ok == b->ok
         && (!a->ok
             || (a->x == b->x && a->y == b->y && a->amplitude == b->amplitude
                 && a->width == b->width));
}

/* Marks the tiles of `col`'s drawn window (none when it is not drawn). */
static void
mark_tiles (const AlColumnFit *col,
            guint              width,
            guint              height,
            guint              tiles_x,
            guint8            *dirty)
{
  AlWindow w;

  if (!col->ok)
    return;
  w = al_column_window (col->x, col->y, render_radius (col), width, height);
  if (w.y0 >= w.y1 || w.x0 >= w.x1)
    return;
  for (int ty = w.y0 / AL_REFINE_RENDER_TILE; ty <= (w.y1 - 1) / AL_REFINE_RENDER_TILE; ty++)
    for (int tx = w.x0 / AL_REFINE_RENDER_TILE; tx <= (w.x1 - 1) / AL_REFINE_RENDER_TILE; tx++)
      dirty[(gsize) ty * tiles_x + tx] = 1;
}

/* `model` holds the render of `drawn`; makes it the render of `columns`
 * (the same columns, some changed), exactly as al_refine_render_threaded
 * would draw it, redrawing only the tiles a changed column reaches. */
void
al_refine_render_changed (float             *model,
                          guint              width,
                          guint              height,
                          const AlColumnFit *columns,
                          const AlColumnFit *drawn,
                          guint              n_columns,
                          guint              n_threads)
{
  guint tiles_x = (width + AL_REFINE_RENDER_TILE - 1) / AL_REFINE_RENDER_TILE;
  guint tiles_y = (height + AL_REFINE_RENDER_TILE - 1) / AL_REFINE_RENDER_TILE;
  gsize n_tiles = (gsize) tiles_x * tiles_y;
  g_autofree guint8 *dirty = g_new0 (guint8, n_tiles);
  g_autofree guint32 *slot = g_new (guint32, n_tiles);
  g_autofree guint32 *tiles = NULL;
  g_autofree guint32 *start = NULL;
  g_autofree guint32 *fill = NULL;
  g_autofree guint32 *members = NULL;
  guint n_dirty = 0;
  TileJob job;

  for (guint i = 0; i < n_columns; i++)
    if (!drawn_alike (&columns[i], &drawn[i]))
      {
        mark_tiles (&drawn[i], width, height, tiles_x, dirty);
        mark_tiles (&columns[i], width, height, tiles_x, dirty);
      }
  for (gsize t = 0; t < n_tiles; t++)
    n_dirty += dirty[t];
  if (n_dirty == 0)
    return;
  tiles = g_new (guint32, n_dirty);
  start = g_new0 (guint32, n_dirty + 1);
  n_dirty = 0;
  for (gsize t = 0; t < n_tiles; t++)
    if (dirty[t])
      {
        slot[t] = n_dirty;
        tiles[n_dirty++] = (guint32) t;
      }
  /* Which dirty tiles each column reaches: counted, then listed. */
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          AlWindow w;
          if (!columns[c].ok)
            continue;
          w = al_column_window (columns[c].x, columns[c].y, render_radius (&columns[c]), width,
                                height);
          if (w.y0 >= w.y1 || w.x0 >= w.x1)
            continue;
          for (int ty = w.y0 / AL_REFINE_RENDER_TILE; ty <= (w.y1 - 1) / AL_REFINE_RENDER_TILE;
               ty++)
            for (int tx = w.x0 / AL_REFINE_RENDER_TILE; tx <= (w.x1 - 1) / AL_REFINE_RENDER_TILE;
                 tx++)
              {
                gsize t = (gsize) ty * tiles_x + tx;
                if (!dirty[t])
                  continue;
                if (pass == 0)
                  start[slot[t] + 1]++;
                else
                  members[fill[slot[t]]++] = c;
              }
        }
      if (pass == 0)
        {
          for (guint k = 0; k < n_dirty; k++)
            start[k + 1] += start[k];
          members = g_new (guint32, MAX (start[n_dirty], 1));
          fill = g_memdup2 (start, sizeof (guint32) * n_dirty);
        }
    }
  job = (TileJob) { model, width, height, tiles_x, columns, tiles, start, members };
  al_parallel_range (n_threads, n_dirty, render_tiles, &job);
}

/* Sum of every fitted column's Gaussian (no background). */
void
al_refine_render (float             *model,
                  guint              width,
                  guint              height,
                  const AlColumnFit *columns,
                  guint              n_columns)
{
  al_refine_render_threaded (model, width, height, columns, n_columns, 1);
}

typedef struct
{
  float m;
  float r2;
} NoiseSample;

/* An unsigned key that orders as the float does (-0 and +0 alike). */
static guint32
sort_key (float f)
{
  union { float f; guint32 u; } v = { f == 0.0f ? 0.0f : f };

  return (v.u & 0x80000000u) ? ~v.u : v.u | 0x80000000u;
}

/* Sorts the samples by model value, stably (equal values keep their
 * order): a radix sort, a byte a pass; a comparison sort of the ~10⁵
 * samples took a tenth of a second per detection. */
static void
sort_samples (NoiseSample *s,
              gsize        n)
{
  g_autofree NoiseSample *tmp = g_new (NoiseSample, MAX (n, 1));
  NoiseSample *src = s, *dst = tmp;

  for (int shift = 0; shift < 32; shift += 8)
    {
      gsize count[257] = { 0 };
      for (gsize i = 0; i < n; i++)
        count[((sort_key (src[i].m) >> shift) & 0xff) + 1]++;
      for (int b = 0; b < 256; b++)
        count[b + 1] += count[b];
      for (gsize i = 0; i < n; i++)
        dst[count[(sort_key (src[i].m) >> shift) & 0xff]++] = src[i];
      src = dst;
      dst = src == s ? tmp : s;
    }
  /* Four passes: the result is back in `s`. */
}

/* Fits variance = gain · model + offset to the squared residuals, binned by
 * model value; FALSE when there is too little to go on. */
gboolean
al_refine_fit_noise_model (const float       *image,
                           const float       *model,
                           guint              width,
                           guint              height,
                           const AlColumnFit *columns,
                           guint              n_columns,
                           int                radius,
                           AlNoiseModel      *noise)
{
  g_autoptr (GArray) samples = g_array_new (FALSE, FALSE, sizeof (NoiseSample));
  guint stride = MAX (1, n_columns / AL_REFINE_NOISE_COLUMNS);
  double bin_m[AL_REFINE_NOISE_BINS], bin_v[AL_REFINE_NOISE_BINS];
  double sv = 0, min_var = G_MAXDOUBLE;
  guint per_bin;

  for (guint c = 0; c < n_columns; c += stride)
    {
      const AlColumnFit *col = &columns[c];
      AlWindow w;
      if (!col->ok)
        continue;
      w = al_column_window (col->x, col->y, radius, width, height);
      for (int y = w.y0; y < w.y1; y++)
        for (int x = w.x0; x < w.x1; x++)
          {
            gsize i = (gsize) y * width + x;
            NoiseSample s;
            double r = image[i] - model[i] - col->background;
            s.m = (float) (model[i] + col->background);
            s.r2 = (float) (r * r);
            g_array_append_val (samples, s);
          }
    }
  if (samples->len < 4 * AL_REFINE_NOISE_BINS)
    return FALSE;
  sort_samples ((NoiseSample *) samples->data, samples->len);
  per_bin = samples->len / AL_REFINE_NOISE_BINS;
  for (guint b = 0; b < AL_REFINE_NOISE_BINS; b++)
    {
      bin_m[b] = bin_v[b] = 0;
      for (guint k = b * per_bin; k < (b + 1) * per_bin; k++)
        {
          bin_m[b] += g_array_index (samples, NoiseSample, k).m;
          bin_v[b] += g_array_index (samples, NoiseSample, k).r2;
        }
      bin_m[b] /= per_bin;
      bin_v[b] /= per_bin;
      min_var = MIN (min_var, bin_v[b]);
      sv += bin_v[b];
    }
  /* A bin's mean square scatters in proportion to its variance: weighted
   * least squares, re-weighted by the fitted line. */
  noise->gain = 0.0;
  noise->offset = sv / AL_REFINE_NOISE_BINS;
  for (int pass = 0; pass < 4; pass++)
    {
      double sw = 0, sm = 0, svv = 0, smm = 0, smv = 0, gain, offset;
      for (guint b = 0; b < AL_REFINE_NOISE_BINS; b++)
        {
          double pred = MAX (noise->gain * bin_m[b] + noise->offset, 0.5 * min_var);
          double wt = 1.0 / (pred * pred);
          sw += wt;
          sm += wt * bin_m[b];
          svv += wt * bin_v[b];
          smm += wt * bin_m[b] * bin_m[b];
          smv += wt * bin_m[b] * bin_v[b];
        }
      gain = (sw * smv - sm * svv) / MAX (sw * smm - sm * sm, 1e-300);
      if (!(gain > 0.0))
        gain = 0.0;
      offset = (svv - gain * sm) / sw;
      noise->gain = gain;
      noise->offset = offset;
    }
  noise->floor = MAX (0.5 * min_var, 1e-20);
  return sv > 0.0;
}

