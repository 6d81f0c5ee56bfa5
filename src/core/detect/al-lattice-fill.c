/* al-lattice-fill.c: the sites of the local lattices (see
 * al-lattice-snap.h): which cosets hold columns, the empty sites filled,
 * duplicates removed, amplitudes at fixed positions. */
#include <math.h>

#include "detect/al-column-grid.h"
#include "detect/al-lattice-snap-private.h"

/* Sites within SNAP_FILL_NEIGHBOURS neighbour distances of a snapped
 * column are filled when SNAP_FILL_VOTES local lattices agree on them. */
#define SNAP_FILL_NEIGHBOURS 1.8
#define SNAP_FILL_VOTES 3

void
al_lattice_site_position (const SiteFrame *f,
                          const double     tau[2],
                          double           v1,
                          double           v2,
                          int              k,
                          double          *x,
                          double          *y)
{
  double w1 = v1 + k * tau[0], w2 = v2 + k * tau[1];

  *x = f->o[0] + f->g[0] * w1 + f->g[1] * w2;
  *y = f->o[1] + f->g[2] * w1 + f->g[3] * w2;
}

/* Of two columns on one site, the one whose local lattice is the surer
 * stays (a column snapped by a poorer fit sits off the site). */
static gboolean
better (const AlColumnFit *a,
        guint              ia,
        const AlColumnFit *b,
        guint              ib)
{
  double sa = a->se_x > 0 ? a->se_x : G_MAXDOUBLE, sb = b->se_x > 0 ? b->se_x : G_MAXDOUBLE;

  if (sa != sb)
    return sa < sb;
  return ia < ib;
}

/* Whether a column other than `self` near a point beats it (self:
 * G_MAXUINT, any column counts). */
typedef struct
{
  const AlColumnFit *cols;
  guint              self;
  gboolean           found;
} Rival;

static void
find_rival (guint    index,
            double   dx,
            double   dy,
            gpointer data)
{
  Rival *r = data;

  if (index == r->self)
    return;
  if (r->self == G_MAXUINT || better (&r->cols[index], index, &r->cols[r->self], r->self))
    r->found = TRUE;
}

/* Of two columns closer than params->duplicate_px one goes. */
void
al_lattice_remove_duplicates (GArray                    *columns,
                              guint                      width,
                              guint                      height,
                              const AlLatticeSnapParams *p)
{
  AlColumnFit *cols = (AlColumnFit *) columns->data;
  guint n = columns->len, k = 0;
  g_autofree gboolean *keep = g_new (gboolean, MAX (n, 1));
  AlColumnGrid grid;

  al_column_grid_init (&grid, cols, NULL, n, width, height, MAX (p->duplicate_px, 1.0));
  for (guint i = 0; i < n; i++)
    {
      Rival r = { cols, i, FALSE };
      al_column_grid_foreach (&grid, cols, cols[i].x, cols[i].y, p->duplicate_px, find_rival, &r);
      keep[i] = !r.found;
    }
  al_column_grid_clear (&grid);
  for (guint i = 0; i < n; i++)
    if (keep[i])
      cols[k++] = cols[i];
  g_array_set_size (columns, k);
}

/* Counts in a disc of `radius` about (x, y); NAN when it leaves the
 * image. */
static double
disc_sum (const float *image,
          guint        width,
          guint        height,
          double       x,
          double       y,
          double       radius)
{
  int x0 = (int) floor (x - radius), x1 = (int) ceil (x + radius);
  int y0 = (int) floor (y - radius), y1 = (int) ceil (y + radius);
  double sum = 0.0;

  if (x0 < 0 || y0 < 0 || x1 >= (int) width || y1 >= (int) height)
    return NAN;
  for (int py = y0; py <= y1; py++)
    for (int px = x0; px <= x1; px++)
      if ((px - x) * (px - x) + (py - y) * (py - y) <= radius * radius)
        sum += image[(gsize) py * width + px];
  return sum;
}

/* Which cosets of the site lattice hold columns about a snapped column:
 * the metal is the coset brightest on `frame` (the denoised image, where
 * it stands out at once); of the other two, both hold chalcogen columns
 * (1T: one S each) when their mean counts on `counts` (the raw image) are
 * alike, only the brighter (2H: S2 over the empty hexagon centres) when
 * they differ by more than params->split_fraction of the metal's
 * contrast.
 * Single sites are too noisy to decide at low dose; some 30 sites of
 * each coset are not. */
guint8
al_lattice_coset_occupancy (const SiteFrame           *f,
                 const double               tau[2],
                 const float               *frame,
                 const float               *counts,
                 guint                      width,
                 guint                      height,
                 double                     radius_px,
                 const AlLatticeSnapParams *p)
{
  double bright[3] = { 0 }, mean[3] = { 0 };
  guint n[3] = { 0 }, metal = 0, a, b;
  int reach = (int) ceil (p->radius_px / (p->neighbour_px * sqrt (3.0)));

  for (int k = 0; k < 3; k++)
    for (int v1 = -reach; v1 <= reach; v1++)
      for (int v2 = -reach; v2 <= reach; v2++)
        {
          double x, y, d, c;
          al_lattice_site_position (f, tau, f->site[0] + v1, f->site[1] + v2, k, &x, &y);
          if (hypot (x - f->x, y - f->y) > p->radius_px)
            continue;
          d = disc_sum (frame, width, height, x, y, radius_px);
          c = disc_sum (counts, width, height, x, y, radius_px);
          if (isnan (d) || isnan (c))
            continue;
          bright[k] += d;
          mean[k] += c;
          n[k]++;
        }
  for (int k = 0; k < 3; k++)
    {
      if (n[k] == 0)
        return 0x7;
      bright[k] /= n[k];
      mean[k] /= n[k];
      if (bright[k] > bright[metal])
        metal = k;
    }
  a = (metal + 1) % 3;
  b = (metal + 2) % 3;
  if (mean[metal] - MIN (mean[a], mean[b]) > 0
      && fabs (mean[a] - mean[b]) > p->split_fraction * (mean[metal] - MIN (mean[a], mean[b])))
    return (1u << metal) | (1u << (mean[a] > mean[b] ? a : b));
  return 0x7;
}

/* Whether a column of the grid lies within `radius` of (x, y). */
static gboolean
column_near (const AlColumnGrid *grid,
             const AlColumnFit  *columns,
             double              x,
             double              y,
             double              radius)
{
  Rival r = { columns, G_MAXUINT, FALSE };

  al_column_grid_foreach (grid, columns, x, y, radius, find_rival, &r);
  return r.found;
}

typedef struct
{
  const AlColumnFit *cand;
  const gboolean    *used;
  GArray            *members;   /* guint */
} Cluster;

static void
gather (guint    index,
        double   dx,
        double   dy,
        gpointer data)
{
  Cluster *c = data;

  if (!c->used[index])
    g_array_append_val (c->members, index);
}

/* Sites of occupied cosets within SNAP_FILL_NEIGHBOURS neighbour
 * distances of each snapped column that hold no column become columns
 * when at least SNAP_FILL_VOTES columns' local lattices put a site there
 * (one column's lattice, extrapolated, can be off). Returns how many. */
guint
al_lattice_fill_sites (GArray                    *columns,
            GArray                    *frames,
            guint                      width,
            guint                      height,
            const double               tau[2],
            const AlLatticeSnapParams *p)
{
  guint n = columns->len, added = 0;
  g_autoptr (GArray) cand = g_array_new (FALSE, FALSE, sizeof (AlColumnFit));
  g_autoptr (GArray) cand_frame = g_array_new (FALSE, FALSE, sizeof (SiteFrame));
  g_autofree gboolean *used = NULL;
  AlColumnGrid grid;

  al_column_grid_init (&grid, (AlColumnFit *) columns->data, NULL, n, width, height,
                       MAX (p->duplicate_px, 1.0));
  for (guint i = 0; i < n; i++)
    {
      const SiteFrame f = g_array_index (frames, SiteFrame, i);
      if (!(f.se > 0) || f.rms > p->max_fill_rms_px)
        continue;
      for (int k = 0; k < 3; k++)
        for (int v1 = -2; v1 <= 2; v1++)
          for (int v2 = -2; v2 <= 2; v2++)
            {
              AlColumnFit q = g_array_index (columns, AlColumnFit, i);
              SiteFrame qf = f;
              double d;
              if (!(f.occupied & (1u << k)))
                continue;
              al_lattice_site_position (&f, tau, f.site[0] + v1, f.site[1] + v2, k, &q.x, &q.y);
              d = hypot (q.x - f.x, q.y - f.y);
              if (d < p->duplicate_px || d > SNAP_FILL_NEIGHBOURS * p->neighbour_px
                  || q.x < 0 || q.y < 0 || q.x > width - 1.0 || q.y > height - 1.0
                  || column_near (&grid, (AlColumnFit *) columns->data, q.x, q.y,
                                  p->duplicate_px))
                continue;
              qf.site[0] = f.site[0] + v1;
              qf.site[1] = f.site[1] + v2;
              qf.site[2] = k;
              q.se_x = q.se_y = f.se;
              g_array_append_val (cand, q);
              g_array_append_val (cand_frame, qf);
            }
    }
  al_column_grid_clear (&grid);
  used = g_new0 (gboolean, MAX (cand->len, 1));
  al_column_grid_init (&grid, (AlColumnFit *) cand->data, NULL, cand->len, width, height,
                       MAX (p->duplicate_px, 1.0));
  for (guint i = 0; i < cand->len; i++)
    {
      Cluster c = { (AlColumnFit *) cand->data, used, g_array_new (FALSE, FALSE, sizeof (guint)) };
      AlColumnFit q = g_array_index (cand, AlColumnFit, i);
      SiteFrame qf = g_array_index (cand_frame, SiteFrame, i);
      double sx = 0, sy = 0;
      if (used[i])
        {
          g_array_unref (c.members);
          continue;
        }
      al_column_grid_foreach (&grid, c.cand, q.x, q.y, p->duplicate_px, gather, &c);
      for (guint m = 0; m < c.members->len; m++)
        {
          guint j = g_array_index (c.members, guint, m);
          used[j] = TRUE;
          sx += g_array_index (cand, AlColumnFit, j).x;
          sy += g_array_index (cand, AlColumnFit, j).y;
        }
      if (c.members->len >= SNAP_FILL_VOTES)
        {
          q.x = qf.x = sx / c.members->len;
          q.y = qf.y = sy / c.members->len;
          g_array_append_val (columns, q);
          g_array_append_val (frames, qf);
          added++;
        }
      g_array_unref (c.members);
    }
  al_column_grid_clear (&grid);
  return added;
}

/* Radius of the window of an amplitude measurement, in column widths:
 * the column's core, little of its neighbours' (one neighbour distance
 * is 3–4 widths away). */
#define SNAP_AMPLITUDE_WINDOW_WIDTHS 1.5

void
al_lattice_snap_amplitudes (const float *image,
                            guint        width,
                            guint        height,
                            AlColumnFit *columns,
                            guint        n_columns)
{
  for (guint i = 0; i < n_columns; i++)
    {
      AlColumnFit *c = &columns[i];
      double r = SNAP_AMPLITUDE_WINDOW_WIDTHS * c->width;
      double sg = 0, sgg = 0, sd = 0, sgd = 0, sdd = 0, det, a, b, rss;
      int x0 = MAX ((int) floor (c->x - r), 0), x1 = MIN ((int) ceil (c->x + r), (int) width - 1);
      int y0 = MAX ((int) floor (c->y - r), 0), y1 = MIN ((int) ceil (c->y + r), (int) height - 1);
      guint n = 0;

      if (!(c->width > 0))
        continue;
      for (int y = y0; y <= y1; y++)
        for (int x = x0; x <= x1; x++)
          {
            double r2 = (x - c->x) * (x - c->x) + (y - c->y) * (y - c->y);
            double g, d;
            if (r2 > r * r)
              continue;
            g = exp (-0.5 * r2 / (c->width * c->width));
            d = image[(gsize) y * width + x];
            sg += g;
            sgg += g * g;
            sd += d;
            sgd += g * d;
            sdd += d * d;
            n++;
          }
      det = n * sgg - sg * sg;
      if (n < 4 || !(det > 0))
        continue;
      /* Least squares d = a g + b. */
      a = (n * sgd - sg * sd) / det;
      b = (sd - a * sg) / n;
      rss = sdd - 2 * a * sgd - 2 * b * sd + a * a * sgg + 2 * a * b * sg + n * b * b;
      c->amplitude = a;
      c->background = b;
      c->se_amplitude = sqrt (MAX (rss, 0.0) / (n - 2) * n / det);
    }
}
