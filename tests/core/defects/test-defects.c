/* test-defects.c: every defect type of DESIGN.md §5 on hand-built lattices,
 * and none on a perfect one. */
#include <math.h>

#include "al-test-lattice.h"
#include "defects/al-structure.h"

#define A_PX 20.0
#define SIDE 400.0
#define CX 200.0
#define CY 200.0
/* 3 pm of position error at 0.0123 nm/px (graphene a = 0.246 nm = 20 px). */
#define JITTER_PX 0.25

static AlStructure *
analyse (AlAtoms         *atoms,
         AlMaterialId     material)
{
  AlStructureParams params = { { 0 }, { 0 }, (guint) SIDE, (guint) SIDE };
  const AlMaterial *m = al_material_get (material);
  g_autoptr (GError) error = NULL;
  AlStructure *s = al_structure_analyze (atoms, m, m->a_nm / A_PX, 0, &params, NULL, NULL, &error);

  g_assert_no_error (error);
  return s;
}

/* Exactly one defect of `type` near (x, y) and no other defect. */
static void
assert_only (const AlStructure *s,
             AlDefectType       type,
             double             x,
             double             y)
{
  guint n = al_defects_len (s->defects);

  for (guint k = 0; k < n; k++)
    {
      const AlDefect *d = al_defects_get (s->defects, k);
      g_test_message ("found %s at %.1f %.1f (%u atoms)", al_defect_type_name (d->type), d->x, d->y, d->n_members);
    }
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (al_defect_type_name (al_defects_get (s->defects, 0)->type), ==, al_defect_type_name (type));
  g_assert_cmpfloat (hypot (al_defects_get (s->defects, 0)->x - x, al_defects_get (s->defects, 0)->y - y), <, A_PX);
}

static void
remove_atom (AlAtoms *atoms,
             guint    index)
{
  al_atoms_remove (atoms, index);
}

static void
test_perfect_has_no_defects (void)
{
  for (AlMaterialId m = AL_MATERIAL_GRAPHENE; m < AL_N_MATERIALS; m++)
    {
      const AlMaterial *mat = al_material_get (m);
      AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.1, mat->site_species[0], mat->site_species[1]);
      g_autoptr (AlStructure) s = NULL;
      al_test_jitter (atoms, JITTER_PX, 3);
      s = analyse (atoms, m);
      g_assert_cmpuint (al_defects_len (s->defects), ==, 0);
      for (guint i = 0; i < atoms->n_atoms; i++)
        g_assert_cmpint (atoms->defect_id[i], ==, -1);
      g_assert_cmpfloat (s->phases->area_px2[AL_PHASE_2H], >, 0.9 * SIDE * SIDE);
      al_atoms_free (atoms);
    }
}

static void
test_graphene_v1 (void)
{
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.0, 0, 0);
  guint c = al_test_nearest (atoms, CX, CY);
  double x = atoms->x[c], y = atoms->y[c];
  g_autoptr (AlStructure) s = NULL;

  remove_atom (atoms, c);
  al_test_jitter (atoms, JITTER_PX, 4);
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  assert_only (s, AL_DEFECT_V1, x, y);
  g_assert_cmpuint (al_defects_get (s->defects, 0)->n_members, >=, 3);
  al_atoms_free (atoms);
}

static void
test_graphene_v2 (void)
{
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.0, 0, 0);
  guint c = al_test_nearest (atoms, CX, CY), c2;
  double x = atoms->x[c], y = atoms->y[c];
  g_autoptr (AlStructure) s = NULL;

  remove_atom (atoms, c);
  c2 = al_test_nearest (atoms, x, y);
  x = 0.5 * (x + atoms->x[c2]);
  y = 0.5 * (y + atoms->y[c2]);
  remove_atom (atoms, c2);
  al_test_jitter (atoms, JITTER_PX, 5);
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  assert_only (s, AL_DEFECT_V2_585, x, y);
  al_atoms_free (atoms);
}

/* Stone–Wales: turn one bond by 90° about its centre: 55-77 rings. */
static void
test_graphene_stone_wales (void)
{
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.0, 0, 0);
  guint a = al_test_nearest (atoms, CX, CY), b;
  double mx, my;
  g_autoptr (AlStructure) s = NULL;

  atoms->x[a] += 1000;  /* hide it from the search for its neighbour */
  b = al_test_nearest (atoms, atoms->x[a] - 1000, atoms->y[a]);
  atoms->x[a] -= 1000;
  mx = 0.5 * (atoms->x[a] + atoms->x[b]);
  my = 0.5 * (atoms->y[a] + atoms->y[b]);
  for (guint k = 0; k < 2; k++)
    {
      guint i = k ? b : a;
      double dx = atoms->x[i] - mx, dy = atoms->y[i] - my;
      atoms->x[i] = mx - dy;
      atoms->y[i] = my + dx;
    }
  al_test_jitter (atoms, JITTER_PX, 6);
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  assert_only (s, AL_DEFECT_SW, mx, my);
  al_atoms_free (atoms);
}

/* Si on a carbon site with three bonds; Si in a divacancy with four. */
static void
test_graphene_silicon (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  int si = al_material_species_index (m, "Si");
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.0, 0, 0);
  guint c = al_test_nearest (atoms, CX, CY), c2;
  double x = atoms->x[c], y = atoms->y[c];
  AlStructure *s;

  atoms->species[c] = si;
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  assert_only (s, AL_DEFECT_SI_C3, x, y);
  g_assert_cmpint (atoms->coordination[c], ==, 3);
  g_assert_cmpint (atoms->defect_type[c], ==, AL_DEFECT_SI_C3);
  al_structure_free (s);

  /* Si_C4: take out the Si's neighbour too and put the Si between. */
  c2 = al_test_nearest (atoms, x + 1000, y) ;
  atoms->x[c] += 1000;
  c2 = al_test_nearest (atoms, x, y);
  atoms->x[c] -= 1000;
  atoms->x[c] = 0.5 * (x + atoms->x[c2]);
  atoms->y[c] = 0.5 * (y + atoms->y[c2]);
  x = atoms->x[c];
  y = atoms->y[c];
  remove_atom (atoms, c2);
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  assert_only (s, AL_DEFECT_SI_C4, x, y);
  g_assert_cmpint (atoms->coordination[al_test_nearest (atoms, x, y)], ==, 4);
  al_structure_free (s);
  al_atoms_free (atoms);
}

/* An edge dislocation made with the Volterra displacement field of an
 * isotropic solid (Hirth & Lothe): its core is a 5-7 pair. */
static void
test_graphene_dislocation (void)
{
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.0, 0, 0);
  double b = A_PX, nu = 0.17;
  /* Core at the centre of a hexagon. */
  double x0 = CX + 0.3, y0 = CY + 0.45;
  g_autoptr (AlStructure) s = NULL;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double x = atoms->x[i] - x0, y = atoms->y[i] - y0, r2 = x * x + y * y;
      double th = atan2 (y, x);
      atoms->x[i] += b / (2 * G_PI) * (th + x * y / (2 * (1 - nu) * r2));
      atoms->y[i] -= b / (2 * G_PI) * ((1 - 2 * nu) / (4 * (1 - nu)) * log (r2 / (A_PX * A_PX))
                                       + (x * x - y * y) / (4 * (1 - nu) * r2));
    }
  /* Merge columns the construction put on top of each other at the core. */
  for (guint i = 0; i < atoms->n_atoms; i++)
    for (guint j = atoms->n_atoms; j-- > i + 1;)
      if (hypot (atoms->x[i] - atoms->x[j], atoms->y[i] - atoms->y[j]) < 0.4 * A_PX / sqrt (3.0))
        al_atoms_remove (atoms, j);
  s = analyse (atoms, AL_MATERIAL_GRAPHENE);
  {
    guint n57 = al_defects_count_type (s->defects, AL_DEFECT_DISLOCATION_57);
    for (guint k = 0; k < al_defects_len (s->defects); k++)
      {
        const AlDefect *d = al_defects_get (s->defects, k);
        g_test_message ("found %s at %.1f %.1f", al_defect_type_name (d->type), d->x, d->y);
        if (d->type == AL_DEFECT_DISLOCATION_57)
          g_assert_cmpfloat (hypot (d->x - x0, d->y - y0), <, 2 * A_PX);
      }
    g_assert_cmpuint (n57, ==, 1);
  }
  al_atoms_free (atoms);
}

/* The TMD point defects: species and empty sites. */
static void
test_tmd_point_defects (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  int mo = al_material_species_index (m, "Mo"), s2 = al_material_species_index (m, "S2");
  int s1 = al_material_species_index (m, "S"), w = al_material_species_index (m, "W");
  struct { AlDefectType type; int sub; } cases[] = {
    { AL_DEFECT_V_S, 1 }, { AL_DEFECT_W_MO, 0 }, { AL_DEFECT_MO_S2, 1 },
    { AL_DEFECT_V_S2, 1 }, { AL_DEFECT_V_MO, 0 },
  };

  for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.25, mo, s2);
      guint c = G_MAXUINT;
      double best = INFINITY, x, y;
      g_autoptr (AlStructure) s = NULL;

      for (guint i = 0; i < atoms->n_atoms; i++)
        if ((atoms->species[i] == mo) == (cases[k].sub == 0)
            && hypot (atoms->x[i] - CX, atoms->y[i] - CY) < best)
          {
            best = hypot (atoms->x[i] - CX, atoms->y[i] - CY);
            c = i;
          }
      x = atoms->x[c];
      y = atoms->y[c];
      switch (cases[k].type)
        {
        case AL_DEFECT_V_S: atoms->species[c] = s1; break;
        case AL_DEFECT_W_MO: atoms->species[c] = w; break;
        case AL_DEFECT_MO_S2: atoms->species[c] = mo; break;
        default: remove_atom (atoms, c); break;
        }
      al_test_jitter (atoms, JITTER_PX, 10 + k);
      s = analyse (atoms, AL_MATERIAL_MOS2);
      assert_only (s, cases[k].type, x, y);
      al_atoms_free (atoms);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/defects/perfect", test_perfect_has_no_defects);
  g_test_add_func ("/core/defects/graphene-v1", test_graphene_v1);
  g_test_add_func ("/core/defects/graphene-v2", test_graphene_v2);
  g_test_add_func ("/core/defects/graphene-stone-wales", test_graphene_stone_wales);
  g_test_add_func ("/core/defects/graphene-silicon", test_graphene_silicon);
  g_test_add_func ("/core/defects/graphene-dislocation", test_graphene_dislocation);
  g_test_add_func ("/core/defects/tmd-point", test_tmd_point_defects);
  return g_test_run ();
}
