/* al-strain-panel.h: the Strain panel: the fitted lattice (a, a₁, a₂, γ
 * with the spread of the local lattice constant), histograms of bond
 * lengths and bond angles and of the per-atom strain (εxx, εyy, εxy,
 * rotation), and the controls of geometric phase analysis (automatic or
 * chosen Bragg vectors, mask size, the component the map shows) with the
 * histogram of the last GPA map. The window runs GPA (win.compute-gpa). */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"
#include "plots/al-gpa-layer.h"
#include "plots/al-plot.h"

G_BEGIN_DECLS

#define AL_TYPE_STRAIN_PANEL (al_strain_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlStrainPanel, al_strain_panel, AL, STRAIN_PANEL, GtkWidget)

void           al_strain_panel_set_results       (AlStrainPanel   *self,
                                                  AlResults       *results,
                                                  guint            frame);
/* GPA settings as chosen; Bragg vectors are shown in 1/nm when the pixel
 * size (nm) is known, else in 1/px, and returned in cycles/px. */
void           al_strain_panel_get_gpa_params    (AlStrainPanel   *self,
                                                  AlGpaParams     *params);
void           al_strain_panel_set_gpa_running   (AlStrainPanel   *self,
                                                  gboolean         running);
/* The last GPA maps (NULL: none; not copied: they must outlive their use
 * here or be replaced): their reflections go to the g rows. */
void           al_strain_panel_set_gpa_maps      (AlStrainPanel   *self,
                                                  const AlGpaMaps *maps);
AlGpaComponent al_strain_panel_get_gpa_component (AlStrainPanel   *self);
void           al_strain_panel_set_gpa_component (AlStrainPanel   *self,
                                                  AlGpaComponent   component);
/* The component of the per-atom strain histogram (and of the Strain per
 * Atom layer: signal "strain-component-changed"). */
void           al_strain_panel_set_strain_component (AlStrainPanel  *self,
                                                     AlGpaComponent  component);
/* Chosen Bragg vectors (1/nm, or 1/px uncalibrated), as if typed. */
void           al_strain_panel_choose_g          (AlStrainPanel   *self,
                                                  const double     g[2][2]);
void           al_strain_panel_set_mask          (AlStrainPanel   *self,
                                                  double           sigma_fraction);
/* TRUE while a worker makes the histograms and grain lattices of the
 * results last set (they show when it is done). */
gboolean       al_strain_panel_get_busy          (AlStrainPanel   *self);
/* The plots: "length", "angle", "strain", "gpa" (for tests). */
AlPlot        *al_strain_panel_get_plot          (AlStrainPanel   *self,
                                                  const char      *name);
/* The lattice row titled `title`: its value text, or NULL (for tests). */
const char    *al_strain_panel_get_lattice_value (AlStrainPanel   *self,
                                                  const char      *title);

G_END_DECLS
