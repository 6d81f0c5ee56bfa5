/* al-honeycomb-owner.c: which grain each honeycomb site belongs to (step 4
 * of al-honeycomb-lattice.c).
 *
 * Each grain's lattice signal (its first-order spots' local power, less
 * the noise's share) is read through a window narrower than the phase
 * window: which grain is there needs less signal than where its sites are.
 * A site belongs to the grain whose signal is strongest there.
 *
 * At low dose that local comparison is noisy on the scale of the window: a
 * patch where one grain's signal happens to read low hands a strip of it
 * to the other grain (graphene at 10⁴ e⁻/Å²: a boundary off by 40–60 px
 * over 200 px). Two grains are therefore split by the straight line that
 * best separates their signals, each side the grain whose signal is the
 * stronger there (the sum of the signal difference over each side,
 * maximised over the line's direction and offset), so the noise of the
 * whole boundary is pooled. Where the local comparison disagrees with the
 * line beyond its noise (a boundary that bends), the local one decides.
 */
#include "detect/al-honeycomb-private.h"

#include <math.h>
#include <string.h>

/* The line's directions are scanned in this step, degrees. */
#define AL_HC_LINE_ANGLE_STEP_DEG 1.0
/* Signals are sampled on a grid of this pitch, in phase-window sigmas of
 * the owner's window. */
#define AL_HC_LINE_SAMPLES_PER_SIGMA 0.25
/* Each side of the line holds at least this share of the image. */
#define AL_HC_LINE_MIN_SIDE 0.05
/* The local comparison overrules the line where the two signals differ by
 * more than this many standard deviations of that difference, as noise
 * gives it. */
#define AL_HC_LINE_OVERRULE_SIGMAS 3.0

typedef struct
{
  double t;
  double d;
} Sample;

static int
compare_t (gconstpointer a,
           gconstpointer b)
{
  double x = ((const Sample *) a)->t, y = ((const Sample *) b)->t;

  return (x > y) - (x < y);
}

/* The signal difference (grain 0 less grain 1) on a grid over the image. */
static GArray *
sample_difference (const AlHcOwner *o,
                   guint            width,
                   guint            height,
                   double           pitch,
                   double         **xy)
{
  guint nx = MAX (2u, (guint) ceil (width / pitch)), ny = MAX (2u, (guint) ceil (height / pitch));
  GArray *d = g_array_sized_new (FALSE, FALSE, sizeof (double), nx * ny);

  *xy = g_new (double, 2 * (gsize) nx * ny);
  for (guint v = 0; v < ny; v++)
    for (guint u = 0; u < nx; u++)
      {
        double x = (u + 0.5) * width / nx - 0.5, y = (v + 0.5) * height / ny - 0.5;
        double diff = al_hc_demod_signal (&o->demod[0], x, y)
                      - al_hc_demod_signal (&o->demod[1], x, y);
        (*xy)[2 * d->len] = x;
        (*xy)[2 * d->len + 1] = y;
        g_array_append_val (d, diff);
      }
  return d;
}

/* The line n·p = offset maximising Σ_{n·p > offset} D − Σ_{n·p ≤ offset} D
 * (grain 0 on the far side), over directions of n in [0°, 360°). */
static void
fit_line (AlHcOwner *o,
          guint      width,
          guint      height)
{
  double pitch = AL_HC_LINE_SAMPLES_PER_SIGMA * o->demod[0].window, best = -G_MAXDOUBLE;
  g_autofree double *xy = NULL;
  g_autoptr (GArray) d = sample_difference (o, width, height, MAX (pitch, 1.0), &xy);
  guint n = d->len, min_side = (guint) ceil (AL_HC_LINE_MIN_SIDE * n);
  g_autofree Sample *s = g_new (Sample, n);
  double total = 0;

  for (guint i = 0; i < n; i++)
    total += g_array_index (d, double, i);
  for (double a = 0; a < 360.0; a += AL_HC_LINE_ANGLE_STEP_DEG)
    {
      double c = cos (a * G_PI / 180.0), sn = sin (a * G_PI / 180.0), below = 0;
      for (guint i = 0; i < n; i++)
        {
          s[i].t = c * xy[2 * i] + sn * xy[2 * i + 1];
          s[i].d = g_array_index (d, double, i);
        }
      qsort (s, n, sizeof (Sample), compare_t);
      for (guint k = 0; k + 1 < n; k++)
        {
          double score;
          below += s[k].d;
          if (k + 1 < min_side || n - k - 1 < min_side)
            continue;
          score = (total - below) - below;
          if (score > best)
            {
              best = score;
              o->normal[0] = c;
              o->normal[1] = sn;
              o->offset = 0.5 * (s[k].t + s[k + 1].t);
            }
        }
    }
  o->line = best > 0;
}

void
al_hc_owner_init (AlHcOwner   *o,
                  guint        n_grains,
                  const float *image,
                  guint        width,
                  guint        height,
                  double       noise_sigma)
{
  o->n_grains = n_grains;
  o->line = FALSE;
  for (guint k = 0; k < n_grains; k++)
    al_hc_demod_compute (&o->demod[k], image, width, height, noise_sigma);
  if (n_grains == 2)
    fit_line (o, width, height);
}

/* Standard deviation of one grain's signal at a point from noise: the
 * power of three spots, each of variance noise_var, with the lattice's
 * own share cross-multiplied. */
static double
signal_noise (const AlHcDemod *d,
              double           signal)
{
  return sqrt (2.0 / 3.0 * d->noise_var * (d->noise_var + 2.0 * MAX (signal, 0.0)));
}

guint
al_hc_owner_of (const AlHcOwner *o,
                double           x,
                double           y,
                double          *signal)
{
  double best = -G_MAXDOUBLE;
  guint arg = 0;

  for (guint k = 0; k < o->n_grains; k++)
    {
      double s = al_hc_demod_signal (&o->demod[k], x, y);
      if (s > best)
        {
          best = s;
          arg = k;
        }
    }
  if (o->line)
    {
      double s0 = al_hc_demod_signal (&o->demod[0], x, y);
      double s1 = al_hc_demod_signal (&o->demod[1], x, y);
      double noise = hypot (signal_noise (&o->demod[0], s0), signal_noise (&o->demod[1], s1));
      guint side = o->normal[0] * x + o->normal[1] * y > o->offset ? 0 : 1;
      if (fabs (s0 - s1) <= AL_HC_LINE_OVERRULE_SIGMAS * noise)
        arg = side;
    }
  *signal = al_hc_demod_signal (&o->demod[arg], x, y);
  return arg;
}

void
al_hc_owner_clear (AlHcOwner *o)
{
  for (guint k = 0; k < o->n_grains; k++)
    al_hc_demod_clear (&o->demod[k]);
}
