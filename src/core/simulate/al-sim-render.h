/* al-sim-render.h: the HAADF probe model shared by the simulator and the
 * scorer's Cramér–Rao bound: points with integrated counts seen through a
 * Gaussian core plus a Gaussian tail, integrated over pixels. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* out[p] = Σ counts_k P_k(p) (no background), pixel coordinates with pixel
 * centres at integers. row_shift (may be NULL): per-row x displacement. */
void al_sim_probe_render (guint         width,
                          guint         height,
                          double        sigma_core_px,
                          double        sigma_tail_px,
                          double        tail_fraction,
                          const double *px,
                          const double *py,
                          const double *counts,
                          guint         n_points,
                          const double *row_shift,
                          float        *out);

G_END_DECLS
