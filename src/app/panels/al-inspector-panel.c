/* al-inspector-panel.c: fills the Inspector's rows from the results, and
 * turns a choice in its species or defect-type row into the window action
 * that makes the (undoable) correction. */
#include "al-inspector-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#define MAX_DEFECT_CHOICES AL_N_DEFECT_TYPES

struct _AlInspectorPanel
{
  GtkWidget   parent_instance;

  GtkStack   *stack;
  GtkListBox *atom_list;
  GtkListBox *bonds_list;
  GtkListBox *defect_list;
  GtkWidget  *atom_group;
  GtkWidget  *bonds_group;
  GtkWidget  *defect_group;
  AdwComboRow *species_row;
  AdwComboRow *defect_type_row;
  GtkWidget  *false_defect_row;

  gint64      atom;
  gint64      defect;                   /* index into the frame's defects */
  AlDefectType choices[MAX_DEFECT_CHOICES];
  guint       n_choices;
  gboolean    filling;                  /* rows set by us, not the user */
  /* What the rows show: a choice of the same is no correction. */
  guint       shown_species;
  guint       shown_type;
  const AlMaterial *species_material;   /* whose species species_row lists */
  AlDefectType listed[MAX_DEFECT_CHOICES];   /* what defect_type_row lists */
  guint       n_listed;
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
on_species_selected (AlInspectorPanel *self)
{
  guint selected = adw_combo_row_get_selected (self->species_row);

  /* The row also re-announces its choice when it gets a new model. */
  if (self->filling || selected == GTK_INVALID_LIST_POSITION || selected == self->shown_species)
    return;
  self->shown_species = selected;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.set-species", "i", (int) selected);
}

static void
on_defect_type_selected (AlInspectorPanel *self)
{
  guint selected = adw_combo_row_get_selected (self->defect_type_row);

  if (self->filling || selected >= self->n_choices || selected == self->shown_type)
    return;
  self->shown_type = selected;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.set-defect-type", "i", (int) self->choices[selected]);
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
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, defect_list);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, atom_group);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, bonds_group);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, defect_group);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, species_row);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, defect_type_row);
  gtk_widget_class_bind_template_child (widget_class, AlInspectorPanel, false_defect_row);
  gtk_widget_class_bind_template_callback (widget_class, on_species_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_defect_type_selected);
}

static void
al_inspector_panel_init (AlInspectorPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->atom = -1;
  self->defect = -1;
}

/* Removes the rows made for the last item; the template's rows stay. */
static void
clear_list (AlInspectorPanel *self,
            GtkListBox       *list)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);
      if (GTK_IS_LIST_BOX_ROW (child) && child != GTK_WIDGET (self->species_row)
          && child != GTK_WIDGET (self->defect_type_row) && child != self->false_defect_row)
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

guint
al_inspector_defect_choices (const AlMaterial *material,
                             AlDefectType     *types,
                             guint             max_types)
{
  guint n = 0;

  for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES && n < max_types; t++)
    {
      gboolean tmd_type = t >= AL_DEFECT_V_S && t <= AL_DEFECT_W_MO;
      if (!al_defect_type_is_point (t))
        continue;
      if (material != NULL && tmd_type != material->is_tmd)
        continue;
      types[n++] = t;
    }
  return n;
}

static void
fill_species_row (AlInspectorPanel *self,
                  const AlMaterial *material,
                  int               species)
{
  /* A new model only for another material: a correction made from this
   * row refills the panel while the row is still announcing the choice. */
  if (material != self->species_material || adw_combo_row_get_model (self->species_row) == NULL)
    {
      g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
      for (guint s = 0; material != NULL && s < material->n_species; s++)
        gtk_string_list_append (names, material->species[s].name);
      adw_combo_row_set_model (self->species_row, G_LIST_MODEL (names));
      self->species_material = material;
    }
  self->shown_species = material != NULL && species >= 0 && (guint) species < material->n_species
                        ? (guint) species : GTK_INVALID_LIST_POSITION;
  adw_combo_row_set_selected (self->species_row, self->shown_species);
  gtk_widget_set_sensitive (GTK_WIDGET (self->species_row), material != NULL);
}

/* The defect group: its type (as a choice), centre, size. */
static void
fill_defect (AlInspectorPanel    *self,
             AlResults           *results,
             const AlFrameResult *r,
             guint                index)
{
  const AlDefect *d = al_defects_get (r->structure->defects, index);
  const AlMaterial *material = al_results_get_analysis (results)->material;
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *centre = NULL;
  g_autofree char *members = NULL;
  double ps = pixel_size_of (results, r);
  guint selected = GTK_INVALID_LIST_POSITION;

  self->defect = index;
  self->n_choices = al_inspector_defect_choices (material, self->choices, MAX_DEFECT_CHOICES - 1);
  for (guint k = 0; k < self->n_choices; k++)
    if (self->choices[k] == d->type)
      selected = k;
  if (selected == GTK_INVALID_LIST_POSITION)
    {
      /* A line or planar defect, or another family's: offered as it is. */
      selected = self->n_choices;
      self->choices[self->n_choices++] = d->type;
    }
  if (self->n_choices != self->n_listed
      || memcmp (self->choices, self->listed, self->n_choices * sizeof *self->choices) != 0)
    {
      for (guint k = 0; k < self->n_choices; k++)
        gtk_string_list_append (names, al_defect_type_name (self->choices[k]));
      adw_combo_row_set_model (self->defect_type_row, G_LIST_MODEL (names));
      memcpy (self->listed, self->choices, self->n_choices * sizeof *self->choices);
      self->n_listed = self->n_choices;
    }
  adw_combo_row_set_selected (self->defect_type_row, selected);
  self->shown_type = selected;

  centre = ps > 0 ? g_strdup_printf ("%.1f, %.1f px (%.3f, %.3f nm)", d->x, d->y, d->x * ps, d->y * ps)
                  : g_strdup_printf ("%.1f, %.1f px", d->x, d->y);
  add_row (self->defect_list, _("Centre"), centre);
  members = g_strdup_printf ("%u", d->n_members);
  add_row (self->defect_list, _("Atoms around it"), members);
  if (d->length_px > 0)
    {
      g_autofree char *length = ps > 0 ? g_strdup_printf ("%.2f nm", d->length_px * ps)
                                       : g_strdup_printf ("%.1f px", d->length_px);
      add_row (self->defect_list, _("Length"), length);
    }
  if (d->area_px2 > 0)
    {
      g_autofree char *area = ps > 0 ? g_strdup_printf ("%.2f nm²", d->area_px2 * ps * ps)
                                     : g_strdup_printf ("%.0f px²", d->area_px2);
      add_row (self->defect_list, _("Area"), area);
    }
  gtk_widget_set_visible (self->defect_group, TRUE);
}

static gint64
defect_index_of (const AlFrameResult *r,
                 int                  defect_id)
{
  if (defect_id < 0 || r->structure == NULL || r->structure->defects == NULL)
    return -1;
  for (guint k = 0; k < al_defects_len (r->structure->defects); k++)
    if ((int) al_defects_get (r->structure->defects, k)->id == defect_id)
      return k;
  return -1;
}

static void
fill_atom (AlInspectorPanel    *self,
           AlResults           *results,
           const AlFrameResult *r,
           guint                i)
{
  const AlMaterial *material = al_results_get_analysis (results)->material;
  const AlAtoms *a = r->atoms;
  g_autofree char *px = NULL;
  g_autofree char *confidence = NULL;
  g_autofree char *intensity = NULL;
  g_autofree char *coordination = NULL;
  double ps = pixel_size_of (results, r);

  self->atom = i;
  fill_species_row (self, material, a->species[i]);
  px = g_strdup_printf ("%.2f ± %.2f, %.2f ± %.2f px", a->x[i], a->sigma_x[i], a->y[i], a->sigma_y[i]);
  add_row (self->atom_list, _("Position"), px);
  if (ps > 0)
    {
      /* Standard errors in pm: what localisation precision is quoted in. */
      g_autofree char *nm = g_strdup_printf ("%.4f, %.4f nm (± %.1f, %.1f pm)", a->x[i] * ps, a->y[i] * ps,
                                             a->sigma_x[i] * ps * 1000, a->sigma_y[i] * ps * 1000);
      add_row (self->atom_list, _("Position in nm"), nm);
    }
  confidence = g_strdup_printf ("%.3f", a->confidence[i]);
  add_row (self->atom_list, _("Confidence"), confidence);
  intensity = g_strdup_printf ("%.6g", a->intensity[i]);
  add_row (self->atom_list, _("Intensity"), intensity);
  coordination = g_strdup_printf ("%u", a->coordination[i]);
  add_row (self->atom_list, _("Coordination"), coordination);
  if (a->flags[i] & AL_ATOM_EDITED)
    add_row (self->atom_list, _("Edited"), _("Corrected by hand"));
  fill_bonds (self, r, i, ps);
  gtk_widget_set_visible (self->atom_group, TRUE);
  gtk_widget_set_visible (self->bonds_group, TRUE);
}

static void
show (AlInspectorPanel *self,
      AlResults        *results,
      guint             frame,
      gint64            atom,
      gint64            defect)
{
  const AlFrameResult *r = results != NULL ? al_results_get_frame (results, frame) : NULL;
  gboolean has_atom = r != NULL && r->atoms != NULL && atom >= 0 && atom < r->atoms->n_atoms;

  self->filling = TRUE;
  clear_list (self, self->atom_list);
  clear_list (self, self->bonds_list);
  clear_list (self, self->defect_list);
  self->atom = self->defect = -1;
  gtk_widget_set_visible (self->atom_group, FALSE);
  gtk_widget_set_visible (self->bonds_group, FALSE);
  gtk_widget_set_visible (self->defect_group, FALSE);
  if (has_atom)
    {
      fill_atom (self, results, r, (guint) atom);
      defect = defect_index_of (r, r->atoms->defect_id[atom]);
    }
  if (r != NULL && r->structure != NULL && r->structure->defects != NULL && defect >= 0
      && defect < al_defects_len (r->structure->defects))
    fill_defect (self, results, r, (guint) defect);
  self->filling = FALSE;
  gtk_stack_set_visible_child_name (self->stack, self->atom >= 0 || self->defect >= 0 ? "atom" : "empty");
}

void
al_inspector_panel_show_atom (AlInspectorPanel *self,
                              AlResults        *results,
                              guint             frame,
                              gint64            atom)
{
  g_return_if_fail (AL_IS_INSPECTOR_PANEL (self));
  show (self, results, frame, atom, -1);
}

void
al_inspector_panel_show_defect (AlInspectorPanel *self,
                                AlResults        *results,
                                guint             frame,
                                gint64            index)
{
  g_return_if_fail (AL_IS_INSPECTOR_PANEL (self));
  show (self, results, frame, -1, index);
}

gint64
al_inspector_panel_get_atom (AlInspectorPanel *self)
{
  g_return_val_if_fail (AL_IS_INSPECTOR_PANEL (self), -1);
  return self->atom;
}

gint64
al_inspector_panel_get_defect (AlInspectorPanel *self)
{
  g_return_val_if_fail (AL_IS_INSPECTOR_PANEL (self), -1);
  return self->defect;
}
