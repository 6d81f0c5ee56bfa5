/* al-test-sim.c: simulated test images (see al-test-sim.h). */
#include "al-test-sim.h"

AlSimResult *
al_test_simulate (const char *material,
                  guint       side,
                  guint       n_frames,
                  const char *defects,
                  const char *scan,
                  guint64     seed)
{
  g_autoptr (GError) error = NULL;
  AlSimParams p;
  AlSimResult *r;

  al_sim_params_init (&p, al_material_from_name (material));
  p.width = p.height = side;
  p.n_frames = n_frames;
  p.seed = seed;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, defects, &error));
  if (scan != NULL)
    g_assert_true (al_sim_scan_spec_parse (&p.scan, scan, &error));
  g_assert_no_error (error);
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return r;
}
