/* al-window-private.h: AlWindow's state, shared by its files: al-window.c
 * (life cycle, template), -actions.c (actions and their state), -dnd.c
 * (drag and drop), -load.c (opening files in a worker), -status.c (status
 * line, title, frame slider), -recent.c (recent files), -analysis.c (the
 * analysis worker, its progress and results). */
#pragma once

#include "al-window.h"
#include "al-document.h"
#include "al-levels-popover.h"
#include "al-results.h"
#include "panels/al-classification-panel.h"
#include "panels/al-inspector-panel.h"
#include "layers/al-atoms-layer.h"
#include "panels/al-layers-panel.h"
#include "panels/al-metadata-panel.h"
#include "plots/al-view-overlay.h"
#include "panels/al-strain-panel.h"
#include "plots/al-strain-layer.h"

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
  AlViewOverlay    *view_overlay;
  AlStrainPanel    *strain_panel;
  AlLevelsPopover  *levels_popover;
  GtkLabel         *zoom_label;
  GtkBox           *frame_box;
  GtkAdjustment    *frame_adjustment;
  GtkLabel         *frame_label;
  GtkLabel         *pointer_label;
  GtkLabel         *image_label;
  AdwFlap          *flap;
  GtkStack         *panel_stack;
  AlLayersPanel    *layers_panel;
  AlClassificationPanel *classification_panel;
  AlMetadataPanel  *metadata_panel;
  AlInspectorPanel *inspector_panel;
  GtkDropDown      *material_dropdown;
  GtkWidget        *analyze_button;
  GtkWidget        *progress_box;
  GtkProgressBar   *progress_bar;

  GSettings        *settings;
  GFile            *file;            /* the image shown */
  AlRaster         *raster;
  GCancellable     *load_cancellable;
  GError           *load_error;
  GMenu            *recent_menu;
  GtkRecentManager *recent_manager;

  AlResults        *results;          /* the last finished analysis */
  gboolean          analyze_on_load;  /* atomlens --analyze */
  AlAtomsLayer     *atoms_layer;      /* weak: in the canvas's list */
  GCancellable     *analysis_cancellable;
  guint             n_workers;        /* worker tasks not yet returned */
  guint             results_epoch;    /* bumped by results not made by an edit */
  GHashTable       *recompute_serials;      /* frame -> latest request */
  GHashTable       *recompute_cancellables; /* frame -> its GCancellable */
  GHashTable       *recompute_bases;        /* frame -> AlRecomputeBase, what the next edit starts from */
  guint             n_local_recomputes;     /* recomputes done near the edit only */
  guint             n_whole_recomputes;
  GError           *analysis_error;
  AlDocument       *document;         /* the atoms with their hand edits */
  guint             autosave_id;
  char             *result_panel;     /* atomlens --panel */
  char             *result_layer;     /* atomlens --show-layer */
  gboolean          side_panel_pending; /* revealed after the first layout */
  GArray           *selection;        /* guint: atoms chosen by a box */

  /* al-window-defects.c: a defect chosen on its own, by its centre. */
  gboolean          defect_chosen;
  double            defect_x;
  double            defect_y;
  /* al-window-lasso.c: the outline being drawn (double x, y; image px). */
  GArray           *lasso;
  GtkWidget        *species_popover;
  /* al-window-step.c: the Classification group stepped through. */
  int               step_kind;        /* AlGroupKind */
  int               step_value;
  guint             step_pos;
  GArray           *step_items;       /* guint: atom or defect indices */
  GArray           *step_ring;        /* guint: the atoms highlighted */
  /* al-window-strain.c */
  GCancellable     *gpa_cancellable;  /* the GPA run under way */
  AlGpaLayer       *gpa_layer;        /* weak: in the canvas's list */
  AlStrainLayer    *strain_layer;     /* weak: in the canvas's list */
  GError           *gpa_error;
  /* al-window-model.c: the network file chosen (win.model 'file'). */
  char             *model_file;
};

/* al-window.c */
enum
{
  AL_WINDOW_RESULTS_CHANGED,
  AL_WINDOW_N_SIGNALS
};
extern guint _al_window_signals[AL_WINDOW_N_SIGNALS];

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

/* al-window-analysis.c */
void     _al_window_init_analysis  (AlWindow *self);

/* al-window-results.c */
void     _al_window_clear_results  (AlWindow *self);
/* After an analysis: the panel and layer asked for (al_window_set_result_panel,
 * al_window_set_result_layer) are shown. */
void     _al_window_show_result_panel (AlWindow *self);
void     _al_window_show_result_layer (AlWindow *self);
/* Reveals the side panel (the flap), at once or, before the window's
 * first layout, after it. */
void     _al_window_reveal_side_panel (AlWindow *self);

void     _al_window_show_results   (AlWindow  *self,
                                    AlResults *results,
                                    gboolean   keep);
void     _al_window_show_interim   (AlWindow  *self,
                                    AlResults *results);

/* al-window-recompute.c */
void     _al_window_init_recompute   (AlWindow *self);
void     _al_window_finish_recompute (AlWindow *self);
void     _al_window_recompute_frame  (AlWindow *self,
                                      guint     frame);
void     _al_window_drop_recomputes  (AlWindow *self);

/* al-window-edit.c */
void     _al_window_init_edit      (AlWindow  *self);
void     _al_window_update_edit_actions (AlWindow *self);
void     _al_window_take_analysis  (AlWindow   *self,
                                    AlResults  *results,
                                    AlDocument *fresh);
AlDocument *_al_window_document_for_analysis (const AlImage    *image,
                                              const AlAnalysis *analysis);
void     _al_window_clear_document (AlWindow  *self);
void     _al_window_canvas_clicked (AlWindow  *self,
                                    double     x,
                                    double     y);

void     _al_window_set_document   (AlWindow   *self,
                                    AlDocument *doc,
                                    AlResults  *results);

/* al-window-defects.c */
void     _al_window_init_defects   (AlWindow *self);
void     _al_window_update_defect_actions (AlWindow *self);
void     _al_window_pick           (AlWindow *self,
                                    double    x,
                                    double    y);
void     _al_window_defects_results_shown (AlWindow *self);

/* al-window-view.c: the legend, colour bars and species popover over the
 * canvas, and the lasso tool */
void     _al_window_init_view      (AlWindow *self);
void     _al_window_results_shown  (AlWindow *self);
void     _al_window_init_lasso     (AlWindow *self);
gint64   _al_window_choose_defect  (AlWindow *self,
                                    gint64    index,
                                    gboolean  reveal);

/* al-window-strain.c */
void     _al_window_init_strain    (AlWindow *self);
void     _al_window_dispose_strain (AlWindow *self);

/* al-window-model.c */
void     _al_window_init_model     (AlWindow         *self);
/* Sets the network of an analysis (a copy of the path in *owned_path). */
void     _al_window_model_params   (AlWindow         *self,
                                    AlPipelineParams *params,
                                    char            **owned_path);

/* al-window-step.c */
void     _al_window_init_step      (AlWindow *self);
void     _al_window_update_step_actions (AlWindow *self);
void     _al_window_step_results_shown (AlWindow *self);

/* al-window-document.c */
AlResults *_al_window_results_from_document (AlDocument    *doc,
                                             GCancellable  *cancellable,
                                             GError       **error);
void     _al_window_init_document  (AlWindow *self);
void     _al_window_finish_document (AlWindow *self);
void     _al_window_update_document_actions (AlWindow *self);
void     _al_window_autosave       (AlWindow *self);
void     _al_window_offer_recovery (AlWindow *self);

/* al-window-export.c */
void     _al_window_init_export    (AlWindow *self);
void     _al_window_update_export_actions (AlWindow *self);

/* al-window-export-data.c */
void     _al_window_init_export_data (AlWindow *self);

/* al-window-recent.c */
void     _al_window_init_recent    (AlWindow *self);
void     _al_window_add_recent     (AlWindow *self,
                                    GFile    *file);

G_END_DECLS
