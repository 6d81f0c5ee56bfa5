/* al-mrc.h: the MRC/MRC2014 reader behind al_image_load(). */
#pragma once

#include "io/al-io.h"

G_BEGIN_DECLS

extern const AlImageReader al_mrc_reader;

G_END_DECLS
