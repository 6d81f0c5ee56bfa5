/* cli-score.c: `atomlens-cli score`: found atoms (and defects, strain)
 * against a simulator's truth, as a table and as JSON (DESIGN.md §6, §8). */
#include <stdio.h>

#include "al-cli.h"
#include "io/al-io.h"
#include "export/al-atoms-csv.h"
#include "simulate/al-score.h"
#include "simulate/al-simulate.h"

static const char description[] =
  "Atoms match one-to-one (optimal assignment) within a quarter of the nearest-neighbour\n"
  "distance. With TRUTH.json next to TRUTH.csv (written by “atomlens-cli simulate”) the\n"
  "Cramér–Rao bound of every column's position is computed from the image model (dose,\n"
  "probe, pixel size, noise) and compared with the RMSE. Defects are scored when\n"
  "--found-defects is given (against TRUTH-defects.csv), strain when --found-strain is\n"
  "given (against TRUTH-strain.csv).";

int
al_cli_score (int    argc,
              char **argv)
{
  g_autofree char *truth_path = NULL, *found_path = NULL, *image_path = NULL, *json_path = NULL;
  g_autofree char *found_defects = NULL, *found_strain = NULL, *material_name = NULL;
  g_autofree char *model_path = NULL;
  GOptionEntry entries[] = {
    { "truth", 't', 0, G_OPTION_ARG_FILENAME, &truth_path, "Truth table from “simulate --truth”", "TRUTH.csv" },
    { "found", 'f', 0, G_OPTION_ARG_FILENAME, &found_path, "Atoms found (atoms.csv)", "atoms.csv" },
    { "image", 'i', 0, G_OPTION_ARG_FILENAME, &image_path, "The image (for its pixel size when there is no TRUTH.json)", "IMAGE.tif" },
    { "found-defects", 0, 0, G_OPTION_ARG_FILENAME, &found_defects, "Defects found (defects.csv)", "defects.csv" },
    { "found-strain", 0, 0, G_OPTION_ARG_FILENAME, &found_strain, "Strain found (strain.csv)", "strain.csv" },
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &model_path, "Image model (default: TRUTH.json next to the truth)", "TRUTH.json" },
    { "material", 'm', 0, G_OPTION_ARG_STRING, &material_name, "Material, when the image model does not say", "M" },
    { "json", 'j', 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the figures as JSON", "OUT.json" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) truth = NULL;
  g_autoptr (GPtrArray) found = NULL;
  g_autoptr (AlScore) score = NULL;
  g_autofree char *text = NULL;
  const AlMaterial *material = NULL;
  AlImageModel model = { 0 };
  gboolean has_model = FALSE;
  double pixel_size = 0;

  g_option_context_set_summary (context, "Score found atoms, defects and strain against a simulated truth.");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (argc != 1)
    return al_cli_fail ("score takes no positional arguments (got “%s”)", argv[1]);
  if (truth_path == NULL || found_path == NULL)
    return al_cli_fail ("score needs --truth TRUTH.csv and --found atoms.csv");

  if (!g_file_test (truth_path, G_FILE_TEST_IS_REGULAR))
    return al_cli_fail ("cannot read the truth “%s”", truth_path);
  if (!g_file_test (found_path, G_FILE_TEST_IS_REGULAR))
    return al_cli_fail ("cannot read the found atoms “%s”", found_path);
  if (model_path == NULL)
    {
      model_path = al_sim_truth_sidecar (truth_path, ".json");
      has_model = g_file_test (model_path, G_FILE_TEST_EXISTS);
    }
  else
    has_model = TRUE;
  if (has_model && !al_image_model_load (&model, model_path, &error))
    return al_cli_fail ("%s", error->message);
  if (material_name != NULL)
    material = al_material_from_name (material_name);
  else if (has_model)
    material = al_material_from_name (model.material);
  if (material == NULL)
    {
      al_image_model_clear (&model);
      return al_cli_fail ("give the material with --material (no image model says it)");
    }
  if (image_path != NULL)
    {
      g_autoptr (AlImage) image = al_image_load (image_path, &error);
      if (image == NULL)
        {
          al_image_model_clear (&model);
          return al_cli_fail ("%s", error->message);
        }
      pixel_size = image->pixel_size;
    }

  truth = al_atoms_csv_read (truth_path, material, &error);
  if (truth != NULL)
    found = al_atoms_csv_read (found_path, material, &error);
  if (found == NULL)
    {
      al_image_model_clear (&model);
      return al_cli_fail ("%s", error->message);
    }
  score = al_score_atoms (truth, found, material, has_model ? &model : NULL, pixel_size);

  if (found_defects != NULL)
    {
      g_autofree char *truth_defects_path = al_sim_truth_sidecar (truth_path, "-defects.csv");
      g_autoptr (GArray) td = al_score_read_defects (truth_defects_path, &error);
      g_autoptr (GArray) fd = td ? al_score_read_defects (found_defects, &error) : NULL;
      if (fd == NULL)
        {
          al_image_model_clear (&model);
          return al_cli_fail ("%s", error->message);
        }
      al_score_defects (score, td, fd);
    }
  if (found_strain != NULL)
    {
      g_autofree char *truth_strain_path = al_sim_truth_sidecar (truth_path, "-strain.csv");
      g_autoptr (GHashTable) ts = al_score_read_strain (truth_strain_path, &error);
      g_autoptr (GHashTable) fs = ts ? al_score_read_strain (found_strain, &error) : NULL;
      if (fs == NULL)
        {
          al_image_model_clear (&model);
          return al_cli_fail ("%s", error->message);
        }
      al_score_strain (score, truth, found, ts, fs);
    }
  al_image_model_clear (&model);

  text = al_score_format_text (score);
  fputs (text, stdout);
  if (json_path != NULL)
    {
      g_autofree char *json = al_score_to_json (score);
      if (!g_file_set_contents (json_path, json, -1, &error))
        return al_cli_fail ("cannot write “%s”: %s", json_path, error->message);
    }
  return 0;
}
