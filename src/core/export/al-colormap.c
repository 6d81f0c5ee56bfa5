/* al-colormap.c: colour maps from published control points, and the
 * categorical palettes.
 *
 * viridis and magma: S. van der Walt and N. Smith, "A better default colormap
 * for Matplotlib" (SciPy 2015), tables released under CC0; we keep 33 of
 * their 256 entries (every eighth, and the last) and interpolate linearly in
 * between, which stays within 1/255 of the full tables.
 * RdBu: the 11-class diverging scheme of C. A. Brewer, ColorBrewer 2.0
 * (colorbrewer2.org), reversed so that low is blue and high is red.
 * Species: M. Okabe and K. Ito, "Color Universal Design (CUD): how to make
 * figures and presentations that are friendly to colorblind people" (2008).
 * Categories: P. Tol, "Colour schemes", SRON/EPS/TN/09-002 (2021), "bright".
 */
#include "al-colormap.h"

#include <math.h>
#include <string.h>

typedef struct
{
  double t;
  AlRgb  c;
} AlStop;

/* Entry i of the 256-entry tables sits at t = i / 255. */
#define MPL(i, r, g, b) { (i) / 255.0, { r, g, b } }

static const AlStop viridis[] = {
  MPL (0, 0.2670, 0.0049, 0.3294), MPL (8, 0.2770, 0.0503, 0.3757),
  MPL (16, 0.2823, 0.0950, 0.4173), MPL (24, 0.2829, 0.1359, 0.4534),
  MPL (32, 0.2788, 0.1755, 0.4834), MPL (40, 0.2706, 0.2141, 0.5071),
  MPL (48, 0.2590, 0.2515, 0.5247), MPL (56, 0.2450, 0.2877, 0.5373),
  MPL (64, 0.2297, 0.3224, 0.5457), MPL (72, 0.2143, 0.3556, 0.5512),
  MPL (80, 0.1994, 0.3876, 0.5546), MPL (88, 0.1856, 0.4186, 0.5568),
  MPL (96, 0.1727, 0.4488, 0.5579), MPL (104, 0.1607, 0.4785, 0.5581),
  MPL (112, 0.1490, 0.5081, 0.5573), MPL (120, 0.1378, 0.5375, 0.5549),
  MPL (128, 0.1276, 0.5669, 0.5506), MPL (136, 0.1206, 0.5964, 0.5436),
  MPL (144, 0.1206, 0.6258, 0.5335), MPL (152, 0.1323, 0.6550, 0.5197),
  MPL (160, 0.1579, 0.6838, 0.5017), MPL (168, 0.1966, 0.7118, 0.4792),
  MPL (176, 0.2461, 0.7389, 0.4520), MPL (184, 0.3041, 0.7647, 0.4199),
  MPL (192, 0.3692, 0.7889, 0.3829), MPL (200, 0.4401, 0.8111, 0.3410),
  MPL (208, 0.5160, 0.8312, 0.2943), MPL (216, 0.5958, 0.8487, 0.2433),
  MPL (224, 0.6785, 0.8637, 0.1895), MPL (232, 0.7624, 0.8764, 0.1371),
  MPL (240, 0.8456, 0.8873, 0.0997), MPL (248, 0.9261, 0.8973, 0.1041),
  MPL (255, 0.9932, 0.9062, 0.1439),
};

static const AlStop magma[] = {
  MPL (0, 0.0015, 0.0005, 0.0139), MPL (8, 0.0137, 0.0118, 0.0687),
  MPL (16, 0.0396, 0.0311, 0.1335), MPL (24, 0.0743, 0.0520, 0.2027),
  MPL (32, 0.1131, 0.0655, 0.2768), MPL (40, 0.1590, 0.0684, 0.3527),
  MPL (48, 0.2117, 0.0620, 0.4186), MPL (56, 0.2654, 0.0602, 0.4618),
  MPL (64, 0.3167, 0.0717, 0.4854), MPL (72, 0.3660, 0.0903, 0.4980),
  MPL (80, 0.4147, 0.1104, 0.5047), MPL (88, 0.4635, 0.1299, 0.5077),
  MPL (96, 0.5128, 0.1482, 0.5076), MPL (104, 0.5629, 0.1654, 0.5047),
  MPL (112, 0.6136, 0.1818, 0.4985), MPL (120, 0.6649, 0.1981, 0.4888),
  MPL (128, 0.7164, 0.2150, 0.4753), MPL (136, 0.7674, 0.2337, 0.4578),
  MPL (144, 0.8169, 0.2559, 0.4365), MPL (152, 0.8633, 0.2837, 0.4124),
  MPL (160, 0.9043, 0.3196, 0.3881), MPL (168, 0.9372, 0.3649, 0.3686),
  MPL (176, 0.9609, 0.4183, 0.3596), MPL (184, 0.9767, 0.4762, 0.3645),
  MPL (192, 0.9867, 0.5356, 0.3822), MPL (200, 0.9928, 0.5949, 0.4103),
  MPL (208, 0.9961, 0.6537, 0.4462), MPL (216, 0.9973, 0.7118, 0.4882),
  MPL (224, 0.9969, 0.7696, 0.5349), MPL (232, 0.9951, 0.8271, 0.5857),
  MPL (240, 0.9924, 0.8843, 0.6401), MPL (248, 0.9894, 0.9415, 0.6975),
  MPL (255, 0.9871, 0.9914, 0.7495),
};

/* ColorBrewer RdBu-11 from #053061 (dark blue) to #67001f (dark red). */
#define HEX(i, v) { (i) / 10.0, { ((v) >> 16) / 255.0, (((v) >> 8) & 0xff) / 255.0, ((v) & 0xff) / 255.0 } }

static const AlStop rdbu[] = {
  HEX (0, 0x053061), HEX (1, 0x2166ac), HEX (2, 0x4393c3), HEX (3, 0x92c5de),
  HEX (4, 0xd1e5f0), HEX (5, 0xf7f7f7), HEX (6, 0xfddbc7), HEX (7, 0xf4a582),
  HEX (8, 0xd6604d), HEX (9, 0xb2182b), HEX (10, 0x67001f),
};

static const AlStop grey[] = {
  { 0.0, { 0.0, 0.0, 0.0 } }, { 1.0, { 1.0, 1.0, 1.0 } },
};

static const struct
{
  const char   *name;
  const AlStop *stops;
  guint         n_stops;
} maps[AL_N_COLORMAPS] = {
  [AL_COLORMAP_GREY] = { "grey", grey, G_N_ELEMENTS (grey) },
  [AL_COLORMAP_VIRIDIS] = { "viridis", viridis, G_N_ELEMENTS (viridis) },
  [AL_COLORMAP_MAGMA] = { "magma", magma, G_N_ELEMENTS (magma) },
  [AL_COLORMAP_RDBU] = { "rdbu", rdbu, G_N_ELEMENTS (rdbu) },
};

const char *
al_colormap_name (AlColormap map)
{
  g_return_val_if_fail (map < AL_N_COLORMAPS, NULL);
  return maps[map].name;
}

int
al_colormap_from_name (const char *name)
{
  if (name == NULL)
    return -1;
  if (g_ascii_strcasecmp (name, "gray") == 0)
    return AL_COLORMAP_GREY;
  for (guint i = 0; i < AL_N_COLORMAPS; i++)
    if (g_ascii_strcasecmp (name, maps[i].name) == 0)
      return (int) i;
  return -1;
}

AlRgb
al_colormap_eval (AlColormap map,
                  double     t)
{
  const AlStop *s;
  guint n, k;
  double u;
  AlRgb c, black = { 0, 0, 0 };

  g_return_val_if_fail (map < AL_N_COLORMAPS, black);
  s = maps[map].stops;
  n = maps[map].n_stops;
  if (!(t > 0.0))   /* also NaN */
    return s[0].c;
  if (t >= 1.0)
    return s[n - 1].c;
  for (k = 1; k < n - 1 && s[k].t < t; k++)
    ;
  u = (t - s[k - 1].t) / (s[k].t - s[k - 1].t);
  c.r = s[k - 1].c.r + u * (s[k].c.r - s[k - 1].c.r);
  c.g = s[k - 1].c.g + u * (s[k].c.g - s[k - 1].c.g);
  c.b = s[k - 1].c.b + u * (s[k].c.b - s[k - 1].c.b);
  return c;
}

static guint32
channel (double v)
{
  return (guint32) lround (CLAMP (v, 0.0, 1.0) * 255.0);
}

void
al_colormap_lut (AlColormap map,
                 guint32    lut[AL_COLORMAP_LUT_SIZE])
{
  for (guint i = 0; i < AL_COLORMAP_LUT_SIZE; i++)
    {
      AlRgb c = al_colormap_eval (map, i / (double) (AL_COLORMAP_LUT_SIZE - 1));
      lut[i] = 0xff000000u | channel (c.r) << 16 | channel (c.g) << 8 | channel (c.b);
    }
}

static AlRgb
rgb_from_hex (guint32 v)
{
  return (AlRgb) { (v >> 16) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0 };
}

/* Okabe–Ito without black (it vanishes on dark image areas), brightest first
 * so that the common species stand out on a grey image. */
AlRgb
al_palette_species (guint index)
{
  static const guint32 okabe_ito[] = {
    0xE69F00, /* orange */
    0x56B4E9, /* sky blue */
    0x009E73, /* bluish green */
    0xCC79A7, /* reddish purple */
    0xF0E442, /* yellow */
    0x0072B2, /* blue */
    0xD55E00, /* vermillion */
  };
  return rgb_from_hex (okabe_ito[index % G_N_ELEMENTS (okabe_ito)]);
}

AlRgb
al_palette_category (guint index)
{
  static const guint32 tol_bright[] = {
    0xEE6677, /* red */
    0x66CCEE, /* cyan */
    0xCCBB44, /* yellow */
    0x228833, /* green */
    0xAA3377, /* purple */
    0x4477AA, /* blue */
    0xBBBBBB, /* grey */
  };
  return rgb_from_hex (tol_bright[index % G_N_ELEMENTS (tol_bright)]);
}
