/* al-defects-csv.c: defects.csv (id,frame,type,x_px,y_px,n_atoms,atoms). */
#include "export/al-structure-csv.h"

char *
al_defects_csv_format (const AlStructureFrame *frames,
                       guint                   n_frames)
{
  GString *out = g_string_new ("id,frame,type,x_px,y_px,n_atoms,atoms\n");
  guint base = 0, id = 0;
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint f = 0; f < n_frames; f++)
    {
      const AlDefects *defects = frames[f].defects;
      for (guint k = 0; defects != NULL && k < al_defects_len (defects); k++)
        {
          const AlDefect *d = al_defects_get (defects, k);
          const guint32 *m = al_defect_members (defects, d);
          g_string_append_printf (out, "%u,%u,%s,%s,%s,%u,", id++, f, al_defect_type_name (d->type),
                                  g_ascii_formatd (bx, sizeof bx, "%.3f", d->x),
                                  g_ascii_formatd (by, sizeof by, "%.3f", d->y), d->n_members);
          for (guint j = 0; j < d->n_members; j++)
            g_string_append_printf (out, "%s%u", j ? " " : "", base + m[j]);
          g_string_append_c (out, '\n');
        }
      base += frames[f].atoms ? frames[f].atoms->n_atoms : 0;
    }
  return g_string_free (out, FALSE);
}
