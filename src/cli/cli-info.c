/* cli-info.c: `atomlens-cli info IMAGE`: what AtomLens reads from a file. */
#include <stdio.h>
#include <stdlib.h>

#include "al-cli.h"
#include "io/al-frame-source.h"

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(const char **) a, *(const char **) b);
}

int
al_cli_info (int    argc,
             char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new ("IMAGE");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlFrameSource) source = NULL;
  const AlImage *image;
  g_autofree const char **keys = NULL;
  guint n_keys;

  g_option_context_set_summary (context, "Show what AtomLens reads from an image file.");
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 2)
    return al_cli_fail ("info needs exactly one IMAGE");

  /* Only the description is read: instant on a series of any size. */
  source = al_frame_source_open (argv[1], &error);
  if (source == NULL)
    return al_cli_fail ("%s", error->message);
  image = al_frame_source_get_info (source);

  printf ("file:        %s\n", argv[1]);
  printf ("format:      %s\n", image->format);
  printf ("size:        %u × %u pixels\n", image->width, image->height);
  printf ("frames:      %u\n", image->n_frames);
  printf ("sample type: %s\n", image->dtype);
  if (image->unit != NULL)
    printf ("pixel size:  %g × %g %s\n", image->scale_x, image->scale_y, image->unit);
  else
    printf ("pixel size:  uncalibrated\n");
  if (image->pixel_size > 0)
    printf ("             %.6g nm per pixel\n", image->pixel_size);

  keys = (const char **) g_hash_table_get_keys_as_array (image->metadata, &n_keys);
  qsort (keys, n_keys, sizeof *keys, compare_keys);
  for (guint i = 0; i < n_keys; i++)
    printf ("%s: %s\n", keys[i], (const char *) g_hash_table_lookup (image->metadata, keys[i]));
  return 0;
}
