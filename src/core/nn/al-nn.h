/* al-nn.h: AtomLens's CPU inference engine, as the rest of the app sees it.
 *
 * A model is an ONNX network (DESIGN.md §4) loaded into a graph of plain
 * nodes; it runs on one image, in overlapping tiles whatever the image's
 * size, inside a memory budget:
 *
 *   g_autoptr (AlNnModel) model = al_nn_model_load ("atoms.onnx", &error);
 *   AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;
 *   float *out = g_new (float, al_nn_model_get_out_channels (model) * w * h);
 *   al_nn_run_tiled (model, pixels, w, h, 1, out, &opts, progress, cancellable, &error);
 *
 * Pixels go in unchanged (apply the model's "atomlens.normalisation" first if
 * it asks for one); the output is the network's raw output, channel-major.
 *
 * Threads: the engine owns its parallelism. It splits each operator's rows
 * over its own threads and sets OpenBLAS to one thread
 * (openblas_set_num_threads), so the two never nest. A model is read-only
 * while it runs, so two threads may run the same model at once.
 */
#pragma once

#include <gio/gio.h>

#include "al-error.h"
#include "al-progress.h"

G_BEGIN_DECLS

#define AL_NN_ERROR (al_nn_error_quark ())

typedef enum
{
  AL_NN_ERROR_CORRUPT,       /* not a readable ONNX file, or inconsistent inside */
  AL_NN_ERROR_UNSUPPORTED,   /* an operator, attribute or data type we do not run */
  AL_NN_ERROR_TOO_LARGE,     /* weights or working memory beyond the budget */
  AL_NN_ERROR_SHAPE,         /* an input whose shape the network cannot take */
} AlNnError;

GQuark al_nn_error_quark (void);

/* Largest model file and total weights we accept: far above any U-Net for
 * atom finding, far below what would exhaust a laptop. */
#define AL_NN_MAX_MODEL_BYTES  (512u * 1024 * 1024)
#define AL_NN_MAX_WEIGHT_BYTES (512u * 1024 * 1024)

typedef struct _AlNnModel AlNnModel;

AlNnModel  *al_nn_model_load           (const char   *path,
                                        GError      **error);
AlNnModel  *al_nn_model_load_from_data (const guint8 *data,
                                        gsize         size,
                                        GError      **error);
void        al_nn_model_free           (AlNnModel    *model);

guint       al_nn_model_get_in_channels  (const AlNnModel *model);
guint       al_nn_model_get_out_channels (const AlNnModel *model);
/* Input sizes the network takes are multiples of this (2^number of
 * down-samplings); al_nn_run_tiled pads to it by itself. */
guint       al_nn_model_get_alignment    (const AlNnModel *model);
/* How far, in input pixels, an output pixel sees (a safe upper bound worked
 * out from the graph); the default tile overlap. */
guint       al_nn_model_get_receptive_radius (const AlNnModel *model);
/* Floating-point operations (multiply and add counted apart) one run on a
 * width × height input costs, convolutions only. */
double      al_nn_model_get_flops        (const AlNnModel *model,
                                          guint            width,
                                          guint            height);

/* ONNX metadata_props, e.g. "atomlens.task"; NULL when absent. */
const char *al_nn_model_get_metadata     (const AlNnModel *model,
                                          const char      *key);
/* Parsed "atomlens.*" fields (DESIGN.md §4); NULL / 0 when the model lacks them. */
const char *al_nn_model_get_task         (const AlNnModel *model);   /* atoms | denoise | phase */
const char *const *al_nn_model_get_classes (const AlNnModel *model); /* one name per output channel */
const char *al_nn_model_get_material     (const AlNnModel *model);
double      al_nn_model_get_pixel_size_nm (const AlNnModel *model);
const char *al_nn_model_get_normalisation (const AlNnModel *model);

/* Applies the model's "atomlens.normalisation" to `pixels` in place:
 * absent or "none": unchanged; "minmax": to 0…1; "zscore": to mean 0,
 * standard deviation 1. Any other value is AL_NN_ERROR_UNSUPPORTED. */
gboolean    al_nn_model_normalise_input (const AlNnModel *model,
                                         float           *pixels,
                                         gsize            n_pixels,
                                         GError         **error);

/* Runs the network once on a whole input (channels × height × width, sizes
 * multiples of the alignment), writing out_channels × height' × width' to
 * `out` (the network's own output size; for a U-Net, the input's). */
gboolean    al_nn_model_run  (AlNnModel    *model,
                              const float  *input,
                              guint         width,
                              guint         height,
                              guint         in_channels,
                              float        *out,
                              guint         n_threads,
                              GError      **error);

typedef struct
{
  guint tile_size;        /* pixels per tile side; 0: the largest that fits memory_budget */
  gsize memory_budget;    /* bytes of working memory per run (tile buffers, not the image) */
  guint overlap;          /* pixels of context around each tile; 0: the receptive radius */
  guint n_threads;        /* 0: all cores */
} AlNnRunOptions;

#define AL_NN_DEFAULT_MEMORY_BUDGET ((gsize) 400 * 1024 * 1024)
#define AL_NN_RUN_OPTIONS_INIT { 0, AL_NN_DEFAULT_MEMORY_BUDGET, 0, 0 }

/* Runs an image-to-image network over an image of any size: the image is
 * padded by reflection, cut into overlapping tiles whose outputs are blended
 * with raised-cosine weights, so the result equals one whole-image run (on
 * the reflection-padded image) to rounding. `out` holds out_channels ×
 * height × width floats. Reports progress per tile; checks `cancellable`
 * between tiles (AL_ERROR_CANCELLED). A budget too small for even one
 * tile is AL_NN_ERROR_TOO_LARGE. */
gboolean    al_nn_run_tiled  (AlNnModel            *model,
                              const float          *image,
                              guint                 width,
                              guint                 height,
                              guint                 in_channels,
                              float                *out,
                              const AlNnRunOptions *opts,
                              AlProgress           *progress,
                              GCancellable         *cancellable,
                              GError              **error);

/* The tiling al_nn_run_tiled would use: tile size and number of tiles. */
gboolean    al_nn_run_tiled_layout (AlNnModel            *model,
                                    guint                 width,
                                    guint                 height,
                                    const AlNnRunOptions *opts,
                                    guint                *tile_width,
                                    guint                *tile_height,
                                    guint                *n_tiles,
                                    GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlNnModel, al_nn_model_free)

G_END_DECLS
