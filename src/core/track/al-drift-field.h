/* al-drift-field.h: non-rigid drift between two frames: the displacement
 * of `moved` relative to `reference` as a smooth field over the frame.
 *
 * A STEM frame is scanned line by line, so drift during the scan shears
 * and stretches it (the later lines have moved further), and the scan coils
 * add slow wobbles: the shift between two frames differs across the field.
 * Overlapping windows on a grid (half a window apart) are each registered
 * by phase correlation (al_drift_pair()), the shift of a window taken as
 * the displacement at its centre, and a quadratic polynomial in x and y is
 * fitted to them per component by least squares, twice: windows whose
 * shift lies more than 3σ from the first fit (a defect that moved, a
 * window of vacuum) are left out of the second. A quadratic holds a
 * rigid shift, a shear, a stretch and a bend of the scan.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Polynomial terms: 1, u, v, u², uv, v², with u and v the position scaled
 * to [-1, 1] over the frame. */
#define AL_DRIFT_FIELD_TERMS 6

typedef struct
{
  double width, height;                 /* px */
  double cx[AL_DRIFT_FIELD_TERMS];      /* dx = Σ cx[k]·term_k(u, v) */
  double cy[AL_DRIFT_FIELD_TERMS];
  guint  n_windows;                     /* windows fitted (outliers out) */
  double rms_px;                        /* rms of the fitted windows' residuals */
} AlDriftField;

/* The field of `moved` against `reference` (width × height floats each),
 * from windows of window_px side (at least 16; at least 3 across each
 * way), each shift searched within max_step_px (0: anywhere; for a crystal
 * give under half the lattice period). */
gboolean al_drift_field_estimate (const float   *reference,
                                  const float   *moved,
                                  guint          width,
                                  guint          height,
                                  guint          window_px,
                                  double         max_step_px,
                                  AlDriftField  *field,
                                  GError       **error);
/* The displacement at (x, y) px. */
void     al_drift_field_at       (const AlDriftField *field,
                                  double              x,
                                  double              y,
                                  double             *dx,
                                  double             *dy);

G_END_DECLS
