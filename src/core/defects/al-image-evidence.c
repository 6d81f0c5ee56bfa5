/* al-image-evidence.c: vacancy and antisite checks on the image. */
#include "defects/al-image-evidence.h"

#include <math.h>

#include "graph/al-select.h"

/* Disc over which a column's intensity is averaged, in d. */
#define AL_EVIDENCE_DISC_NN 0.3
/* Above this fraction of its neighbours' intensity a site holds a column
 * the detection missed. (A single S left of two reads as about 1/2; at
 * 10⁴ e⁻/Å² the noise on one site's mean is too large to name V_S from it,
 * so a half-bright site stays a vacancy of the column.) */
#define AL_EVIDENCE_PRESENT 0.6

static double
disc_mean (const float *frame,
           guint        w,
           guint        h,
           double       x,
           double       y,
           double       r)
{
  double s = 0.0;
  guint n = 0;

  for (long yy = (long) floor (y - r); yy <= (long) ceil (y + r); yy++)
    for (long xx = (long) floor (x - r); xx <= (long) ceil (x + r); xx++)
      if (xx >= 0 && yy >= 0 && xx < (long) w && yy < (long) h
          && (xx - x) * (xx - x) + (yy - y) * (yy - y) <= r * r)
        {
          s += frame[(gsize) yy * w + xx];
          n++;
        }
  return n ? s / n : NAN;
}

typedef struct
{
  const AlAtoms    *atoms;
  const AlMaterial *m;
  double            lo2, hi2, cx, cy;
  gboolean          want_metal;
  GArray           *pos;
} Shell;

static gboolean
shell_visit (guint    j,
             double   d2,
             gpointer user_data)
{
  Shell *s = user_data;

  if (d2 >= s->lo2 && d2 <= s->hi2 && al_species_is_metal (s->m, s->atoms->species[j]) == s->want_metal)
    {
      g_array_append_val (s->pos, s->atoms->x[j]);
      g_array_append_val (s->pos, s->atoms->y[j]);
    }
  return TRUE;
}

/* Median intensity of the columns of one kind between radii lo and hi. */
static double
shell_intensity (const AlAtoms    *atoms,
                 const AlBonds    *bonds,
                 const AlMaterial *m,
                 const float      *frame,
                 guint             w,
                 guint             h,
                 double            x,
                 double            y,
                 double            lo,
                 double            hi,
                 gboolean          metal)
{
  g_autoptr (GArray) pos = g_array_new (FALSE, FALSE, sizeof (double));
  Shell s = { atoms, m, lo * lo, hi * hi, x, y, metal, pos };
  g_autofree double *v = NULL;
  guint n;

  al_cell_grid_query (bonds->grid, x, y, hi, shell_visit, &s);
  n = pos->len / 2;
  if (n == 0)
    return NAN;
  v = g_new (double, n);
  for (guint k = 0; k < n; k++)
    v[k] = disc_mean (frame, w, h, g_array_index (pos, double, 2 * k), g_array_index (pos, double, 2 * k + 1),
                      MAX (1.0, AL_EVIDENCE_DISC_NN * bonds->nn_px));
  return al_select_median (v, n);
}

/* Mean intensity at the hexagon centres around a site (between each two of
 * its bonds, one bond length away): empty positions that see the same
 * neighbouring columns' tails as an empty site would. */
static double
hollow_intensity (const AlAtoms   *atoms,
                  const AlDefects *defects,
                  const AlDefect  *d,
                  const float     *frame,
                  guint            w,
                  guint            h,
                  double           nn,
                  double           r)
{
  const guint32 *mem = al_defect_members (defects, d);
  double s = 0.0;
  guint n = 0;

  for (guint i = 0; i < d->n_members; i++)
    for (guint j = i + 1; j < d->n_members; j++)
      {
        double ux = atoms->x[mem[i]] - d->x, uy = atoms->y[mem[i]] - d->y;
        double vx = atoms->x[mem[j]] - d->x, vy = atoms->y[mem[j]] - d->y;
        double lu = hypot (ux, uy), lv = hypot (vx, vy), bx, by, lb, v;
        if (lu <= 0 || lv <= 0)
          continue;
        bx = ux / lu + vx / lv;
        by = uy / lu + vy / lv;
        lb = hypot (bx, by);
        if (lb < 1e-6)
          continue;
        v = disc_mean (frame, w, h, d->x + nn * bx / lb, d->y + nn * by / lb, r);
        if (isfinite (v))
          {
            s += v;
            n++;
          }
      }
  return n ? s / n : NAN;
}

void
al_image_evidence_check (AlDefects        *defects,
                         const AlAtoms    *atoms,
                         const AlBonds    *bonds,
                         const AlMaterial *m,
                         const float      *frame,
                         guint             w,
                         guint             h)
{
  double nn = bonds->nn_px, a = sqrt (3.0) * nn, r = MAX (1.0, AL_EVIDENCE_DISC_NN * nn);
  guint keep = 0;

  if (frame == NULL || m == NULL || !m->is_tmd || nn <= 0.0)
    return;
  for (guint k = 0; k < al_defects_len (defects); k++)
    {
      AlDefect d = *al_defects_get (defects, k);
      gboolean drop = FALSE;
      if (d.type == AL_DEFECT_V_S2 || d.type == AL_DEFECT_V_MO)
        {
          gboolean metal_site = d.type == AL_DEFECT_V_MO;
          double col = shell_intensity (atoms, bonds, m, frame, w, h, d.x, d.y, 0.8 * a, 1.2 * a, metal_site);
          double bg = hollow_intensity (atoms, defects, al_defects_get (defects, k), frame, w, h, nn, r);
          double site = disc_mean (frame, w, h, d.x, d.y, r);
          double ratio = (site - bg) / (col - bg);
          if (isfinite (ratio) && col > bg)
            {
              if (ratio > AL_EVIDENCE_PRESENT)
                drop = TRUE;
            }
        }
      else if (d.type == AL_DEFECT_MO_S2 && d.n_members == 1)
        {
          guint32 i = al_defect_members (defects, al_defects_get (defects, k))[0];
          double chal = shell_intensity (atoms, bonds, m, frame, w, h, atoms->x[i], atoms->y[i], 0.8 * a, 1.2 * a, FALSE);
          double metal = shell_intensity (atoms, bonds, m, frame, w, h, atoms->x[i], atoms->y[i], 0.5 * nn, 1.3 * nn, TRUE);
          double self = disc_mean (frame, w, h, atoms->x[i], atoms->y[i], r);
          if (isfinite (chal) && isfinite (metal) && self < 0.5 * (chal + metal))
            drop = TRUE;
        }
      if (!drop)
        {
          d.id = keep;
          *al_defects_get (defects, keep++) = d;
        }
    }
  g_array_set_size (defects->defects, keep);
}
