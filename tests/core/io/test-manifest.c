/* test-manifest.c: conformance with other projects' test files.
 *
 * ../shared/data/formats/MANIFEST.tsv lists microscope files from the
 * openNCEM and rosettasciio test suites with the shape, calibration and
 * pixel values those projects assert (or compute). For the formats read by
 * the DM, EMD and SER readers, every row becomes one test: the file must
 * load with that shape (NumPy order, slowest axis first: frames, rows,
 * columns), calibration and pixels, or, for rows that hold something that
 * is not an image, fail with the error listed in `refused` below.
 */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "io/al-io.h"

#define MANIFEST "data/formats/MANIFEST.tsv"
/* Relative tolerance on a single pixel and on the sum of all pixels (the
 * sum is taken in double over float32 samples). */
#define PIXEL_RTOL 1e-5
#define SUM_RTOL 1e-6
/* Relative tolerance on a pixel size. */
#define SCALE_RTOL 1e-5

enum
{
  COL_FILE,
  COL_FORMAT,
  COL_SOURCE,
  COL_SHAPE,
  COL_DTYPE,
  COL_SCALE,
  COL_VALUES,
  N_COLUMNS_NEEDED,
};

/* Formats these readers own (the MANIFEST's format column starts so). */
static const char *const owned_formats[] = { "DM3", "DM4", "FEI TIA SER", "Velox EMD", "Berkeley EMD" };

/* Rows we refuse on purpose, with the error the user sees, and why. */
static const struct
{
  const char *file;
  AlIoError   code;
} refused[] = {
  /* An EELS spectrum (1×2048 channels): no atoms to find in it. */
  { "openNCEM/08_carbon.dm3", AL_IO_ERROR_NOT_AN_IMAGE },
  /* Complex data (DM types 3, 5, 13, 27, 28) are Fourier transforms or
   * exit waves; AtomLens analyses real-space intensities, and picking the
   * modulus silently would hand the detector a different image. */
  { "rosettasciio/dm_dtype_matrix/test-3.dm3", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-3.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-5.dm3", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-5.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-13.dm3", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-13.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-27.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm_dtype_matrix/test-28.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
  { "rosettasciio/dm/test_fft_packed_complex8.dm4", AL_IO_ERROR_NOT_AN_IMAGE },
};

typedef struct
{
  char  **columns;
} Row;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_strfreev (row->columns);
  g_free (row);
}

static gboolean
is_owned (const char *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (owned_formats); i++)
    if (g_str_has_prefix (format, owned_formats[i]))
      return TRUE;
  return FALSE;
}

static int
refused_code (const char *file)
{
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    if (strcmp (refused[i].file, file) == 0)
      return refused[i].code;
  return -1;
}

/* "(66, 65, 64)" → frames 66, height 65, width 64. */
static void
parse_shape (const char *text,
             guint      *n_frames,
             guint      *height,
             guint      *width)
{
  guint64 v[3];
  guint n = 0;
  const char *p = text;

  while (*p != '\0' && n < 3)
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
  *n_frames = n == 3 ? (guint) v[0] : 1;
  *height = (guint) v[n - 2];
  *width = (guint) v[n - 1];
}

/* A value as the MANIFEST writes it: a number, True/False, or an RGBA
 * tuple "(r,g,b,a)" whose grey luminance is r when r = g = b. */
static double
parse_value (const char *text)
{
  while (*text == ' ' || *text == '(')
    text++;
  if (g_str_has_prefix (text, "True"))
    return 1.0;
  if (g_str_has_prefix (text, "False"))
    return 0.0;
  return g_ascii_strtod (text, NULL);
}

static void
check_values (const AlImage *image,
              const char    *text)
{
  g_auto (GStrv) items = g_strsplit (text, ";", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      if (g_str_has_prefix (item, "sum="))
        {
          double expected = g_ascii_strtod (item + 4, NULL), sum = 0;
          gsize n = al_image_frame_samples (image) * image->n_frames;
          for (gsize k = 0; k < n; k++)
            sum += image->pixels[k];
          g_assert_cmpfloat_with_epsilon (sum, expected, fabs (expected) * SUM_RTOL + 1e-9);
        }
      else if (item[0] == '[')
        {
          guint64 idx[3];
          guint n = 0;
          char *p = item + 1, *end;
          double expected, got;
          gsize offset;
          while (n < 3 && *p != ']')
            {
              idx[n++] = g_ascii_strtoull (p, &end, 10);
              p = end;
              while (*p == ',' || *p == ' ')
                p++;
            }
          g_assert_nonnull (strchr (item, '='));
          expected = parse_value (strchr (item, '=') + 1);
          offset = n == 3 ? ((idx[0] * image->height + idx[1]) * image->width + idx[2])
                          : (idx[0] * image->width + idx[1]);
          g_assert_cmpuint (offset, <, al_image_frame_samples (image) * image->n_frames);
          got = image->pixels[offset];
          g_assert_cmpfloat_with_epsilon (got, expected, fabs (expected) * PIXEL_RTOL + 1e-6);
        }
    }
}

/* nm in a MANIFEST unit; "n_m" is how Berkeley EMD files from the NCEM
 * writer spell nm (the reader says "nm"). */
static double
manifest_unit_nm (const char *unit)
{
  return al_unit_to_nm (strcmp (unit, "n_m") == 0 ? "nm" : unit);
}

/* Pixel sizes "[s0, s1, ...] ['u0', 'u1', ...]" after "computed" (NumPy
 * order), or "1.0 (uncalibrated)". Checks x and y (last two axes). */
static void
check_scale (const AlImage *image,
             const char    *text)
{
  const char *computed = strstr (text, "computed");
  g_autoptr (GMatchInfo) match = NULL;
  g_autoptr (GRegex) numbers = NULL;
  g_autoptr (GRegex) units = NULL;
  GPtrArray *scales = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  double sx, sy, nm;
  const char *ux, *uy;

  if (computed == NULL)
    {
      /* Uncalibrated. */
      g_assert_true (strstr (text, "uncalibrated") != NULL);
      g_assert_null (image->unit);
      g_ptr_array_unref (scales);
      g_ptr_array_unref (names);
      return;
    }
  /* "[2.0, 1.0] ['A', 'nm'] (...)": the numbers, then the quoted units
   * (which may themselves be "[]"). */
  numbers = g_regex_new ("\\[([-0-9eE.+, ]*)\\]", 0, 0, NULL);
  units = g_regex_new ("'([^']*)'", 0, 0, NULL);
  g_assert_true (g_regex_match (numbers, computed, 0, &match));
  {
    g_autofree char *s = g_match_info_fetch (match, 1);
    g_auto (GStrv) sv = g_strsplit (s, ",", -1);
    int end = 0;
    g_autofree char *rest = NULL;
    char *cut;
    g_autoptr (GMatchInfo) unit_match = NULL;

    for (guint i = 0; sv[i] != NULL; i++)
      g_ptr_array_add (scales, g_strstrip (g_strdup (sv[i])));
    g_match_info_fetch_pos (match, 0, NULL, &end);
    rest = g_strdup (computed + end);
    cut = strstr (rest, " (");
    if (cut != NULL)
      *cut = '\0';
    for (g_regex_match (units, rest, 0, &unit_match); g_match_info_matches (unit_match);
         g_match_info_next (unit_match, NULL))
      g_ptr_array_add (names, g_match_info_fetch (unit_match, 1));
  }
  g_assert_cmpuint (scales->len, ==, names->len);
  g_assert_cmpuint (scales->len, >=, 2);
  sx = g_ascii_strtod (g_ptr_array_index (scales, scales->len - 1), NULL);
  sy = g_ascii_strtod (g_ptr_array_index (scales, scales->len - 2), NULL);
  ux = g_ptr_array_index (names, names->len - 1);
  uy = g_ptr_array_index (names, names->len - 2);

  if (strcmp (ux, "") == 0 || strcmp (ux, "[]") == 0)
    g_assert_null (image->unit);   /* the file's placeholder for "no unit" */
  else if ((nm = manifest_unit_nm (ux)) > 0)
    {
      /* Lengths: compare in nm, whatever unit each side keeps. */
      g_assert_nonnull (image->unit);
      g_assert_cmpfloat (al_unit_to_nm (image->unit), >, 0);
      g_assert_cmpfloat_with_epsilon (image->scale_x * al_unit_to_nm (image->unit), sx * nm,
                                      sx * nm * SCALE_RTOL);
      g_assert_cmpfloat_with_epsilon (image->scale_y * al_unit_to_nm (image->unit),
                                      sy * manifest_unit_nm (uy),
                                      sy * manifest_unit_nm (uy) * SCALE_RTOL);
      g_assert_cmpfloat_with_epsilon (image->pixel_size, sx * nm, sx * nm * SCALE_RTOL);
    }
  else
    {
      /* Other units ("1/nm") as the file writes them. */
      g_assert_cmpstr (image->unit, ==, ux);
      g_assert_cmpfloat_with_epsilon (image->scale_x, sx, sx * SCALE_RTOL);
      g_assert_cmpfloat_with_epsilon (image->scale_y, sy, sy * SCALE_RTOL);
    }
  /* A stack's frame axis. */
  if (scales->len == 3 && image->n_frames > 1)
    {
      const char *uz = g_ptr_array_index (names, 0);
      double sz = g_ascii_strtod (g_ptr_array_index (scales, 0), NULL);
      double z_nm = al_unit_to_nm (uz);
      if (strcmp (uz, "") == 0 || strcmp (uz, "[]") == 0)
        {
          g_assert_null (image->frame_unit);
          g_assert_cmpfloat_with_epsilon (image->frame_scale, sz, sz * SCALE_RTOL);
        }
      else if (z_nm > 0)
        g_assert_cmpfloat_with_epsilon (image->frame_scale * al_unit_to_nm (image->frame_unit),
                                        sz * z_nm, sz * z_nm * SCALE_RTOL);
      else
        g_assert_cmpstr (image->frame_unit, ==, uz);
    }
  g_ptr_array_unref (scales);
  g_ptr_array_unref (names);
}

static void
test_row (gconstpointer data)
{
  const Row *row = data;
  const char *file = row->columns[COL_FILE];
  g_autofree char *relative = g_build_filename ("data", "formats", file, NULL);
  g_autofree char *path = al_test_shared_path (relative);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = NULL;
  int code = refused_code (file);
  guint n_frames, height, width;

  if (path == NULL)
    return;
  image = al_image_load (path, &error);
  if (code >= 0)
    {
      g_assert_null (image);
      g_assert_error (error, AL_IO_ERROR, code);
      g_test_message ("%s: refused as expected: %s", file, error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (image);

  parse_shape (row->columns[COL_SHAPE], &n_frames, &height, &width);
  g_assert_cmpuint (image->width, ==, width);
  g_assert_cmpuint (image->height, ==, height);
  g_assert_cmpuint (image->n_frames, ==, n_frames);
  if (row->columns[COL_DTYPE][0] != '[')
    g_assert_cmpstr (image->dtype, ==, row->columns[COL_DTYPE]);
  check_scale (image, row->columns[COL_SCALE]);
  check_values (image, row->columns[COL_VALUES]);
}

static void
test_no_manifest (void)
{
  g_autofree char *path = al_test_shared_path (MANIFEST);

  /* Reached only when ../shared exists but the manifest could not be read. */
  g_assert_null (path);
}

int
main (int    argc,
      char **argv)
{
  const char *root = g_getenv ("AL_SHARED_DIR");
  g_autofree char *manifest = root != NULL ? g_build_filename (root, MANIFEST, NULL) : NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (row_free);
  g_auto (GStrv) lines = NULL;

  g_test_init (&argc, &argv, NULL);
  if (manifest == NULL || !g_file_get_contents (manifest, &contents, NULL, NULL))
    {
      g_test_add_func ("/core/io/manifest/absent", test_no_manifest);
      return g_test_run ();
    }
  lines = g_strsplit (contents, "\n", -1);
  /* The first line names the columns. */
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) columns = g_strsplit (lines[i], "\t", -1);
      g_autofree char *test_path = NULL;
      Row *row;
      if (g_strv_length (columns) < N_COLUMNS_NEEDED || !is_owned (columns[COL_FORMAT]))
        continue;
      row = g_new0 (Row, 1);
      row->columns = g_steal_pointer (&columns);
      g_ptr_array_add (rows, row);
      test_path = g_strdup_printf ("/core/io/manifest/%s", row->columns[COL_FILE]);
      g_test_add_data_func (test_path, row, test_row);
    }
  return g_test_run ();
}
