/* al-point-defects.c: species defects, and clusters of odd rings and empty
 * sites named by their ring signature. */
#include "defects/al-point-defects.h"

#include <math.h>

#include "defects/al-empty-sites.h"
#include "defects/al-ring-patterns.h"

/* Union–find over atoms (0 .. n-1) and empty sites (n ..). */
typedef struct
{
  guint32 *parent;
} Dsu;

static guint32
dsu_find (Dsu    *d,
          guint32 x)
{
  while (d->parent[x] != x)
    {
      d->parent[x] = d->parent[d->parent[x]];
      x = d->parent[x];
    }
  return x;
}

static void
dsu_union (Dsu    *d,
           guint32 a,
           guint32 b)
{
  a = dsu_find (d, a);
  b = dsu_find (d, b);
  if (a != b)
    d->parent[MAX (a, b)] = MIN (a, b);
}

static gboolean
species_named (const AlMaterial *m,
               int               species,
               const char       *name)
{
  return m != NULL && species >= 0 && (guint) species < m->n_species
         && g_strcmp0 (m->species[species].name, name) == 0;
}

/* TRUE when the atom's neighbours are mostly metals, so it stands on a
 * chalcogen site whatever its own species. */
static gboolean
on_chalcogen_site (const AlAtoms    *atoms,
                   const AlBonds    *bonds,
                   const AlMaterial *m,
                   guint             i)
{
  int metals = 0, others = 0;

  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    {
      if (al_species_is_metal (m, atoms->species[bonds->neighbour[h]]))
        metals++;
      else
        others++;
    }
  if (metals + others == 0)
    return !al_species_is_metal (m, atoms->species[i]);
  return metals > others;
}

static gboolean
touches_excluded (const AlBonds *bonds,
                  const guint8  *excluded,
                  guint          i)
{
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    if (excluded[bonds->neighbour[h]])
      return TRUE;
  return FALSE;
}

static void
find_tmd_species_defects (const AlAtoms    *atoms,
                          const AlBonds    *bonds,
                          const AlMaterial *m,
                          const guint8     *excluded,
                          guint             frame,
                          AlDefects        *defects)
{
  int host_metal = m->site_species[0], host_chalcogen = m->site_species[1];

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int s = atoms->species[i];
      gboolean chalcogen_site;
      AlDefectType type = AL_DEFECT_NONE;
      guint32 member = i;

      if ((excluded && excluded[i]) || s < 0 || (guint) s >= m->n_species || s == host_metal)
        {
          /* A host metal is a defect only off its site (handled below). */
          if (!(s == host_metal && on_chalcogen_site (atoms, bonds, m, i)
                && al_bonds_degree (bonds, i) >= 2 && !(excluded && excluded[i])))
            continue;
        }
      chalcogen_site = on_chalcogen_site (atoms, bonds, m, i);
      /* Beside another phase or an edge the site is not a 2H one. */
      if (excluded != NULL && touches_excluded (bonds, excluded, i))
        continue;
      if (al_species_is_metal (m, s))
        type = chalcogen_site && al_bonds_degree (bonds, i) >= 2 ? AL_DEFECT_MO_S2
               : s != host_metal ? AL_DEFECT_W_MO : AL_DEFECT_NONE;
      else if (s != host_chalcogen && chalcogen_site)
        type = m->species[s].n_atoms == 1 && m->species[s].z[0] == m->species[host_chalcogen].z[0]
                 ? AL_DEFECT_V_S : AL_DEFECT_W_MO;
      if (type != AL_DEFECT_NONE)
        al_defects_add (defects, type, frame, atoms->x[i], atoms->y[i], &member, 1);
    }
}

typedef struct
{
  guint n_empty;
  guint n_ring[AL_RING_MAX_SIZE + 1];
  int   silicon;         /* an Si atom in the cluster, or -1 */
  guint n_excluded;
  guint n_atoms;
  double sx, sy;         /* sum of empty-site positions */
} Cluster;

static AlDefectType
classify_cluster (const Cluster    *c,
                  const AlBonds    *bonds,
                  const AlMaterial *m)
{
  const guint *r = c->n_ring;
  guint n_odd = 0;

  for (guint k = 3; k <= AL_RING_MAX_SIZE; k++)
    if (k != 6)
      n_odd += r[k];
  if (c->silicon >= 0)
    return al_bonds_degree (bonds, c->silicon) >= 4 ? AL_DEFECT_SI_C4 : AL_DEFECT_SI_C3;
  if (r[5] == 2 && r[8] == 1 && n_odd == 3)
    return AL_DEFECT_V2_585;
  if ((r[5] == 1 && r[9] == 1 && n_odd == 2) || (r[12] == 1 && n_odd == 1))
    return AL_DEFECT_V1;
  if (r[14] == 1 && n_odd == 1)
    return AL_DEFECT_V2_585;
  if (c->n_empty == 0 && r[5] == 2 && r[7] == 2 && n_odd == 4)
    return AL_DEFECT_SW;
  if (c->n_empty == 0 && r[5] == 1 && r[7] == 1 && n_odd == 2)
    return AL_DEFECT_DISLOCATION_57;
  if (c->n_empty == 1)
    return AL_DEFECT_V1;
  if (c->n_empty >= 2)
    return AL_DEFECT_V2_585;
  if (r[5] >= 1 && r[7] >= 1)
    return AL_DEFECT_DISLOCATION_57;
  return AL_DEFECT_NONE;
}

static void
collect_clusters (const AlAtoms    *atoms,
                  const AlBonds    *bonds,
                  const AlRings    *rings,
                  const GArray     *sites,
                  const AlMaterial *m,
                  const guint8     *excluded,
                  Dsu              *dsu,
                  guint8           *seed)
{
  guint n = atoms->n_atoms;

  for (guint r = 0; r < rings->n_rings; r++)
    {
      const guint32 *mem = rings->member + rings->offset[r];
      if (al_ring_is_open (rings, r) || rings->size[r] == 6 || rings->size[r] < 3)
        continue;
      for (guint k = 0; k < rings->size[r]; k++)
        {
          seed[mem[k]] = 1;
          dsu_union (dsu, mem[0], mem[k]);
        }
    }
  for (guint s = 0; s < sites->len; s++)
    {
      const AlEmptySite *site = &g_array_index (sites, AlEmptySite, s);
      for (guint k = 0; k < site->n_voters; k++)
        {
          seed[site->voters[k]] = 1;
          dsu_union (dsu, n + s, site->voters[k]);
        }
    }
  for (guint i = 0; i < n; i++)
    if (species_named (m, atoms->species[i], "Si"))
      {
        seed[i] = 1;
        /* An Si in a divacancy sits between two empty sites. */
        for (guint s = 0; s < sites->len; s++)
          {
            const AlEmptySite *site = &g_array_index (sites, AlEmptySite, s);
            if (hypot (site->x - atoms->x[i], site->y - atoms->y[i]) < bonds->nn_px)
              dsu_union (dsu, n + s, i);
          }
      }
  (void) excluded;
}

static void
emit_cluster (const AlAtoms    *atoms,
              const AlBonds    *bonds,
              const GArray     *sites,
              const AlMaterial *m,
              const Cluster    *c,
              GArray           *member_list,
              guint             frame,
              AlDefects        *defects)
{
  AlDefectType type = classify_cluster (c, bonds, m);
  double x = 0.0, y = 0.0;

  if (type == AL_DEFECT_NONE)
    return;
  if (c->silicon >= 0)
    {
      x = atoms->x[c->silicon];
      y = atoms->y[c->silicon];
    }
  else if (c->n_empty > 0)
    {
      x = c->sx / c->n_empty;
      y = c->sy / c->n_empty;
    }
  else
    {
      for (guint k = 0; k < member_list->len; k++)
        {
          guint32 a = g_array_index (member_list, guint32, k);
          x += atoms->x[a];
          y += atoms->y[a];
        }
      x /= MAX (member_list->len, 1u);
      y /= MAX (member_list->len, 1u);
    }
  al_defects_add (defects, type, frame, x, y, (const guint32 *) member_list->data, member_list->len);
  (void) sites;
}

/* One defect per Si of a cluster: two Si dopants a bond or two apart
 * share their odd rings and fall into one cluster, but each is its own
 * Si_C3 or Si_C4 (named by its own bonds, at its own position). */
static void
emit_silicons (const AlAtoms    *atoms,
               const AlBonds    *bonds,
               const GArray     *sites,
               const AlMaterial *m,
               const Cluster    *c,
               GArray           *member_list,
               guint             frame,
               AlDefects        *defects)
{
  g_autoptr (GArray) si = g_array_new (FALSE, FALSE, sizeof (guint32));

  for (guint k = 0; k < member_list->len; k++)
    {
      guint32 a = g_array_index (member_list, guint32, k);
      if (species_named (m, atoms->species[a], "Si"))
        g_array_append_val (si, a);
    }
  if (si->len <= 1)
    {
      emit_cluster (atoms, bonds, sites, m, c, member_list, frame, defects);
      return;
    }
  for (guint k = 0; k < si->len; k++)
    {
      Cluster one = *c;
      g_autoptr (GArray) alone = g_array_new (FALSE, FALSE, sizeof (guint32));
      one.silicon = (int) g_array_index (si, guint32, k);
      g_array_append_val (alone, g_array_index (si, guint32, k));
      emit_cluster (atoms, bonds, sites, m, &one, alone, frame, defects);
    }
}

static void
drop_rings_through (const AlRings *rings,
                    GArray        *ids,
                    guint32        atom)
{
  for (guint k = ids->len; k-- > 0;)
    {
      guint32 r = g_array_index (ids, guint32, k);
      for (guint j = 0; j < rings->size[r]; j++)
        if (rings->member[rings->offset[r] + j] == atom)
          {
            g_array_remove_index (ids, k);
            break;
          }
    }
}

/* A TMD vacancy is named by its site: empty metal site V_Mo, empty
 * chalcogen-column site V_S2. */
static void
emit_tmd_vacancies (const AlAtoms    *atoms,
                    const GArray     *sites,
                    const AlMaterial *m,
                    const guint8     *excluded,
                    guint             frame,
                    AlDefects        *defects)
{
  for (guint s = 0; s < sites->len; s++)
    {
      const AlEmptySite *site = &g_array_index (sites, AlEmptySite, s);
      int metals = 0, n_excluded = 0;
      for (guint k = 0; k < site->n_voters; k++)
        {
          metals += al_species_is_metal (m, atoms->species[site->voters[k]]);
          n_excluded += excluded && excluded[site->voters[k]];
        }
      if (2 * n_excluded > site->n_voters)
        continue;
      al_defects_add (defects, 2 * metals > site->n_voters ? AL_DEFECT_V_S2 : AL_DEFECT_V_MO,
                      frame, site->x, site->y, site->voters, site->n_voters);
    }
}

void
al_point_defects_find (const AlAtoms    *atoms,
                       const AlBonds    *bonds,
                       const AlRings    *rings,
                       const GArray     *sites,
                       const AlMaterial *m,
                       const guint8     *excluded,
                       gboolean          tmd_sites_read,
                       guint             frame,
                       AlDefects        *defects)
{
  guint n = atoms->n_atoms, n_nodes = n + sites->len;
  Dsu dsu;
  g_autofree guint8 *seed = g_new0 (guint8, n + 1);
  g_autofree guint32 *root_to_cluster = NULL;
  g_autoptr (GArray) clusters = g_array_new (FALSE, TRUE, sizeof (Cluster));
  GArray **members;
  GArray **ring_ids;

  if (m != NULL && m->is_tmd && !tmd_sites_read)
    {
      find_tmd_species_defects (atoms, bonds, m, excluded, frame, defects);
      emit_tmd_vacancies (atoms, sites, m, excluded, frame, defects);
    }

  dsu.parent = g_new (guint32, n_nodes + 1);
  for (guint32 k = 0; k < n_nodes; k++)
    dsu.parent[k] = k;
  collect_clusters (atoms, bonds, rings, sites, m, excluded, &dsu, seed);

  root_to_cluster = g_new (guint32, n_nodes + 1);
  for (guint32 k = 0; k < n_nodes; k++)
    root_to_cluster[k] = G_MAXUINT32;
  /* Clusters in order of their smallest node, so output order is stable. */
  for (guint32 k = 0; k < n_nodes; k++)
    {
      guint32 root;
      Cluster *c;
      if (k < n && !seed[k])
        continue;
      root = dsu_find (&dsu, k);
      if (root_to_cluster[root] == G_MAXUINT32)
        {
          Cluster empty = { 0 };
          empty.silicon = -1;
          root_to_cluster[root] = clusters->len;
          g_array_append_val (clusters, empty);
        }
      c = &g_array_index (clusters, Cluster, root_to_cluster[root]);
      if (k >= n)
        {
          const AlEmptySite *site = &g_array_index (sites, AlEmptySite, k - n);
          c->n_empty++;
          c->sx += site->x;
          c->sy += site->y;
        }
      else
        {
          c->n_atoms++;
          c->n_excluded += excluded && excluded[k];
          if (species_named (m, atoms->species[k], "Si"))
            c->silicon = (int) k;
        }
    }
  members = g_new0 (GArray *, clusters->len + 1);
  ring_ids = g_new0 (GArray *, clusters->len + 1);
  for (guint c = 0; c < clusters->len; c++)
    {
      members[c] = g_array_new (FALSE, FALSE, sizeof (guint32));
      ring_ids[c] = g_array_new (FALSE, FALSE, sizeof (guint32));
    }
  for (guint32 r = 0; r < rings->n_rings; r++)
    if (!al_ring_is_open (rings, r) && rings->size[r] >= 3)
      {
        guint32 root = dsu_find (&dsu, rings->member[rings->offset[r]]);
        if (seed[rings->member[rings->offset[r]]] && root_to_cluster[root] != G_MAXUINT32)
          {
            g_array_index (clusters, Cluster, root_to_cluster[root]).n_ring[rings->size[r]]++;
            if (rings->size[r] != 6)
              g_array_append_val (ring_ids[root_to_cluster[root]], r);
          }
      }
  for (guint32 k = 0; k < n; k++)
    if (seed[k])
      g_array_append_val (members[root_to_cluster[dsu_find (&dsu, k)]], k);

  for (guint c = 0; c < clusters->len; c++)
    {
      Cluster *cl = &g_array_index (clusters, Cluster, c);
      gboolean tmd = m != NULL && m->is_tmd;
      /* Hexagon counts say nothing; only the odd rings were counted as
       * seeds, but a cluster's 6-rings got counted too: drop them. */
      cl->n_ring[6] = 0;
      if (2 * cl->n_excluded > cl->n_atoms)
        continue;
      if (tmd)
        {
          /* Vacancies are already named by site; a TMD cluster of odd rings
           * with no empty site is a dislocation core. */
          if (cl->n_empty == 0 && cl->n_ring[5] + cl->n_ring[4] >= 1
              && cl->n_ring[7] + cl->n_ring[8] >= 1)
            {
              Cluster c2 = *cl;
              c2.n_ring[5] = c2.n_ring[7] = 1;
              c2.n_ring[4] = c2.n_ring[8] = 0;
              emit_cluster (atoms, bonds, sites, NULL, &c2, members[c], frame, defects);
            }
          continue;
        }
      /* Si is named by its bonds; otherwise the rings say what is there,
       * and only a cluster with no known ring pattern is named by its
       * empty sites. */
      if (cl->silicon >= 0)
        {
          emit_silicons (atoms, bonds, sites, m, cl, members[c], frame, defects);
          /* Odd rings beside the Si belong to a neighbouring defect; those
           * through a four-fold Si are its own (5-5-6-6 around Si_C4). */
          for (guint k = 0; k < members[c]->len; k++)
            {
              guint32 a = g_array_index (members[c], guint32, k);
              if (species_named (m, atoms->species[a], "Si") && al_bonds_degree (bonds, a) >= 4)
                drop_rings_through (rings, ring_ids[c], a);
            }
          al_ring_patterns_emit (atoms, rings, (const guint32 *) ring_ids[c]->data, ring_ids[c]->len,
                                 frame, defects);
        }
      else if (al_ring_patterns_emit (atoms, rings, (const guint32 *) ring_ids[c]->data,
                                      ring_ids[c]->len, frame, defects) == 0)
        emit_cluster (atoms, bonds, sites, m, cl, members[c], frame, defects);
    }
  for (guint c = 0; c < clusters->len; c++)
    {
      g_array_unref (members[c]);
      g_array_unref (ring_ids[c]);
    }
  g_free (members);
  g_free (ring_ids);
  g_free (dsu.parent);
}
