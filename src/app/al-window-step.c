/* al-window-step.c: stepping through a group from the Classification
 * panel: a click on a species row rings all its atoms, one on a defect
 * row all atoms of defects of that type; win.next-item / win.previous-item
 * (N, P, and the panel's buttons) then go from one to the next in reading
 * order, choosing it (the Inspector shows it) and centring the canvas on it,
 * zoomed in far enough to see it among its neighbours. The group is only
 * highlighted, not selected: the species keys and Delete still act on the
 * one atom chosen. */
#include "al-window-private.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

/* Stepping zooms in until about this many nearest-neighbour distances
 * span the shorter side of the view (never zooms out). */
#define STEP_VIEW_NN 14.0

static const AlFrameResult *
shown_frame (AlWindow *self)
{
  return self->results != NULL ? al_results_get_frame (self->results, al_canvas_get_frame (self->canvas))
                                : NULL;
}

typedef struct
{
  double x, y;
  guint  index;
} Item;

static int
compare_items (const void *a,
               const void *b)
{
  const Item *p = a, *q = b;
  /* Reading order in rows a few pixels high, so a lattice row reads left
   * to right rather than zig-zagging on sub-pixel y differences. */
  double row_p = floor (p->y / 8), row_q = floor (q->y / 8);

  if (row_p != row_q)
    return row_p < row_q ? -1 : 1;
  return (p->x > q->x) - (p->x < q->x);
}

/* The group's members (atom or defect indices, in reading order) and the
 * atoms to ring. */
static void
collect (AlWindow *self,
         GArray   *items,
         GArray   *ring)
{
  const AlFrameResult *r = shown_frame (self);
  g_autoptr (GArray) found = g_array_new (FALSE, FALSE, sizeof (Item));

  g_array_set_size (items, 0);
  g_array_set_size (ring, 0);
  if (r == NULL)
    return;
  if (self->step_kind == AL_GROUP_SPECIES)
    for (guint i = 0; i < r->atoms->n_atoms; i++)
      {
        int s = r->atoms->species[i];
        if (s == self->step_value || (self->step_value < 0 && s < 0))
          {
            Item it = { r->atoms->x[i], r->atoms->y[i], i };
            g_array_append_val (found, it);
            g_array_append_val (ring, i);
          }
      }
  else if (self->step_kind == AL_GROUP_DEFECTS && r->structure != NULL && r->structure->defects != NULL)
    for (guint k = 0; k < al_defects_len (r->structure->defects); k++)
      {
        const AlDefect *d = al_defects_get (r->structure->defects, k);
        Item it = { d->x, d->y, k };
        if ((int) d->type != self->step_value)
          continue;
        g_array_append_val (found, it);
        g_array_append_vals (ring, al_defect_members (r->structure->defects, d), d->n_members);
      }
  qsort (found->data, found->len, sizeof (Item), compare_items);
  for (guint k = 0; k < found->len; k++)
    g_array_append_val (items, g_array_index (found, Item, k).index);
}

static const char *
group_name (AlWindow *self)
{
  const AlMaterial *material = self->results != NULL ? al_results_get_analysis (self->results)->material : NULL;

  if (self->step_kind == AL_GROUP_DEFECTS)
    return al_defect_type_name (self->step_value);
  if (material != NULL && self->step_value >= 0 && (guint) self->step_value < material->n_species)
    return material->species[self->step_value].name;
  return _("Unclassified");
}

static void
update_bar (AlWindow *self)
{
  al_classification_panel_set_step (self->classification_panel,
                                    self->step_kind != AL_GROUP_NONE ? group_name (self) : NULL,
                                    self->step_pos, self->step_items->len);
  _al_window_update_actions (self);
}

/* Centres the canvas on (x, y), zooming in to see the neighbourhood. */
static void
go_to (AlWindow *self,
       double    x,
       double    y)
{
  const AlFrameResult *r = shown_frame (self);
  double nn = r != NULL && r->structure != NULL && r->structure->bonds != NULL ? r->structure->bonds->nn_px : 0;
  double side = MIN (gtk_widget_get_width (GTK_WIDGET (self->canvas)),
                     gtk_widget_get_height (GTK_WIDGET (self->canvas)));

  if (nn > 0 && side > 0 && al_canvas_get_zoom (self->canvas) < side / (STEP_VIEW_NN * nn))
    al_canvas_set_zoom (self->canvas, side / (STEP_VIEW_NN * nn));
  al_canvas_center_on (self->canvas, x, y);
}

static void
show_item (AlWindow *self)
{
  const AlFrameResult *r = shown_frame (self);
  guint index, frame = al_canvas_get_frame (self->canvas);

  if (r == NULL || self->step_pos >= self->step_items->len)
    return;
  index = g_array_index (self->step_items, guint, self->step_pos);
  if (self->step_kind == AL_GROUP_SPECIES)
    {
      self->defect_chosen = FALSE;
      al_atoms_layer_set_selected (self->atoms_layer, index);
      al_inspector_panel_show_atom (self->inspector_panel, self->results, frame, index);
      go_to (self, r->atoms->x[index], r->atoms->y[index]);
    }
  else
    {
      const AlDefect *d = al_defects_get (r->structure->defects, index);
      _al_window_choose_defect (self, index, FALSE);
      go_to (self, d->x, d->y);
    }
  /* Choosing a defect rings its members: the whole group again. */
  al_atoms_layer_set_selection (self->atoms_layer, (const guint *) self->step_ring->data, self->step_ring->len);
  update_bar (self);
}

static void
on_group_chosen (AlClassificationPanel *panel,
                 int                    kind,
                 int                    value,
                 AlWindow              *self)
{
  al_window_step_group (self, kind, value);
}

guint
al_window_step_group (AlWindow *self,
                      int       kind,
                      int       value)
{
  g_return_val_if_fail (AL_IS_WINDOW (self), 0);
  self->step_kind = self->atoms_layer != NULL ? kind : AL_GROUP_NONE;
  self->step_value = value;
  self->step_pos = 0;
  g_array_set_size (self->selection, 0);
  collect (self, self->step_items, self->step_ring);
  show_item (self);
  update_bar (self);
  return self->step_items->len;
}

gint64
al_window_step (AlWindow *self,
                int       delta)
{
  guint n;

  g_return_val_if_fail (AL_IS_WINDOW (self), -1);
  n = self->step_items->len;
  if (self->step_kind == AL_GROUP_NONE || n == 0)
    return -1;
  /* Wraps around at either end. */
  self->step_pos = (guint) (((gint64) self->step_pos + delta) % n + n) % n;
  show_item (self);
  return g_array_index (self->step_items, guint, self->step_pos);
}

static void
stop (AlWindow *self)
{
  self->step_kind = AL_GROUP_NONE;
  g_array_set_size (self->step_items, 0);
  g_array_set_size (self->step_ring, 0);
  if (self->atoms_layer != NULL)
    al_atoms_layer_set_selection (self->atoms_layer, NULL, 0);
  update_bar (self);
}

/* After new results (an edit, undo): the group again, same position. */
void
_al_window_step_results_shown (AlWindow *self)
{
  if (self->step_kind == AL_GROUP_NONE)
    return;
  if (self->atoms_layer == NULL)
    {
      stop (self);
      return;
    }
  collect (self, self->step_items, self->step_ring);
  if (self->step_pos >= self->step_items->len)
    self->step_pos = self->step_items->len > 0 ? self->step_items->len - 1 : 0;
  if (self->selection->len == 0)
    al_atoms_layer_set_selection (self->atoms_layer, (const guint *) self->step_ring->data,
                                  self->step_ring->len);
  update_bar (self);
}

static void
next_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  al_window_step (AL_WINDOW (user_data), 1);
}

static void
previous_activated (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  al_window_step (AL_WINDOW (user_data), -1);
}

static void
stop_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  stop (AL_WINDOW (user_data));
}

static const GActionEntry step_actions[] = {
  { "next-item", next_activated },
  { "previous-item", previous_activated },
  { "stop-stepping", stop_activated },
};

void
_al_window_update_step_actions (AlWindow *self)
{
  gboolean stepping = self->step_kind != AL_GROUP_NONE;

  for (guint i = 0; i < G_N_ELEMENTS (step_actions); i++)
    {
      GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), step_actions[i].name);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                   stepping && (i == 2 || self->step_items->len > 0));
    }
}

void
_al_window_init_step (AlWindow *self)
{
  self->step_items = g_array_new (FALSE, FALSE, sizeof (guint));
  self->step_ring = g_array_new (FALSE, FALSE, sizeof (guint));
  g_action_map_add_action_entries (G_ACTION_MAP (self), step_actions, G_N_ELEMENTS (step_actions), self);
  g_signal_connect_object (self->classification_panel, "group-chosen", G_CALLBACK (on_group_chosen), self, 0);
}
