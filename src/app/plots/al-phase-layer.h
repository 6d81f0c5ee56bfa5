/* al-phase-layer.h: AlPhaseLayer, the phase map of the shown frame (which
 * crystal phase each cell half a bond wide is: 2H, 1T, 1T′ or amorphous)
 * as semi-transparent colour over the image; vacuum stays clear. */
#pragma once

#include "al-layer.h"
#include "al-results.h"
#include "defects/al-phase-map.h"

G_BEGIN_DECLS

#define AL_TYPE_PHASE_LAYER (al_phase_layer_get_type ())
G_DECLARE_FINAL_TYPE (AlPhaseLayer, al_phase_layer, AL, PHASE_LAYER, AlLayer)

/* Hidden at first: the map covers the lattice. `results` may be NULL. */
AlLayer          *al_phase_layer_new         (AlResults    *results);
void              al_phase_layer_set_results (AlPhaseLayer *self,
                                              AlResults    *results);
/* The phase map of `frame`, or NULL when that frame has none. */
const AlPhaseMap *al_phase_layer_get_map     (AlPhaseLayer *self,
                                              guint         frame);
/* The colour of `phase` (Paul Tol's bright scheme, safe for colour-blind
 * readers), 0 to 1; FALSE for vacuum, which is not drawn. */
gboolean          al_phase_color             (AlPhase       phase,
                                              double        rgb[3]);
const char       *al_phase_label             (AlPhase       phase);

G_END_DECLS
