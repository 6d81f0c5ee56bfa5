/* al-sim-hrtem.c: an HRTEM-like image (weak phase contrast).
 *
 * Each atom shifts the phase of the plane wave by a Gaussian of width
 * AL_SIM_HRTEM_ATOM_SIGMA_NM whose integral grows as Z^0.6 (the projected
 * potential of a neutral atom scales roughly so; Kirkland, Advanced
 * Computing in Electron Microscopy, 2nd ed., ch. 5). The exit wave
 * exp(iφ) goes through the objective lens: the aberration function
 *   χ(k) = π λ Δf k² + (π/2) Cs λ³ k⁴
 * (Δf < 0 underfocus), an objective aperture, and a Gaussian envelope for
 * partial coherence; the image is |ψ|². Depending on defocus the atoms are
 * dark or bright, as in real HRTEM. The FFT is FFTW's (float); unlike
 * HAADF, this mode is deterministic for a seed on one machine, not
 * guaranteed bit-identical across CPUs.
 */
#include "al-sim-private.h"

#include <fftw3.h>
#include <math.h>
#include <string.h>

#define AL_SIM_HRTEM_ATOM_SIGMA_NM 0.03
/* Integrated phase of a carbon atom, rad·nm² (≈ 0.07 rad peak). */
#define AL_SIM_HRTEM_PHASE_C 4.0e-4
#define AL_SIM_HRTEM_Z_POWER 0.6
#define AL_SIM_HRTEM_APERTURE_PER_NM 12.0
/* Information limit (envelope falls to 1/e), 1/nm. */
#define AL_SIM_HRTEM_INFO_LIMIT_PER_NM 9.0
#define AL_SIM_HRTEM_PAD_PX 16
#define AL_SIM_ANGSTROM_PER_NM 10.0

/* Relativistic electron wavelength, nm. */
static double
wavelength_nm (double kv)
{
  double v = kv * 1e3;
  return 1.226426 / sqrt (v * (1.0 + 0.978476e-6 * v));
}

static void
draw_phase (const AlSimParams *params,
            const GArray      *columns,
            float             *phase,
            int                cw,
            int                ch,
            int                pad)
{
  double pix = params->pixel_size_nm, s = AL_SIM_HRTEM_ATOM_SIGMA_NM / pix;
  int half = (int) ceil (4 * s) + 1;
  double norm = 1.0 / (2 * G_PI * AL_SIM_HRTEM_ATOM_SIGMA_NM * AL_SIM_HRTEM_ATOM_SIGMA_NM);

  for (guint k = 0; k < columns->len; k++)
    {
      const AlSimColumn *c = &g_array_index (columns, AlSimColumn, k);
      double cx = c->x / pix + pad, cy = c->y / pix + pad, amp = 0;

      if (c->removed)
        continue;
      for (guint a = 0; a < c->n_z; a++)
        amp += AL_SIM_HRTEM_PHASE_C * pow (c->z[a] / 6.0, AL_SIM_HRTEM_Z_POWER);
      amp *= norm;
      for (int y = (int) floor (cy) - half; y <= (int) floor (cy) + half; y++)
        for (int x = (int) floor (cx) - half; x <= (int) floor (cx) + half; x++)
          if (x >= 0 && y >= 0 && x < cw && y < ch)
            {
              double dx = x - cx, dy = y - cy;
              phase[(gsize) y * cw + x] += (float) (amp * exp (-0.5 * (dx * dx + dy * dy) / (s * s)));
            }
    }
}

void
al_sim_hrtem_render (const AlSimParams *params,
                     const GArray      *columns,
                     float             *out)
{
  int pad = AL_SIM_HRTEM_PAD_PX;
  int cw = (int) params->width + 2 * pad, ch = (int) params->height + 2 * pad;
  double pix = params->pixel_size_nm, lambda = wavelength_nm (params->voltage_kv);
  double cs = params->cs_mm * 1e6, df = params->defocus_nm;
  double counts = params->dose * pow (pix * AL_SIM_ANGSTROM_PER_NM, 2);
  g_autofree float *phase = g_new0 (float, (gsize) cw * ch);
  fftwf_complex *wave = fftwf_alloc_complex ((gsize) cw * ch);
  fftwf_plan forward = fftwf_plan_dft_2d (ch, cw, wave, wave, FFTW_FORWARD, FFTW_ESTIMATE);
  fftwf_plan backward = fftwf_plan_dft_2d (ch, cw, wave, wave, FFTW_BACKWARD, FFTW_ESTIMATE);
  double n_inv = 1.0 / ((double) cw * ch);

  draw_phase (params, columns, phase, cw, ch, pad);
  for (gsize q = 0; q < (gsize) cw * ch; q++)
    {
      wave[q][0] = cosf (phase[q]);
      wave[q][1] = sinf (phase[q]);
    }
  fftwf_execute (forward);
  for (int v = 0; v < ch; v++)
    for (int u = 0; u < cw; u++)
      {
        double kx = (u <= cw / 2 ? u : u - cw) / (cw * pix);
        double ky = (v <= ch / 2 ? v : v - ch) / (ch * pix);
        double k2 = kx * kx + ky * ky;
        double chi = G_PI * lambda * df * k2 + 0.5 * G_PI * cs * lambda * lambda * lambda * k2 * k2;
        double env = exp (-k2 / (AL_SIM_HRTEM_INFO_LIMIT_PER_NM * AL_SIM_HRTEM_INFO_LIMIT_PER_NM));
        fftwf_complex *w = &wave[(gsize) v * cw + u];
        double re = (*w)[0], im = (*w)[1], cr = cos (chi) * env * n_inv, ci = -sin (chi) * env * n_inv;

        if (k2 > AL_SIM_HRTEM_APERTURE_PER_NM * AL_SIM_HRTEM_APERTURE_PER_NM)
          cr = ci = 0;
        (*w)[0] = (float) (re * cr - im * ci);
        (*w)[1] = (float) (re * ci + im * cr);
      }
  fftwf_execute (backward);
  for (guint y = 0; y < params->height; y++)
    for (guint x = 0; x < params->width; x++)
      {
        const fftwf_complex *w = &wave[(gsize) (y + pad) * cw + x + pad];
        out[(gsize) y * params->width + x]
          = (float) (counts * ((*w)[0] * (*w)[0] + (*w)[1] * (*w)[1]));
      }
  fftwf_destroy_plan (forward);
  fftwf_destroy_plan (backward);
  fftwf_free (wave);
}
