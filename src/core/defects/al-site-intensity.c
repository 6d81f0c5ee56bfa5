/* al-site-intensity.c: fixed-position column amplitude and its background. */
#include "defects/al-site-intensity.h"

#include <math.h>

/* The fit reaches this many sigmas from the site. */
#define AL_SITE_FIT_RADIUS_SIGMA 2.5
/* The background is averaged over a disc this wide (in sigmas) at each
 * hexagon centre. */
#define AL_SITE_BACKGROUND_RADIUS_SIGMA 1.0

static double
disc_mean (const AlSiteImage *img,
           double             x,
           double             y,
           double             r)
{
  double s = 0.0;
  guint n = 0;

  for (long yy = (long) ceil (y - r); yy <= (long) floor (y + r); yy++)
    for (long xx = (long) ceil (x - r); xx <= (long) floor (x + r); xx++)
      if (xx >= 0 && yy >= 0 && xx < (long) img->width && yy < (long) img->height
          && (xx - x) * (xx - x) + (yy - y) * (yy - y) <= r * r)
        {
          s += img->frame[(gsize) yy * img->width + xx];
          n++;
        }
  return n ? s / n : NAN;
}

/* Background at a site: the median of the three hexagon centres around it
 * (the median, so that one centre holding an interstitial or a misplaced
 * column does not lift it). `bond_angle` is the direction of any one of the
 * site's bonds; the centres lie opposite the bonds. NAN outside the frame. */
double
al_site_background (const AlSiteImage *img,
                    double             x,
                    double             y,
                    double             bond_angle)
{
  double v[3], r = MAX (1.0, AL_SITE_BACKGROUND_RADIUS_SIGMA * img->sigma_px), t;
  guint n = 0;

  for (int k = 0; k < 3; k++)
    {
      double phi = bond_angle + G_PI / 3.0 + k * 2.0 * G_PI / 3.0;
      double m = disc_mean (img, x + img->nn_px * cos (phi), y + img->nn_px * sin (phi), r);
      if (isfinite (m))
        v[n++] = m;
    }
  if (n == 0)
    return NAN;
  if (n == 1)
    return v[0];
  if (n == 2)
    return 0.5 * (v[0] + v[1]);
  /* Median of three: the largest of the two smaller ones. */
  t = MAX (v[0], v[1]);
  return MAX (MIN (v[0], v[1]), MIN (t, v[2]));
}

/* Least-squares amplitude of a Gaussian of width sigma centred at (x, y)
 * above `background`: Σ g·(I − b) / Σ g². NAN when the site's disc leaves
 * the frame (a column cut by the border would read as dim). */
double
al_site_amplitude (const AlSiteImage *img,
                   double             x,
                   double             y,
                   double             background)
{
  double sigma = img->sigma_px, r = AL_SITE_FIT_RADIUS_SIGMA * sigma;
  double sgi = 0.0, sgg = 0.0, inv = 1.0 / (2.0 * sigma * sigma);

  if (!isfinite (background) || x - r < 0 || y - r < 0 || x + r > img->width - 1
      || y + r > img->height - 1)
    return NAN;
  for (long yy = (long) ceil (y - r); yy <= (long) floor (y + r); yy++)
    for (long xx = (long) ceil (x - r); xx <= (long) floor (x + r); xx++)
      {
        double d2 = (xx - x) * (xx - x) + (yy - y) * (yy - y), g;
        if (d2 > r * r)
          continue;
        g = exp (-d2 * inv);
        sgi += g * (img->frame[(gsize) yy * img->width + xx] - background);
        sgg += g * g;
      }
  return sgg > 0 ? sgi / sgg : NAN;
}
