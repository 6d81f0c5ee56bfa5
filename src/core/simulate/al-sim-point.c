/* al-sim-point.c: point defects: where they go, what they do to the
 * columns, the relaxation of their neighbours, and how they change between
 * frames of a series.
 *
 * Geometry from the literature (all in projection):
 * - graphene V1: two of the three dangling neighbours re-bond (Jahn–Teller
 *   pentagon), C–C ≈ 0.20 nm (El-Barbary et al., PRB 68, 144107 (2003));
 * - V2_585: the pairs of neighbours on either side close pentagons with
 *   bonds of ≈ 0.175 nm (Krasheninnikov et al., CPL 418, 132 (2006));
 * - SW: one C–C bond turned by 90°, shortened to ≈ 0.132 nm (Ma et al.,
 *   PRB 80, 033407 (2009));
 * - Si_C3: Si–C 0.177 nm, Si_C4: Si in a divacancy, Si–C ≈ 0.19 nm
 *   (Ramasse et al., Nano Lett. 13, 4989 (2013));
 * - TMDs: metal neighbours of a chalcogen vacancy move in by ≈ 0.1 Å,
 *   an antisite Mo pushes neighbours out (Komsa & Krasheninnikov, PRB 91,
 *   125304 (2015); Hong et al., Nat. Commun. 6, 6293 (2015)).
 */
#include "al-sim-private.h"

#include <math.h>

/* No other defect sits within this many nearest-neighbour distances of a
 * defect's site, so first neighbours are never two defects at once; pair
 * defects (two sites and their neighbours) keep farther away. Small enough
 * that densities of 10–15 % of sites can still be placed. */
#define AL_SIM_POINT_EXCLUSION_NN 1.6
#define AL_SIM_PAIR_EXCLUSION_NN 2.6
/* Defects sit at least this far inside the image, nm. */
#define AL_SIM_POINT_IMAGE_MARGIN_NM 0.3
/* Radial relaxation u(r) = A exp(-(r - nn) / (DECAY * nn)), out to RANGE nn. */
#define AL_SIM_RELAX_DECAY_NN 0.6
#define AL_SIM_RELAX_RANGE_NN 2.5
/* Target bond lengths, nm. */
#define AL_SIM_V1_BOND_NM 0.205
#define AL_SIM_585_BOND_NM 0.175
#define AL_SIM_SW_BOND_NM 0.132
/* Between frames of a series: chance per frame that a defect changes. */
#define AL_SIM_HOP_PROBABILITY 0.10
#define AL_SIM_VS_TO_VS2_PROBABILITY 0.05
#define AL_SIM_SI_SWITCH_PROBABILITY 0.10

/* Radial relaxation amplitude of the neighbours per type, nm (negative:
 * towards the defect). */
static double
relax_amplitude (AlDefectType type)
{
  switch (type)
    {
    case AL_DEFECT_V_S: return -0.008;
    case AL_DEFECT_V_S2: return -0.012;
    case AL_DEFECT_V_MO: return -0.010;
    case AL_DEFECT_MO_S2: return 0.015;
    case AL_DEFECT_W_MO: return 0.002;
    case AL_DEFECT_V1: return -0.006;
    case AL_DEFECT_V2_585: return -0.004;
    case AL_DEFECT_SW: return 0.004;
    case AL_DEFECT_SI_C3: return 0.018;
    case AL_DEFECT_SI_C4: return -0.005;
    default: return 0.0;
    }
}

gboolean
al_sim_defect_allowed (const AlMaterial *material,
                       AlDefectType      type)
{
  switch (type)
    {
    case AL_DEFECT_V_S:
    case AL_DEFECT_V_S2:
    case AL_DEFECT_V_MO:
    case AL_DEFECT_MO_S2:
    case AL_DEFECT_W_MO:
      return material->is_tmd;
    case AL_DEFECT_V1:
      return material->id == AL_MATERIAL_GRAPHENE || material->id == AL_MATERIAL_HBN;
    case AL_DEFECT_V2_585:
    case AL_DEFECT_SW:
    case AL_DEFECT_SI_C3:
    case AL_DEFECT_SI_C4:
      return material->id == AL_MATERIAL_GRAPHENE;
    default:
      return FALSE;
    }
}

/* The sublattice a TMD defect lives on. WSe2 has no second metal in its
 * species table; there "W_Mo" (a substitution) is Te alloying on a
 * chalcogen site, the column becoming Se+Te. */
static int
tmd_sublattice (const AlMaterial *material,
                AlDefectType      type)
{
  if (type == AL_DEFECT_V_MO)
    return 0;
  if (type == AL_DEFECT_W_MO)
    return material->id == AL_MATERIAL_WSE2 ? 1 : 0;
  return 1;
}

gboolean
al_sim_point_eligible (const AlMaterial  *material,
                       AlDefectType       type,
                       const AlSimColumn *column)
{
  if (column->removed || column->grain < 0 || column->sub > 1
      || column->defect_type != AL_DEFECT_NONE
      || column->species != material->site_species[column->sub])
    return FALSE;
  if (material->is_tmd)
    return column->sub == tmd_sublattice (material, type);
  return TRUE;
}

static gboolean
inside_image (const AlSimScene  *scene,
              const AlSimColumn *c)
{
  const AlSimParams *p = scene->params;
  double lo = -0.5 * p->pixel_size_nm + AL_SIM_POINT_IMAGE_MARGIN_NM;

  return c->x >= lo && c->y >= lo
         && c->x <= (p->width - 0.5) * p->pixel_size_nm - AL_SIM_POINT_IMAGE_MARGIN_NM
         && c->y <= (p->height - 0.5) * p->pixel_size_nm - AL_SIM_POINT_IMAGE_MARGIN_NM;
}

static void
shuffle (GArray   *array,
         AlSimRng *rng)
{
  for (guint k = array->len; k > 1; k--)
    {
      guint r = (guint) al_sim_rng_below (rng, k);
      guint t = g_array_index (array, guint, k - 1);
      g_array_index (array, guint, k - 1) = g_array_index (array, guint, r);
      g_array_index (array, guint, r) = t;
    }
}

/* For pair defects: a neighbour direction whose column is plain too. */
static int
pick_direction (const AlSimScene  *scene,
                const AlSimSites  *sites,
                const GArray      *columns,
                const AlSimColumn *c,
                AlSimRng          *rng)
{
  guint first = (guint) al_sim_rng_below (rng, 3);

  for (guint t = 0; t < 3; t++)
    {
      guint dir = (first + t) % 3;
      gint32 ni, nj;
      int k;

      al_sim_lattice_neighbour (c->i, c->j, c->sub, dir, &ni, &nj);
      k = al_sim_sites_find (sites, c->grain, ni, nj, 1 - c->sub);
      if (k >= 0 && al_sim_point_eligible (scene->material, AL_DEFECT_V1,
                                           &g_array_index (columns, AlSimColumn, k)))
        return (int) dir;
    }
  return -1;
}

static gboolean
is_pair (AlDefectType type)
{
  return type == AL_DEFECT_V2_585 || type == AL_DEFECT_SW || type == AL_DEFECT_SI_C4;
}

void
al_sim_point_place (AlSimScene   *scene,
                    const GArray *columns,
                    AlSimRng     *rng)
{
  const AlMaterial *m = scene->material;
  const AlSimDefectSpec *spec = &scene->params->defects;
  GArray *candidates[AL_N_DEFECT_TYPES] = { NULL };
  guint cursor[AL_N_DEFECT_TYPES] = { 0 };
  g_autoptr (GArray) requests = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree guint8 *blocked = g_new0 (guint8, MAX (columns->len, 1));
  AlSimGrid *grid = al_sim_grid_new (columns, scene->nn * 1.5);
  AlSimSites *sites = al_sim_sites_new (columns);

  for (guint t = 0; t < AL_N_DEFECT_TYPES; t++)
    {
      guint n;
      if (!(spec->density[t] > 0) || !al_sim_defect_allowed (m, t))
        continue;
      candidates[t] = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint k = 0; k < columns->len; k++)
        {
          const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
          if (al_sim_point_eligible (m, t, c) && inside_image (scene, c))
            g_array_append_val (candidates[t], k);
        }
      n = (guint) floor (spec->density[t] * candidates[t]->len + 0.5);
      for (guint q = 0; q < n; q++)
        g_array_append_val (requests, t);
      shuffle (candidates[t], rng);
    }
  /* Interleave the types so that none is starved by the exclusion zones of
   * the others. */
  shuffle (requests, rng);

  for (guint r = 0; r < requests->len; r++)
    {
      AlDefectType t = g_array_index (requests, guint, r);
      GArray *cand = candidates[t];

      while (cursor[t] < cand->len)
        {
          guint k = g_array_index (cand, guint, cursor[t]++);
          const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
          AlSimPointDefect d = { 0 };
          int dir = 0;

          if (blocked[k])
            continue;
          if (is_pair (t) && (dir = pick_direction (scene, sites, columns, c, rng)) < 0)
            continue;
          d.type = t;
          d.id = scene->next_id++;
          d.grain = c->grain;
          d.sub = c->sub;
          d.i = c->i;
          d.j = c->j;
          d.dir = (guint8) dir;
          g_array_append_val (scene->points, d);
          al_sim_grid_query (grid, columns, c->x, c->y,
                             (is_pair (t) ? AL_SIM_PAIR_EXCLUSION_NN : AL_SIM_POINT_EXCLUSION_NN) * scene->nn,
                             near);
          for (guint q = 0; q < near->len; q++)
            blocked[g_array_index (near, guint, q)] = 1;
          break;
        }
    }
  for (guint t = 0; t < AL_N_DEFECT_TYPES; t++)
    if (candidates[t])
      g_array_unref (candidates[t]);
  al_sim_sites_free (sites);
  al_sim_grid_free (grid);
}

/* Moves column `k` by `amount` nm towards (x, y) (away when negative). */
static void
pull_towards (GArray *columns,
              int     k,
              double  x,
              double  y,
              double  amount)
{
  AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
  double dx = x - c->x, dy = y - c->y, r = hypot (dx, dy);

  if (r > 0)
    {
      c->x += amount * dx / r;
      c->y += amount * dy / r;
    }
}

/* Marks a column as a member of defect `id`. */
static void
member (GArray       *columns,
        int           k,
        guint         id,
        AlDefectType  type)
{
  AlSimColumn *c;

  if (k < 0)
    return;
  c = &g_array_index (columns, AlSimColumn, k);
  c->defect_id = (gint32) id;
  c->defect_type = type;
}

/* The columns of the three neighbours of a site (-1 where none). */
static void
neighbours_of (const AlSimSites  *sites,
               const AlSimColumn *c,
               int                out[3])
{
  for (guint dir = 0; dir < 3; dir++)
    {
      gint32 ni, nj;
      al_sim_lattice_neighbour (c->i, c->j, c->sub, dir, &ni, &nj);
      out[dir] = al_sim_sites_find (sites, c->grain, ni, nj, 1 - c->sub);
    }
}

/* Two neighbours `a` and `b` close a bond of length `bond` nm. */
static void
close_bond (GArray *columns,
            int     a,
            int     b,
            double  bond)
{
  AlSimColumn *ca, *cb;
  double d, mx, my;

  if (a < 0 || b < 0)
    return;
  ca = &g_array_index (columns, AlSimColumn, a);
  cb = &g_array_index (columns, AlSimColumn, b);
  d = hypot (ca->x - cb->x, ca->y - cb->y);
  mx = 0.5 * (ca->x + cb->x);
  my = 0.5 * (ca->y + cb->y);
  if (d > bond)
    {
      pull_towards (columns, a, mx, my, 0.5 * (d - bond));
      pull_towards (columns, b, mx, my, 0.5 * (d - bond));
    }
}

static void
apply_one (const AlSimScene       *scene,
           const AlSimSites       *sites,
           GArray                 *columns,
           const AlSimPointDefect *d,
           AlSimInstance          *inst)
{
  const AlMaterial *m = scene->material;
  int k = al_sim_sites_find (sites, d->grain, d->i, d->j, d->sub);
  int k2 = -1, nb[3], nb2[3];
  AlSimColumn *c;

  inst->id = d->id;
  inst->type = d->type;
  inst->centre[0] = k;
  inst->centre[1] = -1;
  if (k < 0)
    return;
  c = &g_array_index (columns, AlSimColumn, k);
  if (c->removed || c->defect_type != AL_DEFECT_NONE)
    {
      inst->centre[0] = -1;
      return;
    }
  neighbours_of (sites, c, nb);
  if (is_pair (d->type))
    {
      k2 = nb[d->dir];
      if (k2 < 0 || g_array_index (columns, AlSimColumn, k2).defect_type != AL_DEFECT_NONE)
        {
          inst->centre[0] = -1;
          return;
        }
      inst->centre[1] = k2;
      neighbours_of (sites, &g_array_index (columns, AlSimColumn, k2), nb2);
    }

  switch (d->type)
    {
    case AL_DEFECT_V_S:
      /* Species 2 of every TMD table is the single-chalcogen column. */
      al_sim_column_set_species (c, m, 2);
      member (columns, k, d->id, d->type);
      break;
    case AL_DEFECT_MO_S2:
      al_sim_column_set_species (c, m, m->site_species[0]);
      member (columns, k, d->id, d->type);
      break;
    case AL_DEFECT_W_MO:
      al_sim_column_set_species (c, m, 3);
      member (columns, k, d->id, d->type);
      break;
    case AL_DEFECT_SI_C3:
      al_sim_column_set_species (c, m, 1);
      member (columns, k, d->id, d->type);
      break;
    case AL_DEFECT_V_S2:
    case AL_DEFECT_V_MO:
    case AL_DEFECT_V1:
      c->removed = 1;
      for (int q = 0; q < 3; q++)
        member (columns, nb[q], d->id, d->type);
      if (d->type == AL_DEFECT_V1 && m->id == AL_MATERIAL_GRAPHENE)
        close_bond (columns, nb[1], nb[2], AL_SIM_V1_BOND_NM);
      break;
    case AL_DEFECT_V2_585:
      c->removed = 1;
      g_array_index (columns, AlSimColumn, k2).removed = 1;
      {
        int side1[2], side2[2], n1 = 0, n2 = 0;
        for (int q = 0; q < 3; q++)
          {
            if (q != d->dir && n1 < 2)
              side1[n1++] = nb[q];
            if (nb2[q] != k && n2 < 2)
              side2[n2++] = nb2[q];
          }
        close_bond (columns, side1[0], side1[1], AL_SIM_585_BOND_NM);
        close_bond (columns, side2[0], side2[1], AL_SIM_585_BOND_NM);
        for (int q = 0; q < 2; q++)
          {
            member (columns, side1[q], d->id, d->type);
            member (columns, side2[q], d->id, d->type);
          }
      }
      break;
    case AL_DEFECT_SW:
      {
        AlSimColumn *c2 = &g_array_index (columns, AlSimColumn, k2);
        double mx = 0.5 * (c->x + c2->x), my = 0.5 * (c->y + c2->y);
        double dx = c->x - mx, dy = c->y - my, r = hypot (dx, dy);
        double h = 0.5 * AL_SIM_SW_BOND_NM / r;
        /* Turn the bond by 90° about its middle. */
        c->x = mx - dy * h;
        c->y = my + dx * h;
        c2->x = mx + dy * h;
        c2->y = my - dx * h;
        member (columns, k, d->id, d->type);
        member (columns, k2, d->id, d->type);
      }
      break;
    case AL_DEFECT_SI_C4:
      {
        AlSimColumn *c2 = &g_array_index (columns, AlSimColumn, k2);
        AlSimColumn si = *c;
        si.x = 0.5 * (c->x + c2->x);
        si.y = 0.5 * (c->y + c2->y);
        si.grain = -1;
        al_sim_column_set_species (&si, m, 1);
        c->removed = 1;
        c2->removed = 1;
        g_array_append_val (columns, si);
        member (columns, (int) columns->len - 1, d->id, d->type);
      }
      break;
    default:
      break;
    }
}

/* The radial relaxation of everything around a defect, from the positions
 * before any relaxation (so the order of defects does not matter). */
static void
relax (const AlSimScene    *scene,
       GArray              *columns,
       const GArray        *instances,
       guint                first)
{
  double nn = scene->nn;
  guint n = columns->len;
  g_autofree double *dx = g_new0 (double, MAX (n, 1));
  g_autofree double *dy = g_new0 (double, MAX (n, 1));
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));
  AlSimGrid *grid = al_sim_grid_new (columns, nn * 1.5);

  for (guint q = first; q < instances->len; q++)
    {
      const AlSimInstance *inst = &g_array_index (instances, AlSimInstance, q);
      double amp = relax_amplitude (inst->type), cx = 0, cy = 0;
      int nc = 0;

      for (int t = 0; t < 2; t++)
        if (inst->centre[t] >= 0)
          {
            const AlSimColumn *c = &g_array_index (columns, AlSimColumn, inst->centre[t]);
            cx += c->x;
            cy += c->y;
            nc++;
          }
      if (nc == 0 || amp == 0)
        continue;
      cx /= nc;
      cy /= nc;
      al_sim_grid_query (grid, columns, cx, cy, AL_SIM_RELAX_RANGE_NN * nn, near);
      for (guint p = 0; p < near->len; p++)
        {
          guint k = g_array_index (near, guint, p);
          const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
          double rx = c->x - cx, ry = c->y - cy, r = hypot (rx, ry), u;

          /* The defect's own column(s) stay where its geometry put them. */
          if ((int) k == inst->centre[0] || (int) k == inst->centre[1] || r < 0.3 * nn)
            continue;
          u = amp * exp (-(r - nn) / (AL_SIM_RELAX_DECAY_NN * nn));
          dx[k] += u * rx / r;
          dy[k] += u * ry / r;
        }
    }
  for (guint k = 0; k < n; k++)
    {
      AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      c->x += dx[k];
      c->y += dy[k];
    }
  al_sim_grid_free (grid);
}

void
al_sim_point_apply (const AlSimScene *scene,
                    GArray           *columns,
                    GArray           *instances)
{
  AlSimSites *sites = al_sim_sites_new (columns);
  guint first = instances->len;

  for (guint q = 0; q < scene->points->len; q++)
    {
      const AlSimPointDefect *d = &g_array_index (scene->points, AlSimPointDefect, q);
      AlSimInstance inst;

      if (d->gone)
        continue;
      apply_one (scene, sites, columns, d, &inst);
      if (inst.centre[0] >= 0 || inst.centre[1] >= 0)
        g_array_append_val (instances, inst);
    }
  al_sim_sites_free (sites);
  relax (scene, columns, instances, first);
}

/* Second-neighbour (same sublattice) lattice steps, for hopping. */
static const int hop_steps[6][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 }, { 1, -1 }, { -1, 1 } };

void
al_sim_point_evolve (AlSimScene   *scene,
                     const GArray *columns,
                     AlSimRng     *rng)
{
  AlSimSites *sites = al_sim_sites_new (columns);

  for (guint q = 0; q < scene->points->len; q++)
    {
      AlSimPointDefect *d = &g_array_index (scene->points, AlSimPointDefect, q);
      double u = al_sim_rng_uniform (rng);
      guint step = (guint) al_sim_rng_below (rng, 6);
      guint dir = (guint) al_sim_rng_below (rng, 3);

      switch (d->type)
        {
        case AL_DEFECT_V_S:
          if (u < AL_SIM_VS_TO_VS2_PROBABILITY)
            d->type = AL_DEFECT_V_S2;
          else if (u < AL_SIM_VS_TO_VS2_PROBABILITY + AL_SIM_HOP_PROBABILITY)
            {
              int k = al_sim_sites_find (sites, d->grain, d->i + hop_steps[step][0],
                                         d->j + hop_steps[step][1], d->sub);
              /* Hop only onto a plain site, so defects never stack. */
              if (k >= 0 && al_sim_point_eligible (scene->material, AL_DEFECT_V_S,
                                                   &g_array_index (columns, AlSimColumn, k)))
                {
                  d->i += hop_steps[step][0];
                  d->j += hop_steps[step][1];
                }
            }
          break;
        case AL_DEFECT_SI_C3:
          if (u < AL_SIM_SI_SWITCH_PROBABILITY)
            {
              d->type = AL_DEFECT_SI_C4;
              d->dir = (guint8) dir;
            }
          break;
        case AL_DEFECT_SI_C4:
          if (u < AL_SIM_SI_SWITCH_PROBABILITY)
            d->type = AL_DEFECT_SI_C3;
          break;
        default:
          break;
        }
    }
  al_sim_sites_free (sites);
}
