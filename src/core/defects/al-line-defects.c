/* al-line-defects.c: edges from open faces, grain boundaries from a local
 * orientation map. */
#include "defects/al-line-defects.h"

#include <math.h>

#include "graph/al-cell-grid.h"
#include "graph/al-select.h"

/* Atoms this close to the border of the field (in d) are not edge atoms. */
#define AL_EDGE_BORDER_NN 2.5
/* An open face enclosing less than this area (in hexagons, (3√3/2) d²
 * each) is a cluster of missing columns, not vacuum. */
#define AL_EDGE_MIN_HOLE_HEXAGONS 8.0
/* A honeycomb column with this many bonds is inside the crystal. */
#define AL_EDGE_FULL_DEGREE 3
/* An atom by the border is an edge atom when a bond it lost points at
 * least this far (in d) inside the field (lost_bond_inside). */
#define AL_EDGE_INSIDE_NN 0.5
#define AL_EDGE_MAX_BONDS 12
/* Fewest atoms in a reported edge. */
#define AL_EDGE_MIN_ATOMS 3
/* An atom joins a grain when its orientation is within this of the
 * grain's mean so far (comparing with the mean, not with the neighbour it
 * is reached from, so that a smoothed boundary's gradual turn does not let
 * one grain creep into the next); or within AL_GRAIN_JOIN_NOISE times the
 * median orientation step between bonded atoms, when that is larger (noisy
 * positions at low dose). */
#define AL_GRAIN_JOIN_DEG 3.0
#define AL_GRAIN_JOIN_NOISE 4.0
#define AL_GRAIN_SMOOTH_ROUNDS 1
/* Fewest atoms of a grain. */
#define AL_GRAIN_MIN_ATOMS 40
/* A grain's atom is on the boundary when another grain is this close (in
 * d; at 10⁴ e⁻/Å² the columns right at the boundary are often missed or
 * unbonded, so the next row must reach across). An atom of no grain needs
 * two grains within AL_GRAIN_REACH_FREE_NN. */
#define AL_GRAIN_REACH_NN 2.5
#define AL_GRAIN_REACH_FREE_NN 2.5
/* Polyline vertices are this far apart along the boundary, in a. */
#define AL_BOUNDARY_STEP_A 2.0

static gboolean
near_border (double x,
             double y,
             double x0,
             double y0,
             double x1,
             double y1,
             double margin)
{
  return x < x0 + margin || y < y0 + margin || x > x1 - margin || y > y1 - margin;
}

/* Whether an atom by the field's border lost a bond to vacuum inside the
 * field: one of its three bond directions (from the bonds it has) has no
 * bond, and the neighbour there would lie inside the field by at least
 * AL_EDGE_INSIDE_NN. The crystal cut by the field's border loses bonds
 * only outwards; an edge that runs into the border loses them inwards
 * too, and its atoms there are edge atoms (about a tenth of the edge
 * atoms of a simulated 1024² MoS2 field were within the border margin). */
static gboolean
lost_bond_inside (const AlAtoms *atoms,
                  const AlBonds *bonds,
                  guint32        a,
                  double         x0,
                  double         y0,
                  double         x1,
                  double         y1)
{
  double vx[AL_EDGE_MAX_BONDS], vy[AL_EDGE_MAX_BONDS], phi, in = AL_EDGE_INSIDE_NN * bonds->nn_px;
  guint n = 0;

  for (guint32 h = bonds->offset[a]; h < bonds->offset[a + 1] && n < AL_EDGE_MAX_BONDS; h++)
    {
      vx[n] = atoms->x[bonds->neighbour[h]] - atoms->x[a];
      vy[n++] = atoms->y[bonds->neighbour[h]] - atoms->y[a];
    }
  if (n == 0 || n >= AL_EDGE_FULL_DEGREE)
    return FALSE;
  phi = al_site_bond_angle (vx, vy, n, 0.0);
  for (int k = 0; k < 3; k++)
    {
      double u = phi + k * 2.0 * G_PI / 3.0, x, y;
      gboolean bonded = FALSE;
      for (guint q = 0; q < n; q++)
        bonded |= fabs (remainder (atan2 (vy[q], vx[q]) - u, 2.0 * G_PI)) < G_PI / 6.0;
      x = atoms->x[a] + bonds->nn_px * cos (u);
      y = atoms->y[a] + bonds->nn_px * sin (u);
      if (!bonded && x > x0 + in && y > y0 + in && x < x1 - in && y < y1 - in)
        return TRUE;
    }
  return FALSE;
}

/* Area enclosed by a face walk (shoelace), px². */
static double
face_area (const AlAtoms *atoms,
           const guint32 *mem,
           guint          n)
{
  double a = 0.0;

  for (guint k = 0; k < n; k++)
    {
      guint32 i = mem[k], j = mem[(k + 1) % n];
      a += atoms->x[i] * atoms->y[j] - atoms->x[j] * atoms->y[i];
    }
  return 0.5 * fabs (a);
}

static guint
under_bonded_neighbours (const AlBonds *bonds,
                         guint32        a)
{
  guint n = 0;

  for (guint32 h = bonds->offset[a]; h < bonds->offset[a + 1]; h++)
    n += al_bonds_degree (bonds, bonds->neighbour[h]) < AL_EDGE_FULL_DEGREE;
  return n;
}

static void
emit_edge (const AlAtoms *atoms,
           const AlBonds *bonds,
           GArray        *run,
           const AlSiteImage *image,
           guint          frame,
           guint8        *edge_atoms,
           AlDefects     *defects)
{
  g_autoptr (GArray) members = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr (GArray) xy = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  double sx = 0.0, sy = 0.0;
  AlDefect *d;

  for (guint k = 0; k < run->len; k++)
    {
      guint32 a = g_array_index (run, guint32, k);
      /* The atoms that lost bonds to the vacuum are the edge, and so are
       * the fully bonded ones between two of them (the inner atoms of a
       * zigzag edge); others the face walk passes are the row behind. */
      if (al_bonds_degree (bonds, a) >= AL_EDGE_FULL_DEGREE && under_bonded_neighbours (bonds, a) < 2)
        continue;
      g_array_append_val (xy, atoms->x[a]);
      g_array_append_val (xy, atoms->y[a]);
      if (!g_hash_table_add (seen, GUINT_TO_POINTER (a + 1)))
        continue;
      g_array_append_val (members, a);
      sx += atoms->x[a];
      sy += atoms->y[a];
    }
  if (members->len < AL_EDGE_MIN_ATOMS
      || (image != NULL && !al_site_vacuum_beyond (image, atoms, bonds, (const guint32 *) members->data,
                                                   members->len)))
    return;
  for (guint k = 0; k < members->len; k++)
    edge_atoms[g_array_index (members, guint32, k)] = 1;
  d = al_defects_add (defects, AL_DEFECT_EDGE, frame, sx / members->len, sy / members->len,
                      (const guint32 *) members->data, members->len);
  al_defects_set_polyline (defects, d, (const double *) xy->data, xy->len / 2);
}

/* Marks edge atoms in `edge_atoms` (n_atoms bytes) and adds one edge defect
 * per stretch of open face between border atoms. width, height: the field
 * (0: the atoms' bounding box). */
void
al_edges_find (const AlAtoms *atoms,
               const AlBonds *bonds,
               const AlRings *rings,
               double         width,
               double         height,
               const AlSiteImage *image,
               guint          frame,
               guint8        *edge_atoms,
               AlDefects     *defects)
{
  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  double margin = AL_EDGE_BORDER_NN * bonds->nn_px;
  g_autoptr (GArray) run = g_array_new (FALSE, FALSE, sizeof (guint32));

  /* The border is where the atoms stop at the side of the field: detection
   * leaves a strip along the image border empty, so the atoms' bounding
   * box (within the image) is the field. */
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      x0 = MIN (x0, atoms->x[i]);
      y0 = MIN (y0, atoms->y[i]);
      x1 = MAX (x1, atoms->x[i]);
      y1 = MAX (y1, atoms->y[i]);
    }
  if (width > 0.0 && height > 0.0)
    {
      x0 = MAX (x0, 0.0);
      y0 = MAX (y0, 0.0);
      x1 = MIN (x1, width - 1.0);
      y1 = MIN (y1, height - 1.0);
    }
  for (guint r = 0; r < rings->n_rings; r++)
    {
      const guint32 *mem = rings->member + rings->offset[r];
      guint n = rings->size[r], start = 0;

      if (!al_ring_is_open (rings, r))
        continue;
      /* Small holes are missing columns wherever they are (near the
       * border too); vacuum that reaches the border joins the outer face,
       * which is as large as the crystal. */
      if (face_area (atoms, mem, n) < AL_EDGE_MIN_HOLE_HEXAGONS * 2.598076 * bonds->nn_px * bonds->nn_px)
        continue;
      /* Start the walk at a border atom, if any, so runs do not wrap. */
      for (guint k = 0; k < n; k++)
        if (near_border (atoms->x[mem[k]], atoms->y[mem[k]], x0, y0, x1, y1, margin))
          {
            start = k;
            break;
          }
      g_array_set_size (run, 0);
      for (guint k = 0; k <= n; k++)
        {
          guint32 a = mem[(start + k) % n];
          gboolean border = near_border (atoms->x[a], atoms->y[a], x0, y0, x1, y1, margin)
                            && !lost_bond_inside (atoms, bonds, a, x0, y0, x1, y1);
          if (border || k == n)
            {
              if (k == n && !border)
                g_array_append_val (run, a);
              emit_edge (atoms, bonds, run, image, frame, edge_atoms, defects);
              g_array_set_size (run, 0);
            }
          else
            g_array_append_val (run, a);
        }
    }
}

/* Sixfold orientation of each atom, from its own and its neighbours' bonds,
 * as (cos 6ψ, sin 6ψ) so averaging needs no unwrapping. */
static void
orientations (const AlBonds *bonds,
              double        *oc,
              double        *os)
{
  guint n_half = 2 * bonds->n_bonds;
  g_autofree double *hc = g_new (double, n_half + 1);
  g_autofree double *hs = g_new (double, n_half + 1);
  g_autofree double *ac = g_new0 (double, bonds->n_atoms + 1);
  g_autofree double *as = g_new0 (double, bonds->n_atoms + 1);

  for (guint h = 0; h < n_half; h++)
    {
      hc[h] = cos (6.0 * bonds->angle[h]);
      hs[h] = sin (6.0 * bonds->angle[h]);
    }
  for (guint i = 0; i < bonds->n_atoms; i++)
    for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
      {
        ac[i] += hc[h];
        as[i] += hs[h];
      }
  /* Rounds of summing over the bonded neighbours (one: about a dozen
   * bonds per atom; more would blur the boundary into a gradual turn). */
  for (int round = 0; round < AL_GRAIN_SMOOTH_ROUNDS; round++)
    {
      for (guint i = 0; i < bonds->n_atoms; i++)
        {
          double c = ac[i], s = as[i];
          for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
            {
              c += ac[bonds->neighbour[h]];
              s += as[bonds->neighbour[h]];
            }
          oc[i] = c;
          os[i] = s;
        }
      if (round + 1 < AL_GRAIN_SMOOTH_ROUNDS)
        for (guint i = 0; i < bonds->n_atoms; i++)
          {
            double l = MAX (hypot (oc[i], os[i]), 1e-12);
            ac[i] = oc[i] / l;
            as[i] = os[i] / l;
          }
    }
}

static double
angle6_diff_deg (double c1,
                 double s1,
                 double c2,
                 double s2)
{
  /* Angle between two sixfold directions, in real-space degrees. */
  return fabs (atan2 (s1 * c2 - c1 * s2, c1 * c2 + s1 * s2)) / 6.0 * 180.0 / G_PI;
}

typedef struct
{
  const guint32 *grain;
  guint32        ids[8];
  guint          counts[8];
  guint          n;
} Reach;

static gboolean
reach_visit (guint    j,
             double   d2,
             gpointer user_data)
{
  Reach *r = user_data;
  guint32 g = r->grain[j];

  if (g == G_MAXUINT32)
    return TRUE;
  for (guint k = 0; k < r->n; k++)
    if (r->ids[k] == g)
      {
        r->counts[k]++;
        return TRUE;
      }
  if (r->n < G_N_ELEMENTS (r->ids))
    {
      r->ids[r->n] = g;
      r->counts[r->n++] = 1;
    }
  return TRUE;
}

/* Orders boundary atoms along their principal axis and averages them in
 * steps, giving the boundary's polyline. */
static void
boundary_polyline (const AlAtoms *atoms,
                   GArray        *members,
                   double         step,
                   GArray        *xy)
{
  double mx = 0.0, my = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0, ux, uy, tmin = INFINITY, tmax = -INFINITY;
  guint n = members->len, n_bins;
  g_autofree double *bx = NULL, *by = NULL;
  g_autofree guint *bn = NULL;

  for (guint k = 0; k < n; k++)
    {
      guint32 a = g_array_index (members, guint32, k);
      mx += atoms->x[a];
      my += atoms->y[a];
    }
  mx /= n;
  my /= n;
  for (guint k = 0; k < n; k++)
    {
      guint32 a = g_array_index (members, guint32, k);
      double dx = atoms->x[a] - mx, dy = atoms->y[a] - my;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
  {
    double th = 0.5 * atan2 (2.0 * sxy, sxx - syy);
    ux = cos (th);
    uy = sin (th);
  }
  for (guint k = 0; k < n; k++)
    {
      guint32 a = g_array_index (members, guint32, k);
      double t = (atoms->x[a] - mx) * ux + (atoms->y[a] - my) * uy;
      tmin = MIN (tmin, t);
      tmax = MAX (tmax, t);
    }
  n_bins = MAX (1u, (guint) ceil ((tmax - tmin) / step));
  bx = g_new0 (double, n_bins);
  by = g_new0 (double, n_bins);
  bn = g_new0 (guint, n_bins);
  for (guint k = 0; k < n; k++)
    {
      guint32 a = g_array_index (members, guint32, k);
      double t = (atoms->x[a] - mx) * ux + (atoms->y[a] - my) * uy;
      guint b = MIN (n_bins - 1, (guint) ((t - tmin) / step));
      bx[b] += atoms->x[a];
      by[b] += atoms->y[a];
      bn[b]++;
    }
  for (guint b = 0; b < n_bins; b++)
    if (bn[b] > 0)
      {
        double px = bx[b] / bn[b], py = by[b] / bn[b];
        g_array_append_val (xy, px);
        g_array_append_val (xy, py);
      }
}

static double
join_threshold (const AlBonds *bonds,
                const double  *oc,
                const double  *os)
{
  g_autofree double *step = g_new (double, bonds->n_bonds + 1);
  guint n = 0;

  for (guint i = 0; i < bonds->n_atoms; i++)
    for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
      if (bonds->neighbour[h] > i)
        step[n++] = angle6_diff_deg (oc[i], os[i], oc[bonds->neighbour[h]], os[bonds->neighbour[h]]);
  return n > 0 ? MAX (AL_GRAIN_JOIN_DEG, AL_GRAIN_JOIN_NOISE * al_select_median (step, n)) : AL_GRAIN_JOIN_DEG;
}

static guint32
grow_grains (const AlBonds *bonds,
             const guint8  *skip,
             const double  *oc,
             const double  *os,
             guint32       *grain,
             GArray        *grain_c,
             GArray        *grain_s)
{
  guint n = bonds->n_atoms;
  g_autofree guint32 *queue = g_new (guint32, n + 1);
  g_autofree guint32 *comp = g_new (guint32, n + 1);
  guint32 n_comp = 0, n_grains = 0;

  double join_deg = join_threshold (bonds, oc, os);

  for (guint i = 0; i < n; i++)
    comp[i] = grain[i] = G_MAXUINT32;
  for (guint i0 = 0; i0 < n; i0++)
    {
      guint head = 0, tail = 0;
      double c = 0.0, s = 0.0;
      if (comp[i0] != G_MAXUINT32 || (skip && skip[i0]) || al_bonds_degree (bonds, i0) < 2)
        continue;
      comp[i0] = n_comp;
      queue[tail++] = i0;
      c = oc[i0] / MAX (hypot (oc[i0], os[i0]), 1e-12);
      s = os[i0] / MAX (hypot (oc[i0], os[i0]), 1e-12);
      while (head < tail)
        {
          guint u = queue[head++];
          for (guint32 h = bonds->offset[u]; h < bonds->offset[u + 1]; h++)
            {
              guint v = bonds->neighbour[h];
              if (comp[v] != G_MAXUINT32 || (skip && skip[v]) || al_bonds_degree (bonds, v) < 2
                  || angle6_diff_deg (c, s, oc[v], os[v]) > join_deg)
                continue;
              comp[v] = n_comp;
              queue[tail++] = v;
              c += oc[v] / MAX (hypot (oc[v], os[v]), 1e-12);
              s += os[v] / MAX (hypot (oc[v], os[v]), 1e-12);
            }
        }
      if (tail >= AL_GRAIN_MIN_ATOMS)
        {
          c = s = 0.0;
          for (guint k = 0; k < tail; k++)
            {
              grain[queue[k]] = n_grains;
              c += oc[queue[k]] / MAX (hypot (oc[queue[k]], os[queue[k]]), 1e-12);
              s += os[queue[k]] / MAX (hypot (oc[queue[k]], os[queue[k]]), 1e-12);
            }
          g_array_append_val (grain_c, c);
          g_array_append_val (grain_s, s);
          n_grains++;
        }
      n_comp++;
    }
  return n_grains;
}

/* Marks boundary atoms and adds one grain_boundary per pair of grains.
 * `skip` (may be NULL) marks atoms not to consider (edges). */
void
al_grain_boundaries_find (const AlAtoms *atoms,
                          const AlBonds *bonds,
                          const guint8  *skip,
                          guint          frame,
                          guint8        *boundary_atoms,
                          AlDefects     *defects)
{
  guint n = atoms->n_atoms;
  g_autofree double *oc = g_new (double, n + 1);
  g_autofree double *os = g_new (double, n + 1);
  g_autofree guint32 *grain = g_new (guint32, n + 1);
  g_autoptr (GArray) grain_c = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) grain_s = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GHashTable) pairs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                        (GDestroyNotify) g_array_unref);
  double a = sqrt (3.0) * bonds->nn_px;
  guint32 n_grains;

  if (n == 0 || bonds->nn_px <= 0.0)
    return;
  orientations (bonds, oc, os);
  n_grains = grow_grains (bonds, skip, oc, os, grain, grain_c, grain_s);
  if (n_grains < 2)
    return;
  for (guint i = 0; i < n; i++)
    {
      Reach r = { grain, { 0 }, { 0 }, 0 };
      guint32 g1, g2;
      gint64 key;
      GArray *list;
      if (skip && skip[i])
        continue;
      al_cell_grid_query (bonds->grid, atoms->x[i], atoms->y[i],
                          (grain[i] == G_MAXUINT32 ? AL_GRAIN_REACH_FREE_NN : AL_GRAIN_REACH_NN) * bonds->nn_px,
                          reach_visit, &r);
      if (r.n < 2)
        continue;
      /* The two grains with most atoms in reach. */
      for (guint k = 1; k < r.n; k++)
        if (r.counts[k] > r.counts[0])
          {
            guint32 t = r.ids[0]; guint tc = r.counts[0];
            r.ids[0] = r.ids[k]; r.counts[0] = r.counts[k];
            r.ids[k] = t; r.counts[k] = tc;
          }
      for (guint k = 2; k < r.n; k++)
        if (r.counts[k] > r.counts[1])
          {
            r.ids[1] = r.ids[k];
            r.counts[1] = r.counts[k];
          }
      g1 = MIN (r.ids[0], r.ids[1]);
      g2 = MAX (r.ids[0], r.ids[1]);
      key = ((gint64) g1 << 32) | g2;
      list = g_hash_table_lookup (pairs, &key);
      if (list == NULL)
        {
          gint64 *k2 = g_new (gint64, 1);
          *k2 = key;
          list = g_array_new (FALSE, FALSE, sizeof (guint32));
          g_hash_table_insert (pairs, k2, list);
        }
      g_array_append_val (list, i);
      boundary_atoms[i] = 1;
    }
  /* Emit in grain order so output does not depend on hash order. */
  for (guint32 g1 = 0; g1 < n_grains; g1++)
    for (guint32 g2 = g1 + 1; g2 < n_grains; g2++)
      {
        gint64 key = ((gint64) g1 << 32) | g2;
        GArray *list = g_hash_table_lookup (pairs, &key);
        g_autoptr (GArray) xy = NULL;
        double sx = 0.0, sy = 0.0;
        AlDefect *d;
        if (list == NULL || list->len < AL_EDGE_MIN_ATOMS)
          continue;
        for (guint k = 0; k < list->len; k++)
          {
            sx += atoms->x[g_array_index (list, guint32, k)];
            sy += atoms->y[g_array_index (list, guint32, k)];
          }
        xy = g_array_new (FALSE, FALSE, sizeof (double));
        boundary_polyline (atoms, list, AL_BOUNDARY_STEP_A * a, xy);
        d = al_defects_add (defects, AL_DEFECT_GRAIN_BOUNDARY, frame, sx / list->len, sy / list->len,
                            (const guint32 *) list->data, list->len);
        d->misorientation_deg = angle6_diff_deg (g_array_index (grain_c, double, g1),
                                                 g_array_index (grain_s, double, g1),
                                                 g_array_index (grain_c, double, g2),
                                                 g_array_index (grain_s, double, g2));
        al_defects_set_polyline (defects, d, (const double *) xy->data, xy->len / 2);
      }
}
