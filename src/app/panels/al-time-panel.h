/* al-time-panel.h: AlTimePanel, a series against time: the number of
 * defects of each type per frame, and the area of the phases and holes
 * (% of the field of view), drawn with Cairo; a click on a point emits
 * ::frame-activated with its frame, and the current frame is marked. */
#pragma once

#include <gtk/gtk.h>

#include "al-results.h"

G_BEGIN_DECLS

#define AL_TYPE_TIME_PANEL (al_time_panel_get_type ())
G_DECLARE_FINAL_TYPE (AlTimePanel, al_time_panel, AL, TIME_PANEL, GtkBox)

GtkWidget *al_time_panel_new           (void);
/* NULL: empty. Takes a reference. */
void       al_time_panel_set_results   (AlTimePanel *self,
                                        AlResults   *results);
void       al_time_panel_set_frame     (AlTimePanel *self,
                                        guint        frame);
/* Seconds between frames (0: the axis counts frames). */
void       al_time_panel_set_interval  (AlTimePanel *self,
                                        double       seconds);
guint      al_time_panel_get_n_frames  (AlTimePanel *self);
guint      al_time_panel_get_frame     (AlTimePanel *self);
/* Defects of `type` (AlDefectType) in image frame `frame`, as plotted. */
guint      al_time_panel_get_count     (AlTimePanel *self,
                                        int          type,
                                        guint        frame);
/* Where the count point of (type, frame) is drawn, in the plot's widget
 * coordinates; FALSE when that type is not plotted. */
gboolean   al_time_panel_point_position (AlTimePanel *self,
                                         int          type,
                                         guint        frame,
                                         double      *x,
                                         double      *y);
/* What a click at (x, y) in the plot does: the frame of the nearest point
 * within reach is activated; returns it, or -1. */
gint64     al_time_panel_click         (AlTimePanel *self,
                                        double       x,
                                        double       y);

G_END_DECLS
