/* cli-bench-nn.c: `atomlens-cli bench nn`: the inference engine's speed on
 * a U-Net (by default the reference U-Net of models/train/reference_unet.py),
 * in ms per megapixel of image and GFLOP/s, beside OpenBLAS's SGEMM peak on
 * this machine, with the process's peak memory. models/train/bench_torch.py
 * runs it beside PyTorch and prints the ratio. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "cli-bench.h"
#include "nn/al-nn.h"

/* Side of the square SGEMM that measures OpenBLAS's peak. */
#define SGEMM_PEAK_N 1024
#define BENCH_SEED 1234

static double
sgemm_peak (guint n_threads)
{
  gsize n = SGEMM_PEAK_N;
  g_autofree float *a = g_new (float, n * n), *b = g_new (float, n * n), *c = g_new (float, n * n);
  double best = 0;

  for (gsize i = 0; i < n * n; i++)
    a[i] = b[i] = (float) (i % 7) * 0.1f;
  openblas_set_num_threads (n_threads);
  for (guint r = 0; r < 4; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.f, a, n, b, n, 0.f, c, n);
      best = MAX (best, 2.0 * n * n * n / ((g_get_monotonic_time () - t0) * 1e-6) / 1e9);
    }
  openblas_set_num_threads (1);
  return best;
}

static GArray *
parse_list (const char *text)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *end;
      long v = strtol (parts[i], &end, 10);
      if (*end != '\0' || v < 1 || v > 65536)
        {
          g_array_unref (list);
          return NULL;
        }
      guint u = (guint) v;
      g_array_append_val (list, u);
    }
  return list;
}

/* CPU seconds of every thread of the process: on a shared machine this
 * says more about the work than the wall clock does. */
static double
cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double
peak_rss_mb (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

int
al_cli_bench_nn (int    argc,
                 char **argv)
{
  g_autofree char *model_path = NULL, *sizes_text = NULL, *threads_text = NULL;
  int repeat = 2, tile = 0, memory_mb = 0;
  gboolean no_peak = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path, "ONNX U-Net (default: the reference U-Net)", "M.onnx" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &sizes_text, "Image sides, comma-separated (default 512,1024,2048)", "N" },
    { "threads", 't', 0, G_OPTION_ARG_STRING, &threads_text, "Thread counts (default 1,2)", "T" },
    { "repeat", 'r', 0, G_OPTION_ARG_INT, &repeat, "Runs per figure; the best counts (default 2)", "R" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, "Tile side (default: from the memory budget)", "N" },
    { "memory-mb", 0, 0, G_OPTION_ARG_INT, &memory_mb, "Working memory budget (default 400)", "MB" },
    { "no-peak", 0, 0, G_OPTION_ARG_NONE, &no_peak, "Skip the SGEMM peak measurement", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;
  g_autoptr (GArray) sizes = NULL, threads = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (BENCH_SEED);

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_summary (context, "Time the inference engine on a U-Net.");
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (model_path == NULL)
    model_path = g_strdup (AL_NN_BENCH_MODEL);
  sizes = parse_list (sizes_text != NULL ? sizes_text : "512,1024,2048");
  threads = parse_list (threads_text != NULL ? threads_text : "1,2");
  if (sizes == NULL || threads == NULL || repeat < 1 || tile < 0 || memory_mb < 0)
    return al_cli_fail ("--size and --threads take positive integers, comma-separated");
  model = al_nn_model_load (model_path, &error);
  if (model == NULL)
    return al_cli_fail ("%s", error->message);

  printf ("model: %s (%u → %u channels, receptive radius %u px, alignment %u)\n", model_path,
          al_nn_model_get_in_channels (model), al_nn_model_get_out_channels (model),
          al_nn_model_get_receptive_radius (model), al_nn_model_get_alignment (model));
  printf ("convolution work: %.2f GFLOP per megapixel\n", al_nn_model_get_flops (model, 1024, 1024) / 1.048576e9);
  printf ("%6s %7s %11s %8s %9s %10s %10s %9s\n", "size", "threads", "tile", "tiles", "ms/MP",
          "GFLOP/s", "of SGEMM", "RSS MB");
  for (guint t = 0; t < threads->len; t++)
    {
      guint n_threads = g_array_index (threads, guint, t);
      double peak = no_peak ? 0 : sgemm_peak (n_threads);

      for (guint s = 0; s < sizes->len; s++)
        {
          guint n = g_array_index (sizes, guint, s), tw, th, n_tiles;
          gsize n_pixels = (gsize) n * n;
          g_autofree float *image = g_try_new (float, n_pixels);
          g_autofree float *out = g_try_new (float, n_pixels * al_nn_model_get_out_channels (model));
          AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
          double best = G_MAXDOUBLE, best_cpu = G_MAXDOUBLE, mp = n_pixels / 1e6, gflops;

          if (image == NULL || out == NULL)
            return al_cli_fail ("not enough memory for a %u × %u image", n, n);
          for (gsize i = 0; i < n_pixels; i++)
            image[i] = (float) g_rand_double (rand);
          opts.n_threads = n_threads;
          opts.tile_size = (guint) tile;
          if (memory_mb > 0)
            opts.memory_budget = (gsize) memory_mb << 20;
          if (!al_nn_run_tiled_layout (model, n, n, &opts, &tw, &th, &n_tiles, &error))
            return al_cli_fail ("%s", error->message);
          for (int r = 0; r < repeat; r++)
            {
              gint64 t0 = g_get_monotonic_time ();
              double c0 = cpu_seconds ();
              if (!al_nn_run_tiled (model, image, n, n, al_nn_model_get_in_channels (model), out, &opts,
                                    NULL, NULL, &error))
                return al_cli_fail ("%s", error->message);
              best = MIN (best, (g_get_monotonic_time () - t0) * 1e-3);
              best_cpu = MIN (best_cpu, (cpu_seconds () - c0) * 1e3);
            }
          /* work the tiles executed, overlap included */
          gflops = al_nn_model_get_flops (model, tw, th) * n_tiles / (best * 1e-3) / 1e9;
          printf ("%6u %7u %5u×%-5u %8u %9.1f %10.1f %9.0f%% %9.0f\n", n, n_threads, tw, th, n_tiles,
                  best / mp, gflops, peak > 0 ? 100 * gflops / peak : 0, peak_rss_mb ());
          printf ("nn-result size=%u threads=%u ms_per_mp=%.2f gflops=%.2f sgemm_peak=%.2f rss_mb=%.0f "
                  "cpu_ms_per_mp=%.2f\n", n, n_threads, best / mp, gflops, peak, peak_rss_mb (),
                  best_cpu / mp);
          fflush (stdout);
        }
    }
  return 0;
}
