/* main.c: the `atomlens` executable: translations, then the application. */
#include <glib/gi18n.h>
#include <locale.h>

#include "al-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr (AlApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, AL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name ("AtomLens");

  app = al_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
