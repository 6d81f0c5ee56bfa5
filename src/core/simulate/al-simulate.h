/* al-simulate.h: synthetic (S)TEM images of 2D materials with exact ground
 * truth: every column's position and species, every defect, the strain.
 *
 * The simulator builds a structure per frame (lattice of one or more
 * grains, line and planar defects, point defects with the relaxation of
 * their neighbours, an imposed strain field, drift), then forms an image of
 * it: HAADF-STEM (incoherent: columns scatter in proportion to Σ Zⁿ, seen
 * through a probe with tails, integrated over pixels, with shot and detector
 * noise) or HRTEM-like phase contrast. Everything random comes from one seed
 * through al-sim-rng, so a seed gives the same image on any machine.
 */
#pragma once

#include <gio/gio.h>

#include "al-atoms.h"
#include "al-image.h"
#include "al-material.h"
#include "al-progress.h"

G_BEGIN_DECLS

typedef enum
{
  AL_SIM_MODE_HAADF,
  AL_SIM_MODE_HRTEM,
} AlSimMode;

/* What `--defects` asks for. Point types: a fraction of their eligible
 * sites; line and planar types: a number of items. */
typedef struct
{
  double density[AL_N_DEFECT_TYPES];
  guint  count[AL_N_DEFECT_TYPES];
  guint  n_holes;                  /* vacuum holes (their rims are `edge`) */
} AlSimDefectSpec;

/* What `--strain` asks for: a homogeneous strain and rotation, a Gaussian
 * bump, edge dislocations. */
typedef struct
{
  double exx, eyy, exy;
  double rotation_deg;
  double bump_amplitude;           /* peak strain of the bump */
  double bump_radius_nm;
  guint  n_dislocations;
} AlSimStrainSpec;

/* Scan imperfections of a STEM (all 0 for an ideal scan). */
typedef struct
{
  double jitter_px;                /* rms random shift of each scan line along x */
  double drift_x_nm;               /* drift during one frame, nm (linear in time) */
  double drift_y_nm;
  double wobble_px;                /* amplitude of a slow sinusoidal x distortion */
  double wobble_period_px;         /* its period along y */
  double frame_drift_nm;           /* rms random drift between frames */
} AlSimScanSpec;

typedef struct
{
  const AlMaterial *material;
  guint           width;
  guint           height;
  guint           n_frames;
  double          pixel_size_nm;
  double          dose;            /* e⁻/Å² per frame */
  gboolean        noiseless;       /* write the expected counts, without noise */
  double          z_exponent;      /* HAADF intensity ∝ Σ Zⁿ */
  double          cross_section;   /* κ in σ = κ Zⁿ, Å² */
  double          probe_sigma_nm;  /* Gaussian core of the probe (with vibrations) */
  double          tail_sigma_nm;   /* broad Gaussian tail */
  double          tail_fraction;   /* share of the probe in the tail */
  double          background;      /* fraction of the beam scattered onto the detector per pixel by a support */
  double          detector_noise;  /* rms Gaussian detector noise, counts */
  double          offset;          /* dark level added to every pixel, counts */
  double          rotation_deg;    /* lattice rotation; NAN: random */
  guint64         seed;
  AlSimMode       mode;
  double          voltage_kv;      /* HRTEM: accelerating voltage */
  double          defocus_nm;      /* HRTEM: defocus (negative = underfocus) */
  double          cs_mm;           /* HRTEM: spherical aberration */
  AlSimDefectSpec defects;
  AlSimStrainSpec strain;
  AlSimScanSpec   scan;
} AlSimParams;

/* Defaults for a material: pixel size, dose, probe. */
void     al_sim_params_init        (AlSimParams       *params,
                                    const AlMaterial  *material);
gboolean al_sim_params_check       (const AlSimParams *params,
                                    GError           **error);
gboolean al_sim_defect_spec_parse  (AlSimDefectSpec   *spec,
                                    const AlMaterial  *material,
                                    const char        *text,
                                    GError           **error);
gboolean al_sim_strain_spec_parse  (AlSimStrainSpec   *spec,
                                    const char        *text,
                                    GError           **error);
gboolean al_sim_scan_spec_parse    (AlSimScanSpec     *spec,
                                    const char        *text,
                                    GError           **error);
/* Whether a point-defect type exists in this material. */
gboolean al_sim_defect_allowed     (const AlMaterial  *material,
                                    AlDefectType       type);

/* One true defect in one frame. `atoms` holds indices into that frame's
 * truth atoms. The id is kept by the same defect across frames. */
typedef struct
{
  guint        id;
  guint        frame;
  AlDefectType type;
  double       x_px;
  double       y_px;
  GArray      *atoms;              /* guint */
} AlSimDefect;

/* The imposed strain at one truth atom (relaxations around defects are not
 * part of it). */
typedef struct
{
  float exx, eyy, exy, rotation;   /* rotation in degrees, +x towards +y (as strain.csv) */
  float ux_nm, uy_nm;
} AlSimStrain;

typedef struct
{
  AlSimParams params;
  AlImage    *image;               /* counts per pixel, float32, calibrated */
  GPtrArray  *atoms;               /* AlAtoms per frame: the truth */
  GPtrArray  *strain;              /* GArray of AlSimStrain per frame, parallel to atoms */
  GPtrArray  *defects;             /* AlSimDefect, all frames */
} AlSimResult;

AlSimResult *al_simulate_run        (const AlSimParams *params,
                                     AlProgress        *progress,
                                     GCancellable      *cancellable,
                                     GError           **error);
void         al_sim_result_free     (AlSimResult       *result);

/* Writes TRUTH.csv (atoms.csv columns + true_defect_type), and next to it
 * TRUTH-defects.csv, TRUTH-strain.csv and TRUTH.json (the image model the
 * scorer needs for the Cramér–Rao bound). */
gboolean     al_sim_result_write_truth (const AlSimResult *result,
                                        const char        *truth_csv,
                                        GError           **error);
/* The sidecar paths next to a truth csv ("x.csv" -> "x-defects.csv"). */
char        *al_sim_truth_sidecar      (const char        *truth_csv,
                                        const char        *suffix);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlSimResult, al_sim_result_free)

G_END_DECLS
