/* al-test-sim.h: the simulated images the tests analyse, made the same way
 * everywhere (the simulator's defaults but for what is named). */
#pragma once

#include "simulate/al-simulate.h"

G_BEGIN_DECLS

/* n_frames frames of side × side pixels of `material` (by name), with the
 * defects of DEFECTS (al_sim_defect_spec_parse) and the scan of SCAN
 * (al_sim_scan_spec_parse; NULL: none), from `seed`; fails the test on an
 * error. */
AlSimResult *al_test_simulate (const char *material,
                               guint       side,
                               guint       n_frames,
                               const char *defects,
                               const char *scan,
                               guint64     seed);

G_END_DECLS
