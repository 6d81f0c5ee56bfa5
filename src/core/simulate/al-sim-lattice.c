/* al-sim-lattice.c: the projected honeycomb of each grain, and finding a
 * column by its lattice site.
 *
 * Basis a1 = a(1, 0), a2 = a(1/2, √3/2), rotated by the grain's angle.
 * Sublattice A (metal, or B in hBN) at i a1 + j a2, sublattice B
 * (chalcogen pair, N) at + (a1 + a2)/3, and the hollow site (where 1T puts
 * its second chalcogen) at + 2(a1 + a2)/3.
 */
#include "al-sim-private.h"

#include <math.h>

struct _AlSimSites
{
  gint32  imin[AL_SIM_MAX_GRAINS], jmin[AL_SIM_MAX_GRAINS];
  gint32  ni[AL_SIM_MAX_GRAINS], nj[AL_SIM_MAX_GRAINS];
  gint32 *index[AL_SIM_MAX_GRAINS];   /* ni*nj*3, -1 for none */
};

void
al_sim_lattice_site (const AlSimScene *scene,
                     guint             grain,
                     gint32            i,
                     gint32            j,
                     guint             sub,
                     double           *x,
                     double           *y)
{
  const AlSimGrain *g = &scene->grains[grain];
  double a = scene->material->a_nm;
  double u = a * (i + 0.5 * j + 0.5 * sub);
  double v = a * (AL_SIM_SQRT3 / 2.0) * j + a * sub * (AL_SIM_SQRT3 / 6.0);
  double c = cos (g->rotation), s = sin (g->rotation);

  *x = g->ox + c * u - s * v;
  *y = g->oy + s * u + c * v;
}

/* The grain that owns a point: the last one whose half-plane holds it. */
static guint
grain_at (const AlSimScene *scene,
          double            x,
          double            y)
{
  guint owner = 0;

  for (guint g = 1; g < scene->n_grains; g++)
    {
      const AlSimGrain *gr = &scene->grains[g];
      if (gr->nx * x + gr->ny * y >= gr->c)
        owner = g;
    }
  return owner;
}

void
al_sim_column_set_species (AlSimColumn      *column,
                           const AlMaterial *material,
                           int               species)
{
  const AlSpecies *sp = &material->species[species];

  column->species = species;
  column->n_z = sp->n_atoms;
  for (guint k = 0; k < sp->n_atoms && k < AL_SIM_MAX_Z; k++)
    column->z[k] = sp->z[k];
}

/* Range of lattice indices whose sites can fall in the build area. */
static void
index_range (const AlSimScene *scene,
             guint             grain,
             gint32           *imin,
             gint32           *imax,
             gint32           *jmin,
             gint32           *jmax)
{
  const AlSimGrain *g = &scene->grains[grain];
  double a = scene->material->a_nm;
  double c = cos (g->rotation), s = sin (g->rotation);
  double corners[4][2] = { { scene->x0, scene->y0 }, { scene->x1, scene->y0 },
                           { scene->x0, scene->y1 }, { scene->x1, scene->y1 } };
  double lo_i = G_MAXDOUBLE, hi_i = -G_MAXDOUBLE, lo_j = G_MAXDOUBLE, hi_j = -G_MAXDOUBLE;

  for (int k = 0; k < 4; k++)
    {
      double dx = corners[k][0] - g->ox, dy = corners[k][1] - g->oy;
      double u = c * dx + s * dy, v = -s * dx + c * dy;
      double j = v / (a * AL_SIM_SQRT3 / 2.0);
      double i = u / a - 0.5 * j;
      lo_i = MIN (lo_i, i);
      hi_i = MAX (hi_i, i);
      lo_j = MIN (lo_j, j);
      hi_j = MAX (hi_j, j);
    }
  *imin = (gint32) floor (lo_i) - 2;
  *imax = (gint32) ceil (hi_i) + 2;
  *jmin = (gint32) floor (lo_j) - 2;
  *jmax = (gint32) ceil (hi_j) + 2;
}

void
al_sim_lattice_build (const AlSimScene *scene,
                      GArray           *columns)
{
  const AlMaterial *m = scene->material;

  for (guint g = 0; g < scene->n_grains; g++)
    {
      gint32 imin, imax, jmin, jmax;

      index_range (scene, g, &imin, &imax, &jmin, &jmax);
      for (gint32 j = jmin; j <= jmax; j++)
        for (gint32 i = imin; i <= imax; i++)
          for (guint sub = 0; sub < 2; sub++)
            {
              AlSimColumn col = { 0 };

              al_sim_lattice_site (scene, g, i, j, sub, &col.x, &col.y);
              if (col.x < scene->x0 || col.x > scene->x1 || col.y < scene->y0 || col.y > scene->y1)
                continue;
              if (grain_at (scene, col.x, col.y) != g || al_sim_in_vacuum (scene, col.x, col.y))
                continue;
              col.grain = g;
              col.sub = sub;
              col.i = i;
              col.j = j;
              col.defect_id = -1;
              col.defect_type = AL_DEFECT_NONE;
              al_sim_column_set_species (&col, m, m->site_species[sub]);
              g_array_append_val (columns, col);
            }
    }
}

AlSimSites *
al_sim_sites_new (const GArray *columns)
{
  AlSimSites *sites = g_new0 (AlSimSites, 1);
  gint32 imax[AL_SIM_MAX_GRAINS], jmax[AL_SIM_MAX_GRAINS];

  for (guint g = 0; g < AL_SIM_MAX_GRAINS; g++)
    {
      sites->imin[g] = sites->jmin[g] = G_MAXINT32;
      imax[g] = jmax[g] = G_MININT32;
    }
  for (guint k = 0; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      if (c->grain < 0)
        continue;
      sites->imin[c->grain] = MIN (sites->imin[c->grain], c->i);
      sites->jmin[c->grain] = MIN (sites->jmin[c->grain], c->j);
      imax[c->grain] = MAX (imax[c->grain], c->i);
      jmax[c->grain] = MAX (jmax[c->grain], c->j);
    }
  for (guint g = 0; g < AL_SIM_MAX_GRAINS; g++)
    if (imax[g] >= sites->imin[g])
      {
        gsize n;
        sites->ni[g] = imax[g] - sites->imin[g] + 1;
        sites->nj[g] = jmax[g] - sites->jmin[g] + 1;
        n = (gsize) sites->ni[g] * sites->nj[g] * 3;
        sites->index[g] = g_new (gint32, n);
        for (gsize q = 0; q < n; q++)
          sites->index[g][q] = -1;
      }
  for (guint k = 0; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      if (c->grain < 0 || c->removed)
        continue;
      sites->index[c->grain][((gsize) (c->j - sites->jmin[c->grain]) * sites->ni[c->grain]
                              + (c->i - sites->imin[c->grain])) * 3 + c->sub] = (gint32) k;
    }
  return sites;
}

void
al_sim_sites_free (AlSimSites *sites)
{
  if (sites == NULL)
    return;
  for (guint g = 0; g < AL_SIM_MAX_GRAINS; g++)
    g_free (sites->index[g]);
  g_free (sites);
}

int
al_sim_sites_find (const AlSimSites *sites,
                   gint8             grain,
                   gint32            i,
                   gint32            j,
                   guint8            sub)
{
  if (grain < 0 || grain >= AL_SIM_MAX_GRAINS || sites->index[grain] == NULL || sub > 2)
    return -1;
  i -= sites->imin[grain];
  j -= sites->jmin[grain];
  if (i < 0 || j < 0 || i >= sites->ni[grain] || j >= sites->nj[grain])
    return -1;
  return sites->index[grain][((gsize) j * sites->ni[grain] + i) * 3 + sub];
}

/* Neighbours of A at (i,j): B at (i,j), (i-1,j), (i,j-1); of B: A at
 * (i,j), (i+1,j), (i,j+1). */
void
al_sim_lattice_neighbour (gint32  i,
                          gint32  j,
                          guint8  sub,
                          guint   dir,
                          gint32 *ni,
                          gint32 *nj)
{
  static const int da[3][2] = { { 0, 0 }, { -1, 0 }, { 0, -1 } };
  int sign = sub == 0 ? 1 : -1;

  *ni = i + sign * da[dir % 3][0];
  *nj = j + sign * da[dir % 3][1];
}
