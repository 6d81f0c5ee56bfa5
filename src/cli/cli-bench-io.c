/* cli-bench-io.c: `atomlens-cli bench io`: reading a large float32 stack
 * (default 4096 × 4096 × 100, 6.7 GB) frame by frame through the frame
 * source, in each format: time to open, time per frame, time for the whole
 * stack, and the peak memory of the reading process, which must stay far
 * below the file's size.
 *
 * Each stack is written to --dir one frame at a time, read in a child
 * process (its peak resident set, from wait4(), is the figure), first
 * "cold" (the file's pages dropped from the page cache with
 * posix_fadvise) and then "warm", and deleted. --whole also loads the
 * whole stack at once in a child, for comparison.
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-bench.h"
#include "cli-bench-io.h"
#include "al-limits.h"
#include "io/al-frame-source.h"

#define BYTES_PER_MIB (1024.0 * 1024.0)
#define BYTES_PER_GB 1e9
/* Pixels of each frame checked against the values written. */
#define N_CHECKS 3

/* What a reading child sends back through its pipe. */
typedef struct
{
  gboolean ok;
  double   open_s;
  double   frame_min_s, frame_median_s, frame_max_s;
  double   total_s;       /* open + every frame */
  char     message[256];
} ReadFigures;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static gboolean
frame_is_right (const AlBenchStack *stack,
                guint               z,
                const float        *frame)
{
  /* The first, middle and last rows agree exactly with what was written
   * (checked without a second frame in memory: that would count in the
   * peak). */
  for (guint k = 0; k < N_CHECKS; k++)
    {
      guint y = k * (stack->side - 1) / (N_CHECKS - 1);
      for (guint x = 0; x < stack->side; x++)
        if (frame[(gsize) y * stack->side + x] != al_bench_stack_value (z, x, y))
          return FALSE;
    }
  return TRUE;
}

/* In the child: every frame, one at a time, into one buffer. */
static void
read_frames (const AlBenchStack *stack,
             const char         *path,
             ReadFigures        *out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlFrameSource) source = NULL;
  g_autofree float *frame = NULL;
  g_autofree double *times = g_new (double, stack->n_frames);
  gint64 start = g_get_monotonic_time ();

  source = al_frame_source_open (path, &error);
  out->open_s = (g_get_monotonic_time () - start) * 1e-6;
  if (source == NULL)
    {
      g_strlcpy (out->message, error->message, sizeof out->message);
      return;
    }
  frame = g_new (float, al_frame_source_frame_samples (source));
  for (guint z = 0; z < stack->n_frames; z++)
    {
      gint64 t = g_get_monotonic_time ();
      if (!al_frame_source_read (source, z, 1, frame, &error))
        {
          g_strlcpy (out->message, error->message, sizeof out->message);
          return;
        }
      times[z] = (g_get_monotonic_time () - t) * 1e-6;
      if (!frame_is_right (stack, z, frame))
        {
          g_snprintf (out->message, sizeof out->message, "frame %u differs from what was written", z);
          return;
        }
    }
  out->total_s = (g_get_monotonic_time () - start) * 1e-6;
  qsort (times, stack->n_frames, sizeof (double), compare_doubles);
  out->frame_min_s = times[0];
  out->frame_median_s = times[stack->n_frames / 2];
  out->frame_max_s = times[stack->n_frames - 1];
  out->ok = TRUE;
}

/* In the child: the whole stack at once. */
static void
read_whole (const char  *path,
            ReadFigures *out)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (AlImage) image = al_image_load (path, &error);

  out->total_s = (g_get_monotonic_time () - start) * 1e-6;
  if (image == NULL)
    g_strlcpy (out->message, error->message, sizeof out->message);
  out->ok = image != NULL;
}

/* Runs one reading in a child; its peak resident set in MiB. */
static gboolean
measure (const AlBenchStack *stack,
         const char         *path,
         gboolean            whole,
         ReadFigures        *figures,
         double             *peak_mib)
{
  int fds[2];
  pid_t pid;
  int status = 0;
  struct rusage usage;

  memset (figures, 0, sizeof *figures);
  if (pipe (fds) != 0)
    return FALSE;
  fflush (stdout);
  pid = fork ();
  if (pid == 0)
    {
      ReadFigures out = { 0 };
      close (fds[0]);
      if (whole)
        read_whole (path, &out);
      else
        read_frames (stack, path, &out);
      if (write (fds[1], &out, sizeof out) != sizeof out)
        _exit (2);
      _exit (0);
    }
  close (fds[1]);
  if (pid < 0 || read (fds[0], figures, sizeof *figures) != sizeof *figures)
    {
      g_strlcpy (figures->message, "the reading process died", sizeof figures->message);
      figures->ok = FALSE;
    }
  close (fds[0]);
  while (pid > 0 && wait4 (pid, &status, 0, &usage) < 0 && errno == EINTR)
    ;
  *peak_mib = pid > 0 ? usage.ru_maxrss / 1024.0 : 0;   /* ru_maxrss is in KiB */
  return figures->ok;
}

/* Drops the file's pages from the page cache, so the next read comes
 * from the disk. */
static void
drop_cached (const char *path)
{
  int fd = open (path, O_RDONLY);

  if (fd < 0)
    return;
  fdatasync (fd);
  posix_fadvise (fd, 0, 0, POSIX_FADV_DONTNEED);
  close (fd);
}

static void
print_row (const char        *format,
           const char        *pass,
           double             file_gb,
           const ReadFigures *r,
           double             peak_mib,
           gboolean           whole)
{
  if (!r->ok)
    {
      printf ("%-5s %-5s  failed: %s\n", format, pass, r->message);
      return;
    }
  if (whole)
    printf ("%-5s %-5s %7.2f %8s %28s %9.1f %8.0f %10.0f\n", format, pass, file_gb, "-", "(one load)",
            r->total_s, file_gb * 1000 / r->total_s, peak_mib);
  else
    printf ("%-5s %-5s %7.2f %8.1f %8.1f %9.1f %9.1f %9.1f %8.0f %10.0f\n", format, pass, file_gb,
            r->open_s * 1e3, r->frame_min_s * 1e3, r->frame_median_s * 1e3, r->frame_max_s * 1e3,
            r->total_s, file_gb * 1000 / r->total_s, peak_mib);
  fflush (stdout);
}

static gboolean
bench_format (const AlBenchStack *stack,
              const char         *format,
              const char         *dir,
              gboolean            whole)
{
  g_autofree char *name = g_strdup_printf ("atomlens-bench-io-%d.%s", (int) getpid (),
                                           g_str_equal (format, "tiff") ? "tif" : format);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  ReadFigures r;
  GStatBuf st;
  double peak, file_gb, write_s;

  if (!al_bench_stack_write (stack, format, path, &error))
    {
      g_unlink (path);
      printf ("%-5s failed to write: %s\n", format, error->message);
      return FALSE;
    }
  write_s = (g_get_monotonic_time () - start) * 1e-6;
  file_gb = g_stat (path, &st) == 0 ? st.st_size / BYTES_PER_GB : 0;
  printf ("%-5s write %7.2f GB in %.1f s\n", format, file_gb, write_s);
  drop_cached (path);
  measure (stack, path, FALSE, &r, &peak);
  print_row (format, "cold", file_gb, &r, peak, FALSE);
  measure (stack, path, FALSE, &r, &peak);
  print_row (format, "warm", file_gb, &r, peak, FALSE);
  if (whole)
    {
      measure (stack, path, TRUE, &r, &peak);
      print_row (format, "whole", file_gb, &r, peak, TRUE);
    }
  g_unlink (path);
  return r.ok;
}

int
al_cli_bench_io (int    argc,
                 char **argv)
{
  int side = 4096, n_frames = 100;
  gboolean whole = FALSE;
  g_autofree char *formats_text = NULL, *dir = NULL;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &side, "Frame side in pixels (default 4096)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames, "Frames (default 100)", "F" },
    { "formats", 0, 0, G_OPTION_ARG_STRING, &formats_text,
      "Comma-separated: tiff, mrc, dm4, ser (default all)", "LIST" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Folder for the stacks (default /tmp); each is deleted after", "DIR" },
    { "whole", 0, 0, G_OPTION_ARG_NONE, &whole, "Also load each stack whole, at once", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_auto (GStrv) formats = NULL;
  AlBenchStack stack;
  int status = 0;

  g_option_context_set_summary (context, "Read a float32 stack frame by frame in each format: time and peak memory.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (side < 16 || side > 16384 || n_frames < 1 || n_frames > 100000)
    return al_cli_fail ("--size must be 16–16384 and --frames 1–100000");
  stack = (AlBenchStack) { (guint) side, (guint) n_frames };
  formats = g_strsplit (formats_text != NULL ? formats_text : "tiff,mrc,dm4,ser", ",", -1);
  printf ("stack %d × %d × %d float32 (%.2f GB) in %s; memory budget %.0f MiB\n", side, side, n_frames,
          (double) side * side * n_frames * 4 / BYTES_PER_GB, dir != NULL ? dir : "/tmp",
          al_limits_get_memory_budget () / BYTES_PER_MIB);
  printf ("%-5s %-5s %7s %8s %8s %9s %9s %9s %8s %10s\n", "fmt", "pass", "GB", "open ms", "frame ms",
          "median ms", "max ms", "stack s", "MB/s", "peak MiB");
  for (guint i = 0; formats[i] != NULL; i++)
    if (!bench_format (&stack, formats[i], dir != NULL ? dir : "/tmp", whole))
      status = 1;
  return status;
}
