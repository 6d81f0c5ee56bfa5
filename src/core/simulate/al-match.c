/* al-match.c: optimal one-to-one matching within a radius.
 *
 * Points closer than the radius form a sparse bipartite graph; each of its
 * connected components (almost always one or two points a side) is solved
 * exactly with the Hungarian algorithm (Kuhn 1955; Munkres 1957; here the
 * O(n³) shortest-augmenting-path form with dual potentials) on a square
 * cost matrix where a pair within the radius costs its squared distance
 * and anything else a cost larger than any set of real pairs, so that the
 * most pairs are made first and the closest among those. Components larger
 * than AL_MATCH_MAX_EXACT points a side (only with absurdly dense found
 * points) fall back to greedy closest-first matching.
 */
#include "al-match.h"

#include <math.h>
#include <stdlib.h>

#define AL_MATCH_MAX_EXACT 300

typedef struct
{
  guint  a, b;
  double d2;
} Edge;

static gint64
cell_key (gint64 cx,
          gint64 cy)
{
  return (gint64) (((guint64) (guint32) cx << 32) | (guint32) cy);
}

static guint
find_root (guint *parent,
           guint  x)
{
  while (parent[x] != x)
    x = parent[x] = parent[parent[x]];
  return x;
}

static int
compare_edges (const void *p,
               const void *q)
{
  const Edge *e = p, *f = q;

  if (e->d2 != f->d2)
    return e->d2 < f->d2 ? -1 : 1;
  if (e->a != f->a)
    return e->a < f->a ? -1 : 1;
  return e->b < f->b ? -1 : (e->b > f->b);
}

/* Hungarian algorithm on an n×n cost matrix (row-major); row_to_col[i]. */
static void
hungarian (const double *cost,
           int           n,
           int          *row_to_col)
{
  g_autofree double *u = g_new0 (double, n + 1);
  g_autofree double *v = g_new0 (double, n + 1);
  g_autofree double *minv = g_new (double, n + 1);
  g_autofree int *p = g_new0 (int, n + 1);     /* column j is assigned row p[j] (1-based) */
  g_autofree int *way = g_new0 (int, n + 1);
  g_autofree gboolean *used = g_new (gboolean, n + 1);

  for (int i = 1; i <= n; i++)
    {
      int j0 = 0;
      p[0] = i;
      for (int j = 0; j <= n; j++)
        {
          minv[j] = INFINITY;
          used[j] = FALSE;
        }
      do
        {
          int i0 = p[j0], j1 = 0;
          double delta = INFINITY;
          used[j0] = TRUE;
          for (int j = 1; j <= n; j++)
            if (!used[j])
              {
                double cur = cost[(gsize) (i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                if (cur < minv[j])
                  {
                    minv[j] = cur;
                    way[j] = j0;
                  }
                if (minv[j] < delta)
                  {
                    delta = minv[j];
                    j1 = j;
                  }
              }
          for (int j = 0; j <= n; j++)
            if (used[j])
              {
                u[p[j]] += delta;
                v[j] -= delta;
              }
            else
              minv[j] -= delta;
          j0 = j1;
        }
      while (p[j0] != 0);
      do
        {
          int j1 = way[j0];
          p[j0] = p[j1];
          j0 = j1;
        }
      while (j0 != 0);
    }
  for (int j = 1; j <= n; j++)
    if (p[j] > 0)
      row_to_col[p[j] - 1] = j - 1;
}

static void
solve_component (const GArray *edges,
                 const GArray *as,
                 const GArray *bs,
                 double        radius,
                 int          *match_a,
                 int          *match_b)
{
  guint na = as->len, nb = bs->len, n = MAX (na, nb);
  double big = radius * radius * (n + 1) + 1.0;
  g_autofree double *cost = NULL;
  g_autofree int *row_to_col = NULL;
  g_autoptr (GHashTable) local_a = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) local_b = g_hash_table_new (NULL, NULL);

  if (na > AL_MATCH_MAX_EXACT || nb > AL_MATCH_MAX_EXACT)
    {
      /* Greedy, closest pair first (edges are sorted). */
      for (guint e = 0; e < edges->len; e++)
        {
          const Edge *ed = &g_array_index (edges, Edge, e);
          if (match_a[ed->a] < 0 && match_b[ed->b] < 0)
            {
              match_a[ed->a] = (int) ed->b;
              match_b[ed->b] = (int) ed->a;
            }
        }
      return;
    }
  for (guint i = 0; i < na; i++)
    g_hash_table_insert (local_a, GUINT_TO_POINTER (g_array_index (as, guint, i) + 1), GINT_TO_POINTER (i));
  for (guint j = 0; j < nb; j++)
    g_hash_table_insert (local_b, GUINT_TO_POINTER (g_array_index (bs, guint, j) + 1), GINT_TO_POINTER (j));
  cost = g_new (double, (gsize) n * n);
  row_to_col = g_new (int, n);
  for (gsize q = 0; q < (gsize) n * n; q++)
    cost[q] = big;
  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *ed = &g_array_index (edges, Edge, e);
      int i = GPOINTER_TO_INT (g_hash_table_lookup (local_a, GUINT_TO_POINTER (ed->a + 1)));
      int j = GPOINTER_TO_INT (g_hash_table_lookup (local_b, GUINT_TO_POINTER (ed->b + 1)));
      cost[(gsize) i * n + j] = ed->d2;
    }
  hungarian (cost, (int) n, row_to_col);
  for (guint i = 0; i < na; i++)
    {
      guint j = (guint) row_to_col[i];
      if (j < nb && cost[(gsize) i * n + j] < big)
        {
          guint ga = g_array_index (as, guint, i), gb = g_array_index (bs, guint, j);
          match_a[ga] = (int) gb;
          match_b[gb] = (int) ga;
        }
    }
}

guint
al_match_points (const double *ax,
                 const double *ay,
                 guint         n_a,
                 const double *bx,
                 const double *by,
                 guint         n_b,
                 double        radius,
                 int          *match_a,
                 int          *match_b)
{
  g_autoptr (GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  g_autoptr (GHashTable) cells = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree guint *parent = g_new (guint, n_a + n_b + 1);
  g_autoptr (GHashTable) comps = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  guint n_pairs = 0;

  for (guint i = 0; i < n_a; i++)
    match_a[i] = -1;
  for (guint j = 0; j < n_b; j++)
    match_b[j] = -1;
  if (n_a == 0 || n_b == 0 || !(radius > 0))
    return 0;

  /* Hash grid of the b points, cells of one radius. */
  for (guint j = 0; j < n_b; j++)
    {
      gint64 key = cell_key ((gint64) floor (bx[j] / radius), (gint64) floor (by[j] / radius));
      GArray *list = g_hash_table_lookup (cells, &key);
      if (list == NULL)
        {
          gint64 *k = g_new (gint64, 1);
          *k = key;
          g_ptr_array_add (keys, k);
          list = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (cells, k, list);
        }
      g_array_append_val (list, j);
    }
  for (guint i = 0; i < n_a; i++)
    {
      gint64 cx = (gint64) floor (ax[i] / radius), cy = (gint64) floor (ay[i] / radius);
      for (gint64 dy = -1; dy <= 1; dy++)
        for (gint64 dx = -1; dx <= 1; dx++)
          {
            gint64 key = cell_key (cx + dx, cy + dy);
            GArray *list = g_hash_table_lookup (cells, &key);
            for (guint q = 0; list && q < list->len; q++)
              {
                guint j = g_array_index (list, guint, q);
                double d2 = (ax[i] - bx[j]) * (ax[i] - bx[j]) + (ay[i] - by[j]) * (ay[i] - by[j]);
                if (d2 <= radius * radius)
                  {
                    Edge e = { i, j, d2 };
                    g_array_append_val (edges, e);
                  }
              }
          }
    }
  for (guint k = 0; k < keys->len; k++)
    g_array_unref (g_hash_table_lookup (cells, keys->pdata[k]));
  if (edges->len > 1)  /* qsort must not get the NULL data of an empty array */
    qsort (edges->data, edges->len, sizeof (Edge), compare_edges);

  /* Components: a points are 0..n_a-1, b points n_a.. */
  for (guint q = 0; q < n_a + n_b; q++)
    parent[q] = q;
  for (guint e = 0; e < edges->len; e++)
    {
      const Edge *ed = &g_array_index (edges, Edge, e);
      guint ra = find_root (parent, ed->a), rb = find_root (parent, n_a + ed->b);
      if (ra != rb)
        parent[ra] = rb;
    }
  {
    /* Group edges and points per component, in a fixed order. */
    g_autoptr (GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
    typedef struct { GArray *edges, *as, *bs; } Comp;
    for (guint e = 0; e < edges->len; e++)
      {
        const Edge *ed = &g_array_index (edges, Edge, e);
        guint root = find_root (parent, ed->a);
        Comp *c = g_hash_table_lookup (comps, GUINT_TO_POINTER (root + 1));
        if (c == NULL)
          {
            c = g_new0 (Comp, 1);
            c->edges = g_array_new (FALSE, FALSE, sizeof (Edge));
            c->as = g_array_new (FALSE, FALSE, sizeof (guint));
            c->bs = g_array_new (FALSE, FALSE, sizeof (guint));
            g_hash_table_insert (comps, GUINT_TO_POINTER (root + 1), c);
            g_array_append_val (order, root);
          }
        g_array_append_val (c->edges, *ed);
      }
    for (guint i = 0; i < n_a; i++)
      {
        Comp *c = g_hash_table_lookup (comps, GUINT_TO_POINTER (find_root (parent, i) + 1));
        if (c)
          g_array_append_val (c->as, i);
      }
    for (guint j = 0; j < n_b; j++)
      {
        Comp *c = g_hash_table_lookup (comps, GUINT_TO_POINTER (find_root (parent, n_a + j) + 1));
        if (c)
          g_array_append_val (c->bs, j);
      }
    for (guint q = 0; q < order->len; q++)
      {
        Comp *c = g_hash_table_lookup (comps, GUINT_TO_POINTER (g_array_index (order, guint, q) + 1));
        solve_component (c->edges, c->as, c->bs, radius, match_a, match_b);
        g_array_unref (c->edges);
        g_array_unref (c->as);
        g_array_unref (c->bs);
      }
  }
  for (guint i = 0; i < n_a; i++)
    n_pairs += match_a[i] >= 0;
  return n_pairs;
}
