/* al-cli.h: what the subcommands of atomlens-cli share. Each subcommand is
 * one file (cli-NAME.c) with one entry function; main.c dispatches. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *summary;
  /* argv[0] is the subcommand's name. Returns the exit status. */
  int (*run) (int argc, char **argv);
} AlCliCommand;

/* Prints "atomlens-cli: MESSAGE" on stderr; returns 1 for `return al_cli_fail (...)`. */
int al_cli_fail (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Parses `context` over argv; on error prints it and returns FALSE. */
gboolean al_cli_parse (GOptionContext *context,
                       int            *argc,
                       char         ***argv);

G_END_DECLS
