/* al-nn-resample.c: a frame on a network's grid and back. See
 * al-nn-resample.h. */
#include <math.h>

#include "al-error.h"
#include "nn/al-nn-resample.h"

gboolean
al_nn_model_grid (const AlNnModel *model,
                  guint            width,
                  guint            height,
                  double           pixel_size_nm,
                  guint           *model_width,
                  guint           *model_height,
                  GError         **error)
{
  double model_px = al_nn_model_get_pixel_size_nm (model);
  double mw, mh;

  *model_width = width;
  *model_height = height;
  if (pixel_size_nm <= 0 || model_px <= 0
      || fabs (pixel_size_nm / model_px - 1.0) <= AL_NN_SCALE_TOLERANCE)
    return TRUE;
  mw = round (width * pixel_size_nm / model_px);
  mh = round (height * pixel_size_nm / model_px);
  if (mw > AL_NN_MAX_RESAMPLED_SIDE || mh > AL_NN_MAX_RESAMPLED_SIDE)
    {
      g_set_error (error, AL_ERROR, AL_ERROR_TOO_LARGE,
                   "At the network's %g nm/px this %g nm/px frame would be %.0f × %.0f px",
                   model_px, pixel_size_nm, mw, mh);
      return FALSE;
    }
  *model_width = (guint) MAX (mw, 1.0);
  *model_height = (guint) MAX (mh, 1.0);
  return TRUE;
}

void
al_nn_resample_bilinear (const float *src,
                         guint        src_w,
                         guint        src_h,
                         float       *dst,
                         guint        dst_w,
                         guint        dst_h,
                         guint        n_channels)
{
  double sx = (double) src_w / dst_w, sy = (double) src_h / dst_h;

  for (guint c = 0; c < n_channels; c++)
    {
      const float *s = src + (gsize) c * src_w * src_h;
      float *d = dst + (gsize) c * dst_w * dst_h;
      for (guint y = 0; y < dst_h; y++)
        {
          double fy = CLAMP ((y + 0.5) * sy - 0.5, 0.0, src_h - 1.0);
          guint y0 = (guint) fy, y1 = MIN (y0 + 1, src_h - 1);
          double wy = fy - y0;
          for (guint x = 0; x < dst_w; x++)
            {
              double fx = CLAMP ((x + 0.5) * sx - 0.5, 0.0, src_w - 1.0);
              guint x0 = (guint) fx, x1 = MIN (x0 + 1, src_w - 1);
              double wx = fx - x0;
              double top = s[(gsize) y0 * src_w + x0] * (1 - wx) + s[(gsize) y0 * src_w + x1] * wx;
              double bot = s[(gsize) y1 * src_w + x0] * (1 - wx) + s[(gsize) y1 * src_w + x1] * wx;
              d[(gsize) y * dst_w + x] = (float) (top * (1 - wy) + bot * wy);
            }
        }
    }
}
