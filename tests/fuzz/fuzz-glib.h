/* fuzz-glib.h: makes a GLib critical or warning (e.g. a g_return_if_fail
 * in json-glib hit through our code) a crash libFuzzer records: GLib's own
 * fatal path raises SIGTRAP, which libFuzzer does not catch, so the input
 * would be lost. */
#pragma once

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>

static void
al_fuzz_log_handler (const char    *domain,
                     GLogLevelFlags level,
                     const char    *message,
                     gpointer       user_data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      fprintf (stderr, "%s: %s\n", domain != NULL ? domain : "(no domain)", message);
      abort ();
    }
}

static inline void
al_fuzz_glib_init (void)
{
  g_log_set_default_handler (al_fuzz_log_handler, NULL);
}
