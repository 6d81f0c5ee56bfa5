/* test-atoms.c: AlAtoms growth, removal and copies. */
#include "al-atoms.h"

static void
test_append_grows (void)
{
  g_autoptr (AlAtoms) atoms = al_atoms_new (0);

  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (al_atoms_append (atoms, i, 2.0 * i, i % 3), ==, i);
  g_assert_cmpuint (atoms->n_atoms, ==, 1000);
  g_assert_cmpfloat (atoms->y[999], ==, 1998.0);
  g_assert_cmpint (atoms->species[998], ==, 2);
  g_assert_cmpint (atoms->defect_id[500], ==, -1);
  g_assert_cmpuint (atoms->flags[0], ==, AL_ATOM_FOUND);
}

static void
test_remove_keeps_order (void)
{
  g_autoptr (AlAtoms) atoms = al_atoms_new (4);

  for (guint i = 0; i < 5; i++)
    al_atoms_append (atoms, i, 0, 0);
  al_atoms_remove (atoms, 1);
  g_assert_cmpuint (atoms->n_atoms, ==, 4);
  g_assert_cmpfloat (atoms->x[0], ==, 0.0);
  g_assert_cmpfloat (atoms->x[1], ==, 2.0);
  g_assert_cmpfloat (atoms->x[3], ==, 4.0);
  al_atoms_remove (atoms, 3);
  g_assert_cmpuint (atoms->n_atoms, ==, 3);
}

static void
test_copy_is_deep (void)
{
  g_autoptr (AlAtoms) atoms = al_atoms_new (2);
  g_autoptr (AlAtoms) copy = NULL;

  al_atoms_append (atoms, 1.25, 2.5, 1);
  atoms->confidence[0] = 0.5f;
  copy = al_atoms_copy (atoms);
  atoms->x[0] = 99.0;
  g_assert_cmpfloat (copy->x[0], ==, 1.25);
  g_assert_cmpfloat (copy->confidence[0], ==, 0.5f);
  g_assert_cmpint (copy->species[0], ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/atoms/append-grows", test_append_grows);
  g_test_add_func ("/core/atoms/remove-keeps-order", test_remove_keeps_order);
  g_test_add_func ("/core/atoms/copy-is-deep", test_copy_is_deep);
  return g_test_run ();
}
