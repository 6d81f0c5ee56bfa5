/* al-sim-spec.c: the simulator's parameters: defaults per material, checks,
 * and the `--defects`, `--strain` and `--scan` mini-languages:
 *
 *   --defects "V_S=0.02,V_S2=0.005,W_Mo=0.01,grain_boundary=1,edge=1,hole=2,
 *              phase_1T=1,phase_1Tp=1,amorphous=1"
 *       point types (DESIGN.md §5 names): fraction of their eligible sites
 *       (chalcogen sites for V_S, V_S2, Mo_S2; metal sites for V_Mo, W_Mo;
 *       every atom for the graphene types); line and planar types, and
 *       `hole`: how many.
 *   --strain "exx=0.02,eyy=-0.01,exy=0.005,rot=1.0,bump=0.03:4,dislocation=1"
 *       homogeneous strain (fractions) and rotation (degrees) about the image
 *       centre; a Gaussian bump AMPLITUDE:RADIUS_NM; edge dislocations.
 *   --scan "jitter=0.3,drift=0.2:0.1,wobble=0.5:300,frame_drift=0.1"
 *       line jitter (px rms), drift during a frame DX:DY (nm), a slow
 *       sinusoidal x distortion AMPLITUDE_PX:PERIOD_PX, random drift between
 *       frames (nm rms).
 */
#include "al-sim-private.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "al-error.h"

/* Defaults, with the reasons in README (simulate section):
 * κ = 2.4e-5 Å² with n = 1.7 gives HAADF cross-sections of ≈ 5e-4 Å² for
 * C, 0.014 Å² for Mo and 0.036 Å² for W, the order of magnitude of
 * measured single-atom cross-sections on 60–80 kV aberration-corrected
 * STEMs; the core sigma 0.05 nm is a probe of ≈ 1.1 Å FWHM (Krivanek et
 * al., Nature 464, 571 (2010)). */
#define AL_SIM_DEFAULT_Z_EXPONENT 1.7
#define AL_SIM_DEFAULT_CROSS_SECTION 2.4e-5
#define AL_SIM_DEFAULT_PROBE_SIGMA_NM 0.05
/* Graphene and hBN are imaged at 60 kV on the best-corrected machines with
 * ≈ 0.95 Å probes, which just resolve the 1.42 Å C–C spacing. */
#define AL_SIM_DEFAULT_PROBE_SIGMA_2D_NM 0.04
#define AL_SIM_DEFAULT_TAIL_SIGMA_NM 0.25
#define AL_SIM_DEFAULT_TAIL_FRACTION 0.2
#define AL_SIM_DEFAULT_BACKGROUND 3e-5
#define AL_SIM_DEFAULT_DETECTOR_NOISE 0.5
/* Sampling: ≥ 10 px per C–C bond for graphene and hBN; ≈ 6 px per
 * metal–chalcogen distance (0.18 nm) for the TMDs, as in typical
 * 2048-pixel scans of 50–60 nm. */
#define AL_SIM_DEFAULT_PIXEL_2D_NM 0.012
#define AL_SIM_DEFAULT_PIXEL_TMD_NM 0.03
/* Per-frame doses typical of low-voltage HAADF of these materials. */
#define AL_SIM_DEFAULT_DOSE_2D 5e6
#define AL_SIM_DEFAULT_DOSE_TMD 5e4
#define AL_SIM_DEFAULT_VOLTAGE_KV 80.0
#define AL_SIM_DEFAULT_DEFOCUS_NM -5.0
#define AL_SIM_DEFAULT_CS_MM 0.001

#define AL_SIM_MAX_FRAMES 10000
#define AL_SIM_MAX_COUNT 1000
/* Columns one frame may hold (≈ 1.5 GB of structure at most). */
#define AL_SIM_MAX_COLUMNS 2e7

/* Extra structure built around the image, nm, beyond the probe's reach. */
#define AL_SIM_BUILD_MARGIN_NM 1.0

/* How far around the image the structure is built, nm: the probe's reach,
 * plus how far strain, drift and dislocations can move columns into view. */
double
al_sim_build_margin_nm (const AlSimParams *p)
{
  double w = p->width * p->pixel_size_nm, h = p->height * p->pixel_size_nm;
  double strain = fabs (p->strain.exx) + fabs (p->strain.eyy) + fabs (p->strain.exy)
                  + fabs (p->strain.rotation_deg) * G_PI / 180.0 + fabs (p->strain.bump_amplitude);
  double drift = fabs (p->scan.drift_x_nm) + fabs (p->scan.drift_y_nm)
                 + 5.0 * p->scan.frame_drift_nm * sqrt (p->n_frames);

  return AL_SIM_BUILD_MARGIN_NM + 4.0 * MAX (p->tail_sigma_nm, p->probe_sigma_nm)
         + strain * 0.5 * (w + h) + drift + p->material->a_nm * p->strain.n_dislocations;
}

void
al_sim_params_init (AlSimParams      *params,
                    const AlMaterial *material)
{
  memset (params, 0, sizeof *params);
  params->material = material;
  params->width = params->height = 512;
  params->n_frames = 1;
  params->pixel_size_nm = material->is_tmd ? AL_SIM_DEFAULT_PIXEL_TMD_NM : AL_SIM_DEFAULT_PIXEL_2D_NM;
  params->dose = material->is_tmd ? AL_SIM_DEFAULT_DOSE_TMD : AL_SIM_DEFAULT_DOSE_2D;
  params->z_exponent = AL_SIM_DEFAULT_Z_EXPONENT;
  params->cross_section = AL_SIM_DEFAULT_CROSS_SECTION;
  params->probe_sigma_nm = material->is_tmd ? AL_SIM_DEFAULT_PROBE_SIGMA_NM
                                            : AL_SIM_DEFAULT_PROBE_SIGMA_2D_NM;
  params->tail_sigma_nm = AL_SIM_DEFAULT_TAIL_SIGMA_NM;
  params->tail_fraction = AL_SIM_DEFAULT_TAIL_FRACTION;
  params->background = AL_SIM_DEFAULT_BACKGROUND;
  params->detector_noise = AL_SIM_DEFAULT_DETECTOR_NOISE;
  params->rotation_deg = NAN;
  params->seed = 1;
  params->mode = AL_SIM_MODE_HAADF;
  params->voltage_kv = AL_SIM_DEFAULT_VOLTAGE_KV;
  params->defocus_nm = AL_SIM_DEFAULT_DEFOCUS_NM;
  params->cs_mm = AL_SIM_DEFAULT_CS_MM;
}

#define CHECK(cond, ...)                                                         \
  if (!(cond))                                                                   \
    {                                                                            \
      g_set_error (error, AL_ERROR, AL_ERROR_INVALID_ARGUMENT, __VA_ARGS__);     \
      return FALSE;                                                              \
    }

gboolean
al_sim_params_check (const AlSimParams *p,
                     GError           **error)
{
  double probe_px;

  CHECK (p->material != NULL, "No material given");
  CHECK (p->width >= 8 && p->height >= 8 && p->width <= 16384 && p->height <= 16384,
         "The image size must be between 8 and 16384 pixels (got %u × %u)", p->width, p->height);
  CHECK (p->n_frames >= 1 && p->n_frames <= AL_SIM_MAX_FRAMES,
         "The number of frames must be between 1 and %d", AL_SIM_MAX_FRAMES);
  CHECK ((guint64) p->width * p->height * p->n_frames <= AL_IMAGE_MAX_SAMPLES / 4,
         "A series of %u frames of %u × %u pixels is too large", p->n_frames, p->width, p->height);
  CHECK (p->pixel_size_nm >= 0.001 && p->pixel_size_nm <= 0.5,
         "The pixel size must be between 0.001 and 0.5 nm (got %g)", p->pixel_size_nm);
  CHECK (p->dose > 0 && p->dose <= 1e12, "The dose must be positive (e⁻/Å², got %g)", p->dose);
  CHECK (p->z_exponent >= 1.0 && p->z_exponent <= 2.0, "The Z exponent must be between 1 and 2");
  CHECK (p->cross_section > 0 && p->cross_section < 1, "The cross-section scale must be in (0, 1) Å²");
  CHECK (p->probe_sigma_nm >= 0.005 && p->probe_sigma_nm <= 1.0,
         "The probe sigma must be between 0.005 and 1 nm");
  CHECK (p->tail_fraction >= 0 && p->tail_fraction < 1, "The probe tail fraction must be in [0, 1)");
  CHECK (p->tail_fraction == 0
         || (p->tail_sigma_nm > p->probe_sigma_nm && p->tail_sigma_nm <= 5.0),
         "The probe tail must be wider than the core and at most 5 nm");
  CHECK (p->background >= 0 && p->background < 1, "The background must be in [0, 1)");
  CHECK (p->detector_noise >= 0 && p->detector_noise < 1e6, "The detector noise must be ≥ 0");
  CHECK (p->offset >= 0 && p->offset <= 60000, "The dark offset must be 0–60000 counts");
  /* The tail kernel and the core windows grow with these: keep them bounded. */
  probe_px = MAX (p->probe_sigma_nm, p->tail_sigma_nm) / p->pixel_size_nm;
  CHECK (probe_px <= 200, "The probe is %g pixels wide; use a larger pixel size", probe_px);
  {
    /* Two columns per unit cell over the field of view (plus a margin). */
    double margin = al_sim_build_margin_nm (p);
    double side_x = p->width * p->pixel_size_nm + 2 * margin, side_y = p->height * p->pixel_size_nm + 2 * margin;
    double cell = p->material->a_nm * p->material->a_nm * 0.8660254037844386;
    double n_columns = 2.0 * side_x * side_y / cell;
    CHECK (n_columns <= AL_SIM_MAX_COLUMNS,
           "%u × %u pixels of %g nm hold about %.0f million columns; at most %.0f million are simulated",
           p->width, p->height, p->pixel_size_nm, n_columns / 1e6, AL_SIM_MAX_COLUMNS / 1e6);
  }
  CHECK (p->scan.jitter_px >= 0 && p->scan.jitter_px <= 100, "The line jitter must be 0–100 px");
  CHECK (p->scan.wobble_period_px >= 0, "The wobble period must be positive");
  CHECK (p->voltage_kv >= 10 && p->voltage_kv <= 1000, "The voltage must be 10–1000 kV");
  return TRUE;
}

static gboolean
parse_number (const char *text,
              double     *out)
{
  char *end;

  errno = 0;
  *out = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && errno == 0 && isfinite (*out);
}

/* "A:B" into two numbers. */
static gboolean
parse_pair (const char *text,
            double     *a,
            double     *b)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", -1);

  return g_strv_length (parts) == 2 && parse_number (parts[0], a) && parse_number (parts[1], b);
}

static gboolean
parse_count (const char *key,
             const char *value,
             guint      *out,
             GError    **error)
{
  double v;

  CHECK (parse_number (value, &v) && v >= 0 && v <= AL_SIM_MAX_COUNT && v == floor (v),
         "“%s” needs a whole number of items between 0 and %d, not “%s”", key, AL_SIM_MAX_COUNT,
         value);
  *out = (guint) v;
  return TRUE;
}

/* Splits "k=v,k=v" and calls `item` on each. */
static gboolean
parse_items (const char *text,
             const char *what,
             gboolean  (*item) (const char *key, const char *value, gpointer data, GError **error),
             gpointer    data,
             GError    **error)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);

  for (guint k = 0; items[k] != NULL; k++)
    {
      g_auto (GStrv) kv = NULL;
      char *item_text = g_strstrip (items[k]);

      if (*item_text == '\0')
        continue;
      kv = g_strsplit (item_text, "=", 2);
      CHECK (kv[1] != NULL, "%s item “%s” is not KEY=VALUE", what, item_text);
      if (!item (g_strstrip (kv[0]), g_strstrip (kv[1]), data, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  AlSimDefectSpec  *spec;
  const AlMaterial *material;
} DefectData;

static gboolean
defect_item (const char *key,
             const char *value,
             gpointer    data,
             GError    **error)
{
  DefectData *d = data;
  AlDefectType type = al_defect_type_from_name (key);
  double v;

  if (strcmp (key, "hole") == 0)
    return parse_count (key, value, &d->spec->n_holes, error);
  CHECK (type != AL_DEFECT_NONE,
         "Unknown defect type “%s” (point: V_S, V_S2, V_Mo, Mo_S2, W_Mo, V1, V2_585, SW, Si_C3, "
         "Si_C4; line and planar: grain_boundary, edge, hole, phase_1T, phase_1Tp, amorphous)", key);
  if (al_defect_type_is_point (type))
    {
      CHECK (al_sim_defect_allowed (d->material, type), "%s has no “%s” defects",
             d->material->label, key);
      CHECK (parse_number (value, &v) && v >= 0 && v <= 0.5,
             "The density of %s must be a fraction of sites between 0 and 0.5, not “%s”", key, value);
      d->spec->density[type] = v;
      return TRUE;
    }
  CHECK (type != AL_DEFECT_PHASE_2H && type != AL_DEFECT_DISLOCATION_57,
         "“%s” cannot be asked for in --defects%s", key,
         type == AL_DEFECT_DISLOCATION_57 ? " (use --strain dislocation=N)" : "");
  CHECK (d->material->is_tmd || (type != AL_DEFECT_PHASE_1T && type != AL_DEFECT_PHASE_1TP),
         "%s has no 1T phase", d->material->label);
  return parse_count (key, value, &d->spec->count[type], error);
}

gboolean
al_sim_defect_spec_parse (AlSimDefectSpec  *spec,
                          const AlMaterial *material,
                          const char       *text,
                          GError          **error)
{
  DefectData data = { spec, material };

  memset (spec, 0, sizeof *spec);
  if (text == NULL)
    return TRUE;
  return parse_items (text, "Defect", defect_item, &data, error);
}

static gboolean
strain_item (const char *key,
             const char *value,
             gpointer    data,
             GError    **error)
{
  AlSimStrainSpec *s = data;
  double v;

  if (strcmp (key, "bump") == 0)
    {
      CHECK (parse_pair (value, &s->bump_amplitude, &s->bump_radius_nm)
             && fabs (s->bump_amplitude) <= 0.3 && s->bump_radius_nm > 0 && s->bump_radius_nm < 1e4,
             "bump needs AMPLITUDE:RADIUS_NM with |amplitude| ≤ 0.3, e.g. bump=0.03:4");
      return TRUE;
    }
  if (strcmp (key, "dislocation") == 0)
    {
      CHECK (parse_number (value, &v) && v >= 0 && v <= 8 && v == floor (v),
             "dislocation needs a count between 0 and 8");
      s->n_dislocations = (guint) v;
      return TRUE;
    }
  CHECK (parse_number (value, &v), "Strain item “%s” needs a number, not “%s”", key, value);
  if (strcmp (key, "rot") == 0)
    {
      CHECK (fabs (v) <= 45, "rot is in degrees, at most 45");
      s->rotation_deg = v;
      return TRUE;
    }
  CHECK (fabs (v) <= 0.3, "%s is a fraction (0.02 = 2 %%), at most 0.3 in size", key);
  if (strcmp (key, "exx") == 0)
    s->exx = v;
  else if (strcmp (key, "eyy") == 0)
    s->eyy = v;
  else if (strcmp (key, "exy") == 0)
    s->exy = v;
  else
    CHECK (FALSE, "Unknown strain item “%s” (exx, eyy, exy, rot, bump, dislocation)", key);
  return TRUE;
}

gboolean
al_sim_strain_spec_parse (AlSimStrainSpec *spec,
                          const char      *text,
                          GError         **error)
{
  memset (spec, 0, sizeof *spec);
  if (text == NULL)
    return TRUE;
  return parse_items (text, "Strain", strain_item, spec, error);
}

static gboolean
scan_item (const char *key,
           const char *value,
           gpointer    data,
           GError    **error)
{
  AlSimScanSpec *s = data;
  double v;

  if (strcmp (key, "drift") == 0)
    {
      CHECK (parse_pair (value, &s->drift_x_nm, &s->drift_y_nm)
             && fabs (s->drift_x_nm) < 100 && fabs (s->drift_y_nm) < 100,
             "drift needs DX:DY in nm per frame, e.g. drift=0.2:0.1");
      return TRUE;
    }
  if (strcmp (key, "wobble") == 0)
    {
      CHECK (parse_pair (value, &s->wobble_px, &s->wobble_period_px)
             && fabs (s->wobble_px) <= 100 && s->wobble_period_px >= 2,
             "wobble needs AMPLITUDE_PX:PERIOD_PX, e.g. wobble=0.5:300");
      return TRUE;
    }
  CHECK (parse_number (value, &v) && v >= 0 && v <= 100, "Scan item “%s” needs a number in 0–100", key);
  if (strcmp (key, "jitter") == 0)
    s->jitter_px = v;
  else if (strcmp (key, "frame_drift") == 0)
    s->frame_drift_nm = v;
  else
    CHECK (FALSE, "Unknown scan item “%s” (jitter, drift, wobble, frame_drift)", key);
  return TRUE;
}

gboolean
al_sim_scan_spec_parse (AlSimScanSpec *spec,
                        const char    *text,
                        GError       **error)
{
  memset (spec, 0, sizeof *spec);
  if (text == NULL)
    return TRUE;
  return parse_items (text, "Scan", scan_item, spec, error);
}
