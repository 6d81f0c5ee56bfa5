/* al-png.h: the PNG reader behind al_image_load() (uncalibrated images). */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_png_reader;

G_END_DECLS
