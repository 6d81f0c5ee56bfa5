/* al-strain-csv.c: strain.csv (id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm). */
#include "export/al-structure-csv.h"

#include <math.h>

static void
append_value (GString *out,
              double   value,
              const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (out, ',');
  if (!isnan (value))
    g_string_append (out, g_ascii_formatd (buf, sizeof buf, format, value));
}

char *
al_strain_csv_format (const AlStructureFrame *frames,
                      guint                   n_frames)
{
  GString *out = g_string_new ("id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm\n");
  guint base = 0;

  for (guint f = 0; f < n_frames; f++)
    {
      const AlStrain *s = frames[f].strain;
      double px = frames[f].pixel_size_nm;
      guint n = frames[f].atoms ? frames[f].atoms->n_atoms : 0;
      for (guint i = 0; s != NULL && i < s->n_atoms; i++)
        {
          g_string_append_printf (out, "%u,%u", base + i, f);
          append_value (out, s->exx[i], "%.6f");
          append_value (out, s->eyy[i], "%.6f");
          append_value (out, s->exy[i], "%.6f");
          append_value (out, s->rotation[i], "%.4f");
          append_value (out, s->ux[i] * px, "%.6f");
          append_value (out, s->uy[i] * px, "%.6f");
          g_string_append_c (out, '\n');
        }
      base += n;
    }
  return g_string_free (out, FALSE);
}
