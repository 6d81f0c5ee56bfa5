/* al-window-private.h: AlWindow's state, shared by its files: al-window.c
 * (life cycle, template), -actions.c (actions and their state), -dnd.c
 * (drag and drop), -load.c (opening files in a worker), -status.c (status
 * line, title, frame slider), -recent.c (recent files). */
#pragma once

#include "al-window.h"
#include "al-levels-popover.h"

G_BEGIN_DECLS

struct _AlWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children. */
  AdwToastOverlay  *toast_overlay;
  AdwHeaderBar     *header_bar;
  AdwWindowTitle   *window_title;
  AdwSplitButton   *open_button;
  GtkStack         *stack;
  AdwStatusPage    *loading_page;
  AlCanvas         *canvas;
  AlLevelsPopover  *levels_popover;
  GtkLabel         *zoom_label;
  GtkBox           *frame_box;
  GtkAdjustment    *frame_adjustment;
  GtkLabel         *frame_label;
  GtkLabel         *pointer_label;
  GtkLabel         *image_label;

  GSettings        *settings;
  GFile            *file;            /* the image shown */
  AlRaster         *raster;
  GCancellable     *load_cancellable;
  GError           *load_error;
  GMenu            *recent_menu;
  GtkRecentManager *recent_manager;
};

/* al-window-actions.c */
void     _al_window_init_actions   (AlWindow *self);
void     _al_window_update_actions (AlWindow *self);
void     _al_window_show_open_dialog (AlWindow *self);

/* al-window-dnd.c */
void     _al_window_init_dnd       (AlWindow *self);

/* al-window-status.c */
void     _al_window_init_status    (AlWindow *self);
void     _al_window_update_title   (AlWindow *self);
void     _al_window_update_frames  (AlWindow *self);

/* al-window-recent.c */
void     _al_window_init_recent    (AlWindow *self);
void     _al_window_add_recent     (AlWindow *self,
                                    GFile    *file);

G_END_DECLS
