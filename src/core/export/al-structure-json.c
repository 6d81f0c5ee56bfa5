/* al-structure-json.c: summary.json members written by the structure
 * stage. Lengths and areas are in nm when a pixel size is known (given, or
 * estimated from the bonds), otherwise in px, and say so. */
#include "export/al-structure-json.h"

#include <math.h>

static double
frame_pixel_size (const AlAnalysis    *analysis,
                  const AlFrameResult *r)
{
  if (analysis->pixel_size_nm > 0)
    return analysis->pixel_size_nm;
  return r->structure ? r->structure->pixel_size_nm : 0.0;
}

/* Fills counts[AL_N_DEFECT_TYPES] with the defects of all frames; returns
 * the number of frames that have a structure. */
guint
al_structure_json_count_defects (const AlAnalysis *analysis,
                                 guint            *counts)
{
  guint n = 0;

  for (int t = 0; t < AL_N_DEFECT_TYPES; t++)
    counts[t] = 0;
  for (guint f = 0; f < analysis->frames->len; f++)
    {
      const AlFrameResult *r = analysis->frames->pdata[f];
      if (r->structure == NULL)
        continue;
      n++;
      for (guint k = 0; k < al_defects_len (r->structure->defects); k++)
        counts[al_defects_get (r->structure->defects, k)->type]++;
    }
  return n;
}

static void
put_double (JsonBuilder *b,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static void
add_bonds (JsonBuilder      *b,
           const AlAnalysis *analysis)
{
  double sum = 0.0, sum2 = 0.0;
  guint n = 0, rings[AL_RING_MAX_SIZE + 1] = { 0 }, n_open = 0;

  for (guint f = 0; f < analysis->frames->len; f++)
    {
      const AlFrameResult *r = analysis->frames->pdata[f];
      double px = frame_pixel_size (analysis, r);
      guint h[AL_RING_MAX_SIZE + 1];
      if (r->structure == NULL)
        continue;
      for (guint k = 0; k < r->structure->bonds->n_bonds; k++)
        {
          double l = r->structure->bonds->length[k] * (px > 0 ? px : 1.0);
          sum += l;
          sum2 += l * l;
          n++;
        }
      n_open += al_rings_histogram (r->structure->rings, h, G_N_ELEMENTS (h));
      for (guint k = 0; k <= AL_RING_MAX_SIZE; k++)
        rings[k] += h[k];
    }
  json_builder_set_member_name (b, "bonds");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, n);
  put_double (b, "mean_length_nm", n ? sum / n : NAN);
  put_double (b, "sd_length_nm", n > 1 ? sqrt (MAX (0.0, sum2 / n - (sum / n) * (sum / n))) : NAN);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rings");
  json_builder_begin_object (b);
  for (guint k = 3; k <= AL_RING_MAX_SIZE; k++)
    if (rings[k] > 0)
      {
        g_autofree char *name = g_strdup_printf ("%u", k);
        json_builder_set_member_name (b, name);
        json_builder_add_int_value (b, rings[k]);
      }
  json_builder_set_member_name (b, "open_faces");
  json_builder_add_int_value (b, n_open);
  json_builder_end_object (b);
}

static void
add_line_defects (JsonBuilder      *b,
                  const AlAnalysis *analysis)
{
  json_builder_set_member_name (b, "line_defects");
  json_builder_begin_array (b);
  for (guint f = 0; f < analysis->frames->len; f++)
    {
      const AlFrameResult *r = analysis->frames->pdata[f];
      double px;
      if (r->structure == NULL)
        continue;
      px = frame_pixel_size (analysis, r);
      for (guint k = 0; k < al_defects_len (r->structure->defects); k++)
        {
          const AlDefect *d = al_defects_get (r->structure->defects, k);
          if (d->type != AL_DEFECT_GRAIN_BOUNDARY && d->type != AL_DEFECT_EDGE)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "frame");
          json_builder_add_int_value (b, r->frame);
          json_builder_set_member_name (b, "type");
          json_builder_add_string_value (b, al_defect_type_name (d->type));
          json_builder_set_member_name (b, "n_atoms");
          json_builder_add_int_value (b, d->n_members);
          put_double (b, "length_nm", px > 0 ? d->length_px * px : NAN);
          put_double (b, "length_px", d->length_px);
          if (d->type == AL_DEFECT_GRAIN_BOUNDARY)
            put_double (b, "misorientation_deg", d->misorientation_deg);
          json_builder_end_object (b);
        }
    }
  json_builder_end_array (b);
}

static void
add_phases (JsonBuilder      *b,
            const AlAnalysis *analysis)
{
  double area[AL_N_PHASES] = { 0 }, boundary = 0.0;
  gboolean any = FALSE;

  for (guint f = 0; f < analysis->frames->len; f++)
    {
      const AlFrameResult *r = analysis->frames->pdata[f];
      double px;
      if (r->structure == NULL || r->structure->phases == NULL)
        continue;
      px = frame_pixel_size (analysis, r);
      px = px > 0 ? px : NAN;
      for (guint p = 0; p < AL_N_PHASES; p++)
        area[p] += r->structure->phases->area_px2[p] * px * px;
      boundary += r->structure->phases->boundary_px * px;
      any = TRUE;
    }
  json_builder_set_member_name (b, "phase_areas_nm2");
  json_builder_begin_object (b);
  for (guint p = 0; any && p < AL_N_PHASES; p++)
    put_double (b, al_phase_name (p), area[p]);
  json_builder_end_object (b);
  put_double (b, "phase_boundary_nm", any ? boundary : NAN);
}

static void
add_lattice_fit (JsonBuilder         *b,
                 const AlAnalysis    *analysis)
{
  double sa = 0.0, sa2 = 0.0, sa1 = 0.0, sa2b = 0.0, sg = 0.0, spread = 0.0, rms = 0.0, radius = 0.0;
  double mean_e[4] = { 0 }, sd_e[4] = { 0 };
  guint n = 0;
  const char *reference = "none";

  for (guint f = 0; f < analysis->frames->len; f++)
    {
      const AlFrameResult *r = analysis->frames->pdata[f];
      const AlStrain *s;
      double px, m[4], sd[4];
      if (r->structure == NULL || (s = r->structure->strain) == NULL)
        continue;
      px = frame_pixel_size (analysis, r);
      px = px > 0 ? px : NAN;
      sa += s->a_px * px;
      sa2 += s->a_px * px * s->a_px * px;
      sa1 += s->a1_px * px;
      sa2b += s->a2_px * px;
      sg += s->gamma_deg;
      spread += s->a_local_spread_px * px;
      radius += s->radius_a;
      rms += s->fit_rms_px * px * 1000.0;
      al_strain_stats (s, m, sd);
      for (int k = 0; k < 4; k++)
        {
          mean_e[k] += m[k];
          sd_e[k] += sd[k];
        }
      reference = s->reference_used == AL_STRAIN_REFERENCE_MATERIAL ? "material" : "fit";
      n++;
    }
  json_builder_set_member_name (b, "lattice_fit");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "frames");
  json_builder_add_int_value (b, n);
  put_double (b, "a_nm", n ? sa / n : NAN);
  put_double (b, "a_sd_between_frames_nm", n > 1 ? sqrt (MAX (0.0, sa2 / n - (sa / n) * (sa / n))) : NAN);
  put_double (b, "a1_nm", n ? sa1 / n : NAN);
  put_double (b, "a2_nm", n ? sa2b / n : NAN);
  put_double (b, "gamma_deg", n ? sg / n : NAN);
  put_double (b, "a_local_spread_nm", n ? spread / n : NAN);
  put_double (b, "fit_rms_pm", n ? rms / n : NAN);
  put_double (b, "strain_radius_a", n ? radius / n : NAN);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "strain");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_add_string_value (b, reference);
  {
    static const char *const names[4] = { "exx", "eyy", "exy", "rotation_deg" };
    for (int k = 0; k < 4; k++)
      {
        json_builder_set_member_name (b, names[k]);
        json_builder_begin_object (b);
        put_double (b, "mean", n ? mean_e[k] / n : NAN);
        put_double (b, "sd", n ? sd_e[k] / n : NAN);
        json_builder_end_object (b);
      }
  }
  json_builder_end_object (b);
}

/* Adds "bonds", "rings", "line_defects", "phase_areas_nm2",
 * "phase_boundary_nm", "lattice_fit" and "strain" to the open object. */
void
al_structure_json_add (JsonBuilder      *b,
                       const AlAnalysis *analysis)
{
  add_bonds (b, analysis);
  add_line_defects (b, analysis);
  add_phases (b, analysis);
  add_lattice_fit (b, analysis);
}
