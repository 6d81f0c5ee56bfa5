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
  /* ATOMLENS_LOCALEDIR: translations from another folder (an uninstalled
   * build's po/, the locale test). */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ATOMLENS_LOCALEDIR") != NULL
                                     ? g_getenv ("ATOMLENS_LOCALEDIR") : AL_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name ("AtomLens");

  app = al_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
