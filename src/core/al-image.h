/* al-image.h: AlImage, the float32 frames a microscope recorded, with their
 * calibration and what the file said about them.
 *
 * Pixels are frame-major: frame f, row y, column x is
 * pixels[((gsize) f * height + y) * width + x]. Readers convert every sample
 * type to float32 and keep the original type's name in `dtype`.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The largest image we agree to hold, in samples (8 GiB of float32). Larger
 * requests are refused with AL_ERROR_TOO_LARGE before anything is allocated. */
#define AL_IMAGE_MAX_SAMPLES (G_GUINT64_CONSTANT (1) << 31)
/* The largest side of one frame, in pixels. */
#define AL_IMAGE_MAX_SIDE 65536

typedef struct
{
  guint       width;
  guint       height;
  guint       n_frames;
  float      *pixels;

  /* Calibration as the file gives it: size of one pixel along x and y in
   * `unit` ("nm", "µm", "1/nm", ...; NULL when uncalibrated), and of one step
   * along the frame axis in `frame_unit` ("s", "nm", ...). */
  double      scale_x;
  double      scale_y;
  char       *unit;
  double      frame_scale;
  char       *frame_unit;

  /* The same calibration in nm per pixel (from scale_x) when the unit is a
   * length; 0 when unknown. Every stage measures with this. */
  double      pixel_size;

  char       *source_path;
  char       *format;    /* "TIFF", "DM4", ... */
  char       *dtype;     /* the samples as stored: "uint16", "float32", ... */
  GHashTable *metadata;  /* char* key -> char* value, as the file says */
} AlImage;

AlImage     *al_image_new           (guint          width,
                                     guint          height,
                                     guint          n_frames,
                                     GError       **error);
AlImage     *al_image_copy          (const AlImage *image);
void         al_image_free          (AlImage       *image);

float       *al_image_frame         (AlImage       *image,
                                     guint          frame);
const float *al_image_frame_const   (const AlImage *image,
                                     guint          frame);
gsize        al_image_frame_samples (const AlImage *image);

void         al_image_set_calibration (AlImage    *image,
                                       double      scale_x,
                                       double      scale_y,
                                       const char *unit);
void         al_image_set_metadata  (AlImage       *image,
                                     const char    *key,
                                     const char    *value);
const char  *al_image_get_metadata  (const AlImage *image,
                                     const char    *key);

double       al_unit_to_nm          (const char    *unit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlImage, al_image_free)

G_END_DECLS
