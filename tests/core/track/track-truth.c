/* track-truth.c: the simulator's truth for the track tests (see
 * track-truth.h): its drift, its defect tracks, and scores against it. */
#include "track-truth.h"

#include <math.h>

#include "al-test.h"
#include "simulate/al-match.h"

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The true drift between consecutive truth frames: the median move of the
 * truth atoms matched one-to-one (defects move, the lattice does not). */
void
track_truth_step (const AlSimResult *r,
                  guint              f,
                  double            *sx,
                  double            *sy)
{
  const AlAtoms *a = r->atoms->pdata[f - 1], *b = r->atoms->pdata[f];
  double nn = al_material_neighbour_nm (r->params.material) / r->params.pixel_size_nm;
  g_autofree int *ma = g_new (int, a->n_atoms);
  g_autofree int *mb = g_new (int, b->n_atoms);
  g_autoptr (GArray) ddx = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) ddy = g_array_new (FALSE, FALSE, sizeof (double));

  al_match_points (a->x, a->y, a->n_atoms, b->x, b->y, b->n_atoms, 0.45 * nn, ma, mb);
  for (guint i = 0; i < a->n_atoms; i++)
    if (ma[i] >= 0)
      {
        double vx = b->x[ma[i]] - a->x[i], vy = b->y[ma[i]] - a->y[i];
        g_array_append_val (ddx, vx);
        g_array_append_val (ddy, vy);
      }
  g_assert_cmpuint (ddx->len, >, 50);
  g_array_sort (ddx, compare_double);
  g_array_sort (ddy, compare_double);
  *sx = g_array_index (ddx, double, ddx->len / 2);
  *sy = g_array_index (ddy, double, ddy->len / 2);
}

/* The truth as linker frames (labels are types, truth ids kept aside). */
AlTrackFrame *
track_truth_frames (const AlSimResult *r,
                    const double      *dx,
                    const double      *dy,
                    GPtrArray         *keep,
                    guint           ***ids)
{
  guint n = r->params.n_frames;
  AlTrackFrame *frames = g_new0 (AlTrackFrame, n);

  *ids = g_new0 (guint *, n);
  for (guint f = 0; f < n; f++)
    {
      double *x = g_new (double, r->defects->len + 1), *y = g_new (double, r->defects->len + 1);
      int *l = g_new (int, r->defects->len + 1);
      guint *id = g_new (guint, r->defects->len + 1), k = 0;
      for (guint q = 0; q < r->defects->len; q++)
        {
          const AlSimDefect *d = r->defects->pdata[q];
          if (d->frame != f || !al_defect_type_is_point (d->type))
            continue;
          x[k] = d->x_px;
          y[k] = d->y_px;
          l[k] = d->type;
          id[k++] = d->id;
        }
      g_ptr_array_add (keep, x);
      g_ptr_array_add (keep, y);
      g_ptr_array_add (keep, l);
      g_ptr_array_add (keep, id);
      frames[f] = (AlTrackFrame) { f, k, x, y, l, dx[f], dy[f] };
      (*ids)[f] = id;
    }
  return frames;
}

/* Majority share: for each key the largest count of one partner. */
static double
majority (const guint *key,
          const guint *partner,
          guint        n)
{
  g_autoptr (GHashTable) counts = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GHashTable) best = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, NULL);
  g_autofree gint64 *keys = g_new (gint64, n);
  guint sum = 0;
  GHashTableIter it;
  gpointer k, v;

  for (guint i = 0; i < n; i++)
    {
      guint c;
      keys[i] = ((gint64) key[i] << 32) | partner[i];
      c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, &keys[i])) + 1;
      g_hash_table_insert (counts, &keys[i], GUINT_TO_POINTER (c));
      if (c > GPOINTER_TO_UINT (g_hash_table_lookup (best, GUINT_TO_POINTER (key[i] + 1))))
        g_hash_table_insert (best, GUINT_TO_POINTER (key[i] + 1), GUINT_TO_POINTER (c));
    }
  g_hash_table_iter_init (&it, best);
  while (g_hash_table_iter_next (&it, &k, &v))
    sum += GPOINTER_TO_UINT (v);
  return n > 0 ? (double) sum / n : 0.0;
}

/* Scores tracks linked from `found` (point i of frame f has track
 * tracks->points) against the truth tracks: observations are paired per
 * frame within `radius`; events are the same kind in the same frame on a
 * track whose majority truth id is the truth event's. */
TrackFigures
track_score (const AlTracks     *found,
             const AlTracks     *truth,
             const AlTrackFrame *ff,
             const AlTrackFrame *tf,
             guint               n_frames,
             double              radius)
{
  TrackFigures s = { 0 };
  g_autoptr (GArray) pf = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) pt = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GHashTable) map = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GHashTable) votes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  guint of = 0, ot = 0, hit_f = 0, hit_t = 0;

  for (guint f = 0; f < n_frames; f++)
    {
      g_autofree int *ma = g_new (int, ff[f].n + 1), *mb = g_new (int, tf[f].n + 1);
      al_match_points (ff[f].x, ff[f].y, ff[f].n, tf[f].x, tf[f].y, tf[f].n, radius, ma, mb);
      for (guint i = 0; i < ff[f].n; i++)
        if (ma[i] >= 0)
          {
            guint a = g_array_index (found->points, AlTrackPoint, of + i).track_id;
            guint b = g_array_index (truth->points, AlTrackPoint, ot + ma[i]).track_id;
            g_array_append_val (pf, a);
            g_array_append_val (pt, b);
          }
      of += ff[f].n;
      ot += tf[f].n;
    }
  s.purity = majority ((guint *) pf->data, (guint *) pt->data, pf->len);
  s.completeness = majority ((guint *) pt->data, (guint *) pf->data, pf->len);
  /* Each found track's majority truth track. */
  for (guint i = 0; i < pf->len; i++)
    {
      gint64 *key = g_new (gint64, 1);
      guint a = g_array_index (pf, guint, i), b = g_array_index (pt, guint, i), c;
      *key = ((gint64) a << 32) | b;
      c = GPOINTER_TO_UINT (g_hash_table_lookup (votes, key)) + 1;
      g_hash_table_replace (votes, key, GUINT_TO_POINTER (c));
      if (c > GPOINTER_TO_UINT (g_hash_table_lookup (map, GUINT_TO_POINTER (a << 16 | 0xffff))))
        {
          g_hash_table_insert (map, GUINT_TO_POINTER (a << 16 | 0xffff), GUINT_TO_POINTER (c));
          g_hash_table_insert (map, GUINT_TO_POINTER (a), GUINT_TO_POINTER (b));
        }
    }
  for (guint i = 0; i < found->events->len; i++)
    {
      const AlTrackEvent *e = &g_array_index (found->events, AlTrackEvent, i);
      guint b = GPOINTER_TO_UINT (g_hash_table_lookup (map, GUINT_TO_POINTER (e->track_id)));
      for (guint j = 0; j < truth->events->len; j++)
        {
          const AlTrackEvent *g = &g_array_index (truth->events, AlTrackEvent, j);
          if (g->frame == e->frame && g->kind == e->kind && g->track_id == b)
            {
              hit_f++;
              break;
            }
        }
    }
  for (guint j = 0; j < truth->events->len; j++)
    {
      const AlTrackEvent *g = &g_array_index (truth->events, AlTrackEvent, j);
      for (guint i = 0; i < found->events->len; i++)
        {
          const AlTrackEvent *e = &g_array_index (found->events, AlTrackEvent, i);
          if (g->frame == e->frame && g->kind == e->kind
              && GPOINTER_TO_UINT (g_hash_table_lookup (map, GUINT_TO_POINTER (e->track_id))) == g->track_id)
            {
              hit_t++;
              break;
            }
        }
    }
  s.n_found_events = found->events->len;
  s.n_truth_events = truth->events->len;
  s.hit_found = hit_f;
  s.hit_truth = hit_t;
  s.precision = s.n_found_events ? (double) hit_f / s.n_found_events : 1.0;
  s.recall = s.n_truth_events ? (double) hit_t / s.n_truth_events : 1.0;
  return s;
}

/* Truth tracks, by truth id: the same events as al_track_link would give
 * with perfect linking (births, deaths, conversions, and hops: moves
 * further than hop_px once the true drift is taken out). */
AlTracks *
track_truth_tracks (const AlTrackFrame  *tf,
                    guint              **ids,
                    guint                n_frames,
                    const AlTrackParams *params)
{
  AlTracks *t = g_new0 (AlTracks, 1);
  g_autoptr (GHashTable) track = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr (GArray) prev = g_array_new (FALSE, FALSE, sizeof (AlTrackPoint));

  t->n_labels = params->n_labels;
  t->points = g_array_new (FALSE, FALSE, sizeof (AlTrackPoint));
  t->events = g_array_new (FALSE, FALSE, sizeof (AlTrackEvent));
  t->spans = g_array_new (FALSE, FALSE, sizeof (AlTrackSpan));
  t->counts = g_new0 (guint, t->n_labels * t->n_labels);
  t->frames = g_new0 (guint, t->n_labels);
  for (guint f = 0; f < n_frames; f++)
    for (guint i = 0; i < tf[f].n; i++)
      {
        gpointer key = GUINT_TO_POINTER (ids[f][i] + 1);
        guint id = GPOINTER_TO_UINT (g_hash_table_lookup (track, key));
        double cx = tf[f].x[i] - tf[f].drift_x, cy = tf[f].y[i] - tf[f].drift_y;
        AlTrackPoint pt;
        if (id == 0)
          {
            AlTrackPoint none = { 0 };
            id = ++t->n_tracks;
            g_hash_table_insert (track, key, GUINT_TO_POINTER (id));
            g_array_append_val (prev, none);
            if (f > 0)
              {
                AlTrackEvent e = { f, id, AL_TRACK_BIRTH, -1, tf[f].label[i] };
                g_array_append_val (t->events, e);
              }
          }
        else
          {
            const AlTrackPoint *q = &g_array_index (prev, AlTrackPoint, id - 1);
            AlTrackEvent e = { f, id, AL_TRACK_CONVERT, q->label, tf[f].label[i] };
            if (q->label != tf[f].label[i])
              g_array_append_val (t->events, e);
            else if (hypot (cx - q->x, cy - q->y) > params->hop_px)
              {
                e.kind = AL_TRACK_HOP;
                g_array_append_val (t->events, e);
              }
          }
        pt = (AlTrackPoint) { f, i, id, tf[f].label[i], cx, cy };
        g_array_index (prev, AlTrackPoint, id - 1) = pt;
        pt.x = tf[f].x[i];
        pt.y = tf[f].y[i];
        g_array_append_val (t->points, pt);
      }
  for (guint id = 1; id <= t->n_tracks; id++)
    {
      const AlTrackPoint *q = &g_array_index (prev, AlTrackPoint, id - 1);
      if (q->frame + 1 < n_frames)
        {
          AlTrackEvent e = { q->frame + 1, id, AL_TRACK_DEATH, q->label, -1 };
          g_array_append_val (t->events, e);
        }
    }
  return t;
}
