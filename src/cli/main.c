/* main.c: atomlens-cli, the headless front door to the core (DESIGN.md §6). */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "al-cli.h"

/* One line per subcommand; each lives in cli-NAME.c. */
extern int al_cli_info (int argc, char **argv);
extern int al_cli_simulate (int argc, char **argv);
extern int al_cli_analyze (int argc, char **argv);
extern int al_cli_batch (int argc, char **argv);
extern int al_cli_score (int argc, char **argv);
extern int al_cli_infer (int argc, char **argv);
extern int al_cli_bench (int argc, char **argv);

static const AlCliCommand commands[] = {
  { "info", "Show an image's size, frames, sample type, calibration and metadata", al_cli_info },
  { "simulate", "Simulate an image of a 2D material with exact ground truth", al_cli_simulate },
  { "analyze", "Find the atoms of an image: atoms.csv, summary.json, figure", al_cli_analyze },
  { "batch", "Analyse many files: each one's tables and one summary.csv", al_cli_batch },
  { "score", "Score found atoms, defects and strain against a simulated truth", al_cli_score },
  { "infer", "Run an ONNX network on an image; save its raw output as TIFF pages", al_cli_infer },
  { "bench", "Speed figures (bench nn, …; all of them without a name)", al_cli_bench },
};

int
al_cli_fail (const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "atomlens-cli: %s\n", message);
  return 1;
}

gboolean
al_cli_parse (GOptionContext *context,
              int            *argc,
              char         ***argv)
{
  g_autoptr (GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      al_cli_fail ("%s", error->message);
      return FALSE;
    }
  return TRUE;
}

static void
usage (FILE *out)
{
  fprintf (out, "Usage: atomlens-cli COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nRun “atomlens-cli COMMAND --help” for a command's options.\n");
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (argc < 2)
    {
      usage (stderr);
      return 1;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("atomlens-cli %s\n", AL_VERSION);
      return 0;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  return al_cli_fail ("unknown command “%s” (try “atomlens-cli --help”)", argv[1]);
}
