/* al-nn-tiled.c: runs an image-to-image network over an image of any size
 * in bounded memory.
 *
 * The image is extended by reflection by a margin M (the network's
 * receptive radius, rounded up to its alignment) on every side, to a canvas
 * whose sides are multiples of the alignment. Tiles of T × T pixels step
 * over the canvas on the alignment grid, so every tile sees the same
 * pooling grid as a whole-canvas run would; each tile's output counts only
 * beyond M from an inner tile edge, where it is exact, and neighbours blend
 * over B pixels with raised-cosine weights normalised to sum to one. The
 * result equals a whole-canvas run to rounding, in memory set by T alone.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "nn/al-nn-private.h"

/* The largest tile side tried when the budget allows (pixels): beyond this
 * a tile's buffers outgrow the caches for no gain in overlap. */
#define AL_NN_MAX_TILE 2048
/* Tile side of the first trial plan from which the budget is scaled. */
#define AL_NN_PROBE_TILE 256

static guint
round_up (guint v,
          guint a)
{
  return (v + a - 1) / a * a;
}

static gint64
reflect (gint64 i,
         gint64 n)
{
  gint64 period;

  if (n == 1)
    return 0;
  period = 2 * (n - 1);
  i = ((i % period) + period) % period;
  return i < n ? i : period - i;
}

typedef struct
{
  guint  canvas;     /* canvas length, multiple of the alignment */
  guint  tile;       /* tile length along this axis */
  guint  n_tiles;
  guint *origin;     /* canvas coordinate of each tile */
  float *weight;     /* n_tiles × tile: normalised blending weights */
} Axis;

static void
axis_clear (Axis *a)
{
  g_free (a->origin);
  g_free (a->weight);
}

static float
ramp (guint d,
      guint margin,
      guint blend)
{
  if (d < margin)
    return 0.f;
  if (d >= margin + blend)
    return 1.f;
  return 0.5f - 0.5f * cosf ((float) G_PI * ((float) (d - margin) + 0.5f) / blend);
}

static gboolean
axis_init (Axis   *a,
           guint   canvas,
           guint   tile,
           guint   margin,
           guint   blend,
           guint   alignment,
           GError **error)
{
  g_autofree float *sum = NULL;
  guint stride;

  a->canvas = canvas;
  a->tile = MIN (tile, canvas);
  if (a->tile == canvas)
    a->n_tiles = 1;
  else
    {
      if (a->tile < 2 * margin + blend + alignment)
        return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                            "tiles of %u pixels are too small for an overlap of %u; raise the "
                            "memory budget", a->tile, margin),
               FALSE;
      stride = a->tile - 2 * margin - blend;
      a->n_tiles = (canvas - a->tile + stride - 1) / stride + 1;
    }
  a->origin = g_new (guint, a->n_tiles);
  a->weight = g_new (float, (gsize) a->n_tiles * a->tile);
  sum = g_new0 (float, canvas);
  for (guint k = 0; k < a->n_tiles; k++)
    {
      a->origin[k] = k + 1 == a->n_tiles ? canvas - a->tile : k * (a->tile - 2 * margin - blend);
      for (guint t = 0; t < a->tile; t++)
        {
          float w = 1.f;
          if (k > 0)
            w *= ramp (t, margin, blend);
          if (k + 1 < a->n_tiles)
            w *= ramp (a->tile - 1 - t, margin, blend);
          a->weight[(gsize) k * a->tile + t] = w;
          sum[a->origin[k] + t] += w;
        }
    }
  for (guint k = 0; k < a->n_tiles; k++)
    for (guint t = 0; t < a->tile; t++)
      {
        float s = sum[a->origin[k] + t];
        a->weight[(gsize) k * a->tile + t] = s > 0.f ? a->weight[(gsize) k * a->tile + t] / s : 0.f;
      }
  return TRUE;
}

/* Tile length that lets n tiles, overlapping by `overlap`, cover `canvas`. */
static guint
tile_for (guint canvas,
          guint n,
          guint overlap,
          guint a)
{
  return MIN (round_up ((canvas + (n - 1) * overlap + n - 1) / n, a), canvas);
}

/* The tile shape with the least total work (tiles × tile area, overlap
 * included) whose area stays within `max_area` pixels: for a 1024² image a
 * 2 × 1 split of the canvas beats four square tiles. */
static gboolean
best_shape (guint   lx,
            guint   ly,
            guint   overlap,
            guint   a,
            double  max_area,
            guint  *tx,
            guint  *ty)
{
  double best = G_MAXDOUBLE;

  for (guint nx = 1; nx <= lx / a; nx++)
    {
      guint w = tile_for (lx, nx, overlap, a);
      if (nx > 1 && w < overlap + a)
        break;
      for (guint ny = 1; ny <= ly / a; ny++)
        {
          guint h = tile_for (ly, ny, overlap, a);
          double cost;
          if (ny > 1 && h < overlap + a)
            break;
          if ((double) w * h > max_area)
            continue;
          cost = (double) nx * ny * w * h;
          if (cost < best)
            best = cost, *tx = w, *ty = h;
          break;   /* more rows only cost more */
        }
    }
  return best < G_MAXDOUBLE;
}

/* Chooses the tile shape from the memory budget: bytes per pixel from a
 * probe plan, then the cheapest shape that fits, checked with its own plan. */
/* The caller's working-memory budget for tiles, never above the process's
 * memory budget (al-limits.h). */
static gsize
tile_budget (const AlNnRunOptions *opts)
{
  guint64 budget = opts->memory_budget > 0 ? opts->memory_budget : AL_NN_DEFAULT_MEMORY_BUDGET;

  return (gsize) MIN (budget, al_limits_get_memory_budget ());
}

static gboolean
choose_tiles (AlNnModel *model,
              gsize      budget,
              guint      n_threads,
              guint      lx,
              guint      ly,
              guint      overlap,
              guint     *tx,
              guint     *ty,
              GError   **error)
{
  guint a = model->alignment, probe = round_up (AL_NN_PROBE_TILE, a);
  g_autoptr (AlNnPlan) plan = al_nn_plan_new (model, probe, probe, n_threads, error);
  double max_area;

  if (plan == NULL)
    return FALSE;
  max_area = MIN ((double) budget * probe * probe / al_nn_plan_bytes (plan, n_threads),
                  (double) AL_NN_MAX_TILE * AL_NN_MAX_TILE);
  for (guint attempt = 0; attempt < 32; attempt++, max_area *= 0.9)
    {
      g_autoptr (AlNnPlan) p = NULL;

      if (!best_shape (lx, ly, overlap, a, max_area, tx, ty))
        break;
      p = al_nn_plan_new (model, *ty, *tx, n_threads, NULL);
      if (p != NULL && al_nn_plan_bytes (p, n_threads) <= budget)
        return TRUE;
    }
  return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                      "a memory budget of %zu KiB is too small for tiles with an overlap of %u "
                      "pixels", budget >> 10, overlap),
         FALSE;
}

typedef struct
{
  AlNnModel   *model;
  const float *image;
  guint        width, height, channels, margin;
  float       *out;
  guint        out_channels;
} Job;

static void
fill_tile (const Job  *job,
           AlNnTensor *x,
           guint       ox,
           guint       oy)
{
  guint th = AL_NN_H (x), tw = AL_NN_W (x);
  g_autofree guint *cols = g_new (guint, tw);

  for (guint t = 0; t < tw; t++)
    cols[t] = (guint) reflect ((gint64) ox + t - job->margin, job->width);
  for (guint c = 0; c < job->channels; c++)
    for (guint y = 0; y < th; y++)
      {
        const float *row = job->image + ((gsize) c * job->height
                                         + reflect ((gint64) oy + y - job->margin, job->height))
                                          * job->width;
        float *dst = x->data + ((gsize) c * th + y) * tw;
        for (guint t = 0; t < tw; t++)
          dst[t] = row[cols[t]];
      }
}

static void
blend_tile (const Job        *job,
            const AlNnTensor *y,
            const Axis       *ax,
            guint             kx,
            const Axis       *ay,
            guint             ky)
{
  guint th = AL_NN_H (y), tw = AL_NN_W (y);
  const float *wx = ax->weight + (gsize) kx * ax->tile, *wy = ay->weight + (gsize) ky * ay->tile;
  gint64 x0 = (gint64) ax->origin[kx] - job->margin, y0 = (gint64) ay->origin[ky] - job->margin;
  guint t_lo = (guint) MAX (0, -x0), t_hi = (guint) CLAMP ((gint64) job->width - x0, 0, tw);

  for (guint c = 0; c < job->out_channels; c++)
    for (guint t = 0; t < th; t++)
      {
        gint64 iy = y0 + t;
        const float *src;
        float *dst, w;

        if (iy < 0 || iy >= job->height || wy[t] == 0.f)
          continue;
        src = y->data + ((gsize) c * th + t) * tw;
        dst = job->out + ((gsize) c * job->height + iy) * job->width;
        w = wy[t];
        for (guint s = t_lo; s < t_hi; s++)
          dst[x0 + s] += src[s] * w * wx[s];
      }
}

typedef struct
{
  guint n_threads, margin, blend;
  Axis  ax, ay;
} Layout;

static void
layout_clear (Layout *l)
{
  axis_clear (&l->ax);
  axis_clear (&l->ay);
}

static gboolean
layout_init (Layout               *l,
             AlNnModel            *model,
             guint                 width,
             guint                 height,
             const AlNnRunOptions *opts,
             GError              **error)
{
  guint a = model->alignment, tx, ty, lx, ly;

  l->n_threads = opts->n_threads > 0 ? opts->n_threads : g_get_num_processors ();
  l->margin = round_up (opts->overlap > 0 ? opts->overlap : model->receptive_radius, a);
  /* With the overlap at the receptive radius every tile is exact where it
   * counts and the blend is only a seam guard: one alignment step. A
   * smaller overlap chosen by the caller gets a wide raised-cosine blend. */
  l->blend = opts->overlap > 0 && opts->overlap < model->receptive_radius
               ? round_up (MAX (l->margin / 2, 1), a) : a;
  lx = round_up (width + 2 * l->margin, a);
  ly = round_up (height + 2 * l->margin, a);
  if (opts->tile_size > 0)
    tx = ty = round_up (opts->tile_size, a);
  else if (!choose_tiles (model, tile_budget (opts), l->n_threads, lx, ly,
                          2 * l->margin + l->blend, &tx, &ty, error))
    return FALSE;
  return axis_init (&l->ax, lx, tx, l->margin, l->blend, a, error)
         && axis_init (&l->ay, ly, ty, l->margin, l->blend, a, error);
}

gboolean
al_nn_run_tiled_layout (AlNnModel            *model,
                        guint                 width,
                        guint                 height,
                        const AlNnRunOptions *opts,
                        guint                *tile_width,
                        guint                *tile_height,
                        guint                *n_tiles,
                        GError              **error)
{
  AlNnRunOptions defaults = AL_NN_RUN_OPTIONS_INIT;
  Layout l = { 0 };
  gboolean ok;

  ok = layout_init (&l, model, width, height, opts != NULL ? opts : &defaults, error);
  if (ok)
    {
      *tile_width = l.ax.tile;
      *tile_height = l.ay.tile;
      *n_tiles = l.ax.n_tiles * l.ay.n_tiles;
    }
  layout_clear (&l);
  return ok;
}

gboolean
al_nn_run_tiled (AlNnModel            *model,
                 const float          *image,
                 guint                 width,
                 guint                 height,
                 guint                 in_channels,
                 float                *out,
                 const AlNnRunOptions *opts,
                 AlProgress           *progress,
                 GCancellable         *cancellable,
                 GError              **error)
{
  AlNnRunOptions defaults = AL_NN_RUN_OPTIONS_INIT;
  guint done = 0;
  Layout l = { 0 };
  Axis *ax = &l.ax, *ay = &l.ay;
  g_autoptr (AlNnPlan) plan = NULL;
  g_autofree float *memory = NULL;
  AlNnPool *pool = NULL;
  Job job = { model, image, width, height, in_channels, 0, out, model->out_channels };
  gboolean ok = FALSE;

  g_return_val_if_fail (image != NULL && out != NULL, FALSE);
  if (opts == NULL)
    opts = &defaults;
  if (in_channels != model->in_channels)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE,
                        "the network takes %u input channels, not %u", model->in_channels, in_channels),
           FALSE;
  if (width == 0 || height == 0)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE, "the image is empty"), FALSE;
  if (!layout_init (&l, model, width, height, opts, error))
    goto out;
  job.margin = l.margin;

  plan = al_nn_plan_new (model, ay->tile, ax->tile, l.n_threads, error);
  if (plan == NULL)
    goto out;
  if (AL_NN_H (&plan->values[model->output]) != ay->tile
      || AL_NN_W (&plan->values[model->output]) != ax->tile)
    {
      g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE,
                   "tiled inference needs an output the size of the input (got %u × %u from %u × %u)",
                   AL_NN_W (&plan->values[model->output]), AL_NN_H (&plan->values[model->output]),
                   ax->tile, ay->tile);
      goto out;
    }
  memory = g_try_malloc (al_nn_plan_bytes (plan, l.n_threads));
  if (memory == NULL)
    {
      g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE, "not enough memory for %zu MiB of "
                   "tile buffers", al_nn_plan_bytes (plan, l.n_threads) >> 20);
      goto out;
    }
  al_nn_plan_bind (plan, memory);
  memset (out, 0, (gsize) model->out_channels * width * height * sizeof (float));
  openblas_set_num_threads (1);
  pool = al_nn_pool_new (l.n_threads);

  for (guint ky = 0; ky < ay->n_tiles; ky++)
    for (guint kx = 0; kx < ax->n_tiles; kx++)
      {
        if (g_cancellable_is_cancelled (cancellable))
          {
            g_set_error (error, AL_ERROR, AL_ERROR_CANCELLED, "inference was cancelled");
            goto out;
          }
        fill_tile (&job, &plan->values[0], ax->origin[kx], ay->origin[ky]);
        al_nn_plan_execute (model, plan, memory, pool);
        blend_tile (&job, &plan->values[model->output], ax, kx, ay, ky);
        if (progress != NULL)
          al_progress_report (progress, "inference", (double) ++done / (ax->n_tiles * ay->n_tiles));
      }
  ok = TRUE;

out:
  al_nn_pool_free (pool);
  layout_clear (&l);
  return ok;
}
