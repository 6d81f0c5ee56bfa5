/* al-window.h: AlWindow, one image and everything shown about it. */
#pragma once

#include <adwaita.h>

#include "al-application.h"
#include "al-canvas.h"
#include "al-results.h"
#include "al-document.h"
#include "export/al-figure.h"

G_BEGIN_DECLS

#define AL_TYPE_WINDOW (al_window_get_type ())
G_DECLARE_FINAL_TYPE (AlWindow, al_window, AL, WINDOW, AdwApplicationWindow)

AlWindow     *al_window_new               (AlApplication *application);

/* Opens `file` in this window: loads it in a worker thread, then shows it,
 * or shows the reader's message. The Open dialog, drag and drop, the
 * command line, recent files and the tests all come through here. */
void          al_window_open_file         (AlWindow      *self,
                                           GFile         *file);
/* TRUE from al_window_open_file until the image is shown or has failed. */
gboolean      al_window_get_loading       (AlWindow      *self);
/* Why the last open failed, or NULL. */
const GError *al_window_get_load_error    (AlWindow      *self);
GFile        *al_window_get_file          (AlWindow      *self);
AlCanvas     *al_window_get_canvas        (AlWindow      *self);
void          al_window_show_preferences  (AlWindow      *self);

/* Analysis of the shown image (win.analyze does the same): runs the core
 * pipeline in a worker; progress shows in the header bar and
 * al_window_cancel() stops it. */
void          al_window_analyze           (AlWindow      *self);
void          al_window_cancel            (AlWindow      *self);
/* Analyze each image as soon as it is open (atomlens --analyze). */
void          al_window_set_analyze_on_load (AlWindow    *self,
                                             gboolean     analyze);
/* The side panel shown when an analysis finishes ("layers",
 * "classification" (NULL), "inspector": the atom nearest the centre
 * selected, "metadata"): atomlens --panel, for screenshots. */
void          al_window_set_result_panel  (AlWindow      *self,
                                           const char    *panel);
/* The layer (by its name in the Layers list, any case, "-" for a space:
 * "phase-map") made visible when
 * an analysis finishes: atomlens --show-layer, for screenshots. */
void          al_window_set_result_layer  (AlWindow      *self,
                                           const char    *name);
gboolean      al_window_get_analyzing     (AlWindow      *self);
/* TRUE while any worker of the window still runs: an analysis (also one
 * cancelled that has not yet stopped), a recompute after an edit, a save,
 * the Strain panel's statistics of the results shown. */
gboolean      al_window_get_busy          (AlWindow      *self);
void          al_window_get_recompute_counts (AlWindow     *self,
                                              guint        *n_local,
                                              guint        *n_whole);
/* Shows `results` (of the shown image) as layers and panel rows, as a
 * finished analysis does; NULL clears them. */
void          al_window_set_results       (AlWindow      *self,
                                           AlResults     *results);
/* Selects the atom nearest image point (x, y), if one is close enough (what
 * a click on the canvas does): ringed on the canvas, detailed in the
 * Inspector. Returns its index, or -1. */
gint64        al_window_select_at         (AlWindow      *self,
                                           double         x,
                                           double         y);
gint64        al_window_get_selected_atom (AlWindow      *self);
/* The last finished analysis, or NULL; why the last one failed, or NULL. */
AlResults    *al_window_get_results       (AlWindow      *self);
const GError *al_window_get_analysis_error (AlWindow     *self);

/* Hand corrections of the shown frame, through the window's document (made
 * by the first analysis), each one undoable (win.undo, win.redo). They fail
 * before an analysis. The canvas tool (win.tool: "select", "add", "move",
 * "delete") makes a click do the same. */
AlDocument   *al_window_get_document      (AlWindow      *self);
/* Adds an atom at image point (x, y) and selects it; its index, or -1. */
gint64        al_window_add_atom          (AlWindow      *self,
                                           double         x,
                                           double         y,
                                           GError       **error);
gboolean      al_window_move_selected     (AlWindow      *self,
                                           double         x,
                                           double         y,
                                           GError       **error);
/* Selects the atoms of the shown frame inside the box with corners
 * (x0, y0), (x1, y1) (what a drag with the select tool does); Delete and
 * the species keys then act on all of them. Returns how many. */
guint         al_window_select_box        (AlWindow      *self,
                                           double         x0,
                                           double         y0,
                                           double         x1,
                                           double         y1);
/* The atoms selected by a box (guint indices; empty when none). */
GArray       *al_window_get_selection     (AlWindow      *self);
gboolean      al_window_delete_selected   (AlWindow      *self,
                                           GError       **error);
gboolean      al_window_set_selected_species (AlWindow   *self,
                                           int            species,
                                           GError       **error);
/* Selects the atoms inside the closed outline xy (n_points image points;
 * what a drag with the lasso tool does), as a box does; how many. */
guint         al_window_select_lasso      (AlWindow      *self,
                                           const double  *xy,
                                           guint          n_points);
/* Opens the species popover at image point (x, y) for the atom there (or
 * the box selection it is part of), as a right click does; the popover,
 * or NULL when no atom is there. */
GtkWidget    *al_window_popup_species     (AlWindow      *self,
                                           double         x,
                                           double         y);
/* Steps through a Classification group (what a click on its row does):
 * kind 1 the atoms of species `value`, 2 the defects of type `value`; all
 * are ringed and the first is chosen and centred. How many there are. */
guint         al_window_step_group        (AlWindow      *self,
                                           int            kind,
                                           int            value);
/* The next (delta 1) or previous (-1) member, wrapping around (win.next-item,
 * win.previous-item); its atom or defect index, or -1 when not stepping. */
gint64        al_window_step              (AlWindow      *self,
                                           int            delta);
/* The atom-finding network of later analyses: the ONNX file at `path`
 * (win.model 'file'; what "Choose a Network File…" does) when it is an
 * atoms network for the chosen material; else an error dialog with the
 * core's message, and FALSE. win.model 'auto' / 'classical' choose the
 * preset's network or none. */
gboolean      al_window_set_model_file    (AlWindow      *self,
                                           const char    *path,
                                           GError       **error);
/* Geometric phase analysis of the shown frame with the Strain panel's
 * settings (win.compute-gpa), in a worker; the map becomes the GPA Strain
 * layer. al_window_get_gpa_running() says whether it still runs;
 * al_window_get_gpa_error() why the last run failed (NULL: it did not). */
void          al_window_compute_gpa       (AlWindow      *self);
gboolean      al_window_get_gpa_running   (AlWindow      *self);
const GError *al_window_get_gpa_error     (AlWindow      *self);
/* Defects of the shown frame: choosing one (index into its structure's
 * defects; -1: none) shows it in the Inspector; the chosen one (or the
 * selected atom's) can get another type or be marked false, each an
 * undoable step (win.set-defect-type, win.mark-false-defect). */
gint64        al_window_select_defect     (AlWindow      *self,
                                           gint64         index);
gint64        al_window_get_selected_defect (AlWindow    *self);
gboolean      al_window_set_defect_type   (AlWindow      *self,
                                           AlDefectType   type,
                                           GError       **error);
gboolean      al_window_mark_false_defect (AlWindow      *self,
                                           GError       **error);
/* Saves the document (win.save, win.save-as) as .atomlens: the document as
 * it is at the call, written by a worker while editing goes on; the title
 * then shows no unsaved changes unless edits came meanwhile.
 * al_window_open_file() opens such files. */
void          al_window_save_async        (AlWindow      *self,
                                           GFile         *file,
                                           GCancellable  *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer       user_data);
gboolean      al_window_save_finish       (AlWindow      *self,
                                           GAsyncResult  *result,
                                           GError       **error);
/* The annotated figure of the shown frame (win.export-figure), with the
 * layers visible on the canvas, through the core's al_figure; `dpi` 0: the
 * default. win.copy-figure puts the same figure on the clipboard. */
gboolean      al_window_export_figure     (AlWindow      *self,
                                           GFile         *file,
                                           AlFigureFormat format,
                                           double         dpi,
                                           GError       **error);
/* The tables of the shown results, corrections included, into `folder`
 * (made if needed): atoms.csv, bonds.csv, defects.csv, strain.csv and
 * summary.json, as `atomlens-cli analyze` writes them (win.export-data). */
gboolean      al_window_export_data       (AlWindow      *self,
                                           GFile         *folder,
                                           GError       **error);
gboolean      al_window_copy_figure       (AlWindow      *self,
                                           GError       **error);

G_END_DECLS
