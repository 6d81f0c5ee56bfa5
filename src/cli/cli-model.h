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

#define AL_CLI_DENOISE_HELP \
  "Denoise before finding the columns: auto (default: TMDs at low signal-to-noise), on or off"
#define AL_CLI_FIT_ON_HELP \
  "Image the positions are fitted on when denoising: raw (default) or denoised"

/* Sets params->denoise and ->fit_on_denoised from --denoise auto|on|off
 * (NULL: auto) and --fit-on raw|denoised (NULL: raw). FALSE, with the
 * message printed, for any other value. */
gboolean al_cli_denoise_option (const char       *denoise,
                                const char       *fit_on,
                                AlPipelineParams *params);

G_END_DECLS
