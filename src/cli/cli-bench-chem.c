/* cli-bench-chem.c: speed of the structure stage (bench chem) and of GPA
 * (bench gpa) on synthetic lattices built in code with a fixed seed.
 * Times are the median of several runs, wall clock. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cli-bench.h"
#include "defects/al-structure.h"
#include "strain/al-gpa.h"
#include "strain/al-honeycomb.h"

#define BENCH_RUNS 5

/* CPU time of this thread, s: on a loaded machine the fair figure for a
 * single-threaded stage, beside wall time. */
static double
thread_cpu_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
/* MoS2 at 0.03 nm/px: a = 10.5 px. */
#define BENCH_PIXEL_NM 0.03
#define BENCH_JITTER_NM 0.003

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
median (double *v,
        guint   n)
{
  qsort (v, n, sizeof *v, compare_double);
  return v[n / 2];
}

static double
gauss (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* A MoS2 honeycomb of about n_atoms columns with 3 pm of position noise,
 * 1 % chalcogen vacancies, 0.5 % W and 0.2 % S columns. */
static AlAtoms *
make_lattice (guint             n_atoms,
              const AlMaterial *m,
              guint            *side_px)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  AlAtoms *atoms = al_atoms_new (n_atoms);
  double a = m->a_nm / BENCH_PIXEL_NM;
  double area = n_atoms * (sqrt (3.0) / 4.0) * a * a;
  double side = ceil (sqrt (area));
  AlHoneycomb l;
  int n = (int) (side / a * 1.5) + 2;

  al_honeycomb_ideal (&l, a, 0.1);
  for (int n2 = -n; n2 <= n; n2++)
    for (int n1 = -n; n1 <= 2 * n; n1++)
      for (int s = 0; s < 2; s++)
        {
          double x, y, r = g_rand_double (rand);
          int species = s == 0 ? (r < 0.005 ? 3 : 0) : (r < 0.002 ? 2 : 1);
          al_honeycomb_site (&l, n1, n2, s, &x, &y);
          if (x < 2 || y < 2 || x >= side - 2 || y >= side - 2 || (s == 1 && r > 0.99))
            continue;
          al_atoms_append (atoms, x + gauss (rand) * BENCH_JITTER_NM / BENCH_PIXEL_NM,
                           y + gauss (rand) * BENCH_JITTER_NM / BENCH_PIXEL_NM, species);
        }
  *side_px = (guint) side;
  return atoms;
}

int
al_cli_bench_chem (int    argc,
                   char **argv)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  guint side;
  int n_wanted = 100000;
  gboolean accuracy = FALSE;
  GOptionEntry entries[] = {
    { "atoms", 0, 0, G_OPTION_ARG_INT, &n_wanted, "Columns of the MoS2 lattice (default 100000)",
      "N" },
    { "accuracy", 0, 0, G_OPTION_ARG_NONE, &accuracy,
      "Accuracy on simulated images instead (its options: bench chem --accuracy --help)", NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (AlAtoms) atoms = NULL;
  double t[BENCH_RUNS], cpu[BENCH_RUNS];
  guint n_defects = 0;

  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--accuracy") == 0)
      return al_cli_bench_chem_accuracy (argc, argv);
  g_option_context_set_summary (context, "Time bonds, rings, defects and strain of a MoS2 lattice.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1 || n_wanted < 100 || n_wanted > 10000000)
    return al_cli_fail ("bench chem takes --atoms N (100–10000000) and no other argument");
  atoms = make_lattice ((guint) n_wanted, m, &side);
  for (int r = 0; r < BENCH_RUNS; r++)
    {
      g_autoptr (AlAtoms) copy = al_atoms_copy (atoms);
      AlStructureParams params = { { 0 }, { 0 }, side, side };
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double c0 = thread_cpu_s ();
      g_autoptr (AlStructure) s = al_structure_analyze (copy, m, BENCH_PIXEL_NM, 0, &params,
                                                        NULL, NULL, &error);
      t[r] = (g_get_monotonic_time () - start) * 1e-6;
      cpu[r] = thread_cpu_s () - c0;
      if (s == NULL)
        return al_cli_fail ("bench chem: %s", error->message);
      n_defects = al_defects_len (s->defects);
    }
  printf ("chem.atoms: %u\n", atoms->n_atoms);
  printf ("chem.defects: %u\n", n_defects);
  printf ("chem.structure_s: %.3f (wall, median of %d; graph + rings + lattice + per-atom strain + defects + phases)\n",
          median (t, BENCH_RUNS), BENCH_RUNS);
  printf ("chem.structure_cpu_s: %.3f (CPU time of the one thread, median)\n", median (cpu, BENCH_RUNS));
  return 0;
}

/* A 4096² image of Gaussian columns on a honeycomb with a gentle strain
 * gradient, as GPA sees a real image. */
static float *
make_image (guint side)
{
  float *img = g_new0 (float, (gsize) side * side);
  const double a = 14.0, sigma = 1.5;
  AlHoneycomb l;
  int n = (int) (side / a * 1.6) + 2;

  al_honeycomb_ideal (&l, a, 0.3);
  for (int n2 = -n; n2 <= n; n2++)
    for (int n1 = -n; n1 <= 2 * n; n1++)
      for (int s = 0; s < 2; s++)
        {
          double x, y;
          int cx, cy;
          al_honeycomb_site (&l, n1, n2, s, &x, &y);
          x *= 1.0 + 0.01 * y / side;
          cx = (int) lround (x);
          cy = (int) lround (y);
          if (cx < 0 || cy < 0 || cx >= (int) side || cy >= (int) side)
            continue;
          for (int yy = MAX (cy - 5, 0); yy <= MIN (cy + 5, (int) side - 1); yy++)
            for (int xx = MAX (cx - 5, 0); xx <= MIN (cx + 5, (int) side - 1); xx++)
              img[(gsize) yy * side + xx] += (s ? 0.6f : 1.0f)
                * (float) exp (-((xx - x) * (xx - x) + (yy - y) * (yy - y)) / (2 * sigma * sigma));
        }
  return img;
}

int
al_cli_bench_gpa (int    argc,
                  char **argv)
{
  int side = 4096;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &side, "Image side in pixels (default 4096)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autofree float *img = NULL;
  double t[BENCH_RUNS], cpu[BENCH_RUNS];
  int runs = 3;

  g_option_context_set_summary (context, "Time geometric phase analysis of a simulated image.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc > 1 || side < 64 || side > 16384)
    return al_cli_fail ("bench gpa takes --size N (64–16384) and no other argument");
  img = make_image ((guint) side);
  for (int r = 0; r < runs; r++)
    {
      g_autoptr (GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double c0 = thread_cpu_s ();
      g_autoptr (AlGpaMaps) maps = al_gpa_run (img, side, side, NULL, NULL, &error);
      t[r] = (g_get_monotonic_time () - start) * 1e-6;
      cpu[r] = thread_cpu_s () - c0;
      if (maps == NULL)
        return al_cli_fail ("bench gpa: %s", error->message);
    }
  printf ("gpa.size_px: %d\n", side);
  printf ("gpa.seconds: %.3f (wall, median of %d; automatic reflections, per-pixel exx/eyy/exy/rotation)\n",
          median (t, runs), runs);
  printf ("gpa.cpu_s: %.3f (CPU time of the one thread, median)\n", median (cpu, runs));
  return 0;
}
