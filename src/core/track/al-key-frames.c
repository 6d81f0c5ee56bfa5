/* al-key-frames.c: values shared from key frames (see al-key-frames.h). */
#include "track/al-key-frames.h"

typedef struct
{
  gboolean published;
  gpointer value;
  guint    users;      /* frames that have not released it yet */
} KeyEntry;

struct _AlKeyFrames
{
  guint          first, last, every;
  GDestroyNotify free_value;
  KeyEntry      *entries;
  GMutex         lock;
  GCond          published;
};

AlKeyFrames *
al_key_frames_new (guint          first,
                   guint          last,
                   guint          every,
                   GDestroyNotify free_value)
{
  AlKeyFrames *k;
  guint n_keys;

  g_return_val_if_fail (first <= last && every >= 1, NULL);
  k = g_new0 (AlKeyFrames, 1);
  k->first = first;
  k->last = last;
  k->every = every;
  k->free_value = free_value;
  n_keys = (last - first) / every + 1;
  k->entries = g_new0 (KeyEntry, n_keys);
  for (guint i = 0; i < n_keys; i++)
    k->entries[i].users = MIN (every, last - (first + i * every) + 1);
  g_mutex_init (&k->lock);
  g_cond_init (&k->published);
  return k;
}

void
al_key_frames_free (AlKeyFrames *k)
{
  if (k == NULL)
    return;
  for (guint i = 0; i <= (k->last - k->first) / k->every; i++)
    if (k->entries[i].value != NULL && k->free_value != NULL)
      k->free_value (k->entries[i].value);
  g_free (k->entries);
  g_mutex_clear (&k->lock);
  g_cond_clear (&k->published);
  g_free (k);
}

static KeyEntry *
entry_of (AlKeyFrames *k,
          guint        frame)
{
  g_return_val_if_fail (frame >= k->first && frame <= k->last, NULL);
  return &k->entries[(frame - k->first) / k->every];
}

gboolean
al_key_frames_is_key (const AlKeyFrames *k,
                      guint              frame)
{
  return frame >= k->first && (frame - k->first) % k->every == 0;
}

void
al_key_frames_publish (AlKeyFrames *k,
                       guint        key_frame,
                       gpointer     value)
{
  KeyEntry *e = entry_of (k, key_frame);
  gboolean taken = FALSE;

  g_return_if_fail (e != NULL && al_key_frames_is_key (k, key_frame));
  g_mutex_lock (&k->lock);
  if (!e->published)
    {
      e->published = TRUE;
      e->value = value;
      taken = TRUE;
      g_cond_broadcast (&k->published);
    }
  g_mutex_unlock (&k->lock);
  if (!taken && value != NULL && k->free_value != NULL)
    k->free_value (value);
}

gconstpointer
al_key_frames_acquire (AlKeyFrames *k,
                       guint        frame)
{
  KeyEntry *e = entry_of (k, frame);
  gpointer value;

  g_return_val_if_fail (e != NULL, NULL);
  g_mutex_lock (&k->lock);
  while (!e->published)
    g_cond_wait (&k->published, &k->lock);
  value = e->value;
  g_mutex_unlock (&k->lock);
  return value;
}

void
al_key_frames_release (AlKeyFrames *k,
                       guint        frame)
{
  KeyEntry *e = entry_of (k, frame);
  gpointer drop = NULL;

  g_return_if_fail (e != NULL);
  g_mutex_lock (&k->lock);
  if (e->users > 0 && --e->users == 0)
    {
      drop = e->value;
      e->value = NULL;
    }
  g_mutex_unlock (&k->lock);
  if (drop != NULL && k->free_value != NULL)
    k->free_value (drop);
}
