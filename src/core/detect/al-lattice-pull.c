/* al-lattice-pull.c: column positions pulled towards their local lattice
 * sites. See al-lattice-pull.h. */
#include "detect/al-lattice-pull.h"

#include <math.h>

#include "detect/al-lattice-snap-private.h"

/* How far a real column stands off its ideal local lattice site, rms per
 * axis, in neighbour distances: the neighbours of a chalcogen vacancy
 * move in by about 0.1 Å and an antisite pushes them out by about as much
 * (Komsa & Krasheninnikov, PRB 91, 125304 (2015); the simulator's
 * geometry, al-sim-point.c); 0.05 of MoS2's 0.18 nm projected neighbour
 * distance is 9 pm, so a metal column next to a vacancy (fitted to 7 pm
 * per axis at 10⁴) keeps more than half of its measured displacement. */
#define PULL_MODEL_NEIGHBOURS 0.05
/* A column further from its site than this many standard deviations of
 * the difference (fit and site errors together) keeps its fit: it is not
 * the site's column (another grain's, an adatom), or its fit is wrong in
 * a way no noise explains. Mislocated S2 at 10⁴ reach 4–6. */
#define PULL_MAX_SIGMAS 6.0

/* The Gaussian combination on one axis: returns the pulled coordinate and
 * sets *se to its standard error. */
static double
combine (double  fitted,
         double  fit_var,
         double  site,
         double  site_var,
         double *se)
{
  *se = sqrt (fit_var * site_var / (fit_var + site_var));
  return fitted + fit_var / (fit_var + site_var) * (site - fitted);
}

guint
al_lattice_pull (AlColumnFit     *columns,
                 guint            n_columns,
                 const AlLattice *lattice,
                 guint            width,
                 guint            height,
                 double           neighbour_px,
                 guint            n_threads)
{
  AlLatticeSnapParams params;
  g_autofree SiteFrame *frames = NULL;
  double tau[2], model = PULL_MODEL_NEIGHBOURS * neighbour_px;
  guint moved = 0;

  if (n_columns == 0)
    return 0;
  al_lattice_snap_params_init (&params, neighbour_px);
  frames = g_new0 (SiteFrame, n_columns);
  if (!al_lattice_site_frames (columns, n_columns, lattice, width, height, &params, n_threads,
                               frames, tau))
    return 0;
  for (guint i = 0; i < n_columns; i++)
    {
      AlColumnFit *c = &columns[i];
      const SiteFrame *f = &frames[i];
      double site_var = f->se * f->se + model * model;
      double vx = c->se_x * c->se_x, vy = c->se_y * c->se_y;
      double dx = f->x - c->x, dy = f->y - c->y;

      if (!c->ok || !(f->se > 0) || !(vx > 0) || !(vy > 0)
          || dx * dx / (vx + site_var) + dy * dy / (vy + site_var)
               > PULL_MAX_SIGMAS * PULL_MAX_SIGMAS)
        continue;
      c->x = combine (c->x, vx, f->x, site_var, &c->se_x);
      c->y = combine (c->y, vy, f->y, site_var, &c->se_y);
      moved++;
    }
  return moved;
}
