/* test-material-guess.c: --material auto on simulated TMD images at
 * 10⁴ e⁻/Å²: in WS2 only the W columns are found without a material (the
 * S2 columns are a seventh as bright), and the guess must still say WS2;
 * MoS2 stays MoS2. */
#include "detect/al-detect.h"
#include "detect/al-material-guess.h"
#include "simulate/al-simulate.h"

static const AlMaterial *
guess (AlMaterialId id,
       guint        seed)
{
  const AlMaterial *material = al_material_get (id);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  g_autoptr (AlAtoms) atoms = NULL;
  AlSimParams sp;
  AlDetectParams dp;
  AlDetectInfo info;

  al_sim_params_init (&sp, material);
  sp.width = sp.height = 384;
  sp.seed = seed;
  sp.dose = 1e4;
  g_assert_true (al_sim_defect_spec_parse (&sp.defects, material, "V_S=0.02,V_S2=0.005,W_Mo=0.01",
                                           &error));
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  g_assert_no_error (error);
  al_detect_params_init (&dp);
  dp.pixel_size_nm = sim->image->pixel_size;
  dp.n_threads = 2;
  atoms = al_detect_run (al_image_frame (sim->image, 0), sim->image->width, sim->image->height,
                         &dp, &info, NULL, NULL, &error);
  g_assert_no_error (error);
  return al_material_guess (atoms, &info.lattice, sim->image->pixel_size, sim->image->width,
                            sim->image->height);
}

static void
test_ws2_low_dose (void)
{
  g_assert_true (guess (AL_MATERIAL_WS2, 7) == al_material_get (AL_MATERIAL_WS2));
  g_assert_true (guess (AL_MATERIAL_WS2, 8) == al_material_get (AL_MATERIAL_WS2));
}

static void
test_mos2_low_dose (void)
{
  g_assert_true (guess (AL_MATERIAL_MOS2, 7) == al_material_get (AL_MATERIAL_MOS2));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/material-guess/ws2-1e4", test_ws2_low_dose);
  g_test_add_func ("/core/detect/material-guess/mos2-1e4", test_mos2_low_dose);
  return g_test_run ();
}
