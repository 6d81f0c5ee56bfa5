/* al-metadata-panel.c: fills the rows from an AlImage. Editing the pixel
 * size emits AlMetadataPanel::pixel-size-changed; the window applies it
 * (the image belongs to the window, not to the panel). */
#include "al-metadata-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>

/* The metadata list shows at most this many entries (some formats record
 * thousands of tags; the rest stay in the file). */
#define MAX_METADATA_ROWS 500

struct _AlMetadataPanel
{
  GtkWidget      parent_instance;

  AdwActionRow  *size_row;
  AdwActionRow  *format_row;
  AdwActionRow  *path_row;
  AdwActionRow  *calibration_row;
  GtkAdjustment *pixel_size_adjustment;
  GtkListBox    *metadata_list;
  gboolean       updating;
};

G_DEFINE_FINAL_TYPE (AlMetadataPanel, al_metadata_panel, GTK_TYPE_WIDGET)

enum {
  PIXEL_SIZE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_pixel_size_changed (GtkAdjustment   *adjustment,
                       AlMetadataPanel *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[PIXEL_SIZE_CHANGED], 0, gtk_adjustment_get_value (adjustment));
}

static void
al_metadata_panel_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), AL_TYPE_METADATA_PANEL);
  /* The template's root has no id: unparent it ourselves. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (al_metadata_panel_parent_class)->dispose (object);
}

static void
al_metadata_panel_class_init (AlMetadataPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_metadata_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-metadata-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, size_row);
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, format_row);
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, path_row);
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, calibration_row);
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, pixel_size_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AlMetadataPanel, metadata_list);

  /**
   * AlMetadataPanel::pixel-size-changed:
   * @nm: the pixel size the user typed, nm (0: unknown)
   */
  signals[PIXEL_SIZE_CHANGED] = g_signal_new ("pixel-size-changed", G_TYPE_FROM_CLASS (klass),
                                              G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                              G_TYPE_NONE, 1, G_TYPE_DOUBLE);
}

static void
al_metadata_panel_init (AlMetadataPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->pixel_size_adjustment, "value-changed",
                    G_CALLBACK (on_pixel_size_changed), self);
}

static void
set_subtitle (AdwActionRow *row,
              const char   *text)
{
  adw_action_row_set_subtitle (row, text != NULL ? text : "");
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL
         && GTK_IS_LIST_BOX_ROW (child))
    gtk_list_box_remove (list, child);
}

static int
compare_keys (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  return g_strcmp0 (*(char *const *) a, *(char *const *) b);
}

static void
fill_metadata (AlMetadataPanel *self,
               const AlImage   *image)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;

  clear_list (self->metadata_list);
  if (image == NULL || image->metadata == NULL)
    return;
  keys = g_hash_table_get_keys_as_array (image->metadata, &n);
  g_qsort_with_data (keys, n, sizeof (gpointer), compare_keys, NULL);
  for (guint i = 0; i < MIN (n, MAX_METADATA_ROWS); i++)
    {
      const char *value = g_hash_table_lookup (image->metadata, keys[i]);
      g_autofree char *valid = g_utf8_make_valid (value != NULL ? value : "", -1);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), keys[i]);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), valid);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
      gtk_widget_add_css_class (row, "property");
      gtk_list_box_append (self->metadata_list, row);
    }
}

void
al_metadata_panel_set_image (AlMetadataPanel *self,
                             const AlImage   *image)
{
  g_autofree char *size = NULL;
  g_autofree char *format = NULL;
  g_autofree char *calibration = NULL;

  g_return_if_fail (AL_IS_METADATA_PANEL (self));

  self->updating = TRUE;
  if (image != NULL)
    {
      size = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u × %u px, %u frame", "%u × %u px, %u frames",
                                           image->n_frames),
                              image->width, image->height, image->n_frames);
      format = g_strdup_printf ("%s, %s", image->format != NULL ? image->format : "?",
                                image->dtype != NULL ? image->dtype : "?");
      if (image->unit != NULL && image->scale_x > 0)
        calibration = g_strdup_printf (_("%.6g × %.6g %s per pixel"), image->scale_x, image->scale_y,
                                       image->unit);
      else
        calibration = g_strdup (_("None"));
    }
  set_subtitle (self->size_row, size);
  set_subtitle (self->format_row, format);
  set_subtitle (self->path_row, image != NULL ? image->source_path : NULL);
  set_subtitle (self->calibration_row, calibration);
  gtk_adjustment_set_value (self->pixel_size_adjustment, image != NULL ? image->pixel_size : 0);
  fill_metadata (self, image);
  self->updating = FALSE;
}
