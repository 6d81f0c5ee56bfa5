/* test-site-classify.c: TMD point defects read from the image at every
 * lattice site, on a simulated MoS2 image whose truth atoms are spoilt the
 * way low-dose detection spoils them: chalcogen columns missed, single-S
 * columns and Mo on chalcogen sites labelled S2, positions off by a few
 * pm. The image must put each defect right; the atoms alone cannot. */
#include <math.h>

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

typedef struct
{
  guint truth, found, matched;
} Tally;

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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/defects/site-classify", test_image_decides);
  g_test_add_func ("/core/defects/site-classify-ws2", test_heavy_metal_neighbours);
  return g_test_run ();
}
