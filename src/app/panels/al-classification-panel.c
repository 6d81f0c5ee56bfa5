/* al-classification-panel.c: counts per species and per defect type of one
 * analysed frame, and the histogram of the atoms' confidence. Densities
 * divide by the analysed field of view. A click on a row asks the window
 * (signal "group-chosen") to step through that group; the step bar on top
 * shows where it is. */
#include "al-classification-panel.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "plots/al-plot.h"

#define CONFIDENCE_BINS 20

enum
{
  SIGNAL_GROUP_CHOSEN,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

struct _AlClassificationPanel
{
  GtkWidget   parent_instance;

  GtkStack   *stack;
  GtkListBox *species_list;
  GtkListBox *defects_list;
  GHashTable *counts;      /* name -> count, as shown */
  GtkWidget  *step_box;
  GtkLabel   *step_label;
  AlPlot     *confidence_plot;
};

G_DEFINE_FINAL_TYPE (AlClassificationPanel, al_classification_panel, GTK_TYPE_WIDGET)

static void
al_classification_panel_dispose (GObject *object)
{
  AlClassificationPanel *self = AL_CLASSIFICATION_PANEL (object);
  GtkWidget *child;

  g_clear_pointer (&self->counts, g_hash_table_unref);

  gtk_widget_dispose_template (GTK_WIDGET (object), AL_TYPE_CLASSIFICATION_PANEL);
  /* The template's root has no id: unparent it ourselves. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (al_classification_panel_parent_class)->dispose (object);
}

/* Rows carry what they count: kind and value as object data. */
static void
on_row_activated (AlClassificationPanel *self,
                  GtkListBoxRow         *row)
{
  int kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "al-kind"));
  int value = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "al-value"));

  if (kind != AL_GROUP_NONE)
    g_signal_emit (self, signals[SIGNAL_GROUP_CHOSEN], 0, kind, value);
}

static void
al_classification_panel_class_init (AlClassificationPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_classification_panel_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-classification-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, stack);
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, species_list);
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, defects_list);
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, step_box);
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, step_label);
  gtk_widget_class_bind_template_child (widget_class, AlClassificationPanel, confidence_plot);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);

  /* A row was clicked: step through its atoms (AL_GROUP_SPECIES, value the
   * species) or defects (AL_GROUP_DEFECTS, value the type). */
  signals[SIGNAL_GROUP_CHOSEN] =
    g_signal_new ("group-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
  g_type_ensure (AL_TYPE_PLOT);
}

static void
al_classification_panel_init (AlClassificationPanel *self)
{
  g_type_ensure (AL_TYPE_PLOT);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Translators: axis titles of the confidence histogram. */
  al_plot_set_labels (self->confidence_plot, _("Confidence"), NULL, _("Atoms"));
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The row's title label does not wrap: group names are short, and
 * AdwActionRow's wrapping labels are laid out several times per measure
 * (twenty rows cost ~40 ms of layout, one line each ~6 ms). Not
 * ellipsized either: GTK 4.8 gives a one-letter ellipsized title ("S") a
 * minimum width above its natural one. */
static void
unwrap_title (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_widget_has_css_class (c, "title"))
        gtk_label_set_wrap (GTK_LABEL (c), FALSE);
      unwrap_title (c);
    }
}

/* Rows are kept from one result to the next and only their texts change:
 * a new row costs its style and a text layout on the main thread, and a
 * re-analysis mostly shows the same groups. */
static GtkWidget *
make_row (void)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *count = gtk_label_new (NULL);
  GtkWidget *next = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
  unwrap_title (row);
  gtk_widget_add_css_class (count, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), next);
  g_object_set_data (G_OBJECT (row), "al-count", count);
  g_object_set_data (G_OBJECT (row), "al-next", next);
  return row;
}

/* Row `index` of `list` (made when the list has fewer). */
static GtkWidget *
nth_row (GtkListBox *list,
         guint       index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);

  if (row == NULL)
    {
      row = GTK_LIST_BOX_ROW (make_row ());
      gtk_list_box_append (list, GTK_WIDGET (row));
    }
  return GTK_WIDGET (row);
}

/* Rows from `n_used` on are no longer needed. */
static void
trim_list (GtkListBox *list,
           guint       n_used)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, n_used)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

static void
set_label_text (GtkLabel   *label,
                const char *text)
{
  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

/* Shows one group in row *n_used of `list` and counts it in. */
static void
add_row (AlClassificationPanel *self,
         GtkListBox            *list,
         guint                 *n_used,
         const char            *name,
         guint                  count,
         double                 area_nm2,
         AlGroupKind            kind,
         int                    value)
{
  GtkWidget *row = nth_row (list, (*n_used)++);
  g_autofree char *count_text = g_strdup_printf ("%u", count);
  g_autofree char *density = NULL;
  gboolean steps = kind != AL_GROUP_NONE && count > 0;

  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  /* Translators: a density; %.4g is a number per square nanometre. */
  if (area_nm2 > 0)
    density = g_strdup_printf (_("%.4g per nm²"), count / area_nm2);
  if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), density != NULL ? density : "") != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), density != NULL ? density : "");
  set_label_text (g_object_get_data (G_OBJECT (row), "al-count"), count_text);
  g_object_set_data (G_OBJECT (row), "al-kind", GINT_TO_POINTER (steps ? kind : AL_GROUP_NONE));
  g_object_set_data (G_OBJECT (row), "al-value", GINT_TO_POINTER (value));
  if (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)) != steps)
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), steps);
  gtk_widget_set_visible (g_object_get_data (G_OBJECT (row), "al-next"), steps);
  g_hash_table_insert (self->counts, g_strdup (name), GUINT_TO_POINTER (count));
}

void
al_classification_panel_set_results (AlClassificationPanel *self,
                                     AlResults             *results,
                                     guint                  frame)
{
  const AlFrameResult *r = results != NULL ? al_results_get_frame (results, frame) : NULL;
  const AlAnalysis *analysis;
  const AlMaterial *material;
  guint species_counts[AL_MAX_SPECIES + 1] = { 0 };
  guint defect_counts[AL_N_DEFECT_TYPES] = { 0 };
  double ps, area_nm2 = 0;
  guint n_species = 0, n_defects = 0;

  g_return_if_fail (AL_IS_CLASSIFICATION_PANEL (self));
  g_hash_table_remove_all (self->counts);
  if (r == NULL || r->atoms == NULL)
    {
      trim_list (self->species_list, 0);
      trim_list (self->defects_list, 0);
      al_plot_clear (self->confidence_plot);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  analysis = al_results_get_analysis (results);
  material = analysis->material;
  ps = r->structure != NULL && r->structure->pixel_size_nm > 0 ? r->structure->pixel_size_nm
                                                               : analysis->pixel_size_nm;
  if (ps > 0)
    area_nm2 = analysis->width * ps * analysis->height * ps;

  for (guint i = 0; i < r->atoms->n_atoms; i++)
    {
      int s = r->atoms->species[i];
      species_counts[s >= 0 && s < AL_MAX_SPECIES ? s : AL_MAX_SPECIES]++;
    }
  add_row (self, self->species_list, &n_species, _("All atoms"), r->atoms->n_atoms, area_nm2, AL_GROUP_NONE, 0);
  for (guint s = 0; material != NULL && s < material->n_species; s++)
    add_row (self, self->species_list, &n_species, material->species[s].name, species_counts[s], area_nm2,
             AL_GROUP_SPECIES, s);
  if (species_counts[AL_MAX_SPECIES] > 0 || material == NULL)
    add_row (self, self->species_list, &n_species, _("Unclassified"),
             material == NULL ? r->atoms->n_atoms : species_counts[AL_MAX_SPECIES], area_nm2,
             AL_GROUP_SPECIES, -1);
  al_plot_clear (self->confidence_plot);
  al_plot_set_values (self->confidence_plot, r->atoms->confidence, r->atoms->n_atoms, CONFIDENCE_BINS, 0, 1);

  if (r->structure != NULL && r->structure->defects != NULL)
    {
      for (guint i = 0; i < al_defects_len (r->structure->defects); i++)
        {
          AlDefectType t = al_defects_get (r->structure->defects, i)->type;
          if (t > AL_DEFECT_NONE && t < AL_N_DEFECT_TYPES)
            defect_counts[t]++;
        }
      for (int t = AL_DEFECT_NONE + 1; t < AL_N_DEFECT_TYPES; t++)
        if (defect_counts[t] > 0)
          add_row (self, self->defects_list, &n_defects, al_defect_type_name (t), defect_counts[t], area_nm2,
                   AL_GROUP_DEFECTS, t);
    }
  trim_list (self->species_list, n_species);
  trim_list (self->defects_list, n_defects);
  gtk_stack_set_visible_child_name (self->stack, "results");
}

gint64
al_classification_panel_get_count (AlClassificationPanel *self,
                                   const char            *name)
{
  gpointer value;

  g_return_val_if_fail (AL_IS_CLASSIFICATION_PANEL (self), -1);
  if (!g_hash_table_lookup_extended (self->counts, name, NULL, &value))
    return -1;
  return GPOINTER_TO_UINT (value);
}

void
al_classification_panel_set_step (AlClassificationPanel *self,
                                  const char            *group,
                                  guint                  position,
                                  guint                  total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (AL_IS_CLASSIFICATION_PANEL (self));
  gtk_widget_set_visible (self->step_box, group != NULL);
  if (group == NULL)
    return;
  /* Translators: stepping through a group: its name, then "3 of 120". */
  text = total > 0 ? g_strdup_printf (_("%s: %u of %u"), group, position + 1, total)
                   : g_strdup_printf (_("%s: none left"), group);
  gtk_label_set_text (self->step_label, text);
}

const char *
al_classification_panel_get_step_text (AlClassificationPanel *self)
{
  g_return_val_if_fail (AL_IS_CLASSIFICATION_PANEL (self), NULL);
  return gtk_widget_get_visible (self->step_box) ? gtk_label_get_text (self->step_label) : NULL;
}

gboolean
al_classification_panel_choose (AlClassificationPanel *self,
                                const char            *name)
{
  GtkListBox *lists[] = { self->species_list, self->defects_list };

  g_return_val_if_fail (AL_IS_CLASSIFICATION_PANEL (self), FALSE);
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (lists[l])); c != NULL;
         c = gtk_widget_get_next_sibling (c))
      if (ADW_IS_PREFERENCES_ROW (c) && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), name)
          && gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (c)))
        {
          g_signal_emit_by_name (lists[l], "row-activated", c);
          return TRUE;
        }
  return FALSE;
}

AlPlot *
al_classification_panel_get_confidence_plot (AlClassificationPanel *self)
{
  g_return_val_if_fail (AL_IS_CLASSIFICATION_PANEL (self), NULL);
  return self->confidence_plot;
}
