/* test-track-pipeline.c: the whole pipeline on simulated series: drift
 * refined on the columns it found, tracks of the defects it found, and
 * the hops and conversions among their events, against the truth. */
#include <math.h>

#include "al-pipeline.h"
#include "al-test.h"
#include "track-truth.h"
#include "track/al-drift.h"
#include "track/al-series.h"

/* Drift error, purity, completeness and the hop/convert events of the
 * whole pipeline on one simulated series. */
static TrackFigures
pipeline_series_figures (const char *material,
                         const char *defects,
                         guint64     seed,
                         double     *drift_error)
{
  g_autoptr (AlSimResult) r = al_test_simulate (material, SIZE, N_FRAMES, defects,
                                                "frame_drift=0.02", seed);
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (AlSeries) series = NULL;
  g_autoptr (AlTracks) truth = NULL, kept = NULL;
  g_autofree AlTrackFrame *tf = NULL, *ff = g_new0 (AlTrackFrame, N_FRAMES);
  g_autofree guint **ids = NULL;
  double tdx[N_FRAMES] = { 0 }, tdy[N_FRAMES] = { 0 }, worst = 0;
  double a_px = r->params.material->a_nm / r->params.pixel_size_nm;
  AlPipelineParams pp;
  AlTrackParams params;
  TrackFigures s;
  guint k = 0;

  al_pipeline_params_init (&pp);
  pp.material = r->params.material;
  pp.n_threads = 2;
  analysis = al_pipeline_run (r->image, &pp, NULL, NULL, &error);
  g_assert_no_error (error);
  series = al_series_track (r->image, analysis, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (series->n_frames, ==, N_FRAMES);
  for (guint f = 1; f < N_FRAMES; f++)
    {
      track_truth_step (r, f, &tdx[f], &tdy[f]);
      tdx[f] += tdx[f - 1];
      tdy[f] += tdy[f - 1];
      worst = MAX (worst, hypot (series->drift_x[f] - tdx[f], series->drift_y[f] - tdy[f]));
    }
  g_assert_cmpuint (series->n_refined, ==, N_FRAMES - 1);
  {
    /* Image correlation alone, for the record. */
    double cdx[N_FRAMES], cdy[N_FRAMES], cworst = 0;
    g_assert_true (al_drift_estimate (r->image, 0, N_FRAMES - 1, AL_SERIES_MAX_STEP_A * a_px,
                                      cdx, cdy, NULL, &error));
    for (guint f = 1; f < N_FRAMES; f++)
      {
        g_test_message ("frame %u: correlation error %.3f %.3f px, on columns %.3f %.3f px", f,
                        cdx[f] - tdx[f], cdy[f] - tdy[f], series->drift_x[f] - tdx[f],
                        series->drift_y[f] - tdy[f]);
        cworst = MAX (cworst, hypot (cdx[f] - tdx[f], cdy[f] - tdy[f]));
      }
    g_test_message ("drift error: image correlation %.3f px, refined on columns %.3f px", cworst, worst);
  }
  /* The found points per frame, in the order of the tracks' points. */
  for (guint f = 0; f < N_FRAMES; f++)
    {
      guint n = 0, start = k;
      double *x, *y;
      int *l;
      while (k < series->tracks->points->len
             && g_array_index (series->tracks->points, AlTrackPoint, k).frame == f)
        k++;
      n = k - start;
      x = g_new (double, n + 1);
      y = g_new (double, n + 1);
      l = g_new (int, n + 1);
      for (guint i = 0; i < n; i++)
        {
          const AlTrackPoint *p = &g_array_index (series->tracks->points, AlTrackPoint, start + i);
          x[i] = p->x;
          y[i] = p->y;
          l[i] = p->label;
        }
      g_ptr_array_add (keep, x);
      g_ptr_array_add (keep, y);
      g_ptr_array_add (keep, l);
      ff[f] = (AlTrackFrame) { f, n, x, y, l, series->drift_x[f], series->drift_y[f] };
    }
  al_track_params_init (&params);
  params.hop_px = AL_SERIES_HOP_A * a_px;
  params.n_labels = AL_N_DEFECT_TYPES;
  tf = track_truth_frames (r, tdx, tdy, keep, &ids);
  truth = track_truth_tracks (tf, ids, N_FRAMES, &params);
  /* Hops and conversions: births and deaths of false detections at the
   * border are scored by the transient rule, not here. */
  kept = g_new0 (AlTracks, 1);
  *kept = *series->tracks;
  kept->events = g_array_new (FALSE, FALSE, sizeof (AlTrackEvent));
  for (guint i = 0; i < series->tracks->events->len; i++)
    {
      AlTrackEvent e = g_array_index (series->tracks->events, AlTrackEvent, i);
      if (e.kind == AL_TRACK_HOP || e.kind == AL_TRACK_CONVERT)
        g_array_append_val (kept->events, e);
    }
  for (guint j = 0; j < truth->events->len;)
    {
      AlTrackEvent *e = &g_array_index (truth->events, AlTrackEvent, j);
      if (e->kind == AL_TRACK_HOP || e->kind == AL_TRACK_CONVERT)
        j++;
      else
        g_array_remove_index (truth->events, j);
    }
  s = track_score (kept, truth, ff, tf, N_FRAMES, 0.4 * a_px);
  g_test_message ("pipeline, %s %s series: drift error %.3f px; %u tracks; purity %.3f completeness %.3f; "
                  "hops+conversions %u truth, %u found, precision %.3f recall %.3f",
                  material, defects, worst, series->tracks->n_tracks, s.purity, s.completeness,
                  s.n_truth_events, s.n_found_events, s.precision, s.recall);
  /* kept shares everything but its events with series->tracks. */
  g_array_unref (kept->events);
  g_free (g_steal_pointer (&kept));
  *drift_error = worst;
  return s;
}

/* The figures of several seeds pooled (events are few per series). */
static void
pipeline_series_check (const char    *material,
                       const char    *defects,
                       const guint64 *seeds,
                       guint          n_seeds,
                       double         max_drift_error)
{
  guint n_truth = 0, n_found = 0, hit_found = 0, hit_truth = 0;
  double precision, recall;

  for (guint i = 0; i < n_seeds; i++)
    {
      double drift_error;
      TrackFigures s = pipeline_series_figures (material, defects, seeds[i], &drift_error);
      g_assert_cmpfloat (drift_error, <, max_drift_error);
      g_assert_cmpfloat (s.purity, >=, 0.95);
      g_assert_cmpfloat (s.completeness, >=, 0.95);
      n_truth += s.n_truth_events;
      n_found += s.n_found_events;
      hit_found += s.hit_found;
      hit_truth += s.hit_truth;
    }
  precision = n_found ? (double) hit_found / n_found : 1.0;
  recall = n_truth ? (double) hit_truth / n_truth : 1.0;
  g_test_message ("pipeline, %s %s, %u series pooled: hops+conversions %u truth, %u found, "
                  "precision %.3f recall %.3f", material, defects, n_seeds, n_truth, n_found,
                  precision, recall);
  g_assert_cmpuint (n_truth, >, 3 * n_seeds);
  g_assert_cmpfloat (precision, >=, 0.9);
  g_assert_cmpfloat (recall, >=, 0.9);
}

static void
test_pipeline_series_mos2 (void)
{
  static const guint64 seeds[] = { 5 };
  pipeline_series_check ("mos2", "V_S=0.03", seeds, G_N_ELEMENTS (seeds), 0.05);
}

/* Si_C3 <-> Si_C4 conversions (two Si a bond or two apart were one
 * defect before the defects stage split them). Image correlation alone
 * errs by up to 0.135 px here: the bright Si columns that convert pull
 * it; the drift refined on the columns is within 0.035 px (issue 9 asks
 * < 0.1). */
static void
test_pipeline_series_graphene (void)
{
  static const guint64 seeds[] = { 3, 4, 6 };
  pipeline_series_check ("graphene", "Si_C3=0.04", seeds, G_N_ELEMENTS (seeds), 0.05);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/track/pipeline-series-mos2", test_pipeline_series_mos2);
  g_test_add_func ("/core/track/pipeline-series-graphene", test_pipeline_series_graphene);
  return g_test_run ();
}
