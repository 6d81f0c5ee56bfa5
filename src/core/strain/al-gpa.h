/* al-gpa.h: geometric phase analysis (Hÿtch, Snoeck & Kilaas,
 * Ultramicroscopy 74, 131 (1998)): strain maps per pixel from the phases of
 * two Bragg reflections.
 *
 * For a reflection g, a Gaussian mask around g in the Fourier transform
 * gives a complex image H_g(r) whose phase, after removing 2π g_ref·r, is
 * P_g = −2π g_ref·u(r). With two non-collinear reflections the gradient of
 * u follows from ∇P: D = −(1/2π) G⁻¹ ∇P, G holding g1 and g2 as rows. The
 * phase gradient is taken as Im(H* ∇H)/|H|², which needs no unwrapping.
 *
 * Because H_g is band-limited by its mask, it is computed on a coarse grid
 * (the mask's window of the spectrum, transformed on its own) and
 * interpolated to every pixel: one full-size FFT in all.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Gaussian mask σ as a fraction of |g|: about one lattice constant of
 * spatial resolution. */
#define AL_GPA_MASK_SIGMA_FRACTION 0.06

typedef struct
{
  gboolean auto_g;           /* find the two reflections in the spectrum */
  double   g[2][2];          /* reflections (cycles/px, x then y) when not auto */
  gboolean have_reference;   /* measure strain against g_ref, not the measured g */
  double   g_ref[2][2];
  double   mask_sigma_fraction;  /* 0: AL_GPA_MASK_SIGMA_FRACTION */
} AlGpaParams;

typedef struct
{
  guint   width;
  guint   height;
  float  *exx;               /* per pixel, row-major; NaN where the lattice fringes vanish */
  float  *eyy;
  float  *exy;
  float  *rotation;          /* degrees, +x towards +y */
  double  g[2][2];           /* the reflections used (refined peak positions) */
  double  g_ref[2][2];       /* what strain is measured against */
} AlGpaMaps;

void       al_gpa_params_init   (AlGpaParams   *params);
AlGpaMaps *al_gpa_run           (const float   *frame,
                                 guint          width,
                                 guint          height,
                                 const AlGpaParams *params,
                                 GCancellable  *cancellable,
                                 GError       **error);
void       al_gpa_maps_free     (AlGpaMaps     *maps);
void       al_gpa_reciprocal    (const double   a1[2],
                                 const double   a2[2],
                                 double         b[2][2]);
void       al_gpa_match_reference (const double g[2][2],
                                   const double b[2][2],
                                   double       g_ref[2][2]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlGpaMaps, al_gpa_maps_free)

G_END_DECLS
