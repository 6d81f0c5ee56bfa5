/* al-metadata-panel.h: the Metadata panel: size, format, file, the
 * calibration the file gives, an editable pixel size, and every key/value
 * the reader kept. */
#pragma once

#include <gtk/gtk.h>

#include "al-image.h"

G_BEGIN_DECLS

#define AL_TYPE_METADATA_PANEL (al_metadata_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlMetadataPanel, al_metadata_panel, AL, METADATA_PANEL, GtkWidget)

/* Shows `image` (NULL clears). The panel does not keep the pointer past the
 * call; the pixel-size signal hands the user's value back. */
void al_metadata_panel_set_image (AlMetadataPanel *self,
                                  const AlImage   *image);

G_END_DECLS
