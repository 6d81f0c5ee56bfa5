/* edit-fixture.h: what the editing tests share (test-edit*.c): a window
 * with a simulated MoS2 image analysed, the edit tools and actions driven
 * as the user would, and saving it. */
#pragma once

#include "al-window.h"

#define SIM_SIDE 256

/* The process's one application (fx_init). */
extern AlApplication *fx_app;

typedef struct
{
  AlWindow *window;
  char     *dir;
  char     *path;
} Fixture;

/* A save in flight (fx_save_start .. fx_save_wait). */
typedef struct
{
  gboolean done;
  gboolean ok;
  GError  *error;
} SaveWait;

/* A test program's start (GTK, the application) and its run. */
void           fx_init        (int           *argc,
                               char        ***argv);
int            fx_run         (void);
/* data: the image side (GUINT_TO_POINTER), or NULL for SIM_SIDE. */
void           fx_setup       (Fixture       *fx,
                               gconstpointer  data);
void           fx_teardown    (Fixture       *fx,
                               gconstpointer  data);
/* The atoms once the window is idle. */
const AlAtoms *fx_shown_atoms (Fixture       *fx);
/* "All atoms" in the classification panel, once the window is idle. */
gint64         fx_panel_atoms (Fixture       *fx);
/* Activates a window action, which must be enabled. */
void           fx_act         (Fixture       *fx,
                               const char    *name);
void           fx_set_tool    (Fixture       *fx,
                               const char    *tool);
/* A click on the canvas at image pixel (x, y). */
void           fx_click       (Fixture       *fx,
                               double         x,
                               double         y);
gboolean       fx_enabled     (Fixture       *fx,
                               const char    *name);
/* An atom well inside a SIM_SIDE image, away from the edges. */
guint          fx_inner_atom  (const AlAtoms *atoms);
/* Starts a save; fx_save_wait finishes it. */
void           fx_save_start  (Fixture       *fx,
                               GFile         *file,
                               SaveWait      *w);
gboolean       fx_save_wait   (SaveWait      *w,
                               GError       **error);
