/* cli-bench-track.c: `atomlens-cli bench track`: frames per second of the
 * whole pipeline on a simulated MoS2 series (per-frame analysis, then
 * drift and defect tracks), and the share the series stage takes
 * (issue 9's goal: ≥ 10 frames/s at 512×512). */
#include <stdio.h>
#include <time.h>

#include "al-pipeline.h"
#include "cli-bench.h"
#include "simulate/al-simulate.h"
#include "track/al-series.h"

int
al_cli_bench_track (int    argc,
                    char **argv)
{
  int size = 512, n_frames = 10, n_threads = 0, phase_every = 0;
  GOptionEntry entries[] = {
    { "size", 0, 0, G_OPTION_ARG_INT, &size, "Frame side in pixels (default 512)", "N" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &n_frames, "Frames (default 10)", "F" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &n_threads, "Worker threads (default: all processors)", "N" },
    { "phase-every", 0, 0, G_OPTION_ARG_INT, &phase_every,
      "Run the phase network on every N-th frame (default 5; 1: every frame)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (AlSeries) series = NULL;
  AlSimParams sp;
  AlPipelineParams pp;
  gint64 t0, t1, t2;
  clock_t c0;

  g_option_context_set_summary (context, "Frames per second of the whole pipeline on a simulated MoS2 series.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (size < 64 || size > 4096 || n_frames < 2 || n_frames > 1000 || n_threads < 0 || n_threads > 64
      || phase_every < 0 || phase_every > 1000)
    return al_cli_fail ("--size must be 64–4096, --frames 2–1000, --threads 0–64 and --phase-every 0–1000");

  al_sim_params_init (&sp, al_material_from_name ("mos2"));
  sp.width = sp.height = (guint) size;
  sp.n_frames = (guint) n_frames;
  sp.seed = 20261125;
  if (!al_sim_defect_spec_parse (&sp.defects, sp.material, "V_S=0.03", &error)
      || !al_sim_scan_spec_parse (&sp.scan, "frame_drift=0.02", &error)
      || (sim = al_simulate_run (&sp, NULL, NULL, &error)) == NULL)
    return al_cli_fail ("%s", error->message);

  al_pipeline_params_init (&pp);
  pp.material = sp.material;
  pp.n_threads = n_threads > 0 ? (guint) n_threads : g_get_num_processors ();
  pp.phase_net_every = (guint) phase_every;
  t0 = g_get_monotonic_time ();
  c0 = clock ();
  analysis = al_pipeline_run (sim->image, &pp, NULL, NULL, &error);
  if (analysis == NULL)
    return al_cli_fail ("%s", error->message);
  t1 = g_get_monotonic_time ();
  series = al_series_track (sim->image, analysis, NULL, &error);
  if (series == NULL)
    return al_cli_fail ("%s", error->message);
  t2 = g_get_monotonic_time ();
  printf ("track: %d frames of %d×%d MoS2, %u threads: %.2f frames/s (wall %.2f s, CPU %.2f s); "
          "series stage (drift + tracks) %.1f ms, %u tracks\n",
          n_frames, size, size, pp.n_threads, n_frames / ((t2 - t0) * 1e-6), (t2 - t0) * 1e-6,
          (double) (clock () - c0) / CLOCKS_PER_SEC, (t2 - t1) * 1e-3, series->tracks->n_tracks);
  /* The stages' times are summed over the workers: thread time per frame. */
  printf ("per frame:");
  for (guint i = 0; i < analysis->timings->len; i++)
    {
      const AlStageTiming *t = &g_array_index (analysis->timings, AlStageTiming, i);
      printf (" %s %.1f ms%s", t->stage, 1e3 * t->seconds / n_frames,
              i + 1 < analysis->timings->len ? "," : "\n");
    }
  return 0;
}
