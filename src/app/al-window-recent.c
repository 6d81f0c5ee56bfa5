/* al-window-recent.c: recent images, from GtkRecentManager (shared with the
 * rest of the desktop), listed in the Open button's drop-down. */
#include "al-window-private.h"

#include <glib/gi18n.h>

/* Only our own entries: images AtomLens opened. */
static gboolean
is_ours (GtkRecentInfo *info)
{
  return gtk_recent_info_has_application (info, g_get_application_name ())
         && gtk_recent_info_exists (info);
}

static gint
compare_visited (gconstpointer a,
                 gconstpointer b)
{
  GDateTime *ta = gtk_recent_info_get_visited ((GtkRecentInfo *) a);
  GDateTime *tb = gtk_recent_info_get_visited ((GtkRecentInfo *) b);

  return -g_date_time_compare (ta, tb);
}

static void
rebuild_menu (AlWindow *self)
{
  GList *items = gtk_recent_manager_get_items (self->recent_manager);
  guint limit = g_settings_get_uint (self->settings, "recent-limit");
  guint n = 0;

  g_menu_remove_all (self->recent_menu);
  items = g_list_sort (items, compare_visited);
  for (GList *l = items; l != NULL && n < limit; l = l->next)
    {
      GtkRecentInfo *info = l->data;
      g_autoptr (GMenuItem) item = NULL;

      if (!is_ours (info))
        continue;
      item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);
      g_menu_item_set_action_and_target (item, "win.open-uri", "s", gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_menu, item);
      n++;
    }
  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  if (n == 0)
    {
      g_autoptr (GMenuItem) none = g_menu_item_new (_("No Recent Images"), "win.no-recent");
      g_menu_append_item (self->recent_menu, none);
    }
}

void
_al_window_init_recent (AlWindow *self)
{
  self->recent_manager = gtk_recent_manager_get_default ();
  self->recent_menu = g_menu_new ();
  adw_split_button_set_menu_model (self->open_button, G_MENU_MODEL (self->recent_menu));
  g_signal_connect_object (self->recent_manager, "changed", G_CALLBACK (rebuild_menu), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::recent-limit", G_CALLBACK (rebuild_menu),
                           self, G_CONNECT_SWAPPED);
  rebuild_menu (self);
}

void
_al_window_add_recent (AlWindow *self,
                       GFile    *file)
{
  g_autofree char *uri = NULL;

  if (!g_settings_get_boolean (self->settings, "remember-recent"))
    return;
  uri = g_file_get_uri (file);
  gtk_recent_manager_add_item (self->recent_manager, uri);
}
