/* cli-bench-accuracy.c: `bench chem --accuracy [--source truth|detect]`:
 * how well the structure stage finds defects, phases, strain and the
 * lattice on simulated images (dose 10⁴ e⁻/Å²) with exact truth.
 *
 * --source truth (default): the simulator's columns with 3 pm of Gaussian
 *   position noise, species as simulated: the structure stage alone.
 * --source detect: the columns found by the pipeline in the simulated
 *   image: detection and structure together.
 *
 * Per scenario it prints defect precision and recall per type (matched
 * within one bond length, as `atomlens-cli score` does), the share of true
 * grain-boundary and edge columns found as such, the per-column phase IoU,
 * the RMSE of per-atom strain and of GPA against the imposed strain (away
 * from the field's border and from dislocation cores), and the error of the
 * fitted lattice constant.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli-bench.h"
#include "al-pipeline.h"
#include "defects/al-structure.h"
#include "simulate/al-score.h"
#include "simulate/al-simulate.h"
#include "strain/al-gpa.h"

#define ACC_DOSE 1e4
#define ACC_JITTER_NM 0.003
/* Strain is compared this far (in a) from the border of the field, GPA
 * further (its mask has tails), and this far from a dislocation core (nm). */
#define ACC_BORDER_A 3.0
#define ACC_GPA_BORDER_FRACTION 0.1
#define ACC_CORE_NM 1.5
/* Columns where the imposed strain exceeds this are at a core. */
#define ACC_CORE_STRAIN 0.05

typedef struct
{
  const char  *name;
  AlMaterialId material;
  guint        size;
  const char  *defects;
  const char  *strain;
} Scenario;

static const Scenario scenarios[] = {
  { "mos2-point", AL_MATERIAL_MOS2, 1024, "V_S=0.02,V_S2=0.008,Mo_S2=0.004,W_Mo=0.01,V_Mo=0.004", NULL },
  { "ws2-point", AL_MATERIAL_WS2, 1024, "V_S=0.02,V_S2=0.008,Mo_S2=0.004,W_Mo=0.01,V_Mo=0.004", NULL },
  { "graphene-point", AL_MATERIAL_GRAPHENE, 1536, "V1=0.002,V2_585=0.0015,SW=0.0015,Si_C3=0.002,Si_C4=0.0015", NULL },
  { "mos2-lines", AL_MATERIAL_MOS2, 1024, "grain_boundary=1,edge=1", NULL },
  { "graphene-lines", AL_MATERIAL_GRAPHENE, 1024, "grain_boundary=1,edge=1", NULL },
  { "mos2-phases", AL_MATERIAL_MOS2, 1024, "phase_1T=1,phase_1Tp=1,amorphous=1", NULL },
  { "mos2-strain-1", AL_MATERIAL_MOS2, 1024, NULL, "exx=0.01,eyy=-0.005,exy=0.003" },
  { "mos2-strain-3", AL_MATERIAL_MOS2, 1024, NULL, "exx=0.03,eyy=0.01,exy=-0.01" },
  { "mos2-dislocation", AL_MATERIAL_MOS2, 1024, NULL, "dislocation=2" },
};

static double
gauss (GRand *rand)
{
  double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static AlPhase
truth_phase (AlDefectType t)
{
  switch (t)
    {
    case AL_DEFECT_PHASE_1T: return AL_PHASE_1T;
    case AL_DEFECT_PHASE_1TP: return AL_PHASE_1TP;
    case AL_DEFECT_AMORPHOUS: return AL_PHASE_AMORPHOUS;
    default: return AL_PHASE_2H;
    }
}

static void
report_defects (const AlSimResult *sim,
                const AlStructure *s,
                GPtrArray         *truth_list,
                GPtrArray         *found_list,
                double             pixel)
{
  g_autoptr (AlScore) score = al_score_atoms (truth_list, found_list, sim->params.material, NULL, pixel);
  g_autoptr (GArray) td = g_array_new (FALSE, FALSE, sizeof (AlScoreDefect));
  g_autoptr (GArray) fd = g_array_new (FALSE, FALSE, sizeof (AlScoreDefect));

  for (guint q = 0; q < sim->defects->len; q++)
    {
      const AlSimDefect *d = sim->defects->pdata[q];
      AlScoreDefect e = { d->frame, d->type, d->x_px, d->y_px };
      if (d->frame == 0 && al_defect_type_is_point (d->type))
        g_array_append_val (td, e);
    }
  for (guint q = 0; q < al_defects_len (s->defects); q++)
    {
      const AlDefect *d = al_defects_get (s->defects, q);
      AlScoreDefect e = { 0, d->type, d->x, d->y };
      if (al_defect_type_is_point (d->type))
        g_array_append_val (fd, e);
    }
  al_score_defects (score, td, fd);
  if (g_getenv ("AL_BENCH_VERBOSE"))
    for (guint q = 0; q < td->len; q++)
      {
        const AlScoreDefect *t = &g_array_index (td, AlScoreDefect, q);
        double best = INFINITY;
        int bt = 0;
        for (guint k = 0; k < fd->len; k++)
          {
            const AlScoreDefect *f = &g_array_index (fd, AlScoreDefect, k);
            double dd = hypot (f->x_px - t->x_px, f->y_px - t->y_px);
            if (f->type == t->type && dd < best)
              best = dd;
            if (dd < 20 && f->type != t->type)
              bt = f->type;
          }
        if (best * pixel > al_material_neighbour_nm (sim->params.material))
          printf ("    missed %s at %.1f %.1f (nearest same type %.2f nm; other type nearby: %s)\n",
                  al_defect_type_name (t->type), t->x_px, t->y_px, best * pixel, al_defect_type_name (bt));
      }
  for (int t = 1; t < AL_N_DEFECT_TYPES; t++)
    if (al_defect_type_is_point (t) && (score->defect_truth[t] || score->defect_found[t]))
      printf ("  %-15s truth %4u found %4u  precision %.3f  recall %.3f\n", al_defect_type_name (t),
              score->defect_truth[t], score->defect_found[t],
              score->defect_found[t] ? (double) score->defect_matched[t] / score->defect_found[t] : 1.0,
              score->defect_truth[t] ? (double) score->defect_matched[t] / score->defect_truth[t] : 1.0);
  printf ("  atoms           truth %4u found %4u  precision %.3f  recall %.3f\n", score->n_truth,
          score->n_found, score->precision, score->recall);
}

/* Index of the found atom matched to each truth atom (-1: none). */
static int *
match_atoms (GPtrArray         *truth_list,
             GPtrArray         *found_list,
             const AlMaterial  *m,
             double             pixel)
{
  g_autoptr (AlScore) score = al_score_atoms (truth_list, found_list, m, NULL, pixel);
  GArray *mt = score->matches->pdata[0];
  int *match = g_new (int, mt->len + 1);

  memcpy (match, mt->data, mt->len * sizeof (int));
  return match;
}

static void
report_lines_and_phases (const AlSimResult *sim,
                         const AlStructure *s,
                         const AlAtoms     *truth,
                         const AlAtoms     *found,
                         const int         *match)
{
  guint n_line[2] = { 0 }, hit_line[2] = { 0 }, fp_line[2] = { 0 }, lost_line[2] = { 0 };
  guint inter[AL_N_PHASES] = { 0 }, uni[AL_N_PHASES] = { 0 };
  guint dinter[AL_N_PHASES] = { 0 }, duni[AL_N_PHASES] = { 0 };
  int line_types[2] = { AL_DEFECT_GRAIN_BOUNDARY, AL_DEFECT_EDGE };
  gboolean any_phase = FALSE;

  for (guint i = 0; i < truth->n_atoms; i++)
    {
      int j = match[i];
      AlPhase tp = truth_phase (truth->defect_type[i]), fp;
      if (truth->species[i] < 0)
        continue;  /* contamination atoms on top of the lattice */
      for (int k = 0; k < 2; k++)
        if (truth->defect_type[i] == line_types[k])
          {
            n_line[k]++;
            lost_line[k] += j < 0;
            hit_line[k] += j >= 0 && found->defect_type[j] == line_types[k];
          }
        else if (j >= 0 && found->defect_type[j] == line_types[k])
          fp_line[k]++;
      fp = j >= 0 ? (AlPhase) s->phases->atom_phase[j] : AL_PHASE_VACUUM;
      any_phase |= tp != AL_PHASE_2H;
      uni[tp]++;
      if (fp != tp)
        uni[fp]++;
      else
        inter[tp]++;
      {
        /* The map itself at the true column, found or not. */
        AlPhase mp = al_phase_map_at (s->phases, truth->x[i], truth->y[i]);
        duni[tp]++;
        if (mp != tp)
          duni[mp]++;
        else
          dinter[tp]++;
      }
    }
  for (int k = 0; k < 2; k++)
    if (n_line[k] > 0)
      printf ("  %-15s true columns %4u found as such %.3f (not detected: %u; columns wrongly marked: %u)\n",
              al_defect_type_name (line_types[k]), n_line[k], (double) hit_line[k] / n_line[k], lost_line[k],
              fp_line[k]);
  if (any_phase)
    for (int p = AL_PHASE_2H; p < AL_N_PHASES; p++)
      if (uni[p] > 0)
        printf ("  phase %-9s IoU %.3f (per found column, %u columns; of the map at the true columns %.3f)\n",
                al_phase_name (p), (double) inter[p] / uni[p], uni[p],
                duni[p] ? (double) dinter[p] / duni[p] : 0.0);
  (void) sim;
}

/* RMSE over exx, eyy, exy of per-atom strain and of GPA, and the lattice
 * constant error. */
static void
report_strain (const AlSimResult *sim,
               const AlStructure *s,
               const AlAtoms     *truth,
               const AlAtoms     *found,
               const int         *match,
               double             pixel)
{
  const AlMaterial *m = sim->params.material;
  GArray *ts = sim->strain->pdata[0];
  double a_px = m->a_nm / pixel, w = sim->params.width, h = sim->params.height;
  double sum = 0.0, sum_gpa = 0.0;
  guint n = 0, n_gpa = 0;
  g_autoptr (AlGpaMaps) maps = NULL;
  AlGpaParams gp;
  double b[2][2];
  g_autoptr (GArray) cores = NULL;
  double bias[3] = { 0 };

  if (s->strain == NULL)
    {
      printf ("  strain: no lattice fitted\n");
      return;
    }
  /* Dislocation cores: where the imposed field itself is large. */
  cores = g_array_new (FALSE, FALSE, sizeof (double));
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      const AlSimStrain *t = &g_array_index (ts, AlSimStrain, i);
      if (fabs (t->exx) > ACC_CORE_STRAIN || fabs (t->eyy) > ACC_CORE_STRAIN || fabs (t->exy) > ACC_CORE_STRAIN)
        {
          g_array_append_val (cores, truth->x[i]);
          g_array_append_val (cores, truth->y[i]);
        }
    }
  /* GPA against the material's lattice turned to the fitted orientation. */
  al_gpa_params_init (&gp);
  if (g_getenv ("AL_BENCH_GPA_SIGMA"))
    gp.mask_sigma_fraction = g_ascii_strtod (g_getenv ("AL_BENCH_GPA_SIGMA"), NULL);
  maps = al_gpa_run (al_image_frame_const (sim->image, 0), sim->image->width, sim->image->height,
                     &gp, NULL, NULL);
  if (maps != NULL)
    {
      gp.auto_g = FALSE;
      memcpy (gp.g, maps->g, sizeof gp.g);
      gp.have_reference = TRUE;
      al_gpa_reciprocal (s->strain->reference.a1, s->strain->reference.a2, b);
      al_gpa_match_reference (maps->g, b, gp.g_ref);
      g_clear_pointer (&maps, al_gpa_maps_free);
      maps = al_gpa_run (al_image_frame_const (sim->image, 0), sim->image->width, sim->image->height,
                         &gp, NULL, NULL);
    }
  for (guint i = 0; i < truth->n_atoms; i++)
    {
      const AlSimStrain *t = &g_array_index (ts, AlSimStrain, i);
      int j = match[i];
      gboolean near_core = FALSE;
      double x = truth->x[i], y = truth->y[i];
      if (truth->species[i] < 0 || x < ACC_BORDER_A * a_px || y < ACC_BORDER_A * a_px
          || x > w - ACC_BORDER_A * a_px || y > h - ACC_BORDER_A * a_px)
        continue;
      for (guint q = 0; q < cores->len; q += 2)
        if (hypot (g_array_index (cores, double, q) - x, g_array_index (cores, double, q + 1) - y) * pixel
            < ACC_CORE_NM)
          near_core = TRUE;
      if (near_core)
        continue;
      if (j >= 0 && !isnan (s->strain->exx[j]))
        {
          if (g_getenv ("AL_BENCH_VERBOSE") && fabs (s->strain->exx[j] - t->exx) > 0.02)
            printf ("    strain off at %.0f %.0f: exx %.4f truth %.4f eyy %.4f truth %.4f\n", x, y,
                    s->strain->exx[j], t->exx, s->strain->eyy[j], t->eyy);
          sum += pow (s->strain->exx[j] - t->exx, 2) + pow (s->strain->eyy[j] - t->eyy, 2)
                 + pow (s->strain->exy[j] - t->exy, 2);
          bias[0] += s->strain->exx[j] - t->exx;
          bias[1] += s->strain->eyy[j] - t->eyy;
          bias[2] += s->strain->exy[j] - t->exy;
          n++;
        }
      if (maps != NULL && x > ACC_GPA_BORDER_FRACTION * w && x < (1 - ACC_GPA_BORDER_FRACTION) * w
          && y > ACC_GPA_BORDER_FRACTION * h && y < (1 - ACC_GPA_BORDER_FRACTION) * h)
        {
          gsize k = (gsize) lround (y) * sim->image->width + (gsize) lround (x);
          if (!isnan (maps->exx[k]))
            {
              sum_gpa += pow (maps->exx[k] - t->exx, 2) + pow (maps->eyy[k] - t->eyy, 2)
                         + pow (maps->exy[k] - t->exy, 2);
              n_gpa++;
            }
        }
    }
  if (maps && g_getenv ("AL_BENCH_VERBOSE"))
    printf ("    GPA g %.5f %.5f / %.5f %.5f  ref %.5f %.5f / %.5f %.5f\n", maps->g[0][0], maps->g[0][1],
            maps->g[1][0], maps->g[1][1], maps->g_ref[0][0], maps->g_ref[0][1], maps->g_ref[1][0], maps->g_ref[1][1]);
  if (g_getenv ("AL_BENCH_VERBOSE") && n > 0)
    printf ("    per-atom bias exx %.4f eyy %.4f exy %.4f; radius %.1f a\n", bias[0] / n, bias[1] / n, bias[2] / n,
            s->strain->radius_a);
  printf ("  strain per-atom RMSE %.3f %% (%u atoms)   GPA RMSE %.3f %% (%u atoms)\n",
          n ? 100 * sqrt (sum / (3 * n)) : NAN, n, n_gpa ? 100 * sqrt (sum_gpa / (3 * n_gpa)) : NAN, n_gpa);
  (void) found;
}

/* Lattice constant: fitted to the found atoms against the same fit of the
 * exact truth columns (which carry the imposed strain). */
static void
report_lattice (const AlStructure *s,
                AlAtoms           *truth,
                const AlMaterial  *m,
                double             pixel)
{
  AlStructureParams params = { { 0 }, { 0 }, 0, 0 };
  g_autoptr (AlAtoms) exact = al_atoms_copy (truth);
  g_autoptr (AlStructure) ts = NULL;

  for (guint i = exact->n_atoms; i-- > 0;)
    if (exact->species[i] < 0)
      al_atoms_remove (exact, i);
  ts = al_structure_analyze (exact, m, pixel, 0, &params, NULL, NULL, NULL);
  if (s->strain == NULL || ts == NULL || ts->strain == NULL)
    return;
  printf ("  lattice a %.5f nm (truth %.5f nm): error %.3f %%; spread %.4f nm\n",
          s->strain->a_px * pixel, ts->strain->a_px * pixel,
          100 * fabs (s->strain->a_px - ts->strain->a_px) / ts->strain->a_px,
          s->strain->a_local_spread_px * pixel);
}

static int
run_scenario (const Scenario *sc,
              gboolean        detect,
              guint64         seed,
              double          dose)
{
  const AlMaterial *m = al_material_get (sc->material);
  AlSimParams p;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlSimResult) sim = NULL;
  g_autoptr (AlAtoms) found = NULL;
  g_autoptr (AlStructure) own = NULL;
  g_autoptr (AlAnalysis) analysis = NULL;
  g_autoptr (GPtrArray) truth_list = g_ptr_array_new ();
  g_autoptr (GPtrArray) found_list = g_ptr_array_new ();
  g_autofree int *match = NULL;
  const AlStructure *s;
  AlAtoms *truth;
  double pixel;

  al_sim_params_init (&p, m);
  p.width = p.height = sc->size;
  p.dose = dose > 0 ? dose : ACC_DOSE;
  p.noiseless = g_getenv ("AL_BENCH_NOISELESS") != NULL;
  p.seed = seed;
  if ((sc->defects && !al_sim_defect_spec_parse (&p.defects, m, sc->defects, &error))
      || (sc->strain && !al_sim_strain_spec_parse (&p.strain, sc->strain, &error))
      || (sim = al_simulate_run (&p, NULL, NULL, &error)) == NULL)
    return al_cli_fail ("bench chem-accuracy %s: %s", sc->name, error->message);
  truth = sim->atoms->pdata[0];
  pixel = p.pixel_size_nm;
  if (detect)
    {
      AlPipelineParams pp;
      al_pipeline_params_init (&pp);
      pp.material = m;
      pp.n_threads = g_get_num_processors ();
      analysis = al_pipeline_run (sim->image, &pp, NULL, NULL, &error);
      if (analysis == NULL)
        return al_cli_fail ("bench chem-accuracy %s: %s", sc->name, error->message);
      found = al_atoms_copy (((AlFrameResult *) analysis->frames->pdata[0])->atoms);
      s = ((AlFrameResult *) analysis->frames->pdata[0])->structure;
      if (g_getenv ("AL_BENCH_RADIUS_A"))
        {
          AlStructureParams sp = { { 0 }, { 0 }, p.width, p.height, al_image_frame_const (sim->image, 0) };
          sp.strain.radius_a = g_ascii_strtod (g_getenv ("AL_BENCH_RADIUS_A"), NULL);
          own = al_structure_analyze (((AlFrameResult *) analysis->frames->pdata[0])->atoms, m, pixel,
                                      0, &sp, NULL, NULL, &error);
          s = own;
        }
    }
  else
    {
      g_autoptr (GRand) rand = g_rand_new_with_seed ((guint32) seed);
      AlStructureParams sp = { { 0 }, { 0 }, p.width, p.height };
      if (g_getenv ("AL_BENCH_RADIUS_A"))
        sp.strain.radius_a = g_ascii_strtod (g_getenv ("AL_BENCH_RADIUS_A"), NULL);
      found = al_atoms_copy (truth);
      for (guint i = 0; i < found->n_atoms; i++)
        {
          found->x[i] += gauss (rand) * ACC_JITTER_NM / pixel;
          found->y[i] += gauss (rand) * ACC_JITTER_NM / pixel;
        }
      own = al_structure_analyze (found, m, pixel, 0, &sp, NULL, NULL, &error);
      if (own == NULL)
        return al_cli_fail ("bench chem-accuracy %s: %s", sc->name, error->message);
      s = own;
      /* The analysis labelled its own copy; `found` holds them. */
    }
  if (detect)
    {
      AlAtoms *fa = ((AlFrameResult *) analysis->frames->pdata[0])->atoms;
      g_ptr_array_add (found_list, fa);
    }
  else
    g_ptr_array_add (found_list, found);
  g_ptr_array_add (truth_list, truth);
  printf ("%s (%s, %u² px, %.3f nm/px, %.3g e/Å², seed %" G_GUINT64_FORMAT ", %s atoms)\n", sc->name, m->name,
          sc->size, pixel, p.dose, seed, detect ? "detected" : "truth + 3 pm");
  report_defects (sim, s, truth_list, found_list, pixel);
  match = match_atoms (truth_list, found_list, m, pixel);
  report_lines_and_phases (sim, s, truth, found_list->pdata[0], match);
  if (sc->strain != NULL || sc->defects == NULL)
    {
      report_strain (sim, s, truth, found_list->pdata[0], match, pixel);
      report_lattice (s, truth, m, pixel);
    }
  return 0;
}

int
al_cli_bench_chem_accuracy (int    argc,
                            char **argv)
{
  g_autofree char *source = NULL;
  g_autofree char *only = NULL;
  gint64 seed = 1;
  double dose = 0.0;
  gboolean accuracy = TRUE;
  GOptionEntry entries[] = {
    { "source", 0, 0, G_OPTION_ARG_STRING, &source, "truth (simulated columns + 3 pm) or detect", "S" },
    { "scenario", 0, 0, G_OPTION_ARG_STRING, &only, "Run only this scenario", "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Simulation seed (default 1)", "S" },
    { "dose", 0, 0, G_OPTION_ARG_DOUBLE, &dose, "Dose, e⁻/Å² (default 10⁴)", "D" },
    { "accuracy", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &accuracy, NULL, NULL },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("");
  gboolean detect;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!al_cli_parse (context, &argc, &argv))
    return 1;
  if (source != NULL && strcmp (source, "truth") != 0 && strcmp (source, "detect") != 0)
    return al_cli_fail ("--source wants truth or detect (got “%s”)", source);
  detect = source != NULL && strcmp (source, "detect") == 0;
  for (guint i = 0; i < G_N_ELEMENTS (scenarios) && status == 0; i++)
    if (only == NULL || strcmp (only, scenarios[i].name) == 0)
      status = run_scenario (&scenarios[i], detect, (guint64) seed, dose);
  return status;
}
