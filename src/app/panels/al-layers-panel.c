/* al-layers-panel.c: rows are made from the layer list model, so a layer
 * added or removed anywhere shows here; each control is bound both ways to
 * its layer property, so the panel keeps no state of its own. */
#include "al-layers-panel.h"

#include <glib/gi18n.h>

#include "al-layer.h"

struct _AlLayersPanel
{
  GtkWidget   parent_instance;
  GtkListBox *list;
};

G_DEFINE_FINAL_TYPE (AlLayersPanel, al_layers_panel, GTK_TYPE_WIDGET)

/* Tooltips are given when asked for ("query-tooltip"): setting a
 * tooltip's text on a shown widget makes GTK ask the X server where the
 * pointer is, three round trips per row, which stalled the window for tens
 * of ms when the first results made six rows while the server was busy. */
static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    text)
{
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The check button's tooltip: the layer's name (it may change). */
static gboolean
on_query_layer_tooltip (GtkWidget  *widget,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip,
                        AlLayer    *layer)
{
  gtk_tooltip_set_text (tooltip, al_layer_get_name (layer));
  return TRUE;
}


static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  AlLayer *layer = item;
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *scale = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, 0, 1, 0.05);
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 4);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
  gtk_widget_set_has_tooltip (scale, TRUE);
  g_signal_connect (scale, "query-tooltip", G_CALLBACK (on_query_tooltip), (gpointer) _("Opacity"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Opacity"), -1);

  g_object_bind_property (layer, "visible", check, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (layer, "name", label, "label", G_BINDING_SYNC_CREATE);
  gtk_widget_set_has_tooltip (check, TRUE);
  g_signal_connect_object (check, "query-tooltip", G_CALLBACK (on_query_layer_tooltip), layer, 0);
  g_object_bind_property (layer, "opacity", gtk_range_get_adjustment (GTK_RANGE (scale)), "value",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (layer, "visible", scale, "sensitive", G_BINDING_SYNC_CREATE);

  gtk_box_append (GTK_BOX (top), check);
  gtk_box_append (GTK_BOX (top), label);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), scale);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static void
al_layers_panel_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), AL_TYPE_LAYERS_PANEL);
  /* The template's root has no id: unparent it ourselves. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (al_layers_panel_parent_class)->dispose (object);
}

static void
al_layers_panel_class_init (AlLayersPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_layers_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-layers-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AlLayersPanel, list);
}

static void
al_layers_panel_init (AlLayersPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
al_layers_panel_set_model (AlLayersPanel *self,
                           GListModel    *model)
{
  g_return_if_fail (AL_IS_LAYERS_PANEL (self));
  gtk_list_box_bind_model (self->list, model, create_row, NULL, NULL);
}
