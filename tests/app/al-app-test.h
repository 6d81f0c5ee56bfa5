/* al-app-test.h: what the GUI tests share: waiting on the main loop for a
 * condition, and the one registered application a test process needs. */
#pragma once

#include "al-window.h"

G_BEGIN_DECLS

/* How long a test waits for a load, an analysis or a redraw before failing.
 * Generous: CI machines may be slow or busy, and a hang still fails. */
#define AL_APP_TEST_TIMEOUT_US (180 * G_USEC_PER_SEC)

void           al_app_test_wait_until (gboolean (*done) (gpointer),
                                       gpointer  data);
void           al_app_test_wait_while (gboolean (*busy) (AlWindow *),
                                       AlWindow *window);
AlApplication *al_app_test_register   (GApplicationFlags extra_flags);
/* Simulates a one-frame side × side image of `material` (fixed seed, lattice
 * turned by rotation_deg, optional --defects SPEC) into DIR/NAME.tif. */
char          *al_app_test_simulate   (const char       *dir,
                                       AlMaterialId      material,
                                       guint             side,
                                       guint64           seed,
                                       double            rotation_deg,
                                       const char       *defects);
GtkWidget     *al_app_test_find_widget (GtkWidget        *widget,
                                        GType             type);
/* A 1000 × 700 window of `app` with PATH open and analysed as `material`
 * (chosen in the material drop-down); fails the test on any error. */
AlWindow      *al_app_test_open_analyzed (AlApplication    *app,
                                          const char       *path,
                                          AlMaterialId      material);

G_END_DECLS
