/* cli-model.c: --model auto|none|FILE for analyze and batch. auto uses the
 * material's trained network (al_model_find) where there is one. The
 * default is none, the classical detector: measured with `atomlens-cli
 * score` on simulated 512² MoS2, WS2 and graphene at 10⁴ and 10⁵ e⁻/Å²
 * the networks did not find atoms better (README.md, "Trained networks"). */
#include "cli-model.h"

#include "al-cli.h"

gboolean
al_cli_model_option (const char       *value,
                     AlPipelineParams *params)
{
  params->model_path = NULL;
  params->auto_model = FALSE;
  if (value == NULL || g_ascii_strcasecmp (value, "none") == 0)
    ;
  else if (g_ascii_strcasecmp (value, "auto") == 0)
    params->auto_model = TRUE;
  else if (value[0] == '\0')
    {
      al_cli_fail ("--model wants auto, none or a model file");
      return FALSE;
    }
  else
    params->model_path = value;
  return TRUE;
}

gboolean
al_cli_denoise_option (const char       *denoise,
                       const char       *fit_on,
                       AlPipelineParams *params)
{
  int mode = denoise != NULL ? al_denoise_mode_from_name (denoise) : AL_DENOISE_AUTO;

  if (mode < 0)
    {
      al_cli_fail ("--denoise wants auto, on or off (got “%s”)", denoise);
      return FALSE;
    }
  params->denoise = (AlDenoiseMode) mode;
  if (fit_on == NULL || g_ascii_strcasecmp (fit_on, "raw") == 0)
    params->fit_on_denoised = FALSE;
  else if (g_ascii_strcasecmp (fit_on, "denoised") == 0)
    params->fit_on_denoised = TRUE;
  else
    {
      al_cli_fail ("--fit-on wants raw or denoised (got “%s”)", fit_on);
      return FALSE;
    }
  return TRUE;
}
