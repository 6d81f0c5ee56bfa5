/* al-strain-stats.c: the Strain panel's histograms and grain lattices,
 * off the main thread. */
#include "al-strain-stats.h"

#include "defects/al-grain-lattices.h"

#include <math.h>

/* Most bonds around one atom whose angles are measured. */
#define MAX_ATOM_BONDS 16

static void
bin_lengths (AlStrainStats     *stats,
             const AlStructure *s)
{
  const AlBonds *b = s->bonds;
  double ps = s->pixel_size_nm, mean = 0;
  g_autofree float *lengths = g_new (float, b->n_bonds);

  for (guint k = 0; k < b->n_bonds; k++)
    {
      lengths[k] = ps > 0 ? b->length[k] * ps : b->length[k];
      mean += lengths[k];
    }
  stats->length_mean = mean / b->n_bonds;
  stats->lengths = al_plot_bins_new (lengths, b->n_bonds, AL_STRAIN_HISTOGRAM_BINS, 0, 0);
}

/* Bond angles: between bonds next to each other around an atom (up to
 * 180°: over that is the open side of an edge atom, not a bond angle). */
static void
bin_angles (AlStrainStats *stats,
            const AlBonds *b)
{
  g_autoptr (GArray) angles = g_array_new (FALSE, FALSE, sizeof (float));

  for (guint i = 0; i < b->n_atoms; i++)
    {
      guint n = b->offset[i + 1] - b->offset[i];
      float dir[MAX_ATOM_BONDS];

      if (n < 2 || n > G_N_ELEMENTS (dir))
        continue;
      for (guint k = 0; k < n; k++)
        dir[k] = b->angle[b->offset[i] + k];
      for (guint k = 1; k < n; k++)   /* insertion sort: a handful */
        for (guint j = k; j > 0 && dir[j - 1] > dir[j]; j--)
          {
            float t = dir[j];
            dir[j] = dir[j - 1], dir[j - 1] = t;
          }
      for (guint k = 0; k < n; k++)
        {
          float next = k + 1 < n ? dir[k + 1] : dir[0] + 2 * G_PI;
          float deg = (next - dir[k]) * 180 / G_PI;
          if (deg <= 180)
            g_array_append_val (angles, deg);
        }
    }
  stats->angles = al_plot_bins_new ((const float *) angles->data, angles->len, AL_STRAIN_HISTOGRAM_BINS, 0, 0);
}

AlPlotBins *
al_strain_stats_bin_strain (const AlStrain *st,
                            AlGpaComponent  c,
                            double         *mean)
{
  const float *v = c == AL_GPA_EXX ? st->exx : c == AL_GPA_EYY ? st->eyy : c == AL_GPA_EXY ? st->exy : st->rotation;
  double scale = c == AL_GPA_ROTATION ? 1 : 100, sum = 0;
  g_autofree float *scaled = g_new (float, MAX (st->n_atoms, 1));
  guint n = 0;

  for (guint i = 0; i < st->n_atoms; i++)
    {
      scaled[i] = v[i] * scale;
      if (isfinite (scaled[i]))
        sum += scaled[i], n++;
    }
  *mean = n > 0 ? sum / n : NAN;
  return al_plot_bins_new (scaled, st->n_atoms, AL_STRAIN_HISTOGRAM_BINS, 0, 0);
}

AlStrainStats *
al_strain_stats_new (const AlFrameResult *r,
                     const AlMaterial    *material,
                     AlGpaComponent       component)
{
  AlStrainStats *stats = g_new0 (AlStrainStats, 1);
  const AlStructure *s = r->structure;

  stats->component = component;
  stats->strain_mean = NAN;
  if (s == NULL)
    return stats;
  if (s->bonds != NULL && s->bonds->n_bonds > 0)
    {
      bin_lengths (stats, s);
      bin_angles (stats, s->bonds);
    }
  if (s->strain != NULL && component < AL_N_GPA_COMPONENTS)
    stats->strain = al_strain_stats_bin_strain (s->strain, component, &stats->strain_mean);
  /* With grain boundaries, one lattice per grain: one lattice across two
   * grains fits neither (its residual is their misfit). */
  if (s->strain != NULL && s->defects != NULL
      && al_defects_count_type (s->defects, AL_DEFECT_GRAIN_BOUNDARY) > 0)
    stats->grains = al_grain_lattices_fit (r->atoms, s, material);
  return stats;
}

void
al_strain_stats_free (AlStrainStats *stats)
{
  if (stats == NULL)
    return;
  al_plot_bins_free (stats->lengths);
  al_plot_bins_free (stats->angles);
  al_plot_bins_free (stats->strain);
  g_clear_pointer (&stats->grains, g_array_unref);
  g_free (stats);
}
