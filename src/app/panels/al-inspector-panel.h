/* al-inspector-panel.h: the Inspector panel: one selected atom's position
 * (px and nm, with its standard error), species, confidence, intensity,
 * coordination, defect, and its bonds with their lengths. */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_INSPECTOR_PANEL (al_inspector_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlInspectorPanel, al_inspector_panel, AL, INSPECTOR_PANEL, GtkWidget)

/* Shows atom `atom` of frame `frame` of `results`; atom < 0 or NULL
 * results: nothing selected. */
void   al_inspector_panel_show_atom (AlInspectorPanel *self,
                                     AlResults        *results,
                                     guint             frame,
                                     gint64            atom);
/* The atom shown, or -1. */
gint64 al_inspector_panel_get_atom  (AlInspectorPanel *self);

G_END_DECLS
