/* test-structure-update.c: the structure recomputed near an edit equals the
 * whole frame's recompute (with the same field-wide figures): the same
 * bonds, rings, defects, labels and per-atom strain, after adding, moving,
 * deleting and re-speciesing atoms; and the cases it leaves to a whole
 * recompute. */
#include <math.h>
#include <string.h>

#include "al-test-lattice.h"
#include "defects/al-structure-update.h"

/* A field of about 13,000 columns, so that the window is a small part. */
#define A_PX 8.0
#define SIDE 600.0
#define JITTER_PX 0.15

static AlStructure *
analyse (AlAtoms           *atoms,
         const AlMaterial  *m,
         const AlStructure *like)
{
  AlStructureParams params = { { 0 }, { 0 }, (guint) SIDE, (guint) SIDE };
  g_autoptr (GError) error = NULL;
  AlStructure *s;

  params.like = like;
  s = al_structure_analyze (atoms, m, m->a_nm / A_PX, 0, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  return s;
}

static int
compare_pairs (const void *a,
               const void *b)
{
  const guint32 *p = a, *q = b;

  return p[0] != q[0] ? (p[0] < q[0] ? -1 : 1) : (p[1] < q[1] ? -1 : p[1] > q[1]);
}

static guint32 *
sorted_pairs (const AlBonds *bonds)
{
  guint32 *p = g_new (guint32, 2 * bonds->n_bonds + 2);

  for (guint k = 0; k < bonds->n_bonds; k++)
    {
      p[2 * k] = bonds->a[k];
      p[2 * k + 1] = bonds->b[k];
    }
  qsort (p, bonds->n_bonds, 2 * sizeof (guint32), compare_pairs);
  return p;
}

static int
compare_defects (const void *a,
                 const void *b)
{
  const AlDefect *p = a, *q = b;

  if (p->type != q->type)
    return p->type < q->type ? -1 : 1;
  if (p->x != q->x)
    return p->x < q->x ? -1 : 1;
  return p->y < q->y ? -1 : p->y > q->y;
}

static void
assert_same_defects (const AlDefects *a,
                     const AlDefects *b,
                     double           tolerance_px)
{
  g_autofree AlDefect *da = NULL;
  g_autofree AlDefect *db = NULL;

  g_assert_cmpuint (al_defects_len (a), ==, al_defects_len (b));
  if (al_defects_len (a) == 0)
    return;
  da = g_memdup2 (a->defects->data, sizeof (AlDefect) * al_defects_len (a));
  db = g_memdup2 (b->defects->data, sizeof (AlDefect) * al_defects_len (b));
  qsort (da, al_defects_len (a), sizeof (AlDefect), compare_defects);
  qsort (db, al_defects_len (b), sizeof (AlDefect), compare_defects);
  for (guint k = 0; k < al_defects_len (a); k++)
    {
      g_assert_cmpstr (al_defect_type_name (da[k].type), ==, al_defect_type_name (db[k].type));
      g_assert_cmpfloat (hypot (da[k].x - db[k].x, da[k].y - db[k].y), <=, tolerance_px);
      g_assert_cmpuint (da[k].n_members, ==, db[k].n_members);
    }
}

static void
assert_same_float (float a,
                   float b,
                   float tolerance)
{
  g_assert_cmpint (isnan (a), ==, isnan (b));
  if (!isnan (a))
    g_assert_cmpfloat (fabsf (a - b), <=, tolerance);
}

/* Local against whole with the old figures: equal in everything. */
static void
assert_same_structure (const AlAtoms     *la,
                       const AlStructure *ls,
                       const AlAtoms     *fa,
                       const AlStructure *fs)
{
  g_autofree guint32 *lp = sorted_pairs (ls->bonds);
  g_autofree guint32 *fp = sorted_pairs (fs->bonds);
  guint lh[AL_RING_MAX_SIZE + 2] = { 0 }, fh[AL_RING_MAX_SIZE + 2] = { 0 };

  g_assert_cmpuint (la->n_atoms, ==, fa->n_atoms);
  g_assert_cmpuint (ls->bonds->n_bonds, ==, fs->bonds->n_bonds);
  g_assert_cmpmem (lp, 2 * sizeof (guint32) * ls->bonds->n_bonds, fp, 2 * sizeof (guint32) * fs->bonds->n_bonds);
  al_rings_histogram (ls->rings, lh, G_N_ELEMENTS (lh));
  al_rings_histogram (fs->rings, fh, G_N_ELEMENTS (fh));
  g_assert_cmpmem (lh, sizeof lh, fh, sizeof fh);
  assert_same_defects (ls->defects, fs->defects, 1e-9);
  for (guint i = 0; i < la->n_atoms; i++)
    {
      g_assert_cmpint (la->coordination[i], ==, fa->coordination[i]);
      g_assert_cmpint (la->defect_type[i], ==, fa->defect_type[i]);
      g_assert_cmpint (la->species[i], ==, fa->species[i]);
      g_assert_cmpint (ls->labels->sub[i], ==, fs->labels->sub[i]);
      assert_same_float (ls->strain->exx[i], fs->strain->exx[i], 1e-6f);
      assert_same_float (ls->strain->eyy[i], fs->strain->eyy[i], 1e-6f);
      assert_same_float (ls->strain->exy[i], fs->strain->exy[i], 1e-6f);
      assert_same_float (ls->strain->rotation[i], fs->strain->rotation[i], 1e-4f);
      g_assert_cmpint (ls->phases->atom_phase[i], ==, fs->phases->atom_phase[i]);
    }
  /* Labels agree up to one lattice vector: displacements from the fitted
   * sites do not depend on it (the whole recompute labels from its own
   * seed, a whole lattice vector away). */
  {
    double dux = ls->strain->ux[0] - fs->strain->ux[0], duy = ls->strain->uy[0] - fs->strain->uy[0];
    for (guint i = 0; i < la->n_atoms; i++)
      if (!isnan (ls->strain->ux[i]))
        {
          g_assert_cmpfloat (fabs (ls->strain->ux[i] - fs->strain->ux[i] - dux), <, 1e-3);
          g_assert_cmpfloat (fabs (ls->strain->uy[i] - fs->strain->uy[i] - duy), <, 1e-3);
        }
  }
}

typedef enum { EDIT_DELETE, EDIT_MOVE, EDIT_ADD, EDIT_SPECIES } Edit;

/* Edits near (x, y); returns the changed atom's index. */
static void
edit (AlAtoms          *atoms,
      Edit              kind,
      double            x,
      double            y,
      int               species)
{
  guint c = al_test_nearest (atoms, x, y);

  switch (kind)
    {
    case EDIT_DELETE:
      al_atoms_remove (atoms, c);
      break;
    case EDIT_MOVE:
      atoms->x[c] += 0.9;
      atoms->y[c] -= 0.6;
      break;
    case EDIT_ADD:
      al_atoms_append (atoms, x, y, species);
      break;
    case EDIT_SPECIES:
      atoms->species[c] = species;
      break;
    }
}

/* Runs one edit both ways; the edit must be done locally. */
static void
check_edit (AlMaterialId material,
            AlAtoms     *before,
            Edit         kind,
            double       x,
            double       y,
            int          species,
            gboolean     expect_local)
{
  const AlMaterial *m = al_material_get (material);
  g_autoptr (AlStructure) old = analyse (before, m, NULL);
  g_autoptr (AlAtoms) la = al_atoms_copy (before);
  g_autoptr (AlAtoms) fa = NULL;
  g_autoptr (AlStructure) ls = NULL;
  g_autoptr (AlStructure) fs = NULL;
  g_autoptr (AlStructure) plain = NULL;
  g_autoptr (GError) error = NULL;
  AlStructureParams params = { { 0 }, { 0 }, (guint) SIDE, (guint) SIDE };
  AlStructureUpdate how;

  edit (la, kind, x, y, species);
  fa = al_atoms_copy (la);
  ls = al_structure_update (before, old, la, m, m->a_nm / A_PX, 0, &params, &how, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("edit %d: local %d (%s), %u changed, %u atoms in the window of %u, %u defects",
                  kind, how.local, how.why_whole ? how.why_whole : "-", how.n_changed,
                  how.n_window_atoms, la->n_atoms, al_defects_len (ls->defects));
  g_assert_cmpint (how.local, ==, expect_local);
  g_assert_cmpuint (how.n_changed, >=, 1);
  /* Whole recomputes measure the field anew. */
  fs = analyse (fa, m, expect_local ? old : NULL);
  assert_same_structure (la, ls, fa, fs);
  if (!expect_local)
    return;
  g_assert_cmpuint (how.n_window_atoms, <, la->n_atoms / 4);
  /* And a recompute that measures everything anew finds the same defects
   * (its lattice fit moves vacancy centres by a hair). */
  {
    g_autoptr (AlAtoms) pa = al_atoms_copy (before);
    edit (pa, kind, x, y, species);
    plain = analyse (pa, m, NULL);
    assert_same_defects (ls->defects, plain->defects, 0.05);
  }
}

static AlAtoms *
field (AlMaterialId material)
{
  const AlMaterial *m = al_material_get (material);
  AlAtoms *atoms = al_test_honeycomb (SIDE, SIDE, A_PX, 0.1, m->site_species[0], m->site_species[1]);

  al_test_jitter (atoms, JITTER_PX, 7);
  /* A vacancy elsewhere, which the edits must leave alone. */
  al_atoms_remove (atoms, al_test_nearest (atoms, 150, 420));
  return atoms;
}

static void
test_graphene_edits (void)
{
  g_autoptr (AlAtoms) atoms = field (AL_MATERIAL_GRAPHENE);
  guint c = al_test_nearest (atoms, 300, 300);
  double x = atoms->x[c], y = atoms->y[c];
  g_autoptr (AlAtoms) holed = al_atoms_copy (atoms);

  check_edit (AL_MATERIAL_GRAPHENE, atoms, EDIT_DELETE, 300, 300, 0, TRUE);
  check_edit (AL_MATERIAL_GRAPHENE, atoms, EDIT_MOVE, 300, 300, 0, TRUE);
  /* Filling a vacancy removes its defect. */
  al_atoms_remove (holed, c);
  check_edit (AL_MATERIAL_GRAPHENE, holed, EDIT_ADD, x, y, 0, TRUE);
}

static void
test_mos2_edits (void)
{
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  g_autoptr (AlAtoms) atoms = field (AL_MATERIAL_MOS2);

  check_edit (AL_MATERIAL_MOS2, atoms, EDIT_SPECIES, 320, 280, al_material_species_index (m, "W"), TRUE);
  check_edit (AL_MATERIAL_MOS2, atoms, EDIT_DELETE, 320, 280, 0, TRUE);
}

/* An edit at an edge (a hole of vacuum) is recomputed whole, and still
 * right. */
static void
test_edge_is_whole (void)
{
  g_autoptr (AlAtoms) atoms = field (AL_MATERIAL_GRAPHENE);

  for (guint i = atoms->n_atoms; i-- > 0;)
    if (hypot (atoms->x[i] - 300, atoms->y[i] - 300) < 40)
      al_atoms_remove (atoms, i);
  check_edit (AL_MATERIAL_GRAPHENE, atoms, EDIT_DELETE, 345, 300, 0, FALSE);
}

static void
test_match (void)
{
  g_autoptr (AlAtoms) a = al_test_honeycomb (200, 200, A_PX, 0.0, 0, 0);
  g_autoptr (AlAtoms) b = al_atoms_copy (a);
  g_autofree guint32 *map = g_new (guint32, a->n_atoms + 8);
  double box[4];

  g_assert_cmpuint (al_atoms_match (a, b, map, box), ==, 0);
  g_assert_cmpfloat (box[0], >, box[2]);
  /* A run of deletions, a move and an addition, far apart in the list. */
  for (int k = 0; k < 5; k++)
    al_atoms_remove (b, 100);
  b->x[400] += 1.0;
  al_atoms_append (b, 50.0, 60.0, 0);
  g_assert_cmpuint (al_atoms_match (a, b, map, box), ==, 5 + 2 + 1);
  for (guint j = 0; j < 100; j++)
    g_assert_cmpuint (map[j], ==, j);
  g_assert_cmpuint (map[100], ==, 105);
  g_assert_cmpuint (map[400], ==, G_MAXUINT32);
  g_assert_cmpuint (map[401], ==, 406);
  g_assert_cmpuint (map[b->n_atoms - 1], ==, G_MAXUINT32);
  g_assert_cmpfloat (box[0], <=, 50.0);
  g_assert_cmpfloat (box[3], >=, 60.0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/structure-update/match", test_match);
  g_test_add_func ("/core/structure-update/graphene", test_graphene_edits);
  g_test_add_func ("/core/structure-update/mos2", test_mos2_edits);
  g_test_add_func ("/core/structure-update/edge-whole", test_edge_is_whole);
  return g_test_run ();
}
