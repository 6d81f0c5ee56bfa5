/* al-series-view.h: the window's series tools, for an image of several
 * frames: Play/Pause beside the frame slider, the Time panel (counts and
 * areas against time; a click on a point shows that frame), and once an
 * analysis of the series is in, its drift and defect tracks computed in a
 * worker and drawn as trails (AlTrailLayer) that follow the current frame.
 */
#pragma once

#include "al-window.h"
#include "layers/al-trail-layer.h"
#include "panels/al-time-panel.h"

G_BEGIN_DECLS

/* Playback speed, frames per second. */
#define AL_SERIES_PLAY_FPS 5

void          _al_window_init_series          (AlWindow *window);
AlTimePanel  *al_window_get_time_panel        (AlWindow *window);
/* The trails of the current results, or NULL (none yet, or one frame). */
AlTrailLayer *al_window_get_trail_layer       (AlWindow *window);
/* TRUE while the tracks of new results are being computed. */
gboolean      al_window_get_tracking          (AlWindow *window);
void          al_window_set_playing           (AlWindow *window,
                                               gboolean  playing);
gboolean      al_window_get_playing           (AlWindow *window);

G_END_DECLS
