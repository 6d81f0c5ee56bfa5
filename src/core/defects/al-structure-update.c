/* al-structure-update.c: the structure after an edit, from a window around
 * the changed atoms spliced into the old structure. */
#include "defects/al-structure-update.h"

#include <math.h>
#include <string.h>

#define NONE G_MAXUINT32
/* How many atoms ahead the matching looks for a run of added or deleted
 * atoms before it calls the pair at hand changed. */
#define AL_MATCH_LOOKAHEAD 64

static gboolean
same_atom (const AlAtoms *a,
           guint          i,
           const AlAtoms *b,
           guint          j)
{
  guint8 hand_a = a->flags[i] & AL_ATOM_DEFECT_BY_HAND, hand_b = b->flags[j] & AL_ATOM_DEFECT_BY_HAND;

  /* A defect relabelled or marked false by hand (or that undone) is an
   * edit too: its defect is found again and the hand label applied to it. */
  return a->x[i] == b->x[j] && a->y[i] == b->y[j] && a->species[i] == b->species[j]
         && hand_a == hand_b && (!hand_a || a->defect_type[i] == b->defect_type[j]);
}

static void
box_add (double box[4],
         double x,
         double y)
{
  box[0] = MIN (box[0], x);
  box[1] = MIN (box[1], y);
  box[2] = MAX (box[2], x);
  box[3] = MAX (box[3], y);
}

/* Matches the atoms of two versions of a frame, in order (edits insert,
 * remove and change atoms but never reorder the rest): new_to_old[j] is
 * the old index of new atom j when it is unchanged (same position,
 * species and hand defect label), else G_MAXUINT32. `box` (x0, y0, x1, y1) gets the bounding box
 * of the changed atoms, old and new positions (x0 > x1 when none). Returns
 * the number of changed atoms (old ones without a match plus new ones). */
guint
al_atoms_match (const AlAtoms *old_atoms,
                const AlAtoms *atoms,
                guint32       *new_to_old,
                double         box[4])
{
  guint i = 0, j = 0, n_changed = 0;

  box[0] = box[1] = INFINITY;
  box[2] = box[3] = -INFINITY;
  for (guint k = 0; k < atoms->n_atoms; k++)
    new_to_old[k] = NONE;
  while (i < old_atoms->n_atoms && j < atoms->n_atoms)
    {
      gboolean found = FALSE;

      if (same_atom (old_atoms, i, atoms, j))
        {
          new_to_old[j++] = i++;
          continue;
        }
      for (guint k = 1; k <= AL_MATCH_LOOKAHEAD && !found; k++)
        {
          if (i + k < old_atoms->n_atoms && same_atom (old_atoms, i + k, atoms, j))
            {
              for (; k > 0; k--, i++, n_changed++)
                box_add (box, old_atoms->x[i], old_atoms->y[i]);
              found = TRUE;
            }
          else if (j + k < atoms->n_atoms && same_atom (old_atoms, i, atoms, j + k))
            {
              for (; k > 0; k--, j++, n_changed++)
                box_add (box, atoms->x[j], atoms->y[j]);
              found = TRUE;
            }
        }
      if (!found)
        {
          box_add (box, old_atoms->x[i], old_atoms->y[i]);
          box_add (box, atoms->x[j], atoms->y[j]);
          i++;
          j++;
          n_changed += 2;
        }
    }
  for (; i < old_atoms->n_atoms; i++, n_changed++)
    box_add (box, old_atoms->x[i], old_atoms->y[i]);
  for (; j < atoms->n_atoms; j++, n_changed++)
    box_add (box, atoms->x[j], atoms->y[j]);
  return n_changed;
}

typedef struct
{
  const AlAtoms     *old_atoms;
  const AlStructure *old;
  AlAtoms           *atoms;
  const AlMaterial  *material;
  double             core[4];      /* px box whose results come from the window */
  double             window[4];    /* px box of the atoms analysed again */
  guint32           *new_to_old;
  guint32           *old_to_new;
  guint32           *win_to_new;   /* window atom -> frame atom */
  guint32           *new_to_win;
  guint8            *in_core;      /* per new atom */
  AlAtoms           *win;
  AlStructure       *ws;           /* the window's structure */
} Update;

static gboolean
box_contains (const double b[4],
              double       x,
              double       y)
{
  return x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3];
}

static void
update_clear (Update *u)
{
  g_free (u->new_to_old);
  g_free (u->old_to_new);
  g_free (u->win_to_new);
  g_free (u->new_to_win);
  g_free (u->in_core);
  al_atoms_free (u->win);
  al_structure_free (u->ws);
}

/* The core and window boxes around the changed atoms' box. */
static void
place_boxes (Update       *u,
             const double  box[4])
{
  const AlStructure *old = u->old;
  double d = old->bonds->nn_px, radius = 0.0, core, halo;

  if (old->strain != NULL)
    radius = old->strain->radius_a * al_honeycomb_constant (&old->strain->reference);
  /* A per-atom strain reaches the atoms in its neighbourhood and their
   * bonded shells (2 bonds of at most 1.3 d). */
  core = MAX (AL_UPDATE_CORE_NN * d, radius + 2.0 * AL_BOND_MAX_FRACTION * d);
  halo = radius + AL_UPDATE_HALO_NN * d;
  for (int k = 0; k < 2; k++)
    {
      double lo = box[k] - core - halo, hi = box[k + 2] + core + halo;
      double grow = MAX (0.0, 0.5 * (AL_UPDATE_MIN_WINDOW_NN * d - (hi - lo)));
      u->core[k] = box[k] - core;
      u->core[k + 2] = box[k + 2] + core;
      u->window[k] = lo - grow;
      u->window[k + 2] = hi + grow;
    }
}

/* Line and planar defects span the field: an edit that reaches one is
 * recomputed whole. Likewise an edit among atoms of another phase. */
static gboolean
old_is_local (const Update *u)
{
  const AlDefects *defects = u->old->defects;

  for (guint k = 0; k < al_defects_len (defects); k++)
    {
      const AlDefect *def = al_defects_get (defects, k);
      const guint32 *m = al_defect_members (defects, def);
      const double *xy = &g_array_index (defects->points, double, 2 * def->first_point);
      if (al_defect_type_is_point (def->type))
        continue;
      for (guint q = 0; q < def->n_members; q++)
        if (m[q] < u->old_atoms->n_atoms
            && box_contains (u->core, u->old_atoms->x[m[q]], u->old_atoms->y[m[q]]))
          return FALSE;
      for (guint q = 0; q < def->n_points; q++)
        if (box_contains (u->core, xy[2 * q], xy[2 * q + 1]))
          return FALSE;
    }
  if (u->old->phases != NULL)
    for (guint i = 0; i < u->old_atoms->n_atoms && i < u->old->phases->n_atoms; i++)
      if (u->old->phases->atom_phase[i] != AL_PHASE_2H
          && box_contains (u->core, u->old_atoms->x[i], u->old_atoms->y[i]))
        return FALSE;
  return TRUE;
}

static void
cut_window (Update *u)
{
  const AlAtoms *atoms = u->atoms;
  guint n_win = 0;

  u->in_core = g_new0 (guint8, atoms->n_atoms + 1);
  u->new_to_win = g_new (guint32, atoms->n_atoms + 1);
  u->win_to_new = g_new (guint32, atoms->n_atoms + 1);
  for (guint j = 0; j < atoms->n_atoms; j++)
    {
      u->in_core[j] = box_contains (u->core, atoms->x[j], atoms->y[j]);
      u->new_to_win[j] = NONE;
      if (box_contains (u->window, atoms->x[j], atoms->y[j]))
        {
          u->new_to_win[j] = n_win;
          u->win_to_new[n_win++] = j;
        }
    }
  u->win = al_atoms_new (MAX (n_win, 1));
  for (guint w = 0; w < n_win; w++)
    {
      guint j = u->win_to_new[w];
      guint k = al_atoms_append (u->win, atoms->x[j], atoms->y[j], atoms->species[j]);
      u->win->sigma_x[k] = atoms->sigma_x[j];
      u->win->sigma_y[k] = atoms->sigma_y[j];
      u->win->confidence[k] = atoms->confidence[j];
      u->win->intensity[k] = atoms->intensity[j];
      u->win->width[k] = atoms->width[j];
      u->win->flags[k] = atoms->flags[j];
    }
}

/* What the window found in its core must be local too. */
static gboolean
window_is_local (const Update *u)
{
  const AlDefects *defects = u->ws->defects;

  for (guint k = 0; k < al_defects_len (defects); k++)
    {
      const AlDefect *def = al_defects_get (defects, k);
      const guint32 *m = al_defect_members (defects, def);
      if (al_defect_type_is_point (def->type))
        continue;
      for (guint q = 0; q < def->n_members; q++)
        if (u->in_core[u->win_to_new[m[q]]])
          return FALSE;
    }
  if (u->ws->phases != NULL)
    for (guint w = 0; w < u->win->n_atoms; w++)
      if (u->in_core[u->win_to_new[w]] && u->ws->phases->atom_phase[w] != AL_PHASE_2H)
        return FALSE;
  return TRUE;
}

/* Old bonds away from the core, the window's bonds that touch it. */
static AlBonds *
splice_bonds (const Update *u)
{
  const AlBonds *ob = u->old->bonds, *wb = u->ws->bonds;
  g_autoptr (GArray) pairs = g_array_sized_new (FALSE, FALSE, sizeof (guint32), 2 * (ob->n_bonds + 1));

  for (guint k = 0; k < ob->n_bonds; k++)
    {
      guint32 p[2] = { u->old_to_new[ob->a[k]], u->old_to_new[ob->b[k]] };
      if (p[0] != NONE && p[1] != NONE && !u->in_core[p[0]] && !u->in_core[p[1]])
        g_array_append_vals (pairs, p, 2);
    }
  for (guint k = 0; k < wb->n_bonds; k++)
    {
      guint32 p[2] = { u->win_to_new[wb->a[k]], u->win_to_new[wb->b[k]] };
      if (u->in_core[p[0]] || u->in_core[p[1]])
        g_array_append_vals (pairs, p, 2);
    }
  return al_bonds_new_from_pairs (u->atoms, (const guint32 *) pairs->data, pairs->len / 2, ob->nn_px);
}

/* Window labels are the whole field's up to a lattice vector per connected
 * piece of the window (both use the old orientation): each piece is
 * shifted by what its atoms outside the core had in the old labels.
 * FALSE when a piece disagrees with itself or its sublattices do. */
static gboolean
rebase_labels (const Update      *u,
               AlHoneycombLabels *wl)
{
  const AlBonds *wb = u->ws->bonds;
  const AlHoneycombLabels *ol = u->old->labels;
  guint n = u->win->n_atoms;
  g_autofree guint32 *piece = g_new (guint32, n + 1);
  g_autofree guint32 *queue = g_new (guint32, n + 1);
  g_autoptr (GArray) shift = g_array_new (FALSE, FALSE, sizeof (gint32) * 3);
  gint32 common[3] = { 0, 0, 0 };
  gboolean have_common = FALSE;

  for (guint w = 0; w < n; w++)
    piece[w] = NONE;
  for (guint s = 0; s < n; s++)
    {
      guint head = 0, tail = 0;
      gint32 sh[3] = { 0, 0, 0 };  /* dn1, dn2, known */
      if (piece[s] != NONE)
        continue;
      piece[s] = shift->len;
      queue[tail++] = s;
      while (head < tail)
        {
          guint w = queue[head++], j = u->win_to_new[w], o = u->new_to_old[j];
          if (!u->in_core[j] && o != NONE && wl->sub[w] >= 0 && ol->sub[o] >= 0)
            {
              gint32 dn1 = ol->n1[o] - wl->n1[w], dn2 = ol->n2[o] - wl->n2[w];
              if (ol->sub[o] != wl->sub[w])
                return FALSE;
              if (sh[2] && (dn1 != sh[0] || dn2 != sh[1]))
                return FALSE;
              sh[0] = dn1;
              sh[1] = dn2;
              sh[2] = 1;
            }
          for (guint32 h = wb->offset[w]; h < wb->offset[w + 1]; h++)
            if (piece[wb->neighbour[h]] == NONE)
              {
                piece[wb->neighbour[h]] = shift->len;
                queue[tail++] = wb->neighbour[h];
              }
        }
      if (sh[2] && !have_common)
        {
          memcpy (common, sh, sizeof common);
          have_common = TRUE;
        }
      g_array_append_val (shift, sh);
    }
  if (!have_common)
    return n == 0;
  /* A piece wholly inside the core (atoms added in a hole) was placed on
   * the lattice by the window's own alignment: it takes the shift of the
   * first anchored piece. */
  for (guint w = 0; w < n; w++)
    {
      const gint32 *sh = &g_array_index (shift, gint32, 3 * piece[w]);
      if (!sh[2])
        sh = common;
      wl->n1[w] += sh[0];
      wl->n2[w] += sh[1];
    }
  return TRUE;
}

static AlHoneycombLabels *
splice_labels (const Update            *u,
               const AlHoneycombLabels *wl)
{
  const AlHoneycombLabels *ol = u->old->labels;
  guint n = u->atoms->n_atoms;
  AlHoneycombLabels *l = g_new0 (AlHoneycombLabels, 1);

  l->n_atoms = n;
  l->n1 = g_new0 (gint32, n + 1);
  l->n2 = g_new0 (gint32, n + 1);
  l->sub = g_new (gint8, n + 1);
  l->theta = ol->theta;
  l->nn_px = ol->nn_px;
  for (guint j = 0; j < n; j++)
    {
      guint32 o = u->new_to_old[j], w = u->new_to_win[j];
      l->sub[j] = -1;
      if (u->in_core[j] && w != NONE)
        {
          l->n1[j] = wl->n1[w];
          l->n2[j] = wl->n2[w];
          l->sub[j] = wl->sub[w];
        }
      else if (!u->in_core[j] && o != NONE)
        {
          l->n1[j] = ol->n1[o];
          l->n2[j] = ol->n2[o];
          l->sub[j] = ol->sub[o];
        }
    }
  return l;
}

static AlStrain *
splice_strain (const Update            *u,
               const AlHoneycombLabels *labels)
{
  const AlStrain *os = u->old->strain, *wsn = u->ws->strain;
  AlStrain *s = g_new (AlStrain, 1);
  guint n = u->atoms->n_atoms;
  float **fields[6] = { &s->exx, &s->eyy, &s->exy, &s->rotation, &s->ux, &s->uy };

  *s = *os;
  s->n_atoms = n;
  s->n_valid = 0;
  for (int f = 0; f < 6; f++)
    *fields[f] = g_new (float, n + 1);
  for (guint j = 0; j < n; j++)
    {
      guint32 o = u->new_to_old[j], w = u->new_to_win[j];
      if (u->in_core[j] && w != NONE)
        {
          s->exx[j] = wsn->exx[w];
          s->eyy[j] = wsn->eyy[w];
          s->exy[j] = wsn->exy[w];
          s->rotation[j] = wsn->rotation[w];
        }
      else if (!u->in_core[j] && o != NONE)
        {
          s->exx[j] = os->exx[o];
          s->eyy[j] = os->eyy[o];
          s->exy[j] = os->exy[o];
          s->rotation[j] = os->rotation[o];
        }
      else
        s->exx[j] = s->eyy[j] = s->exy[j] = s->rotation[j] = NAN;
      s->ux[j] = s->uy[j] = NAN;
      if (labels->sub[j] >= 0)
        {
          double sx, sy;
          al_honeycomb_site (&s->fit, labels->n1[j], labels->n2[j], labels->sub[j], &sx, &sy);
          s->ux[j] = (float) (u->atoms->x[j] - sx);
          s->uy[j] = (float) (u->atoms->y[j] - sy);
        }
      s->n_valid += !isnan (s->exx[j]);
    }
  return s;
}

static AlPhaseMap *
splice_phases (const Update *u)
{
  const AlPhaseMap *op = u->old->phases;
  AlPhaseMap *p = g_new (AlPhaseMap, 1);
  guint n = u->atoms->n_atoms;

  *p = *op;
  p->n_atoms = n;
  p->cell = g_memdup2 (op->cell, (gsize) op->n_cx * op->n_cy + 1);
  p->atom_phase = g_new (guint8, n + 1);
  for (guint j = 0; j < n; j++)
    {
      guint32 o = u->new_to_old[j], w = u->new_to_win[j];
      p->atom_phase[j] = u->in_core[j] && w != NONE ? u->ws->phases->atom_phase[w]
                         : o != NONE ? op->atom_phase[o] : AL_PHASE_2H;
    }
  return p;
}

static void
copy_defect (AlDefects       *to,
             const AlDefects *from,
             const AlDefect  *def,
             const guint32   *map,
             guint            n_map)
{
  const guint32 *m = al_defect_members (from, def);
  g_autofree guint32 *members = g_new (guint32, def->n_members + 1);
  guint n = 0;
  AlDefect *copy;

  for (guint q = 0; q < def->n_members; q++)
    if (m[q] < n_map && map[m[q]] != NONE)
      members[n++] = map[m[q]];
  copy = al_defects_add (to, def->type, def->frame, def->x, def->y, members, n);
  if (def->n_points > 0)
    al_defects_set_polyline (to, copy, &g_array_index (from->points, double, 2 * def->first_point),
                             def->n_points);
  copy->length_px = def->length_px;
  copy->area_px2 = def->area_px2;
  copy->misorientation_deg = def->misorientation_deg;
}

/* Old defects centred outside the core, the window's point defects
 * centred inside it. */
static AlDefects *
splice_defects (const Update *u)
{
  const AlDefects *od = u->old->defects, *wd = u->ws->defects;
  AlDefects *d = al_defects_new ();

  for (guint k = 0; k < al_defects_len (od); k++)
    {
      const AlDefect *def = al_defects_get (od, k);
      if (!al_defect_type_is_point (def->type) || !box_contains (u->core, def->x, def->y))
        copy_defect (d, od, def, u->old_to_new, u->old_atoms->n_atoms);
    }
  for (guint k = 0; k < al_defects_len (wd); k++)
    {
      const AlDefect *def = al_defects_get (wd, k);
      if (al_defect_type_is_point (def->type) && box_contains (u->core, def->x, def->y))
        copy_defect (d, wd, def, u->win_to_new, u->win->n_atoms);
    }
  return d;
}

static AlStructure *
splice (Update *u)
{
  g_autoptr (AlStructure) s = g_new0 (AlStructure, 1);

  s->pixel_size_nm = u->old->pixel_size_nm;
  s->pixel_size_estimated = u->old->pixel_size_estimated;
  s->bonds = splice_bonds (u);
  s->rings = al_rings_find (s->bonds, u->atoms);
  if (!rebase_labels (u, u->ws->labels))
    return NULL;
  s->labels = splice_labels (u, u->ws->labels);
  if (u->old->strain != NULL && u->ws->strain != NULL)
    s->strain = splice_strain (u, s->labels);
  if (u->old->phases != NULL && u->ws->phases != NULL)
    s->phases = splice_phases (u);
  s->defects = splice_defects (u);
  /* The window may have read a core atom's species from the image. */
  for (guint w = 0; w < u->win->n_atoms; w++)
    if (u->in_core[u->win_to_new[w]])
      u->atoms->species[u->win_to_new[w]] = u->win->species[w];
  al_bonds_set_coordination (s->bonds, u->atoms);
  al_defects_label_atoms (s->defects, u->atoms);
  return g_steal_pointer (&s);
}

static AlStructure *
update_locally (Update                  *u,
                guint                    frame,
                double                   pixel_size_nm,
                const AlStructureParams *params,
                AlStructureUpdate       *how,
                GCancellable            *cancellable,
                GError                 **error)
{
  AlStructureParams wp = *params;
  g_autoptr (GError) local = NULL;

  if (!old_is_local (u))
    {
      how->why_whole = "the edit reaches an edge, a grain boundary or a phase region";
      return NULL;
    }
  cut_window (u);
  how->n_window_atoms = u->win->n_atoms;
  if (u->win->n_atoms > AL_UPDATE_MAX_WINDOW_SHARE * u->atoms->n_atoms)
    {
      how->why_whole = "the edit spans much of the frame";
      return NULL;
    }
  /* The window gets the old structure's figures and no phase network
   * (the core is all one crystal phase, checked both sides). */
  wp.like = u->old;
  wp.phase_model = NULL;
  wp.phase_net = NULL;
  wp.keep_phase_net = FALSE;
  wp.n_threads = 1;
  u->ws = al_structure_analyze (u->win, u->material, pixel_size_nm, frame, &wp, NULL, cancellable, &local);
  if (u->ws == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      how->why_whole = "the window could not be analysed";
      return NULL;
    }
  if (!window_is_local (u))
    {
      how->why_whole = "the edit makes an edge, a grain boundary or a phase region";
      return NULL;
    }
  {
    AlStructure *s = splice (u);
    if (s == NULL)
      how->why_whole = "the window's lattice labels disagree with the frame's";
    return s;
  }
}

/* The structure of `atoms`, an edited version of `old_atoms` whose
 * structure is `old` (both as the last analysis left them), recomputed
 * near the changed atoms when it can be, else for the whole frame (as
 * al_structure_analyze). Fills atoms' coordination, defect labels and,
 * near the edit, species read from the image. `how` (may be NULL) says
 * which it was. */
AlStructure *
al_structure_update (const AlAtoms           *old_atoms,
                     const AlStructure       *old,
                     AlAtoms                 *atoms,
                     const AlMaterial        *material,
                     double                   pixel_size_nm,
                     guint                    frame,
                     const AlStructureParams *params,
                     AlStructureUpdate       *how,
                     GCancellable            *cancellable,
                     GError                 **error)
{
  AlStructureUpdate unused;
  AlStructureParams defaults = { { 0 } };
  Update u = { old_atoms, old, atoms, material, { 0 }, { 0 }, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  AlStructure *s = NULL;
  double box[4];

  g_return_val_if_fail (atoms != NULL, NULL);
  if (how == NULL)
    how = &unused;
  if (params == NULL)
    params = &defaults;
  memset (how, 0, sizeof *how);
  if (old_atoms == NULL || old == NULL || old->bonds == NULL || old->labels == NULL
      || old->defects == NULL || old->bonds->nn_px <= 0.0 || old->bonds->n_atoms != old_atoms->n_atoms)
    how->why_whole = "no earlier structure of this frame";
  else
    {
      u.new_to_old = g_new (guint32, atoms->n_atoms + 1);
      how->n_changed = al_atoms_match (old_atoms, atoms, u.new_to_old, box);
      u.old_to_new = g_new (guint32, old_atoms->n_atoms + 1);
      for (guint o = 0; o < old_atoms->n_atoms; o++)
        u.old_to_new[o] = NONE;
      for (guint j = 0; j < atoms->n_atoms; j++)
        if (u.new_to_old[j] != NONE)
          u.old_to_new[u.new_to_old[j]] = j;
      /* Nothing changed: a core and window far outside the field, so the
       * old structure is kept whole (renumbered: the same numbers). */
      if (how->n_changed == 0)
        box[0] = box[1] = box[2] = box[3] = -1e9;
      place_boxes (&u, box);
      s = update_locally (&u, frame, pixel_size_nm, params, how, cancellable, error);
      if (s == NULL && error != NULL && *error != NULL)
        {
          update_clear (&u);
          return NULL;
        }
    }
  update_clear (&u);
  how->local = s != NULL;
  if (s != NULL)
    return s;
  return al_structure_analyze (atoms, material, pixel_size_nm, frame, params, NULL, cancellable, error);
}
