/* test-site-classify.c: TMD point defects read from the image at every
 * lattice site, on a simulated MoS2 image whose truth atoms are spoilt the
 * way low-dose detection spoils them: chalcogen columns missed, single-S
 * columns and Mo on chalcogen sites labelled S2, positions off by a few
 * pm. The image must put each defect right; the atoms alone cannot. */
#include <math.h>
#include <stdlib.h>

#include "defects/al-structure.h"
#include "simulate/al-simulate.h"

#define SIZE 384
#define SEED 7
/* Share of host chalcogen columns the "detection" misses. */
#define MISSED_FRACTION 0.1
#define JITTER_PX 0.3
/* Precision and recall in WS2 at 10⁴ e⁻/Å²: metal sites, and V_S2
 * (empty and S2 about 3.5 standard deviations apart at this dose). */
#define WS2_METAL_BAR 0.95
#define WS2_V_S2_BAR 0.75
/* How far detection pulls each metal neighbour of a chalcogen column it
 * missed towards it (fitted without that column: measured 0.24–0.29 px
 * of triangle size at 10⁴ e⁻/Å², MoS2 1024²), and the most single-S
 * calls a crystal without any may get per 1000 chalcogen sites. */
#define PULL_PX 0.25
#define PULL_RADIUS_NN 1.2
/* Share of the chalcogen columns detection misses at 10⁴ e⁻/Å² (the
 * dimmest: measured 1.8 %), and the disc they are read over (px). */
#define DIM_MISSED_FRACTION 0.03
#define DIM_RADIUS_PX 2.0
#define FALSE_V_S_PER_1000 4.0

typedef struct
{
  guint truth, found, matched;
} Tally;

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static AlSimResult *
simulate (AlMaterialId id,
          double       dose,
          const char  *defects)
{
  const AlMaterial *m = al_material_get (id);
  g_autoptr (GError) error = NULL;
  AlSimParams p;
  AlSimResult *r;

  al_sim_params_init (&p, m);
  p.width = p.height = SIZE;
  p.seed = SEED;
  p.rotation_deg = 17.0;
  if (dose > 0.0)
    p.dose = dose;
  g_assert_true (al_sim_defect_spec_parse (&p.defects, m, defects, &error));
  r = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return r;
}

/* The truth atoms as a detection at low dose would hand them over. */
static AlAtoms *
spoil (const AlAtoms    *truth,
       const AlMaterial *m,
       GArray           *missed_xy)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  AlAtoms *atoms = al_atoms_new (truth->n_atoms);
  int s2 = m->site_species[1], s1 = al_material_species_index (m, "S");

  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int species = truth->species[i];
      guint k;
      if (species == s2 && truth->defect_type[i] == AL_DEFECT_NONE
          && g_rand_double (rand) < MISSED_FRACTION)
        {
          g_array_append_val (missed_xy, truth->x[i]);
          g_array_append_val (missed_xy, truth->y[i]);
          continue;
        }
      if (species == s1 || truth->defect_type[i] == AL_DEFECT_MO_S2)
        species = s2;
      k = al_atoms_append (atoms, truth->x[i] + g_rand_double_range (rand, -JITTER_PX, JITTER_PX),
                           truth->y[i] + g_rand_double_range (rand, -JITTER_PX, JITTER_PX), species);
      atoms->width[k] = truth->width[i];
    }
  return atoms;
}

static AlStructure *
analyse (AlAtoms           *atoms,
         const AlSimResult *r,
         gboolean           with_image)
{
  AlStructureParams sp = { { 0 }, { 0 }, SIZE, SIZE, NULL };
  g_autoptr (GError) error = NULL;
  AlStructure *s;

  if (with_image)
    sp.frame = al_image_frame_const (r->image, 0);
  s = al_structure_analyze (atoms, r->params.material, r->params.pixel_size_nm, 0, &sp, NULL, NULL, &error);
  g_assert_no_error (error);
  return s;
}

/* Precision/recall per point type, matched within a bond length. */
static void
tally (const AlSimResult *r,
       const AlStructure *s,
       double             nn_px,
       Tally             *t)
{
  guint n_found = al_defects_len (s->defects);
  g_autofree guint8 *used = g_new0 (guint8, n_found + 1);

  for (guint k = 0; k < n_found; k++)
    if (al_defect_type_is_point (al_defects_get (s->defects, k)->type))
      t[al_defects_get (s->defects, k)->type].found++;
  for (guint q = 0; q < r->defects->len; q++)
    {
      const AlSimDefect *d = r->defects->pdata[q];
      int best = -1;
      double best_d = nn_px;
      if (!al_defect_type_is_point (d->type))
        continue;
      t[d->type].truth++;
      for (guint k = 0; k < n_found; k++)
        {
          const AlDefect *f = al_defects_get (s->defects, k);
          double dd = hypot (f->x - d->x_px, f->y - d->y_px);
          if (!used[k] && f->type == d->type && dd < best_d)
            {
              best_d = dd;
              best = (int) k;
            }
        }
      if (best >= 0)
        {
          used[best] = 1;
          t[d->type].matched++;
        }
    }
}

static guint
vacancies_at (const AlStructure *s,
              const GArray      *xy,
              double             radius)
{
  guint n = 0;

  for (guint k = 0; k < al_defects_len (s->defects); k++)
    {
      const AlDefect *d = al_defects_get (s->defects, k);
      if (d->type != AL_DEFECT_V_S2)
        continue;
      for (guint q = 0; q < xy->len / 2; q++)
        if (hypot (d->x - g_array_index (xy, double, 2 * q), d->y - g_array_index (xy, double, 2 * q + 1)) < radius)
          {
            n++;
            break;
          }
    }
  return n;
}

static void
report (const Tally *t,
        const AlDefectType *types,
        guint n)
{
  for (guint k = 0; k < n; k++)
    {
      const Tally *x = &t[types[k]];
      double p = x->found ? (double) x->matched / x->found : 0.0, rc = x->truth ? (double) x->matched / x->truth : 0.0;
      g_test_message ("%-6s truth %3u found %3u precision %.3f recall %.3f", al_defect_type_name (types[k]),
                      x->truth, x->found, p, rc);
    }
}

static void
test_image_decides (void)
{
  g_autoptr (AlSimResult) r = simulate (AL_MATERIAL_MOS2, 0.0, "V_S=0.03,V_S2=0.02,Mo_S2=0.01,W_Mo=0.02,V_Mo=0.02");
  const AlMaterial *m = r->params.material;
  double nn_px = al_material_neighbour_nm (m) / r->params.pixel_size_nm;
  g_autoptr (GArray) missed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (AlAtoms) atoms = spoil (r->atoms->pdata[0], m, missed);
  g_autoptr (AlAtoms) blind_atoms = al_atoms_copy (atoms);
  g_autoptr (AlStructure) s = analyse (atoms, r, TRUE);
  g_autoptr (AlStructure) blind = analyse (blind_atoms, r, FALSE);
  Tally t[AL_N_DEFECT_TYPES] = { { 0 } };
  AlDefectType types[] = { AL_DEFECT_V_S, AL_DEFECT_V_S2, AL_DEFECT_V_MO, AL_DEFECT_MO_S2, AL_DEFECT_W_MO };
  guint blind_missed = vacancies_at (blind, missed, 0.5 * nn_px);

  tally (r, s, nn_px, t);
  g_test_message ("%u chalcogen columns missed: V_S2 at %u of them from the atoms alone, at %u with the image",
                  missed->len / 2, blind_missed, vacancies_at (s, missed, 0.5 * nn_px));
  /* Without the image the missed columns are vacancies: the test is a
   * real one. With it they are not. */
  g_assert_cmpuint (blind_missed, >, missed->len / 8);
  g_assert_cmpuint (vacancies_at (s, missed, 0.5 * nn_px), <=, 2);
  report (t, types, G_N_ELEMENTS (types));
  for (guint k = 0; k < G_N_ELEMENTS (types); k++)
    {
      const Tally *x = &t[types[k]];
      /* A single S against S2 is the closest call (5 sigma apart at this
       * dose, the S2 column the noisier; its neighbours' inward relaxation
       * helps): the bar is lower for it. */
      double bar = types[k] == AL_DEFECT_V_S ? 0.9 : 0.95;
      g_assert_cmpuint (x->truth, >=, 10);
      g_assert_cmpfloat ((double) x->matched, >=, bar * x->found);
      g_assert_cmpfloat ((double) x->matched, >=, bar * x->truth);
    }
}

/* WS2 at 10⁴ e⁻/Å²: an S2 site sits on the flanks of three W columns,
 * each five times brighter than it. Read above a fixed background, an
 * empty site there showed half an S2 column plus the W columns' counting
 * noise, and V_S2 recall was 0.1–0.2; fitted with its neighbours, the
 * site reads empty. (No V_S here: a single S, halfway between, is
 * counting-noise limited at this dose and would blur what is tested.) */
static void
test_heavy_metal_neighbours (void)
{
  g_autoptr (AlSimResult) r = simulate (AL_MATERIAL_WS2, 1e4, "V_S2=0.02,V_Mo=0.01,W_Mo=0.01");
  const AlMaterial *m = r->params.material;
  double nn_px = al_material_neighbour_nm (m) / r->params.pixel_size_nm;
  g_autoptr (GArray) missed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (AlAtoms) atoms = spoil (r->atoms->pdata[0], m, missed);
  g_autoptr (AlStructure) s = analyse (atoms, r, TRUE);
  Tally t[AL_N_DEFECT_TYPES] = { { 0 } };
  AlDefectType types[] = { AL_DEFECT_V_S2, AL_DEFECT_V_MO, AL_DEFECT_W_MO };

  tally (r, s, nn_px, t);
  report (t, types, G_N_ELEMENTS (types));
  for (guint k = 0; k < G_N_ELEMENTS (types); k++)
    {
      const Tally *x = &t[types[k]];
      double bar = types[k] == AL_DEFECT_V_S2 ? WS2_V_S2_BAR : WS2_METAL_BAR;
      g_assert_cmpuint (x->truth, >=, 10);
      g_assert_cmpfloat ((double) x->matched, >=, bar * x->found);
      g_assert_cmpfloat ((double) x->matched, >=, bar * x->truth);
    }
}

static double
disc_sum (const AlSimResult *r,
          double             x,
          double             y)
{
  const float *f = al_image_frame_const (r->image, 0);
  guint w = r->image->width, h = r->image->height;
  double sum = 0.0;

  for (long yy = lround (y - DIM_RADIUS_PX); yy <= lround (y + DIM_RADIUS_PX); yy++)
    for (long xx = lround (x - DIM_RADIUS_PX); xx <= lround (x + DIM_RADIUS_PX); xx++)
      if (xx >= 0 && yy >= 0 && xx < (long) w && yy < (long) h
          && hypot (xx - x, yy - y) <= DIM_RADIUS_PX)
        sum += f[yy * w + xx];
  return sum;
}

/* The truth atoms, less the chalcogen columns that read dimmest in the
 * image (their positions to missed), as detection at low dose misses
 * them. */
static AlAtoms *
miss_dimmest (const AlSimResult *r,
              GArray            *missed)
{
  const AlAtoms *truth = r->atoms->pdata[0];
  int s2 = r->params.material->site_species[1];
  g_autofree double *v = g_new (double, truth->n_atoms + 1);
  g_autofree double *sorted = NULL;
  AlAtoms *atoms = al_atoms_new (truth->n_atoms);
  g_autoptr (GRand) rand = g_rand_new_with_seed (SEED);
  guint n = 0;
  double cut;

  for (guint i = 0; i < truth->n_atoms; i++)
    if (truth->species[i] == s2)
      v[n++] = disc_sum (r, truth->x[i], truth->y[i]);
  sorted = g_memdup2 (v, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  cut = sorted[(guint) (DIM_MISSED_FRACTION * n)];
  n = 0;
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      guint k;
      if (truth->species[i] == s2 && v[n++] < cut)
        {
          g_array_append_val (missed, truth->x[i]);
          g_array_append_val (missed, truth->y[i]);
          continue;
        }
      k = al_atoms_append (atoms, truth->x[i] + g_rand_double_range (rand, -JITTER_PX, JITTER_PX),
                           truth->y[i] + g_rand_double_range (rand, -JITTER_PX, JITTER_PX), truth->species[i]);
      atoms->width[k] = truth->width[i];
    }
  return atoms;
}

/* The missed columns' metal neighbours, moved towards them as detection's
 * fit, blind to the missed column, moves them. */
static void
pull_neighbours (AlAtoms      *atoms,
                 const GArray *missed,
                 int           metal,
                 double        nn_px)
{
  for (guint q = 0; q < missed->len / 2; q++)
    {
      double mx = g_array_index (missed, double, 2 * q), my = g_array_index (missed, double, 2 * q + 1);
      for (guint i = 0; i < atoms->n_atoms; i++)
        {
          double dx = mx - atoms->x[i], dy = my - atoms->y[i], d = hypot (dx, dy);
          if (atoms->species[i] != metal || d > PULL_RADIUS_NN * nn_px || d <= 0.0)
            continue;
          atoms->x[i] += PULL_PX * dx / d;
          atoms->y[i] += PULL_PX * dy / d;
        }
    }
}

/* A crystal with no chalcogen vacancy, whose "detection" missed the
 * dimmest chalcogen columns and fitted their neighbours without them: the
 * neighbours then sit inwards, as they would around a vacancy, and were
 * read as one (about 16 false V_S per 1000 sites in simulated 1024²
 * images, where only 1.8 % of the columns are missed). A site without a
 * found column expects that pull, in proportion to what it holds. */
static void
test_missed_column_pull (void)
{
  g_autoptr (AlSimResult) r = simulate (AL_MATERIAL_MOS2, 1e4, "W_Mo=0.01");
  const AlMaterial *m = r->params.material;
  double nn_px = al_material_neighbour_nm (m) / r->params.pixel_size_nm;
  g_autoptr (GArray) missed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (AlAtoms) atoms = miss_dimmest (r, missed);
  g_autoptr (AlStructure) s = NULL;
  Tally t[AL_N_DEFECT_TYPES] = { { 0 } };
  guint n_chalcogen = 0;
  const AlAtoms *truth = r->atoms->pdata[0];

  pull_neighbours (atoms, missed, m->site_species[0], nn_px);
  s = analyse (atoms, r, TRUE);
  tally (r, s, nn_px, t);
  for (guint i = 0; i < truth->n_atoms; i++)
    n_chalcogen += truth->species[i] == m->site_species[1];
  g_test_message ("%u chalcogen sites, %u missed: %u called V_S, %u V_S2", n_chalcogen, missed->len / 2,
                  t[AL_DEFECT_V_S].found, t[AL_DEFECT_V_S2].found);
  g_assert_cmpuint (n_chalcogen, >, 1000);
  g_assert_cmpuint (t[AL_DEFECT_V_S].truth, ==, 0);
  g_assert_cmpfloat (t[AL_DEFECT_V_S].found, <=, FALSE_V_S_PER_1000 * n_chalcogen / 1000.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/defects/site-classify", test_image_decides);
  g_test_add_func ("/core/defects/site-classify-ws2", test_heavy_metal_neighbours);
  g_test_add_func ("/core/defects/site-classify-missed-column", test_missed_column_pull);
  return g_test_run ();
}
