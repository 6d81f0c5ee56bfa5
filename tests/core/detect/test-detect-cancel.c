/* test-detect-cancel.c: Cancel is answered inside each stage of
 * al_detect_run, not only between them. The cancellable is cancelled from
 * the progress callback as a stage is announced; the run must then fail
 * with G_IO_ERROR_CANCELLED and announce no later stage (and no atoms are
 * returned, in particular not after "Assigning species", whose
 * classification used to run to its end and return them). */
#include <string.h>

#include "al-error.h"
#include "detect/al-detect.h"
#include "detect/al-species.h"
#include "detect-synth.h"

typedef struct
{
  const char   *cancel_at;   /* stage whose first report cancels */
  GCancellable *cancellable;
  char         *last_stage;  /* the last stage reported */
} CancelAt;

static void
on_progress (const char *stage,
             double      fraction,
             gpointer    user_data)
{
  CancelAt *c = user_data;

  (void) fraction;
  g_free (c->last_stage);
  c->last_stage = g_strdup (stage);
  if (g_strcmp0 (stage, c->cancel_at) == 0)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel_in_each_stage (void)
{
  const char *stages[] = { "Finding the lattice", "Finding peaks", "Refining positions",
                           "Assigning species" };
  const guint side = 192;
  g_autoptr (GArray) truth = synth_honeycomb (side, side, 16.0, 0.3, 600, 230, 3);
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);
  g_autofree float *img = synth_render ((SynthColumn *) truth->data, truth->len, side, side,
                                        1.9, 15, rand);
  AlDetectParams params;

  al_detect_params_init (&params);
  params.material = al_material_get (AL_MATERIAL_MOS2);
  params.n_threads = 2;
  /* Uncancelled, the image gives atoms (so a NULL below is the Cancel's). */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (AlAtoms) atoms = al_detect_run (img, side, side, &params, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (atoms->n_atoms, >, 50);
  }
  for (guint s = 0; s < G_N_ELEMENTS (stages); s++)
    {
      g_autoptr (GCancellable) cancellable = g_cancellable_new ();
      g_autoptr (GError) error = NULL;
      g_autoptr (AlAtoms) atoms = NULL;
      CancelAt c = { stages[s], cancellable, NULL };
      AlProgress progress;

      al_progress_init (&progress, on_progress, &c);
      atoms = al_detect_run (img, side, side, &params, NULL, &progress, cancellable, &error);
      g_assert_null (atoms);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_cmpstr (c.last_stage, ==, stages[s]);
      g_free (c.last_stage);
    }
}

/* The classifier itself stops between its passes once cancelled. */
static void
test_species_cancelled (void)
{
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  const AlMaterial *m = al_material_get (AL_MATERIAL_MOS2);
  const guint n = 400;
  g_autofree double *v = g_new (double, n);
  g_autofree gint16 *species = g_new (gint16, n);
  g_autofree float *confidence = g_new (float, n);

  for (guint i = 0; i < n; i++)
    v[i] = i % 2 ? 1000.0 + i % 7 : 600.0 + i % 5;
  g_assert_true (al_species_classify (v, n, m, species, confidence, NULL, cancellable));
  g_cancellable_cancel (cancellable);
  g_assert_false (al_species_classify (v, n, m, species, confidence, NULL, cancellable));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/detect/cancel/each-stage", test_cancel_in_each_stage);
  g_test_add_func ("/core/detect/cancel/species", test_species_cancelled);
  return g_test_run ();
}
