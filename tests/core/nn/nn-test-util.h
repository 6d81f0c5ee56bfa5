/* nn-test-util.h: what the engine's tests share: reading the golden
 * tensors models/train/reference_unet.py writes ("ALT1", u32 ndim, u32
 * dims, float32 values, little-endian), and comparing arrays. */
#pragma once

#include <glib.h>
#include <math.h>
#include <string.h>

#include "al-test.h"

typedef struct
{
  guint  n_dims;
  guint  dims[8];
  gsize  numel;
  float *data;
} NnGolden;

static inline gboolean
nn_golden_load (const char *relative,
                NnGolden   *g)
{
  g_autofree char *path = al_test_data_path (relative);
  g_autofree char *bytes = NULL;
  gsize len;
  guint32 n;

  if (!g_file_get_contents (path, &bytes, &len, NULL) || len < 8 || memcmp (bytes, "ALT1", 4) != 0)
    return FALSE;
  memcpy (&n, bytes + 4, 4);
  g_assert_cmpuint (n, <=, 8);
  g->n_dims = n;
  g->numel = 1;
  for (guint i = 0; i < n; i++)
    {
      guint32 d;
      memcpy (&d, bytes + 8 + 4 * i, 4);
      g->dims[i] = d;
      g->numel *= d;
    }
  g_assert_cmpuint (len, ==, 8 + 4 * n + 4 * g->numel);
  g->data = g_new (float, g->numel);
  memcpy (g->data, bytes + 8 + 4 * n, 4 * g->numel);
  return TRUE;
}

static inline double
nn_max_abs_diff (const float *a,
                 const float *b,
                 gsize        n)
{
  double m = 0;

  for (gsize i = 0; i < n; i++)
    {
      double d = fabs ((double) a[i] - b[i]);
      if (isnan (d))
        return INFINITY;
      m = MAX (m, d);
    }
  return m;
}
