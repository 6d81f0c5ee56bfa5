/* test-tiling.c: detection in tiles (al-tiling.c) against the whole-frame
 * run on a simulated MoS2 image with defects: with a forced tile side the
 * tiled run finds the same columns at the same positions, with no column
 * lost or doubled at the seams; tiles follow from the memory budget; and
 * a small frame stays whole; a budget too small even for tiles is refused. */
#include <math.h>
#include <string.h>

#include "al-error.h"
#include "al-limits.h"
#include "al-pipeline.h"
#include "al-tiling.h"
#include "simulate/al-simulate.h"

/* 384² px at 0.03 nm/px (MoS2 neighbour distance ≈ 6 px), 10⁵ e⁻/Å²,
 * vacancies and W dopants so tiles differ; a 160 px tile gives a 3 × 3
 * grid whose seams cross hundreds of columns. */
#define SIDE 384
#define TILE 160

/* Simulated once, freed at the end of main. */
static AlImage *image;

static AlImage *
simulate (void)
{
  if (image == NULL)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AlSimResult) sim = NULL;
      AlSimParams p;

      al_sim_params_init (&p, al_material_get (AL_MATERIAL_MOS2));
      p.width = p.height = SIDE;
      p.n_frames = 1;
      p.dose = 1e5;
      p.seed = 11;
      p.defects.density[AL_DEFECT_V_S] = 0.03;
      p.defects.density[AL_DEFECT_W_MO] = 0.02;
      sim = al_simulate_run (&p, NULL, NULL, &error);
      g_assert_no_error (error);
      image = g_steal_pointer (&sim->image);
    }
  return image;
}

static AlAnalysis *
analyse (guint tile_side)
{
  g_autoptr (GError) error = NULL;
  AlPipelineParams params;
  AlAnalysis *analysis;

  al_pipeline_params_init (&params);
  params.material = al_material_get (AL_MATERIAL_MOS2);
  params.n_threads = 2;
  params.tile_side = tile_side;
  analysis = al_pipeline_run (simulate (), &params, NULL, NULL, &error);
  g_assert_no_error (error);
  return analysis;
}

/* Index of the atom of `atoms` nearest to (x, y), and its squared distance. */
static guint
nearest (const AlAtoms *atoms,
         double         x,
         double         y,
         guint          skip,
         double        *d2)
{
  guint best = G_MAXUINT;

  *d2 = G_MAXDOUBLE;
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double e = (atoms->x[i] - x) * (atoms->x[i] - x) + (atoms->y[i] - y) * (atoms->y[i] - y);
      if (i != skip && e < *d2)
        {
          *d2 = e;
          best = i;
        }
    }
  return best;
}

/* Pairs of atoms closer than `r` px. */
static guint
close_pairs (const AlAtoms *atoms,
             double         r)
{
  guint n = 0;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      double d2;
      guint j = nearest (atoms, atoms->x[i], atoms->y[i], i, &d2);
      if (j != G_MAXUINT && j > i && d2 < r * r)
        {
          g_test_message ("close pair at (%.1f, %.1f), %.2f px apart", atoms->x[i], atoms->y[i],
                          sqrt (d2));
          n++;
        }
    }
  return n;
}

/* Columns cut by the frame's border are fitted on part of their peak, in
 * tiles as in the whole frame, and either run may keep or drop them; the
 * comparison is over columns at least one neighbour distance inside. */
static gboolean
inside (double x,
        double y,
        double border)
{
  return x >= border && y >= border && x <= SIDE - 1 - border && y <= SIDE - 1 - border;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
test_same_atoms (void)
{
  g_autoptr (AlAnalysis) whole = analyse (0);
  g_autoptr (AlAnalysis) tiled = analyse (TILE);
  const AlFrameResult *w = whole->frames->pdata[0], *t = tiled->frames->pdata[0];
  double neighbour = w->detect.neighbour_px, match = 0.25 * neighbour;
  g_autoptr (GArray) shifts = g_array_new (FALSE, FALSE, sizeof (double));
  guint unmatched = 0, extra = 0, species_differ = 0, near_seam = 0;

  g_assert_cmpuint (whole->n_tiles, ==, 0);
  g_assert_cmpuint (tiled->tile_side, ==, TILE);
  g_assert_cmpuint (tiled->n_tiles, ==, 9);
  g_assert_cmpfloat (neighbour, >, 4.0);
  g_test_message ("whole %u atoms, tiled %u", w->atoms->n_atoms, t->atoms->n_atoms);

  /* No gaps: every column of the whole-frame run is in the tiled one, at
   * the same place (same fit, same context) and with the same species. */
  for (guint i = 0; i < w->atoms->n_atoms; i++)
    {
      double d2, x = w->atoms->x[i], y = w->atoms->y[i];
      guint j = nearest (t->atoms, x, y, G_MAXUINT, &d2);
      gboolean seam;

      if (!inside (x, y, neighbour))
        continue;
      seam = fabs (fmod (x, TILE) - TILE / 2.0) > TILE / 2.0 - 2 * neighbour
                      || fabs (fmod (y, TILE) - TILE / 2.0) > TILE / 2.0 - 2 * neighbour;

      if (d2 > match * match)
        {
          unmatched++;
          continue;
        }
      near_seam += seam;
      g_array_append_val (shifts, d2);
      species_differ += w->atoms->species[i] != t->atoms->species[j];
    }
  /* No extras: every tiled column is one of the whole run's. */
  for (guint j = 0; j < t->atoms->n_atoms; j++)
    {
      double d2;
      nearest (w->atoms, t->atoms->x[j], t->atoms->y[j], G_MAXUINT, &d2);
      extra += d2 > match * match && inside (t->atoms->x[j], t->atoms->y[j], neighbour);
    }
  g_array_sort (shifts, cmp_double);
  g_test_message ("unmatched %u, extra %u, species differ %u, matched near seams %u, "
                  "median shift %.4f px, 99th percentile %.4f px", unmatched, extra,
                  species_differ, near_seam, sqrt (g_array_index (shifts, double, shifts->len / 2)),
                  sqrt (g_array_index (shifts, double, shifts->len * 99 / 100)));
  g_assert_cmpuint (w->atoms->n_atoms, >, 3000);
  g_assert_cmpuint (near_seam, >, 300);
  g_assert_cmpuint (unmatched, <=, w->atoms->n_atoms / 500);
  g_assert_cmpuint (extra, <=, w->atoms->n_atoms / 500);
  g_assert_cmpuint (species_differ, <=, w->atoms->n_atoms / 200);
  /* Each tile measures its own noise, background and column width, so fits
   * move a little: far less than their statistical error here (the
   * localisation RMSE at this dose is ≈ 0.17 px). */
  g_assert_cmpfloat (sqrt (g_array_index (shifts, double, shifts->len / 2)), <, 0.02);
  g_assert_cmpfloat (sqrt (g_array_index (shifts, double, shifts->len * 99 / 100)), <, 0.2);
  /* No duplicates at the seams: hundreds of columns lie on them, each found
   * by two or four tiles; at most a stray pair or two more than the whole
   * run has (one tile's detection may split a column the whole run did
   * not, as `extra` above allows). */
  g_assert_cmpuint (close_pairs (t->atoms, 0.5 * neighbour), <=,
                    close_pairs (w->atoms, 0.5 * neighbour) + 2);
  /* Bonds and defects ran on the merged atoms. */
  g_assert_nonnull (t->structure);
}

/* Tiles follow from the budget: a frame whose working set exceeds half the
 * budget is tiled, a small one is not, and too small a budget is refused. */
static void
test_plan_from_budget (void)
{
  g_autoptr (AlAnalysis) analysis = al_analysis_new ();
  g_autoptr (GError) error = NULL;
  AlPipelineParams params;

  al_pipeline_params_init (&params);
  analysis->width = analysis->height = 16384;
  al_limits_set_memory_budget ((guint64) 4 << 30);
  g_assert_true (al_tiling_plan (analysis, &params, &error));
  g_assert_cmpuint (analysis->tile_side, >=, AL_TILING_MIN_SIDE);
  g_assert_cmpuint (analysis->tile_side, <=, AL_TILING_MAX_SIDE);
  /* The tile's window, margins included, fits half the budget. */
  g_assert_cmpuint ((guint64) (analysis->tile_side + 4 * AL_TILING_MIN_MARGIN)
                      * (analysis->tile_side + 4 * AL_TILING_MIN_MARGIN) * AL_TILING_BYTES_PER_PIXEL,
                    <=, (guint64) 2 << 30);
  g_assert_cmpuint (analysis->n_tiles, ==, (16384 + analysis->tile_side - 1) / analysis->tile_side
                                             * ((16384 + analysis->tile_side - 1) / analysis->tile_side));

  analysis->width = analysis->height = 1024;
  g_assert_true (al_tiling_plan (analysis, &params, &error));
  g_assert_cmpuint (analysis->tile_side, ==, 0);

  /* At the smallest budget (64 MiB) a 2048² frame is tiled. */
  al_limits_set_memory_budget (AL_LIMITS_SMALL_BUDGET);
  analysis->width = analysis->height = 2048;
  g_assert_true (al_tiling_plan (analysis, &params, &error));
  g_assert_cmpuint (analysis->tile_side, >, 0);
  g_assert_cmpuint (analysis->tile_side, <, 1024);

  /* With 1 MiB not even the smallest tile fits: refused, with a message. */
  al_limits_set_memory_budget ((guint64) 1 << 20);
  g_assert_false (al_tiling_plan (analysis, &params, &error));
  g_assert_error (error, AL_ERROR, AL_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "smallest tiles"));
  al_limits_set_memory_budget (0);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tiling/same-atoms", test_same_atoms);
  g_test_add_func ("/tiling/plan-from-budget", test_plan_from_budget);
  ret = g_test_run ();
  g_clear_pointer (&image, al_image_free);
  return ret;
}
