/* cli-analyze.c: `atomlens-cli analyze IMAGE`: find the atoms of an image
 * (or some frames of a series) and write atoms.csv, bonds.csv, defects.csv,
 * strain.csv, summary.json and the annotated figure into --out (DESIGN.md §6);
 * for a series also tracks.csv, events.csv and the drift and transitions. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "al-cli.h"
#include "al-pipeline.h"
#include "export/al-atoms-csv.h"
#include "export/al-figure.h"
#include "export/al-figure-structure.h"
#include "export/al-structure-csv.h"
#include "export/al-summary-json.h"
#include "io/al-io.h"
#include "track/al-series.h"

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

/* The annotated figure: the frame with its atoms, defects, grain
 * boundaries and edges, scale bar and legend. By default only of the first
 * frame analysed (a series stays fast); with --figure of every frame. */
static gboolean
write_figures (const AlAnalysis *analysis,
               const AlImage    *image,
               const char       *out_dir,
               const char       *format_name,
               gboolean          every_frame,
               GError          **error)
{
  AlFigureFormat format = al_figure_format_from_name (format_name);
  guint n = every_frame ? analysis->frames->len : 1;
  AlFigureParams fp;

  al_figure_params_init (&fp);
  fp.pixel_size_nm = analysis->pixel_size_nm;
  fp.layers = AL_FIGURE_IMAGE | AL_FIGURE_ATOMS | AL_FIGURE_DEFECTS | AL_FIGURE_LINES
              | AL_FIGURE_SCALE_BAR | AL_FIGURE_LEGEND;
  for (guint i = 0; i < n; i++)
    {
      const AlFrameResult *r = analysis->frames->pdata[i];
      g_autoptr (AlFigureOverlays) extra = al_figure_overlays_from_structure (r->structure,
                                                                              AL_FIGURE_STRAIN_EXX);
      g_autofree char *name = n == 1
        ? g_strdup_printf ("figure.%s", al_figure_format_extension (format))
        : g_strdup_printf ("figure-%04u.%s", r->frame, al_figure_format_extension (format));
      g_autofree char *path = g_build_filename (out_dir, name, NULL);
      if (fp.pixel_size_nm <= 0 && r->structure != NULL)
        fp.pixel_size_nm = r->structure->pixel_size_nm;
      if (!al_figure_render_to_file (&fp, image, r->frame, r->atoms, analysis->material, extra,
                                     path, format, error))
        return FALSE;
    }
  return TRUE;
}

/* bonds.csv, defects.csv and strain.csv, with the image's frame numbers. */
static gboolean
write_structure_tables (const AlAnalysis *analysis,
                        const char       *out_dir,
                        GError          **error)
{
  guint n_slots = ((AlFrameResult *) analysis->frames->pdata[analysis->frames->len - 1])->frame + 1;
  g_autofree AlStructureFrame *frames = g_new0 (AlStructureFrame, n_slots);

  for (guint i = 0; i < analysis->frames->len; i++)
    {
      const AlFrameResult *r = analysis->frames->pdata[i];
      AlStructureFrame *f = &frames[r->frame];
      f->atoms = r->atoms;
      f->pixel_size_nm = analysis->pixel_size_nm;
      if (r->structure != NULL)
        {
          f->bonds = r->structure->bonds;
          f->defects = r->structure->defects;
          f->strain = r->structure->strain;
          if (f->pixel_size_nm <= 0)
            f->pixel_size_nm = r->structure->pixel_size_nm;
        }
    }
  return al_structure_csv_write (out_dir, frames, n_slots, error);
}

/* A series: drift, defect tracks, tracks.csv and events.csv, and the
 * "series" member added to the summary's JSON. */
static char *
write_series (const AlAnalysis *analysis,
              const AlImage    *image,
              const char       *out_dir,
              char             *json,
              GError          **error)
{
  g_autoptr (AlSeries) series = al_series_track (image, analysis, NULL, error);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) extra = NULL;
  JsonObject *root;

  if (series == NULL || !al_series_write_csv (series, analysis, out_dir, error)
      || !json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  json_builder_begin_object (builder);
  al_series_add_json (series, builder);
  json_builder_end_object (builder);
  extra = json_builder_get_root (builder);
  json_object_set_member (root, "series",
                          json_node_copy (json_object_get_member (json_node_get_object (extra), "series")));
  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, json_parser_get_root (parser));
  return json_generator_to_data (gen, NULL);
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
      "Worker threads (default: all processors)", "N" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      "Find atoms with this trained network (atomlens.task = atoms) instead of the classical detector", "FILE" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *json = NULL;
  g_autofree AlAtoms **frames = NULL;
  AlPipelineParams params;
  guint n_slots;
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
  params.model_path = model_path;
  if (!parse_frames (frames_spec, &params.frame_first, &params.frame_last))
    return al_cli_fail ("--frames wants A:B with A ≤ B, counted from 0 (got “%s”)", frames_spec);
  if (n_threads < 0 || n_threads > AL_CLI_MAX_THREADS)
    return al_cli_fail ("--threads must be between 1 and %d", AL_CLI_MAX_THREADS);
  params.n_threads = n_threads > 0 ? (guint) n_threads : g_get_num_processors ();
  if (figure != NULL && al_figure_format_from_name (figure) < 0)
    return al_cli_fail ("--figure wants png, svg or pdf (got “%s”)", figure);
  if (out_dir == NULL)
    out_dir = g_strdup (".");

  image = al_image_load (argv[1], &error);
  if (image == NULL)
    return al_cli_fail ("%s", error->message);
  analysis = al_pipeline_run (image, &params, NULL, NULL, &error);
  if (analysis == NULL)
    return al_cli_fail ("%s: %s", argv[1], error->message);

  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    return al_cli_fail ("cannot create the folder “%s”: %s", out_dir, g_strerror (errno));
  /* Rows carry the image's frame numbers: frames before the range are empty. */
  n_slots = ((AlFrameResult *) analysis->frames->pdata[analysis->frames->len - 1])->frame + 1;
  frames = g_new0 (AlAtoms *, n_slots);
  for (guint i = 0; i < analysis->frames->len; i++)
    {
      AlFrameResult *r = analysis->frames->pdata[i];
      frames[r->frame] = r->atoms;
    }
  csv_path = g_build_filename (out_dir, "atoms.csv", NULL);
  if (!al_atoms_csv_write (csv_path, frames, n_slots, analysis->material,
                           analysis->pixel_size_nm, AL_ATOMS_CSV_NONE, &error))
    return al_cli_fail ("%s", error->message);
  if (!write_structure_tables (analysis, out_dir, &error))
    return al_cli_fail ("%s", error->message);
  if (!write_figures (analysis, image, out_dir, figure != NULL ? figure : "png", figure != NULL,
                      &error))
    return al_cli_fail ("%s", error->message);

  json = al_summary_json (analysis, image, (g_get_monotonic_time () - start) * 1e-6);
  if (analysis->frames->len > 1)
    {
      char *with_series = write_series (analysis, image, out_dir, json, &error);
      if (with_series == NULL)
        return al_cli_fail ("%s", error->message);
      g_free (json);
      json = with_series;
    }
  json_path = g_build_filename (out_dir, "summary.json", NULL);
  if (!g_file_set_contents (json_path, json, -1, &error))
    return al_cli_fail ("%s", error->message);
  return 0;
}
