/* al-track-labels.c: steady labels along tracks (see al-track-labels.h). */
#include <string.h>

#include "track/al-track-labels.h"

/* One observation of a track: frame index and point index. */
typedef struct
{
  guint fi, p;
} Obs;

/* Steadies the labels of one track's observations in place. */
static void
steady_track (const Obs *obs,
              guint      n,
              int      **label,
              guint      min_persist)
{
  guint i = 0;
  int current = 0;

  while (i < n)
    {
      int run_label = label[obs[i].fi][obs[i].p];
      guint end = i;

      while (end < n && label[obs[end].fi][obs[end].p] == run_label)
        end++;
      /* An inner run too short to trust takes the label before it. */
      if (i > 0 && end < n && end - i < min_persist)
        for (guint k = i; k < end; k++)
          label[obs[k].fi][obs[k].p] = current;
      else
        current = run_label;
      i = end;
    }
}

void
al_track_steady_labels (const AlTrackFrame *frames,
                        guint               n_frames,
                        const guint *const *assigned,
                        guint               min_persist,
                        AlTrackFrame       *steady,
                        GPtrArray          *keep)
{
  g_autofree int **label = g_new0 (int *, MAX (n_frames, 1));
  g_autoptr (GPtrArray) tracks = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);

  for (guint fi = 0; fi < n_frames; fi++)
    {
      const AlTrackFrame *f = &frames[fi];

      label[fi] = g_new0 (int, MAX (f->n, 1));
      if (f->n > 0)
        memcpy (label[fi], f->label, f->n * sizeof (int));
      g_ptr_array_add (keep, label[fi]);
      steady[fi] = *f;
      steady[fi].label = label[fi];
      for (guint p = 0; p < f->n; p++)
        {
          guint id = assigned[fi][p];
          Obs o = { fi, p };
          while (tracks->len < id)
            g_ptr_array_add (tracks, g_array_new (FALSE, FALSE, sizeof (Obs)));
          g_array_append_val (tracks->pdata[id - 1], o);
        }
    }
  if (min_persist <= 1)
    return;
  for (guint k = 0; k < tracks->len; k++)
    {
      GArray *obs = tracks->pdata[k];
      steady_track ((const Obs *) obs->data, obs->len, label, min_persist);
    }
}
