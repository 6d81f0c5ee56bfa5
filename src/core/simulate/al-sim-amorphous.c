/* al-sim-amorphous.c: an amorphous patch of the material itself, as left
 * by beam damage or a disordered growth region: inside the patch the
 * lattice is gone and the same elements sit at random projected positions.
 *
 * The atoms are placed by random sequential addition (a new atom is kept
 * only if no atom lies closer than a minimum spacing), the standard model
 * of a disordered hard-core packing (Widom, J. Chem. Phys. 44, 3888
 * (1966)), at slightly below the crystal's projected atom density:
 * amorphous solids are a few per cent less dense than their crystals. Each
 * atom is one column with one atom (a metal, or a single chalcogen for
 * TMDs), in the crystal's metal:chalcogen ratio, so the truth lists every
 * one with its species and the "amorphous" defect.
 */
#include "al-sim-private.h"

#include <math.h>

/* Projected atom density relative to the crystal's. */
#define AL_SIM_AMORPHOUS_DENSITY 0.9
/* Smallest projected distance between two atoms, in nearest-neighbour
 * distances of the crystal (0.11 nm in MoS2): atoms of a disordered layer
 * rarely overlap in projection. At this spacing the density asked for is
 * about half of random sequential addition's jamming limit (coverage
 * 0.547), where a random point is still free about one time in ten. */
#define AL_SIM_AMORPHOUS_MIN_NN 0.6
/* Candidate positions tried per atom; an atom with no free one is left
 * out (rare: 0.9^100). */
#define AL_SIM_AMORPHOUS_TRIES 100

/* Atoms per nm² in the perfect crystal's projection, and the share of
 * them on sublattice A (the metal in a TMD). */
static double
crystal_density (const AlMaterial *m,
                 double           *share_a)
{
  double cell_nm2 = 0.5 * sqrt (3.0) * m->a_nm * m->a_nm;
  double na = m->species[m->site_species[0]].n_atoms;
  double nb = m->species[m->site_species[1]].n_atoms;

  *share_a = na / (na + nb);
  return (na + nb) / cell_nm2;
}

static gboolean
too_close (const GArray    *columns,
           const AlSimGrid *grid,
           guint            first_new,
           GArray          *near,
           double           x,
           double           y,
           double           spacing)
{
  /* Columns before first_new are the ones the grid indexes (the lattice
   * around the patch); the patch's own atoms are few hundred at most, so
   * they are checked directly. */
  al_sim_grid_query (grid, columns, x, y, spacing, near);
  if (near->len > 0)
    return TRUE;
  for (guint k = first_new; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      if (hypot (c->x - x, c->y - y) < spacing)
        return TRUE;
    }
  return FALSE;
}

void
al_sim_amorphous_apply (const AlSimScene  *scene,
                        const AlSimRegion *reg,
                        GArray            *columns)
{
  const AlMaterial *m = scene->material;
  int single_b = m->is_tmd ? 2 : m->site_species[1];
  double share_a, spacing = AL_SIM_AMORPHOUS_MIN_NN * scene->nn;
  double density = AL_SIM_AMORPHOUS_DENSITY * crystal_density (m, &share_a);
  guint n_atoms = (guint) lround (density * G_PI * reg->radius * reg->radius);
  guint first_new = columns->len;
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));
  AlSimGrid *grid;
  AlSimRng rng;

  for (guint k = 0; k < columns->len; k++)
    {
      AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      if (!c->removed && hypot (c->x - reg->cx, c->y - reg->cy) <= reg->radius)
        c->removed = 1;
    }
  grid = al_sim_grid_new (columns, scene->nn);
  al_sim_rng_init (&rng, reg->seed);
  for (guint q = 0; q < n_atoms; q++)
    {
      AlSimColumn a = { 0 };
      gboolean placed = FALSE;

      for (int t = 0; t < AL_SIM_AMORPHOUS_TRIES && !placed; t++)
        {
          /* Uniform in the disc. */
          double r = reg->radius * sqrt (al_sim_rng_uniform (&rng));
          double phi = 2 * G_PI * al_sim_rng_uniform (&rng);
          a.x = reg->cx + r * cos (phi);
          a.y = reg->cy + r * sin (phi);
          placed = !al_sim_in_vacuum (scene, a.x, a.y)
                   && !too_close (columns, grid, first_new, near, a.x, a.y, spacing);
        }
      if (!placed)
        continue;
      al_sim_column_set_species (&a, m, al_sim_rng_uniform (&rng) < share_a
                                        ? m->site_species[0] : single_b);
      a.grain = -1;
      a.defect_type = AL_DEFECT_AMORPHOUS;
      a.defect_id = (gint32) reg->id;
      g_array_append_val (columns, a);
    }
  al_sim_grid_free (grid);
}
