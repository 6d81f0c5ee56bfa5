/* fuzz-tables.c: libFuzzer target for the tables AtomLens reads back:
 * atoms.csv (al_atoms_csv_parse, for every material), defects.csv and
 * strain.csv (al_score_read_defects / _strain) and the image model
 * TRUTH.json (al_image_model_load), as `atomlens-cli score` reads them.
 * The first byte picks the reader (and material), the rest is the file.
 * Any input must give a table or an AL_IO_ERROR: never a crash, hang, leak
 * or GLib critical.
 *
 * Seeds (corpus/fuzz-tables): the first 30 lines of the tables that
 * `atomlens-cli simulate --material mos2 --size 96 --truth` and `analyze`
 * write, behind the byte that picks their reader; crash-* are the inputs
 * the fuzzer found, kept as regression tests. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "export/al-atoms-csv.h"
#include "io/al-io.h"
#include "simulate/al-crlb.h"
#include "simulate/al-score.h"

#include "fuzz-glib.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

enum { TABLE_ATOMS, TABLE_DEFECTS, TABLE_STRAIN, TABLE_MODEL, N_TABLES };

/* The file-based readers read this one file, rewritten for each input. */
static char *scratch_path;

static void
remove_scratch (void)
{
  g_unlink (scratch_path);
}

static const char *
scratch_file (const guint8 *data,
              size_t        size)
{
  if (scratch_path == NULL)
    {
      int fd = g_file_open_tmp ("fuzz-tables-XXXXXX", &scratch_path, NULL);
      g_assert (fd >= 0);
      close (fd);
      atexit (remove_scratch);
    }
  g_assert (g_file_set_contents (scratch_path, (const char *) data, size, NULL));
  return scratch_path;
}

static void
check_error (gboolean ok,
             GError  *error)
{
  g_assert (ok == (error == NULL));
  g_assert (error == NULL || error->domain == AL_IO_ERROR);
}

static void
read_atoms (const guint8 *data,
            size_t        size,
            guint         material)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) frames = NULL;

  /* One more than the materials: no material (species left unknown). */
  material %= AL_N_MATERIALS + 1;
  frames = al_atoms_csv_parse (text, material < AL_N_MATERIALS ? al_material_get (material) : NULL,
                               &error);
  check_error (frames != NULL, error);
  for (guint f = 0; frames != NULL && f < frames->len; f++)
    {
      const AlAtoms *atoms = g_ptr_array_index (frames, f);
      for (guint i = 0; i < atoms->n_atoms; i++)
        g_assert (atoms->species[i] >= -1 && atoms->species[i] < AL_MAX_SPECIES);
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;

  al_fuzz_glib_init ();
  if (size < 1)
    return 0;
  switch (data[0] % N_TABLES)
    {
    case TABLE_ATOMS:
      read_atoms (data + 1, size - 1, data[0] / N_TABLES);
      break;
    case TABLE_DEFECTS:
      {
        g_autoptr (GArray) defects = al_score_read_defects (scratch_file (data + 1, size - 1), &error);
        check_error (defects != NULL, error);
        break;
      }
    case TABLE_STRAIN:
      {
        g_autoptr (GHashTable) strain = al_score_read_strain (scratch_file (data + 1, size - 1), &error);
        check_error (strain != NULL, error);
        break;
      }
    case TABLE_MODEL:
      {
        AlImageModel model;
        gboolean ok = al_image_model_load (&model, scratch_file (data + 1, size - 1), &error);
        check_error (ok, error);
        if (ok)
          al_image_model_clear (&model);
        break;
      }
    default:
      g_assert_not_reached ();
    }
  return 0;
}
