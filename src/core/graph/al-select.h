/* al-select.h: the k-th smallest of an array in expected O(n)
 * (Hoare's selection), for medians over 10⁵ atoms where sorting would
 * dominate the whole stage. The array is reordered. */
#pragma once

#include <glib.h>

static inline double
al_select_kth (double *v,
               gsize   n,
               gsize   k)
{
  gsize lo = 0, hi = n - 1;

  g_return_val_if_fail (n > 0 && k < n, 0.0);
  while (lo < hi)
    {
      double pivot = v[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              double t = v[i];
              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}

/* The same for float arrays (detection maps, plotted values). */
static inline float
al_select_kth_float (float *v,
                     gsize  n,
                     gsize  k)
{
  gsize lo = 0, hi = n - 1;

  g_return_val_if_fail (n > 0 && k < n, 0.0f);
  while (lo < hi)
    {
      float pivot = v[lo + (hi - lo) / 2];
      gsize i = lo, j = hi;
      while (i <= j)
        {
          while (v[i] < pivot)
            i++;
          while (v[j] > pivot)
            j--;
          if (i <= j)
            {
              float t = v[i];
              v[i] = v[j];
              v[j] = t;
              i++;
              if (j == 0)
                break;
              j--;
            }
        }
      if (k <= j)
        hi = j;
      else if (k >= i)
        lo = i;
      else
        break;
    }
  return v[k];
}

static inline double
al_select_median (double *v,
                  gsize   n)
{
  return al_select_kth (v, n, n / 2);
}
