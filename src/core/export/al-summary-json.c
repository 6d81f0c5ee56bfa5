/* al-summary-json.c: the analysis summary as JSON (json-glib).
 *
 * Counts add up over the frames analysed; densities divide them by the
 * area imaged (frame area × frames) and are null when the pixel size is
 * unknown. A defect is counted once per distinct defect id.
 */
#include "export/al-summary-json.h"

#include "export/al-structure-json.h"

#include <json-glib/json-glib.h>
#include <string.h>

typedef struct
{
  guint  n_atoms;
  guint  species[AL_MAX_SPECIES + 1];        /* last: unknown */
  guint  defects[AL_N_DEFECT_TYPES];
} Counts;

static void
count_frame (const AlAtoms *atoms,
             guint          n_species,
             Counts        *c)
{
  g_autoptr (GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  c->n_atoms += atoms->n_atoms;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int s = atoms->species[i];
      c->species[(s >= 0 && (guint) s < n_species) ? (guint) s : AL_MAX_SPECIES]++;
      if (atoms->defect_id[i] >= 0
          && !g_hash_table_contains (seen, GINT_TO_POINTER (atoms->defect_id[i] + 1)))
        {
          g_hash_table_add (seen, GINT_TO_POINTER (atoms->defect_id[i] + 1));
          if (atoms->defect_type[i] > AL_DEFECT_NONE && atoms->defect_type[i] < AL_N_DEFECT_TYPES)
            c->defects[atoms->defect_type[i]]++;
        }
    }
}

static void
add_counts (JsonBuilder      *b,
            const Counts     *c,
            const AlMaterial *material,
            double            area_nm2)
{
  guint n_species = material ? material->n_species : 0;
  gboolean density = area_nm2 > 0;

  for (int pass = 0; pass < (density ? 2 : 1); pass++)
    {
      double div = pass ? area_nm2 : 1.0;
      json_builder_set_member_name (b, pass ? "densities_per_nm2" : "counts");
      json_builder_begin_object (b);
#define PUT(name, value)                                       \
      G_STMT_START {                                           \
        json_builder_set_member_name (b, name);                \
        if (pass)                                              \
          json_builder_add_double_value (b, (value) / div);    \
        else                                                   \
          json_builder_add_int_value (b, (value));             \
      } G_STMT_END
      PUT ("atoms", c->n_atoms);
      json_builder_set_member_name (b, "species");
      json_builder_begin_object (b);
      for (guint s = 0; s < n_species; s++)
        PUT (material->species[s].name, c->species[s]);
      if (c->species[AL_MAX_SPECIES] > 0)
        PUT ("unknown", c->species[AL_MAX_SPECIES]);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "defects");
      json_builder_begin_object (b);
      for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES; t++)
        if (c->defects[t] > 0)
          PUT (al_defect_type_name (t), c->defects[t]);
      json_builder_end_object (b);
#undef PUT
      json_builder_end_object (b);
    }
  if (!density)
    {
      json_builder_set_member_name (b, "densities_per_nm2");
      json_builder_add_null_value (b);
    }
}

static void
add_lattice (JsonBuilder         *b,
             const AlFrameResult *r,
             double               pixel_size)
{
  const AlDetectInfo *d = &r->detect;

  json_builder_set_member_name (b, "lattice");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "found");
  json_builder_add_boolean_value (b, d->lattice.found);
  json_builder_set_member_name (b, "hexagonal");
  json_builder_add_boolean_value (b, d->lattice.hexagonal);
  json_builder_set_member_name (b, "a_px");
  json_builder_add_double_value (b, d->lattice.period_px);
  json_builder_set_member_name (b, "a_nm");
  if (pixel_size > 0 && d->lattice.found)
    json_builder_add_double_value (b, d->lattice.period_px * pixel_size);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "angle_deg");
  json_builder_add_double_value (b, d->lattice.angle_deg);
  json_builder_set_member_name (b, "neighbour_px");
  json_builder_add_double_value (b, d->neighbour_px);
  json_builder_set_member_name (b, "column_sigma_px");
  json_builder_add_double_value (b, d->column_width_px);
  json_builder_end_object (b);
}

/* Returns the summary of `analysis` as indented JSON text. */
/* The (denoise) stage: the mode asked, the network run, how many frames
 * had their columns found on the denoised image (or tiles, for frames
 * detected in tiles), the first frame's
 * signal-to-noise ratio, and which image the positions were fitted on. */
static void
add_denoise (JsonBuilder      *b,
             const AlAnalysis *analysis)
{
  const AlFrameResult *first = analysis->frames->len > 0 ? analysis->frames->pdata[0] : NULL;

  json_builder_set_member_name (b, "denoise");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, al_denoise_mode_name (analysis->denoise));
  json_builder_set_member_name (b, "network");
  if (analysis->denoise_model_path != NULL)
    json_builder_add_string_value (b, analysis->denoise_model_path);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "frames_denoised");
  json_builder_add_int_value (b, analysis->n_denoised);
  json_builder_set_member_name (b, "snr");
  if (first != NULL && first->denoise_snr > 0)
    json_builder_add_double_value (b, first->denoise_snr);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fitted_on");
  json_builder_add_string_value (b, analysis->n_denoised > 0 && analysis->fit_on_denoised
                                      ? "denoised" : "raw");
  json_builder_end_object (b);
}

char *
al_summary_json (const AlAnalysis *analysis,
                 const AlImage    *image,
                 double            total_seconds)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const AlMaterial *m = analysis->material;
  Counts total = { 0 };
  double px = analysis->pixel_size_nm;
  guint n_frames = analysis->frames->len;
  double area = px > 0 ? analysis->width * px * analysis->height * px * n_frames : 0.0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "image");
  json_builder_add_string_value (b, image && image->source_path ? image->source_path : "");
  json_builder_set_member_name (b, "width_px");
  json_builder_add_int_value (b, analysis->width);
  json_builder_set_member_name (b, "height_px");
  json_builder_add_int_value (b, analysis->height);
  json_builder_set_member_name (b, "frames");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_frames; i++)
    json_builder_add_int_value (b, ((AlFrameResult *) analysis->frames->pdata[i])->frame);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "material");
  if (m)
    json_builder_add_string_value (b, m->name);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "material_guessed");
  json_builder_add_boolean_value (b, analysis->material_guessed);
  /* The atoms network that found the atoms (its path); null: the classical detector. */
  json_builder_set_member_name (b, "model");
  if (analysis->model_path != NULL)
    json_builder_add_string_value (b, analysis->model_path);
  else
    json_builder_add_null_value (b);
  add_denoise (b, analysis);
  json_builder_set_member_name (b, "pixel_size_nm");
  if (px > 0)
    json_builder_add_double_value (b, px);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "pixel_size_source");
  json_builder_add_string_value (b, al_pixel_size_source_name (analysis->pixel_size_source));
  if (n_frames > 0)
    add_lattice (b, analysis->frames->pdata[0], px);

  for (guint i = 0; i < n_frames; i++)
    count_frame (((AlFrameResult *) analysis->frames->pdata[i])->atoms, m ? m->n_species : 0, &total);
  /* With the structure stage, defects are counted from its list (vacancies
   * and phase regions included), not from atom labels. */
  {
    guint structured[AL_N_DEFECT_TYPES];
    if (al_structure_json_count_defects (analysis, structured) > 0)
      memcpy (total.defects, structured, sizeof structured);
  }
  add_counts (b, &total, m, area);
  al_structure_json_add (b, analysis);

  json_builder_set_member_name (b, "timings_s");
  json_builder_begin_object (b);
  for (guint i = 0; i < analysis->timings->len; i++)
    {
      const AlStageTiming *t = &g_array_index (analysis->timings, AlStageTiming, i);
      json_builder_set_member_name (b, t->stage);
      json_builder_add_double_value (b, t->seconds);
    }
  json_builder_set_member_name (b, "total");
  json_builder_add_double_value (b, total_seconds);
  json_builder_end_object (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
