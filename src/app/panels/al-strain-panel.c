/* al-strain-panel.c: fills the Strain panel from the results' structure
 * (bonds and per-atom strain) and holds the GPA settings. Lengths are in
 * nm when the pixel size is known (measured or estimated), else in px. */
#include "al-strain-panel.h"

#include "al-strain-stats.h"
#include "defects/al-grain-lattices.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>

enum
{
  SIGNAL_GPA_COMPONENT_CHANGED,
  SIGNAL_STRAIN_COMPONENT_CHANGED,
  N_SIGNALS,
};

static guint signals[N_SIGNALS];

struct _AlStrainPanel
{
  GtkWidget      parent_instance;

  GtkStack      *stack;
  GtkListBox    *lattice_list;
  AlPlot        *length_plot;
  AlPlot        *angle_plot;
  AlPlot        *strain_plot;
  AlPlot        *gpa_plot;
  GtkDropDown   *strain_dropdown;
  AdwComboRow   *g_mode_row;
  AdwComboRow   *gpa_component_row;
  GtkWidget     *g1_row;
  GtkWidget     *g2_row;
  GtkAdjustment *g1x_adjustment;
  GtkAdjustment *g1y_adjustment;
  GtkAdjustment *g2x_adjustment;
  GtkAdjustment *g2y_adjustment;
  GtkAdjustment *mask_adjustment;
  GtkSpinner    *gpa_spinner;
  GtkWidget     *gpa_button;
  GtkLabel      *gpa_label;

  AlResults     *results;
  guint          frame;
  double         pixel_size;       /* nm; 0: g shown per px */
  /* The last GPA maps, owned by the GPA layer: the window hands NULL
   * before that layer goes. */
  const AlGpaMaps *gpa_maps;
  guint          n_jobs;           /* statistics workers not yet back */
};

G_DEFINE_FINAL_TYPE (AlStrainPanel, al_strain_panel, GTK_TYPE_WIDGET)

static const char *
component_label (AlGpaComponent c)
{
  return al_gpa_component_title (c);
}

static void
fill_strain_plot (AlStrainPanel *self);
static void
fill_gpa_plot (AlStrainPanel *self);

static void
on_strain_component_changed (AlStrainPanel *self)
{
  fill_strain_plot (self);
  g_signal_emit (self, signals[SIGNAL_STRAIN_COMPONENT_CHANGED], 0,
                 (int) gtk_drop_down_get_selected (self->strain_dropdown));
}

static void
on_g_mode_changed (AlStrainPanel *self)
{
  gboolean chosen = adw_combo_row_get_selected (self->g_mode_row) == 1;

  gtk_widget_set_sensitive (self->g1_row, chosen);
  gtk_widget_set_sensitive (self->g2_row, chosen);
}

static void
on_gpa_component_changed (AlStrainPanel *self)
{
  fill_gpa_plot (self);
  g_signal_emit (self, signals[SIGNAL_GPA_COMPONENT_CHANGED], 0,
                 (int) adw_combo_row_get_selected (self->gpa_component_row));
}

static void
al_strain_panel_dispose (GObject *object)
{
  AlStrainPanel *self = AL_STRAIN_PANEL (object);
  GtkWidget *child;

  g_clear_pointer (&self->results, al_results_unref);
  self->gpa_maps = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (object), AL_TYPE_STRAIN_PANEL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (al_strain_panel_parent_class)->dispose (object);
}

static void
al_strain_panel_class_init (AlStrainPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = al_strain_panel_dispose;
  g_type_ensure (AL_TYPE_PLOT);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-strain-panel.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, AlStrainPanel, name)
  BIND (stack);
  BIND (lattice_list);
  BIND (length_plot);
  BIND (angle_plot);
  BIND (strain_plot);
  BIND (gpa_plot);
  BIND (strain_dropdown);
  BIND (g_mode_row);
  BIND (gpa_component_row);
  BIND (g1_row);
  BIND (g2_row);
  BIND (g1x_adjustment);
  BIND (g1y_adjustment);
  BIND (g2x_adjustment);
  BIND (g2y_adjustment);
  BIND (mask_adjustment);
  BIND (gpa_spinner);
  BIND (gpa_button);
  BIND (gpa_label);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_g_mode_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_gpa_component_changed);

  /* The GPA map's component changed (an AlGpaComponent). */
  signals[SIGNAL_GPA_COMPONENT_CHANGED] =
    g_signal_new ("gpa-component-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT);
  /* The per-atom strain histogram's component changed (an AlGpaComponent). */
  signals[SIGNAL_STRAIN_COMPONENT_CHANGED] =
    g_signal_new ("strain-component-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
al_strain_panel_init (AlStrainPanel *self)
{
  g_autoptr (GtkStringList) components = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) components2 = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (int c = 0; c < AL_N_GPA_COMPONENTS; c++)
    {
      gtk_string_list_append (components, component_label (c));
      gtk_string_list_append (components2, component_label (c));
    }
  gtk_drop_down_set_model (self->strain_dropdown, G_LIST_MODEL (components));
  adw_combo_row_set_model (self->gpa_component_row, G_LIST_MODEL (components2));
  g_signal_connect_swapped (self->strain_dropdown, "notify::selected",
                            G_CALLBACK (on_strain_component_changed), self);
  /* Translators: axis titles of the Strain panel's histograms. */
  al_plot_set_labels (self->angle_plot, _("Bond angle"), "°", _("Angles"));
  on_g_mode_changed (self);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
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

/* A length in nm (with the pixel size) or px. */
static char *
length_text (double px,
             double ps)
{
  return ps > 0 ? g_strdup_printf ("%.4f nm", px * ps) : g_strdup_printf ("%.3f px", px);
}

static void
fill_lattice (AlStrainPanel     *self,
              const AlStructure *s)
{
  const AlStrain *st = s->strain;
  double ps = s->pixel_size_nm;
  g_autofree char *a = NULL, *spread = NULL, *a1 = NULL, *a2 = NULL, *gamma = NULL, *rms = NULL;

  clear_list (self->lattice_list);
  if (st == NULL)
    {
      add_row (self->lattice_list, _("Lattice"), _("No lattice could be fitted"));
      return;
    }
  a = length_text (st->a_px, ps);
  spread = length_text (st->a_local_spread_px, ps);
  {
    /* Translators: a lattice constant, then its spread. */
    g_autofree char *value = g_strdup_printf (_("%s ± %s"), a, spread);
    add_row (self->lattice_list, _("Lattice constant a"), value);
  }
  a1 = length_text (st->a1_px, ps);
  a2 = length_text (st->a2_px, ps);
  {
    g_autofree char *value = g_strdup_printf ("%s, %s", a1, a2);
    add_row (self->lattice_list, _("a₁, a₂"), value);
  }
  gamma = g_strdup_printf ("%.2f°", st->gamma_deg);
  add_row (self->lattice_list, _("Angle γ"), gamma);
  rms = length_text (st->fit_rms_px, ps);
  add_row (self->lattice_list, _("Fit residual (RMS)"), rms);
  add_row (self->lattice_list, _("Strain measured against"),
           st->reference_used == AL_STRAIN_REFERENCE_MATERIAL ? _("The material's lattice constant")
                                                              : _("The lattice fitted to this image"));
  if (s->pixel_size_estimated)
    add_row (self->lattice_list, _("Pixel size"), _("Estimated from the lattice"));
}

static void
show_grains (AlStrainPanel *self,
             GArray        *grains,
             double         ps)
{
  for (guint k = 0; grains != NULL && k < grains->len; k++)
    {
      const AlGrainLattice *g = &g_array_index (grains, AlGrainLattice, k);
      g_autofree char *a = length_text (g->a_px, ps);
      g_autofree char *a1 = length_text (g->a1_px, ps);
      g_autofree char *a2 = length_text (g->a2_px, ps);
      g_autofree char *rms = length_text (g->fit_rms_px, ps);
      g_autofree char *title = g_strdup_printf (_("Grain %u"), k + 1);
      /* Translators: a grain's own lattice: its atoms, a, a₁ and a₂, γ,
       * orientation and fit residual. */
      g_autofree char *value = g_strdup_printf (_("%u atoms: a %s (a₁ %s, a₂ %s), γ %.2f°, orientation %.2f°, residual %s"),
                                                g->n_atoms, a, a1, a2, g->gamma_deg, g->orientation_deg, rms);
      add_row (self->lattice_list, title, value);
    }
}

/* Shows the histogram of the chosen strain component, (ownership of
 * `bins` taken; NULL: none) with its mean. */
static void
show_strain_plot (AlStrainPanel *self,
                  AlGpaComponent c,
                  AlPlotBins    *bins,
                  double         mean)
{
  al_plot_clear (self->strain_plot);
  if (bins == NULL)
    return;
  al_plot_set_labels (self->strain_plot, component_label (c), al_gpa_component_unit (c), _("Atoms"));
  al_plot_set_bins (self->strain_plot, bins);
  if (isfinite (mean))
    al_plot_add_mark (self->strain_plot, mean, _("mean"));
}

static void
fill_strain_plot (AlStrainPanel *self)
{
  const AlFrameResult *r = self->results != NULL ? al_results_get_frame (self->results, self->frame) : NULL;
  const AlStrain *st = r != NULL && r->structure != NULL ? r->structure->strain : NULL;
  AlGpaComponent c = gtk_drop_down_get_selected (self->strain_dropdown);
  double mean;

  if (st == NULL || c >= AL_N_GPA_COMPONENTS)
    {
      al_plot_clear (self->strain_plot);
      return;
    }
  show_strain_plot (self, c, al_strain_stats_bin_strain (st, c, &mean), mean);
}

static void
show_stats (AlStrainPanel *self,
            AlStrainStats *stats,
            double         ps)
{
  AlGpaComponent c = gtk_drop_down_get_selected (self->strain_dropdown);

  al_plot_clear (self->length_plot);
  al_plot_clear (self->angle_plot);
  if (stats->lengths != NULL)
    {
      al_plot_set_labels (self->length_plot, _("Bond length"), ps > 0 ? "nm" : "px", _("Bonds"));
      al_plot_set_bins (self->length_plot, g_steal_pointer (&stats->lengths));
      al_plot_add_mark (self->length_plot, stats->length_mean, _("mean"));
    }
  if (stats->angles != NULL)
    al_plot_set_bins (self->angle_plot, g_steal_pointer (&stats->angles));
  /* The component may have been changed while the worker ran. */
  if (c == stats->component)
    show_strain_plot (self, c, g_steal_pointer (&stats->strain), stats->strain_mean);
  else
    fill_strain_plot (self);
  show_grains (self, stats->grains, ps);
}

/* The histograms and the grains' lattices take ~10 ms for 10⁵ atoms (and
 * tens of ms more with grain boundaries): a worker makes them and the
 * panel shows them if it still shows those results. */
typedef struct
{
  AlResults        *results;
  guint             frame;
  const AlMaterial *material;
  AlGpaComponent    component;
} StatsJob;

static void
stats_job_free (StatsJob *job)
{
  al_results_unref (job->results);
  g_free (job);
}

static void
stats_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  StatsJob *job = task_data;

  g_task_return_pointer (task,
                         al_strain_stats_new (al_results_get_frame (job->results, job->frame),
                                              job->material, job->component),
                         (GDestroyNotify) al_strain_stats_free);
}

static void
on_stats (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AlStrainPanel *self = AL_STRAIN_PANEL (source);
  StatsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (AlStrainStats) stats = g_task_propagate_pointer (G_TASK (result), NULL);

  self->n_jobs--;
  if (stats == NULL || self->results != job->results || self->frame != job->frame)
    return;
  show_stats (self, stats, al_results_get_frame (job->results, job->frame)->structure->pixel_size_nm);
}

static void
start_stats (AlStrainPanel    *self,
             const AlMaterial *material)
{
  g_autoptr (GTask) task = NULL;
  StatsJob *job = g_new0 (StatsJob, 1);

  job->results = al_results_ref (self->results);
  job->frame = self->frame;
  job->material = material;
  job->component = gtk_drop_down_get_selected (self->strain_dropdown);
  task = g_task_new (self, NULL, on_stats, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) stats_job_free);
  g_task_run_in_thread (task, stats_thread);
  self->n_jobs++;
}

void
al_strain_panel_set_results (AlStrainPanel *self,
                             AlResults     *results,
                             guint          frame)
{
  const AlFrameResult *r = results != NULL ? al_results_get_frame (results, frame) : NULL;
  const AlAnalysis *analysis;

  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  g_clear_pointer (&self->results, al_results_unref);
  if (r == NULL || r->structure == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  self->results = al_results_ref (results);
  self->frame = frame;
  analysis = al_results_get_analysis (results);
  self->pixel_size = r->structure->pixel_size_nm > 0 ? r->structure->pixel_size_nm : analysis->pixel_size_nm;
  /* Translators: the unit of reciprocal-space vectors. */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->g1_row), self->pixel_size > 0 ? _("x, y in 1/nm") : _("x, y in 1/px"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->g2_row), self->pixel_size > 0 ? _("x, y in 1/nm") : _("x, y in 1/px"));
  fill_lattice (self, r->structure);
  start_stats (self, analysis->material);
  gtk_stack_set_visible_child_name (self->stack, "results");
}

/* Display units per cycle/px. */
static double
g_unit (AlStrainPanel *self)
{
  return self->pixel_size > 0 ? 1 / self->pixel_size : 1;
}

void
al_strain_panel_get_gpa_params (AlStrainPanel *self,
                                AlGpaParams   *params)
{
  double u;

  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  u = g_unit (self);
  al_gpa_params_init (params);
  params->auto_g = adw_combo_row_get_selected (self->g_mode_row) != 1;
  params->g[0][0] = gtk_adjustment_get_value (self->g1x_adjustment) / u;
  params->g[0][1] = gtk_adjustment_get_value (self->g1y_adjustment) / u;
  params->g[1][0] = gtk_adjustment_get_value (self->g2x_adjustment) / u;
  params->g[1][1] = gtk_adjustment_get_value (self->g2y_adjustment) / u;
  params->mask_sigma_fraction = gtk_adjustment_get_value (self->mask_adjustment);
}

void
al_strain_panel_set_gpa_running (AlStrainPanel *self,
                                 gboolean       running)
{
  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  gtk_spinner_set_spinning (self->gpa_spinner, running);
  if (running)
    gtk_label_set_text (self->gpa_label, _("Computing the strain maps…"));
}

void
al_strain_panel_choose_g (AlStrainPanel *self,
                          const double   g[2][2])
{
  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  gtk_adjustment_set_value (self->g1x_adjustment, g[0][0]);
  gtk_adjustment_set_value (self->g1y_adjustment, g[0][1]);
  gtk_adjustment_set_value (self->g2x_adjustment, g[1][0]);
  gtk_adjustment_set_value (self->g2y_adjustment, g[1][1]);
  adw_combo_row_set_selected (self->g_mode_row, 1);
}

void
al_strain_panel_set_mask (AlStrainPanel *self,
                          double         sigma_fraction)
{
  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  gtk_adjustment_set_value (self->mask_adjustment, sigma_fraction);
}

static void
fill_gpa_plot (AlStrainPanel *self)
{
  AlGpaComponent c = adw_combo_row_get_selected (self->gpa_component_row);
  const float *v;
  g_autofree float *scaled = NULL;
  gsize n;
  double scale;

  al_plot_clear (self->gpa_plot);
  gtk_widget_set_visible (GTK_WIDGET (self->gpa_plot), self->gpa_maps != NULL);
  if (self->gpa_maps == NULL || c >= AL_N_GPA_COMPONENTS)
    return;
  n = (gsize) self->gpa_maps->width * self->gpa_maps->height;
  v = al_gpa_component_values (self->gpa_maps, c, &scale);
  scaled = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    scaled[i] = v[i] * scale;
  /* Translators: the GPA histogram counts pixels. */
  al_plot_set_labels (self->gpa_plot, component_label (c), al_gpa_component_unit (c), _("Pixels"));
  al_plot_set_values (self->gpa_plot, scaled, n, AL_STRAIN_HISTOGRAM_BINS, 0, 0);
}

void
al_strain_panel_set_gpa_maps (AlStrainPanel   *self,
                              const AlGpaMaps *maps)
{
  double u;

  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  al_strain_panel_set_gpa_running (self, FALSE);
  self->gpa_maps = maps;
  if (maps == NULL)
    {
      gtk_label_set_text (self->gpa_label, "");
      fill_gpa_plot (self);
      return;
    }
  u = g_unit (self);
  /* The reflections used, so they can be adjusted and chosen. */
  gtk_adjustment_set_value (self->g1x_adjustment, maps->g[0][0] * u);
  gtk_adjustment_set_value (self->g1y_adjustment, maps->g[0][1] * u);
  gtk_adjustment_set_value (self->g2x_adjustment, maps->g[1][0] * u);
  gtk_adjustment_set_value (self->g2y_adjustment, maps->g[1][1] * u);
  {
    /* Translators: the Bragg vectors GPA used, and their unit. */
    g_autofree char *text = g_strdup_printf (_("Used g₁ = (%.3f, %.3f), g₂ = (%.3f, %.3f) %s"),
                                             maps->g[0][0] * u, maps->g[0][1] * u, maps->g[1][0] * u,
                                             maps->g[1][1] * u, self->pixel_size > 0 ? "1/nm" : "1/px");
    gtk_label_set_text (self->gpa_label, text);
  }
  fill_gpa_plot (self);
}

void
al_strain_panel_set_strain_component (AlStrainPanel  *self,
                                      AlGpaComponent  component)
{
  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  gtk_drop_down_set_selected (self->strain_dropdown, component);
}

AlGpaComponent
al_strain_panel_get_gpa_component (AlStrainPanel *self)
{
  g_return_val_if_fail (AL_IS_STRAIN_PANEL (self), AL_GPA_EXX);
  return MIN (adw_combo_row_get_selected (self->gpa_component_row), AL_N_GPA_COMPONENTS - 1);
}

void
al_strain_panel_set_gpa_component (AlStrainPanel  *self,
                                   AlGpaComponent  component)
{
  g_return_if_fail (AL_IS_STRAIN_PANEL (self));
  adw_combo_row_set_selected (self->gpa_component_row, component);
}

AlPlot *
al_strain_panel_get_plot (AlStrainPanel *self,
                          const char    *name)
{
  g_return_val_if_fail (AL_IS_STRAIN_PANEL (self), NULL);
  if (g_str_equal (name, "length"))
    return self->length_plot;
  if (g_str_equal (name, "angle"))
    return self->angle_plot;
  if (g_str_equal (name, "strain"))
    return self->strain_plot;
  if (g_str_equal (name, "gpa"))
    return self->gpa_plot;
  return NULL;
}

const char *
al_strain_panel_get_lattice_value (AlStrainPanel *self,
                                   const char    *title)
{
  g_return_val_if_fail (AL_IS_STRAIN_PANEL (self), NULL);
  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (self->lattice_list)); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    if (ADW_IS_ACTION_ROW (c) && g_str_equal (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), title))
      return adw_action_row_get_subtitle (ADW_ACTION_ROW (c));
  return NULL;
}

gboolean
al_strain_panel_get_busy (AlStrainPanel *self)
{
  g_return_val_if_fail (AL_IS_STRAIN_PANEL (self), FALSE);
  return self->n_jobs > 0;
}
