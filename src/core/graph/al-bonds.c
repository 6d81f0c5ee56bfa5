/* al-bonds.c: the bond graph: distance windows per species pair, found with
 * a cell grid, then half-edges sorted by direction. */
#include "graph/al-bonds.h"

#include <math.h>
#include <stdlib.h>

#include "al-error.h"
#include "graph/al-select.h"

/* Area per atom of a honeycomb in units of d²: (3√3/4) d². */
#define AL_HONEYCOMB_AREA_PER_ATOM 1.299038
/* Distances around the first estimate of d that count as neighbours when
 * refining it. */
#define AL_NN_REFINE_LOW 0.75
#define AL_NN_REFINE_HIGH 1.2
/* Atoms sampled to measure d; more adds time, not accuracy. */
#define AL_NN_SAMPLE_MAX 20000
/* Atoms closer than this fraction of d are one column seen twice: not bonded. */
/* Longest bond of any species pair, as a multiple of d (Si–Si in graphene). */
#define AL_BOND_MAX_PAIR_SCALE 1.5
/* Above this many bonds per atom the input is not a 2D crystal. */
#define AL_BONDS_MAX_PER_ATOM 12

/* In a TMD preset the metal columns hold one heavy atom (Mo, W); chalcogen
 * columns hold S or Se. Te in WSe2 shares a column with Se. */
gboolean
al_species_is_metal (const AlMaterial *material,
                     int               species)
{
  const AlSpecies *s;

  if (material == NULL || !material->is_tmd || species < 0 || (guint) species >= material->n_species)
    return FALSE;
  s = &material->species[species];
  return s->n_atoms == 1 && s->z[0] > 36;
}

static gboolean
species_is (const AlMaterial *material,
            int               species,
            const char       *name)
{
  return species >= 0 && (guint) species < material->n_species
         && g_strcmp0 (material->species[species].name, name) == 0;
}

/* Bond length of a species pair relative to the host's d. Si–C bonds are
 * 1.25 d in projection (1.77 Å against 1.42 Å). */
double
al_bonds_pair_scale (const AlMaterial *material,
                     int               species_a,
                     int               species_b)
{
  int n_si;

  if (material == NULL || material->id != AL_MATERIAL_GRAPHENE)
    return 1.0;
  n_si = species_is (material, species_a, "Si") + species_is (material, species_b, "Si");
  return n_si == 0 ? 1.0 : n_si == 1 ? 1.25 : AL_BOND_MAX_PAIR_SCALE;
}

/* In a TMD seen from above, chalcogen columns neighbour only metal columns:
 * two chalcogen columns at distance d (as in 1T) are not bonded. A metal on
 * a chalcogen site (antisite) does bond to its metal neighbours. */
gboolean
al_bonds_pair_allowed (const AlMaterial *material,
                       int               species_a,
                       int               species_b)
{
  if (material == NULL || !material->is_tmd)
    return TRUE;
  if (species_a < 0 || species_b < 0)
    return TRUE;
  return al_species_is_metal (material, species_a) || al_species_is_metal (material, species_b);
}

typedef struct
{
  const AlAtoms *atoms;
  guint          self;
  double         lo, hi;
  GArray        *out;
} Around;

static gboolean
around_visit (guint    j,
              double   d2,
              gpointer user_data)
{
  Around *a = user_data;
  double d = sqrt (d2);

  if (j != a->self && d >= a->lo && d <= a->hi)
    g_array_append_val (a->out, d);
  return TRUE;
}

/* The nearest-neighbour distance, px: the median distance between
 * neighbours; 0 when there are fewer than two atoms. */
double
al_bonds_measure_nn (const AlAtoms *atoms)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  double guess, *dist;
  guint n = atoms->n_atoms, stride, n_dist = 0;
  g_autoptr (AlCellGrid) grid = NULL;
  double result;

  if (n < 2)
    return 0.0;
  for (guint i = 0; i < n; i++)
    {
      x0 = MIN (x0, atoms->x[i]);
      x1 = MAX (x1, atoms->x[i]);
      y0 = MIN (y0, atoms->y[i]);
      y1 = MAX (y1, atoms->y[i]);
    }
  /* Vacuum makes the density lower and the guess larger: the search radius
   * errs on the safe side. */
  guess = sqrt (MAX ((x1 - x0) * (y1 - y0), 1.0) / (n * AL_HONEYCOMB_AREA_PER_ATOM));
  guess = MAX (guess, 1e-3);
  grid = al_cell_grid_new (atoms->x, atoms->y, n, guess);
  stride = MAX (1u, n / AL_NN_SAMPLE_MAX);
  dist = g_new (double, n / stride + 1);
  for (guint i = 0; i < n; i += stride)
    {
      double d;
      if (al_cell_grid_nearest (grid, atoms->x[i], atoms->y[i], 2.0 * guess, (int) i, &d) >= 0
          && d > 0.0)
        dist[n_dist++] = d;
    }
  if (n_dist == 0)
    {
      g_free (dist);
      return 0.0;
    }
  result = al_select_median (dist, n_dist);
  g_free (dist);
  /* The nearest of three noisy neighbours is biased short by almost a
   * standard deviation of the noise; the median of all neighbours around
   * that first estimate is not. */
  {
    GArray *all = g_array_new (FALSE, FALSE, sizeof (double));
    Around around = { atoms, 0, AL_NN_REFINE_LOW * result, AL_NN_REFINE_HIGH * result, all };
    for (guint i = 0; i < n; i += stride)
      {
        around.self = i;
        al_cell_grid_query (grid, atoms->x[i], atoms->y[i], around.hi, around_visit, &around);
      }
    if (all->len > 0)
      result = al_select_median ((double *) all->data, all->len);
    g_array_unref (all);
  }
  return result;
}

typedef struct
{
  const AlAtoms    *atoms;
  const AlMaterial *material;
  guint             i;
  double            lo, hi;
  GArray           *pairs;  /* guint32 pairs a, b */
} Collect;

static gboolean
collect_visit (guint    j,
               double   d2,
               gpointer user_data)
{
  Collect *c = user_data;
  int si = c->atoms->species[c->i], sj = c->atoms->species[j];
  double scale, d;

  if (j <= c->i || !al_bonds_pair_allowed (c->material, si, sj))
    return TRUE;
  scale = al_bonds_pair_scale (c->material, si, sj);
  d = sqrt (d2);
  if (d >= c->lo && d <= c->hi * scale)
    {
      guint32 pair[2] = { c->i, j };
      g_array_append_vals (c->pairs, pair, 2);
    }
  return TRUE;
}

static void
sort_half_edges (AlBonds *bonds,
                 guint    atom)
{
  guint32 start = bonds->offset[atom], end = bonds->offset[atom + 1];

  /* Insertion sort: an atom has a handful of bonds. */
  for (guint32 k = start + 1; k < end; k++)
    {
      float ang = bonds->angle[k];
      guint32 nb = bonds->neighbour[k], bd = bonds->bond[k];
      guint32 m = k;
      while (m > start && bonds->angle[m - 1] > ang)
        {
          bonds->angle[m] = bonds->angle[m - 1];
          bonds->neighbour[m] = bonds->neighbour[m - 1];
          bonds->bond[m] = bonds->bond[m - 1];
          m--;
        }
      bonds->angle[m] = ang;
      bonds->neighbour[m] = nb;
      bonds->bond[m] = bd;
    }
}

static void
build_half_edges (AlBonds       *bonds,
                  const AlAtoms *atoms)
{
  guint n = bonds->n_atoms;
  guint32 *fill;

  bonds->offset = g_new0 (guint32, n + 1);
  bonds->neighbour = g_new (guint32, 2 * (gsize) bonds->n_bonds + 1);
  bonds->bond = g_new (guint32, 2 * (gsize) bonds->n_bonds + 1);
  bonds->angle = g_new (float, 2 * (gsize) bonds->n_bonds + 1);
  bonds->twin = g_new (guint32, 2 * (gsize) bonds->n_bonds + 1);
  for (guint k = 0; k < bonds->n_bonds; k++)
    {
      bonds->offset[bonds->a[k] + 1]++;
      bonds->offset[bonds->b[k] + 1]++;
    }
  for (guint i = 0; i < n; i++)
    bonds->offset[i + 1] += bonds->offset[i];
  fill = g_memdup2 (bonds->offset, (n + 1) * sizeof (guint32));
  for (guint k = 0; k < bonds->n_bonds; k++)
    {
      guint32 a = bonds->a[k], b = bonds->b[k];
      guint32 ha = fill[a]++, hb = fill[b]++;
      double dx = atoms->x[b] - atoms->x[a], dy = atoms->y[b] - atoms->y[a];
      bonds->neighbour[ha] = b;
      bonds->neighbour[hb] = a;
      bonds->bond[ha] = bonds->bond[hb] = k;
      bonds->angle[ha] = (float) atan2 (dy, dx);
      bonds->angle[hb] = (float) atan2 (-dy, -dx);
    }
  g_free (fill);
  for (guint i = 0; i < n; i++)
    sort_half_edges (bonds, i);
  for (guint i = 0; i < n; i++)
    for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
      {
        guint32 j = bonds->neighbour[h];
        for (guint32 t = bonds->offset[j]; t < bonds->offset[j + 1]; t++)
          if (bonds->neighbour[t] == i && bonds->bond[t] == bonds->bond[h])
            {
              bonds->twin[h] = t;
              break;
            }
      }
}

static gboolean
bonded (const AlBonds *bonds,
        guint32        i,
        guint32        j,
        guint32       *bond)
{
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    if (bonds->neighbour[h] == j)
      {
        *bond = bonds->bond[h];
        return TRUE;
      }
  return FALSE;
}

/* No 2D crystal we handle has three-membered rings (TMD chalcogens do not
 * bond to each other, sp² carbon and BN make no triangles): a triangle
 * means a stretched second-neighbour distance fell inside the window, as
 * across the rings of a relaxed defect. Its longest side goes. Returns
 * TRUE when bonds were removed (half-edges must then be rebuilt). */
static gboolean
drop_triangle_bonds (AlBonds *bonds)
{
  g_autofree guint8 *drop = g_new0 (guint8, bonds->n_bonds + 1);
  guint n_keep = 0;

  for (guint32 e = 0; e < bonds->n_bonds; e++)
    {
      guint32 i = bonds->a[e], j = bonds->b[e];
      for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
        {
          guint32 k = bonds->neighbour[h], ejk, eik = bonds->bond[h], longest;
          if (k <= j || !bonded (bonds, j, k, &ejk))
            continue;
          longest = e;
          if (bonds->length[eik] > bonds->length[longest])
            longest = eik;
          if (bonds->length[ejk] > bonds->length[longest])
            longest = ejk;
          drop[longest] = 1;
        }
    }
  for (guint32 e = 0; e < bonds->n_bonds; e++)
    if (!drop[e])
      {
        bonds->a[n_keep] = bonds->a[e];
        bonds->b[n_keep] = bonds->b[e];
        bonds->length[n_keep] = bonds->length[e];
        n_keep++;
      }
  if (n_keep == bonds->n_bonds)
    return FALSE;
  bonds->n_bonds = n_keep;
  return TRUE;
}

static gboolean
check_positions (const AlAtoms *atoms,
                 GError       **error)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (!isfinite (atoms->x[i]) || !isfinite (atoms->y[i]))
      {
        g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                     "Atom %u has no finite position; cannot build bonds", i);
        return FALSE;
      }
  return TRUE;
}

/* Builds the bond graph of `atoms`. `material` may be NULL (all pairs may
 * bond, all at d); `params` may be NULL (defaults). */
AlBonds *
al_bonds_build (const AlAtoms      *atoms,
                const AlMaterial   *material,
                const AlBondParams *params,
                GError            **error)
{
  g_autoptr (AlBonds) bonds = g_new0 (AlBonds, 1);
  double nn = params && params->nn_px > 0.0 ? params->nn_px : 0.0;
  double lo_f = params && params->min_fraction > 0.0 ? params->min_fraction : AL_BOND_MIN_FRACTION;
  double hi_f = params && params->max_fraction > 0.0 ? params->max_fraction : AL_BOND_MAX_FRACTION;
  Collect c = { atoms, material, 0, 0.0, 0.0, NULL };
  g_autoptr (GArray) pairs = NULL;

  g_return_val_if_fail (atoms != NULL, NULL);
  if (!check_positions (atoms, error))
    return NULL;
  if (nn <= 0.0)
    nn = al_bonds_measure_nn (atoms);
  bonds->n_atoms = atoms->n_atoms;
  bonds->nn_px = nn;
  if (nn <= 0.0)
    nn = 1.0;  /* fewer than two atoms: an empty graph, any scale will do */

  bonds->grid = al_cell_grid_new (atoms->x, atoms->y, atoms->n_atoms, hi_f * nn);
  pairs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), 3 * (gsize) atoms->n_atoms + 2);
  c.pairs = pairs;
  c.lo = lo_f * nn;
  c.hi = hi_f * nn;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      c.i = i;
      al_cell_grid_query (bonds->grid, atoms->x[i], atoms->y[i],
                          c.hi * AL_BOND_MAX_PAIR_SCALE, collect_visit, &c);
      if (pairs->len > 2 * (gsize) AL_BONDS_MAX_PER_ATOM * MAX (atoms->n_atoms, 1))
        {
          g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                       "The atoms are too crowded to be a 2D crystal "
                       "(more than %d bonds per atom)", AL_BONDS_MAX_PER_ATOM);
          return NULL;
        }
    }
  bonds->n_bonds = pairs->len / 2;
  bonds->a = g_new (guint32, bonds->n_bonds + 1);
  bonds->b = g_new (guint32, bonds->n_bonds + 1);
  bonds->length = g_new (double, bonds->n_bonds + 1);
  for (guint k = 0; k < bonds->n_bonds; k++)
    {
      guint32 a = g_array_index (pairs, guint32, 2 * k), b = g_array_index (pairs, guint32, 2 * k + 1);
      bonds->a[k] = a;
      bonds->b[k] = b;
      bonds->length[k] = hypot (atoms->x[b] - atoms->x[a], atoms->y[b] - atoms->y[a]);
    }
  build_half_edges (bonds, atoms);
  if (drop_triangle_bonds (bonds))
    {
      g_clear_pointer (&bonds->offset, g_free);
      g_clear_pointer (&bonds->neighbour, g_free);
      g_clear_pointer (&bonds->bond, g_free);
      g_clear_pointer (&bonds->angle, g_free);
      g_clear_pointer (&bonds->twin, g_free);
      build_half_edges (bonds, atoms);
    }
  return g_steal_pointer (&bonds);
}

/* A bond graph of `atoms` made of the given bonds (pairs a < b, each
 * once), measured with the nearest-neighbour distance `nn_px`: the graph of
 * a field spliced from parts built by al_bonds_build(). */
AlBonds *
al_bonds_new_from_pairs (const AlAtoms *atoms,
                         const guint32 *pairs,
                         guint          n_pairs,
                         double         nn_px)
{
  AlBonds *bonds = g_new0 (AlBonds, 1);

  bonds->n_atoms = atoms->n_atoms;
  bonds->nn_px = nn_px;
  bonds->grid = al_cell_grid_new (atoms->x, atoms->y, atoms->n_atoms,
                                  AL_BOND_MAX_FRACTION * (nn_px > 0.0 ? nn_px : 1.0));
  bonds->n_bonds = n_pairs;
  bonds->a = g_new (guint32, n_pairs + 1);
  bonds->b = g_new (guint32, n_pairs + 1);
  bonds->length = g_new (double, n_pairs + 1);
  for (guint k = 0; k < n_pairs; k++)
    {
      guint32 a = pairs[2 * k], b = pairs[2 * k + 1];
      bonds->a[k] = MIN (a, b);
      bonds->b[k] = MAX (a, b);
      bonds->length[k] = hypot (atoms->x[b] - atoms->x[a], atoms->y[b] - atoms->y[a]);
    }
  build_half_edges (bonds, atoms);
  return bonds;
}

void
al_bonds_free (AlBonds *bonds)
{
  if (bonds == NULL)
    return;
  g_free (bonds->a);
  g_free (bonds->b);
  g_free (bonds->length);
  g_free (bonds->offset);
  g_free (bonds->neighbour);
  g_free (bonds->bond);
  g_free (bonds->angle);
  g_free (bonds->twin);
  al_cell_grid_free (bonds->grid);
  g_free (bonds);
}

/* Writes each atom's number of bonds into atoms->coordination. */
void
al_bonds_set_coordination (const AlBonds *bonds,
                           AlAtoms       *atoms)
{
  g_return_if_fail (bonds->n_atoms == atoms->n_atoms);
  for (guint i = 0; i < atoms->n_atoms; i++)
    atoms->coordination[i] = (guint8) MIN (al_bonds_degree (bonds, i), 255u);
}

void
al_bonds_angle_stats (const AlBonds *bonds,
                      guint          atom,
                      double        *max_gap_deg,
                      double        *rms_dev_deg)
{
  guint32 start = bonds->offset[atom];
  guint deg = al_bonds_degree (bonds, atom);
  double ideal, max_gap = 360.0, sum2 = 0.0;

  if (deg < 2)
    {
      *max_gap_deg = 360.0;
      *rms_dev_deg = deg == 0 ? 0.0 : 180.0;
      return;
    }
  ideal = 360.0 / deg;
  max_gap = 0.0;
  for (guint k = 0; k < deg; k++)
    {
      double a0 = bonds->angle[start + k];
      double a1 = k + 1 < deg ? bonds->angle[start + k + 1] : bonds->angle[start] + 2.0 * G_PI;
      double gap = (a1 - a0) * 180.0 / G_PI;
      max_gap = MAX (max_gap, gap);
      sum2 += (gap - ideal) * (gap - ideal);
    }
  *max_gap_deg = max_gap;
  *rms_dev_deg = sqrt (sum2 / deg);
}
