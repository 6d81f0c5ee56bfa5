/* al-tiling.c: tiled detection of large frames (see al-tiling.h). */
#include "al-tiling.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-limits.h"

/* Atoms kept beyond a tile's own square, in neighbour distances: a column
 * on the edge between two tiles is found by both, each a little to one
 * side; with the seam neither drops it. */
#define SEAM_NEIGHBOURS 0.5
/* Two columns from different tiles closer than this many neighbour
 * distances are one column found twice. */
#define DUPLICATE_NEIGHBOURS 0.5
/* Neighbour distance assumed when the probe found no lattice (pixels). */
#define FALLBACK_NEIGHBOUR_PX 6.0

gboolean
al_tiling_plan (AlAnalysis             *analysis,
                const AlPipelineParams *params,
                GError                **error)
{
  guint64 pixels = (guint64) analysis->width * analysis->height;
  guint64 half_budget = al_limits_get_memory_budget () / 2;
  guint side;

  analysis->tile_side = analysis->n_tiles = 0;
  if (params->tile_side > 0)
    side = MAX (params->tile_side, 16);
  else if (pixels * AL_TILING_BYTES_PER_PIXEL <= half_budget)
    return TRUE;
  else
    {
      /* The largest square tile whose window (tile plus margins of the
       * smallest size) fits half the budget. */
      double window = sqrt ((double) half_budget / AL_TILING_BYTES_PER_PIXEL);
      side = (guint) MIN (window - 4.0 * AL_TILING_MIN_MARGIN, AL_TILING_MAX_SIDE);
      if (window < AL_TILING_MIN_SIDE + 4.0 * AL_TILING_MIN_MARGIN)
        {
          guint w = AL_TILING_MIN_SIDE + 4 * AL_TILING_MIN_MARGIN;
          return al_limits_check ((guint64) w * w * AL_TILING_BYTES_PER_PIXEL * 2,
                                  "Detecting atoms even in the smallest tiles", error);
        }
    }
  if (side >= analysis->width && side >= analysis->height)
    return TRUE;
  analysis->tile_side = side;
  analysis->n_tiles = ((analysis->width + side - 1) / side) * ((analysis->height + side - 1) / side);
  return TRUE;
}

/* One tile: its own square [x0, x1) × [y0, y1) and the window detected,
 * the square grown by the margin and clipped to the frame. */
typedef struct
{
  guint x0, y0, x1, y1;
  guint wx0, wy0, wx1, wy1;
} Tile;

static Tile
tile_at (guint tx,
         guint ty,
         guint side,
         guint margin,
         guint width,
         guint height)
{
  Tile t;

  t.x0 = tx * side;
  t.y0 = ty * side;
  t.x1 = MIN (t.x0 + side, width);
  t.y1 = MIN (t.y0 + side, height);
  t.wx0 = t.x0 > margin ? t.x0 - margin : 0;
  t.wy0 = t.y0 > margin ? t.y0 - margin : 0;
  t.wx1 = MIN (t.x1 + margin, width);
  t.wy1 = MIN (t.y1 + margin, height);
  return t;
}

static float *
copy_window (const float *frame,
             guint        width,
             guint        x0,
             guint        y0,
             guint        w,
             guint        h)
{
  float *out = g_try_new (float, (gsize) w * h);

  for (guint y = 0; out != NULL && y < h; y++)
    memcpy (out + (gsize) y * w, frame + (gsize) (y0 + y) * width + x0, w * sizeof (float));
  return out;
}

/* Appends atom i of `src` to `dst`, shifted by (dx, dy). */
static void
append_atom (AlAtoms       *dst,
             const AlAtoms *src,
             guint          i,
             double         dx,
             double         dy)
{
  guint k = al_atoms_append (dst, src->x[i] + dx, src->y[i] + dy, src->species[i]);

  dst->sigma_x[k] = src->sigma_x[i];
  dst->sigma_y[k] = src->sigma_y[i];
  dst->confidence[k] = src->confidence[i];
  dst->intensity[k] = src->intensity[i];
  dst->width[k] = src->width[i];
  dst->flags[k] = src->flags[i];
  dst->coordination[k] = src->coordination[i];
  dst->defect_id[k] = src->defect_id[i];
  dst->defect_type[k] = src->defect_type[i];
}

/* The merged atoms of all tiles, with for each its tile, how much context
 * its tile had around it (distance to the window's cut edges) and whether
 * it lies near a seam (and may have a twin from the next tile). */
typedef struct
{
  AlAtoms *atoms;
  GArray  *tile;       /* guint */
  GArray  *context;    /* double, px */
  GArray  *near_seam;  /* guint: indices of atoms near a seam */
  double   seam;       /* px kept beyond a tile's square */
  double   duplicate;  /* px */
} Merge;

static double
cut_distance (double p,
              guint  lo,
              guint  hi,
              guint  frame_hi)
{
  double d = G_MAXDOUBLE;

  if (lo > 0)
    d = p - lo;
  if (hi < frame_hi)
    d = MIN (d, hi - p);
  return d;
}

static void
merge_tile (Merge         *m,
            const AlAtoms *found,
            const Tile    *t,
            guint          index,
            guint          width,
            guint          height)
{
  for (guint i = 0; i < found->n_atoms; i++)
    {
      double x = found->x[i] + t->wx0, y = found->y[i] + t->wy0, context;
      /* Distance inside the own square from its edges shared with other
       * tiles (negative outside). */
      double inside = MIN (cut_distance (x, t->x0, t->x1, width),
                           cut_distance (y, t->y0, t->y1, height));

      if (inside < -m->seam)
        continue;
      context = MIN (cut_distance (x, t->wx0, t->wx1, width),
                     cut_distance (y, t->wy0, t->wy1, height));
      if (inside < m->seam + m->duplicate)
        {
          guint k = m->atoms->n_atoms;
          g_array_append_val (m->near_seam, k);
        }
      append_atom (m->atoms, found, i, t->wx0, t->wy0);
      g_array_append_val (m->tile, index);
      g_array_append_val (m->context, context);
    }
}

static int
by_context_desc (gconstpointer a,
                 gconstpointer b,
                 gpointer      context)
{
  double ca = g_array_index ((GArray *) context, double, *(const guint *) a);
  double cb = g_array_index ((GArray *) context, double, *(const guint *) b);

  return (ca < cb) - (ca > cb);
}

static gint64
cell_key (double x,
          double y,
          double cell)
{
  /* Cell row in the high half, column in the low; atoms may lie a little
   * outside the frame (negative cells), hence the unsigned shift. */
  return (gint64) (((guint64) (gint64) floor (y / cell) << 32)
                   ^ (guint32) (gint32) floor (x / cell));
}

/* Of the atoms near seams, keeps (in order of context, most first) each
 * that has no kept twin from another tile within the duplicate distance;
 * returns the atoms without the dropped twins. */
static AlAtoms *
remove_duplicates (Merge *m)
{
  g_autoptr (GHashTable) cells = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autofree guint *next = g_new (guint, m->atoms->n_atoms);
  g_autofree gboolean *dropped = g_new0 (gboolean, m->atoms->n_atoms);
  guint *order = (guint *) (void *) m->near_seam->data;
  double cell = m->duplicate, r2 = m->duplicate * m->duplicate;
  AlAtoms *out;

  g_qsort_with_data (order, m->near_seam->len, sizeof (guint), by_context_desc, m->context);

  for (guint n = 0; n < m->near_seam->len; n++)
    {
      guint i = order[n], tile = g_array_index (m->tile, guint, i);
      double x = m->atoms->x[i], y = m->atoms->y[i];
      gint64 key;

      for (int dy = -1; dy <= 1 && !dropped[i]; dy++)
        for (int dx = -1; dx <= 1 && !dropped[i]; dx++)
          {
            gint64 k = cell_key (x + dx * cell, y + dy * cell, cell);
            gpointer head = g_hash_table_lookup (cells, &k);
            for (guint j = GPOINTER_TO_UINT (head); j > 0 && !dropped[i]; j = next[j - 1])
              if (g_array_index (m->tile, guint, j - 1) != tile
                  && (m->atoms->x[j - 1] - x) * (m->atoms->x[j - 1] - x)
                     + (m->atoms->y[j - 1] - y) * (m->atoms->y[j - 1] - y) < r2)
                dropped[i] = TRUE;
          }
      if (dropped[i])
        continue;
      key = cell_key (x, y, cell);
      next[i] = GPOINTER_TO_UINT (g_hash_table_lookup (cells, &key));
      g_hash_table_replace (cells, g_memdup2 (&key, sizeof key), GUINT_TO_POINTER (i + 1));
    }

  out = al_atoms_new (m->atoms->n_atoms);
  for (guint i = 0; i < m->atoms->n_atoms; i++)
    if (!dropped[i])
      append_atom (out, m->atoms, i, 0.0, 0.0);
  return out;
}

/* Detects the centre crop: the material (guessed in auto mode), the pixel
 * size and the neighbour distance every tile is then detected with. */
static gboolean
probe (AlAnalysis             *analysis,
       const float            *frame,
       guint                   width,
       guint                   height,
       const AlPipelineParams *params,
       NetworkPath            *net,
       double                  pixel_size,
       AlDetectInfo           *info,
       AlProgress             *progress,
       GCancellable           *cancellable,
       GError                **error)
{
  guint w = MIN (AL_TILING_PROBE_SIDE, width), h = MIN (AL_TILING_PROBE_SIDE, height);
  g_autofree float *crop = copy_window (frame, width, (width - w) / 2, (height - h) / 2, w, h);
  g_autoptr (AlAtoms) atoms = NULL;

  if (crop == NULL)
    return g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE, "Not enough memory for a %u × %u crop",
                        w, h),
           FALSE;
  atoms = al_pipeline_detect_frame (analysis, crop, w, h, params, net, pixel_size, info, NULL,
                                    NULL, NULL, progress, cancellable, error);
  return atoms != NULL;
}

AlAtoms *
al_tiling_detect_frame (AlAnalysis             *analysis,
                        guint                   tile_side,
                        const float            *frame,
                        guint                   width,
                        guint                   height,
                        const AlPipelineParams *params,
                        NetworkPath            *net,
                        double                  pixel_size,
                        AlDetectInfo           *info,
                        AlProgress             *progress,
                        GCancellable           *cancellable,
                        GError                **error)
{
  guint side = tile_side, nx = (width + side - 1) / side, ny = (height + side - 1) / side;
  AlProgress sub = al_progress_sub (progress, 0.0, 0.1);
  double neighbour;
  guint margin;
  Merge m = { 0 };
  AlAtoms *out;

  if (!probe (analysis, frame, width, height, params, net, pixel_size, info, &sub, cancellable,
              error))
    return NULL;
  if (pixel_size <= 0)
    pixel_size = info->pixel_size_nm;
  neighbour = info->neighbour_px > 0 ? info->neighbour_px : FALLBACK_NEIGHBOUR_PX;
  margin = MAX (AL_TILING_MIN_MARGIN, (guint) ceil (AL_TILING_MARGIN_NEIGHBOURS * neighbour));
  m.atoms = al_atoms_new (0);
  m.tile = g_array_new (FALSE, FALSE, sizeof (guint));
  m.context = g_array_new (FALSE, FALSE, sizeof (double));
  m.near_seam = g_array_new (FALSE, FALSE, sizeof (guint));
  m.seam = SEAM_NEIGHBOURS * neighbour;
  m.duplicate = DUPLICATE_NEIGHBOURS * neighbour;

  for (guint ty = 0; ty < ny; ty++)
    for (guint tx = 0; tx < nx; tx++)
      {
        Tile t = tile_at (tx, ty, side, margin, width, height);
        guint index = ty * nx + tx, w = t.wx1 - t.wx0, h = t.wy1 - t.wy0;
        g_autofree float *window = copy_window (frame, width, t.wx0, t.wy0, w, h);
        g_autoptr (AlAtoms) found = NULL;
        AlDetectInfo tile_info;

        sub = al_progress_sub (progress, 0.1 + 0.9 * index / (nx * ny), 0.9 / (nx * ny));
        if (window == NULL)
          g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                       "Not enough memory for a tile of %u × %u pixels", w, h);
        else
          found = al_pipeline_detect_frame (analysis, window, w, h, params, net, pixel_size,
                                            &tile_info, NULL, NULL, NULL, &sub, cancellable, error);
        if (found == NULL)
          {
            out = NULL;
            goto done;
          }
        merge_tile (&m, found, &t, index, width, height);
      }
  out = remove_duplicates (&m);

done:
  al_atoms_free (m.atoms);
  g_array_unref (m.tile);
  g_array_unref (m.context);
  g_array_unref (m.near_seam);
  return out;
}
