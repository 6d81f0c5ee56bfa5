/* al-window-status.c: what the window says about the image: the title, the
 * status line (pointer position in pixels and nm, the value there, the
 * zoom), and the frame slider of a series. */
#include "al-window-private.h"

#include <glib/gi18n.h>

static void
update_pointer (AlWindow *self)
{
  const AlImage *image = self->raster != NULL ? al_raster_get_image (self->raster) : NULL;
  double x, y;
  float value;
  g_autofree char *text = NULL;

  if (image == NULL || !al_canvas_get_pointer (self->canvas, &x, &y)
      || !al_canvas_value_at (self->canvas, x, y, &value))
    {
      gtk_label_set_text (self->pointer_label, "");
      return;
    }
  if (image->pixel_size > 0)
    /* Translators: pointer position in pixels, then nm, then the pixel's value. */
    text = g_strdup_printf (_("x %.1f  y %.1f px   %.3f, %.3f nm   value %.6g"),
                            x, y, x * image->pixel_size, y * image->pixel_size, value);
  else
    /* Translators: pointer position in pixels, then the pixel's value. */
    text = g_strdup_printf (_("x %.1f  y %.1f px   value %.6g"), x, y, value);
  gtk_label_set_text (self->pointer_label, text);
}

static void
update_zoom (AlWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%.0f %%", al_canvas_get_zoom (self->canvas) * 100);

  gtk_label_set_text (self->zoom_label, text);
}

void
_al_window_update_title (AlWindow *self)
{
  const AlImage *image = self->raster != NULL ? al_raster_get_image (self->raster) : NULL;
  g_autofree char *name = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *size = NULL;
  g_autoptr (GFile) parent = NULL;
  g_autofree char *title = NULL;

  if (image == NULL || self->file == NULL)
    {
      adw_window_title_set_title (self->window_title, "AtomLens");
      adw_window_title_set_subtitle (self->window_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), "AtomLens");
      gtk_label_set_text (self->image_label, "");
      return;
    }
  name = g_file_get_basename (self->file);
  parent = g_file_get_parent (self->file);
  folder = parent != NULL ? g_file_get_parse_name (parent) : NULL;
  /* Unsaved hand corrections or analysis: a bullet before the name. */
  if (self->document != NULL && al_document_get_modified (self->document))
    title = g_strdup_printf ("• %s", name);
  else
    title = g_strdup (name);
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, folder);
  gtk_window_set_title (GTK_WINDOW (self), title);
  if (image->pixel_size > 0)
    /* Translators: image size in pixels, sample type, then nm per pixel. */
    size = g_strdup_printf (_("%u × %u %s, %.4g nm/px"), image->width, image->height,
                            image->dtype != NULL ? image->dtype : "", image->pixel_size);
  else
    /* Translators: image size in pixels and sample type of an uncalibrated image. */
    size = g_strdup_printf (_("%u × %u %s, uncalibrated"), image->width, image->height,
                            image->dtype != NULL ? image->dtype : "");
  gtk_label_set_text (self->image_label, size);
}

static void
update_frame_label (AlWindow *self)
{
  g_autofree char *text = g_strdup_printf ("%u / %u", al_canvas_get_frame (self->canvas) + 1,
                                           al_canvas_get_n_frames (self->canvas));

  gtk_label_set_text (self->frame_label, text);
}

void
_al_window_update_frames (AlWindow *self)
{
  guint n = al_canvas_get_n_frames (self->canvas);

  gtk_widget_set_visible (GTK_WIDGET (self->frame_box), n > 1);
  gtk_adjustment_configure (self->frame_adjustment, al_canvas_get_frame (self->canvas), 0,
                            MAX (n, 1) - 1, 1, 10, 0);
  update_frame_label (self);
}

static void
on_frame_adjustment_changed (GtkAdjustment *adjustment,
                             AlWindow      *self)
{
  al_canvas_set_frame (self->canvas, (guint) (gtk_adjustment_get_value (adjustment) + 0.5));
}

static void
on_canvas_frame (AlWindow *self)
{
  gtk_adjustment_set_value (self->frame_adjustment, al_canvas_get_frame (self->canvas));
  update_frame_label (self);
}

void
_al_window_init_status (AlWindow *self)
{
  g_signal_connect_object (self->canvas, "pointer-changed", G_CALLBACK (update_pointer), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::zoom", G_CALLBACK (update_zoom), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->canvas, "notify::frame", G_CALLBACK (on_canvas_frame), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self->frame_adjustment, "value-changed",
                    G_CALLBACK (on_frame_adjustment_changed), self);
  update_zoom (self);
}
