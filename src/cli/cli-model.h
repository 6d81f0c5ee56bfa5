/* cli-model.h: the --model option that analyze and batch share. */
#pragma once

#include "al-pipeline.h"

G_BEGIN_DECLS

#define AL_CLI_MODEL_HELP \
  "Atom finder: none (the classical detector; default), auto (the material's trained network " \
  "from the model folders when there is one) or an ONNX FILE with atomlens.task = atoms"

/* Sets params->model_path / auto_model from "auto", "none" or NULL (the
 * default), or a file name (`value` must outlive params). FALSE, with the
 * message printed, for an empty value. */
gboolean al_cli_model_option (const char       *value,
                              AlPipelineParams *params);

G_END_DECLS
