/* al-defects.h: AlDefects, the defects found in one frame.
 *
 * Every defect has a type from the vocabulary of DESIGN.md §5, a centre,
 * the atoms it is made of and the frame it was found in. Line defects also
 * carry a polyline, its length and (grain boundaries) the misorientation;
 * planar defects (phase regions) an area. Vacancies have no atom at their
 * centre: their members are the atoms around the empty site.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"

G_BEGIN_DECLS

typedef struct
{
  guint         id;
  AlDefectType  type;
  guint         frame;
  double        x;             /* centre, px */
  double        y;
  guint         first_member;  /* into AlDefects.members */
  guint         n_members;
  guint         first_point;   /* polyline vertices into AlDefects.points (x, y pairs) */
  guint         n_points;
  double        length_px;     /* line defects: along the polyline */
  double        area_px2;      /* planar defects */
  double        misorientation_deg;  /* grain boundaries */
} AlDefect;

typedef struct
{
  GArray *defects;   /* AlDefect */
  GArray *members;   /* guint32 atom indices */
  GArray *points;    /* double x, y */
} AlDefects;

AlDefects *al_defects_new          (void);
void       al_defects_free         (AlDefects       *defects);
AlDefect  *al_defects_add          (AlDefects       *defects,
                                    AlDefectType     type,
                                    guint            frame,
                                    double           x,
                                    double           y,
                                    const guint32   *members,
                                    guint            n_members);
void       al_defects_set_polyline (AlDefects       *defects,
                                    AlDefect        *defect,
                                    const double    *xy,
                                    guint            n_points);
guint      al_defects_count_type   (const AlDefects *defects,
                                    AlDefectType     type);
void       al_defects_label_atoms  (const AlDefects *defects,
                                    AlAtoms         *atoms);

static inline guint
al_defects_len (const AlDefects *defects)
{
  return defects->defects->len;
}

static inline AlDefect *
al_defects_get (const AlDefects *defects,
                guint            index)
{
  return &g_array_index (defects->defects, AlDefect, index);
}

static inline const guint32 *
al_defect_members (const AlDefects *defects,
                   const AlDefect  *defect)
{
  return &g_array_index (defects->members, guint32, defect->first_member);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlDefects, al_defects_free)

G_END_DECLS
