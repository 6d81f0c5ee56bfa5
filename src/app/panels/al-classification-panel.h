/* al-classification-panel.h: the Classification panel: how many atoms of
 * each species and defects of each type the shown frame has, with their
 * densities per nm² when the pixel size is known. */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_CLASSIFICATION_PANEL (al_classification_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlClassificationPanel, al_classification_panel, AL, CLASSIFICATION_PANEL,
                      GtkWidget)

/* Shows frame `frame` of `results` (NULL: not analysed). */
void al_classification_panel_set_results (AlClassificationPanel *self,
                                          AlResults             *results,
                                          guint                  frame);
/* The count shown for a species or defect type name, or -1 (for tests). */
gint64 al_classification_panel_get_count (AlClassificationPanel *self,
                                          const char            *name);

G_END_DECLS
