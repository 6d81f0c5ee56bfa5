/* cli-bench.c: `atomlens-cli bench [NAME [OPTION…]]` (DESIGN.md §8).
 * Speed figures are programs, not timed tests. */
#include <stdio.h>
#include <string.h>

#include "cli-bench.h"

/* One line per benchmark; its function parses its own options. */
static const AlCliCommand benches[] = {
  { "nn", "Inference engine: ms per megapixel and GFLOP/s on a U-Net", al_cli_bench_nn },
  { "chem", "Bonds, rings, defects, strain of 100,000 atoms (--accuracy: on simulated images)", al_cli_bench_chem },
  { "gpa", "Geometric phase analysis of a 4096² image", al_cli_bench_gpa },
  { "simulate", "Simulator: seconds for a 2048×2048 MoS2 image with defects", al_cli_bench_simulate },
  { "detect", "Detection: seconds for a 2048×2048 MoS2 image, 2 threads", al_cli_bench_detect },
  { "track", "Series: frames/s of the whole pipeline on a 512² MoS2 series, drift and tracks", al_cli_bench_track },
  { "io", "Reading a 4096×4096×100 float32 stack frame by frame (TIFF, MRC, DM4, SER): time, peak memory", al_cli_bench_io },
};

int
al_cli_bench (int    argc,
              char **argv)
{
  int status = 0;

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      printf ("Usage: atomlens-cli bench [NAME [OPTION…]]\n\nBenchmarks (all of them without NAME):\n");
      for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
        printf ("  %-10s %s\n", benches[i].name, benches[i].summary);
      return 0;
    }
  if (argc >= 2)
    {
      for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
        if (strcmp (argv[1], benches[i].name) == 0)
          return benches[i].run (argc - 1, argv + 1);
      return al_cli_fail ("unknown benchmark “%s” (try “atomlens-cli bench --help”)", argv[1]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    {
      char *sub_argv[] = { (char *) benches[i].name, NULL };
      printf ("== bench %s ==\n", benches[i].name);
      fflush (stdout);
      status |= benches[i].run (1, sub_argv);
    }
  return status;
}
