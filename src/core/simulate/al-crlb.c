/* al-crlb.c: Cramér–Rao lower bound of column positions.
 *
 * For pixel counts k_p with mean λ_p(θ) and variance λ_p + σ_d² (Poisson
 * plus Gaussian detector noise), the Fisher information of θ = (x, y) of
 * one column is
 *   I_ij = Σ_p ∂_i λ_p ∂_j λ_p / (λ_p + σ_d²)
 * (exact for pure Poisson; for the mixture this is the usual Gaussian
 * approximation). λ is the full model: every column of the truth through
 * the probe (core + tail, pixel-integrated) plus the background, rendered
 * once per frame. The derivatives are analytic: for a pixel-integrated
 * Gaussian G(p) = Φ((p+½−x)/σ) − Φ((p−½−x)/σ),
 *   ∂G/∂x = −[φ((p+½−x)/σ) − φ((p−½−x)/σ)] / σ.
 * The bound is √(I⁻¹)_xx and √(I⁻¹)_yy. For an isolated Gaussian column of
 * N counts with no background and fine pixels it is σ/√N (the closed
 * form; e.g. Ober et al., Biophys. J. 86, 1185 (2004)).
 */
#include "al-crlb.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "al-sim-render.h"
#include "io/al-io.h"

/* The derivative is summed over a window of this many core sigmas; the
 * tail's information beyond it is below a per cent of the core's. */
#define AL_CRLB_WINDOW_SIGMAS 5.0
#define AL_ANGSTROM_PER_NM 10.0

void
al_image_model_clear (AlImageModel *model)
{
  g_free (model->material);
  memset (model, 0, sizeof *model);
}

static double
member_double (JsonObject *o,
               const char *name,
               double      fallback)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) == G_TYPE_STRING)
    return fallback;
  return json_node_get_double (n);
}

/* A string member, or NULL when absent or not a string (a hand-edited
 * file may hold anything there). */
static const char *
member_string (JsonObject *o,
               const char *name)
{
  JsonNode *n = json_object_get_member (o, name);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

gboolean
al_image_model_load (AlImageModel *model,
                     const char   *path,
                     GError      **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  GError *local = NULL;
  JsonObject *o;
  const char *mode;
  double width, height;

  memset (model, 0, sizeof *model);
  if (!json_parser_load_from_file (parser, path, &local))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "Cannot read the image model “%s”: %s",
                   path, local->message);
      g_error_free (local);
      return FALSE;
    }
  /* An empty file parses to no root at all. */
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "“%s” is not a JSON object", path);
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  width = member_double (o, "width", 0);
  height = member_double (o, "height", 0);
  model->pixel_size_nm = member_double (o, "pixel_size_nm", 0);
  model->dose = member_double (o, "dose_e_per_A2", 0);
  model->probe_sigma_nm = member_double (o, "probe_sigma_nm", 0);
  model->tail_sigma_nm = member_double (o, "tail_sigma_nm", 0);
  model->tail_fraction = member_double (o, "tail_fraction", 0);
  model->background = member_double (o, "background", 0);
  model->detector_noise = member_double (o, "detector_noise", 0);
  mode = member_string (o, "mode");
  model->haadf = g_strcmp0 (mode, "haadf") == 0;
  model->material = g_strdup (member_string (o, "material"));
  if (!(width >= 1 && width <= 65536 && height >= 1 && height <= 65536)
      || !(model->pixel_size_nm > 0 && model->pixel_size_nm < 10) || !(model->dose > 0)
      || !(model->probe_sigma_nm > 0) || !(model->tail_fraction >= 0 && model->tail_fraction < 1)
      || !(model->background >= 0) || !(model->detector_noise >= 0)
      || (model->tail_fraction > 0 && !(model->tail_sigma_nm > model->probe_sigma_nm))
      || model->probe_sigma_nm / model->pixel_size_nm > 200
      || model->tail_sigma_nm / model->pixel_size_nm > 200)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "The image model “%s” lacks or has impossible values (size, pixel size, dose, probe)",
                   path);
      al_image_model_clear (model);
      return FALSE;
    }
  model->width = (guint) width;
  model->height = (guint) height;
  return TRUE;
}

/* Pixel-integrated Gaussian and its derivative along one axis. */
static void
profile (double  centre,
         double  sigma,
         int     first,
         int     n,
         double *g,
         double *dg)
{
  for (int t = 0; t < n; t++)
    {
      double hi = (first + t + 0.5 - centre) / sigma, lo = (first + t - 0.5 - centre) / sigma;
      g[t] = 0.5 * (erf (hi / G_SQRT2) - erf (lo / G_SQRT2));
      dg[t] = -(exp (-0.5 * hi * hi) - exp (-0.5 * lo * lo)) / (sigma * sqrt (2 * G_PI));
    }
}

void
al_crlb_columns (const AlImageModel *model,
                 const AlAtoms      *atoms,
                 double             *crlb_x,
                 double             *crlb_y)
{
  double pix = model->pixel_size_nm;
  double sc = model->probe_sigma_nm / pix, st = model->tail_sigma_nm / pix, w = model->tail_fraction;
  double bg = model->dose * pow (pix * AL_ANGSTROM_PER_NM, 2) * model->background;
  double var_det = model->detector_noise * model->detector_noise;
  int half = (int) ceil (AL_CRLB_WINDOW_SIGMAS * sc) + 1, n = 2 * half + 1;
  guint na = atoms->n_atoms;
  g_autofree float *lambda = g_new (float, (gsize) model->width * model->height);
  g_autofree double *px = g_new (double, MAX (na, 1));
  g_autofree double *py = g_new (double, MAX (na, 1));
  g_autofree double *counts = g_new (double, MAX (na, 1));
  g_autofree double *gx = g_new (double, n), *dgx = g_new (double, n);
  g_autofree double *gy = g_new (double, n), *dgy = g_new (double, n);
  g_autofree double *tx = g_new (double, n), *dtx = g_new (double, n);
  g_autofree double *ty = g_new (double, n), *dty = g_new (double, n);

  for (guint i = 0; i < na; i++)
    {
      px[i] = atoms->x[i];
      py[i] = atoms->y[i];
      counts[i] = atoms->intensity[i];
    }
  al_sim_probe_render (model->width, model->height, sc, st, w, px, py, counts, na, NULL, lambda);

  for (guint i = 0; i < na; i++)
    {
      int x0 = (int) floor (px[i]) - half, y0 = (int) floor (py[i]) - half;
      double ixx = 0, iyy = 0, ixy = 0, det;

      profile (px[i], sc, x0, n, gx, dgx);
      profile (py[i], sc, y0, n, gy, dgy);
      if (w > 0)
        {
          profile (px[i], st, x0, n, tx, dtx);
          profile (py[i], st, y0, n, ty, dty);
        }
      for (int v = 0; v < n; v++)
        {
          int y = y0 + v;
          if (y < 0 || y >= (int) model->height)
            continue;
          for (int u = 0; u < n; u++)
            {
              int x = x0 + u;
              double lam, ddx, ddy;
              if (x < 0 || x >= (int) model->width)
                continue;
              lam = lambda[(gsize) y * model->width + x] + bg + var_det;
              ddx = (1 - w) * dgx[u] * gy[v] + (w > 0 ? w * dtx[u] * ty[v] : 0);
              ddy = (1 - w) * gx[u] * dgy[v] + (w > 0 ? w * tx[u] * dty[v] : 0);
              if (lam <= 0)
                continue;
              ixx += counts[i] * counts[i] * ddx * ddx / lam;
              iyy += counts[i] * counts[i] * ddy * ddy / lam;
              ixy += counts[i] * counts[i] * ddx * ddy / lam;
            }
        }
      det = ixx * iyy - ixy * ixy;
      crlb_x[i] = det > 0 ? sqrt (iyy / det) : INFINITY;
      crlb_y[i] = det > 0 ? sqrt (ixx / det) : INFINITY;
    }
}
