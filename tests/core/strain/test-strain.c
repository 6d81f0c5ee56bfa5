/* test-strain.c: lattice fit and per-atom strain on hand-built lattices. */
#include <math.h>

#include "al-test-lattice.h"
#include "graph/al-bonds.h"
#include "strain/al-honeycomb.h"
#include "strain/al-strain.h"

#define A_PX 20.0
/* MoS2's a = 0.316 nm at 20 px per lattice constant. */
#define PIXEL_NM (0.3160 / A_PX)

typedef struct
{
  AlAtoms         *atoms;
  AlBonds         *bonds;
  AlHoneycombLabels *labels;
  AlStrain        *strain;
} Run;

static void
run_analyse (Run                  *run,
             AlAtoms              *atoms,
             const AlStrainParams *params)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (GError) error = NULL;

  run->atoms = atoms;
  run->bonds = al_bonds_build (atoms, m, NULL, &error);
  g_assert_no_error (error);
  run->labels = al_honeycomb_labels_new (atoms, run->bonds, m);
  run->strain = al_strain_compute (atoms, run->bonds, run->labels, m, PIXEL_NM, params, &error);
  g_assert_no_error (error);
}

static void
run_clear (Run *run)
{
  al_strain_free (run->strain);
  al_honeycomb_labels_free (run->labels);
  al_bonds_free (run->bonds);
  al_atoms_free (run->atoms);
}

/* RMS error of the per-atom strain against a homogeneous truth, over atoms
 * at least one lattice constant away from the border. */
static double
strain_rmse (const Run *run,
             double     exx,
             double     eyy,
             double     exy,
             double     width,
             double     height)
{
  double sum = 0.0;
  guint n = 0;

  for (guint i = 0; i < run->atoms->n_atoms; i++)
    {
      if (run->atoms->x[i] < A_PX || run->atoms->x[i] > width - A_PX
          || run->atoms->y[i] < A_PX || run->atoms->y[i] > height - A_PX)
        continue;
      g_assert_false (isnan (run->strain->exx[i]));
      sum += pow (run->strain->exx[i] - exx, 2) + pow (run->strain->eyy[i] - eyy, 2)
             + pow (run->strain->exy[i] - exy, 2);
      n++;
    }
  g_assert_cmpuint (n, >, 100);
  return sqrt (sum / (3.0 * n));
}

static void
test_perfect_fit (void)
{
  Run run;

  run_analyse (&run, al_test_honeycomb (400, 400, A_PX, 0.2, 0, 1), NULL);
  g_assert_cmpfloat_with_epsilon (run.strain->a_px, A_PX, 1e-6);
  g_assert_cmpfloat_with_epsilon (run.strain->gamma_deg, 60.0, 1e-6);
  g_assert_cmpfloat (run.strain->fit_rms_px, <, 1e-6);
  g_assert_cmpint (run.strain->reference_used, ==, AL_STRAIN_REFERENCE_MATERIAL);
  g_assert_cmpfloat (strain_rmse (&run, 0, 0, 0, 400, 400), <, 1e-6);
  for (guint i = 0; i < run.atoms->n_atoms; i++)
    g_assert_cmpfloat (hypot (run.strain->ux[i], run.strain->uy[i]), <, 1e-6);
  /* Metals (species 0) are on sublattice 0. */
  for (guint i = 0; i < run.atoms->n_atoms; i++)
    if (run.labels->sub[i] >= 0)
      g_assert_cmpint (run.labels->sub[i], ==, run.atoms->species[i]);
  run_clear (&run);
}

/* A rigid rotation is no strain; the rotation is measured. */
static void
test_rotation_is_not_strain (void)
{
  double th = 7.0 * G_PI / 180.0;
  double f[4] = { cos (th), -sin (th), sin (th), cos (th) };
  AlAtoms *atoms = al_test_honeycomb (500, 500, A_PX, 0.0, 0, 1);
  double rx[4] = { 0, 500, 500, 0 }, ry[4] = { 0, 0, 90, 90 };
  AlStrainParams params = { AL_STRAIN_REFERENCE_FIT, { 4, rx, ry }, 0 };
  Run run;

  /* Turn a disc in the middle only, cut free by a ring of vacuum: the
   * reference comes from the rest. */
  for (guint i = atoms->n_atoms; i-- > 0;)
    {
      double r = hypot (atoms->x[i] - 250, atoms->y[i] - 250);
      if (r >= 130 && r < 150)
        al_atoms_remove (atoms, i);
    }
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (hypot (atoms->x[i] - 250, atoms->y[i] - 250) < 130)
      {
        double x = atoms->x[i] - 250, y = atoms->y[i] - 250;
        atoms->x[i] = 250 + f[0] * x + f[1] * y;
        atoms->y[i] = 250 + f[2] * x + f[3] * y;
      }
  run_analyse (&run, atoms, &params);
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (hypot (atoms->x[i] - 250, atoms->y[i] - 250) < 70)
      {
        g_assert_cmpfloat (fabs (run.strain->exx[i]), <, 1e-6);
        g_assert_cmpfloat (fabs (run.strain->eyy[i]), <, 1e-6);
        g_assert_cmpfloat (fabs (run.strain->exy[i]), <, 1e-6);
        g_assert_cmpfloat_with_epsilon (run.strain->rotation[i], 7.0, 1e-4);
      }
  run_clear (&run);
}

/* A homogeneous strain of 2 % / −1 % / 0.5 % on a lattice with 3 pm of
 * position noise is recovered per atom to better than 0.3 %, and the
 * lattice constant to better than 0.2 %. */
static void
test_homogeneous_strain (void)
{
  double exx = 0.02, eyy = -0.01, exy = 0.005;
  double f[4] = { 1 + exx, exy, exy, 1 + eyy };
  AlAtoms *atoms = al_test_honeycomb (600, 600, A_PX, 0.4, 0, 1);
  double mean[4], sd[4], rmse, a_true;
  Run run;

  al_test_deform (atoms, f, 300, 300);
  al_test_jitter (atoms, 0.003 / PIXEL_NM, 11);
  run_analyse (&run, atoms, NULL);
  rmse = strain_rmse (&run, exx, eyy, exy, 600, 600);
  g_test_message ("per-atom strain RMSE %.4f %%", 100 * rmse);
  g_assert_cmpfloat (rmse, <, 0.003);
  al_strain_stats (run.strain, mean, sd);
  g_assert_cmpfloat_with_epsilon (mean[0], exx, 2e-4);
  g_assert_cmpfloat_with_epsilon (mean[1], eyy, 2e-4);
  g_assert_cmpfloat_with_epsilon (mean[2], exy, 2e-4);
  /* Mean of the strained |a1| and |a2|. */
  {
    double a1x = f[0] * cos (0.4) + f[1] * sin (0.4), a1y = f[2] * cos (0.4) + f[3] * sin (0.4);
    double b = 0.4 + G_PI / 3;
    double a2x = f[0] * cos (b) + f[1] * sin (b), a2y = f[2] * cos (b) + f[3] * sin (b);
    a_true = A_PX * 0.5 * (hypot (a1x, a1y) + hypot (a2x, a2y));
  }
  g_assert_cmpfloat (fabs (run.strain->a_px - a_true) / a_true, <, 0.002);
  run_clear (&run);
}

/* Strain measured against a region: the region is unstrained, the rest is
 * stretched by 3 % along x. */
static void
test_region_reference (void)
{
  AlAtoms *atoms = al_test_honeycomb (600, 300, A_PX, 0.0, 0, 1);
  double rx[4] = { 0, 200, 200, 0 }, ry[4] = { 0, 0, 300, 300 };
  AlStrainParams params = { AL_STRAIN_REFERENCE_FIT, { 4, rx, ry }, 0 };
  Run run;

  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->x[i] > 280)
      atoms->x[i] = 280 + 1.03 * (atoms->x[i] - 280);
  run_analyse (&run, atoms, &params);
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      if (atoms->x[i] > 340 && atoms->x[i] < 560 && atoms->y[i] > 30 && atoms->y[i] < 270)
        g_assert_cmpfloat_with_epsilon (run.strain->exx[i], 0.03, 1e-6);
      if (atoms->x[i] > 30 && atoms->x[i] < 220 && atoms->y[i] > 30 && atoms->y[i] < 270)
        g_assert_cmpfloat_with_epsilon (run.strain->exx[i], 0.0, 1e-6);
    }
  run_clear (&run);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/strain/perfect-fit", test_perfect_fit);
  g_test_add_func ("/core/strain/rotation-is-not-strain", test_rotation_is_not_strain);
  g_test_add_func ("/core/strain/homogeneous", test_homogeneous_strain);
  g_test_add_func ("/core/strain/region-reference", test_region_reference);
  return g_test_run ();
}
