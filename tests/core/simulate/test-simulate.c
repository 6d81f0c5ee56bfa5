/* test-simulate.c: the simulator: determinism, defect densities, image
 * formation, truth files. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-test.h"
#include "al-test-sim.h"
#include "export/al-atoms-csv.h"
#include "io/al-io.h"
#include "simulate/al-simulate.h"

static void
test_same_seed (void)
{
  const char *spec = "V_S=0.02,V_S2=0.01,W_Mo=0.01,grain_boundary=1,phase_1T=1,amorphous=1,hole=1";
  g_autoptr (AlSimResult) a = al_test_simulate ("mos2", 256, 1, spec, NULL, 42);
  g_autoptr (AlSimResult) b = al_test_simulate ("mos2", 256, 1, spec, NULL, 42);
  g_autoptr (AlSimResult) c = al_test_simulate ("mos2", 256, 1, spec, NULL, 43);
  gsize n = al_image_frame_samples (a->image);

  g_assert_cmpmem (a->image->pixels, n * sizeof (float), b->image->pixels, n * sizeof (float));
  g_assert_true (memcmp (a->image->pixels, c->image->pixels, n * sizeof (float)) != 0);
  g_assert_cmpuint (((AlAtoms *) a->atoms->pdata[0])->n_atoms, ==,
                    ((AlAtoms *) b->atoms->pdata[0])->n_atoms);
}

static guint
count_type (const AlSimResult *r,
            AlDefectType       type)
{
  guint n = 0;

  for (guint q = 0; q < r->defects->len; q++)
    n += ((AlSimDefect *) r->defects->pdata[q])->type == type;
  return n;
}

/* Sites of one sublattice in the image: area over the unit-cell area. */
static double
sites_per_sublattice (const AlSimResult *r)
{
  double side = r->params.width * r->params.pixel_size_nm, a = r->params.material->a_nm;
  return side * side / (a * a * sqrt (3.0) / 2.0);
}

static void
assert_density (const AlSimResult *r,
                AlDefectType       type,
                double             density,
                double             sites)
{
  double expected = density * sites;
  guint found = count_type (r, type);

  g_test_message ("%s: %u defects, expected %.1f", al_defect_type_name (type), found, expected);
  g_assert_cmpfloat (found, >=, 0.7 * expected);
  g_assert_cmpfloat (found, <=, 1.3 * expected);
}

static void
test_density_tmd (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("mos2", 768, 1,
                                                "V_S=0.02,V_S2=0.01,Mo_S2=0.005,V_Mo=0.01,W_Mo=0.02",
                                                NULL, 7);
  double n = sites_per_sublattice (r);
  AlAtoms *atoms = r->atoms->pdata[0];
  guint n_s = 0, n_w = 0;

  assert_density (r, AL_DEFECT_V_S, 0.02, n);
  assert_density (r, AL_DEFECT_V_S2, 0.01, n);
  assert_density (r, AL_DEFECT_MO_S2, 0.005, n);
  assert_density (r, AL_DEFECT_V_MO, 0.01, n);
  assert_density (r, AL_DEFECT_W_MO, 0.02, n);
  /* A V_S leaves a single-S column; W_Mo a W column. */
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      n_s += atoms->species[i] == al_material_species_index (r->params.material, "S");
      n_w += atoms->species[i] == al_material_species_index (r->params.material, "W");
    }
  g_assert_cmpuint (n_s, ==, count_type (r, AL_DEFECT_V_S));
  g_assert_cmpuint (n_w, ==, count_type (r, AL_DEFECT_W_MO));
}

/* Dense enough for training data: 10 % of S sites missing. */
static void
test_density_high (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("mos2", 512, 1, "V_S=0.1,V_S2=0.03", NULL, 5);
  double n = sites_per_sublattice (r);

  assert_density (r, AL_DEFECT_V_S, 0.1, n);
  assert_density (r, AL_DEFECT_V_S2, 0.03, n);
}

static void
test_density_graphene (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("graphene", 1024, 1,
                                                "V1=0.004,V2_585=0.003,SW=0.003,Si_C3=0.004,Si_C4=0.003",
                                                NULL, 9);
  double n = 2 * sites_per_sublattice (r);
  AlAtoms *atoms = r->atoms->pdata[0];
  guint n_si = 0;

  assert_density (r, AL_DEFECT_V1, 0.004, n);
  assert_density (r, AL_DEFECT_V2_585, 0.003, n);
  assert_density (r, AL_DEFECT_SW, 0.003, n);
  assert_density (r, AL_DEFECT_SI_C3, 0.004, n);
  assert_density (r, AL_DEFECT_SI_C4, 0.003, n);
  for (guint i = 0; i < atoms->n_atoms; i++)
    n_si += atoms->species[i] == 1;
  g_assert_cmpuint (n_si, ==, count_type (r, AL_DEFECT_SI_C3) + count_type (r, AL_DEFECT_SI_C4));
}

/* Noiseless, no tail, no background: a column's counts over the image are
 * dose × κ Σ Zⁿ, and the brightest pixel sits on the column. */
static void
test_haadf_counts (void)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) r = NULL;
  AlAtoms *atoms;
  double total = 0, expected = 0, best = -1;
  guint best_i = 0;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = 128;
  p.noiseless = TRUE;
  p.tail_fraction = 0;
  p.background = 0;
  p.seed = 5;
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  atoms = r->atoms->pdata[0];
  for (gsize q = 0; q < al_image_frame_samples (r->image); q++)
    {
      total += r->image->pixels[q];
      if (r->image->pixels[q] > best)
        {
          best = r->image->pixels[q];
          best_i = (guint) q;
        }
    }
  for (guint i = 0; i < atoms->n_atoms; i++)
    expected += atoms->intensity[i];
  /* Columns just outside the border spill in, those inside spill out:
   * the balance is good to a few per cent. */
  g_assert_cmpfloat (fabs (total - expected) / expected, <, 0.03);
  {
    gboolean on_metal = FALSE;
    double bx = best_i % p.width, by = best_i / p.width;
    for (guint i = 0; i < atoms->n_atoms; i++)
      if (hypot (atoms->x[i] - bx, atoms->y[i] - by) < 1.0 && atoms->species[i] == 0)
        on_metal = TRUE;
    g_assert_true (on_metal);
  }
  g_assert_cmpfloat (r->image->pixel_size, ==, p.pixel_size_nm);
}

static void
test_truth_files (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("mos2", 256, 1, "V_S=0.02,V_S2=0.01,edge=1", NULL, 11);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *defects_path = al_sim_truth_sidecar (path, "-defects.csv");
  g_autofree char *json_path = al_sim_truth_sidecar (path, ".json");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) back = NULL;
  g_autofree char *text = NULL;
  AlAtoms *atoms = r->atoms->pdata[0], *read;

  g_assert_true (al_sim_result_write_truth (r, path, &error));
  g_assert_no_error (error);
  back = al_atoms_csv_read (path, r->params.material, &error);
  g_assert_no_error (error);
  read = back->pdata[0];
  g_assert_cmpuint (read->n_atoms, ==, atoms->n_atoms);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      g_assert_cmpfloat (fabs (read->x[i] - atoms->x[i]), <, 1e-4);
      g_assert_cmpint (read->species[i], ==, atoms->species[i]);
      g_assert_cmpint (read->defect_type[i], ==, atoms->defect_type[i]);
    }
  g_assert_true (g_file_get_contents (defects_path, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "id,frame,type,x_px,y_px,n_atoms,atoms\n"));
  g_assert_nonnull (strstr (text, ",V_S2,"));
  g_assert_nonnull (strstr (text, ",edge,"));
  g_assert_true (g_file_test (json_path, G_FILE_TEST_EXISTS));
  al_test_rmdir (dir);
}

/* Homogeneous strain: every atom carries it, and the lattice is stretched. */
static void
test_strain (void)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) r = NULL;
  GArray *s;

  al_sim_params_init (&p, al_material_from_name ("graphene"));
  p.width = p.height = 256;
  g_assert_true (al_sim_strain_spec_parse (&p.strain, "exx=0.02,eyy=-0.01,exy=0.005,rot=1", &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  s = r->strain->pdata[0];
  g_assert_cmpuint (s->len, >, 100);
  for (guint i = 0; i < s->len; i++)
    {
      const AlSimStrain *v = &g_array_index (s, AlSimStrain, i);
      g_assert_cmpfloat (fabs (v->exx - 0.02), <, 1e-6);
      g_assert_cmpfloat (fabs (v->eyy + 0.01), <, 1e-6);
      g_assert_cmpfloat (fabs (v->exy - 0.005), <, 1e-6);
      g_assert_cmpfloat (fabs (v->rotation - 1.0), <, 1e-5);
    }
}

static void
test_bad_specs (void)
{
  const AlMaterial *mos2 = al_material_from_name ("mos2");
  AlSimDefectSpec d;
  AlSimStrainSpec s;
  AlSimScanSpec sc;
  GError *error = NULL;

  g_assert_false (al_sim_defect_spec_parse (&d, mos2, "V_X=0.1", &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (al_sim_defect_spec_parse (&d, mos2, "SW=0.01", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_defect_spec_parse (&d, mos2, "V_S=2", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_defect_spec_parse (&d, mos2, "V_S", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_defect_spec_parse (&d, al_material_from_name ("graphene"), "phase_1T=1", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_strain_spec_parse (&s, "bump=0.03", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_strain_spec_parse (&s, "exx=abc", &error));
  g_clear_error (&error);
  g_assert_false (al_sim_scan_spec_parse (&sc, "jitter=-1", &error));
  g_clear_error (&error);
  g_assert_true (al_sim_defect_spec_parse (&d, mos2, "V_S=0.01, grain_boundary=2,hole=1", &error));
  g_assert_cmpuint (d.count[AL_DEFECT_GRAIN_BOUNDARY], ==, 2);
  g_assert_cmpuint (d.n_holes, ==, 1);
}

/* The bundled graphene sample is what data/samples/make-samples.sh makes
 * with this code (same parameters as there): rerun the script after
 * changing the simulator. Also a check that the seed gives the same image
 * on this machine as on the one that made the sample. */
static void
test_sample_current (void)
{
  const char *root = g_getenv ("AL_SOURCE_ROOT");
  g_autofree char *tif = NULL, *csv = NULL, *expected = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  g_autoptr (AlSimResult) r = NULL;
  AlSimParams p;
  gsize n;

  if (root == NULL)
    {
      g_test_skip ("AL_SOURCE_ROOT is not set");
      return;
    }
  tif = g_build_filename (root, "data", "samples", "graphene.tif", NULL);
  csv = g_build_filename (root, "data", "samples", "graphene-truth.csv", NULL);
  al_sim_params_init (&p, al_material_from_name ("graphene"));
  p.width = p.height = 1024;
  p.seed = 20261126;
  p.offset = 20;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material,
                                           "V1=0.002,V2_585=0.001,SW=0.002,Si_C3=0.002,Si_C4=0.001,edge=1",
                                           &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  image = al_image_load (tif, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->width, ==, p.width);
  g_assert_cmpfloat (fabs (image->pixel_size - p.pixel_size_nm), <, 1e-9);
  n = al_image_frame_samples (image);
  for (gsize q = 0; q < n; q++)
    {
      /* The file holds the counts rounded (half to even) to 16 bits. */
      float v = CLAMP (rintf (r->image->pixels[q]), 0.0f, 65535.0f);
      if (image->pixels[q] != v)
        g_error ("pixel %" G_GSIZE_FORMAT " is %g in the sample, %g simulated now: rerun "
                 "data/samples/make-samples.sh", q, image->pixels[q], v);
    }
  text = al_atoms_csv_format ((AlAtoms *const *) r->atoms->pdata, 1, p.material, p.pixel_size_nm,
                              AL_ATOMS_CSV_TRUE_DEFECT_TYPE);
  g_assert_true (g_file_get_contents (csv, &expected, NULL, NULL));
  g_assert_cmpstr (text, ==, expected);
}

/* Phase patches, amorphous patches and holes lie anywhere in the image, also
 * across its border: a patch wider than a third of a small image is not
 * pushed to the middle (networks trained on such images learnt "a patch in
 * the centre"). Over 40 seeds of a 128² image (3.8 nm, patch radius ≥ 1.5 nm)
 * the centroid of the 1T atoms reaches the outer fifth of the image; when
 * patches had to fit inside, it stayed within 30–70 %. */
static void
test_patches_anywhere (void)
{
  guint n_outer = 0, n_with_patch = 0;
  double lo = 1.0, hi = 0.0;

  for (guint64 seed = 1; seed <= 40; seed++)
    {
      g_autoptr (AlSimResult) r = al_test_simulate ("mos2", 128, 1, "phase_1T=1", NULL, seed);
      const AlAtoms *atoms = r->atoms->pdata[0];
      double sx = 0, sy = 0;
      guint n = 0;

      for (guint i = 0; i < atoms->n_atoms; i++)
        if (atoms->defect_type[i] == AL_DEFECT_PHASE_1T)
          {
            sx += atoms->x[i];
            sy += atoms->y[i];
            n++;
          }
      if (n == 0)
        continue;
      n_with_patch++;
      sx /= n * 128.0;
      sy /= n * 128.0;
      lo = MIN (lo, MIN (sx, sy));
      hi = MAX (hi, MAX (sx, sy));
      n_outer += sx < 0.2 || sx > 0.8 || sy < 0.2 || sy > 0.8;
    }
  g_test_message ("%u patches, %u in the outer fifth, centroids %.2f to %.2f", n_with_patch, n_outer, lo, hi);
  g_assert_cmpuint (n_with_patch, >=, 30);
  g_assert_cmpuint (n_outer, >=, 4);
  g_assert_cmpfloat (lo, <, 0.25);
  g_assert_cmpfloat (hi, >, 0.75);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/simulate/same-seed-same-image", test_same_seed);
  g_test_add_func ("/core/simulate/density-tmd", test_density_tmd);
  g_test_add_func ("/core/simulate/density-graphene", test_density_graphene);
  g_test_add_func ("/core/simulate/density-high", test_density_high);
  g_test_add_func ("/core/simulate/haadf-counts", test_haadf_counts);
  g_test_add_func ("/core/simulate/truth-files", test_truth_files);
  g_test_add_func ("/core/simulate/homogeneous-strain", test_strain);
  g_test_add_func ("/core/simulate/bad-specs", test_bad_specs);
  g_test_add_func ("/core/simulate/patches-anywhere", test_patches_anywhere);
  g_test_add_func ("/core/simulate/sample-is-current", test_sample_current);
  return g_test_run ();
}
