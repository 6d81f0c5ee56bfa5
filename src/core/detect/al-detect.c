/* al-detect.c: the detection stage entry (see al-detect.h).
 *
 * Distances come from the lattice: the nearest-neighbour column distance
 * (from the FFT period and the material, or measured on peaks when the
 * structure is unknown) sets the suppression radius; the column width,
 * measured by free Gaussian fits on a central crop, sets the filter scale
 * and the fitting windows. Candidates are taken generously, fitted, and
 * kept only when their fitted amplitude is significant and bright enough
 * for the dimmest species the material can have; the survivors are fitted
 * again without the rejected ones pulling on them.
 */
#include "detect/al-detect-private.h"

#include <math.h>
#include <string.h>

#include "al-error.h"
#include "detect/al-filter.h"
#include "detect/al-lattice-pull.h"
#include "detect/al-lattice-snap.h"
#include "detect/al-log.h"
#include "detect/al-site-fill.h"
#include "detect/al-site-fill-honeycomb.h"
#include "detect/al-sites.h"
#include "detect/al-species-sublattice.h"

void
al_detect_params_init (AlDetectParams *params)
{
  memset (params, 0, sizeof *params);
  params->min_significance = AL_DETECT_MIN_SIGNIFICANCE;
  params->n_threads = 1;
}

static GArray *
fits_from_peaks (const float *frame,
                 const float *background,
                 guint        width,
                 GArray      *peaks,
                 double       width_px)
{
  g_autofree AlColumnFit *cols = al_detect_columns_from_peaks (frame, background, width, peaks, width_px);
  GArray *fits = g_array_sized_new (FALSE, FALSE, sizeof (AlColumnFit), peaks->len);

  g_array_append_vals (fits, cols, peaks->len);
  return fits;
}

/* Whether the two honeycomb sites hold different columns (TMDs, hBN): the
 * site reasoning of al-sites.c tells the sublattices apart by brightness,
 * and in graphene it would take noise for the split and fill the hexagon
 * centres (graphene at 0.05 nm/px: 8720 such sites tried for 6253 atoms). */
static gboolean
two_sublattices (const AlMaterial *material)
{
  return material != NULL && material->site_species[0] != material->site_species[1];
}

/* Graphene (and hBN, whose B and N are too alike to seed the two-class
 * prior at low dose): the honeycomb read from the Bragg spots
 * (al-site-fill-honeycomb.c). */
static gboolean
one_layer_honeycomb (const AlMaterial *material)
{
  return material != NULL && !material->is_tmd;
}

/* The detection map and its candidate threshold. */
static float *
detection_map (const float          *frame,
               guint                 width,
               guint                 height,
               const AlDetectParams *params,
               double                width_px,
               double                noise,
               float                *threshold)
{
  gsize n_px = (gsize) width * height;
  float *map;

  if (params->prob_maps != NULL)
    {
      map = g_new0 (float, n_px);
      for (guint c = 0; c < params->n_channels; c++)
        if (params->channel_species[c] >= 0)
          for (gsize i = 0; i < n_px; i++)
            map[i] += params->prob_maps[c * n_px + i];
      *threshold = AL_DETECT_PROB_THRESHOLD;
      return map;
    }
  map = al_log_response_threaded (frame, width, height, AL_LOG_SCALE_FRACTION * width_px,
                                  params->n_threads);
  {
    double floor = AL_DETECT_CANDIDATE_SIGMAS * noise
                   * al_log_noise_gain (AL_LOG_SCALE_FRACTION * width_px);
    g_autoptr (GArray) probe = al_peaks_find_threaded (map, width, height, 4.0 * width_px,
                                                       (float) floor, 1, params->n_threads);
    float bright = probe->len ? g_array_index (probe, AlPeak, probe->len / 10).value : 0.0f;
    *threshold = (float) MAX (floor, AL_DETECT_CANDIDATE_FRACTION * bright);
  }
  return map;
}

/* Species from the network's channels: the strongest atom channel around
 * the column. */
static void
species_from_channels (AlAtoms              *atoms,
                       const AlDetectParams *params,
                       guint                 width,
                       guint                 height)
{
  gsize n_px = (gsize) width * height;

  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      int cx = (int) lround (atoms->x[i]), cy = (int) lround (atoms->y[i]);
      double best = -1, total = 0;
      int arg = -1;
      for (guint c = 0; c < params->n_channels; c++)
        {
          double sum = 0;
          if (params->channel_species[c] < 0)
            continue;
          for (int y = MAX (cy - 1, 0); y <= MIN (cy + 1, (int) height - 1); y++)
            for (int x = MAX (cx - 1, 0); x <= MIN (cx + 1, (int) width - 1); x++)
              sum += params->prob_maps[c * n_px + (gsize) y * width + x];
          total += sum;
          if (sum > best)
            {
              best = sum;
              arg = params->channel_species[c];
            }
        }
      atoms->species[i] = (gint16) arg;
      atoms->confidence[i] = total > 0 ? (float) (best / total) : 0.0f;
    }
}

static gboolean
check_input (const float *frame,
             guint        width,
             guint        height,
             GError     **error)
{
  if (width < AL_DETECT_MIN_SIDE || height < AL_DETECT_MIN_SIDE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                   "The image is too small to find atoms in (%u × %u pixels)", width, height);
      return FALSE;
    }
  for (gsize i = 0; i < (gsize) width * height; i++)
    if (!isfinite (frame[i]))
      {
        g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT,
                     "The image has a pixel that is not a number at x %u, y %u",
                     (guint) (i % width), (guint) (i / width));
        return FALSE;
      }
  return TRUE;
}

/* Sets the scales in `info`; FALSE when the image gives none (no lattice,
 * no calibration to go by): then there is nothing periodic to detect. */
static gboolean
find_scales (const float          *frame,
             guint                 width,
             guint                 height,
             const AlDetectParams *params,
             AlDetectInfo         *info,
             GError              **error)
{
  const AlMaterial *m = params->material;

  double hint = m != NULL && params->pixel_size_nm > 0 ? m->a_nm / params->pixel_size_nm : 0.0;

  if (MIN (width, height) >= 32
      && !al_lattice_estimate_near (frame, width, height, hint, &info->lattice, error))
    return FALSE;
  info->pixel_size_nm = params->pixel_size_nm;
  if (info->pixel_size_nm <= 0)
    info->pixel_size_nm = al_lattice_pixel_size (&info->lattice, m);

  if (m != NULL && info->lattice.found && info->lattice.hexagonal
      && (params->pixel_size_nm <= 0
          || fabs (info->lattice.period_px * params->pixel_size_nm / m->a_nm - 1.0) < 0.15))
    info->neighbour_px = al_lattice_neighbour_px (&info->lattice, m);
  else if (m != NULL && params->pixel_size_nm > 0)
    info->neighbour_px = al_material_neighbour_nm (m) / params->pixel_size_nm;
  else if (info->lattice.found)
    info->neighbour_px = al_detect_measure_neighbour (frame, width, height, info->lattice.period_px,
                                            info->noise_sigma);
  return info->neighbour_px >= 2.0;
}

/* The lattice prior (al-site-fill.c): columns on the honeycomb sites the
 * found columns imply, then a fit of their positions (and of what moves
 * with them). A site's column keeps its fitted position only while that
 * stays on the site; the fit does not decide whether it is there. */
static gboolean
fill_sites (const float          *frame,
            const float          *background,
            guint                 width,
            guint                 height,
            GArray               *fits,
            const AlRefineParams *rp,
            AlDetectInfo         *info,
            const AlDetectParams *params,
            GArray               *single,
            GArray               *labels,
            GCancellable         *cancellable,
            GError              **error)
{
  AlSiteFillParams sp;
  AlRefineParams p = *rp;
  guint n_old = fits->len, added;
  double lattice_width = 0.0;
  g_autofree guint8 *active = NULL;
  g_autofree AlColumnFit *placed = NULL;
  AlColumnFit *cols;

  al_site_fill_params_init (&sp, info->column_width_px, info->neighbour_px);
  sp.n_threads = params->n_threads;
  if (one_layer_honeycomb (params->material))
    added = al_site_fill_honeycomb (frame, background, width, height, fits, &sp, &lattice_width,
                                    labels);
  else
    added = al_site_fill (frame, background, width, height, fits, &sp, single);
  g_debug ("detect: %u columns on lattice sites", added);
  if (added == 0)
    return TRUE;
  cols = (AlColumnFit *) fits->data;
  placed = g_memdup2 (cols + n_old, sizeof (AlColumnFit) * added);
  active = g_new0 (guint8, fits->len);
  memset (active + n_old, 1, added);
  /* The width the lattice's mean profile shows (where one column's is lost
   * in the noise) is every column's: all are fitted again with it. */
  if (lattice_width > 0
      && fabs (lattice_width / info->column_width_px - 1.0) > AL_DETECT_WIDTH_REFIT)
    {
      info->column_width_px = p.width_px = lattice_width;
      for (guint i = 0; i < n_old; i++)
        cols[i].width = lattice_width;
      memset (active, 1, fits->len);
    }
  p.active = active;
  p.warm = TRUE;
  if (!al_refine_columns (frame, width, height, cols, fits->len, &p, cancellable, error))
    return FALSE;
  if (one_layer_honeycomb (params->material))
    {
      al_site_fill_honeycomb_settle (cols + n_old, placed, added);
      return TRUE;
    }
  for (guint k = 0; k < added; k++)
    {
      AlColumnFit *c = &cols[n_old + k];
      if (!c->ok || !(c->amplitude > 0)
          || hypot (c->x - placed[k].x, c->y - placed[k].y)
               > AL_DETECT_SITE_SHIFT_FRACTION * info->neighbour_px)
        *c = placed[k];
    }
  return TRUE;
}

/* The material's column of one chalcogen (1T sites), or -1. */
static int
single_chalcogen (const AlMaterial *m)
{
  const AlSpecies *pair = &m->species[m->site_species[1]];

  for (guint k = 0; k < m->n_species; k++)
    if (m->species[k].n_atoms == 1 && pair->n_atoms == 2 && m->species[k].z[0] == pair->z[0])
      return (int) k;
  return -1;
}

/* Columns the lattice prior found on sites of one chalcogen are that,
 * whatever their intensity says (at 10⁴ e⁻/Å² one chalcogen and two are
 * about two standard deviations apart). */
static void
species_from_sites (AlAtoms          *atoms,
                    const AlMaterial *material,
                    const GArray     *single)
{
  int s = material != NULL ? single_chalcogen (material) : -1;

  if (s < 0)
    return;
  for (guint k = 0; k < single->len; k++)
    {
      guint i = g_array_index (single, guint, k);
      if (i < atoms->n_atoms)
        atoms->species[i] = (gint16) s;
    }
}

/* Half the ratio of the perfect crystal's dimmer site species to its
 * brighter (chalcogen pair to metal in a TMD): the contrast that tells a
 * 2H region's chalcogen sites from its empty hexagon centres. */
static double
snap_split_fraction (const AlMaterial *material)
{
  double z0, z1;

  if (material == NULL)
    return 0.0;
  z0 = al_species_z_sum (&material->species[material->site_species[0]], AL_DETECT_Z_EXPONENT);
  z1 = al_species_z_sum (&material->species[material->site_species[1]], AL_DETECT_Z_EXPONENT);
  return AL_DETECT_SNAP_SPLIT_SHARE * MIN (z0, z1) / MAX (z0, z1);
}

/* Low dose: positions from the local lattice, amplitudes from the raw
 * frame when there is one (the denoised frame's are biased towards the
 * denoiser's training data). */
static void
snap_to_lattice (GArray               *fits,
                 const float          *frame,
                 guint                 width,
                 guint                 height,
                 const AlDetectParams *params,
                 const AlDetectInfo   *info)
{
  AlLatticeSnapParams sp;
  guint n;

  al_lattice_snap_params_init (&sp, info->neighbour_px);
  if (params->material != NULL)
    sp.split_fraction = snap_split_fraction (params->material);
  n = al_lattice_snap (fits, &info->lattice, frame, params->refine_frame, width, height, &sp);
  g_debug ("detect: %u of %u columns on their local lattice sites", n, fits->len);
  if (params->refine_frame != NULL)
    al_lattice_snap_amplitudes (params->refine_frame, width, height, (AlColumnFit *) fits->data,
                                fits->len);
}

/* How many times the lattice prior runs (see AL_DETECT_SITE_PASSES): once
 * on graphene and hBN (their prior is another), and at low dose, where the
 * lattice snap reads the sites afterwards (a second pass there moved F1
 * by up to 0.007 either way: MoS2 and WS2 at 10³, seeds 7 and 8). */
static guint
site_passes (const AlDetectParams *params)
{
  return two_sublattices (params->material) && !params->lattice_snap ? AL_DETECT_SITE_PASSES : 1;
}

/* Finds the atomic columns of one frame. Returns an empty AlAtoms (not an
 * error) when the image holds no lattice to find. */
AlAtoms *
al_detect_run (const float          *frame,
               guint                 width,
               guint                 height,
               const AlDetectParams *params,
               AlDetectInfo         *info_out,
               AlProgress           *progress,
               GCancellable         *cancellable,
               GError              **error)
{
  AlDetectInfo info = { 0 };
  const float *fit_frame;
  g_autofree float *map = NULL;
  g_autofree float *bg = NULL;
  g_autoptr (GArray) fits = NULL;
  AlColumnFit *cols;
  g_autofree double *intensity = NULL;
  g_autoptr (GArray) peaks = NULL;
  g_autoptr (AlAtoms) atoms = NULL;
  g_autoptr (GArray) single = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GArray) labels = g_array_new (FALSE, FALSE, sizeof (gint8));
  AlRefineParams rp;
  g_auto (AlDetectMemory) memory = { 0 };
  float threshold;
  guint n;
  gint64 t0 = g_get_monotonic_time (), t1;
  AlDetectClock clock;

  g_return_val_if_fail (frame != NULL && params != NULL, NULL);
  if (!check_input (frame, width, height, error))
    return NULL;
  fit_frame = params->refine_frame && !params->lattice_snap ? params->refine_frame : frame;
  atoms = al_atoms_new (0);

  al_progress_report (progress, "Finding the lattice", 0.0);
  al_detect_clock_start (&clock);
  info.noise_sigma = al_filter_noise_sigma (frame, width, height);
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_NOISE);
  if (!find_scales (frame, width, height, params, &info, error))
    {
      if (error != NULL && *error != NULL)
        return NULL;
      if (info_out)
        *info_out = info;
      return g_steal_pointer (&atoms);
    }
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_LATTICE);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  info.column_width_px = params->column_width_px > 0
                           ? params->column_width_px
                           : al_detect_measure_width (fit_frame, width, height, info.neighbour_px,
                                            info.noise_sigma, NULL,
                                            params->material != NULL && info.lattice.found
                                              && info.lattice.hexagonal,
                                            params->n_threads, cancellable);
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_WIDTH);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  t1 = g_get_monotonic_time ();
  info.time_lattice_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Finding peaks", 0.15);
  map = detection_map (frame, width, height, params, info.column_width_px, info.noise_sigma,
                       &threshold);
  if (params->keep_map != NULL)
    {
      al_detect_map_unref (*params->keep_map);
      *params->keep_map = al_detect_map_new (map, width, height, params->prob_maps != NULL);
    }
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_MAP);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  peaks = al_peaks_find_threaded (map, width, height, AL_DETECT_NMS_FRACTION * info.neighbour_px,
                                  threshold, 0, params->n_threads);
  info.n_candidates = peaks->len;
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_PEAKS);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  t1 = g_get_monotonic_time ();
  info.time_peaks_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Refining positions", 0.3);
  bg = g_new (float, (gsize) width * height);
  al_filter_background_threaded (fit_frame, bg, width, height, info.neighbour_px,
                                 params->n_threads);
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_BACKGROUND);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  fits = fits_from_peaks (fit_frame, bg, width, peaks, info.column_width_px);
  al_detect_memory_init (&memory);
  al_refine_params_init (&rp, info.column_width_px);
  rp.known_width = TRUE;
  rp.n_threads = params->n_threads;
  rp.max_shift_px = 0.5 * info.neighbour_px;
  rp.background_scale_px = info.neighbour_px;
  rp.position_prior_px = AL_DETECT_POSITION_PRIOR * info.neighbour_px;
  rp.max_sweeps = 3;
  if (!al_detect_fit_and_prune (fit_frame, width, height, fits, &rp, params, info.neighbour_px,
                                &memory, cancellable, error))
    return NULL;
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_FIRST_FIT);

  /* Columns hidden by brighter neighbours (S2 next to Mo, at low dose)
   * show up once the fitted columns are taken away. */
  rp.max_sweeps = AL_DETECT_SWEEPS;
  rp.warm = TRUE;
  for (guint round = 0; round < AL_DETECT_RESIDUAL_ROUNDS; round++)
    {
      al_progress_report (progress, "Refining positions",
                          0.5 + 0.4 * round / AL_DETECT_RESIDUAL_ROUNDS);
      guint added = al_detect_add_residual_candidates (fit_frame, bg, width, height, fits,
                                                       info.column_width_px, info.neighbour_px,
                                                       params->n_threads);
      /* Sites of the honeycomb left empty: a faint column may hide there. */
      if (two_sublattices (params->material))
        added += al_detect_add_site_candidates (fits, width, height, info.column_width_px,
                                                info.neighbour_px, params->n_threads);
      if (added == 0 && round > 0)
        break;
      for (guint i = 0; i < fits->len; i++)
        g_array_index (fits, AlColumnFit, i).width = info.column_width_px;
      if (!al_detect_fit_and_prune (fit_frame, width, height, fits, &rp, params,
                                    info.neighbour_px, &memory, cancellable, error))
        return NULL;
    }
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_RESIDUAL);
  if (params->column_width_px <= 0)
    {
      /* The width again, now on real columns only, and a last fit with it. */
      double w = al_refine_profile_width (fit_frame, width, height, (AlColumnFit *) fits->data,
                                          fits->len, AL_DETECT_PROFILE_RADIUS * info.neighbour_px,
                                          &rp);
      g_debug ("detect: profile width %g px (was %g)", w, info.column_width_px);
      /* A new width changes every column's fit; a change well inside its
       * error does not. */
      if (w > 0 && fabs (w / info.column_width_px - 1.0) > AL_DETECT_WIDTH_REFIT)
        memory.n_fitted = 0;
      if (w > 0)
        info.column_width_px = w;
      rp.width_px = info.column_width_px;
      al_detect_add_residual_candidates (fit_frame, bg, width, height, fits,
                                         info.column_width_px, info.neighbour_px,
                                         params->n_threads);
      if (two_sublattices (params->material))
        al_detect_add_site_candidates (fits, width, height, info.column_width_px,
                                       info.neighbour_px, params->n_threads);
      for (guint i = 0; i < fits->len; i++)
        g_array_index (fits, AlColumnFit, i).width = info.column_width_px;
      if (!al_detect_fit_and_prune (fit_frame, width, height, fits, &rp, params,
                                    info.neighbour_px, &memory, cancellable, error))
        return NULL;
    }
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_LAST_FIT);
  for (guint pass = 0; pass < site_passes (params); pass++)
    if ((two_sublattices (params->material) || one_layer_honeycomb (params->material))
        && !fill_sites (fit_frame, bg, width, height, fits, &rp, &info, params, single, labels,
                        cancellable, error))
      return NULL;
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_SITES);
  if (params->lattice_snap)
    {
      snap_to_lattice (fits, frame, width, height, params, &info);
      /* The snap removes and adds columns: the prior's indices are gone. */
      g_array_set_size (single, 0);
      g_array_set_size (labels, 0);
    }
  else if (two_sublattices (params->material))
    {
      guint moved = al_lattice_pull ((AlColumnFit *) fits->data, fits->len, &info.lattice, width,
                                     height, info.neighbour_px, params->n_threads);
      g_debug ("detect: %u of %u columns pulled towards their lattice sites", moved, fits->len);
    }
  cols = (AlColumnFit *) fits->data;
  n = fits->len;

  t1 = g_get_monotonic_time ();
  info.time_refine_s = (t1 - t0) * 1e-6;
  t0 = t1;
  al_progress_report (progress, "Assigning species", 0.95);
  intensity = g_new (double, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      guint k = al_atoms_append (atoms, cols[i].x, cols[i].y, -1);
      atoms->sigma_x[k] = (float) cols[i].se_x;
      atoms->sigma_y[k] = (float) cols[i].se_y;
      atoms->width[k] = (float) cols[i].width;
      intensity[i] = 2.0 * G_PI * cols[i].amplitude * cols[i].width * cols[i].width;
      atoms->intensity[k] = (float) intensity[i];
    }
  if (params->prob_maps != NULL)
    species_from_channels (atoms, params, width, height);
  else
    al_species_classify (intensity, n, params->material, atoms->species, atoms->confidence,
                         &info.species_model, cancellable);
  species_from_sites (atoms, params->material, single);
  /* The network's channels see one column at a time too: on a two-species
   * honeycomb the sublattice decides. */
  if (labels->len == n && params->material != NULL)
    al_species_by_sublattice (params->material, intensity, (const gint8 *) labels->data, n,
                              atoms->species, atoms->confidence);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  info.time_species_s = (g_get_monotonic_time () - t0) * 1e-6;
  al_detect_clock_step (&clock, &info, AL_DETECT_STEP_SPECIES);
  al_progress_report (progress, "Assigning species", 1.0);
  if (info_out)
    *info_out = info;
  return g_steal_pointer (&atoms);
}

