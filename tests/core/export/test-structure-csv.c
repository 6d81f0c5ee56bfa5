/* test-structure-csv.c: bonds.csv, defects.csv and strain.csv columns and
 * contents for two frames. */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "al-test-lattice.h"
#include "defects/al-structure.h"
#include "export/al-structure-csv.h"

#define A_PX 20.0

static void
test_tables (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_GRAPHENE);
  double px = m->a_nm / A_PX;
  g_autoptr (AlAtoms) f0 = al_test_honeycomb (200, 200, A_PX, 0.0, 0, 0);
  g_autoptr (AlAtoms) f1 = al_test_honeycomb (200, 200, A_PX, 0.0, 0, 0);
  g_autoptr (AlStructure) s0 = NULL;
  g_autoptr (AlStructure) s1 = NULL;
  AlStructureParams params = { { 0 }, { 0 }, 200, 200 };
  AlStructureFrame frames[2];
  g_autofree char *dir = al_test_mkdtemp ();
  g_autofree char *bonds_csv = NULL, *defects_csv = NULL, *strain_csv = NULL;
  g_autofree char *path = NULL;
  g_auto (GStrv) lines = NULL;
  g_auto (GStrv) cols = NULL;
  g_autoptr (GError) error = NULL;
  guint n0;

  al_atoms_remove (f1, al_test_nearest (f1, 100, 100));
  s0 = al_structure_analyze (f0, m, px, 0, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  s1 = al_structure_analyze (f1, m, px, 1, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  n0 = f0->n_atoms;
  frames[0] = (AlStructureFrame) { f0, s0->bonds, s0->defects, s0->strain, px };
  frames[1] = (AlStructureFrame) { f1, s1->bonds, s1->defects, s1->strain, px };
  g_assert_true (al_structure_csv_write (dir, frames, 2, &error));
  g_assert_no_error (error);

  path = g_build_filename (dir, "bonds.csv", NULL);
  g_assert_true (g_file_get_contents (path, &bonds_csv, NULL, NULL));
  lines = g_strsplit (bonds_csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "frame,a,b,length_nm");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + s0->bonds->n_bonds + s1->bonds->n_bonds + 1);
  cols = g_strsplit (lines[1], ",", -1);
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cols[3], NULL), 0.142028, 1e-5);
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&cols, g_strfreev);

  g_free (path);
  path = g_build_filename (dir, "defects.csv", NULL);
  g_assert_true (g_file_get_contents (path, &defects_csv, NULL, NULL));
  lines = g_strsplit (defects_csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "id,frame,type,x_px,y_px,n_atoms,atoms");
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  cols = g_strsplit (lines[1], ",", -1);
  g_assert_cmpstr (cols[0], ==, "0");
  g_assert_cmpstr (cols[1], ==, "1");
  g_assert_cmpstr (cols[2], ==, "V1");
  /* Member ids are atoms.csv row ids: after frame 0's atoms. */
  g_assert_cmpuint (g_ascii_strtoull (cols[6], NULL, 10), >=, n0);
  g_clear_pointer (&lines, g_strfreev);
  g_clear_pointer (&cols, g_strfreev);

  g_free (path);
  path = g_build_filename (dir, "strain.csv", NULL);
  g_assert_true (g_file_get_contents (path, &strain_csv, NULL, NULL));
  lines = g_strsplit (strain_csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "id,frame,exx,eyy,exy,rotation,ux_nm,uy_nm");
  g_assert_cmpuint (g_strv_length (lines), ==, 1 + f0->n_atoms + f1->n_atoms + 1);
  g_assert_true (g_str_has_prefix (lines[1], "0,0,"));
  cols = g_strsplit (lines[1], ",", -1);
  g_assert_cmpuint (g_strv_length (cols), ==, 8);
  g_assert_cmpfloat (fabs (g_ascii_strtod (cols[2], NULL)), <, 1e-5);
  al_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/export/structure-csv", test_tables);
  return g_test_run ();
}
