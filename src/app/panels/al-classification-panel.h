/* al-classification-panel.h: the Classification panel: how many atoms of
 * each species and defects of each type the shown frame has, with their
 * densities per nm² when the pixel size is known, and a histogram of the
 * atoms' confidence. Clicking a row steps through its atoms or defects. */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"
#include "plots/al-plot.h"

G_BEGIN_DECLS

/* What a row counts (the "group-chosen" signal's first argument). */
typedef enum
{
  AL_GROUP_NONE,
  AL_GROUP_SPECIES,   /* value: the species index, -1 unclassified */
  AL_GROUP_DEFECTS,   /* value: the AlDefectType */
} AlGroupKind;

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

/* The step bar: "group: position + 1 of total"; group NULL hides it. */
void   al_classification_panel_set_step (AlClassificationPanel *self,
                                         const char            *group,
                                         guint                  position,
                                         guint                  total);
/* The step bar's text, NULL when hidden (for tests). */
const char *al_classification_panel_get_step_text (AlClassificationPanel *self);
/* Activates the row titled `name`, as a click does; FALSE if none. */
gboolean al_classification_panel_choose (AlClassificationPanel *self,
                                         const char            *name);
AlPlot *al_classification_panel_get_confidence_plot (AlClassificationPanel *self);

G_END_DECLS
