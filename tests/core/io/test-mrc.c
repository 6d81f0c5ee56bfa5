/* test-mrc.c: MRC files of every mode we read, built in the test, read
 * back exactly with their calibration; damaged and foreign MRC files give
 * the AL_IO_ERROR that says why. */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "io/al-io.h"

#define NX 7
#define NY 5

typedef struct
{
  gint32      mode;
  gboolean    big_endian;
  guint       nz;
  gboolean    imod_unsigned;  /* IMOD stamp without its signed-bytes flag */
  gboolean    no_map_stamp;   /* a pre-2000 file: no "MAP ", no machine stamp */
  gint32      n_symbt;        /* extended header bytes */
  gint32      map[3];         /* MAPC, MAPR, MAPS; zeros: 1, 2, 3 */
  float       cell[3];        /* Å */
  gint32      sampling[3];    /* MX, MY, MZ; zeros: NX, NY, nz */
  gsize       cut;            /* drop this many bytes from the end */
} MrcSpec;

static gsize
mode_bytes (gint32 mode)
{
  switch (mode)
    {
    case 0: return 1;
    case 1: case 6: case 12: return 2;
    case 2: case 3: return 4;
    case 4: return 8;
    default: return 1;
    }
}

/* Exact in every mode: small integers, halves for the float modes. */
static double
value_at (const MrcSpec *s,
          guint          x,
          guint          y,
          guint          z)
{
  double v = (double) ((x * 5 + y * 11 + z * 23) % 100);

  switch (s->mode)
    {
    case 0: return s->imod_unsigned ? v * 2 : v - 50;   /* above 127: unsigned */
    case 1: return (v - 50) * 600;
    case 6: return v * 650;
    default: return (v - 50) * 0.5;
    }
}

static void
put_word (guint8  *at,
          guint32  v,
          gboolean be)
{
  for (guint i = 0; i < 4; i++)
    at[i] = (guint8) (v >> (be ? 8 * (3 - i) : 8 * i));
}

static void
put_float (guint8  *at,
           float    f,
           gboolean be)
{
  guint32 v;

  memcpy (&v, &f, 4);
  put_word (at, v, be);
}

static void
put_sample (guint8        *at,
            const MrcSpec *s,
            double         v)
{
  guint16 h;

  switch (s->mode)
    {
    case 0:
      *at = (guint8) (s->imod_unsigned ? (guint8) v : (guint8) (gint8) v);
      break;
    case 1:
    case 6:
      h = s->mode == 1 ? (guint16) (gint16) v : (guint16) v;
      at[s->big_endian ? 1 : 0] = h & 0xff;
      at[s->big_endian ? 0 : 1] = h >> 8;
      break;
    case 12:
      {
        /* The halves value_at makes: sign, exponent and 10 mantissa bits. */
        float f = (float) v;
        guint32 u;
        memcpy (&u, &f, 4);
        h = f == 0 ? 0 : (guint16) (((u >> 16) & 0x8000) | ((((u >> 23) & 0xff) - 112) << 10)
                                    | ((u >> 13) & 0x3ff));
        at[s->big_endian ? 1 : 0] = h & 0xff;
        at[s->big_endian ? 0 : 1] = h >> 8;
      }
      break;
    default:
      put_float (at, (float) v, s->big_endian);
      break;
    }
}

static GBytes *
make_mrc (const MrcSpec *s)
{
  gsize n_data = (gsize) NX * NY * s->nz * mode_bytes (s->mode);
  gsize total = 1024 + MAX (s->n_symbt, 0) + n_data;
  guint8 *file = g_malloc0 (total);
  gboolean be = s->big_endian;

  put_word (file + 0, NX, be);
  put_word (file + 4, NY, be);
  put_word (file + 8, s->nz, be);
  put_word (file + 12, (guint32) s->mode, be);
  put_word (file + 28, s->sampling[0] ? s->sampling[0] : NX, be);
  put_word (file + 32, s->sampling[1] ? s->sampling[1] : NY, be);
  put_word (file + 36, s->sampling[2] ? s->sampling[2] : (gint32) s->nz, be);
  for (guint i = 0; i < 3; i++)
    {
      put_float (file + 40 + 4 * i, s->cell[i], be);
      put_float (file + 52 + 4 * i, 90.0f, be);
      put_word (file + 64 + 4 * i, s->map[0] ? (guint32) s->map[i] : i + 1, be);
    }
  put_word (file + 92, (guint32) s->n_symbt, be);
  if (s->n_symbt > 0)
    memcpy (file + 104, "FEI1", 4);
  put_word (file + 108, 20140, be);
  if (s->imod_unsigned)
    put_word (file + 152, 1146047817, be);
  if (!s->no_map_stamp)
    {
      memcpy (file + 208, "MAP ", 4);
      file[212] = be ? 0x11 : 0x44;
      file[213] = be ? 0x11 : 0x44;
    }
  put_word (file + 220, 1, be);
  memcpy (file + 224, "AtomLens test", 13);
  /* Samples of the modes the reader refuses stay zero. */
  for (guint z = 0; z < (s->mode <= 2 || s->mode == 6 || s->mode == 12 ? s->nz : 0); z++)
    for (guint y = 0; y < NY; y++)
      for (guint x = 0; x < NX; x++)
        put_sample (file + 1024 + MAX (s->n_symbt, 0)
                      + (((gsize) z * NY + y) * NX + x) * mode_bytes (s->mode),
                    s, value_at (s, x, y, z));
  return g_bytes_new_take (file, total - MIN (s->cut, total));
}

static AlImage *
load_spec (const MrcSpec *s,
           const char    *name,
           GError       **error)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GBytes) bytes = make_mrc (s);
  gsize n;
  const char *data = g_bytes_get_data (bytes, &n);
  AlImage *image;

  g_assert_true (g_file_set_contents (path, data, (gssize) n, NULL));
  image = al_image_load (path, error);
  al_test_rmdir (dir);
  return image;
}

static void
check_pixels (const AlImage *image,
              const MrcSpec *s)
{
  g_assert_cmpuint (image->width, ==, NX);
  g_assert_cmpuint (image->height, ==, NY);
  g_assert_cmpuint (image->n_frames, ==, s->nz);
  /* Samples of the modes the reader refuses stay zero. */
  for (guint z = 0; z < (s->mode <= 2 || s->mode == 6 || s->mode == 12 ? s->nz : 0); z++)
    for (guint y = 0; y < NY; y++)
      for (guint x = 0; x < NX; x++)
        g_assert_cmpfloat (image->pixels[((gsize) z * NY + y) * NX + x], ==, value_at (s, x, y, z));
}

static void
test_modes (void)
{
  static const struct { gint32 mode; gboolean be; gboolean imod_unsigned; const char *dtype; } cases[] = {
    { 0, FALSE, FALSE, "int8" }, { 0, TRUE, TRUE, "uint8" }, { 1, FALSE, FALSE, "int16" },
    { 1, TRUE, FALSE, "int16" }, { 2, FALSE, FALSE, "float32" }, { 2, TRUE, FALSE, "float32" },
    { 6, FALSE, FALSE, "uint16" }, { 6, TRUE, FALSE, "uint16" }, { 12, FALSE, FALSE, "float16" },
    { 12, TRUE, FALSE, "float16" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      MrcSpec s = { .mode = cases[i].mode, .big_endian = cases[i].be, .nz = 3,
                    .imod_unsigned = cases[i].imod_unsigned, .cell = { 14.0f, 10.0f, 6.0f } };
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = load_spec (&s, "modes.mrc", &error);

      g_test_message ("mode %d, %s-endian", s.mode, s.big_endian ? "big" : "little");
      g_assert_no_error (error);
      check_pixels (image, &s);
      g_assert_cmpstr (image->dtype, ==, cases[i].dtype);
      g_assert_cmpstr (image->format, ==, "MRC");
      /* 14 Å over 7 pixels, 10 over 5, 6 over 3 sections. */
      g_assert_cmpstr (image->unit, ==, "Å");
      g_assert_cmpfloat (image->scale_x, ==, 2.0);
      g_assert_cmpfloat (image->scale_y, ==, 2.0);
      g_assert_cmpfloat_with_epsilon (image->pixel_size, 0.2, 1e-12);
      g_assert_cmpfloat (image->frame_scale, ==, 2.0);
      g_assert_cmpstr (image->frame_unit, ==, "Å");
      g_assert_cmpstr (al_image_get_metadata (image, "MRC.label0"), ==, "AtomLens test");
    }
}

static void
test_layouts (void)
{
  /* An extended header before the pixels. */
  MrcSpec ext = { .mode = 2, .nz = 2, .n_symbt = 131072, .cell = { 7.0f, 5.0f, 2.0f } };
  /* Old file without "MAP " or machine stamp: known by its name. */
  MrcSpec old = { .mode = 1, .nz = 1, .no_map_stamp = TRUE, .cell = { 35.0f, 25.0f, 1.0f } };
  /* Columns along y, rows along x: pixel sizes follow the mapping. */
  MrcSpec mapped = { .mode = 2, .nz = 1, .map = { 2, 1, 3 }, .cell = { 10.0f, 21.0f, 1.0f },
                     .sampling = { 5, 7, 1 } };
  /* No cell: uncalibrated. */
  MrcSpec bare = { .mode = 6, .nz = 4 };
  g_autoptr (AlImage) a = load_spec (&ext, "ext.mrcs", NULL);
  g_autoptr (AlImage) b = load_spec (&old, "old.MRC", NULL);
  g_autoptr (AlImage) c = load_spec (&mapped, "mapped.mrc", NULL);
  g_autoptr (AlImage) d = load_spec (&bare, "bare.st", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) unnamed = load_spec (&old, "old.bin", &error);

  check_pixels (a, &ext);
  g_assert_cmpstr (al_image_get_metadata (a, "MRC.extended_header"), ==, "FEI1");
  check_pixels (b, &old);
  g_assert_cmpfloat (b->scale_x, ==, 5.0);
  check_pixels (c, &mapped);
  g_assert_cmpfloat (c->scale_x, ==, 3.0);   /* y: 21 Å / 7 */
  g_assert_cmpfloat (c->scale_y, ==, 2.0);   /* x: 10 Å / 5 */
  check_pixels (d, &bare);
  g_assert_null (d->unit);
  g_assert_cmpfloat (d->frame_scale, ==, 0.0);
  /* Without stamp nor name nothing says MRC. */
  g_assert_null (unnamed);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED);
}

static void
expect (const MrcSpec *s,
        int            code,
        const char    *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlImage) image = load_spec (s, "bad.mrc", &error);

  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, code);
  g_test_message ("%s", error->message);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_refused (void)
{
  MrcSpec cut = { .mode = 2, .nz = 3, .cut = 9 };
  MrcSpec complex = { .mode = 4, .nz = 1 };
  MrcSpec complex16 = { .mode = 3, .nz = 1 };
  MrcSpec packed = { .mode = 101, .nz = 1 };
  MrcSpec header_only = { .mode = 2, .nz = 1, .cut = NX * NY * 4 + 500 };

  expect (&cut, AL_IO_ERROR_TRUNCATED, "is cut short: 7×5×3 samples need 420 bytes");
  expect (&complex, AL_IO_ERROR_NOT_AN_IMAGE, "complex numbers (MRC mode 4");
  expect (&complex16, AL_IO_ERROR_NOT_AN_IMAGE, "MRC mode 3");
  expect (&packed, AL_IO_ERROR_UNSUPPORTED, "MRC mode 101");
  expect (&header_only, AL_IO_ERROR_TRUNCATED, "an MRC header has 1024 bytes");
}

/* Hostile headers, patched into a valid file. */
static void
test_hostile_headers (void)
{
  MrcSpec s = { .mode = 2, .nz = 2, .cell = { 7.0f, 5.0f, 2.0f } };
  g_autoptr (GBytes) valid = make_mrc (&s);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "hostile.mrc", NULL);
  static const struct { guint offset; guint32 value; int code; } patches[] = {
    { 0, 0x7fffffff, AL_IO_ERROR_TOO_LARGE },   /* NX 2^31 - 1 */
    /* NZ 2^31 - 1: frames are read lazily, so the count alone is no
     * memory problem, but the file cannot hold them. */
    { 8, 0x7fffffff, AL_IO_ERROR_TRUNCATED },
    { 8, 40000, AL_IO_ERROR_TRUNCATED },        /* NZ beyond the data */
    { 4, 0, AL_IO_ERROR_CORRUPT },              /* NY 0 */
    { 4, 0xffffffff, AL_IO_ERROR_CORRUPT },     /* NY -1 */
    { 92, 0xfffffff0, AL_IO_ERROR_CORRUPT },    /* extended header -16 bytes */
    { 92, 0x7fffffff, AL_IO_ERROR_TRUNCATED },  /* extended header past the end */
    { 12, 7, AL_IO_ERROR_CORRUPT },             /* no such mode */
  };

  for (guint i = 0; i < G_N_ELEMENTS (patches); i++)
    {
      gsize n;
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (valid, &n), g_bytes_get_size (valid));
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;

      put_word (copy + patches[i].offset, patches[i].value, FALSE);
      g_assert_true (g_file_set_contents (path, (char *) copy, (gssize) n, NULL));
      image = al_image_load (path, &error);
      g_assert_null (image);
      g_test_message ("patch %u: %s", i, error != NULL ? error->message : "(none)");
      g_assert_nonnull (error);
      g_assert_true (error->domain == AL_IO_ERROR);
      g_assert_cmpint (error->code, ==, patches[i].code);
    }
  al_test_rmdir (dir);
}

static void
test_load_frames (void)
{
  MrcSpec s = { .mode = 1, .nz = 6, .cell = { 14.0f, 10.0f, 12.0f } };
  g_autoptr (GBytes) bytes = make_mrc (&s);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "series.mrc", NULL);
  g_autoptr (AlImage) image = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
  image = al_image_load_frames (path, 4, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (image->n_frames, ==, 2);
  for (guint z = 0; z < 2; z++)
    for (guint y = 0; y < NY; y++)
      for (guint x = 0; x < NX; x++)
        g_assert_cmpfloat (al_image_frame (image, z)[y * NX + x], ==, value_at (&s, x, y, z + 4));
  g_assert_cmpfloat (image->frame_scale, ==, 2.0);
  g_clear_pointer (&image, al_image_free);
  image = al_image_load_frames (path, 6, 1, &error);
  g_assert_null (image);
  g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED);
  al_test_rmdir (dir);
}

static void
test_random_damage (void)
{
  MrcSpec s = { .mode = 1, .nz = 3, .n_symbt = 64, .cell = { 7.0f, 5.0f, 2.0f } };
  g_autoptr (GBytes) valid = make_mrc (&s);
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "damaged.mrc", NULL);
  GRand *rand = g_rand_new_with_seed (11);
  gsize n = g_bytes_get_size (valid);

  for (guint trial = 0; trial < 400; trial++)
    {
      g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (valid, NULL), n);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) image = NULL;
      gsize len = g_rand_boolean (rand) ? n : (gsize) g_rand_int_range (rand, 0, (gint32) n);

      for (guint k = 0; k < 4; k++)
        copy[g_rand_int_range (rand, 0, 256)] = (guint8) g_rand_int_range (rand, 0, 256);
      g_assert_true (g_file_set_contents (path, (char *) copy, (gssize) len, NULL));
      image = al_image_load (path, &error);
      g_assert_true (image != NULL || error->domain == AL_IO_ERROR);
    }
  g_rand_free (rand);
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/io/mrc/modes", test_modes);
  g_test_add_func ("/core/io/mrc/layouts", test_layouts);
  g_test_add_func ("/core/io/mrc/refused", test_refused);
  g_test_add_func ("/core/io/mrc/hostile-headers", test_hostile_headers);
  g_test_add_func ("/core/io/mrc/load-frames", test_load_frames);
  g_test_add_func ("/core/io/mrc/random-damage", test_random_damage);
  return g_test_run ();
}
