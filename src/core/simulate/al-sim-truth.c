/* al-sim-truth.c: writing what the simulator knows.
 *
 *   TRUTH.csv          atoms.csv columns (DESIGN.md §6) + true_defect_type
 *   TRUTH-defects.csv  id,frame,type,x_px,y_px,n_atoms,atoms (ids of
 *                      TRUTH.csv separated by spaces, as defects.csv);
 *                      vacancies have no atom of their own: their members
 *                      are the atoms around them. A defect keeps its id in
 *                      every frame of a series.
 *   TRUTH-strain.csv   id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm per atom
 *                      (rotation in degrees, as strain.csv)
 *   TRUTH.json         the image model (dose, probe, pixel size, ...) that
 *                      `atomlens-cli score` needs for the Cramér–Rao bound
 */
#include "al-sim-private.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "export/al-atoms-csv.h"
#include "io/al-io.h"

char *
al_sim_truth_sidecar (const char *truth_csv,
                      const char *suffix)
{
  gsize n = strlen (truth_csv);

  if (n > 4 && g_ascii_strcasecmp (truth_csv + n - 4, ".csv") == 0)
    n -= 4;
  return g_strdup_printf ("%.*s%s", (int) n, truth_csv, suffix);
}

static gboolean
write_text (const char *path,
            const char *text,
            GError    **error)
{
  GError *local = NULL;

  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

/* Id in TRUTH.csv of the first atom of each frame. */
static guint *
frame_offsets (const AlSimResult *result)
{
  guint *offset = g_new0 (guint, result->atoms->len + 1);

  for (guint f = 0; f < result->atoms->len; f++)
    offset[f + 1] = offset[f] + ((AlAtoms *) g_ptr_array_index (result->atoms, f))->n_atoms;
  return offset;
}

static char *
format_defects (const AlSimResult *result)
{
  GString *out = g_string_new ("id,frame,type,x_px,y_px,n_atoms,atoms\n");
  g_autofree guint *offset = frame_offsets (result);
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint q = 0; q < result->defects->len; q++)
    {
      const AlSimDefect *d = g_ptr_array_index (result->defects, q);
      g_string_append_printf (out, "%u,%u,%s,%s,%s,%u,", d->id, d->frame, al_defect_type_name (d->type),
                              g_ascii_formatd (bx, sizeof bx, "%.4f", d->x_px),
                              g_ascii_formatd (by, sizeof by, "%.4f", d->y_px), d->atoms->len);
      for (guint m = 0; m < d->atoms->len; m++)
        g_string_append_printf (out, "%s%u", m ? " " : "", offset[d->frame] + g_array_index (d->atoms, guint, m));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static char *
format_strain (const AlSimResult *result)
{
  GString *out = g_string_new ("id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm\n");
  guint id = 0;
  char b[6][G_ASCII_DTOSTR_BUF_SIZE];

  for (guint f = 0; f < result->strain->len; f++)
    {
      GArray *s = g_ptr_array_index (result->strain, f);
      for (guint i = 0; i < s->len; i++)
        {
          const AlSimStrain *v = &g_array_index (s, AlSimStrain, i);
          g_string_append_printf (out, "%u,%u,%s,%s,%s,%s,%s,%s\n", id++, f,
                                  g_ascii_formatd (b[0], sizeof b[0], "%.6g", v->exx),
                                  g_ascii_formatd (b[1], sizeof b[1], "%.6g", v->eyy),
                                  g_ascii_formatd (b[2], sizeof b[2], "%.6g", v->exy),
                                  g_ascii_formatd (b[3], sizeof b[3], "%.6g", v->rotation),
                                  g_ascii_formatd (b[4], sizeof b[4], "%.6g", v->ux_nm),
                                  g_ascii_formatd (b[5], sizeof b[5], "%.6g", v->uy_nm));
        }
    }
  return g_string_free (out, FALSE);
}

static char *
format_model (const AlSimResult *result)
{
  const AlSimParams *p = &result->params;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  char seed[32];

  g_snprintf (seed, sizeof seed, "%" G_GUINT64_FORMAT, p->seed);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "generator");
  json_builder_add_string_value (b, "atomlens-cli simulate");
  json_builder_set_member_name (b, "material");
  json_builder_add_string_value (b, p->material->name);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, p->mode == AL_SIM_MODE_HAADF ? "haadf" : "hrtem");
#define NUM(name, value)                      \
  json_builder_set_member_name (b, name);     \
  json_builder_add_double_value (b, value)
#define INT(name, value)                      \
  json_builder_set_member_name (b, name);     \
  json_builder_add_int_value (b, value)
  INT ("width", p->width);
  INT ("height", p->height);
  INT ("frames", p->n_frames);
  NUM ("pixel_size_nm", p->pixel_size_nm);
  NUM ("dose_e_per_A2", p->dose);
  json_builder_set_member_name (b, "noiseless");
  json_builder_add_boolean_value (b, p->noiseless);
  NUM ("z_exponent", p->z_exponent);
  NUM ("cross_section_A2", p->cross_section);
  NUM ("probe_sigma_nm", p->probe_sigma_nm);
  NUM ("tail_sigma_nm", p->tail_sigma_nm);
  NUM ("tail_fraction", p->tail_fraction);
  NUM ("background", p->background);
  NUM ("detector_noise", p->detector_noise);
  NUM ("offset", p->offset);
  NUM ("voltage_kv", p->voltage_kv);
  NUM ("defocus_nm", p->defocus_nm);
  NUM ("cs_mm", p->cs_mm);
  NUM ("scan_jitter_px", p->scan.jitter_px);
  json_builder_set_member_name (b, "seed");
  json_builder_add_string_value (b, seed);
#undef NUM
#undef INT
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

gboolean
al_sim_result_write_truth (const AlSimResult *result,
                           const char        *truth_csv,
                           GError           **error)
{
  g_autofree char *defects_path = al_sim_truth_sidecar (truth_csv, "-defects.csv");
  g_autofree char *strain_path = al_sim_truth_sidecar (truth_csv, "-strain.csv");
  g_autofree char *model_path = al_sim_truth_sidecar (truth_csv, ".json");
  g_autofree char *defects = format_defects (result);
  g_autofree char *strain = format_strain (result);
  g_autofree char *model = format_model (result);

  return al_atoms_csv_write (truth_csv, (AlAtoms *const *) result->atoms->pdata, result->atoms->len,
                             result->params.material, result->params.pixel_size_nm,
                             AL_ATOMS_CSV_TRUE_DEFECT_TYPE, error)
         && write_text (defects_path, defects, error)
         && write_text (strain_path, strain, error)
         && write_text (model_path, model, error);
}
