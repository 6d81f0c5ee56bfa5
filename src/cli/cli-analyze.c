/* cli-analyze.c: `atomlens-cli analyze IMAGE`: find the atoms of an image
 * (or some frames of a series) and write atoms.csv, bonds.csv, defects.csv,
 * strain.csv, summary.json and the annotated figure into --out (DESIGN.md §6);
 * for a series also tracks.csv, events.csv and the drift and transitions. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "al-cli.h"
#include "cli-interrupt.h"
#include "cli-model.h"
#include "al-pipeline.h"
#include "export/al-export-tables.h"
#include "export/al-figure.h"
#include "io/al-io.h"

#define AL_CLI_MAX_THREADS 64

/* "A:B" (inclusive, either side may be empty) or "A". */
static gboolean
parse_frames (const char *spec,
              guint      *first,
              guint      *last)
{
  g_auto (GStrv) parts = NULL;
  guint64 v;

  *first = 0;
  *last = G_MAXUINT;
  if (spec == NULL)
    return TRUE;
  parts = g_strsplit (spec, ":", -1);
  if (g_strv_length (parts) > 2 || g_strv_length (parts) == 0)
    return FALSE;
  if (parts[0][0] != '\0')
    {
      if (!g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT - 1, &v, NULL))
        return FALSE;
      *first = (guint) v;
    }
  if (parts[1] == NULL)
    *last = *first;
  else if (parts[1][0] != '\0')
    {
      if (!g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT - 1, &v, NULL))
        return FALSE;
      *last = (guint) v;
    }
  return *last >= *first;
}

/* On a terminal, a series reports each analysed frame on stderr (called
 * in a worker thread, under the frame pool's lock). */
static void
print_frame_done (const AlFrameResult *result,
                  guint                n_done,
                  guint                n_total,
                  gpointer             user_data)
{
  fprintf (stderr, "\ranalysed frame %u (%u of %u)%s", result->frame, n_done, n_total,
           n_done == n_total ? "\n" : "");
}

/* The analysis and its outputs, stopped by Ctrl+C: the outputs are staged
 * in a hidden folder and moved into out_dir when the run ends
 * (cli-interrupt.h), so an interrupted run writes nothing, and none of
 * the files is ever seen half written. */
static int
analyze_and_write (AlFrameSource          *source,
                   const char             *name,
                   const AlPipelineParams *params,
                   const char             *out_dir,
                   const char             *figure,
                   gboolean                drift_field,
                   gint64                  start)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (AlCliInterrupt) watch = al_cli_interrupt_watch (cancellable);
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *staging = NULL;
  AlExportTablesFlags flags = AL_EXPORT_TABLES_FIGURE | AL_EXPORT_TABLES_SERIES;
  gboolean ok;

  gboolean had_dir = g_file_test (out_dir, G_FILE_TEST_IS_DIR);

  if (figure != NULL)
    flags |= AL_EXPORT_TABLES_EVERY_FIGURE;
  if (drift_field)
    flags |= AL_EXPORT_TABLES_DRIFT_FIELD;
  staging = al_cli_staging_new (out_dir, &error);
  if (staging == NULL)
    return al_cli_fail ("%s", error->message);
  analysis = al_pipeline_run_source (source, params, NULL, cancellable, &error);
  ok = analysis != NULL
       && al_export_tables_source (analysis, source, staging, flags,
                                   al_figure_format_from_name (figure != NULL ? figure : "png"),
                                   start, NULL, cancellable, &error);
  /* Past this point Ctrl+C no longer stops the run: the moves are quick. */
  g_clear_pointer (&watch, al_cli_interrupt_stop);
  if (g_cancellable_is_cancelled (cancellable))
    ok = FALSE;
  else if (analysis != NULL)
    {
      /* A failure while writing keeps what was written whole before it:
       * the measurements come before the figure, which may not fit in
       * memory. */
      g_autoptr (GError) moving = NULL;
      if (!al_cli_staging_commit (staging, out_dir, &moving) && ok)
        {
          ok = FALSE;
          g_propagate_error (&error, g_steal_pointer (&moving));
        }
    }
  al_cli_staging_discard (staging);
  if (!had_dir)
    g_rmdir (out_dir);   /* only if nothing went into it */
  if (g_cancellable_is_cancelled (cancellable))
    {
      al_cli_fail ("%s: interrupted; nothing was written to “%s”", name, out_dir);
      return AL_CLI_EXIT_INTERRUPTED;
    }
  if (!ok && analysis == NULL)
    return al_cli_fail ("%s: %s", name, error->message);
  if (!ok)
    return al_cli_fail ("%s", error->message);
  return 0;
}

int
al_cli_analyze (int    argc,
                char **argv)
{
  g_autofree char *material_name = NULL;
  g_autofree char *frames_spec = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *figure = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *denoise = NULL;
  g_autofree char *fit_on = NULL;
  g_autofree char *drift = NULL;
  double pixel_size = 0.0;
  int n_threads = 0;
  GOptionEntry entries[] = {
    { "material", 'm', 0, G_OPTION_ARG_STRING, &material_name,
      "graphene, hbn, mos2, ws2, wse2 or auto (default)", "M" },
    { "pixel-size", 0, 0, G_OPTION_ARG_DOUBLE, &pixel_size,
      "Pixel size in nm (overrides the file's calibration)", "NM" },
    { "frames", 0, 0, G_OPTION_ARG_STRING, &frames_spec,
      "Frames to analyse, A:B inclusive from 0 (default: all)", "A:B" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Folder for atoms.csv, bonds.csv, defects.csv, strain.csv, summary.json and the figure (default: .)", "DIR" },
    { "figure", 0, 0, G_OPTION_ARG_STRING, &figure,
      "Format of the annotated figure: png (default: of the first frame), svg or pdf (of every frame)",
      "FORMAT" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads,
      "Worker threads; a series analyses this many frames at once (default: all processors)", "N" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      AL_CLI_MODEL_HELP, "auto|none|FILE" },
    { "denoise", 0, 0, G_OPTION_ARG_STRING, &denoise, AL_CLI_DENOISE_HELP, "auto|on|off" },
    { "fit-on", 0, 0, G_OPTION_ARG_STRING, &fit_on, AL_CLI_FIT_ON_HELP, "raw|denoised" },
    { "drift", 0, 0, G_OPTION_ARG_STRING, &drift,
      "Drift between the frames of a series: rigid (default: one shift a frame) or field (also "
      "the shear and stretch of drift during each frame's scan)", "rigid|field" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlFrameSource) source = NULL;
  AlPipelineParams params;
  gint64 start = g_get_monotonic_time ();

  g_option_context_set_summary (context, "Find the atoms of an image and write atoms.csv and summary.json.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return al_cli_fail ("analyze needs exactly one IMAGE");

  al_pipeline_params_init (&params);
  if (material_name == NULL || g_ascii_strcasecmp (material_name, "auto") == 0)
    params.auto_material = TRUE;
  else if ((params.material = al_material_from_name (material_name)) == NULL)
    return al_cli_fail ("unknown material “%s” (graphene, hbn, mos2, ws2, wse2 or auto)", material_name);
  if (pixel_size < 0 || !isfinite (pixel_size) || (pixel_size > 0 && pixel_size > 100))
    return al_cli_fail ("--pixel-size must be a positive number of nm (got %g)", pixel_size);
  params.pixel_size_nm = pixel_size;
  if (!al_cli_model_option (model_path, &params)
      || !al_cli_denoise_option (denoise, fit_on, &params))
    return 1;
  if (!parse_frames (frames_spec, &params.frame_first, &params.frame_last))
    return al_cli_fail ("--frames wants A:B with A ≤ B, counted from 0 (got “%s”)", frames_spec);
  if (n_threads < 0 || n_threads > AL_CLI_MAX_THREADS)
    return al_cli_fail ("--threads must be between 1 and %d", AL_CLI_MAX_THREADS);
  params.n_threads = n_threads > 0 ? (guint) n_threads : g_get_num_processors ();
  if (figure != NULL && al_figure_format_from_name (figure) < 0)
    return al_cli_fail ("--figure wants png, svg or pdf (got “%s”)", figure);
  if (drift != NULL && g_strcmp0 (drift, "rigid") != 0 && g_strcmp0 (drift, "field") != 0)
    return al_cli_fail ("--drift wants rigid or field (got “%s”)", drift);
  if (out_dir == NULL)
    out_dir = g_strdup (".");

  /* Frames are read from the file as the workers need them: a series
   * larger than memory is analysed holding a few frames. */
  source = al_frame_source_open (argv[1], &error);
  if (source == NULL)
    return al_cli_fail ("%s", error->message);
  if (al_frame_source_get_n_frames (source) > 1 && isatty (STDERR_FILENO))
    params.frame_done = print_frame_done;
  return analyze_and_write (source, argv[1], &params, out_dir, figure,
                            g_strcmp0 (drift, "field") == 0, start);
}
