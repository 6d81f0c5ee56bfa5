/* al-site-fill-honeycomb.h: the lattice prior of one-species honeycombs
 * (graphene; hBN too, whose B and N differ too little to seed the
 * two-class prior at low dose). The sites come from the Bragg spots
 * (al-honeycomb-lattice.h), not from columns already found, so the prior
 * works where no single column is significant; each site is then tested for
 * a column against a vacancy under the noise model.
 */
#pragma once

#include <glib.h>

#include "detect/al-refine.h"
#include "detect/al-site-fill.h"

G_BEGIN_DECLS

/* Appends to `fits` a column for every honeycomb site that no column holds
 * and that the test takes; returns how many. A new column's se_x and se_y
 * are the standard error of its site's position (the lattice's, not a
 * fit's). `lattice_width_px` gets the columns' sigma measured on the mean
 * profile of all sites (0: not measured), which the new columns have and
 * the test used instead of params->width_px. `labels`, when not NULL,
 * gets one gint8 per column of `fits` on return: the
 * AL_HONEYCOMB_LABEL of the site it holds, or -1 for a column on no
 * site (a defect's, a boundary's). */
guint al_site_fill_honeycomb        (const float            *frame,
                                     const float            *background,
                                     guint                   width,
                                     guint                   height,
                                     GArray                 *fits,
                                     const AlSiteFillParams *params,
                                     double                 *lattice_width_px,
                                     GArray                 *labels);
/* After the columns placed on sites were fitted: each position becomes the
 * inverse-variance mean of the fit and the site (the fit alone when it
 * failed: the site). `placed` are the columns as al_site_fill_honeycomb
 * appended them. */
void  al_site_fill_honeycomb_settle (AlColumnFit            *fitted,
                                     const AlColumnFit      *placed,
                                     guint                   n_columns);

G_END_DECLS
