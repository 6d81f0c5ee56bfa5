/* al-layers-panel.h: the Layers panel: one row per canvas overlay with a
 * visibility switch and an opacity slider, bound to the layer's properties. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AL_TYPE_LAYERS_PANEL (al_layers_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlLayersPanel, al_layers_panel, AL, LAYERS_PANEL, GtkWidget)

/* Shows the layers of `model` (AlLayer items), in drawing order. */
void al_layers_panel_set_model (AlLayersPanel *self,
                                GListModel    *model);

G_END_DECLS
