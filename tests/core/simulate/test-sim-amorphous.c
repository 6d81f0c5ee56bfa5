/* test-sim-amorphous.c: the simulator's amorphous patches are the material
 * made disordered: no lattice inside, atoms of the material at about the
 * crystal's density with a minimum spacing, listed in the truth. */
#include <math.h>

#include "al-test.h"
#include "al-test-sim.h"
#include "simulate/al-simulate.h"

#define SIZE_PX 512u
#define N_SEEDS 8u
/* The patches' minimum spacing (al-sim-amorphous.c), in neighbour distances. */
#define MIN_SPACING_NN 0.6

/* Lattice columns next to a point defect relax after the patch is built
 * (al-sim-point.c), by up to a fifth of the spacing here. */
#define LATTICE_RELAX_SHARE 0.8

/* Every amorphous atom keeps the spacing from every other atom (less the
 * relaxation for lattice columns). */
static void
assert_spacing (const AlAtoms *atoms,
                double         spacing_px)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      if (atoms->defect_type[i] != AL_DEFECT_AMORPHOUS)
        continue;
      for (guint j = 0; j < atoms->n_atoms; j++)
        {
          double d = hypot (atoms->x[i] - atoms->x[j], atoms->y[i] - atoms->y[j]);
          double least = atoms->defect_type[j] == AL_DEFECT_AMORPHOUS ? spacing_px
                                                                     : LATTICE_RELAX_SHARE * spacing_px;
          if (j != i && d < least)
            g_error ("atoms %u and %u (%s) are %.2f px apart, closer than %.2f px", i, j,
                     al_defect_type_name (atoms->defect_type[j]), d, least);
        }
    }
}

/* A patch wholly in the image: the lattice is gone inside it, the atoms
 * fill it at 0.8–1.0 of the crystal's density in the crystal's
 * metal:chalcogen ratio. Returns FALSE when the patch reaches the border. */
static gboolean
check_patch (const AlSimResult *r)
{
  const AlAtoms *atoms = r->atoms->pdata[0];
  const AlMaterial *m = r->params.material;
  double px = r->params.pixel_size_nm, cx = 0, cy = 0, radius = 0, density, crystal;
  guint n = 0, n_metal = 0;

  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->defect_type[i] == AL_DEFECT_AMORPHOUS)
      {
        if (atoms->x[i] < 3 || atoms->y[i] < 3 || atoms->x[i] > SIZE_PX - 4 || atoms->y[i] > SIZE_PX - 4)
          return FALSE;
        cx += atoms->x[i];
        cy += atoms->y[i];
        n++;
        n_metal += atoms->species[i] == m->site_species[0];
        g_assert_cmpint (atoms->species[i], !=, m->site_species[1]);   /* no S2 columns */
      }
  g_assert_cmpuint (n, >, 50);
  cx /= n;
  cy /= n;
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->defect_type[i] == AL_DEFECT_AMORPHOUS)
      radius = MAX (radius, hypot (atoms->x[i] - cx, atoms->y[i] - cy));
  for (guint i = 0; i < atoms->n_atoms; i++)
    if (atoms->defect_type[i] != AL_DEFECT_AMORPHOUS)
      g_assert_cmpfloat (hypot (atoms->x[i] - cx, atoms->y[i] - cy), >, radius - 2.0 * al_material_neighbour_nm (m) / px);
  /* Atoms per nm²: a Mo column and an S2 column (three atoms) per cell. */
  crystal = 3.0 / (0.5 * sqrt (3.0) * m->a_nm * m->a_nm);
  density = n / (G_PI * radius * radius * px * px);
  g_test_message ("patch of %u atoms, radius %.2f nm: %.1f atoms/nm² (crystal %.1f), metal share %.2f",
                  n, radius * px, density, crystal, (double) n_metal / n);
  g_assert_cmpfloat (density, >, 0.8 * crystal);
  g_assert_cmpfloat (density, <, 1.0 * crystal);
  g_assert_cmpfloat ((double) n_metal / n, >, 0.25);
  g_assert_cmpfloat ((double) n_metal / n, <, 0.42);
  return TRUE;
}

static void
test_amorphous_tmd (void)
{
  guint n_inside = 0;

  for (guint64 seed = 1; seed <= N_SEEDS; seed++)
    {
      g_autoptr (AlSimResult) r = al_test_simulate ("mos2", SIZE_PX, 1, "V_S=0.02,amorphous=1",
                                                      NULL, seed);
      const AlMaterial *m = r->params.material;
      guint n_defects = 0;

      assert_spacing (r->atoms->pdata[0],
                      0.99 * MIN_SPACING_NN * al_material_neighbour_nm (m) / r->params.pixel_size_nm);
      for (guint q = 0; q < r->defects->len; q++)
        n_defects += ((AlSimDefect *) r->defects->pdata[q])->type == AL_DEFECT_AMORPHOUS;
      g_assert_cmpuint (n_defects, ==, 1);
      n_inside += check_patch (r);
    }
  g_test_message ("%u of %u patches wholly inside", n_inside, N_SEEDS);
  g_assert_cmpuint (n_inside, >=, 2);
}

/* Graphene: the patch is disordered carbon at the spacing too. */
static void
test_amorphous_graphene (void)
{
  g_autoptr (AlSimResult) r = al_test_simulate ("graphene", SIZE_PX, 1, "amorphous=1", NULL, 3);
  const AlAtoms *atoms = r->atoms->pdata[0];
  guint n = 0;

  for (guint i = 0; i < atoms->n_atoms; i++)
    n += atoms->defect_type[i] == AL_DEFECT_AMORPHOUS;
  g_assert_cmpuint (n, >, 50);
  assert_spacing (atoms, 0.99 * MIN_SPACING_NN * al_material_neighbour_nm (r->params.material)
                           / r->params.pixel_size_nm);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/simulate/amorphous-tmd", test_amorphous_tmd);
  g_test_add_func ("/core/simulate/amorphous-graphene", test_amorphous_graphene);
  return g_test_run ();
}
