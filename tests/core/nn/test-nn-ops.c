/* test-nn-ops.c: every operator of the engine against a naive loop written
 * straight from the ONNX operator definitions, on random (seeded) shapes:
 * odd sizes, strides, dilations, groups, asymmetric pads; with and without
 * the thread pool. */
#include "nn/al-nn-private.h"
#include "nn-test-util.h"

#define N_CASES 60
#define TOLERANCE 1e-4

static AlNnPool *pool2;

static float *
random_tensor (GRand      *rand,
               AlNnTensor *t,
               guint       c,
               guint       h,
               guint       w)
{
  float *data = g_new (float, (gsize) c * h * w);

  for (gsize i = 0; i < (gsize) c * h * w; i++)
    data[i] = (float) g_rand_double_range (rand, -1, 1);
  al_nn_tensor_init_chw (t, c, h, w, data);
  return data;
}

static AlNnPool *
some_pool (guint i)
{
  return i % 2 ? pool2 : NULL;
}

static float
ref_act (const AlNnAct *a,
         double         v)
{
  switch (a->kind)
    {
    case AL_NN_ACT_RELU: return v > 0 ? v : 0;
    case AL_NN_ACT_LEAKY_RELU: return v >= 0 ? v : v * a->alpha;
    case AL_NN_ACT_SIGMOID: return 1 / (1 + exp (-v));
    case AL_NN_ACT_TANH: return tanh (v);
    case AL_NN_ACT_CLIP: return CLAMP (v, a->lo, a->hi);
    default: return v;
    }
}

static void
random_act (GRand   *rand,
            AlNnAct *a)
{
  a->kind = g_rand_int_range (rand, 0, AL_NN_ACT_CLIP + 1);
  a->alpha = 0.1f;
  a->lo = -0.3f;
  a->hi = 0.5f;
}

static void
test_conv (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (1);
  guint n_winograd = 0;

  for (guint i = 0; i < N_CASES; i++)
    {
      AlNnConv p = { 0 };
      AlNnTensor x, y;
      guint g = g_rand_int_range (rand, 1, 4), ho, wo;
      guint h = g_rand_int_range (rand, 5, 24), w = g_rand_int_range (rand, 5, 24);
      g_autofree float *xd = NULL, *yd = NULL, *ref = NULL, *scratch = NULL;
      gsize per, n_scratch;

      p.groups = g;
      p.c_in = g * g_rand_int_range (rand, 1, 5);
      p.c_out = g * g_rand_int_range (rand, 1, 5);
      p.kh = g_rand_int_range (rand, 1, 6), p.kw = g_rand_int_range (rand, 1, 6);
      p.stride_h = g_rand_int_range (rand, 1, 4), p.stride_w = g_rand_int_range (rand, 1, 4);
      p.dil_h = g_rand_int_range (rand, 1, 3), p.dil_w = g_rand_int_range (rand, 1, 3);
      p.pad_t = g_rand_int_range (rand, 0, 3), p.pad_b = g_rand_int_range (rand, 0, 3);
      p.pad_l = g_rand_int_range (rand, 0, 3), p.pad_r = g_rand_int_range (rand, 0, 3);
      if (i % 5 == 0)   /* the 1×1 path without im2col */
        p.kh = p.kw = p.stride_h = p.stride_w = 1, p.pad_t = p.pad_b = p.pad_l = p.pad_r = 0;
      if (i % 4 == 2)   /* the Winograd path: 3×3, stride 1, enough channels */
        {
          p.groups = g = 1;
          p.c_in = g_rand_int_range (rand, 8, 20), p.c_out = g_rand_int_range (rand, 8, 20);
          p.kh = p.kw = 3, p.stride_h = p.stride_w = p.dil_h = p.dil_w = 1;
          p.pad_t = g_rand_int_range (rand, 0, 3), p.pad_l = g_rand_int_range (rand, 0, 3);
        }
      random_act (rand, &p.act);
      per = (gsize) (p.c_in / g) * p.kh * p.kw;
      p.weight = g_new (float, per * p.c_out);
      for (gsize k = 0; k < per * p.c_out; k++)
        p.weight[k] = (float) g_rand_double_range (rand, -1, 1);
      p.bias = i % 3 ? g_new (float, p.c_out) : NULL;
      for (guint k = 0; p.bias != NULL && k < p.c_out; k++)
        p.bias[k] = (float) g_rand_double_range (rand, -1, 1);
      if (al_nn_conv_winograd_eligible (&p))
        {
          p.winograd = g_new (float, 16 * (gsize) p.c_in * p.c_out);
          al_nn_conv_winograd_weights (&p, p.winograd);
        }
      xd = random_tensor (rand, &x, p.c_in, h, w);
      if (!al_nn_conv_out_size (&p, h, w, &ho, &wo))
        {
          g_free (p.weight);
          g_free (p.bias);
          g_free (p.winograd);
          continue;
        }
      yd = g_new (float, (gsize) p.c_out * ho * wo);
      ref = g_new (float, (gsize) p.c_out * ho * wo);
      al_nn_tensor_init_chw (&y, p.c_out, ho, wo, yd);
      n_scratch = al_nn_conv_scratch (&p, ho, wo);
      scratch = g_new (float, 2 * n_scratch + 1);
      al_nn_conv_run (&p, &x, &y, some_pool (i), scratch, n_scratch);

      for (guint co = 0; co < p.c_out; co++)
        for (guint oy = 0; oy < ho; oy++)
          for (guint ox = 0; ox < wo; ox++)
            {
              guint grp = co / (p.c_out / g), cig = p.c_in / g;
              double acc = p.bias != NULL ? p.bias[co] : 0;
              for (guint ci = 0; ci < cig; ci++)
                for (guint ky = 0; ky < p.kh; ky++)
                  for (guint kx = 0; kx < p.kw; kx++)
                    {
                      int iy = (int) (oy * p.stride_h + ky * p.dil_h) - (int) p.pad_t;
                      int ix = (int) (ox * p.stride_w + kx * p.dil_w) - (int) p.pad_l;
                      if (iy < 0 || ix < 0 || iy >= (int) h || ix >= (int) w)
                        continue;
                      acc += (double) p.weight[((co * cig + ci) * p.kh + ky) * p.kw + kx]
                             * xd[((grp * cig + ci) * h + iy) * w + ix];
                    }
              ref[(co * ho + oy) * wo + ox] = ref_act (&p.act, acc);
            }
      g_assert_cmpfloat (nn_max_abs_diff (yd, ref, (gsize) p.c_out * ho * wo), <=, TOLERANCE);
      n_winograd += p.winograd != NULL;
      g_free (p.weight);
      g_free (p.bias);
      g_free (p.winograd);
    }
  g_assert_cmpuint (n_winograd, >=, 5);
}

static void
test_conv_transpose (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (2);

  for (guint i = 0; i < N_CASES; i++)
    {
      AlNnConv p = { 0 };
      AlNnTensor x, y;
      guint g = g_rand_int_range (rand, 1, 3), ho, wo, h, w, cog;
      g_autofree float *xd = NULL, *yd = NULL, *ref = NULL, *scratch = NULL;
      gsize n_w, n_scratch;

      p.groups = g;
      p.c_in = g * g_rand_int_range (rand, 1, 4);
      p.c_out = g * g_rand_int_range (rand, 1, 4);
      cog = p.c_out / g;
      p.kh = g_rand_int_range (rand, 1, 5), p.kw = g_rand_int_range (rand, 1, 5);
      p.stride_h = g_rand_int_range (rand, 1, 4), p.stride_w = g_rand_int_range (rand, 1, 4);
      p.dil_h = g_rand_int_range (rand, 1, 3), p.dil_w = g_rand_int_range (rand, 1, 3);
      p.pad_t = g_rand_int_range (rand, 0, 2), p.pad_b = g_rand_int_range (rand, 0, 2);
      p.pad_l = g_rand_int_range (rand, 0, 2), p.pad_r = g_rand_int_range (rand, 0, 2);
      p.out_pad_h = g_rand_int_range (rand, 0, p.stride_h);
      p.out_pad_w = g_rand_int_range (rand, 0, p.stride_w);
      random_act (rand, &p.act);
      h = g_rand_int_range (rand, 2, 12), w = g_rand_int_range (rand, 2, 12);
      n_w = (gsize) p.c_in * cog * p.kh * p.kw;
      p.weight = g_new (float, n_w);
      for (gsize k = 0; k < n_w; k++)
        p.weight[k] = (float) g_rand_double_range (rand, -1, 1);
      p.bias = g_new (float, p.c_out);
      for (guint k = 0; k < p.c_out; k++)
        p.bias[k] = (float) g_rand_double_range (rand, -1, 1);
      xd = random_tensor (rand, &x, p.c_in, h, w);
      if (!al_nn_conv_transpose_out_size (&p, h, w, &ho, &wo))
        {
          g_free (p.weight);
          g_free (p.bias);
          continue;
        }
      yd = g_new (float, (gsize) p.c_out * ho * wo);
      ref = g_new0 (float, (gsize) p.c_out * ho * wo);
      g_autofree double *acc = g_new0 (double, (gsize) p.c_out * ho * wo);
      al_nn_tensor_init_chw (&y, p.c_out, ho, wo, yd);
      n_scratch = al_nn_conv_transpose_scratch (&p, h, w);
      scratch = g_new (float, 2 * n_scratch + 1);
      al_nn_conv_transpose_run (&p, &x, &y, some_pool (i), scratch, n_scratch);

      /* scatter every input pixel through the kernel */
      for (guint ci = 0; ci < p.c_in; ci++)
        for (guint iy = 0; iy < h; iy++)
          for (guint ix = 0; ix < w; ix++)
            for (guint c = 0; c < cog; c++)
              for (guint ky = 0; ky < p.kh; ky++)
                for (guint kx = 0; kx < p.kw; kx++)
                  {
                    int oy = (int) (iy * p.stride_h + ky * p.dil_h) - (int) p.pad_t;
                    int ox = (int) (ix * p.stride_w + kx * p.dil_w) - (int) p.pad_l;
                    guint co = (ci / (p.c_in / g)) * cog + c;
                    if (oy < 0 || ox < 0 || oy >= (int) ho || ox >= (int) wo)
                      continue;
                    acc[(co * ho + oy) * wo + ox] += (double) xd[(ci * h + iy) * w + ix]
                                                     * p.weight[((ci * cog + c) * p.kh + ky) * p.kw + kx];
                  }
      for (guint co = 0; co < p.c_out; co++)
        for (gsize k = 0; k < (gsize) ho * wo; k++)
          ref[co * ho * wo + k] = ref_act (&p.act, acc[co * ho * wo + k] + p.bias[co]);
      g_assert_cmpfloat (nn_max_abs_diff (yd, ref, (gsize) p.c_out * ho * wo), <=, TOLERANCE);
      g_free (p.weight);
      g_free (p.bias);
    }
}

static void
test_pool (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (3);

  for (guint i = 0; i < N_CASES; i++)
    {
      AlNnPoolParams p = { 0 };
      AlNnTensor x, y;
      guint c = g_rand_int_range (rand, 1, 4), h = g_rand_int_range (rand, 4, 20);
      guint w = g_rand_int_range (rand, 4, 20), ho, wo;
      g_autofree float *xd = NULL, *yd = NULL, *ref = NULL;

      p.is_max = i % 2;
      p.kh = g_rand_int_range (rand, 1, 5), p.kw = g_rand_int_range (rand, 1, 5);
      p.stride_h = g_rand_int_range (rand, 1, 4), p.stride_w = g_rand_int_range (rand, 1, 4);
      p.dil_h = p.is_max ? g_rand_int_range (rand, 1, 3) : 1;
      p.dil_w = p.is_max ? g_rand_int_range (rand, 1, 3) : 1;
      p.pad_t = g_rand_int_range (rand, 0, p.kh / 2 + 1), p.pad_b = g_rand_int_range (rand, 0, p.kh / 2 + 1);
      p.pad_l = g_rand_int_range (rand, 0, p.kw / 2 + 1), p.pad_r = g_rand_int_range (rand, 0, p.kw / 2 + 1);
      p.ceil_mode = g_rand_boolean (rand);
      p.count_include_pad = g_rand_boolean (rand);
      xd = random_tensor (rand, &x, c, h, w);
      if (!al_nn_pool2d_out_size (&p, h, w, &ho, &wo))
        continue;
      yd = g_new (float, (gsize) c * ho * wo);
      ref = g_new (float, (gsize) c * ho * wo);
      al_nn_tensor_init_chw (&y, c, ho, wo, yd);
      al_nn_pool2d_run (&p, &x, &y, some_pool (i));
      for (guint ch = 0; ch < c; ch++)
        for (guint oy = 0; oy < ho; oy++)
          for (guint ox = 0; ox < wo; ox++)
            {
              /* PyTorch's formulation: the window clipped to the padded
               * input gives the divisor, clipped to the input the values */
              int hs = (int) (oy * p.stride_h) - (int) p.pad_t, ws = (int) (ox * p.stride_w) - (int) p.pad_l;
              int he = MIN (hs + (int) ((p.kh - 1) * p.dil_h + 1), (int) (h + p.pad_b));
              int we = MIN (ws + (int) ((p.kw - 1) * p.dil_w + 1), (int) (w + p.pad_r));
              double m = -INFINITY, s = 0;
              int n = 0, n_pad = p.is_max ? 0 : (he - hs) * (we - ws);
              for (int yy = hs; yy < he; yy += p.dil_h)
                for (int xx = ws; xx < we; xx += p.dil_w)
                  if (yy >= 0 && xx >= 0 && yy < (int) h && xx < (int) w)
                    {
                      double v = xd[(ch * h + yy) * w + xx];
                      m = MAX (m, v);
                      s += v;
                      n++;
                    }
              ref[(ch * ho + oy) * wo + ox] = p.is_max ? m : s / (p.count_include_pad ? n_pad : n);
            }
      g_assert_cmpfloat (nn_max_abs_diff (yd, ref, (gsize) c * ho * wo), <=, TOLERANCE);
    }
}

/* ONNX Resize, written from the specification's formulas. */
static double
ref_coord (AlNnCoordMode mode,
           double        o,
           double        in,
           double        out,
           double        scale)
{
  switch (mode)
    {
    case AL_NN_COORD_HALF_PIXEL: return (o + 0.5) / scale - 0.5;
    case AL_NN_COORD_PYTORCH_HALF_PIXEL: return out > 1 ? (o + 0.5) / scale - 0.5 : 0;
    case AL_NN_COORD_ALIGN_CORNERS: return out == 1 ? 0 : o * (in - 1) / (out - 1);
    default: return o / scale;
    }
}

static int
ref_nearest (AlNnNearestMode mode,
             double          s)
{
  switch (mode)
    {
    case AL_NN_NEAREST_FLOOR: return (int) floor (s);
    case AL_NN_NEAREST_CEIL: return (int) ceil (s);
    case AL_NN_NEAREST_ROUND_PREFER_CEIL: return (int) floor (s + 0.5);
    default: return s == floor (s) + 0.5 ? (int) floor (s) : (int) round (s);
    }
}

static void
test_resize (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (4);

  for (guint i = 0; i < N_CASES; i++)
    {
      AlNnResize p = { 0 };
      AlNnTensor x, y;
      guint c = g_rand_int_range (rand, 1, 3), h = g_rand_int_range (rand, 1, 9);
      guint w = g_rand_int_range (rand, 1, 9), ho, wo;
      g_autofree float *xd = NULL, *yd = NULL, *ref = NULL;
      static const float scales[] = { 0.5f, 1.5f, 2.f, 3.f, 2.5f };

      p.mode = i % 2 ? AL_NN_RESIZE_LINEAR : AL_NN_RESIZE_NEAREST;
      p.coord = g_rand_int_range (rand, 0, AL_NN_COORD_ASYMMETRIC + 1);
      p.nearest = g_rand_int_range (rand, 0, AL_NN_NEAREST_CEIL + 1);
      if (i % 4 == 3)
        p.out_h = g_rand_int_range (rand, 1, 17), p.out_w = g_rand_int_range (rand, 1, 17);
      else
        p.scale_h = scales[g_rand_int_range (rand, 0, 5)], p.scale_w = scales[g_rand_int_range (rand, 0, 5)];
      xd = random_tensor (rand, &x, c, h, w);
      if (!al_nn_resize_out_size (&p, h, w, &ho, &wo))
        continue;
      yd = g_new (float, (gsize) c * ho * wo);
      ref = g_new (float, (gsize) c * ho * wo);
      al_nn_tensor_init_chw (&y, c, ho, wo, yd);
      al_nn_resize_run (&p, &x, &y, some_pool (i));
      for (guint ch = 0; ch < c; ch++)
        for (guint oy = 0; oy < ho; oy++)
          for (guint ox = 0; ox < wo; ox++)
            {
              double sh = p.out_h ? (double) ho / h : p.scale_h, sw = p.out_h ? (double) wo / w : p.scale_w;
              double sy = ref_coord (p.coord, oy, h, ho, sh), sx = ref_coord (p.coord, ox, w, wo, sw);
              const float *plane = xd + (gsize) ch * h * w;
              double v;
              if (p.mode == AL_NN_RESIZE_NEAREST)
                {
                  int iy = CLAMP (ref_nearest (p.nearest, sy), 0, (int) h - 1);
                  int ix = CLAMP (ref_nearest (p.nearest, sx), 0, (int) w - 1);
                  v = plane[iy * w + ix];
                }
              else
                {
                  double cy = CLAMP (sy, 0, h - 1.0), cx = CLAMP (sx, 0, w - 1.0);
                  int y0 = (int) floor (cy), x0 = (int) floor (cx);
                  int y1 = MIN (y0 + 1, (int) h - 1), x1 = MIN (x0 + 1, (int) w - 1);
                  double ty = cy - y0, tx = cx - x0;
                  v = (1 - ty) * ((1 - tx) * plane[y0 * w + x0] + tx * plane[y0 * w + x1])
                      + ty * ((1 - tx) * plane[y1 * w + x0] + tx * plane[y1 * w + x1]);
                }
              ref[(ch * ho + oy) * wo + ox] = v;
            }
      g_assert_cmpfloat (nn_max_abs_diff (yd, ref, (gsize) c * ho * wo), <=, TOLERANCE);
    }
}

static void
test_pad (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (5);

  for (guint i = 0; i < N_CASES; i++)
    {
      AlNnPad p = { 0 };
      AlNnTensor x, y;
      guint c = g_rand_int_range (rand, 1, 3), h = g_rand_int_range (rand, 2, 9);
      guint w = g_rand_int_range (rand, 2, 9), ho, wo;
      g_autofree float *xd = NULL, *yd = NULL;

      p.mode = i % 3;
      p.value = 0.25f;
      p.pad_t = g_rand_int_range (rand, 0, h), p.pad_b = g_rand_int_range (rand, 0, h);
      p.pad_l = g_rand_int_range (rand, 0, w), p.pad_r = g_rand_int_range (rand, 0, w);
      ho = h + p.pad_t + p.pad_b, wo = w + p.pad_l + p.pad_r;
      xd = random_tensor (rand, &x, c, h, w);
      yd = g_new (float, (gsize) c * ho * wo);
      al_nn_tensor_init_chw (&y, c, ho, wo, yd);
      al_nn_pad_run (&p, &x, &y, some_pool (i));
      for (guint ch = 0; ch < c; ch++)
        for (guint oy = 0; oy < ho; oy++)
          for (guint ox = 0; ox < wo; ox++)
            {
              int iy = (int) oy - (int) p.pad_t, ix = (int) ox - (int) p.pad_l;
              float want;
              if (p.mode == AL_NN_PAD_REFLECT)
                {
                  iy = iy < 0 ? -iy : (iy >= (int) h ? 2 * ((int) h - 1) - iy : iy);
                  ix = ix < 0 ? -ix : (ix >= (int) w ? 2 * ((int) w - 1) - ix : ix);
                }
              else if (p.mode == AL_NN_PAD_EDGE)
                iy = CLAMP (iy, 0, (int) h - 1), ix = CLAMP (ix, 0, (int) w - 1);
              if (iy < 0 || ix < 0 || iy >= (int) h || ix >= (int) w)
                want = p.value;
              else
                want = xd[(ch * h + iy) * w + ix];
              g_assert_cmpfloat (yd[(ch * ho + oy) * wo + ox], ==, want);
            }
    }
}

static void
test_pointwise (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (6);

  for (guint i = 0; i < N_CASES; i++)
    {
      guint c = g_rand_int_range (rand, 1, 6), h = g_rand_int_range (rand, 1, 13), w = g_rand_int_range (rand, 1, 13);
      gsize n = (gsize) c * h * w, plane = (gsize) h * w;
      AlNnTensor a, b, y, cat;
      g_autofree float *ad = random_tensor (rand, &a, c, h, w);
      g_autofree float *bd = random_tensor (rand, &b, c, h, w);
      g_autofree float *yd = g_new (float, n), *cd = g_new (float, 2 * n);
      g_autofree float *scale = g_new (float, c), *shift = g_new (float, c);
      AlNnAffine aff = { scale, shift, FALSE };
      const AlNnTensor *parts[2] = { &a, &b };
      AlNnAct act;

      al_nn_tensor_init_chw (&y, c, h, w, yd);
      for (guint k = 0; k < c; k++)
        scale[k] = (float) g_rand_double_range (rand, -2, 2), shift[k] = (float) g_rand_double (rand);
      random_act (rand, &aff.act);
      al_nn_affine_run (&aff, &a, &y, some_pool (i));
      for (gsize k = 0; k < n; k++)
        g_assert_cmpfloat (fabs (yd[k] - ref_act (&aff.act, (double) ad[k] * scale[k / plane] + shift[k / plane])), <=, TOLERANCE);

      al_nn_binary_run (i % 2, &a, &b, &y, some_pool (i));
      for (gsize k = 0; k < n; k++)
        g_assert_cmpfloat (fabs (yd[k] - (i % 2 ? ad[k] * bd[k] : ad[k] + bd[k])), <=, TOLERANCE);

      random_act (rand, &act);
      al_nn_act_run (&act, &a, &y, some_pool (i));
      for (gsize k = 0; k < n; k++)
        g_assert_cmpfloat (fabs (yd[k] - ref_act (&act, ad[k])), <=, TOLERANCE);

      al_nn_softmax_run (&a, &y, some_pool (i));
      for (gsize p = 0; p < plane; p++)
        {
          double sum = 0;
          for (guint k = 0; k < c; k++)
            sum += exp (ad[k * plane + p]);
          for (guint k = 0; k < c; k++)
            g_assert_cmpfloat (fabs (yd[k * plane + p] - exp (ad[k * plane + p]) / sum), <=, TOLERANCE);
        }

      al_nn_tensor_init_chw (&cat, 2 * c, h, w, cd);
      al_nn_concat_run (parts, 2, &cat, some_pool (i));
      g_assert_cmpmem (cd, n * sizeof (float), ad, n * sizeof (float));
      g_assert_cmpmem (cd + n, n * sizeof (float), bd, n * sizeof (float));
    }
}

typedef struct
{
  gint  hits[1000];
  guint max_thread;
} PoolCheck;

static void
mark (gpointer data,
      guint    task,
      guint    thread)
{
  PoolCheck *check = data;

  g_atomic_int_inc (&check->hits[task]);
  if (thread > check->max_thread)
    check->max_thread = thread;
}

/* Every task runs exactly once, on a thread index below the pool's size. */
static void
test_thread_pool (void)
{
  for (guint n_threads = 1; n_threads <= 4; n_threads++)
    {
      AlNnPool *pool = al_nn_pool_new (n_threads);
      for (guint round = 0; round < 20; round++)
        {
          PoolCheck check = { { 0 }, 0 };
          guint n_tasks = 1 + round * 47 % 1000;
          al_nn_pool_run (pool, n_tasks, mark, &check);
          for (guint t = 0; t < 1000; t++)
            g_assert_cmpint (check.hits[t], ==, t < n_tasks ? 1 : 0);
          g_assert_cmpuint (check.max_thread, <, n_threads);
        }
      al_nn_pool_free (pool);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pool2 = al_nn_pool_new (2);
  g_test_add_func ("/core/nn/ops/conv", test_conv);
  g_test_add_func ("/core/nn/ops/conv-transpose", test_conv_transpose);
  g_test_add_func ("/core/nn/ops/pool", test_pool);
  g_test_add_func ("/core/nn/ops/resize", test_resize);
  g_test_add_func ("/core/nn/ops/pad", test_pad);
  g_test_add_func ("/core/nn/ops/pointwise", test_pointwise);
  g_test_add_func ("/core/nn/ops/thread-pool", test_thread_pool);
  status = g_test_run ();
  al_nn_pool_free (pool2);
  return status;
}
