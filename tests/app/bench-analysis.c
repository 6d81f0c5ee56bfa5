/* bench-analysis.c: how responsive the window stays while it analyses an
 * image, and how fast Cancel lets go. Not a test (speed goals live in
 * benchmarks): run it under Xvfb with the Cairo renderer, as `./run bench`
 * does:
 *
 *   GSK_RENDERER=cairo xvfb-run -a build/tests/app/bench-analysis [IMAGE]
 *
 * IMAGE defaults to the bundled 2048² MoS2 sample; the material is found
 * automatically.
 * A 1 ms timeout ticks on the main loop from Analyze until a second after
 * the results are on screen (their first frames drawn, the autosave
 * started); the longest gap between two ticks is the longest stall. Each
 * gap is also measured in the main thread's CPU time, which a busy machine
 * does not inflate: the wall figure counts time the scheduler gave to other
 * processes. Then analyses are started again and cancelled a little into
 * each stage in turn; the latency is the time from Cancel until the worker
 * has let go (al_window_get_busy () FALSE).
 *
 * `--no-cancel` skips the Cancel runs. Each listed gap names its start and
 * end on the monotonic clock (µs), so that a profile taken with
 * `perf record -k CLOCK_MONOTONIC` can be cut to the busiest gaps.
 */
#include <stdio.h>

#include "al-canvas-private.h"
#include "al-test.h"
#include "al-window.h"

/* Ticks go on this long after the results arrived (µs). */
#define AFTER_RESULTS_US (1500 * 1000)
/* Gaps in which the main thread worked at least this long are listed (ms). */
#define LIST_GAP_CPU_MS 4.0
/* Cancel this long after a stage began (µs), at most this many stages. */
#define CANCEL_AFTER_US (100 * 1000)
#define MAX_STAGES 12
/* Main-thread CPU per gap is counted in these bins (upper edges, ms). */
static const double cpu_bins_ms[] = { 1, 2, 4, 8, 16, 32, 50 };
#define N_CPU_BINS (G_N_ELEMENTS (cpu_bins_ms) + 1)

typedef struct
{
  gint64 last;
  gint64 last_cpu;
  gint64 longest;
  gint64 longest_cpu;
  gint64 longest_cpu_of_longest;
  guint  n_over_50;
  guint  n_cpu_over_50;
  guint  n_ticks;
  guint  n_cpu_bin[N_CPU_BINS];
} Stall;

static void
count_cpu (Stall *s,
           gint64 gap_cpu)
{
  guint bin = 0;

  while (bin < G_N_ELEMENTS (cpu_bins_ms) && gap_cpu / 1000.0 > cpu_bins_ms[bin])
    bin++;
  s->n_cpu_bin[bin]++;
}

static void
print_cpu_bins (const Stall *s)
{
  printf ("  main thread CPU per gap:");
  for (guint b = 0; b < N_CPU_BINS; b++)
    {
      if (b < G_N_ELEMENTS (cpu_bins_ms))
        printf (" ≤%g ms: %u,", cpu_bins_ms[b], s->n_cpu_bin[b]);
      else
        printf (" more: %u\n", s->n_cpu_bin[b]);
    }
}

static gboolean
tick (gpointer data)
{
  Stall *s = data;
  gint64 now = g_get_monotonic_time (), cpu = _al_thread_cpu_time_us ();

  if (s->last != 0)
    {
      gint64 gap = now - s->last, gap_cpu = cpu - s->last_cpu;
      if (gap > s->longest)
        s->longest = gap, s->longest_cpu_of_longest = gap_cpu;
      s->longest_cpu = MAX (s->longest_cpu, gap_cpu);
      s->n_over_50 += gap > 50000;
      s->n_cpu_over_50 += gap_cpu > 50000;
      count_cpu (s, gap_cpu);
      if (gap_cpu / 1000.0 >= LIST_GAP_CPU_MS)
        printf ("  gap %.1f ms (main thread CPU %.1f ms) from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " µs\n",
                gap / 1000.0, gap_cpu / 1000.0, s->last, now);
    }
  s->last = now;
  s->last_cpu = cpu;
  s->n_ticks++;
  return G_SOURCE_CONTINUE;
}

static GtkWidget *
find_progress_bar (GtkWidget *widget)
{
  if (GTK_IS_PROGRESS_BAR (widget))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_progress_bar (c);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
iterate_while (gboolean (*busy) (AlWindow *),
               AlWindow *window)
{
  while (busy (window))
    g_main_context_iteration (NULL, TRUE);
}

static void
iterate_for (gint64 us)
{
  gint64 end = g_get_monotonic_time () + us;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

static void
measure_analysis (AlWindow   *window,
                  const char *what)
{
  Stall stall = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint tick_id = g_timeout_add (1, tick, &stall);

  printf ("analysis into %s:\n", what);
  al_window_analyze (window);
  iterate_while (al_window_get_analyzing, window);
  printf ("  results after %.1f s\n", (g_get_monotonic_time () - start) / 1e6);
  iterate_for (AFTER_RESULTS_US);
  iterate_while (al_window_get_busy, window);
  g_source_remove (tick_id);
  if (al_window_get_analysis_error (window) != NULL)
    g_error ("%s", al_window_get_analysis_error (window)->message);
  printf ("  longest main-loop stall: %.1f ms wall (main thread CPU in it %.1f ms); "
          "longest in main thread CPU: %.1f ms; gaps over 50 ms: %u wall, %u CPU; %u ticks\n",
          stall.longest / 1000.0, stall.longest_cpu_of_longest / 1000.0, stall.longest_cpu / 1000.0,
          stall.n_over_50, stall.n_cpu_over_50, stall.n_ticks);
  print_cpu_bins (&stall);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr (AlApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;
  AlWindow *window;
  gint64 cancelled;
  g_autofree char *state_dir = NULL;
  GtkProgressBar *bar;
  const AlFrameResult *r;
  gboolean cancel_runs = TRUE;

  /* Autosaves (recovery files) go to a throwaway folder, not the user's. */
  state_dir = g_dir_make_tmp ("atomlens-bench-XXXXXX", NULL);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);
  gtk_init ();
  if (argc > 1 && g_str_equal (argv[1], "--no-cancel"))
    cancel_runs = FALSE, argc--, argv++;
  if (argc > 1)
    path = g_strdup (argv[1]);
  else
    path = g_build_filename (g_getenv ("AL_SOURCE_ROOT") != NULL ? g_getenv ("AL_SOURCE_ROOT") : ".",
                             "data", "samples", "mos2.tif", NULL);
  app = al_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  window = al_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  gtk_window_present (GTK_WINDOW (window));
  file = g_file_new_for_path (path);
  al_window_open_file (window, file);
  iterate_while (al_window_get_loading, window);
  if (al_window_get_load_error (window) != NULL)
    g_error ("%s", al_window_get_load_error (window)->message);
  iterate_for (500 * 1000);

  printf ("analysis of %s:\n", path);
  measure_analysis (window, "a new document");
  r = al_results_get_frame (al_window_get_results (window), 0);
  printf ("  %u atoms, %u defects\n", r->atoms->n_atoms,
          r->structure != NULL && r->structure->defects != NULL ? al_defects_len (r->structure->defects) : 0);
  /* Again: now merged into the document, whose hand edits it keeps. */
  measure_analysis (window, "the document made by the first");

  /* Cancel runs in each stage in turn: the k-th stage named. */
  bar = GTK_PROGRESS_BAR (find_progress_bar (GTK_WIDGET (window)));
  for (guint k = 1; cancel_runs && k < MAX_STAGES; k++)
    {
      g_autofree char *stage = NULL;
      guint n_seen = 0;

      iterate_while (al_window_get_busy, window);
      al_window_analyze (window);
      stage = g_strdup (gtk_progress_bar_get_text (bar));
      while (al_window_get_analyzing (window) && n_seen < k)
        {
          g_main_context_iteration (NULL, TRUE);
          if (g_strcmp0 (gtk_progress_bar_get_text (bar), stage) != 0)
            {
              g_free (stage);
              stage = g_strdup (gtk_progress_bar_get_text (bar));
              n_seen++;
            }
        }
      if (!al_window_get_analyzing (window))
        break;
      /* Into the stage a little. */
      iterate_for (CANCEL_AFTER_US);
      if (!al_window_get_analyzing (window))
        break;
      g_free (stage);
      stage = g_strdup (gtk_progress_bar_get_text (bar));
      cancelled = g_get_monotonic_time ();
      al_window_cancel (window);
      iterate_while (al_window_get_busy, window);
      printf ("cancel during \"%s\": the worker let go %.1f ms after Cancel (the window was idle at once)\n",
              stage, (g_get_monotonic_time () - cancelled) / 1000.0);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  if (state_dir != NULL)
    al_test_rmdir (state_dir);
  return 0;
}
