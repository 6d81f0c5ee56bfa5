/* al-honeycomb.c: labelling atoms with honeycomb sites by walking the bond
 * graph, and fitting the lattice vectors to the labelled atoms. */
#include "strain/al-honeycomb.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al-error.h"
#include "graph/al-select.h"

#define DEG (G_PI / 180.0)
/* A bond more than this far from every ideal direction of its sublattice is
 * not used to carry labels (it belongs to a defect core). */
#define AL_LATTICE_MAX_BOND_TWIST (40.0 * DEG)
/* Rounds of trimmed least squares, and the trimming threshold in robust
 * standard deviations (with a floor as a fraction of d, so an almost perfect
 * lattice is not trimmed down to nothing). */
#define AL_LATTICE_FIT_ROUNDS 4
#define AL_LATTICE_TRIM_SIGMAS 3.0
#define AL_LATTICE_TRIM_FLOOR_NN 0.08
/* Atoms per component used to align it to the others. */
#define AL_LATTICE_ALIGN_SAMPLE 64

/* Label steps to the three neighbours of each sublattice, in the order of
 * their ideal directions theta + 30° + k·120° (s = 0) and theta + 210° +
 * k·120° (s = 1). */
static const int nn_step[2][3][2] = {
  { { 0, 0 }, { -1, 0 }, { 0, -1 } },
  { { 0, 0 }, { 1, 0 }, { 0, 1 } },
};

void
al_honeycomb_ideal (AlHoneycomb *lattice,
                  double     a_px,
                  double     theta)
{
  double c = cos (theta), s = sin (theta);

  memset (lattice, 0, sizeof *lattice);
  lattice->a1[0] = a_px * c;
  lattice->a1[1] = a_px * s;
  lattice->a2[0] = a_px * (0.5 * c - (sqrt (3.0) / 2.0) * s);
  lattice->a2[1] = a_px * (0.5 * s + (sqrt (3.0) / 2.0) * c);
  lattice->delta[0] = (lattice->a1[0] + lattice->a2[0]) / 3.0;
  lattice->delta[1] = (lattice->a1[1] + lattice->a2[1]) / 3.0;
}

void
al_honeycomb_vector (const AlHoneycomb *l,
                   double           dn1,
                   double           dn2,
                   int              dsub,
                   double          *dx,
                   double          *dy)
{
  *dx = dn1 * l->a1[0] + dn2 * l->a2[0] + dsub * l->delta[0];
  *dy = dn1 * l->a1[1] + dn2 * l->a2[1] + dsub * l->delta[1];
}

void
al_honeycomb_site (const AlHoneycomb *l,
                 double           n1,
                 double           n2,
                 int              sub,
                 double          *x,
                 double          *y)
{
  al_honeycomb_vector (l, n1, n2, sub, x, y);
  *x += l->origin[0];
  *y += l->origin[1];
}

double
al_honeycomb_constant (const AlHoneycomb *l)
{
  return 0.5 * (hypot (l->a1[0], l->a1[1]) + hypot (l->a2[0], l->a2[1]));
}

gboolean
al_polygon_contains (const AlPolygon *polygon,
                     double           x,
                     double           y)
{
  gboolean inside = FALSE;

  if (polygon == NULL || polygon->n_vertices < 3)
    return TRUE;
  for (guint i = 0, j = polygon->n_vertices - 1; i < polygon->n_vertices; j = i++)
    {
      double xi = polygon->x[i], yi = polygon->y[i], xj = polygon->x[j], yj = polygon->y[j];
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        inside = !inside;
    }
  return inside;
}

static double
wrap_angle (double a)
{
  return a - 2.0 * G_PI * floor ((a + G_PI) / (2.0 * G_PI));
}

/* Bond directions of a honeycomb repeat every 60°: the sixfold circular
 * mean gives the orientation whatever the sublattice. */
static double
bond_orientation (const AlBonds *bonds)
{
  double c = 0.0, s = 0.0;

  for (guint32 h = 0; h < 2 * bonds->n_bonds; h++)
    {
      c += cos (6.0 * bonds->angle[h]);
      s += sin (6.0 * bonds->angle[h]);
    }
  /* Ideal bonds point at theta + 30° (mod 60°). */
  return atan2 (s, c) / 6.0 - 30.0 * DEG;
}

/* +1 when the atom's bonds point along sublattice 0's directions, -1 along
 * sublattice 1's (which are turned by 60°). */
static double
sublattice_score (const AlBonds *bonds,
                  guint          atom,
                  double         theta)
{
  double c = 0.0;

  for (guint32 h = bonds->offset[atom]; h < bonds->offset[atom + 1]; h++)
    c += cos (3.0 * (bonds->angle[h] - theta - 30.0 * DEG));
  return c;
}

static guint
walk_component (const AlBonds   *bonds,
                AlHoneycombLabels *labels,
                guint32         *component,
                guint32          comp,
                guint            seed,
                int              seed_sub,
                guint32         *queue)
{
  guint head = 0, tail = 0;

  labels->n1[seed] = labels->n2[seed] = 0;
  labels->sub[seed] = (gint8) seed_sub;
  component[seed] = comp;
  queue[tail++] = seed;
  while (head < tail)
    {
      guint u = queue[head++];
      int s = labels->sub[u];
      double base = labels->theta + (s == 0 ? 30.0 : 210.0) * DEG;

      for (guint32 h = bonds->offset[u]; h < bonds->offset[u + 1]; h++)
        {
          guint v = bonds->neighbour[h];
          double rel = wrap_angle (bonds->angle[h] - base);
          int k = (int) lround (rel / (120.0 * DEG));
          double twist = fabs (rel - k * 120.0 * DEG);
          if (component[v] != G_MAXUINT32 || twist > AL_LATTICE_MAX_BOND_TWIST)
            continue;
          k = ((k % 3) + 3) % 3;
          labels->n1[v] = labels->n1[u] + nn_step[s][k][0];
          labels->n2[v] = labels->n2[u] + nn_step[s][k][1];
          labels->sub[v] = (gint8) (1 - s);
          component[v] = comp;
          queue[tail++] = v;
        }
    }
  return tail;
}

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Lattice coordinates (fractional n1, n2) of a point relative to a site of
 * sublattice `sub`. */
static void
fractional (const AlHoneycomb *l,
            double           x,
            double           y,
            int              sub,
            double          *f1,
            double          *f2)
{
  double det = l->a1[0] * l->a2[1] - l->a1[1] * l->a2[0];
  double px = x - l->origin[0] - sub * l->delta[0];
  double py = y - l->origin[1] - sub * l->delta[1];

  *f1 = (px * l->a2[1] - py * l->a2[0]) / det;
  *f2 = (l->a1[0] * py - l->a1[1] * px) / det;
}

/* Moves the labels of every component by whole lattice vectors so that they
 * agree with the lattice fitted to the largest one. */
static void
align_components (const AlAtoms   *atoms,
                  AlHoneycombLabels *labels,
                  const guint32   *component,
                  guint32          n_comp,
                  guint32          largest,
                  const AlHoneycomb *lattice)
{
  double *d1 = g_new (double, AL_LATTICE_ALIGN_SAMPLE);
  double *d2 = g_new (double, AL_LATTICE_ALIGN_SAMPLE);
  guint *n_seen = g_new0 (guint, n_comp);
  double *sample1 = g_new (double, (gsize) n_comp * AL_LATTICE_ALIGN_SAMPLE);
  double *sample2 = g_new (double, (gsize) n_comp * AL_LATTICE_ALIGN_SAMPLE);
  gint32 *shift = g_new0 (gint32, 2 * (gsize) n_comp);

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      guint32 c = component[i];
      double f1, f2;
      if (c == G_MAXUINT32 || c == largest || n_seen[c] >= AL_LATTICE_ALIGN_SAMPLE)
        continue;
      fractional (lattice, atoms->x[i], atoms->y[i], labels->sub[i], &f1, &f2);
      sample1[(gsize) c * AL_LATTICE_ALIGN_SAMPLE + n_seen[c]] = f1 - labels->n1[i];
      sample2[(gsize) c * AL_LATTICE_ALIGN_SAMPLE + n_seen[c]] = f2 - labels->n2[i];
      n_seen[c]++;
    }
  for (guint32 c = 0; c < n_comp; c++)
    if (n_seen[c] > 0)
      {
        memcpy (d1, sample1 + (gsize) c * AL_LATTICE_ALIGN_SAMPLE, n_seen[c] * sizeof (double));
        memcpy (d2, sample2 + (gsize) c * AL_LATTICE_ALIGN_SAMPLE, n_seen[c] * sizeof (double));
        qsort (d1, n_seen[c], sizeof (double), compare_double);
        qsort (d2, n_seen[c], sizeof (double), compare_double);
        shift[2 * c] = (gint32) lround (d1[n_seen[c] / 2]);
        shift[2 * c + 1] = (gint32) lround (d2[n_seen[c] / 2]);
      }
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (component[i] != G_MAXUINT32)
      {
        labels->n1[i] += shift[2 * component[i]];
        labels->n2[i] += shift[2 * component[i] + 1];
      }
  g_free (d1);
  g_free (d2);
  g_free (n_seen);
  g_free (sample1);
  g_free (sample2);
  g_free (shift);
}

static gboolean
seed_wanted (const AlMaterial *material,
             const AlAtoms    *atoms,
             guint             i)
{
  return material == NULL || !material->is_tmd || al_species_is_metal (material, atoms->species[i]);
}

/* Labels every bonded atom with its honeycomb site. */
AlHoneycombLabels *
al_honeycomb_labels_new (const AlAtoms    *atoms,
                       const AlBonds    *bonds,
                       const AlMaterial *material)
{
  return al_honeycomb_labels_new_oriented (atoms, bonds, material, NAN);
}

/* As al_honeycomb_labels_new(), with the orientation `theta` (radians, as
 * AlHoneycombLabels.theta) given instead of measured, unless NaN. Labels of
 * part of a field then use the same sublattices as the whole field's, so
 * they differ from those only by a whole lattice vector per component. */
AlHoneycombLabels *
al_honeycomb_labels_new_oriented (const AlAtoms    *atoms,
                                  const AlBonds    *bonds,
                                  const AlMaterial *material,
                                  double            theta)
{
  AlHoneycombLabels *labels = g_new0 (AlHoneycombLabels, 1);
  guint n = atoms->n_atoms;
  g_autofree guint32 *component = g_new (guint32, n + 1);
  g_autofree guint32 *queue = g_new (guint32, n + 1);
  g_autoptr (GArray) comp_size = g_array_new (FALSE, TRUE, sizeof (guint));
  guint32 largest = 0;
  AlHoneycomb lattice;

  labels->n_atoms = n;
  labels->n1 = g_new0 (gint32, n + 1);
  labels->n2 = g_new0 (gint32, n + 1);
  labels->sub = g_new (gint8, n + 1);
  labels->nn_px = bonds->nn_px;
  memset (labels->sub, -1, n + 1);
  for (guint i = 0; i < n; i++)
    component[i] = G_MAXUINT32;
  labels->theta = isnan (theta) ? bond_orientation (bonds) : theta;

  /* Fix the orientation modulo 120° so that sublattice 0 holds the metal
   * (or, in graphene, the first well-bonded atom). */
  for (guint i = 0; i < n && isnan (theta); i++)
    if (al_bonds_degree (bonds, i) >= 3 && seed_wanted (material, atoms, i))
      {
        if (sublattice_score (bonds, i, labels->theta) < 0.0)
          labels->theta += 60.0 * DEG;
        break;
      }

  for (guint i = 0; i < n; i++)
    {
      guint size;
      if (component[i] != G_MAXUINT32 || al_bonds_degree (bonds, i) == 0)
        continue;
      size = walk_component (bonds, labels, component, comp_size->len, i,
                             sublattice_score (bonds, i, labels->theta) >= 0.0 ? 0 : 1, queue);
      g_array_append_val (comp_size, size);
    }
  for (guint32 c = 0; c < comp_size->len; c++)
    if (g_array_index (comp_size, guint, c) > g_array_index (comp_size, guint, largest))
      largest = c;

  if (comp_size->len > 1)
    {
      AlHoneycombLabels only = *labels;
      gint8 *sub = g_memdup2 (labels->sub, n + 1);
      for (guint i = 0; i < n; i++)
        if (component[i] != largest)
          sub[i] = -1;
      only.sub = sub;
      if (al_honeycomb_fit (atoms, &only, NULL, &lattice, NULL, NULL))
        align_components (atoms, labels, component, comp_size->len, largest, &lattice);
      g_free (sub);
    }
  return labels;
}

void
al_honeycomb_labels_free (AlHoneycombLabels *labels)
{
  if (labels == NULL)
    return;
  g_free (labels->n1);
  g_free (labels->n2);
  g_free (labels->sub);
  g_free (labels);
}

/* Solves the n×n system m·x = r in place (Gaussian elimination with partial
 * pivoting); FALSE when singular. */
static gboolean
solve_small (double *m,
             double *r,
             int     n)
{
  for (int c = 0; c < n; c++)
    {
      int p = c;
      for (int k = c + 1; k < n; k++)
        if (fabs (m[k * n + c]) > fabs (m[p * n + c]))
          p = k;
      if (fabs (m[p * n + c]) < 1e-9 * (1.0 + fabs (m[0])))
        return FALSE;
      for (int k = 0; k < n; k++)
        {
          double t = m[c * n + k];
          m[c * n + k] = m[p * n + k];
          m[p * n + k] = t;
        }
      {
        double t = r[c];
        r[c] = r[p];
        r[p] = t;
      }
      for (int k = c + 1; k < n; k++)
        {
          double f = m[k * n + c] / m[c * n + c];
          for (int j = c; j < n; j++)
            m[k * n + j] -= f * m[c * n + j];
          r[k] -= f * r[c];
        }
    }
  for (int c = n - 1; c >= 0; c--)
    {
      for (int j = c + 1; j < n; j++)
        r[c] -= m[c * n + j] * r[j];
      r[c] /= m[c * n + c];
    }
  return TRUE;
}

/* One weighted least-squares solve of position = o + n1·a1 + n2·a2 + s·δ.
 * With one sublattice only, δ is taken as the ideal (a1 + a2)/3. */
static gboolean
fit_once (const AlAtoms         *atoms,
          const AlHoneycombLabels *labels,
          const guint8          *use,
          AlHoneycomb             *l)
{
  double m[16] = { 0 }, rx[4] = { 0 }, ry[4] = { 0 }, m2[16];
  int n_par = 4;
  gboolean both = FALSE;
  int first_sub = -1;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double d[4];
      if (!use[i])
        continue;
      if (first_sub < 0)
        first_sub = labels->sub[i];
      else if (labels->sub[i] != first_sub)
        both = TRUE;
      d[0] = 1.0;
      d[1] = labels->n1[i];
      d[2] = labels->n2[i];
      d[3] = labels->sub[i];
      for (int a = 0; a < 4; a++)
        {
          for (int b = 0; b < 4; b++)
            m[a * 4 + b] += d[a] * d[b];
          rx[a] += d[a] * atoms->x[i];
          ry[a] += d[a] * atoms->y[i];
        }
    }
  if (!both)
    {
      /* Drop the δ column: keep the leading 3×3 block. */
      for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
          m[a * 3 + b] = m[a * 4 + b];
      n_par = 3;
    }
  memcpy (m2, m, sizeof m);
  if (!solve_small (m, rx, n_par) || !solve_small (m2, ry, n_par))
    return FALSE;
  l->origin[0] = rx[0];
  l->origin[1] = ry[0];
  l->a1[0] = rx[1];
  l->a1[1] = ry[1];
  l->a2[0] = rx[2];
  l->a2[1] = ry[2];
  if (both)
    {
      l->delta[0] = rx[3];
      l->delta[1] = ry[3];
    }
  else
    {
      l->delta[0] = (l->a1[0] + l->a2[0]) / 3.0;
      l->delta[1] = (l->a1[1] + l->a2[1]) / 3.0;
      l->origin[0] -= first_sub * l->delta[0];
      l->origin[1] -= first_sub * l->delta[1];
    }
  return TRUE;
}

/* Fits the lattice to the labelled atoms inside `region` (NULL: all) by
 * trimmed least squares, so atoms displaced by a defect or labelled across
 * a dislocation do not pull the fit. */
gboolean
al_honeycomb_fit (const AlAtoms         *atoms,
                const AlHoneycombLabels *labels,
                const AlPolygon       *region,
                AlHoneycomb             *lattice,
                double                *rms_px,
                GError               **error)
{
  guint n = atoms->n_atoms, n_use = 0;
  g_autofree guint8 *use = g_new0 (guint8, n + 1);
  g_autofree guint8 *base = g_new0 (guint8, n + 1);
  g_autofree double *res = g_new (double, n + 1);
  double rms = 0.0;

  for (guint i = 0; i < n; i++)
    if (labels->sub[i] >= 0 && al_polygon_contains (region, atoms->x[i], atoms->y[i]))
      {
        base[i] = use[i] = 1;
        n_use++;
      }
  if (n_use < 4)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Too few bonded atoms (%u) to fit a lattice%s", n_use,
                   region ? " in the chosen region" : "");
      return FALSE;
    }
  for (int round = 0; round < AL_LATTICE_FIT_ROUNDS; round++)
    {
      guint n_res = 0;
      double cut;
      if (!fit_once (atoms, labels, use, lattice))
        {
          g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                       "The bonded atoms do not span a 2D lattice");
          return FALSE;
        }
      for (guint i = 0; i < n; i++)
        if (base[i])
          {
            double sx, sy;
            al_honeycomb_site (lattice, labels->n1[i], labels->n2[i], labels->sub[i], &sx, &sy);
            double dx = atoms->x[i] - sx, dy = atoms->y[i] - sy;
            res[n_res++] = sqrt (dx * dx + dy * dy);
          }
      {
        g_autofree double *scratch = g_memdup2 (res, n_res * sizeof (double));
        cut = MAX (AL_LATTICE_TRIM_SIGMAS * 1.4826 * al_select_median (scratch, n_res),
                   AL_LATTICE_TRIM_FLOOR_NN * labels->nn_px);
      }
      rms = 0.0;
      n_use = 0;
      for (guint i = 0, k = 0; i < n; i++)
        if (base[i])
          {
            use[i] = res[k] <= cut;
            if (use[i])
              {
                rms += res[k] * res[k];
                n_use++;
              }
            k++;
          }
      if (n_use < 4)
        break;
    }
  if (rms_px != NULL)
    *rms_px = n_use ? sqrt (rms / n_use) : 0.0;
  return TRUE;
}
