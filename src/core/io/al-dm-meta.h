/* al-dm-meta.h: calibration and microscope metadata of a DM image. */
#pragma once

#include "al-dm-tags.h"
#include "al-image.h"

G_BEGIN_DECLS

/* Sets `image`'s pixel size from the entry's ImageData/Calibrations. */
void al_dm_read_calibration (const AlDmFile *file,
                             const AlDmTag  *entry,
                             AlImage        *image);
/* Copies what the microscope recorded (ImageTags) into image->metadata
 * under readable keys ("Voltage (kV)", "Magnification", ...). */
void al_dm_read_metadata    (const AlDmFile *file,
                             const AlDmTag  *entry,
                             AlImage        *image);

G_END_DECLS
