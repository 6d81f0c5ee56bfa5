/* al-figure-structure.c: AlStructure -> AlFigureOverlays. */
#include "export/al-figure-structure.h"

typedef struct
{
  AlFigureOverlays overlays;   /* first: the public part */
  GArray          *defects;    /* AlFigureDefect */
  GArray          *lines;      /* AlFigurePolyline */
  float           *length_nm;
} Owned;

static gboolean
is_planar (AlDefectType type)
{
  return type == AL_DEFECT_PHASE_1T || type == AL_DEFECT_PHASE_2H || type == AL_DEFECT_PHASE_1TP
         || type == AL_DEFECT_AMORPHOUS;
}

static void
add_defects (Owned           *o,
             const AlDefects *defects)
{
  const double *points = (const double *) defects->points->data;

  for (guint k = 0; k < al_defects_len (defects); k++)
    {
      const AlDefect *d = al_defects_get (defects, k);
      if (d->n_points >= 2)
        {
          /* Boundaries and edges as lines; phase regions as closed outlines. */
          AlFigurePolyline line = { d->type, d->n_points, points + 2 * d->first_point,
                                    is_planar (d->type) };
          g_array_append_val (o->lines, line);
        }
      else
        {
          AlFigureDefect fd = { d->type, d->x, d->y, al_defect_members (defects, d), d->n_members,
                                0.0, NULL };
          g_array_append_val (o->defects, fd);
        }
    }
  o->overlays.defects = (const AlFigureDefect *) o->defects->data;
  o->overlays.n_defects = o->defects->len;
  o->overlays.lines = (const AlFigurePolyline *) o->lines->data;
  o->overlays.n_lines = o->lines->len;
}

static void
add_strain (Owned                  *o,
            const AlStrain         *strain,
            AlFigureStrainComponent component)
{
  static const char *const labels[] = { "εxx (%)", "εyy (%)", "εxy (%)", "rotation (°)" };
  const float *values[] = { strain->exx, strain->eyy, strain->exy, strain->rotation };

  g_return_if_fail (component <= AL_FIGURE_STRAIN_ROTATION);
  o->overlays.strain.values = values[component];
  o->overlays.strain.label = labels[component];
  o->overlays.strain.factor = component == AL_FIGURE_STRAIN_ROTATION ? 1.0 : 100.0;
}

AlFigureOverlays *
al_figure_overlays_from_structure (const AlStructure       *structure,
                                   AlFigureStrainComponent  component)
{
  Owned *o = g_new0 (Owned, 1);

  o->defects = g_array_new (FALSE, FALSE, sizeof (AlFigureDefect));
  o->lines = g_array_new (FALSE, FALSE, sizeof (AlFigurePolyline));
  if (structure == NULL)
    return &o->overlays;
  if (structure->bonds != NULL)
    {
      const AlBonds *b = structure->bonds;
      double nm = structure->pixel_size_nm;
      if (nm > 0)
        {
          o->length_nm = g_new (float, MAX (b->n_bonds, 1));
          for (guint k = 0; k < b->n_bonds; k++)
            o->length_nm[k] = (float) (b->length[k] * nm);
        }
      o->overlays.bonds = (AlFigureBonds) { b->n_bonds, b->a, b->b, o->length_nm };
    }
  if (structure->defects != NULL)
    add_defects (o, structure->defects);
  if (structure->strain != NULL)
    add_strain (o, structure->strain, component);
  if (structure->phases != NULL && structure->phases->cell != NULL)
    o->overlays.phases = (AlFigurePhases) { structure->phases->n_cx, structure->phases->n_cy,
                                            structure->phases->cell_px, structure->phases->cell };
  return &o->overlays;
}

void
al_figure_overlays_free (AlFigureOverlays *overlays)
{
  Owned *o = (Owned *) overlays;

  if (o == NULL)
    return;
  g_array_unref (o->defects);
  g_array_unref (o->lines);
  g_free (o->length_nm);
  g_free (o);
}
