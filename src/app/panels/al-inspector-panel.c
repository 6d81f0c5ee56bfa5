/* al-inspector-panel.c: fills the Inspector's rows from the results. */
#include "al-inspector-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

struct _AlInspectorPanel
{
  GtkWidget   parent_instance;

  GtkStack   *stack;
  GtkListBox *atom_list;
  GtkListBox *bonds_list;
  gint64      atom;
};

G_DEFINE_FINAL_TYPE (AlInspectorPanel, al_inspector_panel, GTK_TYPE_WIDGET)

static void
al_inspector_panel_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), AL_TYPE_INSPECTOR_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (al_inspector_panel_parent_class)->dispose (object);
}

static void
al_inspector_panel_class_init (AlInspectorPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_inspector_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-inspector-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, atom_list);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, bonds_list);
}

static void
al_inspector_panel_init (AlInspectorPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->atom = -1;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      if (GTK_IS_LIST_BOX_ROW (child))
        gtk_list_box_remove (list, child);
      child = next;
    }
}

static void
add_row (GtkListBox *list,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  gtk_list_box_append (list, row);
}

static double
pixel_size_of (AlResults           *results,
               const AlFrameResult *r)
{
  if (r->structure != NULL && r->structure->pixel_size_nm > 0)
    return r->structure->pixel_size_nm;
  return al_results_get_analysis (results)->pixel_size_nm;
}

static void
fill_bonds (AlInspectorPanel    *self,
            const AlFrameResult *r,
            guint                i,
            double               ps)
{
  const AlBonds *bonds = r->structure != NULL ? r->structure->bonds : NULL;

  if (bonds == NULL || bonds->offset == NULL || i >= bonds->n_atoms)
    return;
  for (guint32 h = bonds->offset[i]; h < bonds->offset[i + 1]; h++)
    {
      guint j = bonds->neighbour[h];
      double len = bonds->length[bonds->bond[h]];
      /* Translators: a neighbour's index, then the bond's direction in degrees. */
      g_autofree char *title = g_strdup_printf (_("Atom %u, %.0f°"), j, bonds->angle[h] * 180 / G_PI);
      g_autofree char *value = ps > 0 ? g_strdup_printf ("%.4f nm (%.2f px)", len * ps, len)
                                      : g_strdup_printf ("%.2f px", len);
      add_row (self->bonds_list, title, value);
    }
}

void
al_inspector_panel_show_atom (AlInspectorPanel *self,
                              AlResults        *results,
                              guint             frame,
                              gint64            atom)
{
  const AlFrameResult *r = results != NULL ? al_results_get_frame (results, frame) : NULL;
  const AlMaterial *material;
  const AlAtoms *a;
  g_autofree char *px = NULL;
  g_autofree char *nm = NULL;
  g_autofree char *confidence = NULL;
  g_autofree char *intensity = NULL;
  g_autofree char *coordination = NULL;
  double ps;
  guint i;
  int s;

  g_return_if_fail (AL_IS_INSPECTOR_PANEL (self));
  clear_list (self->atom_list);
  clear_list (self->bonds_list);
  if (r == NULL || r->atoms == NULL || atom < 0 || atom >= r->atoms->n_atoms)
    {
      self->atom = -1;
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->atom = atom;
  i = (guint) atom;
  a = r->atoms;
  material = al_results_get_analysis (results)->material;
  ps = pixel_size_of (results, r);
  s = a->species[i];

  px = g_strdup_printf ("%.2f ± %.2f, %.2f ± %.2f px", a->x[i], a->sigma_x[i], a->y[i], a->sigma_y[i]);
  add_row (self->atom_list, _("Position"), px);
  if (ps > 0)
    {
      /* Standard errors in pm: what localisation precision is quoted in. */
      nm = g_strdup_printf ("%.4f, %.4f nm (± %.1f, %.1f pm)", a->x[i] * ps, a->y[i] * ps,
                            a->sigma_x[i] * ps * 1000, a->sigma_y[i] * ps * 1000);
      add_row (self->atom_list, _("Position in nm"), nm);
    }
  add_row (self->atom_list, _("Species"),
           material != NULL && s >= 0 && (guint) s < material->n_species ? material->species[s].name
                                                                         : _("Unclassified"));
  confidence = g_strdup_printf ("%.3f", a->confidence[i]);
  add_row (self->atom_list, _("Confidence"), confidence);
  intensity = g_strdup_printf ("%.6g", a->intensity[i]);
  add_row (self->atom_list, _("Intensity"), intensity);
  coordination = g_strdup_printf ("%u", a->coordination[i]);
  add_row (self->atom_list, _("Coordination"), coordination);
  if (a->defect_id[i] >= 0)
    add_row (self->atom_list, _("Defect"), al_defect_type_name (a->defect_type[i]));
  if (a->flags[i] & AL_ATOM_EDITED)
    add_row (self->atom_list, _("Edited"), _("Corrected by hand"));
  fill_bonds (self, r, i, ps);
  gtk_stack_set_visible_child_name (self->stack, "atom");
}

gint64
al_inspector_panel_get_atom (AlInspectorPanel *self)
{
  g_return_val_if_fail (AL_IS_INSPECTOR_PANEL (self), -1);
  return self->atom;
}
