/* al-atoms-csv.c: atoms.csv writer and reader. */
#include "al-atoms-csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/al-io.h"

/* Largest frame index accepted from a file, so a hostile row cannot make us
 * allocate millions of empty frames. */
#define AL_ATOMS_CSV_MAX_FRAMES 100000

static const char *const columns[] = {
  "id", "frame", "x_px", "y_px", "x_nm", "y_nm", "species", "confidence",
  "intensity", "coordination", "defect_id",
};

enum { COL_ID, COL_FRAME, COL_X, COL_Y, COL_XNM, COL_YNM, COL_SPECIES, COL_CONFIDENCE,
       COL_INTENSITY, COL_COORDINATION, COL_DEFECT_ID, COL_TRUE_TYPE, N_COLS };

char *
al_atoms_csv_format (AlAtoms *const   *frames,
                     guint             n_frames,
                     const AlMaterial *material,
                     double            pixel_size_nm,
                     AlAtomsCsvFlags   flags)
{
  GString *out = g_string_new (NULL);
  gboolean truth = (flags & AL_ATOMS_CSV_TRUE_DEFECT_TYPE) != 0;
  guint id = 0;
  char buf[7][G_ASCII_DTOSTR_BUF_SIZE];

  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    g_string_append_printf (out, "%s%s", c ? "," : "", columns[c]);
  g_string_append (out, truth ? ",true_defect_type\n" : "\n");

  for (guint f = 0; f < n_frames; f++)
    {
      const AlAtoms *a = frames[f];
      for (guint i = 0; a != NULL && i < a->n_atoms; i++)
        {
          int s = a->species[i];
          const char *species = (material != NULL && s >= 0 && (guint) s < material->n_species)
                                  ? material->species[s].name : "unknown";
          /* g_ascii_formatd: a dot as decimal separator whatever the locale. */
          g_string_append_printf (out, "%u,%u,%s,%s,%s,%s,%s,%s,%s,%u,%d",
                                  id++, f,
                                  g_ascii_formatd (buf[0], sizeof buf[0], "%.4f", a->x[i]),
                                  g_ascii_formatd (buf[1], sizeof buf[1], "%.4f", a->y[i]),
                                  g_ascii_formatd (buf[2], sizeof buf[2], "%.5f", a->x[i] * pixel_size_nm),
                                  g_ascii_formatd (buf[3], sizeof buf[3], "%.5f", a->y[i] * pixel_size_nm),
                                  species,
                                  g_ascii_formatd (buf[4], sizeof buf[4], "%.4f", a->confidence[i]),
                                  g_ascii_formatd (buf[5], sizeof buf[5], "%.6g", a->intensity[i]),
                                  a->coordination[i], a->defect_id[i]);
          if (truth)
            g_string_append_printf (out, ",%s", al_defect_type_name (a->defect_type[i]));
          g_string_append_c (out, '\n');
        }
    }
  return g_string_free (out, FALSE);
}

gboolean
al_atoms_csv_write (const char       *path,
                    AlAtoms *const   *frames,
                    guint             n_frames,
                    const AlMaterial *material,
                    double            pixel_size_nm,
                    AlAtomsCsvFlags   flags,
                    GError          **error)
{
  g_autofree char *text = al_atoms_csv_format (frames, n_frames, material, pixel_size_nm, flags);
  GError *local = NULL;

  /* g_file_set_contents writes a temporary file and renames it over `path`. */
  if (!g_file_set_contents (path, text, -1, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_double (const char *s,
              double     *out)
{
  char *end;

  errno = 0;
  *out = g_ascii_strtod (s, &end);
  return end != s && *end == '\0' && errno == 0;
}

static gboolean
parse_long (const char *s,
            long        lo,
            long        hi,
            long       *out)
{
  char *end;

  errno = 0;
  *out = strtol (s, &end, 10);
  return end != s && *end == '\0' && errno == 0 && *out >= lo && *out <= hi;
}

static gboolean
map_header (char  **names,
            int    *col,
            GError **error)
{
  static const char *const wanted[N_COLS] = {
    "id", "frame", "x_px", "y_px", "x_nm", "y_nm", "species", "confidence", "intensity",
    "coordination", "defect_id", "true_defect_type",
  };

  for (int c = 0; c < N_COLS; c++)
    col[c] = -1;
  for (int i = 0; names[i] != NULL; i++)
    for (int c = 0; c < N_COLS; c++)
      if (strcmp (g_strstrip (names[i]), wanted[c]) == 0)
        col[c] = i;
  if (col[COL_X] < 0 || col[COL_Y] < 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "The atoms table has no x_px and y_px columns");
      return FALSE;
    }
  return TRUE;
}

static AlAtoms *
frame_atoms (GPtrArray *frames,
             guint      frame)
{
  while (frames->len <= frame)
    g_ptr_array_add (frames, al_atoms_new (0));
  return g_ptr_array_index (frames, frame);
}

static gboolean
parse_row (char            **cells,
           guint             n_cells,
           const int        *col,
           const AlMaterial *material,
           GPtrArray        *frames,
           GError          **error)
{
  double x, y, value;
  long frame = 0, number;
  AlAtoms *atoms;
  guint i;

#define CELL(c) ((col[c] >= 0 && (guint) col[c] < n_cells) ? cells[col[c]] : NULL)
  if (CELL (COL_X) == NULL || CELL (COL_Y) == NULL
      || !parse_double (CELL (COL_X), &x) || !parse_double (CELL (COL_Y), &y))
    {
      g_set_error_literal (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "a position is not a number");
      return FALSE;
    }
  if (CELL (COL_FRAME) && !parse_long (CELL (COL_FRAME), 0, AL_ATOMS_CSV_MAX_FRAMES, &frame))
    {
      g_set_error_literal (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "the frame is not a valid index");
      return FALSE;
    }
  atoms = frame_atoms (frames, (guint) frame);
  i = al_atoms_append (atoms, x, y, CELL (COL_SPECIES) && material
                                      ? al_material_species_index (material, CELL (COL_SPECIES))
                                      : -1);
  if (CELL (COL_CONFIDENCE) && parse_double (CELL (COL_CONFIDENCE), &value))
    atoms->confidence[i] = value;
  if (CELL (COL_INTENSITY) && parse_double (CELL (COL_INTENSITY), &value))
    atoms->intensity[i] = value;
  if (CELL (COL_COORDINATION) && parse_long (CELL (COL_COORDINATION), 0, 255, &number))
    atoms->coordination[i] = number;
  if (CELL (COL_DEFECT_ID) && parse_long (CELL (COL_DEFECT_ID), -1, G_MAXINT32, &number))
    atoms->defect_id[i] = number;
  if (CELL (COL_TRUE_TYPE))
    atoms->defect_type[i] = al_defect_type_from_name (CELL (COL_TRUE_TYPE));
#undef CELL
  return TRUE;
}

GPtrArray *
al_atoms_csv_parse (const char       *text,
                    const AlMaterial *material,
                    GError          **error)
{
  g_autoptr (GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) al_atoms_free);
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) header = NULL;
  int col[N_COLS];

  g_return_val_if_fail (text != NULL, NULL);
  lines = g_strsplit (text, "\n", -1);
  if (lines[0] == NULL || *g_strstrip (lines[0]) == '\0')
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "The atoms table is empty");
      return NULL;
    }
  header = g_strsplit (lines[0], ",", -1);
  if (!map_header (header, col, error))
    return NULL;

  for (guint l = 1; lines[l] != NULL; l++)
    {
      g_auto (GStrv) cells = NULL;
      GError *local = NULL;

      if (*g_strstrip (lines[l]) == '\0')
        continue;
      cells = g_strsplit (lines[l], ",", -1);
      if (!parse_row (cells, g_strv_length (cells), col, material, frames, &local))
        {
          g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "Line %u of the atoms table: %s",
                       l + 1, local->message);
          g_error_free (local);
          return NULL;
        }
    }
  return g_steal_pointer (&frames);
}

GPtrArray *
al_atoms_csv_read (const char       *path,
                   const AlMaterial *material,
                   GError          **error)
{
  g_autofree char *text = NULL;
  GError *local = NULL;
  GPtrArray *frames;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_FOUND, "%s", local->message);
      g_error_free (local);
      return NULL;
    }
  frames = al_atoms_csv_parse (text, material, &local);
  if (frames == NULL)
    {
      g_autofree char *name = g_path_get_basename (path);
      g_set_error (error, AL_IO_ERROR, local->code, "%s: %s", name, local->message);
      g_error_free (local);
    }
  return frames;
}
