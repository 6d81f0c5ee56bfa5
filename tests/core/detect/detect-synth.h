/* detect-synth.h: synthetic images for the detection tests: Gaussian
 * columns on a honeycomb or anywhere, with Poisson noise from a fixed seed. */
#pragma once

#include <glib.h>
#include <math.h>

typedef struct
{
  double x, y, amplitude;
  int    species;
} SynthColumn;

/* A Poisson sample of mean `lambda` (normal approximation above 200). */
static inline double
synth_poisson (GRand  *rand,
               double  lambda)
{
  if (lambda <= 0)
    return 0;
  if (lambda > 200)
    {
      double u1 = g_rand_double (rand), u2 = g_rand_double (rand);
      double z = sqrt (-2.0 * log (MAX (u1, 1e-300))) * cos (2 * G_PI * u2);
      return MAX (0.0, round (lambda + sqrt (lambda) * z));
    }
  {
    double l = exp (-lambda), p = 1.0;
    int k = 0;
    do
      {
        k++;
        p *= g_rand_double (rand);
      }
    while (p > l);
    return k - 1;
  }
}

/* Renders columns (peak counts `amplitude`, sigma `sigma`) on `background`
 * counts, then draws Poisson noise when `rand` is not NULL. */
static inline float *
synth_render (const SynthColumn *cols,
              guint              n,
              guint              width,
              guint              height,
              double             sigma,
              double             background,
              GRand             *rand)
{
  float *img = g_new (float, (gsize) width * height);
  int r = (int) ceil (5 * sigma);

  for (gsize i = 0; i < (gsize) width * height; i++)
    img[i] = (float) background;
  for (guint c = 0; c < n; c++)
    for (int y = MAX (0, (int) cols[c].y - r); y <= MIN ((int) height - 1, (int) cols[c].y + r); y++)
      for (int x = MAX (0, (int) cols[c].x - r); x <= MIN ((int) width - 1, (int) cols[c].x + r); x++)
        {
          double d2 = (x - cols[c].x) * (x - cols[c].x) + (y - cols[c].y) * (y - cols[c].y);
          img[(gsize) y * width + x] += (float) (cols[c].amplitude * exp (-0.5 * d2 / (sigma * sigma)));
        }
  if (rand != NULL)
    for (gsize i = 0; i < (gsize) width * height; i++)
      img[i] = (float) synth_poisson (rand, img[i]);
  return img;
}

/* Honeycomb columns of lattice constant `a_px` rotated by `angle` (rad),
 * inside [margin, size - margin); sublattice A gets species 0, B species 1,
 * with amplitudes amp_a and amp_b. */
static inline GArray *
synth_honeycomb (guint  width,
                 guint  height,
                 double a_px,
                 double angle,
                 double amp_a,
                 double amp_b,
                 double margin)
{
  GArray *cols = g_array_new (FALSE, FALSE, sizeof (SynthColumn));
  double c = cos (angle), s = sin (angle);
  double a1[2] = { a_px * c, a_px * s };
  double a2[2] = { a_px * (0.5 * c - 0.8660254 * s), a_px * (0.5 * s + 0.8660254 * c) };
  int n = (int) (2 * (width + height) / a_px) + 2;
  double ox = width / 2.0 + 0.37, oy = height / 2.0 + 0.21;

  for (int i = -n; i <= n; i++)
    for (int j = -n; j <= n; j++)
      for (int sub = 0; sub < 2; sub++)
        {
          SynthColumn col;
          double f = sub ? 1.0 / 3.0 : 0.0, g = sub ? 1.0 / 3.0 : 0.0;
          col.x = ox + (i + f) * a1[0] + (j + g) * a2[0];
          col.y = oy + (i + f) * a1[1] + (j + g) * a2[1];
          if (col.x < margin || col.y < margin || col.x >= width - margin || col.y >= height - margin)
            continue;
          col.amplitude = sub ? amp_b : amp_a;
          col.species = sub;
          g_array_append_val (cols, col);
        }
  return cols;
}
