/* al-site-intensity.c: fixed-position column amplitude and its background. */
#include "defects/al-site-intensity.h"

#include <math.h>

#include "graph/al-select.h"

/* The fit covers a disc of this radius (in bond lengths d) about the
 * site: past the centres of its nearest neighbours, whose amplitudes it
 * then measures rather than guesses. */
#define AL_SITE_FIT_RADIUS_NN 1.2
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

/* Solves the k×k system m·c = r in place by Gaussian elimination with
 * partial pivoting. FALSE when it is singular. */
static gboolean
solve (double *m,
       double *r,
       guint   k)
{
  for (guint col = 0; col < k; col++)
    {
      guint piv = col;
      for (guint row = col + 1; row < k; row++)
        if (fabs (m[row * k + col]) > fabs (m[piv * k + col]))
          piv = row;
      if (!(fabs (m[piv * k + col]) > 1e-12))
        return FALSE;
      if (piv != col)
        {
          double t;
          for (guint q = 0; q < k; q++)
            {
              t = m[col * k + q];
              m[col * k + q] = m[piv * k + q];
              m[piv * k + q] = t;
            }
          t = r[col];
          r[col] = r[piv];
          r[piv] = t;
        }
      for (guint row = col + 1; row < k; row++)
        {
          double f = m[row * k + col] / m[col * k + col];
          for (guint q = col; q < k; q++)
            m[row * k + q] -= f * m[col * k + q];
          r[row] -= f * r[col];
        }
    }
  for (guint row = k; row-- > 0;)
    {
      double v = r[row];
      for (guint q = row + 1; q < k; q++)
        v -= m[row * k + q] * r[q];
      r[row] = v / m[row * k + row];
    }
  return TRUE;
}

/* Least-squares amplitude of a Gaussian of the columns' width at (x, y),
 * fitted over a disc of about a bond length together with a Gaussian at each
 * found neighbouring column (nx, ny; at most AL_SITE_MAX_NEIGHBOURS) and a
 * constant background. NAN when the disc leaves the frame (a column cut by
 * the border would read as dim) or the system is singular. */
double
al_site_amplitude (const AlSiteImage *img,
                   double             x,
                   double             y,
                   const double      *nx,
                   const double      *ny,
                   guint              n)
{
  double m[(AL_SITE_MAX_NEIGHBOURS + 2) * (AL_SITE_MAX_NEIGHBOURS + 2)] = { 0.0 };
  double r[AL_SITE_MAX_NEIGHBOURS + 2] = { 0.0 }, g[AL_SITE_MAX_NEIGHBOURS + 2];
  double sigma = img->sigma_px;
  double rad = AL_SITE_FIT_RADIUS_NN * img->nn_px, inv = 1.0 / (2.0 * sigma * sigma);
  guint k;

  n = MIN (n, AL_SITE_MAX_NEIGHBOURS);
  k = n + 2;
  if (x - rad < 0 || y - rad < 0 || x + rad > img->width - 1 || y + rad > img->height - 1)
    return NAN;
  for (long yy = (long) ceil (y - rad); yy <= (long) floor (y + rad); yy++)
    for (long xx = (long) ceil (x - rad); xx <= (long) floor (x + rad); xx++)
      {
        double d2 = (xx - x) * (xx - x) + (yy - y) * (yy - y);
        double v = img->frame[(gsize) yy * img->width + xx];
        if (d2 > rad * rad)
          continue;
        g[0] = exp (-d2 * inv);
        for (guint q = 0; q < n; q++)
          g[q + 1] = exp (-((xx - nx[q]) * (xx - nx[q]) + (yy - ny[q]) * (yy - ny[q])) * inv);
        g[n + 1] = 1.0;
        for (guint a = 0; a < k; a++)
          {
            r[a] += g[a] * v;
            for (guint b = a; b < k; b++)
              m[a * k + b] += g[a] * g[b];
          }
      }
  for (guint a = 0; a < k; a++)
    for (guint b = 0; b < a; b++)
      m[a * k + b] = m[b * k + a];
  return solve (m, r, k) ? r[0] : NAN;
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
