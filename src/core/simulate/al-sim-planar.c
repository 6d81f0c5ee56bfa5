/* al-sim-planar.c: line and planar defects: grain boundaries, edges and
 * holes, 1T and 1T′ patches in a 2H TMD, amorphous patches (placed here,
 * built by al-sim-amorphous.c).
 *
 * Grain boundaries are built geometrically: grains are strips of lattices
 * with different rotations joined along straight lines; columns of two
 * grains closer than AL_SIM_GB_MERGE_NN nearest-neighbour distances merge
 * into one at their midpoint, then a few passes push apart pairs that are
 * still too close. In graphene this gives the 5–7 (and 4, 8) rings seen at
 * real boundaries (Huang et al., Nature 469, 389 (2011)); in TMDs the 4–8
 * and 5–7 cores (van der Zande et al., Nat. Mater. 12, 554 (2013); Zhou et
 * al., Nano Lett. 13, 2615 (2013)).
 *
 * 1T: the chalcogens of one side move to the hollow sites, so in projection
 * each metal sees two single-chalcogen columns (Lin et al., Nat.
 * Nanotechnol. 9, 391 (2014)). 1T′: 1T with the metal rows dimerised into
 * zigzag chains (Mo–Mo shortened from 0.316 to ≈ 0.28 nm; Qian et al.,
 * Science 346, 1344 (2014)).
 */
#include "al-sim-private.h"

#include <math.h>

#define AL_SIM_GB_MERGE_NN 0.55
#define AL_SIM_GB_MIN_NN 0.85
#define AL_SIM_GB_RELAX_PASSES 4
#define AL_SIM_GB_MEMBER_NN 1.0
/* In graphene and hBN a gap at the boundary wider than a heptagon (centre
 * to atom 1.15 nn) gets an atom: real boundaries are chains of 5–7 rings,
 * not open octagons (Yazyev & Louie, PRB 81, 195420 (2010)). */
#define AL_SIM_GB_FILL_NN 1.25
#define AL_SIM_GB_FILL_STEP_NN 0.1
#define AL_SIM_GB_MIN_MISORIENTATION_DEG 9.0
#define AL_SIM_GB_MAX_MISORIENTATION_DEG 30.0
#define AL_SIM_EDGE_MEMBER_NN 0.9
#define AL_SIM_HOLE_MIN_RADIUS_NM 0.8
#define AL_SIM_HOLE_MAX_RADIUS_NM 1.8
/* Beam-driven growth of a hole, nm of radius per frame. */
#define AL_SIM_HOLE_GROWTH_NM 0.08
#define AL_SIM_PATCH_MIN_RADIUS_NM 1.5
#define AL_SIM_PATCH_MAX_RADIUS_NM 3.0
/* Amorphous patches (al-sim-amorphous.c): as large as the phase patches,
 * so that a mesoscale phase map can see them. */
#define AL_SIM_AMORPHOUS_MIN_RADIUS_NM 1.5
#define AL_SIM_AMORPHOUS_MAX_RADIUS_NM 3.0
/* Shift of each metal row towards its partner in 1T′, nm. */
#define AL_SIM_1TP_DIMER_SHIFT_NM 0.018
#define AL_SIM_REGION_TRIES 100

static double
uniform_in (AlSimRng *rng,
            double    lo,
            double    hi)
{
  return lo + (hi - lo) * al_sim_rng_uniform (rng);
}

static gboolean
region_overlaps (const AlSimScene *scene,
                 double            x,
                 double            y,
                 double            r)
{
  for (guint q = 0; q < scene->regions->len; q++)
    {
      const AlSimRegion *o = &g_array_index (scene->regions, AlSimRegion, q);
      if (!o->straight && hypot (o->cx - x, o->cy - y) < o->radius + r + 1.0)
        return TRUE;
      if (o->straight && o->nx * x + o->ny * y > o->c - r - 1.0)
        return TRUE;
    }
  return FALSE;
}

/* A round region centred anywhere in the image (it may reach past the
 * border), not on any other. Keeping it wholly inside put small images'
 * patches always near the middle (the radius is at least 1.5 nm), which a
 * network trained on them learns as "phase changes in the centre". */
static void
add_round (AlSimScene   *scene,
           AlSimRng     *rng,
           AlDefectType  type,
           double        rmin,
           double        rmax)
{
  const AlSimParams *p = scene->params;
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;
  AlSimRegion reg = { 0 };

  reg.type = type;
  reg.id = scene->next_id++;
  reg.seed = al_sim_rng_next (rng);
  reg.radius = uniform_in (rng, rmin, MIN (rmax, 0.3 * MIN (w, h)));
  for (int t = 0; t < AL_SIM_REGION_TRIES; t++)
    {
      reg.cx = uniform_in (rng, 0, w);
      reg.cy = uniform_in (rng, 0, h);
      if (!region_overlaps (scene, reg.cx, reg.cy, reg.radius))
        break;
    }
  g_array_append_val (scene->regions, reg);
}

static void
setup_grains (AlSimScene *scene,
              AlSimRng   *rng)
{
  const AlSimParams *p = scene->params;
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;
  guint n_gb = MIN (p->defects.count[AL_DEFECT_GRAIN_BOUNDARY], AL_SIM_MAX_GRAINS - 1);
  double phi = uniform_in (rng, 0, 2 * G_PI), nx = cos (phi), ny = sin (phi);
  double lo = 0, hi = 0, centre = nx * 0.5 * w + ny * 0.5 * h;

  /* Extent of the image along the boundaries' normal. */
  lo = centre - 0.5 * (fabs (nx) * w + fabs (ny) * h);
  hi = centre + 0.5 * (fabs (nx) * w + fabs (ny) * h);
  scene->n_grains = 1 + n_gb;
  for (guint g = 1; g <= n_gb; g++)
    {
      AlSimGrain *gr = &scene->grains[g];
      double mis = uniform_in (rng, AL_SIM_GB_MIN_MISORIENTATION_DEG,
                               AL_SIM_GB_MAX_MISORIENTATION_DEG) * G_PI / 180.0;
      gr->rotation = scene->grains[g - 1].rotation + (al_sim_rng_uniform (rng) < 0.5 ? -mis : mis);
      gr->ox = uniform_in (rng, 0, scene->material->a_nm);
      gr->oy = uniform_in (rng, 0, scene->material->a_nm);
      gr->nx = nx;
      gr->ny = ny;
      gr->c = lo + (hi - lo) * g / (n_gb + 1.0);
      scene->gb_ids[g] = scene->next_id++;
    }
}

void
al_sim_planar_setup (AlSimScene *scene,
                     AlSimRng   *rng)
{
  const AlSimParams *p = scene->params;
  const AlSimDefectSpec *d = &p->defects;
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;

  setup_grains (scene, rng);
  for (guint e = 0; e < d->count[AL_DEFECT_EDGE]; e++)
    {
      /* Vacuum beyond a line crossing the outer fifth of the image. */
      AlSimRegion reg = { 0 };
      double phi = uniform_in (rng, 0, 2 * G_PI);
      reg.type = AL_DEFECT_EDGE;
      reg.id = scene->next_id++;
      reg.straight = TRUE;
      reg.nx = cos (phi);
      reg.ny = sin (phi);
      reg.c = reg.nx * 0.5 * w + reg.ny * 0.5 * h
              + uniform_in (rng, 0.25, 0.35) * (fabs (reg.nx) * w + fabs (reg.ny) * h);
      g_array_append_val (scene->regions, reg);
    }
  for (guint q = 0; q < d->n_holes; q++)
    add_round (scene, rng, AL_DEFECT_EDGE, AL_SIM_HOLE_MIN_RADIUS_NM, AL_SIM_HOLE_MAX_RADIUS_NM);
  if (scene->material->is_tmd)
    {
      for (guint q = 0; q < d->count[AL_DEFECT_PHASE_1T]; q++)
        add_round (scene, rng, AL_DEFECT_PHASE_1T, AL_SIM_PATCH_MIN_RADIUS_NM, AL_SIM_PATCH_MAX_RADIUS_NM);
      for (guint q = 0; q < d->count[AL_DEFECT_PHASE_1TP]; q++)
        add_round (scene, rng, AL_DEFECT_PHASE_1TP, AL_SIM_PATCH_MIN_RADIUS_NM, AL_SIM_PATCH_MAX_RADIUS_NM);
    }
  for (guint q = 0; q < d->count[AL_DEFECT_AMORPHOUS]; q++)
    add_round (scene, rng, AL_DEFECT_AMORPHOUS, AL_SIM_AMORPHOUS_MIN_RADIUS_NM,
               AL_SIM_AMORPHOUS_MAX_RADIUS_NM);
}

gboolean
al_sim_in_vacuum (const AlSimScene *scene,
                  double            x,
                  double            y)
{
  for (guint q = 0; q < scene->regions->len; q++)
    {
      const AlSimRegion *r = &g_array_index (scene->regions, AlSimRegion, q);
      if (r->type != AL_DEFECT_EDGE)
        continue;
      if (r->straight ? r->nx * x + r->ny * y > r->c : hypot (x - r->cx, y - r->cy) < r->radius)
        return TRUE;
    }
  return FALSE;
}

void
al_sim_planar_evolve (AlSimScene *scene)
{
  for (guint q = 0; q < scene->regions->len; q++)
    {
      AlSimRegion *r = &g_array_index (scene->regions, AlSimRegion, q);
      if (r->type == AL_DEFECT_EDGE && !r->straight)
        r->radius += AL_SIM_HOLE_GROWTH_NM;
    }
}

static void
add_instance (GArray       *instances,
              guint         id,
              AlDefectType  type)
{
  AlSimInstance inst = { id, type, { -1, -1 } };
  g_array_append_val (instances, inst);
}

/* Merges columns of different grains that overlap at a boundary, then
 * pushes apart pairs still closer than AL_SIM_GB_MIN_NN. */
static void
stitch_boundaries (const AlSimScene *scene,
                   GArray           *columns)
{
  double nn = scene->nn;
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));

  for (int pass = 0; pass <= AL_SIM_GB_RELAX_PASSES; pass++)
    {
      AlSimGrid *grid = al_sim_grid_new (columns, nn);
      for (guint k = 0; k < columns->len; k++)
        {
          AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
          gboolean near_line = FALSE;

          for (guint g = 1; g < scene->n_grains && !near_line; g++)
            near_line = fabs (scene->grains[g].nx * c->x + scene->grains[g].ny * c->y
                              - scene->grains[g].c) < 2.0 * nn;
          if (c->removed || !near_line)
            continue;
          al_sim_grid_query (grid, columns, c->x, c->y, AL_SIM_GB_MIN_NN * nn, near);
          for (guint q = 0; q < near->len; q++)
            {
              guint o = g_array_index (near, guint, q);
              AlSimColumn *d = &g_array_index (columns, AlSimColumn, o);
              double dx = d->x - c->x, dy = d->y - c->y, r = hypot (dx, dy);

              if (o <= k || d->removed || c->removed)
                continue;
              if (pass == 0 && d->grain != c->grain && r < AL_SIM_GB_MERGE_NN * nn)
                {
                  c->x = 0.5 * (c->x + d->x);
                  c->y = 0.5 * (c->y + d->y);
                  d->removed = 1;
                }
              else if (pass > 0 && r > 0)
                {
                  double push = 0.25 * (AL_SIM_GB_MIN_NN * nn - r) / r;
                  c->x -= push * dx;
                  c->y -= push * dy;
                  d->x += push * dx;
                  d->y += push * dy;
                }
            }
        }
      al_sim_grid_free (grid);
    }
}

/* Distance from (x, y) to the nearest column, up to `reach`. */
static double
nearest (const AlSimGrid *grid,
         const GArray    *columns,
         GArray          *near,
         double           x,
         double           y,
         double           reach)
{
  double best = reach;

  al_sim_grid_query (grid, columns, x, y, reach, near);
  for (guint q = 0; q < near->len; q++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, g_array_index (near, guint, q));
      best = MIN (best, hypot (c->x - x, c->y - y));
    }
  return best;
}

/* Walks the band along each boundary and puts an atom in every gap wider
 * than AL_SIM_GB_FILL_NN (one-atom-thick materials only). */
static void
fill_boundary_gaps (const AlSimScene *scene,
                    GArray           *columns)
{
  double nn = scene->nn, step = AL_SIM_GB_FILL_STEP_NN * nn, fill = AL_SIM_GB_FILL_NN * nn;
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (AlSimColumn));
  AlSimGrid *grid = al_sim_grid_new (columns, nn);

  for (guint g = 1; g < scene->n_grains; g++)
    {
      const AlSimGrain *gr = &scene->grains[g];
      double tx = -gr->ny, ty = gr->nx;
      double half = 0.5 * hypot (scene->x1 - scene->x0, scene->y1 - scene->y0);
      double mx = 0.5 * (scene->x0 + scene->x1), my = 0.5 * (scene->y0 + scene->y1);
      /* Foot of the boundary line nearest the middle of the area built. */
      double off = gr->c - (gr->nx * mx + gr->ny * my);
      double px0 = mx + off * gr->nx, py0 = my + off * gr->ny;

      for (double t = -half; t <= half; t += step)
        for (double u = -1.5 * nn; u <= 1.5 * nn; u += step)
          {
            double x = px0 + t * tx + u * gr->nx, y = py0 + t * ty + u * gr->ny, d;
            AlSimColumn atom = { 0 };

            if (x < scene->x0 || x > scene->x1 || y < scene->y0 || y > scene->y1
                || al_sim_in_vacuum (scene, x, y))
              continue;
            d = nearest (grid, columns, near, x, y, fill + nn);
            for (guint q = 0; q < added->len && d > fill; q++)
              {
                const AlSimColumn *a = &g_array_index (added, AlSimColumn, q);
                d = MIN (d, hypot (a->x - x, a->y - y));
              }
            if (d <= fill)
              continue;
            atom.x = x;
            atom.y = y;
            atom.grain = -1;
            atom.defect_id = -1;
            al_sim_column_set_species (&atom, scene->material, scene->material->site_species[added->len % 2]);
            g_array_append_val (added, atom);
          }
    }
  al_sim_grid_free (grid);
  g_array_append_vals (columns, added->data, added->len);
}

static void
apply_patch (const AlSimScene  *scene,
             const AlSimRegion *reg,
             GArray            *columns)
{
  const AlMaterial *m = scene->material;
  guint n = columns->len;

  for (guint k = 0; k < n; k++)
    {
      AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);

      if (c->removed || c->grain < 0 || c->defect_type != AL_DEFECT_NONE
          || hypot (c->x - reg->cx, c->y - reg->cy) > reg->radius)
        continue;
      c->defect_id = (gint32) reg->id;
      c->defect_type = reg->type;
      if (c->sub == 1)
        {
          /* One chalcogen of the pair moves to the hollow site. */
          AlSimColumn hollow = *c;
          al_sim_column_set_species (c, m, 2);
          al_sim_lattice_site (scene, c->grain, c->i, c->j, 2, &hollow.x, &hollow.y);
          hollow.sub = 2;
          al_sim_column_set_species (&hollow, m, 2);
          g_array_append_val (columns, hollow);
          c = &g_array_index (columns, AlSimColumn, k);
        }
      else if (reg->type == AL_DEFECT_PHASE_1TP)
        {
          /* Rows of metal pair up into zigzag chains along a1. */
          double rot = scene->grains[c->grain].rotation;
          double sign = (c->j & 1) ? -1.0 : 1.0;
          c->x += sign * AL_SIM_1TP_DIMER_SHIFT_NM * -sin (rot);
          c->y += sign * AL_SIM_1TP_DIMER_SHIFT_NM * cos (rot);
        }
    }
}

static void
mark_edges (const AlSimScene *scene,
            GArray           *columns,
            GArray           *instances)
{
  double reach = AL_SIM_EDGE_MEMBER_NN * scene->nn;

  for (guint q = 0; q < scene->regions->len; q++)
    {
      const AlSimRegion *r = &g_array_index (scene->regions, AlSimRegion, q);
      if (r->type != AL_DEFECT_EDGE)
        continue;
      add_instance (instances, r->id, AL_DEFECT_EDGE);
      for (guint k = 0; k < columns->len; k++)
        {
          AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
          double d = r->straight ? r->c - (r->nx * c->x + r->ny * c->y)
                                 : hypot (c->x - r->cx, c->y - r->cy) - r->radius;
          if (!c->removed && c->species >= 0 && d < reach)
            {
              c->defect_id = (gint32) r->id;
              c->defect_type = AL_DEFECT_EDGE;
            }
        }
    }
}

void
al_sim_planar_apply (const AlSimScene *scene,
                     GArray           *columns,
                     GArray           *instances)
{
  if (scene->n_grains > 1)
    {
      stitch_boundaries (scene, columns);
      if (!scene->material->is_tmd)
        {
          fill_boundary_gaps (scene, columns);
          stitch_boundaries (scene, columns);
        }
      for (guint g = 1; g < scene->n_grains; g++)
        {
          const AlSimGrain *gr = &scene->grains[g];
          add_instance (instances, scene->gb_ids[g], AL_DEFECT_GRAIN_BOUNDARY);
          for (guint k = 0; k < columns->len; k++)
            {
              AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
              if (!c->removed && fabs (gr->nx * c->x + gr->ny * c->y - gr->c)
                                   < AL_SIM_GB_MEMBER_NN * scene->nn)
                {
                  c->defect_id = (gint32) scene->gb_ids[g];
                  c->defect_type = AL_DEFECT_GRAIN_BOUNDARY;
                }
            }
        }
    }
  mark_edges (scene, columns, instances);
  for (guint q = 0; q < scene->regions->len; q++)
    {
      const AlSimRegion *r = &g_array_index (scene->regions, AlSimRegion, q);
      if (r->type == AL_DEFECT_PHASE_1T || r->type == AL_DEFECT_PHASE_1TP)
        {
          apply_patch (scene, r, columns);
          add_instance (instances, r->id, r->type);
        }
      else if (r->type == AL_DEFECT_AMORPHOUS)
        {
          al_sim_amorphous_apply (scene, r, columns);
          add_instance (instances, r->id, r->type);
        }
    }
}
