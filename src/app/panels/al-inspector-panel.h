/* al-inspector-panel.h: the Inspector panel: one selected atom's position
 * (px and nm, with its standard error), species, confidence, intensity,
 * coordination, defect, and its bonds with their lengths; or one selected
 * defect. Its rows correct what they show through the window's actions:
 * the species (win.set-species), the defect's type (win.set-defect-type)
 * and a false defect (win.mark-false-defect). */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_INSPECTOR_PANEL (al_inspector_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlInspectorPanel, al_inspector_panel, AL, INSPECTOR_PANEL, GtkWidget)

/* Shows atom `atom` of frame `frame` of `results` (and the defect it
 * belongs to); atom < 0 or NULL results: nothing selected. */
void   al_inspector_panel_show_atom   (AlInspectorPanel *self,
                                       AlResults        *results,
                                       guint             frame,
                                       gint64            atom);
/* Shows defect `index` (into the frame's structure->defects) alone. */
void   al_inspector_panel_show_defect (AlInspectorPanel *self,
                                       AlResults        *results,
                                       guint             frame,
                                       gint64            index);
/* The atom shown, or -1; the defect shown (index), or -1. */
gint64 al_inspector_panel_get_atom    (AlInspectorPanel *self);
gint64 al_inspector_panel_get_defect  (AlInspectorPanel *self);

/* The defect types a hand correction may choose for a material (point
 * defects of its family), into `types`; returns how many. */
guint  al_inspector_defect_choices    (const AlMaterial *material,
                                       AlDefectType     *types,
                                       guint             max_types);

G_END_DECLS
