/* al-track.c: linking points through frames (see al-track.h). */
#include <math.h>

#include "simulate/al-match.h"
#include "track/al-track.h"
#include "track/al-track-labels.h"

/* Defaults for point defects in px-agnostic units are meaningless; the
 * caller sets gate_px and hop_px from the lattice. These fit TMDs at the
 * simulator's 0.03 nm/px (a ≈ 10.5 px). */
#define AL_TRACK_DEFAULT_GATE_PX 14.0
#define AL_TRACK_DEFAULT_HOP_PX  5.0
#define AL_TRACK_DEFAULT_MAX_GAP 2
#define AL_TRACK_DEFAULT_MIN_SEEN 3
#define AL_TRACK_DEFAULT_MIN_PERSIST 1

typedef struct
{
  guint  last;        /* index into the frames of the last observation */
  double x, y;        /* drift-corrected position then */
  int    label;
} Live;

void
al_track_params_init (AlTrackParams *params)
{
  *params = (AlTrackParams) {
    .gate_px = AL_TRACK_DEFAULT_GATE_PX,
    .hop_px = AL_TRACK_DEFAULT_HOP_PX,
    .max_gap = AL_TRACK_DEFAULT_MAX_GAP,
    .n_labels = 1,
    .min_seen = AL_TRACK_DEFAULT_MIN_SEEN,
    .min_persist = AL_TRACK_DEFAULT_MIN_PERSIST,
  };
}

const char *
al_track_event_name (AlTrackEventKind kind)
{
  switch (kind)
    {
    case AL_TRACK_BIRTH:
      return "birth";
    case AL_TRACK_DEATH:
      return "death";
    case AL_TRACK_CONVERT:
      return "convert";
    case AL_TRACK_HOP:
      return "hop";
    default:
      return "unknown";
    }
}

static void
add_event (AlTracks        *t,
           guint            frame,
           guint            id,
           AlTrackEventKind kind,
           int              from,
           int              to)
{
  AlTrackEvent e = { frame, id, kind, from, to };
  g_array_append_val (t->events, e);
}

static gboolean
label_ok (const AlTracks *t,
          int             label)
{
  return label >= 0 && (guint) label < t->n_labels;
}

/* Continues track `id` (index id - 1 in `live`) with point p of frame fi. */
/* Point p of frame f with its drift taken out. */
static void
corrected (const AlTrackFrame *f,
           guint               p,
           double             *cx,
           double             *cy)
{
  *cx = f->x[p] - (f->point_drift_x != NULL ? f->point_drift_x[p] : f->drift_x);
  *cy = f->y[p] - (f->point_drift_y != NULL ? f->point_drift_y[p] : f->drift_y);
}

static void
extend (AlTracks            *t,
        Live                *live,
        guint                id,
        const AlTrackFrame  *frames,
        guint                fi,
        guint                p,
        const AlTrackParams *params)
{
  Live *l = &live[id - 1];
  const AlTrackFrame *f = &frames[fi];
  int label = f->label[p];
  AlTrackSpan *s = &g_array_index (t->spans, AlTrackSpan, id - 1);
  double cx, cy;

  corrected (f, p, &cx, &cy);

  if (label_ok (t, l->label) && label_ok (t, label))
    {
      t->counts[l->label * t->n_labels + label]++;
      t->frames[l->label] += f->frame - frames[l->last].frame;
    }
  if (label != l->label)
    add_event (t, f->frame, id, AL_TRACK_CONVERT, l->label, label);
  else if (hypot (cx - l->x, cy - l->y) > params->hop_px)
    add_event (t, f->frame, id, AL_TRACK_HOP, label, label);
  *l = (Live) { fi, cx, cy, label };
  s->last_frame = f->frame;
  s->last_label = label;
  s->n_seen++;
}

static guint
start (AlTracks           *t,
       GArray             *live,
       const AlTrackFrame *frames,
       guint               fi,
       guint               p)
{
  const AlTrackFrame *f = &frames[fi];
  Live l = { fi, 0, 0, f->label[p] };
  AlTrackSpan s = { f->frame, f->frame, 1, f->label[p], f->label[p] };
  guint id;

  corrected (f, p, &l.x, &l.y);
  g_array_append_val (live, l);
  g_array_append_val (t->spans, s);
  id = ++t->n_tracks;
  if (fi > 0)
    add_event (t, f->frame, id, AL_TRACK_BIRTH, -1, f->label[p]);
  return id;
}

/* Matches the unassigned points of frame fi to the tracks last seen in
 * frames [lo, hi] that have no point yet; assigned[p] gets the track id. */
static void
match_stage (guint                n_tracks,
             GArray              *live,
             const AlTrackFrame  *frames,
             guint                fi,
             guint                lo,
             guint                hi,
             guint               *assigned,
             const AlTrackParams *params)
{
  const AlTrackFrame *f = &frames[fi];
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) pts = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree double *tx = NULL, *ty = NULL, *px = NULL, *py = NULL;
  g_autofree int *mt = NULL, *mp = NULL;

  for (guint id = 1; id <= n_tracks; id++)
    {
      const Live *l = &g_array_index (live, Live, id - 1);
      if (l->last >= lo && l->last <= hi)
        g_array_append_val (ids, id);
    }
  for (guint p = 0; p < f->n; p++)
    if (assigned[p] == 0)
      g_array_append_val (pts, p);
  if (ids->len == 0 || pts->len == 0)
    return;
  tx = g_new (double, ids->len);
  ty = g_new (double, ids->len);
  px = g_new (double, pts->len);
  py = g_new (double, pts->len);
  mt = g_new (int, ids->len);
  mp = g_new (int, pts->len);
  for (guint k = 0; k < ids->len; k++)
    {
      const Live *l = &g_array_index (live, Live, g_array_index (ids, guint, k) - 1);
      tx[k] = l->x;
      ty[k] = l->y;
    }
  for (guint k = 0; k < pts->len; k++)
    {
      guint p = g_array_index (pts, guint, k);
      corrected (f, p, &px[k], &py[k]);
    }
  al_match_points (tx, ty, ids->len, px, py, pts->len, params->gate_px, mt, mp);
  for (guint k = 0; k < ids->len; k++)
    if (mt[k] >= 0)
      {
        guint id = g_array_index (ids, guint, k), p = g_array_index (pts, guint, mt[k]);
        assigned[p] = id;
        g_array_index (live, Live, id - 1) = (Live) { fi, px[mt[k]], py[mt[k]], f->label[p] };
      }
}

static void
record_points (AlTracks           *t,
               const AlTrackFrame *f,
               const int          *raw_label,
               const guint        *assigned)
{
  for (guint p = 0; p < f->n; p++)
    {
      AlTrackPoint pt = { f->frame, p, assigned[p], f->label[p], f->x[p], f->y[p], raw_label[p] };
      g_array_append_val (t->points, pt);
    }
}

static int
compare_events (gconstpointer a,
                gconstpointer b)
{
  const AlTrackEvent *x = a, *y = b;

  if (x->frame != y->frame)
    return x->frame < y->frame ? -1 : 1;
  return x->track_id < y->track_id ? -1 : x->track_id > y->track_id;
}

static void
drop_transients (AlTracks *t,
                 guint     min_seen)
{
  guint k = 0;

  for (guint i = 0; i < t->events->len; i++)
    {
      const AlTrackEvent *e = &g_array_index (t->events, AlTrackEvent, i);
      const AlTrackSpan *s = &g_array_index (t->spans, AlTrackSpan, e->track_id - 1);
      if (s->n_seen < min_seen)
        continue;
      g_array_index (t->events, AlTrackEvent, k++) = *e;
    }
  g_array_set_size (t->events, k);
}

/* Pass 1: the track id of every point (from 1), by position alone;
 * ids are numbered in order of first appearance. */
static guint **
link_ids (const AlTrackFrame  *frames,
          guint                n_frames,
          const AlTrackParams *params)
{
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (Live));
  guint **assigned = g_new0 (guint *, n_frames);

  for (guint fi = 0; fi < n_frames; fi++)
    {
      const AlTrackFrame *f = &frames[fi];

      assigned[fi] = g_new0 (guint, MAX (f->n, 1));
      if (fi > 0)
        {
          /* Tracks seen in the frame before first, then those missed. */
          match_stage (live->len, live, frames, fi, fi - 1, fi - 1, assigned[fi], params);
          if (fi > 1 && params->max_gap > 0)
            match_stage (live->len, live, frames, fi, fi - 1 > params->max_gap ? fi - 1 - params->max_gap : 0,
                         fi - 2, assigned[fi], params);
        }
      for (guint p = 0; p < f->n; p++)
        if (assigned[fi][p] == 0)
          {
            Live l = { fi, 0, 0, f->label[p] };
            corrected (f, p, &l.x, &l.y);
            g_array_append_val (live, l);
            assigned[fi][p] = live->len;
          }
    }
  return assigned;
}

AlTracks *
al_track_link (const AlTrackFrame  *frames,
               guint                n_frames,
               const AlTrackParams *params)
{
  AlTracks *t = g_new0 (AlTracks, 1);
  g_autoptr (GArray) live = g_array_new (FALSE, FALSE, sizeof (Live));
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autofree AlTrackFrame *steady = g_new0 (AlTrackFrame, MAX (n_frames, 1));
  guint **assigned;

  g_return_val_if_fail (params != NULL && params->n_labels > 0, NULL);
  t->n_labels = params->n_labels;
  t->points = g_array_new (FALSE, FALSE, sizeof (AlTrackPoint));
  t->events = g_array_new (FALSE, FALSE, sizeof (AlTrackEvent));
  t->spans = g_array_new (FALSE, FALSE, sizeof (AlTrackSpan));
  t->counts = g_new0 (guint, (gsize) t->n_labels * t->n_labels);
  t->frames = g_new0 (guint, t->n_labels);
  assigned = link_ids (frames, n_frames, params);
  /* Pass 2: labels that flicker for fewer than min_persist observations
   * inside a track are taken for misreadings; pass 3 replays the tracks
   * with the steady labels to give events, spans and counts. */
  al_track_steady_labels (frames, n_frames, (const guint *const *) assigned, params->min_persist,
                          steady, keep);
  for (guint fi = 0; fi < n_frames; fi++)
    {
      const AlTrackFrame *f = &steady[fi];

      for (guint p = 0; p < f->n; p++)
        {
          if (assigned[fi][p] > live->len)
            start (t, live, steady, fi, p);
          else
            extend (t, (Live *) live->data, assigned[fi][p], steady, fi, p, params);
        }
      record_points (t, f, frames[fi].label, assigned[fi]);
      g_free (assigned[fi]);
    }
  g_free (assigned);
  for (guint id = 1; id <= t->n_tracks; id++)
    {
      const Live *l = &g_array_index (live, Live, id - 1);
      if (l->last + 1 < n_frames)
        add_event (t, frames[l->last + 1].frame, id, AL_TRACK_DEATH, l->label, -1);
    }
  drop_transients (t, params->min_seen);
  g_array_sort (t->events, compare_events);
  return t;
}

void
al_tracks_free (AlTracks *tracks)
{
  if (tracks == NULL)
    return;
  g_array_unref (tracks->points);
  g_array_unref (tracks->events);
  g_array_unref (tracks->spans);
  g_free (tracks->counts);
  g_free (tracks->frames);
  g_free (tracks);
}

double
al_tracks_rate (const AlTracks *tracks,
                int             from,
                int             to)
{
  if (from < 0 || to < 0 || (guint) from >= tracks->n_labels || (guint) to >= tracks->n_labels
      || tracks->frames[from] == 0)
    return 0.0;
  return (double) tracks->counts[from * tracks->n_labels + to] / tracks->frames[from];
}
