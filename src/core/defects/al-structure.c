/* al-structure.c: runs graph, lattice, strain and defect finding on one
 * frame's atoms, in the order each needs the last. */
#include "defects/al-structure.h"

#include <math.h>

#include "al-error.h"
#include "defects/al-empty-sites.h"
#include "defects/al-line-defects.h"
#include "defects/al-phase-net.h"
#include "defects/al-point-defects.h"
#include "defects/al-site-classify.h"

static gboolean
check_cancel (GCancellable *cancellable,
              GError      **error)
{
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

void
al_structure_free (AlStructure *s)
{
  if (s == NULL)
    return;
  al_bonds_free (s->bonds);
  al_rings_free (s->rings);
  al_honeycomb_labels_free (s->labels);
  al_strain_free (s->strain);
  al_defects_free (s->defects);
  al_phase_map_free (s->phases);
  al_phase_net_free (s->phase_net);
  g_free (s);
}

static void
report (AlProgress *progress,
        const char *stage,
        double      fraction)
{
  if (progress != NULL)
    al_progress_report (progress, stage, fraction);
}

/* Analyses one frame. Fills atoms->coordination, defect_id and defect_type.
 * `material` may be NULL (then no species defects, and lengths stay in px
 * unless `pixel_size_nm` is given). */
AlStructure *
al_structure_analyze (AlAtoms                 *atoms,
                      const AlMaterial        *material,
                      double                   pixel_size_nm,
                      guint                    frame,
                      const AlStructureParams *params,
                      AlProgress              *progress,
                      GCancellable            *cancellable,
                      GError                 **error)
{
  g_autoptr (AlStructure) s = g_new0 (AlStructure, 1);
  AlStructureParams defaults = { { 0 } };
  const AlStructure *like;
  AlBondParams bond_params;
  g_autoptr (AlPhaseNet) net = NULL;
  g_autofree guint8 *edge = NULL;
  g_autofree guint8 *excluded = NULL;
  g_autoptr (GArray) sites = NULL;
  double width, height;
  gboolean read_image;

  g_return_val_if_fail (atoms != NULL, NULL);
  if (params == NULL)
    params = &defaults;
  width = params->width;
  height = params->height;
  read_image = params->frame != NULL && params->width > 0 && params->height > 0
               && material != NULL && material->is_tmd;
  like = params->like != NULL && params->like->bonds != NULL && params->like->bonds->nn_px > 0.0
         && params->like->labels != NULL ? params->like : NULL;
  bond_params = params->bonds;
  if (like != NULL && bond_params.nn_px <= 0.0)
    bond_params.nn_px = like->bonds->nn_px;

  report (progress, "bonds", 0.0);
  s->bonds = al_bonds_build (atoms, material, &bond_params, error);
  if (s->bonds == NULL)
    return NULL;
  al_bonds_set_coordination (s->bonds, atoms);
  s->rings = al_rings_find (s->bonds, atoms);
  s->defects = al_defects_new ();
  s->pixel_size_nm = pixel_size_nm;
  if (like != NULL)
    {
      s->pixel_size_nm = like->pixel_size_nm;
      s->pixel_size_estimated = like->pixel_size_estimated;
    }
  else if (pixel_size_nm <= 0.0 && material != NULL && s->bonds->nn_px > 0.0)
    {
      s->pixel_size_nm = al_material_neighbour_nm (material) / s->bonds->nn_px;
      s->pixel_size_estimated = TRUE;
    }
  if (!check_cancel (cancellable, error))
    return NULL;

  report (progress, "strain", 0.3);
  s->labels = like != NULL ? al_honeycomb_labels_new_oriented (atoms, s->bonds, material, like->labels->theta)
                           : al_honeycomb_labels_new (atoms, s->bonds, material);
  if (like != NULL && like->strain != NULL)
    s->strain = al_strain_compute_like (atoms, s->bonds, s->labels, like->strain);
  else if (like == NULL)
    {
      g_autoptr (GError) local = NULL;
      /* A field with too few atoms for a lattice still has bonds and rings:
       * strain is then simply absent. */
      s->strain = al_strain_compute (atoms, s->bonds, s->labels, material,
                                     s->pixel_size_estimated ? 0.0 : pixel_size_nm,
                                     &params->strain, &local);
    }
  if (!check_cancel (cancellable, error))
    return NULL;

  report (progress, "defects", 0.6);
  edge = g_new0 (guint8, atoms->n_atoms + 1);
  excluded = g_new0 (guint8, atoms->n_atoms + 1);
  if (s->bonds->nn_px > 0.0)
    {
      AlSiteImage image = { params->frame, params->width, params->height,
                            al_site_column_sigma (atoms, s->bonds->nn_px), s->bonds->nn_px };
      al_edges_find (atoms, s->bonds, s->rings, width, height,
                     params->frame != NULL && width > 0 && height > 0 ? &image : NULL,
                     frame, edge, s->defects);
      /* Checked between the steps too: a Cancel, or an edit that outdates
       * the app's recomputation, stops a large frame without delay. */
      if (!check_cancel (cancellable, error))
        return NULL;
      if (params->phase_net == NULL && params->phase_model != NULL && params->frame != NULL
          && width > 0 && height > 0 && material != NULL && material->is_tmd)
        {
          g_autoptr (GError) local = NULL;
          net = al_phase_net_run (params->phase_model, params->frame, params->width, params->height,
                                  s->pixel_size_nm, params->n_threads, cancellable, &local);
          if (local != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local));
              return NULL;
            }
        }
      s->phases = al_phase_map_build (atoms, s->bonds, material, edge,
                                      params->phase_net != NULL ? params->phase_net : net,
                                      width, height);
      if (params->keep_phase_net)
        s->phase_net = g_steal_pointer (&net);
      /* A boundary's own disorder may read as amorphous: only edges and
       * other crystal phases are kept out of the boundary search. */
      for (guint i = 0; i < atoms->n_atoms; i++)
        excluded[i] = edge[i] || s->phases->atom_phase[i] == AL_PHASE_1T
                      || s->phases->atom_phase[i] == AL_PHASE_1TP;
      al_grain_boundaries_find (atoms, s->bonds, excluded, frame, excluded, s->defects);
      if (!check_cancel (cancellable, error))
        return NULL;
      for (guint i = 0; i < atoms->n_atoms; i++)
        excluded[i] = excluded[i] || s->phases->atom_phase[i] != AL_PHASE_2H;
      if (s->strain != NULL)
        sites = al_empty_sites_find (atoms, s->bonds, s->labels, &s->strain->fit,
                                     read_image ? AL_EMPTY_SITE_MIN_SHELL_IMAGE : AL_EMPTY_SITE_MIN_SHELL);
      else
        sites = g_array_new (FALSE, FALSE, sizeof (AlEmptySite));
      if (!check_cancel (cancellable, error))
        return NULL;
      {
        AlSiteFrame site_frame = { params->frame, params->width, params->height };
        gboolean read = read_image && al_site_defects_find (atoms, s->bonds, s->labels, sites, material,
                                                            excluded, &site_frame, frame, s->defects);
        al_point_defects_find (atoms, s->bonds, s->rings, sites, material, excluded, read,
                               frame, s->defects);
      }
      al_phase_map_emit (s->phases, atoms, frame, s->defects);
    }
  al_defects_label_atoms (s->defects, atoms);
  report (progress, "defects", 1.0);
  return g_steal_pointer (&s);
}
