/* al-export-tables.h: every table of one analysis written into a folder
 * (DESIGN.md §6): atoms.csv, bonds.csv, defects.csv, strain.csv,
 * summary.json, and on request the annotated figure and, for a series,
 * tracks.csv and events.csv. Shared by `atomlens-cli analyze`, `batch` and
 * the app's Export Tables, so that all three write the same files. */
#pragma once

#include <glib.h>

#include "al-image.h"
#include "al-pipeline.h"

G_BEGIN_DECLS

typedef enum
{
  AL_EXPORT_TABLES_NONE = 0,
  AL_EXPORT_TABLES_FIGURE = 1 << 0,        /* figure.EXT of the first frame analysed */
  AL_EXPORT_TABLES_EVERY_FIGURE = 1 << 1,  /* figure-NNNN.EXT of every frame (with FIGURE) */
  AL_EXPORT_TABLES_SERIES = 1 << 2,        /* more than one frame: tracks, events, "series" */
  AL_EXPORT_TABLES_DRIFT_FIELD = 1 << 3,   /* the series' drift as a field (AL_SERIES_DRIFT_FIELD) */
} AlExportTablesFlags;

/* Writes into `dir`, which must exist. `figure_format` is an AlFigureFormat
 * (used with AL_EXPORT_TABLES_FIGURE). `start_us` is the g_get_monotonic_time()
 * at which the work began, for summary.json's total time; 0 writes a total
 * of 0. If `summary_json` is not NULL it receives summary.json's text. */
gboolean al_export_tables (const AlAnalysis    *analysis,
                           const AlImage       *image,
                           const char          *dir,
                           AlExportTablesFlags  flags,
                           int                  figure_format,
                           gint64               start_us,
                           char               **summary_json,
                           GError             **error);

/* The same for frames analysed from a file with al_pipeline_run_source():
 * figures and drift read only the frames they need from `source`.
 * `cancellable` (may be NULL) stops the drift and the figures. */
gboolean al_export_tables_source (const AlAnalysis    *analysis,
                                  AlFrameSource       *source,
                                  const char          *dir,
                                  AlExportTablesFlags  flags,
                                  int                  figure_format,
                                  gint64               start_us,
                                  char               **summary_json,
                                  GCancellable        *cancellable,
                                  GError             **error);

G_END_DECLS
