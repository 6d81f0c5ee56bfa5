/* al-score.h: how well found atoms, species, defects and strain agree with
 * a simulator's truth (DESIGN.md §8): detection precision/recall/F1 with
 * optimal one-to-one matching within a quarter of the nearest-neighbour
 * distance, localisation RMSE against the Cramér–Rao bound, species
 * confusion, defect precision/recall per type, strain RMSE.
 */
#pragma once

#include <glib.h>

#include "al-atoms.h"
#include "al-material.h"
#include "simulate/al-crlb.h"

G_BEGIN_DECLS

/* A defect as the tables list it (TRUTH-defects.csv, defects.csv). */
typedef struct
{
  guint        frame;
  AlDefectType type;
  double       x_px, y_px;
} AlScoreDefect;

/* Per-atom strain as strain.csv lists it, keyed by atom id. */
typedef struct
{
  double exx, eyy, exy, rotation;
} AlScoreStrain;

typedef struct
{
  const AlMaterial *material;
  guint   n_frames;
  double  pixel_size_nm;         /* 0: unknown, RMSE in px only */
  double  match_radius_px;

  guint   n_truth, n_found, n_matched;
  double  precision, recall, f1;
  double  rmse_px;               /* √mean(dx² + dy²) over matched pairs */
  double  rmse_x_px, rmse_y_px;

  gboolean has_crlb;
  double  crlb_px;               /* √mean(crlb_x² + crlb_y²) over matched truth */
  double  rmse_over_crlb;

  /* Per species of the truth: counts, recall, RMSE and CRLB. */
  guint   species_truth[AL_MAX_SPECIES];
  guint   species_matched[AL_MAX_SPECIES];
  double  species_rmse_px[AL_MAX_SPECIES];
  double  species_crlb_px[AL_MAX_SPECIES];
  /* confusion[truth][found]; found index n_species = unknown. */
  guint   confusion[AL_MAX_SPECIES][AL_MAX_SPECIES + 1];
  double  species_accuracy;

  gboolean has_defects;
  guint   defect_truth[AL_N_DEFECT_TYPES];
  guint   defect_found[AL_N_DEFECT_TYPES];
  guint   defect_matched[AL_N_DEFECT_TYPES];

  gboolean has_strain;
  guint   n_strain;
  double  strain_rmse[4];        /* exx, eyy, exy, rotation (degrees) */

  /* Per frame, a GArray of int: the found atom matched to each true atom
   * (-1 for none). */
  GPtrArray *matches;
} AlScore;

/* Scores found atoms (AlAtoms per frame) against the truth. `model` may be
 * NULL (no CRLB); its pixel size, when given, sets the pm figures. */
AlScore *al_score_atoms        (GPtrArray          *truth,
                                GPtrArray          *found,
                                const AlMaterial   *material,
                                const AlImageModel *model,
                                double              pixel_size_nm);
/* Adds defect precision/recall per type (arrays of AlScoreDefect). */
void     al_score_defects      (AlScore            *score,
                                const GArray       *truth,
                                const GArray       *found);
/* Adds strain RMSE over matched atoms (hash tables: atom id -> AlScoreStrain*),
 * ids as in the atoms tables (rows numbered over all frames). */
void     al_score_strain       (AlScore            *score,
                                GPtrArray          *truth_atoms,
                                GPtrArray          *found_atoms,
                                GHashTable         *truth_strain,
                                GHashTable         *found_strain);
void     al_score_free         (AlScore            *score);

GArray     *al_score_read_defects (const char  *path,
                                   GError     **error);
GHashTable *al_score_read_strain  (const char  *path,
                                   GError     **error);

char    *al_score_format_text  (const AlScore      *score);
char    *al_score_to_json      (const AlScore      *score);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlScore, al_score_free)

G_END_DECLS
