/* al-simulate.c: the simulator's driver: the scene, then per frame the
 * structure, the image and the truth.
 *
 * Independent random streams (al_sim_rng_fork) for the lattice, the
 * planar defects, the strain, the point defects, their evolution, the
 * drift and each frame's noise, so that asking for one more defect type
 * does not reshuffle the noise, and a seed means the same image anywhere.
 */
#include "al-sim-private.h"

#include <math.h>
#include <string.h>

#include "al-error.h"

enum
{
  STREAM_LATTICE = 1,
  STREAM_PLANAR,
  STREAM_STRAIN,
  STREAM_POINTS,
  STREAM_EVOLVE,
  STREAM_DRIFT,
  STREAM_JITTER,
  STREAM_NOISE = 1000,
};

/* Truth coordination: columns within this many nearest-neighbour distances. */
#define AL_SIM_BOND_NN 1.35

static void
scene_init (AlSimScene        *scene,
            const AlSimParams *p)
{
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;
  double margin = al_sim_build_margin_nm (p);
  AlSimRng rng;

  memset (scene, 0, sizeof *scene);
  scene->params = p;
  scene->material = p->material;
  scene->nn = al_material_neighbour_nm (p->material);
  scene->x0 = -0.5 * p->pixel_size_nm - margin;
  scene->y0 = -0.5 * p->pixel_size_nm - margin;
  scene->x1 = w + margin;
  scene->y1 = h + margin;
  scene->regions = g_array_new (FALSE, FALSE, sizeof (AlSimRegion));
  scene->points = g_array_new (FALSE, FALSE, sizeof (AlSimPointDefect));
  scene->next_id = 0;

  al_sim_rng_fork (&rng, p->seed, STREAM_LATTICE);
  scene->n_grains = 1;
  scene->grains[0].rotation = isnan (p->rotation_deg) ? al_sim_rng_uniform (&rng) * G_PI / 3.0
                                                      : p->rotation_deg * G_PI / 180.0;
  /* Sub-pixel (and sub-cell) origin. */
  scene->grains[0].ox = al_sim_rng_uniform (&rng) * p->material->a_nm;
  scene->grains[0].oy = al_sim_rng_uniform (&rng) * p->material->a_nm;
}

static void
scene_clear (AlSimScene *scene)
{
  g_array_unref (scene->regions);
  g_array_unref (scene->points);
}

/* The structure of the current frame, before point defects. */
static GArray *
build_base (const AlSimScene *scene,
            GArray           *instances)
{
  GArray *columns = g_array_sized_new (FALSE, FALSE, sizeof (AlSimColumn), 4096);

  al_sim_lattice_build (scene, columns);
  al_sim_planar_apply (scene, columns, instances);
  return columns;
}

/* Drift and slow scan distortion: where a column appears in the image.
 * The sample moves by (dx, dy) over the frame, so a column seen on row
 * y_px appears shifted by drift × y/H. */
static void
scan_transform (const AlSimScene *scene,
                GArray           *columns)
{
  const AlSimParams *p = scene->params;
  double hn = p->height * p->pixel_size_nm;

  for (guint k = 0; k < columns->len; k++)
    {
      AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      double x = c->x + scene->drift_x, y = c->y + scene->drift_y;

      y = y / (1.0 - p->scan.drift_y_nm / hn);
      x = x + p->scan.drift_x_nm * y / hn;
      if (p->scan.wobble_px != 0 && p->scan.wobble_period_px > 0)
        x += p->scan.wobble_px * p->pixel_size_nm
             * sin (2 * G_PI * (y / p->pixel_size_nm) / p->scan.wobble_period_px);
      c->x = x;
      c->y = y;
    }
}

static gboolean
in_image (const AlSimParams *p,
          double             x_px,
          double             y_px)
{
  return x_px >= -0.5 && y_px >= -0.5 && x_px < p->width - 0.5 && y_px < p->height - 0.5;
}

/* The truth of one frame from its columns: atoms in the image, their
 * strain, and the defects with their member atoms. */
static void
collect_truth (AlSimResult  *result,
               const AlSimScene *scene,
               const GArray *columns,
               const GArray *instances,
               guint         frame)
{
  const AlSimParams *p = &result->params;
  double pix = p->pixel_size_nm;
  AlAtoms *atoms = al_atoms_new (columns->len / 2);
  GArray *strain = g_array_new (FALSE, FALSE, sizeof (AlSimStrain));
  g_autofree int *atom_of = g_new (int, MAX (columns->len, 1));
  g_autoptr (GHashTable) by_id = g_hash_table_new (NULL, NULL);
  g_autoptr (GArray) near = g_array_new (FALSE, FALSE, sizeof (guint));
  AlSimGrid *grid = al_sim_grid_new (columns, scene->nn * 1.5);

  for (guint k = 0; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      AlSimStrain s = { c->exx, c->eyy, c->exy, c->rot * 180.0 / G_PI, c->ux, c->uy };
      guint i, bonds = 0;

      atom_of[k] = -1;
      if (c->removed || c->species < 0 || !in_image (p, c->x / pix, c->y / pix))
        continue;
      i = al_atoms_append (atoms, c->x / pix, c->y / pix, c->species);
      atom_of[k] = (int) i;
      atoms->confidence[i] = 1.0f;
      atoms->intensity[i] = (float) (p->dose * al_sim_column_cross_section (p, c));
      atoms->width[i] = (float) (p->probe_sigma_nm / pix);
      atoms->defect_id[i] = c->defect_id;
      atoms->defect_type[i] = c->defect_type;
      al_sim_grid_query (grid, columns, c->x, c->y, AL_SIM_BOND_NN * scene->nn, near);
      for (guint q = 0; q < near->len; q++)
        {
          const AlSimColumn *o = &g_array_index (columns, AlSimColumn, g_array_index (near, guint, q));
          if (o != c && o->species >= 0)
            bonds++;
        }
      atoms->coordination[i] = (guint8) MIN (bonds, 255);
      g_array_append_val (strain, s);
    }
  al_sim_grid_free (grid);

  for (guint q = 0; q < instances->len; q++)
    {
      const AlSimInstance *inst = &g_array_index (instances, AlSimInstance, q);
      AlSimDefect *d = g_new0 (AlSimDefect, 1);
      double cx = 0, cy = 0;
      int n = 0;

      d->id = inst->id;
      d->frame = frame;
      d->type = inst->type;
      d->atoms = g_array_new (FALSE, FALSE, sizeof (guint));
      for (int t = 0; t < 2; t++)
        if (inst->centre[t] >= 0)
          {
            const AlSimColumn *c = &g_array_index (columns, AlSimColumn, inst->centre[t]);
            cx += c->x / pix;
            cy += c->y / pix;
            n++;
          }
      d->x_px = n ? cx / n : NAN;
      d->y_px = n ? cy / n : NAN;
      g_hash_table_insert (by_id, GUINT_TO_POINTER (inst->id + 1), d);
    }
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      AlSimDefect *d = atoms->defect_id[i] >= 0
                         ? g_hash_table_lookup (by_id, GUINT_TO_POINTER (atoms->defect_id[i] + 1))
                         : NULL;
      if (d != NULL)
        g_array_append_val (d->atoms, i);
    }
  for (guint q = 0; q < instances->len; q++)
    {
      const AlSimInstance *inst = &g_array_index (instances, AlSimInstance, q);
      AlSimDefect *d = g_hash_table_lookup (by_id, GUINT_TO_POINTER (inst->id + 1));
      gboolean keep;

      if (isnan (d->x_px) && d->atoms->len > 0)
        {
          /* Line and planar defects: the middle of their atoms in view. */
          d->x_px = d->y_px = 0;
          for (guint m = 0; m < d->atoms->len; m++)
            {
              d->x_px += atoms->x[g_array_index (d->atoms, guint, m)] / d->atoms->len;
              d->y_px += atoms->y[g_array_index (d->atoms, guint, m)] / d->atoms->len;
            }
        }
      keep = !isnan (d->x_px) && in_image (p, d->x_px, d->y_px);
      if (!keep)
        {
          for (guint m = 0; m < d->atoms->len; m++)
            {
              guint i = g_array_index (d->atoms, guint, m);
              atoms->defect_id[i] = -1;
              atoms->defect_type[i] = AL_DEFECT_NONE;
            }
          g_array_unref (d->atoms);
          g_free (d);
          continue;
        }
      g_ptr_array_add (result->defects, d);
    }
  g_ptr_array_add (result->atoms, atoms);
  g_ptr_array_add (result->strain, strain);
}

static double *
scan_line_shifts (const AlSimParams *p,
                  AlSimRng          *rng)
{
  double *shift;

  if (p->scan.jitter_px <= 0)
    return NULL;
  shift = g_new (double, p->height);
  for (guint y = 0; y < p->height; y++)
    shift[y] = p->scan.jitter_px * al_sim_rng_normal (rng);
  return shift;
}

static void
defect_free (gpointer data)
{
  AlSimDefect *d = data;

  g_array_unref (d->atoms);
  g_free (d);
}

static void
set_image_metadata (AlImage           *image,
                    const AlSimParams *p)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  al_image_set_calibration (image, p->pixel_size_nm, p->pixel_size_nm, "nm");
  al_image_set_metadata (image, "atomlens.simulated", "1");
  al_image_set_metadata (image, "atomlens.material", p->material->name);
  al_image_set_metadata (image, "atomlens.mode", p->mode == AL_SIM_MODE_HAADF ? "haadf" : "hrtem");
  al_image_set_metadata (image, "atomlens.dose_e_per_A2", g_ascii_dtostr (buf, sizeof buf, p->dose));
  g_snprintf (buf, sizeof buf, "%" G_GUINT64_FORMAT, p->seed);
  al_image_set_metadata (image, "atomlens.seed", buf);
}

AlSimResult *
al_simulate_run (const AlSimParams *params,
                 AlProgress        *progress,
                 GCancellable      *cancellable,
                 GError           **error)
{
  g_autoptr (AlSimResult) result = NULL;
  AlSimScene scene;
  AlSimRng rng_evolve, rng_drift, rng_jitter;

  g_return_val_if_fail (params != NULL, NULL);
  if (!al_sim_params_check (params, error))
    return NULL;

  result = g_new0 (AlSimResult, 1);
  result->params = *params;
  result->image = al_image_new (params->width, params->height, params->n_frames, error);
  if (result->image == NULL)
    return NULL;
  set_image_metadata (result->image, params);
  result->atoms = g_ptr_array_new_with_free_func ((GDestroyNotify) al_atoms_free);
  result->strain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  result->defects = g_ptr_array_new_with_free_func (defect_free);

  scene_init (&scene, &result->params);
  scene.params = &result->params;
  {
    AlSimRng rng;
    al_sim_rng_fork (&rng, params->seed, STREAM_PLANAR);
    al_sim_planar_setup (&scene, &rng);
    al_sim_rng_fork (&rng, params->seed, STREAM_STRAIN);
    al_sim_strain_setup (&scene, &rng);
  }
  al_sim_rng_fork (&rng_evolve, params->seed, STREAM_EVOLVE);
  al_sim_rng_fork (&rng_drift, params->seed, STREAM_DRIFT);
  al_sim_rng_fork (&rng_jitter, params->seed, STREAM_JITTER);

  for (guint f = 0; f < params->n_frames; f++)
    {
      g_autoptr (GArray) instances = g_array_new (FALSE, FALSE, sizeof (AlSimInstance));
      g_autoptr (GArray) columns = NULL;
      g_autofree double *shift = NULL;
      float *pixels = al_image_frame (result->image, f);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          scene_clear (&scene);
          return NULL;
        }
      if (f > 0)
        {
          al_sim_planar_evolve (&scene);
          scene.drift_x += params->scan.frame_drift_nm * al_sim_rng_normal (&rng_drift);
          scene.drift_y += params->scan.frame_drift_nm * al_sim_rng_normal (&rng_drift);
        }
      columns = build_base (&scene, instances);
      if (f == 0)
        {
          AlSimRng rng;
          al_sim_rng_fork (&rng, params->seed, STREAM_POINTS);
          al_sim_point_place (&scene, columns, &rng);
        }
      else
        al_sim_point_evolve (&scene, columns, &rng_evolve);
      al_sim_point_apply (&scene, columns, instances);
      al_sim_strain_apply (&scene, columns);
      scan_transform (&scene, columns);

      shift = scan_line_shifts (params, &rng_jitter);
      if (params->mode == AL_SIM_MODE_HRTEM)
        al_sim_hrtem_render (params, columns, pixels);
      else
        al_sim_haadf_render (params, columns, shift, pixels);
      if (!params->noiseless)
        {
          AlSimRng rng;
          al_sim_rng_fork (&rng, params->seed, STREAM_NOISE + f);
          al_sim_noise_apply (params, pixels, al_image_frame_samples (result->image), &rng);
        }
      if (params->offset != 0)
        {
          gsize n = al_image_frame_samples (result->image);
          for (gsize q = 0; q < n; q++)
            pixels[q] += (float) params->offset;
        }
      collect_truth (result, &scene, columns, instances, f);
      if (progress)
        al_progress_report (progress, "Simulating", (f + 1.0) / params->n_frames);
    }
  scene_clear (&scene);
  return g_steal_pointer (&result);
}

void
al_sim_result_free (AlSimResult *result)
{
  if (result == NULL)
    return;
  al_image_free (result->image);
  if (result->atoms)
    g_ptr_array_unref (result->atoms);
  if (result->strain)
    g_ptr_array_unref (result->strain);
  if (result->defects)
    g_ptr_array_unref (result->defects);
  g_free (result);
}
