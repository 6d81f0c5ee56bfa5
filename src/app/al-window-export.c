/* al-window-export.c: the annotated figure of the shown frame, drawn by the
 * core's al_figure (the same drawing as `atomlens-cli analyze --figure`):
 * win.export-figure writes PNG at a chosen resolution, SVG or PDF of the
 * whole image with the layers visible on the canvas; win.copy-figure puts
 * it on the clipboard as a texture. */
#include "al-window-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "al-error.h"
#include "export/al-figure-structure.h"
#include "layers/al-atoms-layer.h"
#include "layers/al-bonds-layer.h"
#include "layers/al-defects-layer.h"
#include "plots/al-phase-layer.h"

/* Resolutions offered for PNG (dots per inch). */
static const char *const dpi_ids[] = { "150", "300", "600", NULL };
static const char *const dpi_labels[] = { "150 dpi", "300 dpi", "600 dpi", NULL };
static const char *const format_ids[] = { "png", "svg", "pdf", NULL };
static const char *const format_labels[] = { "PNG", "SVG", "PDF", NULL };

/* The figure's layers: the image and scale bar always; bonds, atoms
 * (with their legend), defects and the phase map (with its legend) as they
 * are shown on the canvas. */
static AlFigureLayers
visible_layers (AlWindow *self)
{
  GListModel *layers = G_LIST_MODEL (al_canvas_get_layers (self->canvas));
  AlFigureLayers shown = AL_FIGURE_IMAGE | AL_FIGURE_SCALE_BAR;

  for (guint i = 0; i < g_list_model_get_n_items (layers); i++)
    {
      g_autoptr (AlLayer) layer = g_list_model_get_item (layers, i);
      if (!al_layer_get_visible (layer))
        continue;
      if (AL_IS_BONDS_LAYER (layer))
        shown |= AL_FIGURE_BONDS;
      else if (AL_IS_ATOMS_LAYER (layer))
        shown |= AL_FIGURE_ATOMS | AL_FIGURE_LEGEND;
      else if (AL_IS_DEFECTS_LAYER (layer))
        shown |= AL_FIGURE_DEFECTS | AL_FIGURE_LINES;
      else if (AL_IS_PHASE_LAYER (layer))
        shown |= AL_FIGURE_PHASES | AL_FIGURE_LEGEND;
    }
  return shown;
}

typedef struct
{
  AlFigureParams       params;
  const AlImage       *image;
  const AlFrameResult *frame;
  const AlMaterial    *material;
  AlFigureOverlays    *extra;
} Figure;

static gboolean
figure_prepare (AlWindow *self,
                double    dpi,
                Figure   *fig,
                GError  **error)
{
  guint frame = al_canvas_get_frame (self->canvas);
  const AlAnalysis *analysis;

  memset (fig, 0, sizeof *fig);
  fig->frame = self->results != NULL ? al_results_get_frame (self->results, frame) : NULL;
  if (fig->frame == NULL || self->raster == NULL)
    {
      g_set_error_literal (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                           _("Analyze the image before exporting a figure"));
      return FALSE;
    }
  analysis = al_results_get_analysis (self->results);
  fig->image = al_raster_get_image (self->raster);
  fig->material = analysis->material;
  al_figure_params_init (&fig->params);
  fig->params.dpi = dpi > 0 ? dpi : AL_FIGURE_DEFAULT_DPI;
  fig->params.layers = visible_layers (self);
  fig->params.pixel_size_nm = fig->image->pixel_size > 0 ? 0 : analysis->pixel_size_nm;
  if (fig->params.pixel_size_nm <= 0 && fig->image->pixel_size <= 0 && fig->frame->structure != NULL)
    fig->params.pixel_size_nm = fig->frame->structure->pixel_size_nm;
  fig->extra = al_figure_overlays_from_structure (fig->frame->structure, AL_FIGURE_STRAIN_EXX);
  return TRUE;
}

gboolean
al_window_export_figure (AlWindow       *self,
                         GFile          *file,
                         AlFigureFormat  format,
                         double          dpi,
                         GError        **error)
{
  g_autofree char *path = g_file_get_path (file);
  Figure fig;
  gboolean ok;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (!figure_prepare (self, dpi, &fig, error))
    return FALSE;
  ok = al_figure_render_to_file (&fig.params, fig.image, fig.frame->frame, fig.frame->atoms,
                                 fig.material, fig.extra, path, format, error);
  al_figure_overlays_free (fig.extra);
  return ok;
}

gboolean
al_window_copy_figure (AlWindow *self,
                       GError  **error)
{
  Figure fig;
  cairo_surface_t *surface;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  int width, height, stride;

  g_return_val_if_fail (AL_IS_WINDOW (self), FALSE);
  if (!figure_prepare (self, 0, &fig, error))
    return FALSE;
  surface = al_figure_render_surface (&fig.params, fig.image, fig.frame->frame, fig.frame->atoms,
                                      fig.material, fig.extra, error);
  al_figure_overlays_free (fig.extra);
  if (surface == NULL)
    return FALSE;
  cairo_surface_flush (surface);
  width = cairo_image_surface_get_width (surface);
  height = cairo_image_surface_get_height (surface);
  stride = cairo_image_surface_get_stride (surface);
  /* Cairo's ARGB32 is GDK's default premultiplied format (native endian). */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize) stride * height,
                                      (GDestroyNotify) cairo_surface_destroy, surface);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (self)), texture);
  return TRUE;
}

static void
show_export_error (AlWindow     *self,
                   const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Export"), error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_export_response (GtkNativeDialog *dialog,
                    int              response,
                    AlWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      GtkFileChooser *chooser = GTK_FILE_CHOOSER (dialog);
      g_autoptr (GFile) chosen = gtk_file_chooser_get_file (chooser);
      const char *format_name = gtk_file_chooser_get_choice (chooser, "format");
      const char *dpi = gtk_file_chooser_get_choice (chooser, "dpi");
      int format = al_figure_format_from_name (format_name != NULL ? format_name : "png");
      g_autofree char *path = g_file_get_path (chosen);
      g_autofree char *with_ext = NULL;
      g_autoptr (GFile) file = NULL;
      g_autoptr (GError) error = NULL;
      const char *ext = al_figure_format_extension (format);

      /* The format chosen decides the extension, whatever was typed. */
      if (path != NULL && !g_str_has_suffix (path, ext))
        {
          char *dot = strrchr (path, '.'), *slash = strrchr (path, G_DIR_SEPARATOR);
          if (dot != NULL && (slash == NULL || dot > slash))
            *dot = '\0';
          with_ext = g_strconcat (path, ".", ext, NULL);
        }
      file = g_file_new_for_path (with_ext != NULL ? with_ext : path);
      if (path == NULL)
        g_set_error_literal (&error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                             _("AtomLens exports to local files only"));
      if (error == NULL
          && al_window_export_figure (self, file, format, dpi != NULL ? g_ascii_strtod (dpi, NULL) : 0,
                                      &error))
        {
          g_autofree char *name = g_file_get_basename (file);
          /* Translators: a toast; %s is a file name. */
          g_autofree char *text = g_strdup_printf (_("Figure exported to “%s”"), name);
          adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
        }
      else
        show_export_error (self, error);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_figure_activated (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  AlWindow *self = user_data;
  GtkFileChooserNative *dialog;
  g_autofree char *base = self->file != NULL ? g_file_get_basename (self->file) : g_strdup ("figure");
  g_autofree char *name = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, "-figure.png", NULL);
  dialog = gtk_file_chooser_native_new (_("Export Figure"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "format", _("Format"),
                               (const char **) format_ids, (const char **) format_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "format", "png");
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (dialog), "dpi", _("PNG resolution"),
                               (const char **) dpi_ids, (const char **) dpi_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (dialog), "dpi", "300");
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
copy_figure_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  AlWindow *self = user_data;
  g_autoptr (GError) error = NULL;

  if (al_window_copy_figure (self, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Figure copied")));
  else
    show_export_error (self, error);
}

static const GActionEntry export_actions[] = {
  { "export-figure", export_figure_activated },
  { "copy-figure", copy_figure_activated },
};

void
_al_window_update_export_actions (AlWindow *self)
{
  gboolean results = self->results != NULL && self->raster != NULL;

  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "export-figure")), results);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "copy-figure")), results);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "export-data")), results);
}

void
_al_window_init_export (AlWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), export_actions, G_N_ELEMENTS (export_actions),
                                   self);
}
