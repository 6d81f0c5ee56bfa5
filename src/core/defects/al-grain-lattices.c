/* al-grain-lattices.c: grains cut apart at their boundaries, each labelled
 * and fitted with its own honeycomb. */
#include "defects/al-grain-lattices.h"

#include <math.h>

#define NONE G_MAXUINT32

/* Marks the members of every grain boundary. Returns how many boundaries. */
static guint
mark_boundaries (const AlDefects *defects,
                 guint            n_atoms,
                 guint8          *cut)
{
  guint n = 0;

  for (guint k = 0; k < al_defects_len (defects); k++)
    {
      const AlDefect *d = al_defects_get (defects, k);
      const guint32 *m = al_defect_members (defects, d);
      if (d->type != AL_DEFECT_GRAIN_BOUNDARY)
        continue;
      n++;
      for (guint q = 0; q < d->n_members; q++)
        if (m[q] < n_atoms)
          cut[m[q]] = 1;
    }
  return n;
}

/* The atoms bonded to `seed` without crossing a cut atom. */
static void
grow_grain (const AlBonds *bonds,
            const guint8  *cut,
            guint32       *grain,
            guint32        id,
            guint32        seed,
            GArray        *members)
{
  g_array_set_size (members, 0);
  grain[seed] = id;
  g_array_append_val (members, seed);
  for (guint head = 0; head < members->len; head++)
    {
      guint32 i = g_array_index (members, guint32, head);
      for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
        {
          guint32 j = bonds->neighbour[h];
          if (grain[j] == NONE && !cut[j])
            {
              grain[j] = id;
              g_array_append_val (members, j);
            }
        }
    }
}

static gboolean
fit_grain (const AlAtoms    *atoms,
           const GArray     *members,
           const AlMaterial *material,
           double            nn_px,
           AlGrainLattice   *out)
{
  g_autoptr (AlAtoms) sub = al_atoms_new (members->len);
  g_autoptr (AlBonds) bonds = NULL;
  g_autoptr (AlHoneycombLabels) labels = NULL;
  AlBondParams bp = { nn_px, 0, 0 };
  const AlHoneycomb *l = &out->fit;
  double dot;

  out->cx = out->cy = 0.0;
  for (guint k = 0; k < members->len; k++)
    {
      guint32 i = g_array_index (members, guint32, k);
      guint s = al_atoms_append (sub, atoms->x[i], atoms->y[i], atoms->species[i]);
      sub->sigma_x[s] = atoms->sigma_x[i];
      sub->sigma_y[s] = atoms->sigma_y[i];
      out->cx += atoms->x[i] / members->len;
      out->cy += atoms->y[i] / members->len;
    }
  out->n_atoms = members->len;
  bonds = al_bonds_build (sub, material, &bp, NULL);
  if (bonds == NULL)
    return FALSE;
  labels = al_honeycomb_labels_new (sub, bonds, material);
  if (!al_honeycomb_fit (sub, labels, NULL, &out->fit, &out->fit_rms_px, NULL))
    return FALSE;
  out->a1_px = hypot (l->a1[0], l->a1[1]);
  out->a2_px = hypot (l->a2[0], l->a2[1]);
  out->a_px = 0.5 * (out->a1_px + out->a2_px);
  dot = l->a1[0] * l->a2[0] + l->a1[1] * l->a2[1];
  out->gamma_deg = acos (CLAMP (dot / (out->a1_px * out->a2_px), -1.0, 1.0)) * 180.0 / G_PI;
  out->orientation_deg = fmod (atan2 (l->a1[1], l->a1[0]) * 180.0 / G_PI + 360.0, 60.0);
  return TRUE;
}

static gint
larger_first (gconstpointer a,
              gconstpointer b)
{
  const AlGrainLattice *p = a, *q = b;

  return (p->n_atoms < q->n_atoms) - (p->n_atoms > q->n_atoms);
}

GArray *
al_grain_lattices_fit (const AlAtoms     *atoms,
                       const AlStructure *structure,
                       const AlMaterial  *material)
{
  GArray *grains = g_array_new (FALSE, FALSE, sizeof (AlGrainLattice));
  guint n = atoms->n_atoms;
  g_autofree guint8 *cut = NULL;
  g_autofree guint32 *grain = NULL;
  g_autoptr (GArray) members = NULL;
  guint32 n_grains = 0;

  if (structure == NULL || structure->bonds == NULL || structure->defects == NULL
      || structure->bonds->n_atoms != n)
    return grains;
  cut = g_new0 (guint8, n + 1);
  if (mark_boundaries (structure->defects, n, cut) == 0)
    return grains;
  grain = g_new (guint32, n + 1);
  for (guint i = 0; i < n; i++)
    grain[i] = NONE;
  members = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint32 i = 0; i < n; i++)
    {
      AlGrainLattice g = { 0 };
      if (grain[i] != NONE || cut[i])
        continue;
      grow_grain (structure->bonds, cut, grain, n_grains++, i, members);
      if (members->len >= AL_GRAIN_LATTICE_MIN_ATOMS
          && fit_grain (atoms, members, material, structure->bonds->nn_px, &g))
        g_array_append_val (grains, g);
    }
  if (grains->len < 2)
    g_array_set_size (grains, 0);
  g_array_sort (grains, larger_first);
  return grains;
}
