/* al-preferences-window.h: the preferences window, every row a GSettings key. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define AL_TYPE_PREFERENCES_WINDOW (al_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (AlPreferencesWindow, al_preferences_window, AL, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget *al_preferences_window_new (GSettings *settings);

G_END_DECLS
