/* al-export-tables.c: the tables of one analysis written into a folder, in
 * the order and with the contents `atomlens-cli analyze` has always used. */
#include "export/al-export-tables.h"

#include <json-glib/json-glib.h>

#include "export/al-atoms-csv.h"
#include "export/al-figure.h"
#include "export/al-figure-structure.h"
#include "export/al-structure-csv.h"
#include "export/al-summary-json.h"
#include "track/al-series.h"

/* The annotated figure: the frame with its atoms, defects, grain
 * boundaries and edges, scale bar and legend; of the first frame analysed
 * (a series stays fast) or of every frame. */
static gboolean
write_figures (const AlAnalysis *analysis,
               const AlImage    *image,
               AlFrameSource    *source,
               const char       *out_dir,
               AlFigureFormat    format,
               gboolean          every_frame,
               GCancellable     *cancellable,
               GError          **error)
{
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
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (fp.pixel_size_nm <= 0 && r->structure != NULL)
        fp.pixel_size_nm = r->structure->pixel_size_nm;
      /* From a file, only the frame drawn is read. */
      g_autoptr (AlImage) one = source != NULL ? al_frame_source_load (source, r->frame, 1, error)
                                               : NULL;
      if (source != NULL && one == NULL)
        return FALSE;
      if (!al_figure_render_to_file (&fp, one != NULL ? one : image, one != NULL ? 0 : r->frame,
                                     r->atoms, analysis->material, extra, path, format, error))
        return FALSE;
    }
  return TRUE;
}

/* atoms.csv, bonds.csv, defects.csv and strain.csv. Rows carry the image's
 * frame numbers: frames not analysed are empty slots. */
static gboolean
write_csv_tables (const AlAnalysis *analysis,
                  const char       *dir,
                  GError          **error)
{
  guint n_slots = ((AlFrameResult *) analysis->frames->pdata[analysis->frames->len - 1])->frame + 1;
  g_autofree AlAtoms **atoms = g_new0 (AlAtoms *, n_slots);
  g_autofree AlStructureFrame *frames = g_new0 (AlStructureFrame, n_slots);
  g_autofree char *csv_path = g_build_filename (dir, "atoms.csv", NULL);

  for (guint i = 0; i < analysis->frames->len; i++)
    {
      const AlFrameResult *r = analysis->frames->pdata[i];
      AlStructureFrame *f = &frames[r->frame];

      atoms[r->frame] = r->atoms;
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
  return al_atoms_csv_write (csv_path, atoms, n_slots, analysis->material,
                             analysis->pixel_size_nm, AL_ATOMS_CSV_NONE, error)
         && al_structure_csv_write (dir, frames, n_slots, error);
}

/* A series: drift, defect tracks, tracks.csv and events.csv, and the
 * "series" member added to the summary's JSON. */
static char *
add_series (const AlAnalysis *analysis,
            const AlImage    *image,
            AlFrameSource    *source,
            AlSeriesDrift     drift,
            const char       *out_dir,
            const char       *json,
            GCancellable     *cancellable,
            GError          **error)
{
  g_autoptr (AlSeries) series = al_series_track_drift (image, source, analysis, drift,
                                                       cancellable, error);
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

/* `image` describes the frames; their pixels are in it, or read from
 * `source` when that is not NULL. */
static gboolean
export_tables (const AlAnalysis    *analysis,
               const AlImage       *image,
               AlFrameSource       *source,
               const char          *dir,
               AlExportTablesFlags  flags,
               int                  figure_format,
               gint64               start_us,
               char               **summary_json,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autofree char *json = NULL;
  g_autofree char *json_path = NULL;
  double total_s;

  g_return_val_if_fail (analysis != NULL && analysis->frames->len > 0, FALSE);
  g_return_val_if_fail (image != NULL && dir != NULL, FALSE);
  if (!write_csv_tables (analysis, dir, error))
    return FALSE;

  total_s = start_us > 0 ? (g_get_monotonic_time () - start_us) * 1e-6 : 0;
  json = al_summary_json (analysis, image, total_s);
  if ((flags & AL_EXPORT_TABLES_SERIES) && analysis->frames->len > 1)
    {
      AlSeriesDrift drift = (flags & AL_EXPORT_TABLES_DRIFT_FIELD) ? AL_SERIES_DRIFT_FIELD
                                                                   : AL_SERIES_DRIFT_RIGID;
      char *with_series = add_series (analysis, image, source, drift, dir, json, cancellable,
                                      error);
      if (with_series == NULL)
        return FALSE;
      g_free (json);
      json = with_series;
    }
  json_path = g_build_filename (dir, "summary.json", NULL);
  if (!g_file_set_contents (json_path, json, -1, error))
    return FALSE;
  /* The figure last: the measurements are written even when it cannot be. */
  if ((flags & AL_EXPORT_TABLES_FIGURE)
      && !write_figures (analysis, image, source, dir, (AlFigureFormat) figure_format,
                         (flags & AL_EXPORT_TABLES_EVERY_FIGURE) != 0, cancellable, error))
    return FALSE;
  if (summary_json != NULL)
    *summary_json = g_steal_pointer (&json);
  return TRUE;
}

gboolean
al_export_tables (const AlAnalysis    *analysis,
                  const AlImage       *image,
                  const char          *dir,
                  AlExportTablesFlags  flags,
                  int                  figure_format,
                  gint64               start_us,
                  char               **summary_json,
                  GError             **error)
{
  return export_tables (analysis, image, NULL, dir, flags, figure_format, start_us, summary_json,
                        NULL, error);
}

gboolean
al_export_tables_source (const AlAnalysis    *analysis,
                         AlFrameSource       *source,
                         const char          *dir,
                         AlExportTablesFlags  flags,
                         int                  figure_format,
                         gint64               start_us,
                         char               **summary_json,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_return_val_if_fail (source != NULL, FALSE);
  return export_tables (analysis, al_frame_source_get_info (source), source, dir, flags,
                        figure_format, start_us, summary_json, cancellable, error);
}
