/* al-atoms-layer.h: the atoms of the shown frame, a marker per species. */
#pragma once

#include "al-layer.h"
#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_ATOMS_LAYER (al_atoms_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlAtomsLayer, al_atoms_layer, AL, ATOMS_LAYER, AlLayer)

AlLayer *al_atoms_layer_new          (AlResults    *results);
/* New results (an edit's): the old markers show until the new ones are
 * rendered. */
void     al_atoms_layer_set_results  (AlAtomsLayer *self,
                                      AlResults    *results);
/* Rings atom `atom` of the shown frame (-1: none). */
void     al_atoms_layer_set_selected (AlAtomsLayer *self,
                                      gint64        atom);
gint64   al_atoms_layer_get_selected (AlAtomsLayer *self);
/* Rings these atoms too (a box selection). */
void     al_atoms_layer_set_selection (AlAtomsLayer *self,
                                       const guint  *atoms,
                                       guint         n_atoms);

G_END_DECLS
