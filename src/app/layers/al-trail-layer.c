/* al-trail-layer.c: defect tracks as trails (see al-trail-layer.h).
 * hit_test answers the track id - 1 of the trail nearest a point of the
 * current frame. */
#include "al-trail-layer.h"

#include <glib/gi18n.h>
#include <math.h>

#include "al-overlay-style.h"

#define TRAIL_WIDTH_PX 2.0
#define DOT_RADIUS_PX 3.5
/* Older parts of a trail fade to this opacity. */
#define TRAIL_MIN_ALPHA 0.15

struct _AlTrailLayer
{
  AlLayer    parent_instance;
  AlSeries  *series;
  GArray   **by_track;   /* per track (id - 1): indices into points, in frame order */
  guint      length;
  guint      frame;      /* the last frame drawn */
};

G_DEFINE_FINAL_TYPE (AlTrailLayer, al_trail_layer, AL_TYPE_LAYER)

/* Index of image frame `frame` in the series, or -1. */
static int
series_index (const AlSeries *s,
              guint           frame)
{
  if (s->n_frames == 0 || frame < s->frame[0] || frame > s->frame[s->n_frames - 1])
    return -1;
  return (int) (frame - s->frame[0]);
}

/* A point of frame index `from` in the coordinates of frame index `to`. */
static void
to_frame (const AlSeries     *s,
          const AlTrackPoint *p,
          int                 to,
          double             *x,
          double             *y)
{
  int from = (int) (p->frame - s->frame[0]);

  *x = p->x - s->drift_x[from] + s->drift_x[to];
  *y = p->y - s->drift_y[from] + s->drift_y[to];
}

static void
draw_trail (AlTrailLayer       *self,
            cairo_t            *cr,
            const AlCanvasView *view,
            const GArray       *idx,
            int                 now)
{
  const AlSeries *s = self->series;
  const AlTrackPoint *prev = NULL;
  double px = 0, py = 0;

  for (guint k = 0; k < idx->len; k++)
    {
      const AlTrackPoint *p = &g_array_index (s->tracks->points, AlTrackPoint,
                                              g_array_index (idx, guint, k));
      int age = now - (int) (p->frame - s->frame[0]);
      double x, y, wx, wy, rgb[3];

      if (age < 0)
        break;
      if (age > (int) self->length)
        continue;
      to_frame (s, p, now, &x, &y);
      al_canvas_view_to_widget (view, x, y, &wx, &wy);
      al_overlay_defect_color (p->label, rgb);
      if (prev != NULL)
        {
          double alpha = 1.0 - (1.0 - TRAIL_MIN_ALPHA) * age / MAX (self->length, 1);
          cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], alpha);
          cairo_move_to (cr, px, py);
          cairo_line_to (cr, wx, wy);
          cairo_stroke (cr);
        }
      if (age == 0)
        {
          cairo_set_source_rgba (cr, rgb[0], rgb[1], rgb[2], 1.0);
          cairo_new_sub_path (cr);
          cairo_arc (cr, wx, wy, DOT_RADIUS_PX, 0, 2 * G_PI);
          cairo_fill (cr);
        }
      prev = p;
      px = wx;
      py = wy;
    }
}

static void
al_trail_layer_snapshot (AlLayer            *layer,
                         GtkSnapshot        *snapshot,
                         const AlCanvasView *view)
{
  AlTrailLayer *self = AL_TRAIL_LAYER (layer);
  int now = series_index (self->series, view->frame);
  cairo_t *cr;

  self->frame = view->frame;
  if (now < 0)
    return;
  cr = al_layer_begin_cairo (layer, snapshot, view);
  cairo_set_line_width (cr, TRAIL_WIDTH_PX);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  for (guint t = 0; t < self->series->tracks->n_tracks; t++)
    draw_trail (self, cr, view, self->by_track[t], now);
  al_layer_end_cairo (layer, snapshot, cr);
}

static gint64
al_trail_layer_hit_test (AlLayer *layer,
                         double   x,
                         double   y,
                         double   radius)
{
  AlTrailLayer *self = AL_TRAIL_LAYER (layer);
  const AlSeries *s = self->series;
  double best = G_MAXDOUBLE;
  gint64 found = -1;

  for (guint k = 0; k < s->tracks->points->len; k++)
    {
      const AlTrackPoint *p = &g_array_index (s->tracks->points, AlTrackPoint, k);
      double d = hypot (p->x - x, p->y - y);
      if (p->frame == self->frame && d <= radius && d < best)
        best = d, found = (gint64) p->track_id - 1;
    }
  return found;
}

static void
al_trail_layer_finalize (GObject *object)
{
  AlTrailLayer *self = AL_TRAIL_LAYER (object);

  for (guint t = 0; self->series != NULL && t < self->series->tracks->n_tracks; t++)
    g_array_unref (self->by_track[t]);
  g_free (self->by_track);
  g_clear_pointer (&self->series, al_series_free);
  G_OBJECT_CLASS (al_trail_layer_parent_class)->finalize (object);
}

static void
al_trail_layer_class_init (AlTrailLayerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = al_trail_layer_finalize;
  AL_LAYER_CLASS (klass)->snapshot = al_trail_layer_snapshot;
  AL_LAYER_CLASS (klass)->hit_test = al_trail_layer_hit_test;
}

static void
al_trail_layer_init (AlTrailLayer *self)
{
  self->length = AL_TRAIL_DEFAULT_FRAMES;
}

AlLayer *
al_trail_layer_new (AlSeries *series)
{
  AlTrailLayer *self = g_object_new (AL_TYPE_TRAIL_LAYER, "name", _("Tracks"), NULL);
  const AlTracks *t = series->tracks;

  self->series = series;
  self->by_track = g_new0 (GArray *, MAX (t->n_tracks, 1));
  for (guint i = 0; i < t->n_tracks; i++)
    self->by_track[i] = g_array_new (FALSE, FALSE, sizeof (guint));
  /* Points are in frame order, so each track's list is too. */
  for (guint k = 0; k < t->points->len; k++)
    {
      const AlTrackPoint *p = &g_array_index (t->points, AlTrackPoint, k);
      g_array_append_val (self->by_track[p->track_id - 1], k);
    }
  return AL_LAYER (self);
}

const AlSeries *
al_trail_layer_get_series (AlTrailLayer *self)
{
  g_return_val_if_fail (AL_IS_TRAIL_LAYER (self), NULL);
  return self->series;
}

void
al_trail_layer_set_length (AlTrailLayer *self,
                           guint         frames)
{
  g_return_if_fail (AL_IS_TRAIL_LAYER (self));
  self->length = frames;
  al_layer_changed (AL_LAYER (self));
}

guint
al_trail_layer_count_points (AlTrailLayer *self,
                             guint         frame)
{
  const AlSeries *s;
  int now;
  guint n = 0;

  g_return_val_if_fail (AL_IS_TRAIL_LAYER (self), 0);
  s = self->series;
  now = series_index (s, frame);
  for (guint t = 0; now >= 0 && t < s->tracks->n_tracks; t++)
    for (guint k = 0; k < self->by_track[t]->len; k++)
      {
        const AlTrackPoint *p = &g_array_index (s->tracks->points, AlTrackPoint,
                                                g_array_index (self->by_track[t], guint, k));
        int age = now - (int) (p->frame - s->frame[0]);
        n += age >= 0 && age <= (int) self->length;
      }
  return n;
}
