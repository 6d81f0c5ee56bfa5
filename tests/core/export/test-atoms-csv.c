/* test-atoms-csv.c: atoms.csv written and read back; bad tables rejected. */
#include <glib/gstdio.h>

#include "al-test.h"
#include "export/al-atoms-csv.h"
#include "io/al-io.h"

static void
test_round_trip (void)
{
  const AlMaterial *mos2 = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (AlAtoms) f0 = al_atoms_new (0);
  g_autoptr (AlAtoms) f1 = al_atoms_new (0);
  AlAtoms *frames[2] = { f0, f1 };
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *path = g_build_filename (dir, "atoms.csv", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) back = NULL;
  AlAtoms *b1;

  al_atoms_append (f0, 10.125, 20.5, 0);
  al_atoms_append (f1, 1.5, 2.25, 2);
  al_atoms_append (f1, 3.0, 4.0, 1);
  f1->defect_type[0] = AL_DEFECT_V_S;
  f1->defect_id[0] = 7;
  g_assert_true (al_atoms_csv_write (path, frames, 2, mos2, 0.02, AL_ATOMS_CSV_TRUE_DEFECT_TYPE, &error));
  g_assert_no_error (error);

  back = al_atoms_csv_read (path, mos2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 2);
  b1 = g_ptr_array_index (back, 1);
  g_assert_cmpuint (b1->n_atoms, ==, 2);
  g_assert_cmpfloat_with_epsilon (b1->x[0], 1.5, 1e-9);
  g_assert_cmpfloat_with_epsilon (b1->y[0], 2.25, 1e-9);
  g_assert_cmpint (b1->species[0], ==, 2);
  g_assert_cmpint (b1->defect_id[0], ==, 7);
  g_assert_cmpint (b1->defect_type[0], ==, AL_DEFECT_V_S);
  g_assert_cmpint (b1->defect_type[1], ==, AL_DEFECT_NONE);
  al_test_rmdir (dir);
}

static void
test_header_line (void)
{
  g_autoptr (AlAtoms) atoms = al_atoms_new (0);
  AlAtoms *frames[1] = { atoms };
  g_autofree char *text = NULL;

  al_atoms_append (atoms, 1, 2, 0);
  text = al_atoms_csv_format (frames, 1, al_material_get (AL_MATERIAL_GRAPHENE), 0.01, 0);
  g_assert_true (g_str_has_prefix (text, "id,frame,x_px,y_px,x_nm,y_nm,species,confidence,"
                                         "intensity,coordination,defect_id\n0,0,1.0000,2.0000,"
                                         "0.01000,0.02000,C,"));
}

static void
test_bad_tables (void)
{
  const AlMaterial *mos2 = al_material_get (AL_MATERIAL_MOS2);
  const char *bad[] = {
    "",
    "a,b,c\n1,2,3\n",
    "x_px,y_px\n1.0,banana\n",
    "x_px,y_px,frame\n1,2,99999999999\n",
    "x_px,y_px,frame\n1,2,-1\n",
    "x_px,y_px\n1\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      GPtrArray *frames = al_atoms_csv_parse (bad[i], mos2, &error);
      g_assert_null (frames);
      g_assert_true (error->domain == AL_IO_ERROR);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/export/atoms-csv/round-trip", test_round_trip);
  g_test_add_func ("/core/export/atoms-csv/header-line", test_header_line);
  g_test_add_func ("/core/export/atoms-csv/bad-tables", test_bad_tables);
  return g_test_run ();
}
