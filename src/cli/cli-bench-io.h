/* cli-bench-io.h: what `bench io` (cli-bench-io.c) and its stack writers
 * (cli-bench-io-write.c) share. */
#pragma once

#include <glib.h>

typedef struct
{
  guint side;       /* pixels per frame side */
  guint n_frames;
} AlBenchStack;

/* Pixel (x, y) of frame z of the benchmark stack, and the whole frame
 * (side × side floats). */
float    al_bench_stack_value (guint               z,
                               guint               x,
                               guint               y);
void     al_bench_stack_frame (const AlBenchStack *stack,
                               guint               z,
                               float              *frame);
/* Writes the stack as `format` ("tiff", "mrc", "dm4", "ser") one frame
 * at a time. */
gboolean al_bench_stack_write (const AlBenchStack *stack,
                               const char         *format,
                               const char         *path,
                               GError            **error);
