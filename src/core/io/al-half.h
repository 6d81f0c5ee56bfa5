/* al-half.h: IEEE 754 binary16 ("half", float16) samples to float, for the
 * readers whose files may hold them (TIFF, MRC mode 12). */
#pragma once

#include <glib.h>

static inline float
al_half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exponent = (h >> 10) & 0x1f;
  guint32 mantissa = h & 0x3ff;
  union { guint32 u; float f; } out;

  if (exponent == 0)
    {
      /* Zero or subnormal: mantissa × 2^-24. */
      float v = (float) mantissa * (1.0f / 16777216.0f);
      return sign ? -v : v;
    }
  if (exponent == 31)
    out.u = sign | 0x7f800000u | (mantissa << 13);   /* infinity, NaN */
  else
    out.u = sign | ((exponent + 112) << 23) | (mantissa << 13);
  return out.f;
}
