/* cli-bench-detect.c: `atomlens-cli bench detect`: the whole detection
 * stage (lattice, width, peaks, joint fitting, species) on a simulated
 * 2048×2048 MoS2 image with the defects of the bundled sample, with a
 * given number of threads (goal: under 3 s with 2 threads). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli-bench.h"
#include "detect/al-detect.h"
#include "simulate/al-simulate.h"

#define BENCH_DETECT_SPEC "V_S=0.02,V_S2=0.005,V_Mo=0.003,Mo_S2=0.003,W_Mo=0.01,grain_boundary=1,phase_1T=1"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
al_cli_bench_detect (int    argc,
                     char **argv)
{
  int size = 2048, repeat = 3, threads = 2;
  double dose = 0.0;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Image side in pixels (default 2048)", "N" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs (default 3)", "R" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "Threads (default 2)", "T" },
    { "dose", 0, 0, G_OPTION_ARG_DOUBLE, &dose, "Dose, e⁻/Å² (default: the simulator's)", "D" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  g_autofree double *wall = NULL, *cpu = NULL;
  const AlMaterial *material = al_material_get (AL_MATERIAL_MOS2);
  AlSimParams sp;
  AlDetectParams dp;
  guint n_atoms = 0;
  AlDetectInfo info = { 0 };

  g_option_context_set_summary (context, "Time detection on a simulated 2048×2048 MoS2 image.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (size < 64 || size > 16384 || repeat < 1 || repeat > 100 || threads < 1 || threads > 64)
    return al_cli_fail ("--size must be 64–16384, --repeat 1–100 and --threads 1–64");

  al_sim_params_init (&sp, material);
  sp.width = sp.height = (guint) size;
  sp.seed = 20261125;
  if (dose > 0)
    sp.dose = dose;
  if (!al_sim_defect_spec_parse (&sp.defects, material, BENCH_DETECT_SPEC, &error))
    return al_cli_fail ("%s", error->message);
  sim = al_simulate_run (&sp, NULL, NULL, &error);
  if (sim == NULL)
    return al_cli_fail ("%s", error->message);

  al_detect_params_init (&dp);
  dp.material = material;
  dp.pixel_size_nm = sim->image->pixel_size;
  dp.n_threads = (guint) threads;
  wall = g_new (double, repeat);
  cpu = g_new (double, repeat);
  for (int r = 0; r < repeat; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      clock_t c0 = clock ();
      g_autoptr (AlAtoms) atoms = al_detect_run (al_image_frame (sim->image, 0), sim->image->width,
                                                 sim->image->height, &dp, &info, NULL, NULL, &error);
      if (atoms == NULL)
        return al_cli_fail ("%s", error->message);
      wall[r] = (g_get_monotonic_time () - t0) / 1e6;
      cpu[r] = (double) (clock () - c0) / CLOCKS_PER_SEC;
      n_atoms = atoms->n_atoms;
    }
  qsort (wall, repeat, sizeof *wall, compare_doubles);
  qsort (cpu, repeat, sizeof *cpu, compare_doubles);
  printf ("detect mos2 %d×%d, %g e⁻/Å², %u columns found: wall min %.3f s, median %.3f s; "
          "CPU (all threads) min %.3f s (%d runs, %d threads)\n",
          size, size, sp.dose, n_atoms, wall[0], wall[repeat / 2], cpu[0], repeat, threads);
  printf ("stages of the last run (wall): lattice and width %.3f s, map and peaks %.3f s, "
          "fitting %.3f s, species %.3f s\n",
          info.time_lattice_s, info.time_peaks_s, info.time_refine_s, info.time_species_s);
  return 0;
}
