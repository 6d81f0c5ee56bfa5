/* test-sim-series.c: line and planar defects, strain fields, scan
 * distortions, series and HRTEM contrast of the simulator. */
#include <math.h>
#include <string.h>

#include "al-test.h"
#include "simulate/al-simulate.h"

static AlSimResult *
run (AlSimParams *p)
{
  g_autoptr (GError) error = NULL;
  AlSimResult *r = al_simulate_run (p, NULL, NULL, &error);

  g_assert_no_error (error);
  return r;
}

static void
params_for (AlSimParams *p,
            const char  *material,
            guint        size,
            const char  *defects)
{
  g_autoptr (GError) error = NULL;

  al_sim_params_init (p, al_material_from_name (material));
  p->width = p->height = size;
  p->seed = 17;
  g_assert_true (al_sim_defect_spec_parse (&p->defects, p->material, defects, &error));
}

static guint
count_type (const AlSimResult *r,
            guint              frame,
            AlDefectType       type)
{
  guint n = 0;

  for (guint q = 0; q < r->defects->len; q++)
    {
      const AlSimDefect *d = r->defects->pdata[q];
      n += d->frame == frame && d->type == type;
    }
  return n;
}

/* Closest pair of truth atoms, in nearest-neighbour distances. */
static double
closest_pair (const AlSimResult *r,
              guint              frame)
{
  const AlAtoms *a = r->atoms->pdata[frame];
  double nn_px = al_material_neighbour_nm (r->params.material) / r->params.pixel_size_nm, best = G_MAXDOUBLE;

  for (guint i = 0; i < a->n_atoms; i++)
    for (guint j = i + 1; j < a->n_atoms; j++)
      {
        double d = hypot (a->x[i] - a->x[j], a->y[i] - a->y[j]);
        best = MIN (best, d);
      }
  return best / nn_px;
}

/* Two grains meet along a line: the boundary is in the truth, and merging
 * left no two columns on top of each other. */
static void
test_grain_boundary (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) r = NULL;
  AlAtoms *a;
  guint members = 0;

  params_for (&p, "graphene", 256, "grain_boundary=1");
  r = run (&p);
  a = r->atoms->pdata[0];
  g_assert_cmpuint (count_type (r, 0, AL_DEFECT_GRAIN_BOUNDARY), ==, 1);
  for (guint i = 0; i < a->n_atoms; i++)
    members += a->defect_type[i] == AL_DEFECT_GRAIN_BOUNDARY;
  g_assert_cmpuint (members, >, 10);
  g_assert_cmpfloat (closest_pair (r, 0), >, 0.5);
}

/* 1T: chalcogen columns become single S and the hollow sites fill; 1T′
 * likewise; a hole and an edge leave vacuum with `edge` atoms around it. */
static void
test_planar (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (AlSimResult) plain = NULL;
  g_autoptr (AlSimResult) holes = NULL;
  AlAtoms *a;
  guint single_s = 0, in_patch = 0, edge = 0;

  params_for (&p, "mos2", 384, "phase_1T=1,phase_1Tp=1,hole=1,edge=1,amorphous=1");
  r = run (&p);
  params_for (&p, "mos2", 384, "");
  plain = run (&p);
  params_for (&p, "mos2", 384, "hole=1,edge=1");
  holes = run (&p);
  a = r->atoms->pdata[0];
  g_assert_cmpuint (count_type (r, 0, AL_DEFECT_PHASE_1T), ==, 1);
  g_assert_cmpuint (count_type (r, 0, AL_DEFECT_PHASE_1TP), ==, 1);
  g_assert_cmpuint (count_type (r, 0, AL_DEFECT_AMORPHOUS), ==, 1);
  g_assert_cmpuint (count_type (r, 0, AL_DEFECT_EDGE), ==, 2);
  for (guint i = 0; i < a->n_atoms; i++)
    {
      gboolean patch = a->defect_type[i] == AL_DEFECT_PHASE_1T || a->defect_type[i] == AL_DEFECT_PHASE_1TP;
      in_patch += patch;
      single_s += patch && a->species[i] == 2;
      edge += a->defect_type[i] == AL_DEFECT_EDGE;
      /* No full S2 column inside a 1T patch. */
      g_assert_false (patch && a->species[i] == 1);
    }
  /* Per metal, two single-S columns. */
  g_assert_cmpfloat (single_s, >, 1.8 * (in_patch - single_s));
  g_assert_cmpuint (edge, >, 20);
  /* Vacuum takes atoms away. */
  g_assert_cmpuint (((AlAtoms *) holes->atoms->pdata[0])->n_atoms, <,
                    0.9 * ((AlAtoms *) plain->atoms->pdata[0])->n_atoms);
}

/* An edge dislocation: large strain at its core, little far away. */
static void
test_dislocation (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GArray *s;
  double near_max = 0, far_max = 0, cx = 0, cy = 0, best = 0;
  AlAtoms *a;

  params_for (&p, "mos2", 512, "");
  g_assert_true (al_sim_strain_spec_parse (&p.strain, "dislocation=1", &error));
  r = run (&p);
  s = r->strain->pdata[0];
  a = r->atoms->pdata[0];
  /* The core is where the dilatation is largest. */
  for (guint i = 0; i < s->len; i++)
    {
      const AlSimStrain *v = &g_array_index (s, AlSimStrain, i);
      double e = fabs (v->exx + v->eyy);
      if (e > best)
        {
          best = e;
          cx = a->x[i];
          cy = a->y[i];
        }
    }
  for (guint i = 0; i < s->len; i++)
    {
      const AlSimStrain *v = &g_array_index (s, AlSimStrain, i);
      double d = hypot (a->x[i] - cx, a->y[i] - cy) * p.pixel_size_nm;
      double e = fabs (v->exx) + fabs (v->eyy) + fabs (v->exy);
      if (d < 0.5)
        near_max = MAX (near_max, e);
      else if (d > 5.0)
        far_max = MAX (far_max, e);
    }
  g_test_message ("strain near the core %.3f, far %.4f", near_max, far_max);
  g_assert_cmpfloat (near_max, >, 0.05);
  g_assert_cmpfloat (far_max, <, 0.02);
}

/* A Gaussian bump: its peak strain at the image centre. */
static void
test_bump (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (GError) error = NULL;
  GArray *s;
  AlAtoms *a;
  double c = 256 * 0.03 / 2, best_d = G_MAXDOUBLE, exx = 0;

  params_for (&p, "mos2", 256, "");
  g_assert_true (al_sim_strain_spec_parse (&p.strain, "bump=0.04:2", &error));
  r = run (&p);
  s = r->strain->pdata[0];
  a = r->atoms->pdata[0];
  for (guint i = 0; i < a->n_atoms; i++)
    {
      double d = hypot (a->x[i] * 0.03 - c, a->y[i] * 0.03 - c);
      if (d < best_d)
        {
          best_d = d;
          exx = g_array_index (s, AlSimStrain, i).exx;
        }
    }
  g_assert_cmpfloat (fabs (exx - 0.04), <, 0.003);
}

/* A series: one image frame per truth frame, defects change, the hole
 * grows, the drift moves the lattice. */
static void
test_series (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) r = NULL;
  g_autoptr (GError) error = NULL;
  guint last;
  gboolean changed = FALSE;

  params_for (&p, "mos2", 256, "V_S=0.05,hole=1");
  p.n_frames = 8;
  g_assert_true (al_sim_scan_spec_parse (&p.scan, "frame_drift=0.05", &error));
  r = run (&p);
  last = p.n_frames - 1;
  g_assert_cmpuint (r->image->n_frames, ==, p.n_frames);
  g_assert_cmpuint (r->atoms->len, ==, p.n_frames);
  /* Some V_S became V_S2 or hopped. */
  g_assert_cmpuint (count_type (r, last, AL_DEFECT_V_S2), >, 0);
  for (guint q = 0; q < r->defects->len; q++)
    {
      const AlSimDefect *d = r->defects->pdata[q], *e;
      if (d->frame != 0 || d->type != AL_DEFECT_V_S)
        continue;
      for (guint k = 0; k < r->defects->len; k++)
        {
          e = r->defects->pdata[k];
          if (e->id == d->id && e->frame == last
              && (e->type != d->type || hypot (e->x_px - d->x_px, e->y_px - d->y_px) > 3))
            changed = TRUE;
        }
    }
  g_assert_true (changed);
  /* The hole grew: fewer atoms at the end. */
  g_assert_cmpuint (((AlAtoms *) r->atoms->pdata[last])->n_atoms, <,
                    ((AlAtoms *) r->atoms->pdata[0])->n_atoms);
  g_assert_true (memcmp (al_image_frame (r->image, 0), al_image_frame (r->image, 1),
                         al_image_frame_samples (r->image) * sizeof (float)) != 0);
}

/* Line jitter moves the image, not the truth; drift within a frame moves
 * both. */
static void
test_scan (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) ideal = NULL;
  g_autoptr (AlSimResult) jitter = NULL;
  g_autoptr (AlSimResult) drift = NULL;
  g_autoptr (GError) error = NULL;
  AlAtoms *a, *b, *c;

  params_for (&p, "graphene", 128, "");
  p.noiseless = TRUE;
  ideal = run (&p);
  g_assert_true (al_sim_scan_spec_parse (&p.scan, "jitter=0.5", &error));
  jitter = run (&p);
  g_assert_true (al_sim_scan_spec_parse (&p.scan, "drift=0.2:0", &error));
  drift = run (&p);
  a = ideal->atoms->pdata[0];
  b = jitter->atoms->pdata[0];
  c = drift->atoms->pdata[0];
  g_assert_cmpuint (a->n_atoms, ==, b->n_atoms);
  g_assert_cmpmem (a->x, a->n_atoms * sizeof (double), b->x, b->n_atoms * sizeof (double));
  g_assert_true (memcmp (ideal->image->pixels, jitter->image->pixels,
                         al_image_frame_samples (ideal->image) * sizeof (float)) != 0);
  /* Drift of 0.2 nm over the frame along x: bottom rows shift by ~0.2 nm. */
  for (guint i = 0; i < c->n_atoms; i++)
    if (c->y[i] > 120)
      {
        double best = G_MAXDOUBLE;
        for (guint j = 0; j < a->n_atoms; j++)
          best = MIN (best, hypot (c->x[i] - 0.2 / p.pixel_size_nm * c->y[i] / 128 - a->x[j], c->y[i] - a->y[j]));
        g_assert_cmpfloat (best, <, 0.05);
      }
}

static double
correlation (const float *a,
             const float *b,
             gsize        n)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;

  for (gsize q = 0; q < n; q++)
    {
      ma += a[q] / n;
      mb += b[q] / n;
    }
  for (gsize q = 0; q < n; q++)
    {
      sab += (a[q] - ma) * (b[q] - mb);
      saa += (a[q] - ma) * (a[q] - ma);
      sbb += (b[q] - mb) * (b[q] - mb);
    }
  return sab / sqrt (saa * sbb);
}

/* HRTEM: changing the sign of defocus inverts the contrast of the atoms. */
static void
test_hrtem_contrast (void)
{
  AlSimParams p;
  g_autoptr (AlSimResult) under = NULL;
  g_autoptr (AlSimResult) over = NULL;
  double c;

  params_for (&p, "graphene", 128, "");
  p.noiseless = TRUE;
  p.mode = AL_SIM_MODE_HRTEM;
  p.cs_mm = 0;
  p.defocus_nm = -6;
  under = run (&p);
  p.defocus_nm = 6;
  over = run (&p);
  c = correlation (under->image->pixels, over->image->pixels, al_image_frame_samples (under->image));
  g_test_message ("correlation of ±defocus images %.3f", c);
  g_assert_cmpfloat (c, <, -0.5);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/simulate/grain-boundary", test_grain_boundary);
  g_test_add_func ("/core/simulate/planar", test_planar);
  g_test_add_func ("/core/simulate/dislocation", test_dislocation);
  g_test_add_func ("/core/simulate/bump", test_bump);
  g_test_add_func ("/core/simulate/series", test_series);
  g_test_add_func ("/core/simulate/scan", test_scan);
  g_test_add_func ("/core/simulate/hrtem-contrast", test_hrtem_contrast);
  return g_test_run ();
}
