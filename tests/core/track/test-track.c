/* test-track.c: linking defects through a series, events and
 * transitions, on hand-made frames and against the simulator's truth
 * (truth defects keep their id through a series). */
#include <math.h>

#include "al-test.h"
#include "track-truth.h"
#include "track/al-drift.h"
#include "track/al-series.h"

/* A defect moved one site per frame forms one track with a hop per frame;
 * a second one, missed for a frame, keeps its track (gap closing) and
 * converts. */
static void
test_link_hop_gap (void)
{
  double ax[5][2], ay[5][2];
  int al[5][2];
  AlTrackFrame frames[5];
  AlTrackParams params;
  g_autoptr (AlTracks) t = NULL;
  guint n_hop = 0, n_convert = 0;

  for (guint f = 0; f < 5; f++)
    {
      ax[f][0] = 50 + 10.0 * f + 0.3;   /* hops one 10 px site per frame */
      ay[f][0] = 60;
      al[f][0] = AL_DEFECT_V_S;
      ax[f][1] = 150;
      ay[f][1] = 140;
      al[f][1] = f < 3 ? AL_DEFECT_V_S : AL_DEFECT_V_S2;
      /* Everything drifts by 2 px per frame; the drift is known. */
      ax[f][0] += 2.0 * f;
      ax[f][1] += 2.0 * f;
      frames[f] = (AlTrackFrame) { f, f == 2 ? 1 : 2, ax[f], ay[f], al[f], 2.0 * f, 0 };
    }
  al_track_params_init (&params);
  params.gate_px = 14;
  params.hop_px = 5;
  params.n_labels = AL_N_DEFECT_TYPES;
  t = al_track_link (frames, 5, &params);
  g_assert_cmpuint (t->n_tracks, ==, 2);
  g_assert_cmpuint (t->points->len, ==, 9);
  for (guint k = 0; k < t->events->len; k++)
    {
      const AlTrackEvent *e = &g_array_index (t->events, AlTrackEvent, k);
      g_assert_true (e->kind == AL_TRACK_HOP || e->kind == AL_TRACK_CONVERT);
      if (e->kind == AL_TRACK_HOP)
        {
          g_assert_cmpuint (e->track_id, ==, 1);
          n_hop++;
        }
      else
        {
          g_assert_cmpuint (e->track_id, ==, 2);
          g_assert_cmpuint (e->frame, ==, 3);
          g_assert_cmpint (e->from, ==, AL_DEFECT_V_S);
          g_assert_cmpint (e->to, ==, AL_DEFECT_V_S2);
          n_convert++;
        }
    }
  g_assert_cmpuint (n_hop, ==, 4);
  g_assert_cmpuint (n_convert, ==, 1);
  g_assert_cmpuint (t->counts[AL_DEFECT_V_S * AL_N_DEFECT_TYPES + AL_DEFECT_V_S2], ==, 1);
  /* Track 2 spent 3 frames as V_S (0→1, 1→3 across the gap) before converting. */
  g_assert_cmpuint (t->frames[AL_DEFECT_V_S], ==, 4 + 3);
  g_assert_cmpfloat_with_epsilon (al_tracks_rate (t, AL_DEFECT_V_S, AL_DEFECT_V_S2), 1.0 / 7, 1e-12);
  /* Without gap closing the missed defect dies and is born again. */
  params.max_gap = 0;
  al_tracks_free (g_steal_pointer (&t));
  t = al_track_link (frames, 5, &params);
  g_assert_cmpuint (t->n_tracks, ==, 3);
}

static void
series_truth_check (const char *material,
                    const char *defects,
                    guint64     seed,
                    guint       drop_every)
{
  g_autoptr (AlSimResult) r = al_test_simulate (material, SIZE, N_FRAMES, defects,
                                                "frame_drift=0.02", seed);
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) keep2 = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree AlTrackFrame *tf = NULL, *ff = NULL;
  g_autofree guint **ids = NULL, **ids2 = NULL;
  g_autoptr (AlTracks) truth = NULL, found = NULL;
  double dx[N_FRAMES], dy[N_FRAMES], tdx[N_FRAMES] = { 0 }, tdy[N_FRAMES] = { 0 };
  double a_px = r->params.material->a_nm / r->params.pixel_size_nm;
  AlTrackParams params;
  TrackFigures s;
  guint n_points = 0, dropped = 0;
  double drift_err = 0;

  for (guint f = 1; f < N_FRAMES; f++)
    {
      track_truth_step (r, f, &tdx[f], &tdy[f]);
      tdx[f] += tdx[f - 1];
      tdy[f] += tdy[f - 1];
    }
  g_assert_true (al_drift_estimate (r->image, 0, N_FRAMES - 1, AL_SERIES_MAX_STEP_A * a_px,
                                    dx, dy, NULL, &error));
  for (guint f = 0; f < N_FRAMES; f++)
    drift_err = MAX (drift_err, hypot (dx[f] - tdx[f], dy[f] - tdy[f]));
  al_track_params_init (&params);
  params.gate_px = AL_SERIES_GATE_A * a_px;
  params.hop_px = AL_SERIES_HOP_A * a_px;
  params.n_labels = AL_N_DEFECT_TYPES;
  tf = track_truth_frames (r, tdx, tdy, keep, &ids);
  truth = track_truth_tracks (tf, ids, N_FRAMES, &params);
  /* The "found" defects: the truth seen with the measured drift, 0.3 px
   * of position noise, and every drop_every-th defect missed once. */
  ff = track_truth_frames (r, dx, dy, keep2, &ids2);
  for (guint f = 0; f < N_FRAMES; f++)
    {
      double *x = (double *) ff[f].x, *y = (double *) ff[f].y;
      int *l = (int *) ff[f].label;
      guint k = 0;
      for (guint i = 0; i < ff[f].n; i++)
        {
          n_points++;
          if (drop_every > 0 && f > 0 && f + 1 < N_FRAMES && (ids2[f][i] + f) % drop_every == 0)
            {
              dropped++;
              continue;
            }
          x[k] = x[i] + 0.3 * sin (7.1 * i + f);
          y[k] = y[i] + 0.3 * cos (3.3 * i + 2 * f);
          l[k++] = l[i];
        }
      ff[f].n = k;
    }
  found = al_track_link (ff, N_FRAMES, &params);
  s = track_score (found, truth, ff, tf, N_FRAMES, 0.4 * a_px);
  g_test_message ("%s %s: drift error %.3f px, %u defect observations (%u missed), %u truth tracks, %u found; "
                  "purity %.3f completeness %.3f; events %u truth, %u found, precision %.3f recall %.3f",
                  material, defects, drift_err, n_points, dropped, truth->n_tracks, found->n_tracks,
                  s.purity, s.completeness, s.n_truth_events, s.n_found_events, s.precision, s.recall);
  g_assert_cmpuint (truth->events->len, >, 3);
  g_assert_cmpfloat (s.purity, >=, 0.95);
  g_assert_cmpfloat (s.completeness, >=, 0.95);
  g_assert_cmpfloat (s.precision, >=, 0.9);
  g_assert_cmpfloat (s.recall, >=, 0.9);
}

/* A label that flickers for one observation inside a track is steadied
 * when min_persist = 2 (no conversion there and back); a change that
 * lasts, or one at the end of the track, is kept. */
static void
test_steady_labels (void)
{
  static const int labels[] = { 0, 0, 1, 0, 0, 1, 1, 0 };
  double x[G_N_ELEMENTS (labels)], y[G_N_ELEMENTS (labels)];
  AlTrackFrame frames[G_N_ELEMENTS (labels)];
  AlTrackParams params;
  guint n = G_N_ELEMENTS (labels);

  for (guint f = 0; f < n; f++)
    {
      x[f] = 50.0 + 0.2 * f;
      y[f] = 40.0;
      frames[f] = (AlTrackFrame) { f + 10, 1, &x[f], &y[f], &labels[f], 0.0, 0.0 };
    }
  al_track_params_init (&params);
  params.n_labels = 2;
  for (guint persist = 1; persist <= 2; persist++)
    {
      g_autoptr (AlTracks) t = NULL;
      static const guint frames_1[] = { 12, 13, 15, 17 }, frames_2[] = { 15, 17 };
      const guint *want = persist == 1 ? frames_1 : frames_2;
      guint n_want = persist == 1 ? G_N_ELEMENTS (frames_1) : G_N_ELEMENTS (frames_2);

      params.min_persist = persist;
      t = al_track_link (frames, n, &params);
      g_assert_cmpuint (t->n_tracks, ==, 1);
      g_assert_cmpuint (t->events->len, ==, n_want);
      for (guint k = 0; k < n_want; k++)
        {
          const AlTrackEvent *e = &g_array_index (t->events, AlTrackEvent, k);
          g_assert_cmpuint (e->kind, ==, AL_TRACK_CONVERT);
          g_assert_cmpuint (e->frame, ==, want[k]);
        }
      /* The frame-2 reading is kept as read, and steadied in `label`. */
      g_assert_cmpint (g_array_index (t->points, AlTrackPoint, 2).raw_label, ==, 1);
      g_assert_cmpint (g_array_index (t->points, AlTrackPoint, 2).label, ==, persist == 1 ? 1 : 0);
      g_assert_cmpuint (t->counts[0 * 2 + 1], ==, persist == 1 ? 2 : 1);
    }
}

static void
test_series_mos2 (void)
{
  series_truth_check ("mos2", "V_S=0.03", 5, 0);
}

static void
test_series_mos2_missed (void)
{
  series_truth_check ("mos2", "V_S=0.03", 5, 7);
}

static void
test_series_graphene (void)
{
  series_truth_check ("graphene", "Si_C3=0.04", 3, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/track/link-hop-gap", test_link_hop_gap);
  g_test_add_func ("/core/track/steady-labels", test_steady_labels);
  g_test_add_func ("/core/track/series-mos2", test_series_mos2);
  g_test_add_func ("/core/track/series-mos2-missed", test_series_mos2_missed);
  g_test_add_func ("/core/track/series-graphene", test_series_graphene);
  return g_test_run ();
}
