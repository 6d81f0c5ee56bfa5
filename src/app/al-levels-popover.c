/* al-levels-popover.c: keeps the spin buttons and the gamma slider in step
 * with the canvas's levels, both ways. */
#include "al-levels-popover.h"

#include <math.h>

#include "al-histogram-view.h"

/* Spin button steps: this fraction of the histogram's value range. */
#define LEVEL_STEP_OF_RANGE 0.001

struct _AlLevelsPopover
{
  GtkPopover       parent_instance;

  AlHistogramView *histogram;
  GtkAdjustment   *min_adjustment;
  GtkAdjustment   *max_adjustment;
  GtkAdjustment   *gamma_adjustment;

  AlCanvas        *canvas;   /* weak: the window owns both */
  gboolean         updating; /* set while we write the widgets */
};

G_DEFINE_FINAL_TYPE (AlLevelsPopover, al_levels_popover, GTK_TYPE_POPOVER)

static void
sync_from_canvas (AlLevelsPopover *self)
{
  const AlHistogram *h = al_canvas_get_histogram (self->canvas);
  AlLevels levels;

  al_canvas_get_levels (self->canvas, &levels);
  self->updating = TRUE;
  if (h != NULL && h->max > h->min)
    {
      double step = (h->max - h->min) * LEVEL_STEP_OF_RANGE;
      gtk_adjustment_set_step_increment (self->min_adjustment, step);
      gtk_adjustment_set_step_increment (self->max_adjustment, step);
      gtk_adjustment_set_page_increment (self->min_adjustment, step * 10);
      gtk_adjustment_set_page_increment (self->max_adjustment, step * 10);
    }
  gtk_adjustment_set_value (self->min_adjustment, levels.min);
  gtk_adjustment_set_value (self->max_adjustment, levels.max);
  gtk_adjustment_set_value (self->gamma_adjustment, levels.gamma);
  self->updating = FALSE;
}

static void
on_adjustment_changed (GtkAdjustment   *adjustment,
                       AlLevelsPopover *self)
{
  AlLevels levels;

  if (self->updating || self->canvas == NULL)
    return;
  levels.min = gtk_adjustment_get_value (self->min_adjustment);
  levels.max = gtk_adjustment_get_value (self->max_adjustment);
  levels.gamma = gtk_adjustment_get_value (self->gamma_adjustment);
  al_canvas_set_levels (self->canvas, &levels);
}

static void
al_levels_popover_class_init (AlLevelsPopoverClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (AL_TYPE_HISTOGRAM_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/atomlens/AtomLens/ui/al-levels-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, AlLevelsPopover, histogram);
  gtk_widget_class_bind_template_child (widget_class, AlLevelsPopover, min_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AlLevelsPopover, max_adjustment);
  gtk_widget_class_bind_template_child (widget_class, AlLevelsPopover, gamma_adjustment);
}

static void
al_levels_popover_init (AlLevelsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->min_adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  g_signal_connect (self->max_adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
  g_signal_connect (self->gamma_adjustment, "value-changed", G_CALLBACK (on_adjustment_changed), self);
}

void
al_levels_popover_set_canvas (AlLevelsPopover *self,
                              AlCanvas        *canvas)
{
  static const char *const sync_on[] = {
    "notify::contrast-min", "notify::contrast-max", "notify::gamma", "notify::ready",
  };

  g_return_if_fail (AL_IS_LEVELS_POPOVER (self));
  g_return_if_fail (self->canvas == NULL);
  self->canvas = canvas;
  al_histogram_view_set_canvas (self->histogram, canvas);
  for (guint i = 0; i < G_N_ELEMENTS (sync_on); i++)
    g_signal_connect_object (canvas, sync_on[i], G_CALLBACK (sync_from_canvas), self,
                             G_CONNECT_SWAPPED);
  sync_from_canvas (self);
}
