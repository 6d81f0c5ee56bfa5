/* al-honeycomb-lattice.c: honeycomb sites from the Bragg spots (see
 * al-honeycomb-lattice.h).
 *
 * A carbon column at 10⁴ e⁻/Å² scatters a handful of electrons onto the
 * detector, below the noise of the pixels it covers, but the first-order
 * Bragg spots add up every column of a grain. So:
 *
 * 1. Orientation. The power spectrum (r2c, FFTW), divided by its median on
 *    the ring where first-order spots of the known spacing fall, is scanned
 *    over directions θ in [0°, 60°) (and a few per cent of radius, for
 *    strain and calibration): the six spots of a grain sum to a peak of
 *    that profile. Each peak well above the profile's median (robust sigma)
 *    is a grain.
 * 2. Phase. For the three first-order vectors g_j of a grain (g_0 + g_1 +
 *    g_2 = 0), the image is demodulated, d_j(r) = G_L * (I(r) e^{-2πi g_j·r}),
 *    averaging over a Gaussian window of sigma L, on a grid of blocks (the
 *    product is smooth after the window). The first-order part of a
 *    honeycomb image is −Σ cos 2π g_j·(r − c) with c a hexagon centre, so
 *    arg(−d_j) = −2π g_j·c: three phases, two unknowns; their sum's misfit
 *    is shared out before solving. The atoms sit at c + (a1 + a2)/3 and
 *    c + 2(a1 + a2)/3 (a_i dual to g_0, g_1).
 * 3. The window L is what the dose demands: the position error of a site is
 *    1/(2π|g|·SNR) with SNR the spot amplitude over its noise in the window,
 *    and that SNR grows as L. L is chosen so that a grain's window reaches
 *    AL_HC_TARGET_SNR, within bounds (a period at least: strain and grain
 *    boundaries are followed as closely as the noise allows).
 * 4. Each site belongs to the grain whose lattice is strongest there; sites
 *    where no lattice stands out of the noise (vacuum, holes) are left out.
 *
 * Step 1 is al-honeycomb-spectrum.c, steps 2 and 3 al-honeycomb-demod.c,
 * step 4 al-honeycomb-owner.c.
 */
#include "detect/al-honeycomb-private.h"

#include <math.h>
#include <string.h>

/* Spot amplitude over its noise wanted in the phase window. */
#define AL_HC_TARGET_SNR 4.0
/* Bounds of the window sigma: periods of the lattice, and a fraction of
 * the image's shorter side shared out among the grains (a window reaching
 * far over another grain reads its own lattice's phase from off centre). */
#define AL_HC_MIN_WINDOW_PERIODS 1.0
#define AL_HC_MAX_WINDOW_FRACTION 0.5
/* The window that decides which grain a site belongs to is the one for
 * this spot SNR, and at most this fraction of the shorter side. */
#define AL_HC_OWNER_SNR 2.0
#define AL_HC_OWNER_MAX_FRACTION 0.2
/* A site is placed where its grain's spot amplitude is at least this many
 * times its noise. */
#define AL_HC_MIN_SITE_SNR 1.0
/* Sites are placed up to this far beyond the outer pixels' centres (the
 * image covers half a pixel more; a site there still rounds to a pixel). */
#define AL_HC_EDGE_PX 0.45
/* Sites closer than this many neighbour distances are one. */
#define AL_HC_DUPLICATE_FRACTION 0.5
/* Passes that move g to the phase gradient before the sites are read (each
 * goes about half the way: the truncated windows at the edges damp the
 * gradient), until g moves less than this many cycles over the image. */
#define AL_HC_G_PASSES 10
#define AL_HC_G_SETTLED 0.02
/* Spots of at least this power SNR measure the lattice's scale (and
 * strain) themselves; fainter ones keep the calibration's. */
#define AL_HC_FREE_SCALE_SNR 20.0

static double
wrap_half (double t)
{
  return t - floor (t + 0.5);
}

typedef struct
{
  AlHoneycombSite site;
  double          signal;
} Candidate;

/* The sites one grain's phases place over the whole image. */
static void
grain_sites (const AlHcDemod *d,
             guint            grain,
             guint            width,
             guint            height,
             double           g_norm,
             GArray          *out)
{
  double corner_i[2] = { G_MAXDOUBLE, -G_MAXDOUBLE }, corner_j[2] = { G_MAXDOUBLE, -G_MAXDOUBLE };
  double off[2] = { (d->a1[0] + d->a2[0]) / 3.0, (d->a1[1] + d->a2[1]) / 3.0 };
  double margin = 1.5 / g_norm;   /* a period and a half */

  for (int c = 0; c < 4; c++)
    {
      double x = (c & 1) ? width : 0, y = (c & 2) ? height : 0;
      double i = d->g[0][0] * x + d->g[0][1] * y, j = d->g[1][0] * x + d->g[1][1] * y;
      corner_i[0] = MIN (corner_i[0], i);
      corner_i[1] = MAX (corner_i[1], i);
      corner_j[0] = MIN (corner_j[0], j);
      corner_j[1] = MAX (corner_j[1], j);
    }
  for (long i = (long) floor (corner_i[0]) - 1; i <= (long) ceil (corner_i[1]) + 1; i++)
    for (long j = (long) floor (corner_j[0]) - 1; j <= (long) ceil (corner_j[1]) + 1; j++)
      {
        double rx = i * d->a1[0] + j * d->a2[0], ry = i * d->a1[1] + j * d->a2[1];
        double t[3], e, cx, cy, signal;

        if (rx < -margin || ry < -margin || rx > width + margin || ry > height + margin)
          continue;
        for (int k = 0; k < 3; k++)
          {
            double re = al_hc_demod_sample (d, d->re[k], rx, ry), im = al_hc_demod_sample (d, d->im[k], rx, ry);
            t[k] = -atan2 (-im, -re) / (2.0 * G_PI);
          }
        e = wrap_half (t[0] + t[1] + t[2]);
        cx = rx;
        cy = ry;
        {
          double d0 = wrap_half (t[0] - e / 3.0 - (d->g[0][0] * rx + d->g[0][1] * ry));
          double d1 = wrap_half (t[1] - e / 3.0 - (d->g[1][0] * rx + d->g[1][1] * ry));
          cx += d0 * d->a1[0] + d1 * d->a2[0];
          cy += d0 * d->a1[1] + d1 * d->a2[1];
        }
        signal = al_hc_demod_signal (d, cx, cy);
        if (!(signal > 0))
          continue;
        for (int s = 1; s <= 2; s++)
          {
            Candidate c;
            double snr = sqrt (signal / d->noise_var);
            c.site.x = cx + s * off[0];
            c.site.y = cy + s * off[1];
            if (c.site.x < -AL_HC_EDGE_PX || c.site.y < -AL_HC_EDGE_PX
                || c.site.x > width - 1.0 + AL_HC_EDGE_PX || c.site.y > height - 1.0 + AL_HC_EDGE_PX
                || snr < AL_HC_MIN_SITE_SNR)
              continue;
            c.site.se_px = sqrt (2.0 / 3.0) / (2.0 * G_PI * g_norm * snr);
            c.site.grain = grain;
            c.site.sublattice = (guint) s - 1;
            c.signal = signal;
            g_array_append_val (out, c);
          }
      }
}

static int
compare_signal (gconstpointer a,
                gconstpointer b)
{
  double x = ((const Candidate *) a)->signal, y = ((const Candidate *) b)->signal;

  return (x < y) - (x > y);
}

/* Keeps, of sites closer than `dmin`, the one with the stronger lattice. */
static void
keep_apart (GArray *candidates,
            guint   width,
            guint   height,
            double  dmin,
            GArray *out)
{
  guint gw = (guint) (width / dmin) + 1, gh = (guint) (height / dmin) + 1;
  g_autofree gint32 *head = g_new (gint32, (gsize) gw * gh);
  g_autofree gint32 *next = g_new (gint32, MAX (candidates->len, 1));

  for (gsize k = 0; k < (gsize) gw * gh; k++)
    head[k] = -1;
  g_array_sort (candidates, compare_signal);
  for (guint k = 0; k < candidates->len; k++)
    {
      const AlHoneycombSite *s = &g_array_index (candidates, Candidate, k).site;
      int cx = (int) (s->x / dmin), cy = (int) (s->y / dmin);
      gboolean free = TRUE;

      for (int y = MAX (cy - 1, 0); y <= MIN (cy + 1, (int) gh - 1) && free; y++)
        for (int x = MAX (cx - 1, 0); x <= MIN (cx + 1, (int) gw - 1) && free; x++)
          for (gint32 t = head[(gsize) y * gw + x]; t >= 0 && free; t = next[t])
            {
              const AlHoneycombSite *o = &g_array_index (out, AlHoneycombSite, t);
              if (hypot (o->x - s->x, o->y - s->y) < dmin)
                free = FALSE;
            }
      if (!free)
        continue;
      next[out->len] = head[(gsize) cy * gw + cx];
      head[(gsize) cy * gw + cx] = (gint32) out->len;
      g_array_append_val (out, *s);
    }
}

void
al_honeycomb_lattice_find (const float        *image,
                           guint               width,
                           guint               height,
                           double              neighbour_px,
                           double              noise_sigma,
                           AlHoneycombLattice *lattice)
{
  double g0 = 1.0 / (1.5 * neighbour_px), radius[AL_HONEYCOMB_MAX_GRAINS];
  double period = sqrt (3.0) * neighbour_px;
  AlHcDemod demod[AL_HONEYCOMB_MAX_GRAINS] = { { { { 0 } } } };
  AlHcOwner owner = { 0 };
  g_autoptr (GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  memset (lattice, 0, sizeof *lattice);
  lattice->sites = g_array_new (FALSE, FALSE, sizeof (AlHoneycombSite));
  g_return_if_fail (image != NULL && neighbour_px > 0);
  if (MIN (width, height) < 4 * period || !(noise_sigma > 0))
    return;
  lattice->n_grains = al_hc_find_grains (image, width, height, g0, lattice->angle_deg, radius,
                                         lattice->spot_snr);

  for (guint k = 0; k < lattice->n_grains; k++)
    {
      AlHcDemod *d = &demod[k];
      double area = (double) width * height / lattice->n_grains;
      double target = AL_HC_TARGET_SNR * AL_HC_TARGET_SNR;

      /* Faint spots place the ring's radius no better than the
       * calibration does (a few per cent of noise against a lattice
       * constant known to a fraction of one): the scale stays, only the
       * rotation is refined. */
      if (lattice->spot_snr[k] < AL_HC_FREE_SCALE_SNR)
        radius[k] = g0;
      for (int j = 0; j < 2; j++)
        {
          double theta = (lattice->angle_deg[k] + 120.0 * j) * G_PI / 180.0;
          d->g[j][0] = radius[k] * cos (theta);
          d->g[j][1] = radius[k] * sin (theta);
        }
      d->g[2][0] = -d->g[0][0] - d->g[1][0];
      d->g[2][1] = -d->g[0][1] - d->g[1][1];
      /* Power SNR grows as the window's area: 4πL² · snr / area = target. */
      d->window = sqrt (target * area / (MAX (lattice->spot_snr[k], 1e-3) * 4.0 * G_PI));
      owner.demod[k].window = d->window * AL_HC_OWNER_SNR / AL_HC_TARGET_SNR;
      d->window = CLAMP (d->window, AL_HC_MIN_WINDOW_PERIODS * period,
                         MAX (AL_HC_MIN_WINDOW_PERIODS * period,
                              AL_HC_MAX_WINDOW_FRACTION * MIN (width, height)
                                / lattice->n_grains));
      owner.demod[k].window = CLAMP (owner.demod[k].window, AL_HC_MIN_WINDOW_PERIODS * period,
                                     MAX (AL_HC_MIN_WINDOW_PERIODS * period,
                                          AL_HC_OWNER_MAX_FRACTION * MIN (width, height)));
      lattice->window_px[k] = d->window;
      /* The scan's step leaves g off by up to half a step (a pixel's phase
       * over a few hundred): once more with g from the phase gradient. */
      for (guint pass = 0; pass < AL_HC_G_PASSES; pass++)
        {
          double moved;
          al_hc_demod_compute (d, image, width, height, noise_sigma);
          moved = al_hc_demod_refine_g (d, lattice->spot_snr[k] < AL_HC_FREE_SCALE_SNR);
          al_hc_demod_clear (d);
          if (moved * MAX (width, height) < AL_HC_G_SETTLED)
            break;
        }
      al_hc_demod_compute (d, image, width, height, noise_sigma);
      al_hc_demod_set_basis (d);
      memcpy (owner.demod[k].g, d->g, sizeof d->g);
    }
  al_hc_owner_init (&owner, lattice->n_grains, image, width, height, noise_sigma);
  for (guint k = 0; k < lattice->n_grains; k++)
    {
      guint first = candidates->len, kept_n = first;
      grain_sites (&demod[k], k, width, height, radius[k], candidates);
      for (guint c = first; c < candidates->len; c++)
        {
          Candidate *cand = &g_array_index (candidates, Candidate, c);
          if (al_hc_owner_of (&owner, cand->site.x, cand->site.y, &cand->signal) == k)
            g_array_index (candidates, Candidate, kept_n++) = *cand;
        }
      g_array_set_size (candidates, kept_n);
    }
  for (guint k = 0; k < lattice->n_grains; k++)
    al_hc_demod_clear (&demod[k]);
  al_hc_owner_clear (&owner);
  keep_apart (candidates, width, height, AL_HC_DUPLICATE_FRACTION * neighbour_px, lattice->sites);
}

void
al_honeycomb_lattice_clear (AlHoneycombLattice *lattice)
{
  g_clear_pointer (&lattice->sites, g_array_unref);
  lattice->n_grains = 0;
}
