/* al-material-guess.c: guessing the material preset (see the header).
 *
 * Calibrated images first narrow the presets to those whose lattice
 * constant is within a few per cent of the measured one (graphene and hBN,
 * 0.246/0.250 nm; MoS2 and WS2, 0.316 nm; WSe2, 0.328 nm). The column
 * intensities then decide: a two-class mixture whose classes are not
 * separated means one species (graphene); otherwise the ratio of the class
 * means is compared with each preset's ratio of Σ Zⁿ of its two sites at
 * n = 1.7 (hBN 1.8, WSe2 1.9, MoS2 2.6, WS2 6.8), on a log scale.
 *
 * At low dose the dim sublattice of a high-contrast preset goes unseen
 * (WS2 at 10⁴ e⁻/Å²: the S2 columns are a seventh of the W ones) and only
 * one column per cell is found. Such an image is the preset whose dim
 * columns would indeed stay unseen: their signal-to-noise, the bright
 * columns' divided by the preset's ratio, below what detection keeps,
 * when exactly one preset is like that.
 */
#include "detect/al-material-guess.h"

#include <math.h>

#include "detect/al-species.h"

/* Lattice constants this close (fraction) are a match. */
#define AL_GUESS_LATTICE_TOLERANCE 0.06
/* Two classes separated by fewer pooled standard deviations are one. */
#define AL_GUESS_MIN_SEPARATION 2.5
#define AL_GUESS_EXPONENT 1.7
#define AL_GUESS_MIN_ATOMS 8
/* Columns found may differ from a honeycomb's count by this factor (edges,
 * holes, vacancies, contamination) and still be one. */
#define AL_GUESS_DENSITY_FACTOR 2.0
/* A column with an integrated-intensity signal-to-noise (mean over
 * spread) below this is not found: detection keeps amplitudes five
 * standard errors up, and an intensity's spread is about twice its
 * amplitude's relative error. */
#define AL_GUESS_UNSEEN_SNR 3.0

static double
site_ratio (const AlMaterial *m)
{
  double a = al_species_z_sum (&m->species[m->site_species[0]], AL_GUESS_EXPONENT);
  double b = al_species_z_sum (&m->species[m->site_species[1]], AL_GUESS_EXPONENT);
  return MAX (a, b) / MIN (a, b);
}

/* The preset of a honeycomb of which only the bright sublattice was found:
 * the one two-species candidate whose dim columns would be below
 * detection; NULL when none or several are. */
static const AlMaterial *
guess_one_sublattice (const AlAtoms  *atoms,
                      const gboolean *candidate)
{
  double sum = 0, sum2 = 0, mean, snr;
  const AlMaterial *choice = NULL;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      sum += atoms->intensity[i];
      sum2 += (double) atoms->intensity[i] * atoms->intensity[i];
    }
  mean = sum / atoms->n_atoms;
  snr = mean / sqrt (MAX (sum2 / atoms->n_atoms - mean * mean, 1e-300));
  for (int m = 0; m < AL_N_MATERIALS; m++)
    {
      const AlMaterial *mat = al_material_get (m);
      if (!candidate[m] || mat->site_species[0] == mat->site_species[1]
          || snr / site_ratio (mat) >= AL_GUESS_UNSEEN_SNR)
        continue;
      if (choice != NULL)
        return NULL;
      choice = mat;
    }
  g_debug ("material guess: one sublattice, signal-to-noise %g: %s", snr,
           choice != NULL ? choice->name : "none");
  return choice;
}

/* The preset `atoms` (found with no material) most likely show, or NULL. */
const AlMaterial *
al_material_guess (const AlAtoms   *atoms,
                   const AlLattice *lattice,
                   double           pixel_size_nm,
                   guint            width,
                   guint            height)
{
  gboolean candidate[AL_N_MATERIALS];
  gboolean one_sublattice = FALSE;
  g_autofree double *v = NULL;
  double mean[2], var[2], separation, ratio, best = G_MAXDOUBLE;
  const AlMaterial *choice = NULL;

  /* Every preset projects onto a hexagonal lattice... */
  if (atoms == NULL || atoms->n_atoms < AL_GUESS_MIN_ATOMS
      || (lattice != NULL && lattice->found && !lattice->hexagonal))
    return NULL;
  /* ...a honeycomb with two columns per cell: the columns found must be
   * about that many (a lattice read off noise or a superstructure is not). */
  if (lattice != NULL && lattice->found)
    {
      double cell = fabs (lattice->a1[0] * lattice->a2[1] - lattice->a1[1] * lattice->a2[0]);
      double expected = cell > 0 ? 2.0 * width * height / cell : 0.0;
      g_debug ("material guess: %u columns, %g expected", atoms->n_atoms, expected);
      /* One column per cell: a sublattice unseen. */
      one_sublattice = atoms->n_atoms < expected / AL_GUESS_DENSITY_FACTOR
                       && atoms->n_atoms >= 0.5 * expected / AL_GUESS_DENSITY_FACTOR;
      if (!one_sublattice && (atoms->n_atoms < expected / AL_GUESS_DENSITY_FACTOR
                              || atoms->n_atoms > expected * AL_GUESS_DENSITY_FACTOR))
        return NULL;
    }
  for (int m = 0; m < AL_N_MATERIALS; m++)
    {
      candidate[m] = TRUE;
      if (pixel_size_nm > 0 && lattice != NULL && lattice->found && lattice->hexagonal)
        {
          double a_nm = lattice->period_px * pixel_size_nm;
          candidate[m] = fabs (a_nm / al_material_get (m)->a_nm - 1.0) < AL_GUESS_LATTICE_TOLERANCE;
        }
    }

  if (one_sublattice)
    return guess_one_sublattice (atoms, candidate);
  v = g_new (double, atoms->n_atoms);
  for (guint i = 0; i < atoms->n_atoms; i++)
    v[i] = atoms->intensity[i];
  al_species_two_class (v, atoms->n_atoms, mean, var);
  separation = (mean[1] - mean[0]) / sqrt (0.5 * (var[0] + var[1]) + 1e-300);
  ratio = mean[0] > 0 ? mean[1] / mean[0] : 1.0;
  g_debug ("material guess: classes %g and %g, separation %g, ratio %g", mean[0], mean[1],
           separation, ratio);

  for (int m = 0; m < AL_N_MATERIALS; m++)
    {
      const AlMaterial *mat = al_material_get (m);
      gboolean one_species = mat->site_species[0] == mat->site_species[1];
      double cost;
      if (!candidate[m])
        continue;
      if (separation < AL_GUESS_MIN_SEPARATION)
        cost = one_species ? 0.0 : fabs (log (site_ratio (mat)));
      else
        cost = one_species ? G_MAXDOUBLE / 2 : fabs (log (ratio / site_ratio (mat)));
      if (cost < best)
        {
          best = cost;
          choice = mat;
        }
    }
  return choice;
}
