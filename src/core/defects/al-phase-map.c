/* al-phase-map.c: per-atom phase from neighbourhood descriptors, smoothed
 * in space and rasterised. */
#include "defects/al-phase-map.h"
#include "defects/al-phase-net.h"

#include <math.h>
#include <stdlib.h>

#define AL_PHASE_UNKNOWN 255
#define AL_PHASE_DISORDER 254
/* A three-fold atom whose bond angles stray further than this (RMS, degrees)
 * from 120° is disordered. */
#define AL_PHASE_MAX_ANGLE_RMS_DEG 15.0
/* 1T′: the shortest of a metal's six metal neighbours is this much shorter
 * than the longest (Mo–Mo 2.8 Å against 3.8 Å in 1T′-MoS2). */
#define AL_PHASE_1TP_RATIO 0.9
/* Neighbourhood of the majority vote, in lattice constants. */
#define AL_PHASE_VOTE_RADIUS_A 1.6
/* Raster cell, in nearest-neighbour distances; cells further than
 * AL_PHASE_VACUUM_NN from every atom are vacuum. */
#define AL_PHASE_CELL_NN 0.5
#define AL_PHASE_VACUUM_NN 1.2
/* Columns this close to the outermost ones (in d) have no phase of their
 * own: their neighbours outside the field are not seen. */
#define AL_PHASE_BORDER_NN 1.5
/* With the phase network: its probabilities are read over this disc (in
 * d) around each atom; descriptor votes count with this floor; the
 * descriptors' disorder is amorphous only where no crystal phase reaches
 * this network probability. */
#define AL_PHASE_NET_RADIUS_NN 1.0
#define AL_PHASE_DESCRIPTOR_FLOOR 1.0
#define AL_PHASE_NET_CONFIDENT 0.4
/* Smallest region reported as a planar defect, in a². */
#define AL_PHASE_MIN_AREA_A2 3.0

static const char *const phase_names[AL_N_PHASES] = {
  "vacuum", "2H", "1T", "1Tp", "amorphous",
};

const char *
al_phase_name (AlPhase phase)
{
  g_return_val_if_fail (phase < AL_N_PHASES, "vacuum");
  return phase_names[phase];
}

AlDefectType
al_phase_defect_type (AlPhase phase)
{
  switch (phase)
    {
    case AL_PHASE_2H: return AL_DEFECT_PHASE_2H;
    case AL_PHASE_1T: return AL_DEFECT_PHASE_1T;
    case AL_PHASE_1TP: return AL_DEFECT_PHASE_1TP;
    case AL_PHASE_AMORPHOUS: return AL_DEFECT_AMORPHOUS;
    case AL_PHASE_VACUUM:
    case AL_N_PHASES:
    default: return AL_DEFECT_NONE;
    }
}

typedef struct
{
  const AlAtoms    *atoms;
  const AlMaterial *material;
  guint             self;
  double            d[16];
  guint             n;
} MetalDistances;

static gboolean
metal_visit (guint    j,
             double   d2,
             gpointer user_data)
{
  MetalDistances *m = user_data;

  if (j != m->self && al_species_is_metal (m->material, m->atoms->species[j]) && m->n < G_N_ELEMENTS (m->d))
    m->d[m->n++] = sqrt (d2);
  return TRUE;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static guint8
raw_phase (const AlAtoms    *atoms,
           const AlBonds    *bonds,
           const AlMaterial *m,
           guint             i)
{
  guint deg = al_bonds_degree (bonds, i);
  double gap, rms;

  al_bonds_angle_stats (bonds, i, &gap, &rms);
  /* Columns of no species of the material (contamination, adatoms) and
   * those bonded to them are no crystal. */
  if (atoms->species[i] < 0 || (m != NULL && (guint) atoms->species[i] >= m->n_species))
    return AL_PHASE_DISORDER;
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    if (atoms->species[bonds->neighbour[h]] < 0)
      return AL_PHASE_DISORDER;
  if (m != NULL && m->is_tmd)
    {
      MetalDistances md = { atoms, m, i, { 0 }, 0 };
      double a = sqrt (3.0) * bonds->nn_px;

      if (!al_species_is_metal (m, atoms->species[i]))
        return AL_PHASE_UNKNOWN;
      if (deg == 3)
        return rms < AL_PHASE_MAX_ANGLE_RMS_DEG ? AL_PHASE_2H : AL_PHASE_DISORDER;
      /* Bonds lost to a vacancy say nothing about the phase around. */
      if (deg < 3)
        return AL_PHASE_UNKNOWN;
      if (deg == 4)
        return AL_PHASE_DISORDER;
      al_cell_grid_query (bonds->grid, atoms->x[i], atoms->y[i], 1.35 * a, metal_visit, &md);
      if (md.n < 4)
        return AL_PHASE_1T;
      qsort (md.d, md.n, sizeof (double), compare_double);
      return md.d[0] / md.d[MIN (md.n, 6u) - 1] < AL_PHASE_1TP_RATIO ? AL_PHASE_1TP : AL_PHASE_1T;
    }
  if (deg < 3)
    return AL_PHASE_UNKNOWN;
  return deg == 3 && rms < AL_PHASE_MAX_ANGLE_RMS_DEG ? AL_PHASE_2H : AL_PHASE_DISORDER;
}

typedef struct
{
  const guint8 *raw;
  guint         votes[AL_N_PHASES];
  guint         disorder;
} Vote;

static gboolean
vote_visit (guint    j,
            double   d2,
            gpointer user_data)
{
  Vote *v = user_data;

  if (v->raw[j] == AL_PHASE_DISORDER)
    v->disorder++;
  else if (v->raw[j] < AL_N_PHASES)
    v->votes[v->raw[j]]++;
  return TRUE;
}

/* The crystal phase shared by an atom and everything within two bonds,
 * or AL_PHASE_UNKNOWN when they differ (or there is disorder). Atoms with
 * no phase of their own (TMD chalcogens) take their neighbours'. */
static guint8
uniform_phase (const AlBonds *bonds,
               const guint8  *raw,
               guint          i)
{
  guint8 phase = AL_PHASE_UNKNOWN;

  if (al_bonds_degree (bonds, i) < 2)
    return AL_PHASE_UNKNOWN;
  for (guint32 h = bonds->offset[i]; h <= bonds->offset[i + 1]; h++)
    {
      guint j = h < bonds->offset[i + 1] ? bonds->neighbour[h] : i;
      for (guint32 g = bonds->offset[j]; g <= bonds->offset[j + 1]; g++)
        {
          guint k = g < bonds->offset[j + 1] ? bonds->neighbour[g] : j;
          if (raw[k] == AL_PHASE_DISORDER)
            return AL_PHASE_UNKNOWN;
          if (raw[k] == AL_PHASE_UNKNOWN)
            continue;
          if (phase != AL_PHASE_UNKNOWN && raw[k] != phase)
            return AL_PHASE_UNKNOWN;
          phase = raw[k];
        }
    }
  return phase;
}

/* The phase the network and the descriptors agree on best: the network's
 * crystal probabilities (renormalised over 2H, 1T, 1T′) times the share of
 * (1 + the share of the neighbourhood's descriptor votes for each): the
 * descriptors can at most double a phase's weight, so columns that atom
 * finding placed on a 2H grid inside a 1T patch do not outvote the image. Disorder by the descriptors makes
 * the atom amorphous only where the network sees no crystal with
 * confidence: at low dose, missed columns disorder a 1T metal's six bonds
 * while the image shows the 1T pattern plainly. The network's own
 * amorphous class is not used (its model card: IoU ≤ 0.11). */
static guint8
combined_phase (const Vote       *v,
                const AlPhaseNet *net,
                double            x,
                double            y,
                double            radius)
{
  double q[AL_N_PHASES], qc, best_score = -1.0, top = 0.0;
  guint crystal = v->votes[AL_PHASE_2H] + v->votes[AL_PHASE_1T] + v->votes[AL_PHASE_1TP];
  guint total = crystal + v->disorder;
  guint8 best = AL_PHASE_2H;

  al_phase_net_mean (net, x, y, radius, q);
  qc = q[AL_PHASE_2H] + q[AL_PHASE_1T] + q[AL_PHASE_1TP];
  for (guint p = AL_PHASE_2H; p <= AL_PHASE_1TP; p++)
    {
      double qp = qc > 0.0 ? q[p] / qc : 1.0 / 3.0;
      double score = qp * (AL_PHASE_DESCRIPTOR_FLOOR + (crystal > 0 ? (double) v->votes[p] / crystal : 0.0));
      top = MAX (top, qp);
      if (score > best_score)
        {
          best_score = score;
          best = (guint8) p;
        }
    }
  if ((total == 0 || 2 * v->disorder > total) && top < AL_PHASE_NET_CONFIDENT)
    return AL_PHASE_AMORPHOUS;
  return best;
}

static void
smooth_atoms (AlPhaseMap       *map,
              const AlAtoms    *atoms,
              const AlBonds    *bonds,
              const guint8     *raw,
              const AlPhaseNet *net)
{
  double radius = AL_PHASE_VOTE_RADIUS_A * sqrt (3.0) * bonds->nn_px;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      Vote v = { raw, { 0 }, 0 };
      guint best = AL_PHASE_2H, total;
      guint8 uniform = net == NULL ? uniform_phase (bonds, raw, i) : AL_PHASE_UNKNOWN;
      if (uniform != AL_PHASE_UNKNOWN)
        {
          /* Deep inside one phase the vote is a foregone conclusion. */
          map->atom_phase[i] = uniform;
          continue;
        }
      al_cell_grid_query (bonds->grid, atoms->x[i], atoms->y[i], radius, vote_visit, &v);
      if (net != NULL)
        {
          map->atom_phase[i] = combined_phase (&v, net, atoms->x[i], atoms->y[i],
                                               AL_PHASE_NET_RADIUS_NN * bonds->nn_px);
          continue;
        }
      for (guint p = AL_PHASE_2H; p < AL_N_PHASES; p++)
        if (v.votes[p] > v.votes[best])
          best = p;
      total = v.disorder;
      for (guint p = 0; p < AL_N_PHASES; p++)
        total += v.votes[p];
      map->atom_phase[i] = total == 0 || 2 * v.disorder > total ? AL_PHASE_AMORPHOUS : best;
    }
}

/* Where no atom was found, the network's most probable phase (vacuum
 * included; its amorphous class is not trusted and reads as 2H). */
static guint8
net_phase (const AlPhaseNet *net,
           double            x,
           double            y,
           double            radius)
{
  double q[AL_N_PHASES];
  guint8 best = AL_PHASE_VACUUM;

  al_phase_net_mean (net, x, y, radius, q);
  q[AL_PHASE_2H] += q[AL_PHASE_AMORPHOUS];
  q[AL_PHASE_AMORPHOUS] = 0.0;
  for (guint8 p = 0; p < AL_N_PHASES; p++)
    if (q[p] > q[best])
      best = p;
  return best;
}

static void
rasterise (AlPhaseMap       *map,
           const AlAtoms    *atoms,
           const AlBonds    *bonds,
           const AlPhaseNet *net,
           double            width,
           double            height)
{
  double nn = bonds->nn_px;

  map->cell_px = AL_PHASE_CELL_NN * nn;
  map->n_cx = (guint) ceil (width / map->cell_px);
  map->n_cy = (guint) ceil (height / map->cell_px);
  map->cell = g_new0 (guint8, (gsize) map->n_cx * map->n_cy + 1);
  for (guint cy = 0; cy < map->n_cy; cy++)
    for (guint cx = 0; cx < map->n_cx; cx++)
      {
        double x = (cx + 0.5) * map->cell_px, y = (cy + 0.5) * map->cell_px;
        int j = al_cell_grid_nearest (bonds->grid, x, y, AL_PHASE_VACUUM_NN * nn, -1, NULL);
        guint8 p = j >= 0 ? map->atom_phase[j]
                   : net != NULL ? net_phase (net, x, y, 0.5 * map->cell_px) : AL_PHASE_VACUUM;
        map->cell[(gsize) cy * map->n_cx + cx] = p;
        map->area_px2[p] += map->cell_px * map->cell_px;
        if (cx > 0)
          {
            guint8 q = map->cell[(gsize) cy * map->n_cx + cx - 1];
            map->boundary_px += (p != q && p != AL_PHASE_VACUUM && q != AL_PHASE_VACUUM) ? map->cell_px : 0.0;
          }
        if (cy > 0)
          {
            guint8 q = map->cell[(gsize) (cy - 1) * map->n_cx + cx];
            map->boundary_px += (p != q && p != AL_PHASE_VACUUM && q != AL_PHASE_VACUUM) ? map->cell_px : 0.0;
          }
      }
  (void) atoms;
}

/* Builds the phase map over a field of width × height px (0: the atoms'
 * extent). `edge` (may be NULL) marks atoms at the border of vacuum, whose
 * missing bonds say nothing about their phase. `net` (may be NULL): the
 * phase network's probabilities, weighed with the descriptors. */
AlPhaseMap *
al_phase_map_build (const AlAtoms    *atoms,
                    const AlBonds    *bonds,
                    const AlMaterial *material,
                    const guint8     *edge,
                    const AlPhaseNet *net,
                    double            width,
                    double            height)
{
  AlPhaseMap *map = g_new0 (AlPhaseMap, 1);
  g_autofree guint8 *raw = g_new (guint8, atoms->n_atoms + 1);

  double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
  double margin = AL_PHASE_BORDER_NN * bonds->nn_px;

  map->n_atoms = atoms->n_atoms;
  map->atom_phase = g_new0 (guint8, atoms->n_atoms + 1);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      x0 = MIN (x0, atoms->x[i]);
      y0 = MIN (y0, atoms->y[i]);
      x1 = MAX (x1, atoms->x[i]);
      y1 = MAX (y1, atoms->y[i]);
    }
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      /* Columns cut off by the border of the field, like those at an edge,
       * have lost neighbours to the outside, not to disorder. */
      gboolean border = atoms->x[i] < x0 + margin || atoms->y[i] < y0 + margin
                        || atoms->x[i] > x1 - margin || atoms->y[i] > y1 - margin;
      width = MAX (width, atoms->x[i] + 0.5);
      height = MAX (height, atoms->y[i] + 0.5);
      raw[i] = (edge && edge[i]) || border ? AL_PHASE_UNKNOWN : raw_phase (atoms, bonds, material, i);
    }
  if (bonds->nn_px <= 0.0)
    return map;
  smooth_atoms (map, atoms, bonds, raw, net);
  rasterise (map, atoms, bonds, net, width, height);
  return map;
}

AlPhase
al_phase_map_at (const AlPhaseMap *map,
                 double            x,
                 double            y)
{
  long cx, cy;

  if (map->cell == NULL || x < 0 || y < 0)
    return AL_PHASE_VACUUM;
  cx = (long) (x / map->cell_px);
  cy = (long) (y / map->cell_px);
  if (cx >= (long) map->n_cx || cy >= (long) map->n_cy)
    return AL_PHASE_VACUUM;
  return map->cell[(gsize) cy * map->n_cx + cx];
}

/* Each connected region of a phase other than the host honeycomb becomes
 * one planar defect, with its atoms, centre and area. */
void
al_phase_map_emit (const AlPhaseMap *map,
                   const AlAtoms    *atoms,
                   guint             frame,
                   AlDefects        *defects)
{
  gsize n_cells = (gsize) map->n_cx * map->n_cy;
  g_autofree guint32 *region = NULL;
  g_autofree guint32 *stack = NULL;
  double a2 = pow (map->cell_px / AL_PHASE_CELL_NN * sqrt (3.0), 2);
  guint32 n_regions = 0;

  if (map->cell == NULL)
    return;
  region = g_new (guint32, n_cells + 1);
  stack = g_new (guint32, n_cells + 1);
  for (gsize c = 0; c < n_cells; c++)
    region[c] = G_MAXUINT32;
  for (gsize c0 = 0; c0 < n_cells; c0++)
    {
      guint8 p = map->cell[c0];
      gsize top = 0, count = 0;
      double sx = 0.0, sy = 0.0, area;
      g_autoptr (GArray) members = NULL;

      if (region[c0] != G_MAXUINT32 || p == AL_PHASE_VACUUM || p == AL_PHASE_2H)
        continue;
      region[c0] = n_regions;
      stack[top++] = c0;
      while (top > 0)
        {
          gsize c = stack[--top];
          guint cx = c % map->n_cx, cy = c / map->n_cx;
          gsize nb[4] = { cx > 0 ? c - 1 : c, cx + 1 < map->n_cx ? c + 1 : c,
                          cy > 0 ? c - map->n_cx : c, cy + 1 < map->n_cy ? c + map->n_cx : c };
          count++;
          sx += (cx + 0.5) * map->cell_px;
          sy += (cy + 0.5) * map->cell_px;
          for (int k = 0; k < 4; k++)
            if (region[nb[k]] == G_MAXUINT32 && map->cell[nb[k]] == p)
              {
                region[nb[k]] = n_regions;
                stack[top++] = nb[k];
              }
        }
      area = count * map->cell_px * map->cell_px;
      if (area >= AL_PHASE_MIN_AREA_A2 * a2)
        {
          AlDefect *d;
          members = g_array_new (FALSE, FALSE, sizeof (guint32));
          for (guint i = 0; i < atoms->n_atoms; i++)
            {
              long cx = (long) (atoms->x[i] / map->cell_px), cy = (long) (atoms->y[i] / map->cell_px);
              if (map->atom_phase[i] == p && cx >= 0 && cy >= 0 && cx < (long) map->n_cx
                  && cy < (long) map->n_cy && region[(gsize) cy * map->n_cx + cx] == n_regions)
                g_array_append_val (members, i);
            }
          d = al_defects_add (defects, al_phase_defect_type (p), frame, sx / count, sy / count,
                              (const guint32 *) members->data, members->len);
          d->area_px2 = area;
        }
      n_regions++;
    }
}

void
al_phase_map_free (AlPhaseMap *map)
{
  if (map == NULL)
    return;
  g_free (map->atom_phase);
  g_free (map->cell);
  g_free (map);
}
