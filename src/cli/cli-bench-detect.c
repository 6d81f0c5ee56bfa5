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

/* Each step's least CPU time over the runs (the load of a shared machine
 * only adds to it). */
static void
keep_fastest_steps (AlDetectInfo       *best,
                    const AlDetectInfo *run,
                    gboolean            first)
{
  for (guint s = 0; s < AL_DETECT_N_STEPS; s++)
    if (first || run->step_cpu_s[s] < best->step_cpu_s[s])
      {
        best->step_wall_s[s] = run->step_wall_s[s];
        best->step_cpu_s[s] = run->step_cpu_s[s];
        best->step_thread_cpu_s[s] = run->step_thread_cpu_s[s];
      }
}

/* The calling thread takes a share of every parallel step, so its CPU time
 * is what the wall time would be on an idle machine with balanced shares;
 * with T threads, CPU = serial + parallel and the caller's = serial +
 * parallel / T, which gives the parallel fraction. */
static void
print_steps (const AlDetectInfo *best,
             int                 threads)
{
  double cpu = 0, caller = 0, wall = 0;

  printf ("%-16s %9s %9s %9s\n", "step (least CPU)", "CPU s", "caller s", "wall s");
  for (guint s = 0; s < AL_DETECT_N_STEPS; s++)
    {
      printf ("%-16s %9.3f %9.3f %9.3f\n", al_detect_step_name (s), best->step_cpu_s[s],
              best->step_thread_cpu_s[s], best->step_wall_s[s]);
      cpu += best->step_cpu_s[s];
      caller += best->step_thread_cpu_s[s];
      wall += best->step_wall_s[s];
    }
  printf ("%-16s %9.3f %9.3f %9.3f\n", "total", cpu, caller, wall);
  if (threads > 1 && cpu > 0)
    {
      double parallel = (cpu - caller) * threads / (threads - 1);
      printf ("parallel fraction of the CPU %.2f; expected wall on an idle machine "
              "with %d threads %.3f s\n", MIN (parallel / cpu, 1.0), threads, caller);
    }
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
  AlDetectInfo best = { 0 };

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
      keep_fastest_steps (&best, &info, r == 0);
    }
  qsort (wall, repeat, sizeof *wall, compare_doubles);
  qsort (cpu, repeat, sizeof *cpu, compare_doubles);
  printf ("detect mos2 %d×%d, %g e⁻/Å², %u columns found: wall min %.3f s, median %.3f s; "
          "CPU (all threads) min %.3f s (%d runs, %d threads)\n",
          size, size, sp.dose, n_atoms, wall[0], wall[repeat / 2], cpu[0], repeat, threads);
  print_steps (&best, threads);
  return 0;
}
