/* al-site-intensity.c: fixed-position column amplitude and its background. */
#include "defects/al-site-intensity.h"

#include <math.h>

#include "graph/al-select.h"

/* The fit reaches this many sigmas from the site. */
#define AL_SITE_FIT_RADIUS_SIGMA 2.5
/* The background is averaged over a disc this wide (in sigmas) at each
 * hexagon centre. */
#define AL_SITE_BACKGROUND_RADIUS_SIGMA 1.0
/* Columns' Gaussian width when the atoms carry none, and the range a
 * measured one is held to, in bond lengths d. */
#define AL_SITE_SIGMA_NN 0.25
#define AL_SITE_SIGMA_MIN_NN 0.12
#define AL_SITE_SIGMA_MAX_NN 0.4
/* A bond is present in a direction when a neighbour lies within this
 * angle of it. */
#define AL_SITE_BOND_TOLERANCE (G_PI / 6.0)
#define AL_SITE_MAX_BONDS 12

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

/* The columns' width: the median of the widths detection fitted. */
double
al_site_column_sigma (const AlAtoms *atoms,
                      double         nn)
{
  g_autofree double *w = g_new (double, atoms->n_atoms + 1);
  guint n = 0;
  double sigma;

  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->width != NULL && atoms->width[i] > 0.0 && isfinite (atoms->width[i]))
      w[n++] = atoms->width[i];
  sigma = n > 0 ? al_select_median (w, n) : AL_SITE_SIGMA_NN * nn;
  return CLAMP (sigma, AL_SITE_SIGMA_MIN_NN * nn, AL_SITE_SIGMA_MAX_NN * nn);
}

/* Circular mean of bond directions (vectors vx, vy) modulo 120°: the three
 * bonds of a honeycomb site are 120° apart, so 3φ is the same for all. */
double
al_site_bond_angle (const double *vx,
                    const double *vy,
                    guint         n,
                    double        fallback)
{
  double c = 0.0, s = 0.0;

  for (guint k = 0; k < n; k++)
    {
      double phi = 3.0 * atan2 (vy[k], vx[k]);
      c += cos (phi);
      s += sin (phi);
    }
  return n > 0 && hypot (c, s) > 1e-9 ? atan2 (s, c) / 3.0 : fallback;
}

static gboolean
has_bond (const double *vx,
          const double *vy,
          guint         n,
          double        u)
{
  for (guint k = 0; k < n; k++)
    if (fabs (remainder (atan2 (vy[k], vx[k]) - u, 2.0 * G_PI)) < AL_SITE_BOND_TOLERANCE)
      return TRUE;
  return FALSE;
}

/* Whether the image beyond a row of atoms (an open face of the bond graph)
 * is vacuum: the median intensity where the row's missing neighbours would
 * be is below the median of the hexagon centres between its bonds. TRUE
 * when the image cannot tell (no missing neighbour or no centre read). */
gboolean
al_site_vacuum_beyond (const AlSiteImage *img,
                       const AlAtoms     *atoms,
                       const AlBonds     *bonds,
                       const guint32     *row,
                       guint              n_row)
{
  g_autoptr (GArray) out = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) in = g_array_new (FALSE, FALSE, sizeof (double));
  double r = MAX (1.0, img->sigma_px), nn = img->nn_px;

  for (guint q = 0; q < n_row; q++)
    {
      guint32 a = row[q];
      double vx[AL_SITE_MAX_BONDS], vy[AL_SITE_MAX_BONDS], phi;
      gboolean present[3];
      guint n = 0;
      for (guint32 h = bonds->offset[a]; h < bonds->offset[a + 1] && n < AL_SITE_MAX_BONDS; h++)
        {
          vx[n] = atoms->x[bonds->neighbour[h]] - atoms->x[a];
          vy[n++] = atoms->y[bonds->neighbour[h]] - atoms->y[a];
        }
      if (n == 0)
        continue;
      phi = al_site_bond_angle (vx, vy, n, 0.0);
      for (int k = 0; k < 3; k++)
        present[k] = has_bond (vx, vy, n, phi + k * 2.0 * G_PI / 3.0);
      for (int k = 0; k < 3; k++)
        {
          double u = phi + k * 2.0 * G_PI / 3.0, m;
          if (!present[k])
            {
              m = disc_mean (img, atoms->x[a] + nn * cos (u), atoms->y[a] + nn * sin (u), r);
              if (isfinite (m))
                g_array_append_val (out, m);
            }
          /* The centre between bonds k and k + 1 is inside the crystal
           * only when both bonds are there. */
          if (present[k] && present[(k + 1) % 3])
            {
              m = disc_mean (img, atoms->x[a] + nn * cos (u + G_PI / 3.0),
                             atoms->y[a] + nn * sin (u + G_PI / 3.0), r);
              if (isfinite (m))
                g_array_append_val (in, m);
            }
        }
    }
  if (out->len == 0 || in->len == 0)
    return TRUE;
  return al_select_median ((double *) out->data, out->len) < al_select_median ((double *) in->data, in->len);
}
