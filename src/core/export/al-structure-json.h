/* al-structure-json.h: the chemistry part of summary.json: bonds, rings,
 * defects with their lengths and areas, phase areas, the fitted lattice and
 * strain statistics, for the frames of an analysis. */
#pragma once

#include <json-glib/json-glib.h>

#include "al-pipeline.h"

G_BEGIN_DECLS

guint al_structure_json_count_defects (const AlAnalysis *analysis,
                                       guint            *counts);
void  al_structure_json_add           (JsonBuilder      *builder,
                                       const AlAnalysis *analysis);

G_END_DECLS
