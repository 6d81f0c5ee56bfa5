/* al-bonds-csv.c: bonds.csv (frame,a,b,length_nm). */
#include "export/al-structure-csv.h"

#include <errno.h>

#include "io/al-io.h"

char *
al_bonds_csv_format (const AlStructureFrame *frames,
                     guint                   n_frames)
{
  GString *out = g_string_new ("frame,a,b,length_nm\n");
  guint base = 0;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint f = 0; f < n_frames; f++)
    {
      const AlBonds *b = frames[f].bonds;
      for (guint k = 0; b != NULL && k < b->n_bonds; k++)
        g_string_append_printf (out, "%u,%u,%u,%s\n", f, base + b->a[k], base + b->b[k],
                                g_ascii_formatd (buf, sizeof buf, "%.5f",
                                                 b->length[k] * frames[f].pixel_size_nm));
      base += frames[f].atoms ? frames[f].atoms->n_atoms : 0;
    }
  return g_string_free (out, FALSE);
}

static gboolean
write_table (const char *dir,
             const char *name,
             char       *text,
             GError    **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *owned = text;
  g_autoptr (GError) local = NULL;

  /* g_file_set_contents writes a temporary file and renames it over `path`. */
  if (!g_file_set_contents (path, owned, -1, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot write “%s”: %s", path, local->message);
      return FALSE;
    }
  return TRUE;
}

/* Writes bonds.csv, defects.csv and strain.csv into `dir` (which must exist). */
gboolean
al_structure_csv_write (const char             *dir,
                        const AlStructureFrame *frames,
                        guint                   n_frames,
                        GError                **error)
{
  return write_table (dir, "bonds.csv", al_bonds_csv_format (frames, n_frames), error)
         && write_table (dir, "defects.csv", al_defects_csv_format (frames, n_frames), error)
         && write_table (dir, "strain.csv", al_strain_csv_format (frames, n_frames), error);
}
