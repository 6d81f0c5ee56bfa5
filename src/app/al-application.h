/* al-application.h: AlApplication, the AdwApplication of AtomLens: app-wide
 * actions (quit, about, preferences, new-window), accelerators, settings,
 * and files given on the command line. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AL_TYPE_APPLICATION (al_application_get_type ())
G_DECLARE_FINAL_TYPE (AlApplication, al_application, AL, APPLICATION, AdwApplication)

AlApplication *al_application_new          (void);
/* The application's settings (io.github.atomlens.AtomLens). */
GSettings     *al_application_get_settings (AlApplication *self);

G_END_DECLS
