/* al-summary-json.h: summary.json of `analyze` (DESIGN.md §6): counts per
 * species and defect type, densities per nm², lattice parameters, timings.
 */
#pragma once

#include <glib.h>

#include "al-image.h"
#include "al-pipeline.h"

G_BEGIN_DECLS

char *al_summary_json (const AlAnalysis *analysis,
                       const AlImage    *image,
                       double            total_seconds);

G_END_DECLS
