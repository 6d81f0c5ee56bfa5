/* test-trained-models.c: the trained networks committed under models/, run
 * by our engine on small images the simulator makes here (fixed seeds):
 * their metadata is what the pipeline relies on, atom channels light up at
 * true columns and stay dark between them, the phase network tells a 1T
 * patch from the 2H crystal around it and finds an amorphous patch, and the denoiser
 * brings a noisy image closer to the noiseless one. Loose bounds: these
 * check that a model is the right one and works, the cards
 * (models/NAME.md) hold the measured accuracy. */
#include <math.h>

#include "al-test.h"
#include "nn/al-nn.h"
#include "simulate/al-simulate.h"

#define TEST_SIZE 96            /* pixels: a 2.9 nm field at 0.03 nm/px */
/* Pixels farther than this share of the nearest-neighbour distance from
 * every column count as background. */
#define BACKGROUND_GAP 0.6

static AlNnModel *
load_model (const char *name)
{
  g_autofree char *file = g_strconcat (name, ".onnx", NULL);
  g_autofree char *path = g_build_filename (g_getenv ("AL_SOURCE_ROOT"), "models", file, NULL);
  g_autoptr (GError) error = NULL;
  AlNnModel *model = al_nn_model_load (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

/* A HAADF image of MATERIAL at the model's pixel size, no scan errors. */
static AlSimResult *
simulate (const AlNnModel *model,
          const char      *material,
          double           dose,
          const char      *defects,
          gboolean         noiseless,
          guint64          seed)
{
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  AlSimResult *result;

  al_sim_params_init (&p, al_material_from_name (material));
  p.width = p.height = TEST_SIZE;
  p.pixel_size_nm = al_nn_model_get_pixel_size_nm (model);
  p.dose = dose;
  p.seed = seed;
  p.rotation_deg = 17.0;
  p.noiseless = noiseless;
  if (defects != NULL)
    g_assert_true (al_sim_defect_spec_parse (&p.defects, p.material, defects, &error));
  g_assert_no_error (error);
  result = al_simulate_run (&p, NULL, NULL, &error);
  g_assert_no_error (error);
  return result;
}

/* Normalises a copy of the image as the model asks and runs it. */
static float *
run_model (AlNnModel     *model,
           const AlImage *image)
{
  gsize n = (gsize) image->width * image->height;
  g_autofree float *input = g_memdup2 (image->pixels, n * sizeof (float));
  float *out = g_new (float, n * al_nn_model_get_out_channels (model));
  AlNnRunOptions opts = { 0, AL_NN_DEFAULT_MEMORY_BUDGET, 0, 1 };
  g_autoptr (GError) error = NULL;

  g_assert_true (al_nn_model_normalise_input (model, input, n, &error));
  g_assert_true (al_nn_run_tiled (model, input, image->width, image->height, 1, out, &opts,
                                  NULL, NULL, &error));
  g_assert_no_error (error);
  return out;
}

static void
check_metadata (const AlNnModel *model,
                const char      *task,
                const char      *material,
                const char      *classes)
{
  g_autofree char *joined = g_strjoinv (",", (char **) al_nn_model_get_classes (model));

  g_assert_cmpstr (al_nn_model_get_task (model), ==, task);
  g_assert_cmpstr (al_nn_model_get_material (model), ==, material);
  g_assert_cmpstr (joined, ==, classes);
  g_assert_cmpstr (al_nn_model_get_normalisation (model), ==, "zscore");
  g_assert_cmpfloat (al_nn_model_get_pixel_size_nm (model), >, 0.005);
  g_assert_cmpuint (al_nn_model_get_in_channels (model), ==, 1);
}

/* Mean probability of the right class at true columns (nearest pixel, away
 * from the border), and mean foreground probability in the background. */
static void
atom_scores (const AlSimResult *sim,
             const float       *out,
             double            *at_sites,
             double            *between)
{
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  guint w = sim->image->width, h = sim->image->height, n_sites = 0, n_bg = 0;
  double gap_px = BACKGROUND_GAP * al_material_neighbour_nm (sim->params.material)
                  / sim->params.pixel_size_nm;
  double s_sites = 0, s_bg = 0;
  g_autofree gboolean *near = g_new0 (gboolean, (gsize) w * h);

  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int cx = (int) lround (truth->x[i]), cy = (int) lround (truth->y[i]);

      for (int y = MAX (cy - 6, 0); y < MIN (cy + 7, (int) h); y++)
        for (int x = MAX (cx - 6, 0); x < MIN (cx + 7, (int) w); x++)
          if (hypot (x - truth->x[i], y - truth->y[i]) < gap_px)
            near[(gsize) y * w + x] = TRUE;
      if (cx < 4 || cy < 4 || cx >= (int) w - 4 || cy >= (int) h - 4)
        continue;
      /* Channel 1 + species index: the species order of the material. */
      s_sites += out[((gsize) (1 + truth->species[i]) * h + cy) * w + cx];
      n_sites++;
    }
  for (gsize p = 0; p < (gsize) w * h; p++)
    if (!near[p])
      {
        s_bg += 1.0 - out[p];
        n_bg++;
      }
  g_assert_cmpuint (n_sites, >, 50);
  g_assert_cmpuint (n_bg, >, 500);
  *at_sites = s_sites / n_sites;
  *between = s_bg / n_bg;
}

static void
test_atoms (gconstpointer data)
{
  const char *const *c = data;   /* model, material, classes, dose, defects */
  g_autoptr (AlNnModel) model = load_model (c[0]);
  g_autoptr (AlSimResult) sim = NULL;
  g_autofree float *out = NULL;
  double at_sites, between;

  check_metadata (model, "atoms", c[1], c[2]);
  sim = simulate (model, c[1], g_ascii_strtod (c[3], NULL), c[4], FALSE, 11);
  out = run_model (model, sim->image);
  atom_scores (sim, out, &at_sites, &between);
  g_test_message ("%s: right class at sites %.3f, foreground between columns %.3f", c[0], at_sites,
                  between);
  g_assert_cmpfloat (at_sites, >, 0.5);
  g_assert_cmpfloat (between, <, 0.2);
}

/* Mean squared difference of the model's output and the noiseless image,
 * both in the noisy input's z-score units, against that of the input. */
static void
test_tmd_denoise (void)
{
  g_autoptr (AlNnModel) model = load_model ("tmd-denoise");
  g_autoptr (AlSimResult) noisy = NULL, clean = NULL;
  g_autofree float *out = NULL;
  gsize n = (gsize) TEST_SIZE * TEST_SIZE;
  double mean = 0, var = 0, e_in = 0, e_out = 0;

  check_metadata (model, "denoise", "MoS2,WS2,WSe2", "clean");
  noisy = simulate (model, "mos2", 1e3, "V_S=0.05", FALSE, 12);
  clean = simulate (model, "mos2", 1e3, "V_S=0.05", TRUE, 12);
  for (gsize p = 0; p < n; p++)
    mean += noisy->image->pixels[p] / n;
  for (gsize p = 0; p < n; p++)
    var += pow (noisy->image->pixels[p] - mean, 2) / n;
  out = run_model (model, noisy->image);
  for (gsize p = 0; p < n; p++)
    {
      double c = (clean->image->pixels[p] - mean) / sqrt (var);

      e_in += pow ((noisy->image->pixels[p] - mean) / sqrt (var) - c, 2);
      e_out += pow (out[p] - c, 2);
    }
  g_test_message ("denoiser at 1e3 e/A2: %.1f dB closer to the noiseless image",
                  10 * log10 (e_in / e_out));
  /* 6 dB: four times smaller squared error (the card reports > 10 dB). */
  g_assert_cmpfloat (e_out, <, e_in / 4);
}

/* Mean probability of each phase class over the true columns of a 2H
 * crystal with one 1T patch, per true phase (columns at least PHASE_INSET
 * pixels from the border, where the engine's reflection padding holds). */
#define PHASE_INSET 8

static void
test_tmd_phase (void)
{
  g_autoptr (AlNnModel) model = load_model ("tmd-phase");
  g_autoptr (AlSimResult) sim = NULL;
  g_autofree float *out = NULL;
  const AlAtoms *truth;
  gsize plane = (gsize) TEST_SIZE * TEST_SIZE;
  double p_2h[2] = { 0, 0 }, p_1t[2] = { 0, 0 };   /* [0]: 2H columns, [1]: 1T columns */
  guint n[2] = { 0, 0 };

  check_metadata (model, "phase", "MoS2,WS2,WSe2", "2H,1T,1Tp,amorphous,vacuum");
  sim = simulate (model, "mos2", 1e4, "phase_1T=1", FALSE, 13);
  truth = g_ptr_array_index (sim->atoms, 0);
  out = run_model (model, sim->image);
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int x = (int) lround (truth->x[i]), y = (int) lround (truth->y[i]);
      int k = truth->defect_type[i] == AL_DEFECT_PHASE_1T ? 1 : 0;
      gsize p = (gsize) y * TEST_SIZE + x;

      if (x < PHASE_INSET || y < PHASE_INSET || x >= TEST_SIZE - PHASE_INSET
          || y >= TEST_SIZE - PHASE_INSET
          || (k == 0 && truth->defect_type[i] != AL_DEFECT_NONE))
        continue;
      p_2h[k] += out[p];
      p_1t[k] += out[plane + p];
      n[k]++;
    }
  g_assert_cmpuint (n[0], >, 30);
  g_assert_cmpuint (n[1], >, 30);
  g_test_message ("tmd-phase at 1e4 e/A2: 2H columns p(2H) %.2f p(1T) %.2f; "
                  "1T columns p(2H) %.2f p(1T) %.2f", p_2h[0] / n[0], p_1t[0] / n[0],
                  p_2h[1] / n[1], p_1t[1] / n[1]);
  /* Each region's own phase wins on average (the card holds the IoU). */
  g_assert_cmpfloat (p_2h[0] / n[0], >, 0.5);
  g_assert_cmpfloat (p_1t[1] / n[1], >, p_2h[1] / n[1]);
}

/* Mean p(amorphous) and p(2H) over the true atoms of an amorphous patch
 * (the simulator removes the lattice there and places atoms at random). */
static void
test_tmd_phase_amorphous (void)
{
  g_autoptr (AlNnModel) model = load_model ("tmd-phase");
  g_autoptr (AlSimResult) sim = simulate (model, "mos2", 1e4, "amorphous=1", FALSE, 14);
  g_autofree float *out = run_model (model, sim->image);
  const AlAtoms *truth = g_ptr_array_index (sim->atoms, 0);
  gsize plane = (gsize) TEST_SIZE * TEST_SIZE;
  double p_am = 0, p_2h = 0;
  guint n = 0;

  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int x = (int) lround (truth->x[i]), y = (int) lround (truth->y[i]);
      gsize p = (gsize) y * TEST_SIZE + x;

      if (truth->defect_type[i] != AL_DEFECT_AMORPHOUS || x < PHASE_INSET || y < PHASE_INSET
          || x >= TEST_SIZE - PHASE_INSET || y >= TEST_SIZE - PHASE_INSET)
        continue;
      p_2h += out[p];
      p_am += out[3 * plane + p];
      n++;
    }
  g_assert_cmpuint (n, >, 30);
  g_test_message ("tmd-phase at 1e4 e/A2: amorphous atoms p(amorphous) %.2f p(2H) %.2f",
                  p_am / n, p_2h / n);
  g_assert_cmpfloat (p_am / n, >, 0.5);
}

static const char *const mos2_case[] = { "mos2-atoms", "MoS2", "background,Mo,S2,S,W", "1e4",
                                         "V_S=0.05,W_Mo=0.05" };
static const char *const ws2_case[] = { "ws2-atoms", "WS2", "background,W,S2,S,Mo", "1e4",
                                        "V_S=0.05,W_Mo=0.05" };
static const char *const wse2_case[] = { "wse2-atoms", "WSe2", "background,W,Se2,Se,Te", "1e4",
                                         "V_S=0.05,W_Mo=0.05" };
static const char *const graphene_case[] = { "graphene-atoms", "graphene", "background,C,Si", "1e6",
                                             "Si_C3=0.02" };
static const char *const hbn_case[] = { "hbn-atoms", "hBN", "background,B,N", "1e6", "V1=0.01" };

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/models/mos2-atoms", mos2_case, test_atoms);
  g_test_add_data_func ("/models/ws2-atoms", ws2_case, test_atoms);
  g_test_add_data_func ("/models/wse2-atoms", wse2_case, test_atoms);
  g_test_add_data_func ("/models/graphene-atoms", graphene_case, test_atoms);
  g_test_add_data_func ("/models/hbn-atoms", hbn_case, test_atoms);
  g_test_add_func ("/models/tmd-denoise", test_tmd_denoise);
  g_test_add_func ("/models/tmd-phase", test_tmd_phase);
  g_test_add_func ("/models/tmd-phase-amorphous", test_tmd_phase_amorphous);
  return g_test_run ();
}
