/* test-manifest-tiff.c: the TIFF and MRC files of
 * ../shared/data/formats/MANIFEST.tsv (from the rosettasciio and openNCEM
 * test suites) read with the shape, sample type and pixel values the
 * MANIFEST lists, and the calibration those projects assert.
 *
 * The MANIFEST's calibration column is prose for these rows, so the
 * expected calibration of each file is written out below from it; every
 * TIFF or MRC row must have an entry here, so a new row cannot go
 * unchecked.
 */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "io/al-io.h"

#define MANIFEST "data/formats/MANIFEST.tsv"
#define PIXEL_RTOL 1e-6
#define SUM_RTOL 1e-6

enum { COL_FILE, COL_FORMAT, COL_SOURCE, COL_SHAPE, COL_DTYPE, COL_SCALE, COL_VALUES, N_COLS };

typedef struct
{
  const char *file;
  double      scale_x;      /* in `unit`; 0: uncalibrated */
  double      scale_y;
  double      tolerance;    /* absolute, as the peer test asserts it */
  const char *unit;
  double      frame_scale;  /* 0: none */
  const char *frame_unit;
  const char *key;          /* a metadata entry the file must give, or NULL */
  const char *value;
} Expected;

static const Expected expected[] = {
  /* test_tiff.py::test_read_unit_from_dm: 0.16867 µm, atol 1e-5 */
  { "rosettasciio/tiff/test_loading_image_saved_with_DM.tif", 0.16867, 0.16867, 1e-5, "µm" },
  /* test_read_unit_from_DM_stack: HyperSpy's axes_manager lists the frame
   * axis, then x, then y: x 0.16867 µm, y 1.68674 µm, frames 2.5 s (DM
   * tags 65009..65011). */
  { "rosettasciio/tiff/test_loading_image_saved_with_DM_stack.tif", 0.16867, 1.68674, 1e-5, "µm",
    2.5, "s" },
  { "rosettasciio/tiff/test_loading_image_saved_with_imageJ.tif", 0.16867, 0.16867, 1e-5, "µm" },
  { "rosettasciio/tiff/test_loading_image_saved_with_imageJ_no_scale.tif", 0, 0, 0, NULL },
  /* ImageJ's spacing is the z step in the image's unit; HyperSpy leaves
   * that axis without a unit, AtomLens keeps ImageJ's meaning. */
  { "rosettasciio/tiff/test_loading_image_saved_with_imageJ_stack.tif", 0.16867, 0.16867, 1e-5,
    "µm", 2.5, "µm" },
  /* test_read_FEI_SEM_scale_metadata_8bits: 3.3724 µm, rtol 1e-5 */
  { "rosettasciio/tiff/FEI-Helios-Ebeam-8bits.tif", 3.3724, 3.3724, 3.3724e-5, "µm", 0, NULL,
    "Voltage (kV)", "5" },
  /* MRC header: cell 256 Å over 128 pixels, so 2 Å */
  { "openNCEM/temp.mrc", 2.0, 2.0, 1e-9, "Å", 0, NULL },
};

static const Expected *
find_expected (const char *file)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (strcmp (expected[i].file, file) == 0)
      return &expected[i];
  return NULL;
}

static gboolean
is_mine (const char *format)
{
  return g_str_has_prefix (format, "TIFF") || g_str_has_prefix (format, "MRC");
}

/* "(2, 68, 68)" → 2 frames of 68 rows of 68 columns. */
static void
check_shape (const AlImage *image,
             const char    *text)
{
  guint64 v[3];
  guint n = 0;

  for (const char *p = text; *p != '\0' && n < 3;)
    {
      char *end;
      if (g_ascii_isdigit (*p))
        {
          v[n++] = g_ascii_strtoull (p, &end, 10);
          p = end;
        }
      else
        p++;
    }
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (image->n_frames, ==, n == 3 ? v[0] : 1);
  g_assert_cmpuint (image->height, ==, v[n - 2]);
  g_assert_cmpuint (image->width, ==, v[n - 1]);
}

/* "[0, 0]=3465; [1, 34, 34]=3481; sum=30845660" */
static void
check_values (const AlImage *image,
              const char    *text)
{
  g_auto (GStrv) items = g_strsplit (text, ";", -1);
  guint n_checked = 0;

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      const char *eq = strchr (item, '=');
      double want;

      if (eq == NULL)
        continue;
      want = g_ascii_strtod (eq + 1, NULL);
      if (g_str_has_prefix (item, "sum="))
        {
          double sum = 0;
          gsize n = al_image_frame_samples (image) * image->n_frames;
          for (gsize k = 0; k < n; k++)
            sum += image->pixels[k];
          g_assert_cmpfloat_with_epsilon (sum, want, fabs (want) * SUM_RTOL + 1e-9);
        }
      else if (item[0] == '[')
        {
          guint64 idx[3] = { 0 };
          guint n = 0;
          gsize offset;
          for (char *p = item + 1; n < 3 && *p != ']';)
            {
              char *end;
              idx[n++] = g_ascii_strtoull (p, &end, 10);
              p = end;
              while (*p == ',' || *p == ' ')
                p++;
            }
          offset = n == 3 ? (idx[0] * image->height + idx[1]) * image->width + idx[2]
                          : idx[0] * image->width + idx[1];
          g_assert_cmpuint (offset, <, al_image_frame_samples (image) * image->n_frames);
          g_assert_cmpfloat_with_epsilon (image->pixels[offset], want, fabs (want) * PIXEL_RTOL + 1e-6);
        }
      else
        continue;
      n_checked++;
    }
  g_assert_cmpuint (n_checked, >, 0);
}

static void
check_calibration (const AlImage  *image,
                   const Expected *e)
{
  if (e->unit == NULL)
    {
      g_assert_null (image->unit);
      g_assert_cmpfloat (image->pixel_size, ==, 0.0);
      return;
    }
  /* Compared in the expected unit, whatever unit the reader keeps. */
  g_assert_nonnull (image->unit);
  g_assert_cmpfloat (al_unit_to_nm (image->unit), >, 0);
  {
    double factor = al_unit_to_nm (image->unit) / al_unit_to_nm (e->unit);
    g_assert_cmpfloat_with_epsilon (image->scale_x * factor, e->scale_x, e->tolerance);
    g_assert_cmpfloat_with_epsilon (image->scale_y * factor, e->scale_y, e->tolerance);
    g_assert_cmpfloat_with_epsilon (image->pixel_size, e->scale_x * al_unit_to_nm (e->unit),
                                    e->tolerance * al_unit_to_nm (e->unit));
  }
  if (e->frame_scale > 0)
    {
      g_assert_cmpfloat_with_epsilon (image->frame_scale, e->frame_scale, 1e-6);
      g_assert_cmpstr (image->frame_unit, ==, e->frame_unit);
    }
}

static void
test_row (gconstpointer data)
{
  char **columns = (char **) data;
  const Expected *e = find_expected (columns[COL_FILE]);
  g_autofree char *relative = g_build_filename ("data", "formats", columns[COL_FILE], NULL);
  g_autofree char *path = al_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;

  if (path == NULL)
    return;
  if (e == NULL)
    g_error ("MANIFEST row %s has no expected calibration in this test", columns[COL_FILE]);
  image = al_image_load (path, &error);
  g_assert_no_error (error);
  check_shape (image, columns[COL_SHAPE]);
  g_assert_cmpstr (image->dtype, ==, columns[COL_DTYPE]);
  check_calibration (image, e);
  check_values (image, columns[COL_VALUES]);
  if (e->key != NULL)
    g_assert_cmpstr (al_image_get_metadata (image, e->key), ==, e->value);
}

static void
test_absent (void)
{
  g_autofree char *path = al_test_shared_path (MANIFEST);

  /* Reached only when ../shared exists but its MANIFEST cannot be read. */
  g_assert_null (path);
}

int
main (int    argc,
      char **argv)
{
  const char *root = g_getenv ("AL_SHARED_DIR");
  g_autofree char *manifest = root != NULL ? g_build_filename (root, MANIFEST, NULL) : NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_auto (GStrv) lines = NULL;

  g_test_init (&argc, &argv, NULL);
  if (manifest == NULL || !g_file_get_contents (manifest, &contents, NULL, NULL))
    {
      g_test_add_func ("/core/io/manifest-tiff/absent", test_absent);
      return g_test_run ();
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      char **columns = g_strsplit (lines[i], "\t", -1);
      g_autofree char *name = NULL;

      if (g_strv_length (columns) < N_COLS || !is_mine (columns[COL_FORMAT]))
        {
          g_strfreev (columns);
          continue;
        }
      g_ptr_array_add (rows, columns);
      name = g_strdup_printf ("/core/io/manifest-tiff/%s", columns[COL_FILE]);
      g_test_add_data_func (name, columns, test_row);
    }
  return g_test_run ();
}
