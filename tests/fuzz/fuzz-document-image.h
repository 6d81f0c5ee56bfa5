/* fuzz-document-image.h: the image every .atomlens fuzz input is parsed
 * against (the seeds are made for it, so their checksums match and the
 * fuzzer gets past the image check). */
#pragma once

#include "al-image.h"

#define AL_FUZZ_DOC_WIDTH  8
#define AL_FUZZ_DOC_HEIGHT 6
#define AL_FUZZ_DOC_FRAMES 2

static inline AlImage *
al_fuzz_document_image (void)
{
  AlImage *image = al_image_new (AL_FUZZ_DOC_WIDTH, AL_FUZZ_DOC_HEIGHT, AL_FUZZ_DOC_FRAMES, NULL);

  for (guint i = 0; i < AL_FUZZ_DOC_WIDTH * AL_FUZZ_DOC_HEIGHT * AL_FUZZ_DOC_FRAMES; i++)
    image->pixels[i] = (float) ((i * 37) % 11);
  al_image_set_calibration (image, 0.05, 0.05, "nm");
  image->source_path = g_strdup ("/fuzz/image.tif");
  return image;
}
