/* cli-batch.c: `atomlens-cli batch DIR_OR_GLOB --out DIR` (DESIGN.md §6):
 * analyses many files and writes each one's tables into OUT/<file name>/
 * and one line per file into OUT/summary.csv and OUT/summary.json. A file
 * that cannot be read or analysed becomes a row with status "error"; the
 * others go on, and the exit status is 1 at the end if any failed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "al-cli.h"
#include "cli-model.h"
#include "al-pipeline.h"
#include "export/al-export-tables.h"
#include "export/al-figure.h"
#include "io/al-io.h"

#define AL_BATCH_MAX_PIXEL_SIZE_NM 100.0

typedef struct
{
  char       *name;       /* file name, also the name of its folder under OUT */
  char       *message;    /* NULL: ok */
  guint       width, height, n_frames;
  const char *material;
  double      pixel_size_nm;
  guint       n_atoms;
  JsonObject *species;    /* summary.json's counts per species, or NULL */
  JsonObject *defects;    /* summary.json's counts per defect type, or NULL */
  JsonObject *counts;     /* summary.json's "counts" (both of them), or NULL */
  JsonObject *timings;    /* summary.json's "timings_s", or NULL */
} BatchRow;

static void
batch_row_free (gpointer data)
{
  BatchRow *row = data;

  g_free (row->name);
  g_free (row->message);
  g_clear_pointer (&row->counts, json_object_unref);
  g_clear_pointer (&row->species, json_object_unref);
  g_clear_pointer (&row->defects, json_object_unref);
  g_clear_pointer (&row->timings, json_object_unref);
  g_free (row);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The regular, non-hidden files of `dir` whose names match `pattern`
 * (NULL: all), sorted by name. */
static GPtrArray *
list_files (const char *dir,
            const char *pattern,
            GError    **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPatternSpec) spec = pattern != NULL ? g_pattern_spec_new (pattern) : NULL;
  GPtrArray *names;
  const char *name;

  if (d == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      if (name[0] == '.' || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;
      if (spec != NULL && !g_pattern_spec_match_string (spec, name))
        continue;
      g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);
  return names;
}

/* Counts and timings of one image, taken from the summary.json just written. */
static void
take_summary (BatchRow   *row,
              const char *json)
{
  g_autoptr (JsonNode) root = json_from_string (json, NULL);
  JsonObject *obj;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);
  if (json_object_has_member (obj, "counts"))
    {
      JsonObject *counts = json_object_get_object_member (obj, "counts");

      row->counts = json_object_ref (counts);
      if (counts != NULL && json_object_has_member (counts, "species"))
        row->species = json_object_ref (json_object_get_object_member (counts, "species"));
      if (counts != NULL && json_object_has_member (counts, "defects"))
        row->defects = json_object_ref (json_object_get_object_member (counts, "defects"));
    }
  if (json_object_has_member (obj, "timings_s"))
    row->timings = json_object_ref (json_object_get_object_member (obj, "timings_s"));
}

static gboolean
analyse_one (BatchRow               *row,
             const char             *path,
             const char             *out_dir,
             const AlPipelineParams *params,
             int                     figure_format,
             gboolean                every_figure,
             GError                **error)
{
  gint64 start = g_get_monotonic_time ();
  /* Frames are read as they are analysed, as in analyze. */
  g_autoptr (AlFrameSource) source = al_frame_source_open (path, error);
  const AlImage *image = source != NULL ? al_frame_source_get_info (source) : NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *json = NULL;
  AlExportTablesFlags flags = AL_EXPORT_TABLES_FIGURE | AL_EXPORT_TABLES_SERIES;

  if (image == NULL)
    return FALSE;
  row->width = image->width;
  row->height = image->height;
  row->n_frames = image->n_frames;
  analysis = al_pipeline_run_source (source, params, NULL, NULL, error);
  if (analysis == NULL)
    return FALSE;
  row->material = analysis->material != NULL ? analysis->material->name : NULL;
  row->pixel_size_nm = analysis->pixel_size_nm;
  for (guint i = 0; i < analysis->frames->len; i++)
    row->n_atoms += ((AlFrameResult *) analysis->frames->pdata[i])->atoms->n_atoms;
  if (analysis->frames->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no frame was analysed");
      return FALSE;
    }
  dir = g_build_filename (out_dir, row->name, NULL);
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "cannot create the folder “%s”: %s", dir, g_strerror (saved));
      return FALSE;
    }
  if (every_figure)
    flags |= AL_EXPORT_TABLES_EVERY_FIGURE;
  if (!al_export_tables_source (analysis, source, dir, flags, figure_format, start, &json, NULL,
                                error))
    return FALSE;
  take_summary (row, json);
  return TRUE;
}

/* Adds the members of `obj` not yet in `keys`, in their order. */
static void
collect_keys (GPtrArray  *keys,
              JsonObject *obj)
{
  g_autoptr (GList) members = obj != NULL ? json_object_get_members (obj) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_ptr_array_find_with_equal_func (keys, l->data, g_str_equal, NULL))
      g_ptr_array_add (keys, g_strdup (l->data));
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void
put_field (GString    *s,
           const char *text)
{
  if (text == NULL)
    text = "";
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      g_string_append (s, text);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

/* The count of `key` in `obj` (0 when absent), or an empty field for a
 * file that failed. */
static void
put_count (GString          *s,
           const BatchRow   *r,
           const JsonObject *obj,
           const char       *key)
{
  g_string_append_c (s, ',');
  if (r->message == NULL)
    g_string_append_printf (s, "%" G_GINT64_FORMAT,
                            obj != NULL && json_object_has_member ((JsonObject *) obj, key)
                            ? json_object_get_int_member ((JsonObject *) obj, key) : 0);
}

static char *
summary_csv (GPtrArray *rows,
             GPtrArray *species_keys,
             GPtrArray *defect_keys,
             GPtrArray *timing_keys)
{
  GString *s = g_string_new ("file,status,message,width,height,frames,material,pixel_size_nm,n_atoms");

  for (guint k = 0; k < species_keys->len; k++)
    g_string_append_printf (s, ",species_%s", (char *) species_keys->pdata[k]);
  for (guint k = 0; k < defect_keys->len; k++)
    g_string_append_printf (s, ",defect_%s", (char *) defect_keys->pdata[k]);
  for (guint k = 0; k < timing_keys->len; k++)
    g_string_append_printf (s, ",time_%s_s", (char *) timing_keys->pdata[k]);
  g_string_append_c (s, '\n');
  for (guint i = 0; i < rows->len; i++)
    {
      const BatchRow *r = rows->pdata[i];
      char num[G_ASCII_DTOSTR_BUF_SIZE];

      put_field (s, r->name);
      g_string_append (s, r->message == NULL ? ",ok," : ",error,");
      put_field (s, r->message);
      if (r->width > 0)
        g_string_append_printf (s, ",%u,%u,%u,", r->width, r->height, r->n_frames);
      else
        g_string_append (s, ",,,,");
      put_field (s, r->material);
      g_string_append_c (s, ',');
      if (r->pixel_size_nm > 0)
        g_string_append (s, g_ascii_formatd (num, sizeof num, "%.6g", r->pixel_size_nm));
      g_string_append_c (s, ',');
      if (r->message == NULL)
        g_string_append_printf (s, "%u", r->n_atoms);
      for (guint k = 0; k < species_keys->len; k++)
        put_count (s, r, r->species, species_keys->pdata[k]);
      for (guint k = 0; k < defect_keys->len; k++)
        put_count (s, r, r->defects, defect_keys->pdata[k]);
      for (guint k = 0; k < timing_keys->len; k++)
        {
          g_string_append_c (s, ',');
          if (r->timings != NULL && json_object_has_member (r->timings, timing_keys->pdata[k]))
            g_string_append (s, g_ascii_formatd (num, sizeof num, "%.4f",
                                                 json_object_get_double_member (r->timings,
                                                                                timing_keys->pdata[k])));
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

static char *
summary_json (GPtrArray *rows,
              guint      n_failed)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "n_files");
  json_builder_add_int_value (b, rows->len);
  json_builder_set_member_name (b, "n_failed");
  json_builder_add_int_value (b, n_failed);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      const BatchRow *r = rows->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "file");
      json_builder_add_string_value (b, r->name);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, r->message == NULL ? "ok" : "error");
      json_builder_set_member_name (b, "message");
      json_builder_add_string_value (b, r->message != NULL ? r->message : "");
      if (r->width > 0)
        {
          json_builder_set_member_name (b, "width");
          json_builder_add_int_value (b, r->width);
          json_builder_set_member_name (b, "height");
          json_builder_add_int_value (b, r->height);
          json_builder_set_member_name (b, "frames");
          json_builder_add_int_value (b, r->n_frames);
        }
      if (r->message == NULL)
        {
          json_builder_set_member_name (b, "material");
          if (r->material != NULL)
            json_builder_add_string_value (b, r->material);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "pixel_size_nm");
          if (r->pixel_size_nm > 0)
            json_builder_add_double_value (b, r->pixel_size_nm);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "n_atoms");
          json_builder_add_int_value (b, r->n_atoms);
        }
      if (r->counts != NULL)
        {
          json_builder_set_member_name (b, "counts");
          json_builder_add_value (b, json_node_init_object (json_node_alloc (), r->counts));
        }
      if (r->timings != NULL)
        {
          json_builder_set_member_name (b, "timings_s");
          json_builder_add_value (b, json_node_init_object (json_node_alloc (), r->timings));
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

/* DIR_OR_GLOB as a folder and a pattern over its file names (NULL: all). */
static void
split_source (const char *arg,
              char      **dir,
              char      **pattern)
{
  if (g_file_test (arg, G_FILE_TEST_IS_DIR))
    {
      *dir = g_strdup (arg);
      *pattern = NULL;
      return;
    }
  *dir = g_path_get_dirname (arg);
  *pattern = g_path_get_basename (arg);
}

int
al_cli_batch (int    argc,
              char **argv)
{
  g_autofree char *material_name = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *figure = NULL;
  g_autofree char *model_path = NULL;
  g_autofree char *denoise = NULL;
  g_autofree char *fit_on = NULL;
  double pixel_size = 0.0;
  GOptionEntry entries[] = {
    { "material", 'm', 0, G_OPTION_ARG_STRING, &material_name,
      "graphene, hbn, mos2, ws2, wse2 or auto (default)", "M" },
    { "pixel-size", 0, 0, G_OPTION_ARG_DOUBLE, &pixel_size,
      "Pixel size in nm of every file (overrides their calibration)", "NM" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path,
      AL_CLI_MODEL_HELP, "auto|none|FILE" },
    { "denoise", 0, 0, G_OPTION_ARG_STRING, &denoise, AL_CLI_DENOISE_HELP, "auto|on|off" },
    { "fit-on", 0, 0, G_OPTION_ARG_STRING, &fit_on, AL_CLI_FIT_ON_HELP, "raw|denoised" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      "Folder for summary.csv, summary.json and one folder per file (required)", "DIR" },
    { "figure", 0, 0, G_OPTION_ARG_STRING, &figure,
      "Format of the annotated figures: png (default: of the first frame), svg or pdf (of every frame)",
      "FORMAT" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("DIR_OR_GLOB");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (batch_row_free);
  g_autoptr (GPtrArray) species_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) defect_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) timing_keys = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *src_dir = NULL;
  g_autofree char *pattern = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *json_path = NULL;
  AlPipelineParams params;
  guint n_failed = 0;

  g_option_context_set_summary (context,
                                "Analyse every file of a folder, or those matching a pattern such as "
                                "'data/*.tif' (quote it), and write one summary.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return al_cli_fail ("batch needs exactly one folder or quoted pattern");
  if (out_dir == NULL)
    return al_cli_fail ("batch needs --out DIR");

  al_pipeline_params_init (&params);
  if (material_name == NULL || g_ascii_strcasecmp (material_name, "auto") == 0)
    params.auto_material = TRUE;
  else if ((params.material = al_material_from_name (material_name)) == NULL)
    return al_cli_fail ("unknown material “%s” (graphene, hbn, mos2, ws2, wse2 or auto)", material_name);
  if (pixel_size < 0 || !isfinite (pixel_size) || pixel_size > AL_BATCH_MAX_PIXEL_SIZE_NM)
    return al_cli_fail ("--pixel-size must be a positive number of nm (got %g)", pixel_size);
  params.pixel_size_nm = pixel_size;
  if (!al_cli_model_option (model_path, &params)
      || !al_cli_denoise_option (denoise, fit_on, &params))
    return 1;
  params.n_threads = g_get_num_processors ();
  if (figure != NULL && al_figure_format_from_name (figure) < 0)
    return al_cli_fail ("--figure wants png, svg or pdf (got “%s”)", figure);

  split_source (argv[1], &src_dir, &pattern);
  names = list_files (src_dir, pattern, &error);
  if (names == NULL)
    return al_cli_fail ("%s", error->message);
  if (names->len == 0)
    return al_cli_fail ("no file matches “%s”", argv[1]);
  if (g_mkdir_with_parents (out_dir, 0755) != 0)
    return al_cli_fail ("cannot create the folder “%s”: %s", out_dir, g_strerror (errno));

  for (guint i = 0; i < names->len; i++)
    {
      BatchRow *row = g_new0 (BatchRow, 1);
      g_autofree char *path = g_build_filename (src_dir, names->pdata[i], NULL);
      g_autoptr (GError) file_error = NULL;

      row->name = g_strdup (names->pdata[i]);
      g_ptr_array_add (rows, row);
      if (!analyse_one (row, path, out_dir, &params,
                        al_figure_format_from_name (figure != NULL ? figure : "png"),
                        figure != NULL, &file_error))
        {
          row->message = g_strdup (file_error->message);
          n_failed++;
          fprintf (stderr, "atomlens-cli: %s: %s\n", row->name, row->message);
          continue;
        }
      collect_keys (species_keys, row->species);
      collect_keys (defect_keys, row->defects);
      collect_keys (timing_keys, row->timings);
    }

  csv = summary_csv (rows, species_keys, defect_keys, timing_keys);
  json = summary_json (rows, n_failed);
  csv_path = g_build_filename (out_dir, "summary.csv", NULL);
  json_path = g_build_filename (out_dir, "summary.json", NULL);
  if (!g_file_set_contents (csv_path, csv, -1, &error)
      || !g_file_set_contents (json_path, json, -1, &error))
    return al_cli_fail ("%s", error->message);
  printf ("%u files, %u ok, %u failed: %s\n", rows->len, rows->len - n_failed, n_failed, csv_path);
  return n_failed > 0 ? 1 : 0;
}
