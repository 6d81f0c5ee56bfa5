/* al-jpeg.h: the JPEG reader behind al_image_load() (uncalibrated images). */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_jpeg_reader;

G_END_DECLS
