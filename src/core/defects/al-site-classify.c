/* al-site-classify.c: lattice sites read as empty, S, S2, metal… */
#include "defects/al-site-classify.h"

#include <math.h>

#include "defects/al-empty-sites.h"
#include "defects/al-site-intensity.h"
#include "defects/al-site-model.h"
#include "graph/al-cell-grid.h"
#include "graph/al-select.h"

/* Host references are medians over this radius, in lattice constants a
 * (about 30 sites of each sublattice). */
#define AL_SITE_REFERENCE_RADIUS_A 3.0
/* A site is placed by its neighbours when it has at least this many. */
#define AL_SITE_MIN_NEIGHBOURS 2
/* A site is fitted together with the found columns within this radius
 * (in bond lengths d: its nearest neighbours), except one within the
 * second radius, which is the site's own column. */
#define AL_SITE_NEIGHBOUR_RADIUS_NN 1.3
#define AL_SITE_OWN_RADIUS_NN 0.5

static gboolean
touches_excluded (const AlBonds *bonds,
                  const guint8  *excluded,
                  guint          i)
{
  if (excluded == NULL)
    return FALSE;
  if (excluded[i])
    return TRUE;
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    if (excluded[bonds->neighbour[h]])
      return TRUE;
  return FALSE;
}

/* Where the neighbours put a site: each bonded neighbour, one ideal bond
 * away along the bond direction nearest its own. A faint column's found
 * position leans towards the noise that made it stand out (and so does
 * the amplitude read there); its neighbours' positions do not. */
static void
lattice_position (AlSite         *s,
                  const double *vx,
                  const double *vy,
                  guint         n,
                  double        nn)
{
  double sx = 0.0, sy = 0.0;

  if (n < AL_SITE_MIN_NEIGHBOURS)
    return;
  for (guint k = 0; k < n; k++)
    {
      double phi = atan2 (vy[k], vx[k]), best = s->angle, dmin = G_MAXDOUBLE;
      for (int q = 0; q < 3; q++)
        {
          double u = s->angle + q * 2.0 * G_PI / 3.0;
          double d = fabs (remainder (phi - u, 2.0 * G_PI));
          if (d < dmin)
            {
              dmin = d;
              best = u;
            }
        }
      sx += vx[k] - nn * cos (best);
      sy += vy[k] - nn * sin (best);
    }
  s->x += sx / n;
  s->y += sy / n;
}

static GArray *
collect_sites (const AlAtoms           *atoms,
               const AlBonds           *bonds,
               const AlHoneycombLabels *labels,
               const GArray            *empty_sites,
               const guint8            *excluded)
{
  GArray *sites = g_array_new (FALSE, FALSE, sizeof (AlSite));
  /* Bonds from sublattice 0 point along theta + 30° (al-honeycomb.h). */
  double fallback[2] = { labels->theta + G_PI / 6.0, labels->theta + G_PI / 6.0 + G_PI };
  double vx[AL_EMPTY_SITE_MAX_VOTERS + 8], vy[AL_EMPTY_SITE_MAX_VOTERS + 8];

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      AlSite s = { atoms->x[i], atoms->y[i], 0.0, NAN, NAN, NAN, NAN, (gint32) i, -1, labels->sub[i] };
      guint n = 0;
      if (s.sub < 0 || touches_excluded (bonds, excluded, i))
        continue;
      for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1] && n < G_N_ELEMENTS (vx); h++)
        {
          guint j = bonds->neighbour[h];
          if (labels->sub[j] != 1 - s.sub)
            continue;
          vx[n] = atoms->x[j] - s.x;
          vy[n++] = atoms->y[j] - s.y;
        }
      s.angle = al_site_bond_angle (vx, vy, n, fallback[s.sub]);
      lattice_position (&s, vx, vy, n, bonds->nn_px);
      g_array_append_val (sites, s);
    }
  for (guint e = 0; e < empty_sites->len; e++)
    {
      const AlEmptySite *es = &g_array_index (empty_sites, AlEmptySite, e);
      AlSite s = { es->x, es->y, 0.0, NAN, NAN, NAN, NAN, -1, (gint32) e, es->sub };
      guint n_excluded = 0;
      for (guint k = 0; k < es->n_voters; k++)
        {
          n_excluded += excluded != NULL && excluded[es->voters[k]];
          vx[k] = atoms->x[es->voters[k]] - s.x;
          vy[k] = atoms->y[es->voters[k]] - s.y;
        }
      if (s.sub < 0 || 2 * n_excluded > es->n_voters)
        continue;
      s.angle = al_site_bond_angle (vx, vy, es->n_voters, fallback[s.sub]);
      g_array_append_val (sites, s);
    }
  return sites;
}

typedef struct
{
  const AlSite *sites;
  guint       self;
  GArray     *same;
  GArray     *other;
  GArray     *breath;
} RefQuery;

static gboolean
ref_visit (guint    j,
           double   d2,
           gpointer user_data)
{
  RefQuery *q = user_data;
  const AlSite *s = &q->sites[j];

  (void) d2;
  if (j != q->self && s->sub == q->sites[q->self].sub && isfinite (s->breath))
    g_array_append_val (q->breath, s->breath);
  if (j == q->self || !isfinite (s->amp))
    return TRUE;
  g_array_append_val (s->sub == q->sites[q->self].sub ? q->same : q->other, s->amp);
  return TRUE;
}

typedef struct
{
  const AlAtoms *atoms;
  double         own2;  /* squared distance within which a column is the site's own */
  double         nx[AL_SITE_MAX_NEIGHBOURS], ny[AL_SITE_MAX_NEIGHBOURS];
  guint          n;
} NeighbourQuery;

static gboolean
neighbour_visit (guint    j,
                 double   d2,
                 gpointer user_data)
{
  NeighbourQuery *q = user_data;

  if (d2 <= q->own2)
    return TRUE;
  q->nx[q->n] = q->atoms->x[j];
  q->ny[q->n] = q->atoms->y[j];
  return ++q->n < AL_SITE_MAX_NEIGHBOURS;
}

static double
median_of (GArray *v)
{
  return v->len >= AL_SITE_MIN_REFERENCES ? al_select_median ((double *) v->data, v->len) : NAN;
}

/* Mean distance of a site's three neighbouring columns from their
 * centroid: the breathing of the triangle, which does not depend on where
 * the site itself is put. Around a vacancy the neighbours move in. */
static double
triangle_size (const NeighbourQuery *q)
{
  double cx, cy;

  if (q->n != 3)
    return NAN;
  cx = (q->nx[0] + q->nx[1] + q->nx[2]) / 3.0;
  cy = (q->ny[0] + q->ny[1] + q->ny[2]) / 3.0;
  return (hypot (q->nx[0] - cx, q->ny[0] - cy) + hypot (q->nx[1] - cx, q->ny[1] - cy)
          + hypot (q->nx[2] - cx, q->ny[2] - cy)) / 3.0;
}

/* Each site's amplitude, fitted with the found columns around it (the
 * site's own found column, if any, is not one of them: the site is read
 * at its lattice position), then the references around each site. */
static void
measure_sites (GArray            *sites,
               const AlAtoms     *atoms,
               const AlSiteImage *img,
               double             a_px)
{
  AlSite *s = (AlSite *) sites->data;
  guint n = sites->len;
  double nn = img->nn_px;
  g_autofree double *x = g_new (double, n + 1);
  g_autofree double *y = g_new (double, n + 1);
  g_autoptr (AlCellGrid) grid = NULL;
  g_autoptr (AlCellGrid) atom_grid = al_cell_grid_new (atoms->x, atoms->y, atoms->n_atoms,
                                                       AL_SITE_NEIGHBOUR_RADIUS_NN * nn);
  RefQuery q = { s, 0, g_array_new (FALSE, FALSE, sizeof (double)),
                 g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)) };
  g_autofree double *breath = g_new (double, n + 1);

  for (guint i = 0; i < n; i++)
    {
      NeighbourQuery nq = { atoms, pow (AL_SITE_OWN_RADIUS_NN * nn, 2), { 0 }, { 0 }, 0 };
      x[i] = s[i].x;
      y[i] = s[i].y;
      al_cell_grid_query (atom_grid, s[i].x, s[i].y, AL_SITE_NEIGHBOUR_RADIUS_NN * nn, neighbour_visit, &nq);
      s[i].amp = al_site_amplitude (img, s[i].x, s[i].y, nq.nx, nq.ny, nq.n);
      s[i].breath = triangle_size (&nq);
    }
  grid = al_cell_grid_new (x, y, n, AL_SITE_REFERENCE_RADIUS_A * a_px);
  for (guint i = 0; i < n; i++)
    {
      q.self = i;
      g_array_set_size (q.same, 0);
      g_array_set_size (q.other, 0);
      g_array_set_size (q.breath, 0);
      al_cell_grid_query (grid, s[i].x, s[i].y, AL_SITE_REFERENCE_RADIUS_A * a_px, ref_visit, &q);
      s[i].ref_same = median_of (q.same);
      s[i].ref_other = median_of (q.other);
      breath[i] = s[i].breath - median_of (q.breath);
    }
  /* Relative to the sites around (strain changes the triangles' size). */
  for (guint i = 0; i < n; i++)
    s[i].breath = breath[i];
  g_array_unref (q.same);
  g_array_unref (q.other);
  g_array_unref (q.breath);
}

static void
emit (AlAtoms           *atoms,
      const AlBonds     *bonds,
      const AlHoneycombLabels *labels,
      const GArray      *empty_sites,
      const AlSite        *s,
      const AlSiteHypothesis  *h,
      guint              frame,
      AlDefects         *defects)
{
  guint32 members[AL_EMPTY_SITE_MAX_VOTERS + 8];
  guint n = 0;

  if (s->atom >= 0 && h->species >= 0 && !(atoms->flags[s->atom] & AL_ATOM_CLASS_BY_HAND))
    atoms->species[s->atom] = (gint16) h->species;
  if (h->type == AL_DEFECT_NONE)
    return;
  if (s->atom >= 0 && h->species >= 0)
    members[n++] = (guint32) s->atom;
  else if (s->atom >= 0)
    {
      /* An atom found where the image shows an empty site: the vacancy's
       * members are its neighbours, as for any vacancy. */
      for (guint32 e = bonds->offset[s->atom]; e < bonds->offset[s->atom + 1] && n < G_N_ELEMENTS (members); e++)
        if (labels->sub[bonds->neighbour[e]] == 1 - s->sub)
          members[n++] = bonds->neighbour[e];
    }
  else
    {
      const AlEmptySite *es = &g_array_index (empty_sites, AlEmptySite, s->empty);
      for (guint k = 0; k < es->n_voters; k++)
        members[n++] = es->voters[k];
    }
  al_defects_add (defects, h->type, frame, s->x, s->y, members, n);
}

/* Whether a site's content is read from the image: not where its species
 * was set by hand, nor where the image cannot be read (the frame's
 * border). */
static gboolean
read_from_image (const AlAtoms *atoms,
                 const AlSite  *s)
{
  if (!isfinite (s->ref_same) || !isfinite (s->ref_other) || !isfinite (s->amp))
    return FALSE;
  return s->atom < 0 || !(atoms->flags[s->atom] & AL_ATOM_CLASS_BY_HAND);
}

/* The content of largest posterior. */
static const AlSiteHypothesis *
most_probable (const AlSiteModel      *model,
               const AlSiteHypothesis *h,
               guint                   n,
               const AlSite           *s)
{
  double post[AL_MAX_SPECIES + 1];
  guint best = 0;

  al_site_posterior (model, h, n, s, post);
  for (guint k = 1; k < n; k++)
    if (post[k] > post[best])
      best = k;
  return &h[best];
}

/* Classifies every site and adds its defects. FALSE (nothing added) when
 * the image has too few sites to set the references. */
gboolean
al_site_defects_find (AlAtoms                 *atoms,
                      const AlBonds           *bonds,
                      const AlHoneycombLabels *labels,
                      const GArray            *empty_sites,
                      const AlMaterial        *m,
                      const guint8            *excluded,
                      const AlSiteFrame       *image,
                      guint                    frame,
                      AlDefects               *defects)
{
  double nn = bonds->nn_px;
  AlSiteImage img = { image->frame, image->width, image->height, al_site_column_sigma (atoms, nn), nn };
  g_autoptr (GArray) sites = NULL;
  AlSiteModel model;

  if (m == NULL || !m->is_tmd || nn <= 0.0 || image->frame == NULL)
    return FALSE;
  sites = collect_sites (atoms, bonds, labels, empty_sites, excluded);
  measure_sites (sites, atoms, &img, sqrt (3.0) * nn);
  if (!al_site_model_fit (sites, m, &model))
    return FALSE;
  for (guint i = 0; i < sites->len; i++)
    {
      const AlSite *s = &g_array_index (sites, AlSite, i);
      AlSiteHypothesis h[AL_MAX_SPECIES + 1];
      const AlSiteHypothesis *best = NULL;
      guint n;
      if (!isfinite (s->ref_same) || !isfinite (s->ref_other))
        continue;
      n = al_site_hypotheses (&model, s, h);
      if (read_from_image (atoms, s))
        best = most_probable (&model, h, n, s);
      else if (s->atom >= 0)
        best = al_site_by_species (h, n, atoms->species[s->atom]);
      else
        best = &h[0];   /* an empty site at the border: a vacancy by its neighbours */
      if (best != NULL)
        emit (atoms, bonds, labels, empty_sites, s, best, frame, defects);
    }
  return TRUE;
}
