/* cli-bench-simulate.c: `atomlens-cli bench simulate`: how long the
 * simulator takes for a 2048×2048 MoS2 image with the defects of the
 * bundled sample (goal: under 5 s on a 2-core machine). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli-bench.h"
#include "simulate/al-simulate.h"

#define BENCH_SIMULATE_SPEC "V_S=0.02,V_S2=0.005,V_Mo=0.003,Mo_S2=0.003,W_Mo=0.01,grain_boundary=1,phase_1T=1"

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

int
al_cli_bench_simulate (int    argc,
                       char **argv)
{
  int size = 2048, repeat = 3;
  g_autofree char *material_name = NULL;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Image side in pixels (default 2048)", "N" },
    { "repeat", 0, 0, G_OPTION_ARG_INT, &repeat, "Runs (default 3)", "R" },
    { "material", 0, 0, G_OPTION_ARG_STRING, &material_name, "Material (default mos2)", "M" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autofree double *wall = NULL, *cpu = NULL;
  const AlMaterial *material;
  AlSimParams params;

  g_option_context_set_summary (context, "Time the simulator on a 2048×2048 MoS2 image with defects.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  material = al_material_from_name (material_name ? material_name : "mos2");
  if (material == NULL)
    return al_cli_fail ("unknown material “%s”", material_name);
  if (size < 8 || size > 16384 || repeat < 1 || repeat > 100)
    return al_cli_fail ("--size must be 8–16384 and --repeat 1–100");

  al_sim_params_init (&params, material);
  params.width = params.height = (guint) size;
  params.seed = 20261125;
  if (material->is_tmd && !al_sim_defect_spec_parse (&params.defects, material, BENCH_SIMULATE_SPEC, &error))
    return al_cli_fail ("%s", error->message);
  wall = g_new (double, repeat);
  cpu = g_new (double, repeat);
  for (int r = 0; r < repeat; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      clock_t c0 = clock ();
      g_autoptr (AlSimResult) result = al_simulate_run (&params, NULL, NULL, &error);
      if (result == NULL)
        return al_cli_fail ("%s", error->message);
      wall[r] = (g_get_monotonic_time () - t0) / 1e6;
      cpu[r] = (double) (clock () - c0) / CLOCKS_PER_SEC;
    }
  qsort (wall, repeat, sizeof *wall, compare_doubles);
  qsort (cpu, repeat, sizeof *cpu, compare_doubles);
  printf ("simulate %s %d×%d (HAADF, noise, defects of the sample): wall min %.3f s, median %.3f s; "
          "CPU min %.3f s (%d runs; one thread)\n",
          material->name, size, size, wall[0], wall[repeat / 2], cpu[0], repeat);
  return 0;
}
