/* al-figure-structure.h: the figure's overlays from a frame's analysed
 * structure (bonds, defects, strain), for callers that hold an AlStructure:
 * the command line's `analyze` and the app's export. */
#pragma once

#include "defects/al-structure.h"
#include "export/al-figure.h"

G_BEGIN_DECLS

typedef enum
{
  AL_FIGURE_STRAIN_EXX,
  AL_FIGURE_STRAIN_EYY,
  AL_FIGURE_STRAIN_EXY,
  AL_FIGURE_STRAIN_ROTATION,
} AlFigureStrainComponent;

/* Overlays pointing into `structure` (which must outlive them), plus the
 * arrays they own; free with al_figure_overlays_free(). */
AlFigureOverlays *al_figure_overlays_from_structure (const AlStructure       *structure,
                                                     AlFigureStrainComponent  component);
void              al_figure_overlays_free           (AlFigureOverlays        *overlays);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlFigureOverlays, al_figure_overlays_free)

G_END_DECLS
