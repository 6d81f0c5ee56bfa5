/* test-summary.c: summary.json (DESIGN.md §6) of an analysis of a small
 * simulated MoS2 image with known content: counts per species and defect
 * type, densities per nm², phase areas, lattice parameters and their
 * spread, strain statistics, timings. */
#include <json-glib/json-glib.h>
#include <math.h>

#include "al-pipeline.h"
#include "al-test.h"
#include "export/al-export-tables.h"
#include "simulate/al-simulate.h"

#define SIZE 384
#define SEED 3
#define STRAIN 0.01
/* Columns per a² of 1T seen from above: the metal and its two S, now on
 * separate columns: 3 / (√3/2 a²). */
#define COLUMNS_1T_PER_A2 (6.0 / sqrt (3.0))

static JsonObject *
member (JsonObject *o,
        const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_object_member (o, name);
}

static double
number (JsonObject *o,
        const char *name)
{
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_double_member (o, name);
}

static guint
count_truth (const AlAtoms *truth,
             int            species,
             AlDefectType   type)
{
  guint n = 0;

  for (guint i = 0; i < truth->n_atoms; i++)
    n += (species < 0 || truth->species[i] == species) && (type == AL_DEFECT_NONE || truth->defect_type[i] == (int) type);
  return n;
}

static guint
count_truth_defects (const AlSimResult *r,
                     AlDefectType       type)
{
  guint n = 0;

  for (guint q = 0; q < r->defects->len; q++)
    n += ((AlSimDefect *) r->defects->pdata[q])->type == type;
  return n;
}

static void
test_summary (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *text = NULL;
  JsonObject *root, *counts, *species, *defects, *dens, *phases, *lattice, *fit, *strain;
  AlSimParams p;
  AlPipelineParams pp;
  const AlAtoms *truth, *found;
  double pixel, area_nm2, a_true, truth_1t_nm2;
  guint n_w, n_mo;

  al_sim_params_init (&p, m);
  p.width = p.height = SIZE;
  p.seed = SEED;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, m, "W_Mo=0.03,V_Mo=0.01,phase_1T=1", &error));
  g_assert_true (al_sim_strain_spec_parse (&p.strain, "exx=0.01,eyy=0.01", &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  truth = r->atoms->pdata[0];
  pixel = r->params.pixel_size_nm;

  al_pipeline_params_init (&pp);
  pp.material = m;
  pp.n_threads = 2;
  analysis = al_pipeline_run (r->image, &pp, NULL, NULL, &error);
  g_assert_no_error (error);
  found = ((AlFrameResult *) analysis->frames->pdata[0])->atoms;
  g_assert_true (al_export_tables (analysis, r->image, dir, AL_EXPORT_TABLES_NONE, 0, 0, &text, &error));
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  /* Calibration and field. */
  g_assert_cmpstr (json_object_get_string_member (root, "material"), ==, "mos2");
  g_assert_cmpfloat_with_epsilon (number (root, "pixel_size_nm"), pixel, 1e-6);
  g_assert_cmpint (json_object_get_int_member (root, "width_px"), ==, SIZE);
  area_nm2 = SIZE * pixel * SIZE * pixel;

  /* Counts: the total is the atoms found; species add up to it and match
   * the truth (W exactly: a bright column is never in doubt at this dose). */
  counts = member (root, "counts");
  species = member (counts, "species");
  defects = member (counts, "defects");
  g_assert_cmpint (json_object_get_int_member (counts, "atoms"), ==, found->n_atoms);
  g_assert_cmpint (json_object_get_int_member (species, "Mo") + json_object_get_int_member (species, "S2")
                   + json_object_get_int_member (species, "S") + json_object_get_int_member (species, "W"),
                   ==, found->n_atoms);
  n_w = count_truth (truth, al_material_species_index (m, "W"), AL_DEFECT_NONE);
  n_mo = count_truth (truth, al_material_species_index (m, "Mo"), AL_DEFECT_NONE);
  g_test_message ("W %" G_GINT64_FORMAT " (truth %u), Mo %" G_GINT64_FORMAT " (truth %u), W_Mo %" G_GINT64_FORMAT
                  " (truth %u), V_Mo %" G_GINT64_FORMAT " (truth %u)",
                  json_object_get_int_member (species, "W"), n_w, json_object_get_int_member (species, "Mo"), n_mo,
                  json_object_get_int_member (defects, "W_Mo"), count_truth_defects (r, AL_DEFECT_W_MO),
                  json_object_get_int_member (defects, "V_Mo"), count_truth_defects (r, AL_DEFECT_V_MO));
  g_assert_cmpint (n_w, >, 20);
  g_assert_cmpint (labs (json_object_get_int_member (species, "W") - (gint64) n_w), <=, 1);
  g_assert_cmpfloat (fabs (json_object_get_int_member (species, "Mo") - (double) n_mo), <, 0.03 * n_mo);
  g_assert_cmpint (json_object_get_int_member (defects, "W_Mo"), >=, count_truth_defects (r, AL_DEFECT_W_MO) - 2);
  g_assert_cmpint (json_object_get_int_member (defects, "W_Mo"), <=, count_truth_defects (r, AL_DEFECT_W_MO));

  /* Densities are the counts over the field's area. */
  dens = member (root, "densities_per_nm2");
  g_assert_cmpfloat_with_epsilon (number (dens, "atoms"), found->n_atoms / area_nm2, 1e-9);
  g_assert_cmpfloat_with_epsilon (number (member (dens, "species"), "W"),
                                  json_object_get_int_member (species, "W") / area_nm2, 1e-9);
  g_assert_cmpfloat_with_epsilon (number (member (dens, "defects"), "W_Mo"),
                                  json_object_get_int_member (defects, "W_Mo") / area_nm2, 1e-9);

  /* Phase areas: they tile the field, and the 1T patch is about its true
   * size (its columns over 1T's column density). */
  phases = member (root, "phase_areas_nm2");
  a_true = m->a_nm * (1.0 + STRAIN);
  truth_1t_nm2 = count_truth (truth, -1, AL_DEFECT_PHASE_1T) / (COLUMNS_1T_PER_A2 / (a_true * a_true));
  g_test_message ("phase areas: 2H %.1f, 1T %.1f (truth about %.1f), vacuum %.1f, amorphous %.1f; field %.1f nm²",
                  number (phases, "2H"), number (phases, "1T"), truth_1t_nm2, number (phases, "vacuum"),
                  number (phases, "amorphous"), area_nm2);
  g_assert_cmpfloat (fabs (number (phases, "2H") + number (phases, "1T") + number (phases, "1Tp")
                           + number (phases, "vacuum") + number (phases, "amorphous") - area_nm2), <,
                     0.02 * area_nm2);
  g_assert_cmpfloat (truth_1t_nm2, >, 0.05 * area_nm2);
  g_assert_cmpfloat (fabs (number (phases, "1T") - truth_1t_nm2), <, 0.2 * truth_1t_nm2);
  g_assert_cmpfloat (number (phases, "2H"), >, 0.5 * area_nm2);

  /* Lattice: a of the strained crystal within 0.2 %, a tight local spread. */
  lattice = member (root, "lattice");
  fit = member (root, "lattice_fit");
  g_test_message ("lattice a %.5f nm (truth %.5f), local spread %.5f nm", number (fit, "a_nm"), a_true,
                  number (fit, "a_local_spread_nm"));
  g_assert_true (json_object_get_boolean_member (lattice, "found"));
  g_assert_cmpfloat (fabs (number (fit, "a_nm") - a_true), <, 0.002 * a_true);
  g_assert_cmpfloat (number (fit, "a_local_spread_nm"), >, 0.0);
  g_assert_cmpfloat (number (fit, "a_local_spread_nm"), <, 0.01 * a_true);
  g_assert_cmpfloat (fabs (number (fit, "gamma_deg") - 60.0), <, 0.2);

  /* Strain against the material: +1 % both ways, no shear; the spread is
   * the per-atom noise (well under a percent at this dose). */
  strain = member (root, "strain");
  g_test_message ("strain exx %.4f ± %.4f, eyy %.4f ± %.4f, exy %.4f", number (member (strain, "exx"), "mean"),
                  number (member (strain, "exx"), "sd"), number (member (strain, "eyy"), "mean"),
                  number (member (strain, "eyy"), "sd"), number (member (strain, "exy"), "mean"));
  g_assert_cmpstr (json_object_get_string_member (strain, "reference"), ==, "material");
  g_assert_cmpfloat (fabs (number (member (strain, "exx"), "mean") - STRAIN), <, 0.002);
  g_assert_cmpfloat (fabs (number (member (strain, "eyy"), "mean") - STRAIN), <, 0.002);
  g_assert_cmpfloat (fabs (number (member (strain, "exy"), "mean")), <, 0.002);
  g_assert_cmpfloat (number (member (strain, "exx"), "sd"), <, 0.01);
  g_assert_true (json_object_has_member (member (strain, "rotation_deg"), "sd"));

  g_assert_cmpfloat (number (member (root, "timings_s"), "structure"), >=, 0.0);
  g_assert_true (json_object_has_member (root, "bonds"));
  g_assert_true (json_object_has_member (root, "line_defects"));
  al_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/defects/summary", test_summary);
  return g_test_run ();
}
