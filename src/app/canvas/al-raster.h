/* al-raster.h: an image as the canvas draws it. AlRaster owns an AlImage and
 * is shared by reference between the main thread and the workers that build
 * textures, so a worker never reads freed pixels. For each frame it builds,
 * on demand and off the main thread, an AlPyramid: the frame plus 2x box-
 * filtered mip levels down to one tile, and the frame's histogram.
 *
 * No GTK here: this is the canvas's data, testable without a display.
 */
#pragma once

#include <gio/gio.h>

#include "al-image.h"
#include "al-levels.h"
#include "io/al-frame-source.h"

G_BEGIN_DECLS

/* A pyramid stops at the first level that fits in one tile of this side. */
#define AL_PYRAMID_TOP_SIDE 512
#define AL_PYRAMID_MAX_LEVELS 17
/* Histogram bins kept per frame (auto-levels and the contrast popover). */
#define AL_RASTER_HISTOGRAM_BINS AL_HISTOGRAM_DEFAULT_BINS
/* Frames whose pyramids stay built; older ones are dropped (a stack of
 * large frames must not hold every mip level at once). */
#define AL_RASTER_CACHED_FRAMES 4

typedef struct
{
  guint        width;
  guint        height;
  const float *pixels;   /* row-major, width x height */
} AlPyramidLevel;

typedef struct _AlPyramid AlPyramid;
struct _AlPyramid
{
  guint           frame;
  guint           n_levels;
  AlPyramidLevel  levels[AL_PYRAMID_MAX_LEVELS];
  AlHistogram    *histogram;
  /* private */
  float          *owned[AL_PYRAMID_MAX_LEVELS];
};

typedef struct _AlRaster AlRaster;

AlRaster        *al_raster_new            (AlImage      *image);
/* A stack larger than the memory budget, its frames read from `source`
 * (taken) when shown: al_raster_get_image() then describes the frames but
 * its pixels are NULL; al_raster_get_pyramid() reads the frame (NULL when
 * it cannot be read), and the pyramid cache keeps the last few frames. */
AlRaster        *al_raster_new_lazy       (AlFrameSource *source);
/* The source of a lazy raster, else NULL. */
AlFrameSource   *al_raster_get_source     (AlRaster     *raster);
AlRaster        *al_raster_ref            (AlRaster     *raster);
void             al_raster_unref          (AlRaster     *raster);
const AlImage   *al_raster_get_image      (AlRaster     *raster);
/* Sets the calibration to `nm` per pixel (0: unknown). Main thread only;
 * workers never read the calibration, only the pixels. */
void             al_raster_set_pixel_size (AlRaster     *raster,
                                           double        nm);

/* The frame's pyramid, built now when not cached (may take long: call from
 * a worker, or after al_raster_has_pyramid). Returns a new reference. */
AlPyramid       *al_raster_get_pyramid    (AlRaster     *raster,
                                           guint         frame,
                                           GCancellable *cancellable);
gboolean         al_raster_has_pyramid    (AlRaster     *raster,
                                           guint         frame);
void             al_raster_get_pyramid_async  (AlRaster            *raster,
                                               guint                frame,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
AlPyramid       *al_raster_get_pyramid_finish (AlRaster            *raster,
                                               GAsyncResult        *result,
                                               GError             **error);

AlPyramid       *al_pyramid_ref           (AlPyramid    *pyramid);
void             al_pyramid_unref         (AlPyramid    *pyramid);
/* The level to draw at `zoom` screen pixels per image pixel: the finest
 * level with at most two texels per screen pixel. */
guint            al_pyramid_level_for_zoom (const AlPyramid *pyramid,
                                            double           zoom);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlRaster, al_raster_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlPyramid, al_pyramid_unref)

G_END_DECLS
