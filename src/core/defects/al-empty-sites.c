/* al-empty-sites.c: lattice sites with no atom. */
#include "defects/al-empty-sites.h"

#include <math.h>
#include <string.h>

#include "strain/al-strain.h"

/* No atom within this fraction of d of a site: the site is empty. */
#define AL_EMPTY_SITE_RADIUS_NN 0.45
/* A second-neighbour site counts as occupied with an atom this close. */
#define AL_EMPTY_SITE_SHELL_RADIUS_NN 0.5
#define AL_EMPTY_SITE_MIN_VOTERS 2
/* At the border of the field: fewest shell sites inside it, all held, and
 * how far inside the outermost atoms (in d) the site itself must be. */
#define AL_EMPTY_SITE_MIN_SHELL_AT_BORDER 3
#define AL_EMPTY_SITE_FIELD_MARGIN_NN 0.3

static const int nn_step[2][3][2] = {
  { { 0, 0 }, { -1, 0 }, { 0, -1 } },
  { { 0, 0 }, { 1, 0 }, { 0, 1 } },
};
static const int shell_step[6][2] = {
  { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 }, { 1, -1 }, { -1, 1 },
};

typedef struct
{
  AlEmptySite site;
  double      sx, sy;   /* sums of predictions */
  double      f[4];     /* local map of the first voter */
} Candidate;

static guint64
site_key (gint32 n1,
          gint32 n2,
          int    sub)
{
  return ((guint64) (guint32) n1 << 33) ^ ((guint64) (guint32) n2 << 1) ^ (guint64) sub;
}

static gboolean
has_bonded_label (const AlBonds         *bonds,
                  const AlHoneycombLabels *labels,
                  guint                  atom,
                  gint32                 n1,
                  gint32                 n2,
                  int                    sub)
{
  for (guint32 h = bonds->offset[atom]; h < bonds->offset[atom + 1]; h++)
    {
      guint j = bonds->neighbour[h];
      if (labels->n1[j] == n1 && labels->n2[j] == n2 && labels->sub[j] == sub)
        return TRUE;
    }
  return FALSE;
}

static void
apply_map (const double f[4],
           double       vx,
           double       vy,
           double      *x,
           double      *y)
{
  *x = f[0] * vx + f[1] * vy;
  *y = f[2] * vx + f[3] * vy;
}

static void
vote (GHashTable            *candidates,
      const AlAtoms         *atoms,
      const AlBonds         *bonds,
      const AlHoneycombLabels *labels,
      const AlHoneycomb       *lattice,
      guint                  i,
      const double           f[4])
{
  int s = labels->sub[i];
  double nn = bonds->nn_px;

  for (int k = 0; k < 3; k++)
    {
      gint32 n1 = labels->n1[i] + nn_step[s][k][0], n2 = labels->n2[i] + nn_step[s][k][1];
      double vx, vy, px, py;
      Candidate *c;
      guint64 key;

      if (has_bonded_label (bonds, labels, i, n1, n2, 1 - s))
        continue;
      al_honeycomb_vector (lattice, nn_step[s][k][0], nn_step[s][k][1], 1 - 2 * s, &vx, &vy);
      apply_map (f, vx, vy, &px, &py);
      px += atoms->x[i];
      py += atoms->y[i];
      if (al_cell_grid_nearest (bonds->grid, px, py, AL_EMPTY_SITE_RADIUS_NN * nn, -1, NULL) >= 0)
        continue;
      key = site_key (n1, n2, 1 - s);
      c = g_hash_table_lookup (candidates, &key);
      if (c == NULL)
        {
          guint64 *k2 = g_new (guint64, 1);
          *k2 = key;
          c = g_new0 (Candidate, 1);
          c->site.n1 = n1;
          c->site.n2 = n2;
          c->site.sub = (gint8) (1 - s);
          memcpy (c->f, f, sizeof c->f);
          g_hash_table_insert (candidates, k2, c);
        }
      if (c->site.n_voters < AL_EMPTY_SITE_MAX_VOTERS)
        c->site.voters[c->site.n_voters++] = i;
      c->sx += px;
      c->sy += py;
    }
}

typedef struct
{
  double x0, y0, x1, y1;
} Box;

static gboolean
in_box (const Box *b,
        double     x,
        double     y,
        double     margin)
{
  return x >= b->x0 + margin && y >= b->y0 + margin && x <= b->x1 - margin && y <= b->y1 - margin;
}

/* A site is enclosed when its six second-neighbour sites hold atoms. At the
 * border of the field, shell sites beyond the outermost atoms are unknown,
 * not empty: then every shell site inside must be held. */
static gboolean
enclosed (const Candidate   *c,
          const AlBonds     *bonds,
          const AlHoneycomb *lattice,
          const Box         *field,
          guint              min_shell)
{
  guint n_occupied = 0, n_inside = 0;
  double nn = bonds->nn_px;

  if (!in_box (field, c->site.x, c->site.y, AL_EMPTY_SITE_FIELD_MARGIN_NN * nn))
    return FALSE;
  for (int k = 0; k < 6; k++)
    {
      double vx, vy, px, py;
      al_honeycomb_vector (lattice, shell_step[k][0], shell_step[k][1], 0, &vx, &vy);
      apply_map (c->f, vx, vy, &px, &py);
      if (!in_box (field, c->site.x + px, c->site.y + py, -AL_EMPTY_SITE_SHELL_RADIUS_NN * nn))
        continue;
      n_inside++;
      if (al_cell_grid_nearest (bonds->grid, c->site.x + px, c->site.y + py,
                                AL_EMPTY_SITE_SHELL_RADIUS_NN * nn, -1, NULL) >= 0)
        n_occupied++;
    }
  if (n_inside == 6)
    return n_occupied >= min_shell;
  return n_inside >= AL_EMPTY_SITE_MIN_SHELL_AT_BORDER && n_occupied == n_inside;
}

static int
compare_sites (gconstpointer a,
               gconstpointer b)
{
  const AlEmptySite *x = a, *y = b;

  if (x->y != y->y)
    return x->y < y->y ? -1 : 1;
  return (x->x > y->x) - (x->x < y->x);
}

/* The empty sites of the lattice, as an array of AlEmptySite sorted by
 * position (so results do not depend on hash order). */
GArray *
al_empty_sites_find (const AlAtoms         *atoms,
                     const AlBonds         *bonds,
                     const AlHoneycombLabels *labels,
                     const AlHoneycomb       *lattice,
                     guint                    min_shell)
{
  g_autoptr (GHashTable) candidates = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  GArray *sites = g_array_new (FALSE, FALSE, sizeof (AlEmptySite));
  GHashTableIter iter;
  gpointer value;
  Box field = { INFINITY, INFINITY, -INFINITY, -INFINITY };

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      field.x0 = MIN (field.x0, atoms->x[i]);
      field.y0 = MIN (field.y0, atoms->y[i]);
      field.x1 = MAX (field.x1, atoms->x[i]);
      field.y1 = MAX (field.y1, atoms->y[i]);
    }

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double f[4] = { 1.0, 0.0, 0.0, 1.0 };
      gboolean missing = FALSE;
      int s = labels->sub[i];

      if (s < 0)
        continue;
      /* Atoms with all three lattice neighbours predict nothing: skip the
       * local fit for them. */
      for (int k = 0; k < 3 && !missing; k++)
        missing = !has_bonded_label (bonds, labels, i, labels->n1[i] + nn_step[s][k][0],
                                     labels->n2[i] + nn_step[s][k][1], 1 - s);
      if (!missing)
        continue;
      if (!al_strain_local_map (atoms, bonds, labels, lattice, i, f))
        {
          f[0] = f[3] = 1.0;
          f[1] = f[2] = 0.0;
        }
      vote (candidates, atoms, bonds, labels, lattice, i, f);
    }
  g_hash_table_iter_init (&iter, candidates);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Candidate *c = value;
      if (c->site.n_voters < AL_EMPTY_SITE_MIN_VOTERS)
        continue;
      c->site.x = c->sx / c->site.n_voters;
      c->site.y = c->sy / c->site.n_voters;
      if (enclosed (c, bonds, lattice, &field, min_shell))
        g_array_append_val (sites, c->site);
    }
  g_array_sort (sites, compare_sites);
  return sites;
}
