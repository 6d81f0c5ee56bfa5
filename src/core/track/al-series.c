/* al-series.c: drift, defect tracks and their tables for a series (see
 * al-series.h); the drift field of AL_SERIES_DRIFT_FIELD is measured in
 * al-series-field.c. */
#include "al-error.h"

#include "track/al-drift.h"
#include "track/al-drift-atoms.h"
#include "track/al-series.h"

/* The lattice constant in px: measured on the first frame where the lattice
 * was found, else the material's over the pixel size. */
static double
lattice_px (const AlAnalysis *analysis)
{
  for (guint i = 0; i < analysis->frames->len; i++)
    {
      const AlFrameResult *r = analysis->frames->pdata[i];
      if (r->detect.lattice.found && r->detect.lattice.period_px > 0)
        return r->detect.lattice.period_px;
    }
  if (analysis->material != NULL && analysis->pixel_size_nm > 0)
    return analysis->material->a_nm / analysis->pixel_size_nm;
  return 0.0;
}

/* Whether a defect is tracked: a point defect, at least AL_SERIES_BORDER_A
 * lattice constants inside the field of view (nearer the edge its
 * neighbours are cut off and its type or very existence is a guess). */
static gboolean
tracked (const AlDefect   *e,
         const AlAnalysis *a,
         double            lattice_px)
{
  double m = AL_SERIES_BORDER_A * lattice_px;

  return al_defect_type_is_point (e->type) && e->x >= m && e->y >= m
         && e->x <= a->width - m && e->y <= a->height - m;
}

/* The point defects of one frame as linker input; the arrays live in the
 * returned GPtrArray `keep`. Returns the number of defects of all kinds
 * in the frame (for the running defect ids). */
static void
frame_points (const AlFrameResult *r,
              const AlAnalysis    *analysis,
              double               lattice_px,
              AlTrackFrame        *f,
              GPtrArray           *keep,
              GArray             **index)
{
  const AlDefects *d = r->structure ? r->structure->defects : NULL;
  guint n = d ? al_defects_len (d) : 0, k = 0;
  double *x = g_new (double, MAX (n, 1)), *y = g_new (double, MAX (n, 1));
  int *label = g_new (int, MAX (n, 1));

  *index = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint q = 0; q < n; q++)
    {
      const AlDefect *e = al_defects_get (d, q);
      if (!tracked (e, analysis, lattice_px))
        continue;
      x[k] = e->x;
      y[k] = e->y;
      label[k] = (int) e->type;
      g_array_append_val (*index, q);
      k++;
    }
  g_ptr_array_add (keep, x);
  g_ptr_array_add (keep, y);
  g_ptr_array_add (keep, label);
  f->frame = r->frame;
  f->n = k;
  f->x = x;
  f->y = y;
  f->label = label;
}

/* Refines each step of the image-correlation drift on the columns found
 * in the two frames (al-drift-atoms.h); a step whose columns do not pair
 * up keeps the correlation's value. Returns the number of steps refined. */
static guint
refine_on_atoms (AlSeries         *s,
                 const AlAnalysis *analysis)
{
  g_autofree double *step_x = g_new (double, s->n_frames);
  g_autofree double *step_y = g_new (double, s->n_frames);
  guint n_refined = 0;

  for (guint i = 1; i < s->n_frames; i++)
    {
      const AlFrameResult *a = analysis->frames->pdata[i - 1], *b = analysis->frames->pdata[i];
      double nn = MIN (a->detect.neighbour_px, b->detect.neighbour_px);
      step_x[i] = s->drift_x[i] - s->drift_x[i - 1];
      step_y[i] = s->drift_y[i] - s->drift_y[i - 1];
      if (a->atoms != NULL && b->atoms != NULL
          && al_drift_refine_atoms (a->atoms, b->atoms, analysis->width, analysis->height, nn,
                                    &step_x[i], &step_y[i], NULL))
        n_refined++;
    }
  for (guint i = 1; i < s->n_frames; i++)
    {
      s->drift_x[i] = s->drift_x[i - 1] + step_x[i];
      s->drift_y[i] = s->drift_y[i - 1] + step_y[i];
    }
  return n_refined;
}

void
al_series_drift_at (const AlSeries *s,
                    guint           index,
                    double          x,
                    double          y,
                    double         *dx,
                    double         *dy)
{
  g_return_if_fail (index < s->n_frames);
  *dx = s->drift_x[index];
  *dy = s->drift_y[index];
  if (s->fields != NULL)
    {
      double fx, fy;
      al_drift_field_at (&s->fields[index], x, y, &fx, &fy);
      *dx += fx;
      *dy += fy;
    }
}

/* With a drift field, each point's own drift (arrays kept in `keep`). */
static void
point_drifts (const AlSeries *s,
              guint           index,
              AlTrackFrame   *f,
              GPtrArray      *keep)
{
  double *dx, *dy;

  if (s->fields == NULL)
    return;
  dx = g_new (double, MAX (f->n, 1));
  dy = g_new (double, MAX (f->n, 1));
  for (guint p = 0; p < f->n; p++)
    al_series_drift_at (s, index, f->x[p], f->y[p], &dx[p], &dy[p]);
  g_ptr_array_add (keep, dx);
  g_ptr_array_add (keep, dy);
  f->point_drift_x = dx;
  f->point_drift_y = dy;
}

AlSeries *
al_series_track_drift (const AlImage    *image,
                       AlFrameSource    *source,
                       const AlAnalysis *analysis,
                       AlSeriesDrift     drift,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr (AlSeries) s = g_new0 (AlSeries, 1);
  g_autoptr (GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  g_autofree AlTrackFrame *frames = NULL;
  AlTrackParams params;
  guint first, last;

  g_return_val_if_fail ((image != NULL || source != NULL) && analysis != NULL
                        && analysis->frames->len > 0, NULL);
  s->n_frames = analysis->frames->len;
  s->drift = drift;
  first = ((AlFrameResult *) analysis->frames->pdata[0])->frame;
  last = ((AlFrameResult *) analysis->frames->pdata[s->n_frames - 1])->frame;
  if (last - first + 1 != s->n_frames)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "Tracking needs consecutive frames (got %u frames in %u–%u)", s->n_frames, first, last);
      return NULL;
    }
  s->frame = g_new (guint, s->n_frames);
  for (guint i = 0; i < s->n_frames; i++)
    s->frame[i] = first + i;
  s->drift_x = g_new0 (double, s->n_frames);
  s->drift_y = g_new0 (double, s->n_frames);
  s->lattice_px = lattice_px (analysis);
  if (s->n_frames > 1 && source != NULL
      && !al_drift_estimate_source (source, first, last, AL_SERIES_MAX_STEP_A * s->lattice_px,
                                    s->drift_x, s->drift_y, cancellable, error))
    return NULL;
  if (s->n_frames > 1 && source == NULL
      && !al_drift_estimate (image, first, last, AL_SERIES_MAX_STEP_A * s->lattice_px,
                             s->drift_x, s->drift_y, cancellable, error))
    return NULL;
  if (s->n_frames > 1)
    s->n_refined = refine_on_atoms (s, analysis);
  if (s->n_frames > 1 && drift == AL_SERIES_DRIFT_FIELD
      && !al_series_measure_fields (s, image, source, cancellable, error))
    return NULL;

  al_track_params_init (&params);
  params.n_labels = AL_N_DEFECT_TYPES;
  if (s->lattice_px > 0)
    {
      params.gate_px = AL_SERIES_GATE_A * s->lattice_px;
      params.hop_px = AL_SERIES_HOP_A * s->lattice_px;
    }
  frames = g_new0 (AlTrackFrame, s->n_frames);
  for (guint i = 0; i < s->n_frames; i++)
    {
      g_autoptr (GArray) index = NULL;
      frame_points (analysis->frames->pdata[i], analysis, s->lattice_px, &frames[i], keep, &index);
      frames[i].drift_x = s->drift_x[i];
      frames[i].drift_y = s->drift_y[i];
      point_drifts (s, i, &frames[i], keep);
    }
  s->tracks = al_track_link (frames, s->n_frames, &params);
  return g_steal_pointer (&s);
}

AlSeries *
al_series_track (const AlImage    *image,
                 const AlAnalysis *analysis,
                 GCancellable     *cancellable,
                 GError          **error)
{
  g_return_val_if_fail (image != NULL, NULL);
  return al_series_track_drift (image, NULL, analysis, AL_SERIES_DRIFT_RIGID, cancellable, error);
}

AlSeries *
al_series_track_source (AlFrameSource    *source,
                        const AlAnalysis *analysis,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_return_val_if_fail (source != NULL, NULL);
  return al_series_track_drift (NULL, source, analysis, AL_SERIES_DRIFT_RIGID, cancellable,
                                error);
}

void
al_series_free (AlSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->frame);
  g_free (series->drift_x);
  g_free (series->drift_y);
  g_free (series->fields);
  al_tracks_free (series->tracks);
  g_free (series);
}

/* defects.csv numbers all defects through the frames in order: the id of
 * the k-th point defect of each frame, by frame index. */
static guint *
defect_ids (const AlAnalysis *analysis,
            double            lattice_px,
            guint            *n_ids)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (guint));
  guint base = 0;

  for (guint i = 0; i < analysis->frames->len; i++)
    {
      const AlFrameResult *r = analysis->frames->pdata[i];
      const AlDefects *d = r->structure ? r->structure->defects : NULL;
      for (guint q = 0; d != NULL && q < al_defects_len (d); q++)
        if (tracked (al_defects_get (d, q), analysis, lattice_px))
          {
            guint id = base + q;
            g_array_append_val (ids, id);
          }
      base += d ? al_defects_len (d) : 0;
    }
  *n_ids = ids->len;
  return (guint *) g_array_free (ids, FALSE);
}

static const char *
label_name (int label)
{
  return label < 0 ? "" : al_defect_type_name ((AlDefectType) label);
}

gboolean
al_series_write_csv (const AlSeries   *series,
                     const AlAnalysis *analysis,
                     const char       *out_dir,
                     GError          **error)
{
  g_autoptr (GString) tracks = g_string_new ("track_id,frame,defect_id,type,x_px,y_px\n");
  g_autoptr (GString) events = g_string_new ("frame,track_id,event,from_type,to_type\n");
  g_autofree char *tracks_path = g_build_filename (out_dir, "tracks.csv", NULL);
  g_autofree char *events_path = g_build_filename (out_dir, "events.csv", NULL);
  guint n_ids;
  g_autofree guint *ids = defect_ids (analysis, series->lattice_px, &n_ids);
  char bx[G_ASCII_DTOSTR_BUF_SIZE], by[G_ASCII_DTOSTR_BUF_SIZE];

  g_return_val_if_fail (n_ids == series->tracks->points->len, FALSE);
  for (guint k = 0; k < series->tracks->points->len; k++)
    {
      const AlTrackPoint *p = &g_array_index (series->tracks->points, AlTrackPoint, k);
      g_string_append_printf (tracks, "%u,%u,%u,%s,%s,%s\n", p->track_id, p->frame, ids[k],
                              label_name (p->label),
                              g_ascii_formatd (bx, sizeof bx, "%.3f", p->x),
                              g_ascii_formatd (by, sizeof by, "%.3f", p->y));
    }
  for (guint k = 0; k < series->tracks->events->len; k++)
    {
      const AlTrackEvent *e = &g_array_index (series->tracks->events, AlTrackEvent, k);
      g_string_append_printf (events, "%u,%u,%s,%s,%s\n", e->frame, e->track_id,
                              al_track_event_name (e->kind), label_name (e->from), label_name (e->to));
    }
  /* g_file_set_contents writes a temporary file and renames it over the path. */
  return g_file_set_contents (tracks_path, tracks->str, (gssize) tracks->len, error)
         && g_file_set_contents (events_path, events->str, (gssize) events->len, error);
}

static void
add_transitions (const AlTracks *t,
                 JsonBuilder    *b)
{
  json_builder_set_member_name (b, "transitions");
  json_builder_begin_array (b);
  for (guint i = 0; i < t->n_labels; i++)
    for (guint j = 0; j < t->n_labels; j++)
      if (t->counts[i * t->n_labels + j] > 0)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "from");
          json_builder_add_string_value (b, label_name ((int) i));
          json_builder_set_member_name (b, "to");
          json_builder_add_string_value (b, label_name ((int) j));
          json_builder_set_member_name (b, "count");
          json_builder_add_int_value (b, t->counts[i * t->n_labels + j]);
          json_builder_set_member_name (b, "rate_per_frame");
          json_builder_add_double_value (b, al_tracks_rate (t, (int) i, (int) j));
          json_builder_end_object (b);
        }
  json_builder_end_array (b);
}

static void
add_events_and_lifetimes (const AlSeries *s,
                          JsonBuilder    *b)
{
  const AlTracks *t = s->tracks;
  guint n_kind[AL_TRACK_HOP + 1] = { 0 };
  double sum = 0;
  guint n_closed = 0;

  for (guint k = 0; k < t->events->len; k++)
    n_kind[g_array_index (t->events, AlTrackEvent, k).kind]++;
  json_builder_set_member_name (b, "events");
  json_builder_begin_object (b);
  for (guint k = 0; k <= AL_TRACK_HOP; k++)
    {
      json_builder_set_member_name (b, al_track_event_name (k));
      json_builder_add_int_value (b, n_kind[k]);
    }
  json_builder_end_object (b);
  /* Mean lifetime of the tracks born and dead inside the window (the
   * others are cut by its ends). */
  for (guint k = 0; k < t->spans->len; k++)
    {
      const AlTrackSpan *sp = &g_array_index (t->spans, AlTrackSpan, k);
      if (sp->first_frame > s->frame[0] && sp->last_frame < s->frame[s->n_frames - 1])
        {
          sum += sp->last_frame - sp->first_frame + 1;
          n_closed++;
        }
    }
  json_builder_set_member_name (b, "mean_lifetime_frames");
  if (n_closed > 0)
    json_builder_add_double_value (b, sum / n_closed);
  else
    json_builder_add_null_value (b);
}

void
al_series_add_json (const AlSeries *s,
                    JsonBuilder    *b)
{
  json_builder_set_member_name (b, "series");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "drift_model");
  json_builder_add_string_value (b, s->drift == AL_SERIES_DRIFT_FIELD ? "field" : "rigid");
  json_builder_set_member_name (b, "drift_px");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->n_frames; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "frame");
      json_builder_add_int_value (b, s->frame[i]);
      json_builder_set_member_name (b, "dx");
      json_builder_add_double_value (b, s->drift_x[i]);
      json_builder_set_member_name (b, "dy");
      json_builder_add_double_value (b, s->drift_y[i]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "drift_steps_on_columns");
  json_builder_add_int_value (b, s->n_refined);
  if (s->drift == AL_SERIES_DRIFT_FIELD)
    {
      json_builder_set_member_name (b, "drift_field_steps");
      json_builder_add_int_value (b, s->n_field_steps);
    }
  json_builder_set_member_name (b, "lattice_px");
  json_builder_add_double_value (b, s->lattice_px);
  json_builder_set_member_name (b, "n_tracks");
  json_builder_add_int_value (b, s->tracks->n_tracks);
  add_events_and_lifetimes (s, b);
  add_transitions (s->tracks, b);
  json_builder_end_object (b);
}
