/* test-pipeline.c: the pipeline runner on a synthetic two-frame MoS2-like
 * series: frames, material guess, pixel size from the lattice, timings,
 * cancellation, bad frame ranges, and the summary JSON. */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "al-pipeline.h"
#include "core/detect/detect-synth.h"
#include "export/al-summary-json.h"

static AlImage *
make_series (void)
{
  const guint side = 192;
  g_autoptr (GArray) cols = synth_honeycomb (side, side, 15.0, 0.5, 600, 230, 3);
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);
  AlImage *image = al_image_new (side, side, 2, NULL);

  for (guint f = 0; f < 2; f++)
    {
      g_autofree float *img = synth_render ((SynthColumn *) cols->data, cols->len, side, side,
                                            1.8, 10, rand);
      memcpy (al_image_frame (image, f), img, sizeof (float) * side * side);
    }
  return image;
}

static void
progress_cb (const char *stage,
             double      fraction,
             gpointer    user_data)
{
  double *last = user_data;
  g_assert_cmpfloat (fraction, >=, *last - 1e-9);
  *last = fraction;
}

static void
test_run (void)
{
  g_autoptr (AlImage) image = make_series ();
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *json = NULL;
  AlPipelineParams params;
  AlProgress progress;
  double last = 0.0;
  JsonObject *root, *counts;

  al_progress_init (&progress, progress_cb, &last);
  al_pipeline_params_init (&params);
  params.auto_material = TRUE;
  params.n_threads = 2;
  analysis = al_pipeline_run (image, &params, &progress, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (analysis->frames->len, ==, 2);
  g_assert_true (analysis->material == al_material_get (AL_MATERIAL_MOS2));
  g_assert_true (analysis->material_guessed);
  g_assert_cmpint (analysis->pixel_size_source, ==, AL_PIXEL_SIZE_FROM_LATTICE);
  g_assert_cmpfloat_with_epsilon (analysis->pixel_size_nm, 0.316 / 15.0, 0.0005);
  g_assert_cmpfloat (al_analysis_get_timing (analysis, "refine"), >, 0.0);
  g_assert_cmpfloat_with_epsilon (last, 1.0, 1e-9);
  for (guint i = 0; i < 2; i++)
    {
      AlFrameResult *r = analysis->frames->pdata[i];
      g_assert_cmpuint (r->frame, ==, i);
      g_assert_cmpuint (r->atoms->n_atoms, >, 250);
    }

  json = al_summary_json (analysis, image, 1.5);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "material"), ==, "mos2");
  counts = json_object_get_object_member (root, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "atoms"), ==,
                   ((AlFrameResult *) analysis->frames->pdata[0])->atoms->n_atoms
                   + ((AlFrameResult *) analysis->frames->pdata[1])->atoms->n_atoms);
  g_assert_true (json_object_has_member (json_object_get_object_member (counts, "species"), "S2"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (root, "timings_s"),
                                                     "total"), ==, 1.5);
  g_assert_nonnull (json_object_get_object_member (root, "densities_per_nm2"));
}

static void
test_frames_and_cancel (void)
{
  g_autoptr (AlImage) image = make_series ();
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  AlPipelineParams params;

  al_pipeline_params_init (&params);
  params.material = al_material_get (AL_MATERIAL_MOS2);
  params.frame_first = params.frame_last = 1;
  analysis = al_pipeline_run (image, &params, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (analysis->frames->len, ==, 1);
  g_assert_cmpuint (((AlFrameResult *) analysis->frames->pdata[0])->frame, ==, 1);
  g_clear_pointer (&analysis, al_analysis_free);

  params.frame_first = 2;
  params.frame_last = 5;
  g_assert_null (al_pipeline_run (image, &params, NULL, NULL, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  params.frame_first = 0;
  g_cancellable_cancel (cancellable);
  g_assert_null (al_pipeline_run (image, &params, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The detection map is kept when asked and within its share of the
 * budget: one per frame, the frame's size, bright where the columns are. */
static void
test_detection_map (void)
{
  g_autoptr (AlImage) image = make_series ();
  g_autoptr (GError) error = NULL;
  AlPipelineParams params;

  al_pipeline_params_init (&params);
  params.material = al_material_get (AL_MATERIAL_MOS2);
  params.frame_last = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr (AlAnalysis) analysis = NULL;
      const AlFrameResult *r;

      params.keep_detection_map = pass > 0;
      analysis = al_pipeline_run (image, &params, NULL, NULL, &error);
      g_assert_no_error (error);
      r = g_ptr_array_index (analysis->frames, 0);
      if (pass != 1)
        {
          g_assert_null (r->detection_map);
          continue;
        }
      g_assert_nonnull (r->detection_map);
      g_assert_cmpuint (r->detection_map->width, ==, 192);
      g_assert_cmpuint (r->detection_map->height, ==, 192);
      g_assert_false (r->detection_map->probability);
      g_assert_cmpfloat (r->detection_map->scale, >, 0);
      {
        /* Columns at levels well above the image's median level. */
        const AlDetectMap *m = r->detection_map;
        guint hist[256] = { 0 }, median = 0, seen = 0;
        double on = 0;
        for (gsize i = 0; i < 192 * 192; i++)
          hist[m->level[i]]++;
        while (seen + hist[median] < 192 * 192 / 2)
          seen += hist[median++];
        for (guint k = 0; k < r->atoms->n_atoms; k++)
          on += m->level[(gsize) lround (r->atoms->y[k]) * 192 + (gsize) lround (r->atoms->x[k])];
        on /= r->atoms->n_atoms;
        g_test_message ("map: median level %u, mean at the columns %.1f", median, on);
        g_assert_cmpfloat (on, >, median + 60);
      }
    }
  /* The maps of a run take at most a sixteenth of the budget: a hundred
   * 4096² frames (1.6 GB of maps) not under 8 GiB, one under 1 GiB. */
  al_limits_set_memory_budget ((guint64) 8 << 30);
  g_assert_false (al_pipeline_keeps_detection_maps (&params, 100, 4096, 4096));
  al_limits_set_memory_budget ((guint64) 1 << 30);
  g_assert_true (al_pipeline_keeps_detection_maps (&params, 1, 4096, 4096));
  params.keep_detection_map = FALSE;
  g_assert_false (al_pipeline_keeps_detection_maps (&params, 1, 4096, 4096));
  al_limits_set_memory_budget (0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/pipeline/run", test_run);
  g_test_add_func ("/core/pipeline/frames-and-cancel", test_frames_and_cancel);
  g_test_add_func ("/core/pipeline/detection-map", test_detection_map);
  return g_test_run ();
}
