/* test-frame-source.c: files opened as frame sources and read frame by
 * frame: every multi-frame format gives the frames of a whole load, in
 * any order, from several threads at once; the memory budget refuses a
 * whole load that does not fit while frame-by-frame reading still works. */
#include <string.h>
#include <tiffio.h>

#include "al-limits.h"
#include "al-test.h"
#include "dm-writer.h"
#include "emd-writer.h"
#include "ser-writer.h"
#include "io/al-frame-source.h"
#include "io/al-tiff.h"

#define WIDTH 24
#define HEIGHT 16
#define N_FRAMES 5
/* Reader threads and rounds in the thread test. */
#define N_THREADS 4
#define N_ROUNDS 20
/* The budget test: a 40 MB stack against an 8 MB budget. */
#define BIG_SIDE 1024
#define BIG_FRAMES 10
#define SMALL_BUDGET (G_GUINT64_CONSTANT (8) << 20)

static float
pattern (guint f,
         guint x,
         guint y)
{
  return (float) (f * 1000 + y * WIDTH + x);
}

static AlImage *
pattern_image (guint width,
               guint height,
               guint n_frames)
{
  AlImage *image = al_image_new (width, height, n_frames, NULL);

  for (guint f = 0; f < n_frames; f++)
    for (guint y = 0; y < height; y++)
      for (guint x = 0; x < width; x++)
        al_image_frame (image, f)[y * width + x] = (float) ((f * 7919 + y * 131 + x) % 65521);
  return image;
}

/* A little-endian float32 MRC stack (mode 2), as MRC2014 describes it. */
static void
write_mrc (const char    *path,
           const AlImage *image)
{
  guint8 header[1024] = { 0 };
  gint32 words[] = { (gint32) image->width, (gint32) image->height, (gint32) image->n_frames, 2 };
  gint32 map[] = { 1, 2, 3 };
  g_autoptr (GByteArray) bytes = g_byte_array_new ();

  memcpy (header, words, sizeof words);
  memcpy (header + 28, words, 3 * sizeof (gint32));   /* MX, MY, MZ */
  memcpy (header + 64, map, sizeof map);
  memcpy (header + 208, "MAP ", 4);
  header[212] = header[213] = 0x44;
  g_byte_array_append (bytes, header, sizeof header);
  g_byte_array_append (bytes, (const guint8 *) image->pixels,
                       al_image_frame_samples (image) * image->n_frames * sizeof (float));
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, NULL));
}

static void
write_bytes (const char *path,
             GBytes     *bytes)
{
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                      g_bytes_get_size (bytes), NULL));
}

/* One file of each multi-frame format, N_FRAMES frames of WIDTH × HEIGHT. */
static GPtrArray *
write_formats (const char *dir)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (AlImage) image = al_image_new (WIDTH, HEIGHT, N_FRAMES, NULL);
  g_autofree float *dm_pixels = g_new (float, WIDTH * HEIGHT * N_FRAMES);
  DmImageSpec dm = { WIDTH, HEIGHT, N_FRAMES, 2, 4, 6, dm_pixels, 0.1, 0.1, 1, "nm", "nm", "s" };
  g_autoptr (GBytes) dm_bytes = NULL, ser_bytes = NULL;

  for (guint f = 0; f < N_FRAMES; f++)
    for (guint y = 0; y < HEIGHT; y++)
      for (guint x = 0; x < WIDTH; x++)
        al_image_frame (image, f)[y * WIDTH + x] = pattern (f, x, y);
  memcpy (dm_pixels, image->pixels, sizeof (float) * WIDTH * HEIGHT * N_FRAMES);

  g_ptr_array_add (paths, g_build_filename (dir, "stack.tif", NULL));
  g_assert_true (al_tiff_write (g_ptr_array_index (paths, 0), image, NULL));
  g_ptr_array_add (paths, g_build_filename (dir, "stack.mrc", NULL));
  write_mrc (g_ptr_array_index (paths, 1), image);
  g_ptr_array_add (paths, g_build_filename (dir, "stack.dm4", NULL));
  dm_bytes = dm_writer_build (4, TRUE, &dm);
  write_bytes (g_ptr_array_index (paths, 2), dm_bytes);
  g_ptr_array_add (paths, g_build_filename (dir, "stack.ser", NULL));
  ser_bytes = ser_writer_build (TRUE, WIDTH, HEIGHT, N_FRAMES, 1e-10, FALSE);
  write_bytes (g_ptr_array_index (paths, 3), ser_bytes);
  g_ptr_array_add (paths, g_build_filename (dir, "velox.emd", NULL));
  emd_writer_velox (g_ptr_array_index (paths, 4), WIDTH, HEIGHT, N_FRAMES);
  g_ptr_array_add (paths, g_build_filename (dir, "berkeley.emd", NULL));
  emd_writer_berkeley (g_ptr_array_index (paths, 5), WIDTH, HEIGHT, N_FRAMES);
  return paths;
}

/* Frames read one at a time, backwards, and a window equal the whole
 * load, and the description matches it. */
static void
test_frames_match_whole_load (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autoptr (GPtrArray) paths = write_formats (dir);
  float frame[WIDTH * HEIGHT];

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) whole = al_image_load (path, &error);
      g_autoptr (AlFrameSource) source = NULL;
      g_autoptr (AlImage) window = NULL;
      const AlImage *info;

      g_test_message ("%s", path);
      g_assert_no_error (error);
      source = al_frame_source_open (path, &error);
      g_assert_no_error (error);
      info = al_frame_source_get_info (source);
      g_assert_null (info->pixels);
      g_assert_cmpuint (info->width, ==, WIDTH);
      g_assert_cmpuint (info->height, ==, HEIGHT);
      g_assert_cmpuint (al_frame_source_get_n_frames (source), ==, N_FRAMES);
      g_assert_cmpstr (info->format, ==, whole->format);
      g_assert_cmpstr (info->dtype, ==, whole->dtype);
      g_assert_cmpfloat (info->pixel_size, ==, whole->pixel_size);
      g_assert_cmpuint (g_hash_table_size (info->metadata), ==, g_hash_table_size (whole->metadata));
      for (guint f = N_FRAMES; f-- > 0;)
        {
          g_assert_true (al_frame_source_read (source, f, 1, frame, &error));
          g_assert_no_error (error);
          g_assert_cmpmem (frame, sizeof frame, al_image_frame (whole, f), sizeof frame);
          g_assert_cmpfloat (frame[3 * WIDTH + 5], ==, pattern (f, 5, 3));
        }
      window = al_frame_source_load (source, 1, 3, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (window->n_frames, ==, 3);
      g_assert_cmpmem (window->pixels, sizeof frame * 3, al_image_frame (whole, 1), sizeof frame * 3);
      g_assert_cmpfloat (window->pixel_size, ==, whole->pixel_size);

      g_assert_false (al_frame_source_read (source, N_FRAMES - 1, 2, frame, &error));
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_FAILED);
    }
  al_test_rmdir (dir);
}

typedef struct
{
  AlFrameSource *source;
  const AlImage *whole;
  guint          seed;
  guint          mismatches;
  guint          failures;
} ReaderJob;

static gpointer
read_frames_job (gpointer data)
{
  ReaderJob *job = data;
  g_autoptr (GRand) rand = g_rand_new_with_seed (job->seed);
  g_autofree float *frame = g_new (float, al_frame_source_frame_samples (job->source));
  gsize bytes = al_frame_source_frame_samples (job->source) * sizeof (float);

  for (guint r = 0; r < N_ROUNDS * N_FRAMES; r++)
    {
      guint f = (guint) g_rand_int_range (rand, 0, N_FRAMES);
      if (!al_frame_source_read (job->source, f, 1, frame, NULL))
        job->failures++;
      else if (memcmp (frame, al_image_frame_const (job->whole, f), bytes) != 0)
        job->mismatches++;
    }
  return NULL;
}

static void
write_tiff_page (TIFF    *tif,
                 guint    width,
                 guint    height,
                 gboolean reduced,
                 guint16  value)
{
  g_autofree guint16 *row = g_new (guint16, width);

  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, height);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 16);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 1);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 4);
  TIFFSetField (tif, TIFFTAG_SUBFILETYPE, reduced ? FILETYPE_REDUCEDIMAGE : 0);
  for (guint y = 0; y < height; y++)
    {
      for (guint x = 0; x < width; x++)
        row[x] = (guint16) (value + y * width + x);
      g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
    }
  g_assert_true (TIFFWriteDirectory (tif));
}

/* Compressed pages with reduced-resolution copies between them: frame f
 * is the f-th full page, whatever order the frames are read in. */
static void
test_tiff_reduced_pages (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "pyramid.tif", NULL);
  TIFF *tif = TIFFOpen (path, "w");
  g_autoptr (AlFrameSource) source = NULL;
  g_autoptr (GError) error = NULL;
  float frame[WIDTH * HEIGHT];

  for (guint f = 0; f < N_FRAMES; f++)
    {
      write_tiff_page (tif, WIDTH, HEIGHT, FALSE, (guint16) (1000 * f));
      write_tiff_page (tif, WIDTH / 2, HEIGHT / 2, TRUE, 60000);
    }
  TIFFClose (tif);
  source = al_frame_source_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (al_frame_source_get_n_frames (source), ==, N_FRAMES);
  for (guint f = N_FRAMES; f-- > 0;)
    {
      g_assert_true (al_frame_source_read (source, f, 1, frame, &error));
      for (guint y = 0; y < HEIGHT; y++)
        for (guint x = 0; x < WIDTH; x++)
          g_assert_cmpfloat (frame[y * WIDTH + x], ==, pattern (f, x, y));
    }
  al_test_rmdir (dir);
}

/* Several threads read random frames of one source at once. */
static void
test_threads (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autoptr (GPtrArray) paths = write_formats (dir);

  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autoptr (AlImage) whole = al_image_load (path, NULL);
      g_autoptr (AlFrameSource) source = al_frame_source_open (path, NULL);
      ReaderJob jobs[N_THREADS];
      GThread *threads[N_THREADS];

      g_assert_nonnull (whole);
      g_assert_nonnull (source);
      for (guint t = 0; t < N_THREADS; t++)
        {
          jobs[t] = (ReaderJob) { source, whole, 17 + t, 0, 0 };
          threads[t] = g_thread_new ("reader", read_frames_job, &jobs[t]);
        }
      for (guint t = 0; t < N_THREADS; t++)
        {
          g_thread_join (threads[t]);
          g_assert_cmpuint (jobs[t].failures, ==, 0);
          g_assert_cmpuint (jobs[t].mismatches, ==, 0);
        }
    }
  al_test_rmdir (dir);
}

/* A 40 MB stack with an 8 MB budget: the whole load is refused with a
 * clear error, frame-by-frame reading gives every frame exactly. */
static void
test_budget (void)
{
  g_autofree char *dir = al_test_mkdtemp ();
  g_autoptr (AlImage) image = pattern_image (BIG_SIDE, BIG_SIDE, BIG_FRAMES);
  g_autofree char *tif = g_build_filename (dir, "big.tif", NULL);
  g_autofree char *mrc = g_build_filename (dir, "big.mrc", NULL);
  const char *paths[] = { tif, mrc };
  gsize frame_bytes = al_image_frame_samples (image) * sizeof (float);

  g_assert_true (al_tiff_write (tif, image, NULL));
  write_mrc (mrc, image);
  al_limits_set_memory_budget (SMALL_BUDGET);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AlImage) refused = al_image_load (paths[i], &error);
      g_autoptr (AlFrameSource) source = NULL;
      g_autoptr (AlImage) two = NULL;
      g_autofree float *frame = g_new (float, al_image_frame_samples (image));

      g_assert_null (refused);
      g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "memory budget of 8.0 MiB"));
      g_assert_nonnull (strstr (error->message, "reading all 10 frames needs 40.0 MiB"));
      g_clear_error (&error);

      source = al_frame_source_open (paths[i], &error);
      g_assert_no_error (error);
      for (guint f = 0; f < BIG_FRAMES; f++)
        {
          g_assert_true (al_frame_source_read (source, f, 1, frame, &error));
          g_assert_cmpmem (frame, frame_bytes, al_image_frame (image, f), frame_bytes);
        }
      /* A window that fits is loaded. */
      two = al_frame_source_load (source, 4, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpmem (two->pixels, frame_bytes, al_image_frame (image, 4), frame_bytes);
    }

  /* Not even one frame fits: the file is refused at open. */
  al_limits_set_memory_budget (1 << 20);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AlFrameSource) source = al_frame_source_open (tif, &error);
    g_assert_null (source);
    g_assert_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "reading one frame needs 4.0 MiB"));
  }
  al_limits_set_memory_budget (0);
  g_assert_cmpuint (al_limits_get_memory_budget (), >, SMALL_BUDGET);
  al_test_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/io/frame-source/whole-load", test_frames_match_whole_load);
  g_test_add_func ("/core/io/frame-source/tiff-reduced-pages", test_tiff_reduced_pages);
  g_test_add_func ("/core/io/frame-source/threads", test_threads);
  g_test_add_func ("/core/io/frame-source/budget", test_budget);
  return g_test_run ();
}
