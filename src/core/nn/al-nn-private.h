/* al-nn-private.h: the engine's insides, shared by its files and its tests.
 *
 * In ggml's shape: a tensor is a shape, strides and a pointer; a model is a
 * list of nodes in topological order over numbered values; a plan gives
 * every value its place in one arena sized for the worst moment of a run,
 * reused for every tile; operators are plain functions over tensors that
 * split their rows over a small thread pool.
 */
#pragma once

#include <glib.h>

#include "nn/al-nn.h"

G_BEGIN_DECLS

/* ---- tensors ---------------------------------------------------------- */

#define AL_NN_MAX_DIMS 4

/* Activations are N=1, C, H, W, contiguous (strides in elements). */
typedef struct
{
  guint  n_dims;
  gint64 shape[AL_NN_MAX_DIMS];
  gint64 strides[AL_NN_MAX_DIMS];
  float *data;
} AlNnTensor;

void   al_nn_tensor_init_chw (AlNnTensor *t, guint c, guint h, guint w, float *data);
#define AL_NN_C(t) ((guint) (t)->shape[1])
#define AL_NN_H(t) ((guint) (t)->shape[2])
#define AL_NN_W(t) ((guint) (t)->shape[3])
static inline gsize
al_nn_tensor_numel (const AlNnTensor *t)
{
  gsize n = 1;
  for (guint i = 0; i < t->n_dims; i++)
    n *= (gsize) t->shape[i];
  return n;
}

/* ---- threads ---------------------------------------------------------- */

typedef struct _AlNnPool AlNnPool;
/* `thread` < n_threads: which worker runs the task (for per-thread scratch). */
typedef void (*AlNnTaskFunc) (gpointer data, guint task, guint thread);

AlNnPool *al_nn_pool_new       (guint n_threads);
void      al_nn_pool_free      (AlNnPool *pool);
guint     al_nn_pool_n_threads (const AlNnPool *pool);   /* 1 for a NULL pool */
/* Runs func (data, task, thread) for every task < n_tasks, and returns when
 * all are done. A NULL pool runs them in order on the caller. */
void      al_nn_pool_run       (AlNnPool *pool, guint n_tasks, AlNnTaskFunc func, gpointer data);

/* ---- operators -------------------------------------------------------- */

typedef enum
{
  AL_NN_ACT_NONE,
  AL_NN_ACT_RELU,
  AL_NN_ACT_LEAKY_RELU,
  AL_NN_ACT_SIGMOID,
  AL_NN_ACT_TANH,
  AL_NN_ACT_CLIP,
} AlNnActKind;

typedef struct
{
  AlNnActKind kind;
  float       alpha;     /* LeakyRelu slope */
  float       lo, hi;    /* Clip bounds */
} AlNnAct;

void al_nn_act_apply (const AlNnAct *act, float *x, gsize n);

typedef struct
{
  guint  c_in, c_out, groups;
  guint  kh, kw;
  guint  stride_h, stride_w, dil_h, dil_w;
  guint  pad_t, pad_l, pad_b, pad_r;
  guint  out_pad_h, out_pad_w;   /* ConvTranspose only */
  float *weight;                 /* Conv: c_out × c_in/g × kh × kw; ConvTranspose: c_in × c_out/g × kh × kw */
  float *bias;                   /* c_out, or NULL */
  AlNnAct act;                   /* fused activation */
  float *winograd;               /* 16 × c_out × c_in transformed weights, or NULL */
} AlNnConv;

/* Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (al-nn-winograd.c):
 * al_nn_conv_run takes that path when p->winograd is set. */
gboolean al_nn_conv_winograd_eligible (const AlNnConv *p);
void     al_nn_conv_winograd_weights  (const AlNnConv *p, float *u);
gsize    al_nn_conv_winograd_scratch  (const AlNnConv *p, guint wo);
void     al_nn_conv_winograd_run      (const AlNnConv *p, const AlNnTensor *x, AlNnTensor *y,
                                       AlNnPool *pool, float *scratch, gsize scratch_per_thread);
gboolean al_nn_conv_out_size  (const AlNnConv *p, guint h, guint w, guint *ho, guint *wo);
gboolean al_nn_conv_transpose_out_size (const AlNnConv *p, guint h, guint w, guint *ho, guint *wo);
/* Floats of scratch each thread needs for an output of ho × wo. */
gsize    al_nn_conv_scratch   (const AlNnConv *p, guint ho, guint wo);
gsize    al_nn_conv_transpose_scratch (const AlNnConv *p, guint h, guint w);
void     al_nn_conv_run       (const AlNnConv *p, const AlNnTensor *x, AlNnTensor *y,
                               AlNnPool *pool, float *scratch, gsize scratch_per_thread);
void     al_nn_conv_transpose_run (const AlNnConv *p, const AlNnTensor *x, AlNnTensor *y,
                                   AlNnPool *pool, float *scratch, gsize scratch_per_thread);

typedef struct
{
  gboolean is_max;
  guint    kh, kw, stride_h, stride_w, dil_h, dil_w;
  guint    pad_t, pad_l, pad_b, pad_r;
  gboolean ceil_mode;
  gboolean count_include_pad;
} AlNnPoolParams;

gboolean al_nn_pool2d_out_size (const AlNnPoolParams *p, guint h, guint w, guint *ho, guint *wo);
void     al_nn_pool2d_run      (const AlNnPoolParams *p, const AlNnTensor *x, AlNnTensor *y,
                                AlNnPool *pool);

typedef enum { AL_NN_RESIZE_NEAREST, AL_NN_RESIZE_LINEAR } AlNnResizeMode;
typedef enum
{
  AL_NN_COORD_HALF_PIXEL,
  AL_NN_COORD_PYTORCH_HALF_PIXEL,
  AL_NN_COORD_ALIGN_CORNERS,
  AL_NN_COORD_ASYMMETRIC,
} AlNnCoordMode;
typedef enum
{
  AL_NN_NEAREST_ROUND_PREFER_FLOOR,
  AL_NN_NEAREST_ROUND_PREFER_CEIL,
  AL_NN_NEAREST_FLOOR,
  AL_NN_NEAREST_CEIL,
} AlNnNearestMode;

typedef struct
{
  AlNnResizeMode  mode;
  AlNnCoordMode   coord;
  AlNnNearestMode nearest;
  float           scale_h, scale_w;   /* used when out_h == 0 */
  guint           out_h, out_w;       /* fixed output size ("sizes" input), or 0 */
} AlNnResize;

gboolean al_nn_resize_out_size (const AlNnResize *p, guint h, guint w, guint *ho, guint *wo);
void     al_nn_resize_run      (const AlNnResize *p, const AlNnTensor *x, AlNnTensor *y,
                                AlNnPool *pool);

typedef enum { AL_NN_PAD_CONSTANT, AL_NN_PAD_REFLECT, AL_NN_PAD_EDGE } AlNnPadMode;
typedef struct
{
  AlNnPadMode mode;
  guint       pad_t, pad_l, pad_b, pad_r;
  float       value;
} AlNnPad;

void al_nn_pad_run     (const AlNnPad *p, const AlNnTensor *x, AlNnTensor *y, AlNnPool *pool);

/* y = act (x * scale[c] + shift[c]); scale or shift may be NULL.
 * BatchNormalization not folded into a Conv, Mul/Add by a constant. */
typedef struct
{
  float  *scale, *shift;
  gboolean scalar;       /* scale/shift hold one value for every channel */
  AlNnAct act;
} AlNnAffine;

void al_nn_affine_run  (const AlNnAffine *p, const AlNnTensor *x, AlNnTensor *y, AlNnPool *pool);
/* y = a + b or a * b, same shapes. */
void al_nn_binary_run  (gboolean is_mul, const AlNnTensor *a, const AlNnTensor *b, AlNnTensor *y,
                        AlNnPool *pool);
/* Softmax over channels at every pixel. */
void al_nn_softmax_run (const AlNnTensor *x, AlNnTensor *y, AlNnPool *pool);
/* Concatenation along channels. */
void al_nn_concat_run  (const AlNnTensor *const *xs, guint n, AlNnTensor *y, AlNnPool *pool);
void al_nn_act_run     (const AlNnAct *act, const AlNnTensor *x, AlNnTensor *y, AlNnPool *pool);

/* ---- the graph ---------------------------------------------------------- */

typedef enum
{
  AL_NN_OP_CONV,
  AL_NN_OP_CONV_TRANSPOSE,
  AL_NN_OP_POOL,
  AL_NN_OP_RESIZE,
  AL_NN_OP_PAD,
  AL_NN_OP_AFFINE,
  AL_NN_OP_BINARY_ADD,
  AL_NN_OP_BINARY_MUL,
  AL_NN_OP_SOFTMAX,
  AL_NN_OP_CONCAT,
  AL_NN_OP_ACT,
} AlNnOpKind;

#define AL_NN_MAX_NODE_INPUTS 64

typedef struct
{
  AlNnOpKind kind;
  char      *name;        /* the ONNX node's name (or its output's), for messages */
  char      *op_type;     /* the ONNX operator it came from */
  guint      n_inputs;
  guint     *inputs;      /* value ids */
  guint      output;      /* value id */
  union
  {
    AlNnConv       conv;
    AlNnPoolParams pool;
    AlNnResize     resize;
    AlNnPad        pad;
    AlNnAffine     affine;
    AlNnAct        act;
  } p;
} AlNnNode;

struct _AlNnModel
{
  AlNnNode   *nodes;         /* topological order */
  guint       n_nodes;
  guint       n_values;      /* value 0 is the input */
  guint       output;        /* the value that is the network's output */
  guint       in_channels, out_channels;
  guint       alignment;
  guint       receptive_radius;
  gsize       weight_bytes;
  GPtrArray  *blobs;         /* owned weight arrays */
  GHashTable *metadata;      /* char* -> char* */
  char      **classes;
  double      pixel_size_nm;
  gint64      opset;
};

/* Loader (al-nn-onnx.c): fills a fresh model's nodes and metadata. */
gboolean al_nn_onnx_load (AlNnModel *model, const guint8 *data, gsize size, GError **error);
/* After loading: BatchNorm/activation fusion, alignment and receptive field,
 * channel counts (al-nn-model.c). */
gboolean al_nn_model_finish (AlNnModel *model, GError **error);
float   *al_nn_model_take_blob (AlNnModel *model, gsize n_floats);

/* ---- plans and runs (al-nn-plan.c) ------------------------------------ */

typedef struct
{
  guint        n_values;
  AlNnTensor  *values;      /* shapes; data set when the arena is bound */
  gsize       *offsets;     /* bytes into the arena */
  gsize        arena_bytes;
  gsize        scratch_floats;   /* per thread */
  guint        in_h, in_w;
} AlNnPlan;

AlNnPlan *al_nn_plan_new   (const AlNnModel *model, guint h, guint w, guint n_threads,
                            GError **error);
void      al_nn_plan_free  (AlNnPlan *plan);
/* Working memory a plan needs: arena plus every thread's scratch. */
gsize     al_nn_plan_bytes (const AlNnPlan *plan, guint n_threads);
/* FALSE with AL_NN_ERROR_TOO_LARGE when `bytes` exceed the process's memory
 * budget (al-limits.h); `what` starts the message. */
gboolean  al_nn_check_budget (guint64 bytes, const char *what, GError **error);
/* Runs the model on plan->values[0] (already filled); the result is in
 * plan->values[model->output]. `memory` holds al_nn_plan_bytes. */
void      al_nn_plan_execute (const AlNnModel *model, AlNnPlan *plan, float *memory,
                              AlNnPool *pool);
void      al_nn_plan_bind    (AlNnPlan *plan, float *memory);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlNnPlan, al_nn_plan_free)

G_END_DECLS
