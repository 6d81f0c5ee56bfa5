/* al-levels-popover.h: the contrast popover: histogram, black and white
 * levels, gamma and automatic contrast, for one canvas. */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas.h"

G_BEGIN_DECLS

#define AL_TYPE_LEVELS_POPOVER (al_levels_popover_get_type ())
G_DECLARE_FINAL_TYPE (AlLevelsPopover, al_levels_popover, AL, LEVELS_POPOVER, GtkPopover)

void      al_levels_popover_set_canvas (AlLevelsPopover *self,
                                        AlCanvas        *canvas);

G_END_DECLS
