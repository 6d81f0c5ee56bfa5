/* al-strain-stats.h: what the Strain panel plots, computed from one
 * frame's structure on any thread: the histograms of bond lengths, bond
 * angles and one per-atom strain component, and the grains' own lattices.
 * For 10⁵ atoms this is ~10 ms of work (percentiles, angle sorting, grain
 * fitting), done in a worker so the window does not stall when results
 * arrive. */
#pragma once

#include "al-results.h"
#include "plots/al-gpa-layer.h"
#include "plots/al-plot-bins.h"

G_BEGIN_DECLS

typedef struct
{
  AlPlotBins     *lengths;      /* nm with a pixel size, else px; NULL: no bonds */
  double          length_mean;
  AlPlotBins     *angles;       /* degrees; NULL: no bonds */
  AlGpaComponent  component;    /* of `strain` */
  AlPlotBins     *strain;       /* per cent (rotation in degrees); NULL: no strain */
  double          strain_mean;  /* NAN when no atom has a finite value */
  GArray         *grains;       /* AlGrainLattice, largest first; NULL: one grain */
} AlStrainStats;

#define AL_STRAIN_HISTOGRAM_BINS 40

AlStrainStats *al_strain_stats_new         (const AlFrameResult *r,
                                            const AlMaterial    *material,
                                            AlGpaComponent       component);
void           al_strain_stats_free        (AlStrainStats       *stats);
/* The histogram of one component of the per-atom strain, and its mean
 * (NAN when none is finite). */
AlPlotBins    *al_strain_stats_bin_strain  (const AlStrain      *strain,
                                            AlGpaComponent       component,
                                            double              *mean);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlStrainStats, al_strain_stats_free)

G_END_DECLS
