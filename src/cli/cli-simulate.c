/* cli-simulate.c: `atomlens-cli simulate`: a synthetic image with its exact
 * truth (DESIGN.md §6). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "al-cli.h"
#include "io/al-tiff.h"
#include "simulate/al-simulate.h"

static const char description[] =
  "Defects (--defects, comma-separated KEY=VALUE):\n"
  "  point types, as a fraction of their eligible sites:\n"
  "    TMDs (mos2, ws2, wse2): V_S V_S2 Mo_S2 (chalcogen sites), V_Mo W_Mo (metal sites;\n"
  "    in wse2 W_Mo is Te on a chalcogen site)\n"
  "    graphene: V1 V2_585 SW Si_C3 Si_C4 (all sites); hbn: V1\n"
  "  line and planar types, as a count: grain_boundary edge hole phase_1T phase_1Tp amorphous\n"
  "  e.g. --defects V_S=0.02,V_S2=0.005,W_Mo=0.01,grain_boundary=1,phase_1T=1\n"
  "\n"
  "Strain (--strain): exx=F eyy=F exy=F (fractions), rot=DEG, bump=AMPLITUDE:RADIUS_NM,\n"
  "  dislocation=N (edge dislocations, Burgers vector a); e.g. --strain exx=0.02,rot=1\n"
  "\n"
  "Scan (--scan): jitter=PX (line jitter, rms), drift=DX:DY (nm over a frame),\n"
  "  wobble=AMP_PX:PERIOD_PX (slow sinusoidal x distortion), frame_drift=NM (rms between frames)\n"
  "\n"
  "Writes IMAGE.tif (counts, calibrated) and, with --truth TRUTH.csv, TRUTH.csv (atoms.csv\n"
  "columns plus true_defect_type), TRUTH-defects.csv, TRUTH-strain.csv and TRUTH.json\n"
  "(the image model, read by “atomlens-cli score”). The same seed gives the same files.";

static gboolean
parse_size (const char *text,
            guint      *w,
            guint      *h)
{
  char *end;
  long a, b;

  a = strtol (text, &end, 10);
  if (*end == '\0')
    b = a;
  else if (*end == 'x' || *end == 'X')
    b = strtol (end + 1, &end, 10);
  else
    return FALSE;
  if (*end != '\0' || a < 8 || b < 8 || a > 16384 || b > 16384)
    return FALSE;
  *w = (guint) a;
  *h = (guint) b;
  return TRUE;
}

int
al_cli_simulate (int    argc,
                 char **argv)
{
  g_autofree char *material_name = NULL, *size = NULL, *defects = NULL, *strain = NULL;
  g_autofree char *scan = NULL, *out = NULL, *truth = NULL, *mode = NULL, *seed_text = NULL;
  double pixel = NAN, dose = NAN, rotation = NAN, z_exp = NAN, probe = NAN, tail = NAN;
  double tail_fraction = NAN, background = NAN, det_noise = NAN, defocus = NAN, cs = NAN;
  double voltage = NAN, offset = NAN;
  int frames = 1;
  gboolean noiseless = FALSE, uint16 = FALSE;
  GOptionEntry entries[] = {
    { "material", 'm', 0, G_OPTION_ARG_STRING, &material_name, "graphene, hbn, mos2, ws2 or wse2", "M" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &size, "Image size in pixels (N or WxH)", "N" },
    { "pixel-size", 0, 0, G_OPTION_ARG_DOUBLE, &pixel, "Pixel size (default 0.012 graphene/hBN, 0.03 TMDs)", "NM" },
    { "dose", 0, 0, G_OPTION_ARG_DOUBLE, &dose, "Dose per frame (default 5e6 graphene/hBN, 5e4 TMDs)", "E_PER_A2" },
    { "defects", 0, 0, G_OPTION_ARG_STRING, &defects, "Defects to put in (see below)", "SPEC" },
    { "strain", 0, 0, G_OPTION_ARG_STRING, &strain, "Strain field (see below)", "SPEC" },
    { "scan", 0, 0, G_OPTION_ARG_STRING, &scan, "Scan imperfections (see below)", "SPEC" },
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, "Number of frames of a series (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, "Random seed (default 1)", "S" },
    { "rotation", 0, 0, G_OPTION_ARG_DOUBLE, &rotation, "Lattice rotation (default random)", "DEG" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "haadf (default) or hrtem", "MODE" },
    { "z-exponent", 0, 0, G_OPTION_ARG_DOUBLE, &z_exp, "HAADF intensity ∝ Σ Zⁿ (default 1.7)", "N" },
    { "probe-sigma", 0, 0, G_OPTION_ARG_DOUBLE, &probe, "Probe core sigma (default 0.04 graphene/hBN, 0.05 TMDs)", "NM" },
    { "tail-sigma", 0, 0, G_OPTION_ARG_DOUBLE, &tail, "Probe tail sigma (default 0.25)", "NM" },
    { "tail-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &tail_fraction, "Share of the probe in its tail (default 0.2)", "F" },
    { "background", 0, 0, G_OPTION_ARG_DOUBLE, &background, "Fraction of the beam a support scatters onto the detector (default 3e-5)", "F" },
    { "detector-noise", 0, 0, G_OPTION_ARG_DOUBLE, &det_noise, "Detector noise, counts rms (default 0.5)", "C" },
    { "offset", 0, 0, G_OPTION_ARG_DOUBLE, &offset, "Dark level added to every pixel, counts (default 0; use with --uint16 so noise below zero is kept)", "C" },
    { "voltage", 0, 0, G_OPTION_ARG_DOUBLE, &voltage, "HRTEM: voltage (default 80)", "KV" },
    { "defocus", 0, 0, G_OPTION_ARG_DOUBLE, &defocus, "HRTEM: defocus, negative = underfocus (default -5)", "NM" },
    { "cs", 0, 0, G_OPTION_ARG_DOUBLE, &cs, "HRTEM: spherical aberration (default 0.001)", "MM" },
    { "noiseless", 0, 0, G_OPTION_ARG_NONE, &noiseless, "Write the expected counts, without noise", NULL },
    { "uint16", 0, 0, G_OPTION_ARG_NONE, &uint16, "Store 16-bit unsigned counts instead of float32", NULL },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, "Output image (TIFF)", "IMAGE.tif" },
    { "truth", 't', 0, G_OPTION_ARG_FILENAME, &truth, "Truth table (atoms.csv columns)", "TRUTH.csv" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) result = NULL;
  const AlMaterial *material;
  AlSimParams params;

  g_option_context_set_summary (context, "Simulate an atomic-resolution image with exact ground truth.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 1)
    return al_cli_fail ("simulate takes no positional arguments (got “%s”)", argv[1]);
  if (material_name == NULL)
    return al_cli_fail ("simulate needs --material (graphene, hbn, mos2, ws2, wse2)");
  material = al_material_from_name (material_name);
  if (material == NULL)
    return al_cli_fail ("unknown material “%s” (graphene, hbn, mos2, ws2, wse2)", material_name);
  if (out == NULL)
    return al_cli_fail ("simulate needs --out IMAGE.tif");

  al_sim_params_init (&params, material);
  if (size != NULL && !parse_size (size, &params.width, &params.height))
    return al_cli_fail ("--size must be N or WxH with sides of 8 to 16384 pixels, not “%s”", size);
  if (frames < 1)
    return al_cli_fail ("--frames must be at least 1");
  params.n_frames = (guint) frames;
  if (seed_text != NULL)
    {
      char *end;
      params.seed = g_ascii_strtoull (seed_text, &end, 10);
      if (end == seed_text || *end != '\0')
        return al_cli_fail ("--seed must be a non-negative whole number, not “%s”", seed_text);
    }
#define SET(field, value) if (!isnan (value)) params.field = value
  SET (pixel_size_nm, pixel);
  SET (dose, dose);
  SET (rotation_deg, rotation);
  SET (z_exponent, z_exp);
  SET (probe_sigma_nm, probe);
  SET (tail_sigma_nm, tail);
  SET (tail_fraction, tail_fraction);
  SET (background, background);
  SET (detector_noise, det_noise);
  SET (voltage_kv, voltage);
  SET (offset, offset);
  SET (defocus_nm, defocus);
  SET (cs_mm, cs);
#undef SET
  params.noiseless = noiseless;
  if (mode != NULL && strcmp (mode, "haadf") == 0)
    params.mode = AL_SIM_MODE_HAADF;
  else if (mode != NULL && strcmp (mode, "hrtem") == 0)
    params.mode = AL_SIM_MODE_HRTEM;
  else if (mode != NULL)
    return al_cli_fail ("--mode must be haadf or hrtem, not “%s”", mode);

  if (!al_sim_defect_spec_parse (&params.defects, material, defects, &error)
      || !al_sim_strain_spec_parse (&params.strain, strain, &error)
      || !al_sim_scan_spec_parse (&params.scan, scan, &error)
      || !al_sim_params_check (&params, &error))
    return al_cli_fail ("%s", error->message);

  result = al_simulate_run (&params, NULL, NULL, &error);
  if (result == NULL)
    return al_cli_fail ("%s", error->message);
  if (!(uint16 ? al_tiff_write_uint16 (out, result->image, &error)
               : al_tiff_write (out, result->image, &error)))
    return al_cli_fail ("%s", error->message);
  if (truth != NULL && !al_sim_result_write_truth (result, truth, &error))
    return al_cli_fail ("%s", error->message);
  return 0;
}
