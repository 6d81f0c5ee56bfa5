/* test-score.c: matching, the scorer's figures, and the Cramér–Rao bound. */
#include <math.h>

#include "al-test.h"
#include "simulate/al-match.h"
#include "simulate/al-score.h"
#include "simulate/al-sim-rng.h"
#include "simulate/al-simulate.h"

/* Greedy closest-first would pair a1 with b0 and leave a0 alone; the
 * optimal matching pairs both. */
static void
test_match_optimal (void)
{
  double ax[] = { 0.0, 1.0 }, ay[] = { 0, 0 };
  double bx[] = { 0.6, 1.9 }, by[] = { 0, 0 };
  int ma[2], mb[2];

  g_assert_cmpuint (al_match_points (ax, ay, 2, bx, by, 2, 1.0, ma, mb), ==, 2);
  g_assert_cmpint (ma[0], ==, 0);
  g_assert_cmpint (ma[1], ==, 1);
  g_assert_cmpint (mb[0], ==, 0);
  g_assert_cmpint (mb[1], ==, 1);
  /* Out of reach: nothing. */
  g_assert_cmpuint (al_match_points (ax, ay, 2, bx, by, 2, 0.3, ma, mb), ==, 0);
  g_assert_cmpint (ma[0], ==, -1);
}

/* Among equally many pairs the smaller total squared distance wins. */
static void
test_match_closest (void)
{
  double ax[] = { 0.0, 0.5 }, ay[] = { 0, 0 };
  double bx[] = { 0.45, 0.05 }, by[] = { 0, 0 };
  int ma[2], mb[2];

  g_assert_cmpuint (al_match_points (ax, ay, 2, bx, by, 2, 1.0, ma, mb), ==, 2);
  g_assert_cmpint (ma[0], ==, 1);
  g_assert_cmpint (ma[1], ==, 0);
}

static AlSimResult *
simulate_mos2 (guint size)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  AlSimResult *r;

  al_sim_params_init (&p, al_material_from_name ("mos2"));
  p.width = p.height = size;
  p.seed = 21;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, "V_S=0.03,V_S2=0.01,W_Mo=0.01", &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return r;
}

static void
test_truth_against_itself (void)
{
  g_autoptr (AlSimResult) r = simulate_mos2 (256);
  g_autoptr (AlScore) s = al_score_atoms (r->atoms, r->atoms, r->params.material, NULL,
                                          r->params.pixel_size_nm);
  GArray *defects = g_array_new (FALSE, FALSE, sizeof (AlScoreDefect));

  g_assert_cmpuint (s->n_matched, ==, s->n_truth);
  g_assert_cmpfloat (s->f1, ==, 1.0);
  g_assert_cmpfloat (s->precision, ==, 1.0);
  g_assert_cmpfloat (s->rmse_px, ==, 0.0);
  g_assert_cmpfloat (s->species_accuracy, ==, 1.0);

  for (guint q = 0; q < r->defects->len; q++)
    {
      const AlSimDefect *d = r->defects->pdata[q];
      AlScoreDefect e = { d->frame, d->type, d->x_px, d->y_px };
      g_array_append_val (defects, e);
    }
  al_score_defects (s, defects, defects);
  g_assert_cmpuint (s->defect_truth[AL_DEFECT_V_S], >, 0);
  g_assert_cmpuint (s->defect_matched[AL_DEFECT_V_S], ==, s->defect_truth[AL_DEFECT_V_S]);
  g_assert_cmpuint (s->defect_matched[AL_DEFECT_V_S2], ==, s->defect_truth[AL_DEFECT_V_S2]);
  g_array_unref (defects);
}

/* Found = truth moved by a Gaussian of σ per axis: the RMSE of the 2D
 * distance is σ√2; species changed on every tenth atom show in the
 * confusion matrix; dropped atoms lower the recall. */
static void
test_jittered (void)
{
  g_autoptr (AlSimResult) r = simulate_mos2 (384);
  AlAtoms *truth = r->atoms->pdata[0];
  g_autoptr (AlAtoms) found = al_atoms_new (truth->n_atoms);
  g_autoptr (GPtrArray) frames = g_ptr_array_new ();
  g_autoptr (AlScore) s = NULL;
  const double sigma = 0.25;
  guint n_dropped = 0, n_changed = 0;
  AlSimRng rng;

  al_sim_rng_init (&rng, 99);
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int species = truth->species[i];
      if (i % 20 == 7)
        {
          n_dropped++;
          continue;
        }
      if (i % 10 == 3 && species == 0)
        {
          species = 3;
          n_changed++;
        }
      al_atoms_append (found, truth->x[i] + sigma * al_sim_rng_normal (&rng),
                       truth->y[i] + sigma * al_sim_rng_normal (&rng), species);
    }
  g_ptr_array_add (frames, found);
  s = al_score_atoms (r->atoms, frames, r->params.material, NULL, r->params.pixel_size_nm);
  g_test_message ("RMSE %.4f px, expected %.4f; recall %.4f", s->rmse_px, sigma * G_SQRT2, s->recall);
  g_assert_cmpfloat (fabs (s->rmse_px - sigma * G_SQRT2) / (sigma * G_SQRT2), <, 0.10);
  g_assert_cmpuint (s->n_matched, ==, truth->n_atoms - n_dropped);
  g_assert_cmpfloat (s->precision, ==, 1.0);
  g_assert_cmpuint (s->confusion[0][3], ==, n_changed);
  g_assert_cmpfloat (fabs (s->species_accuracy - (1.0 - (double) n_changed / s->n_matched)), <, 1e-9);
}

/* One Gaussian column of N counts, no background, no tail, no detector
 * noise, fine pixels: the bound is σ/√N along each axis. */
static void
test_crlb_closed_form (void)
{
  AlImageModel model = { 0 };
  g_autoptr (AlAtoms) atoms = al_atoms_new (1);
  const double n_counts = 1e4, sigma_px = 3.0;
  double cx, cy, expected = sigma_px / sqrt (n_counts);
  guint i;

  model.width = model.height = 64;
  model.pixel_size_nm = 0.01;
  model.dose = 1e5;
  model.probe_sigma_nm = sigma_px * model.pixel_size_nm;
  model.haadf = TRUE;
  i = al_atoms_append (atoms, 31.3, 32.6, 0);
  atoms->intensity[i] = n_counts;
  al_crlb_columns (&model, atoms, &cx, &cy);
  g_test_message ("CRLB x %.5f y %.5f px, closed form %.5f", cx, cy, expected);
  g_assert_cmpfloat (fabs (cx - expected) / expected, <, 0.05);
  g_assert_cmpfloat (fabs (cy - expected) / expected, <, 0.05);

  /* A background can only loosen the bound. */
  model.background = 0.01;
  al_crlb_columns (&model, atoms, &cx, &cy);
  g_assert_cmpfloat (cx, >, 1.05 * expected);
}

/* The scorer reads the image model the simulator wrote. */
static void
test_model_roundtrip (void)
{
  g_autoptr (AlSimResult) r = simulate_mos2 (128);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "t.csv", NULL);
  g_autofree char *json = al_sim_truth_sidecar (path, ".json");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlScore) s = NULL;
  AlImageModel model;

  g_assert_true (al_sim_result_write_truth (r, path, &error));
  g_assert_true (al_image_model_load (&model, json, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (model.dose, ==, r->params.dose);
  g_assert_cmpfloat (model.pixel_size_nm, ==, r->params.pixel_size_nm);
  g_assert_cmpstr (model.material, ==, "mos2");
  s = al_score_atoms (r->atoms, r->atoms, r->params.material, &model, 0);
  g_assert_true (s->has_crlb);
  /* Mo (heavier) is located better than S2. */
  g_assert_cmpfloat (s->species_crlb_px[0], <, s->species_crlb_px[1]);
  g_assert_cmpfloat (s->crlb_px, >, 0);
  al_image_model_clear (&model);

  g_assert_true (g_file_set_contents (json, "{\"width\": 10}", -1, NULL));
  g_assert_false (al_image_model_load (&model, json, &error));
  g_assert_nonnull (error);
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/simulate/score/match-optimal", test_match_optimal);
  g_test_add_func ("/core/simulate/score/match-closest", test_match_closest);
  g_test_add_func ("/core/simulate/score/truth-against-itself", test_truth_against_itself);
  g_test_add_func ("/core/simulate/score/jittered", test_jittered);
  g_test_add_func ("/core/simulate/score/crlb-closed-form", test_crlb_closed_form);
  g_test_add_func ("/core/simulate/score/model-roundtrip", test_model_roundtrip);
  return g_test_run ();
}
