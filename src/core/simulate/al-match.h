/* al-match.h: one-to-one matching of found points to true points within a
 * radius, optimal (the most pairs, then the least total squared distance).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Matches points a (n_a) and b (n_b) in the plane. On return match_a[i] is
 * the index in b matched to a[i] or -1; likewise match_b. Returns the
 * number of pairs. */
guint al_match_points (const double *ax,
                       const double *ay,
                       guint         n_a,
                       const double *bx,
                       const double *by,
                       guint         n_b,
                       double        radius,
                       int          *match_a,
                       int          *match_b);

G_END_DECLS
