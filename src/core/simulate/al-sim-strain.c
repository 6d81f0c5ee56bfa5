/* al-sim-strain.c: the imposed strain field: a homogeneous strain and
 * rotation, a Gaussian bump and edge dislocations, with the exact strain
 * tensor at every column for the truth.
 *
 * Each field gives its displacement u(r) and gradient ∇u analytically; the
 * fields add (small strain). Per column: exx = ∂ux/∂x, eyy = ∂uy/∂y,
 * exy = (∂ux/∂y + ∂uy/∂x)/2, rotation = (∂uy/∂x − ∂ux/∂y)/2 (rad here,
 * degrees in the truth, +x towards +y, as strain.csv).
 *
 * Edge dislocation, isotropic elasticity (Hirth & Lothe, Theory of
 * Dislocations, 2nd ed., eq. 3-45), Burgers vector b along x′, line along z:
 *   ux = b/2π [θ + x′y′ / (2(1−ν) r²)]
 *   uy = −b/2π [(1−2ν)/(4(1−ν)) ln r² + (x′²−y′²) / (4(1−ν) r²)]
 * with ν = 0.25 (MoS2 ≈ 0.25–0.27, graphene ≈ 0.17).
 */
#include "al-sim-private.h"

#include <math.h>

#define AL_SIM_POISSON_RATIO 0.25
/* Core radius that keeps the field finite at the dislocation line, in
 * units of b. */
#define AL_SIM_DISLOCATION_CORE_B 0.5

void
al_sim_strain_setup (AlSimScene *scene,
                     AlSimRng   *rng)
{
  const AlSimParams *p = scene->params;
  guint n = MIN (p->strain.n_dislocations, G_N_ELEMENTS (scene->dislocations));
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;

  for (guint d = 0; d < n; d++)
    {
      scene->dislocations[d][0] = w * (0.25 + 0.5 * al_sim_rng_uniform (rng));
      scene->dislocations[d][1] = h * (0.25 + 0.5 * al_sim_rng_uniform (rng));
      /* b along a lattice vector of grain 0. */
      scene->dislocations[d][2] = scene->grains[0].rotation
                                  + G_PI / 3.0 * (double) al_sim_rng_below (rng, 6);
    }
}

/* Adds the field of one dislocation at (x, y): displacement and gradient
 * g = {∂ux/∂x, ∂ux/∂y, ∂uy/∂x, ∂uy/∂y}. */
static void
dislocation_field (double  b,
                   double  x0,
                   double  y0,
                   double  angle,
                   double  x,
                   double  y,
                   double  u[2],
                   double  g[4])
{
  double nu = AL_SIM_POISSON_RATIO, k = b / (2.0 * G_PI);
  double c = cos (angle), s = sin (angle);
  double xp = c * (x - x0) + s * (y - y0), yp = -s * (x - x0) + c * (y - y0);
  double core = AL_SIM_DISLOCATION_CORE_B * b;
  double r2 = xp * xp + yp * yp + core * core, r4 = r2 * r2;
  double ux, uy, gxx, gxy, gyx, gyy;

  ux = k * (atan2 (yp, xp) + xp * yp / (2 * (1 - nu) * r2));
  uy = -k * ((1 - 2 * nu) / (4 * (1 - nu)) * log (r2) + (xp * xp - yp * yp) / (4 * (1 - nu) * r2));
  gxx = k * (-yp / r2 + yp * (yp * yp - xp * xp) / (2 * (1 - nu) * r4));
  gxy = k * (xp / r2 + xp * (xp * xp - yp * yp) / (2 * (1 - nu) * r4));
  gyx = -k * ((1 - 2 * nu) * xp / (2 * (1 - nu) * r2) + xp * yp * yp / ((1 - nu) * r4));
  gyy = -k * ((1 - 2 * nu) * yp / (2 * (1 - nu) * r2) - xp * xp * yp / ((1 - nu) * r4));

  /* Back to the image frame: u = R u′, ∇u = R ∇′u′ Rᵀ. */
  u[0] += c * ux - s * uy;
  u[1] += s * ux + c * uy;
  {
    double a00 = c * gxx - s * gyx, a01 = c * gxy - s * gyy;
    double a10 = s * gxx + c * gyx, a11 = s * gxy + c * gyy;
    g[0] += a00 * c - a01 * s;
    g[1] += a00 * s + a01 * c;
    g[2] += a10 * c - a11 * s;
    g[3] += a10 * s + a11 * c;
  }
}

void
al_sim_strain_apply (const AlSimScene *scene,
                     GArray           *columns)
{
  const AlSimParams *p = scene->params;
  const AlSimStrainSpec *st = &p->strain;
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;
  double cx = 0.5 * w, cy = 0.5 * h;
  double om = st->rotation_deg * G_PI / 180.0;
  guint n_disl = MIN (st->n_dislocations, G_N_ELEMENTS (scene->dislocations));

  for (guint k = 0; k < columns->len; k++)
    {
      AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      /* Homogeneous part about the image centre, so the field of view stays put. */
      double rx = c->x - cx, ry = c->y - cy;
      double g[4] = { st->exx, st->exy - om, st->exy + om, st->eyy };
      double u[2] = { g[0] * rx + g[1] * ry, g[2] * rx + g[3] * ry };

      if (st->bump_amplitude != 0 && st->bump_radius_nm > 0)
        {
          /* u = A r exp(−r²/2R²): strain A at the centre, fading out. */
          double R2 = st->bump_radius_nm * st->bump_radius_nm;
          double e = st->bump_amplitude * exp (-(rx * rx + ry * ry) / (2 * R2));
          u[0] += e * rx;
          u[1] += e * ry;
          g[0] += e * (1 - rx * rx / R2);
          g[1] += -e * rx * ry / R2;
          g[2] += -e * rx * ry / R2;
          g[3] += e * (1 - ry * ry / R2);
        }
      for (guint d = 0; d < n_disl; d++)
        dislocation_field (scene->material->a_nm, scene->dislocations[d][0],
                           scene->dislocations[d][1], scene->dislocations[d][2],
                           c->x, c->y, u, g);
      c->x += u[0];
      c->y += u[1];
      c->ux = u[0];
      c->uy = u[1];
      c->exx = g[0];
      c->eyy = g[3];
      c->exy = 0.5 * (g[1] + g[2]);
      c->rot = 0.5 * (g[2] - g[1]);
    }
}
