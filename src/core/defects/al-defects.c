/* al-defects.c: the defect list and its mapping onto atoms. */
#include "defects/al-defects.h"

#include <math.h>

AlDefects *
al_defects_new (void)
{
  AlDefects *defects = g_new0 (AlDefects, 1);

  defects->defects = g_array_new (FALSE, TRUE, sizeof (AlDefect));
  defects->members = g_array_new (FALSE, FALSE, sizeof (guint32));
  defects->points = g_array_new (FALSE, FALSE, sizeof (double));
  return defects;
}

void
al_defects_free (AlDefects *defects)
{
  if (defects == NULL)
    return;
  g_array_unref (defects->defects);
  g_array_unref (defects->members);
  g_array_unref (defects->points);
  g_free (defects);
}

/* Appends a defect with the next id; the returned pointer is valid until the
 * next al_defects_add. */
AlDefect *
al_defects_add (AlDefects     *defects,
                AlDefectType   type,
                guint          frame,
                double         x,
                double         y,
                const guint32 *members,
                guint          n_members)
{
  AlDefect d = { 0 };

  d.id = defects->defects->len;
  d.type = type;
  d.frame = frame;
  d.x = x;
  d.y = y;
  d.first_member = defects->members->len;
  d.n_members = n_members;
  d.first_point = defects->points->len / 2;
  if (n_members > 0)
    g_array_append_vals (defects->members, members, n_members);
  g_array_append_val (defects->defects, d);
  return &g_array_index (defects->defects, AlDefect, defects->defects->len - 1);
}

/* Sets the polyline of `defect` and its length. */
void
al_defects_set_polyline (AlDefects    *defects,
                         AlDefect     *defect,
                         const double *xy,
                         guint         n_points)
{
  defect->first_point = defects->points->len / 2;
  defect->n_points = n_points;
  g_array_append_vals (defects->points, xy, 2 * n_points);
  defect->length_px = 0.0;
  for (guint k = 1; k < n_points; k++)
    defect->length_px += hypot (xy[2 * k] - xy[2 * k - 2], xy[2 * k + 1] - xy[2 * k - 1]);
}

guint
al_defects_count_type (const AlDefects *defects,
                       AlDefectType     type)
{
  guint n = 0;

  for (guint i = 0; i < al_defects_len (defects); i++)
    n += al_defects_get (defects, i)->type == type;
  return n;
}

/* Sets atoms->defect_id and defect_type. An atom in several defects keeps
 * the point defect (the most specific), then the line defect; planar
 * regions label only atoms in no other defect. */
void
al_defects_label_atoms (const AlDefects *defects,
                        AlAtoms         *atoms)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      atoms->defect_id[i] = -1;
      atoms->defect_type[i] = AL_DEFECT_NONE;
    }
  for (int pass = 0; pass < 3; pass++)
    for (guint d = 0; d < al_defects_len (defects); d++)
      {
        const AlDefect *def = al_defects_get (defects, d);
        const guint32 *m = al_defect_members (defects, def);
        gboolean point = al_defect_type_is_point (def->type);
        gboolean line = def->type == AL_DEFECT_GRAIN_BOUNDARY || def->type == AL_DEFECT_EDGE;
        if ((pass == 0 && !point) || (pass == 1 && !line) || (pass == 2 && (point || line)))
          continue;
        for (guint k = 0; k < def->n_members; k++)
          if (m[k] < atoms->n_atoms && atoms->defect_id[m[k]] < 0)
            {
              atoms->defect_id[m[k]] = (gint32) def->id;
              atoms->defect_type[m[k]] = (gint16) def->type;
            }
      }
}
