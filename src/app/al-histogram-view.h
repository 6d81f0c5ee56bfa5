/* al-histogram-view.h: a small plot of the canvas's histogram with the
 * black and white levels and the gamma curve drawn over it. */
#pragma once

#include <gtk/gtk.h>

#include "al-canvas.h"

G_BEGIN_DECLS

#define AL_TYPE_HISTOGRAM_VIEW (al_histogram_view_get_type ())
G_DECLARE_FINAL_TYPE (AlHistogramView, al_histogram_view, AL, HISTOGRAM_VIEW, GtkWidget)

void      al_histogram_view_set_canvas (AlHistogramView *self,
                                        AlCanvas        *canvas);

G_END_DECLS
