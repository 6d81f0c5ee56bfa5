/* al-nn-onnx-private.h: what the ONNX loader's two halves share: the
 * protobuf walk (al-nn-onnx.c) and the per-operator translation into engine
 * nodes (al-nn-onnx-ops.c). */
#pragma once

#include "nn/al-nn-private.h"
#include "onnx.pb-c.h"

G_BEGIN_DECLS

#define AL_NN_MAX_TENSOR_DIMS 8
/* Bounds on attributes, far beyond any real network, that keep a hostile
 * file from planning absurd buffers. */
#define AL_NN_MAX_KERNEL   64
#define AL_NN_MAX_STRIDE   64
#define AL_NN_MAX_PAD      4096
#define AL_NN_MAX_CHANNELS 65536
#define AL_NN_MAX_SCALE    64.0f

typedef struct
{
  gboolean is_const;
  /* an activation */
  guint    id;
  guint    channels;
  /* the activation seen through Transpose(perm 0,3,2,1): channels last. Only
   * Softmax and the Transpose back may read it (PyTorch before opset 13
   * exports a channel softmax that way). */
  gboolean swapped;
  /* a constant */
  guint    n_dims;
  gint64   dims[AL_NN_MAX_TENSOR_DIMS];
  gsize    numel;
  float   *f;        /* values as floats (owned by the model's blobs) */
  gint64  *i;        /* integer tensors also as int64 (owned by the loader) */
} AlOnnxValue;

typedef struct
{
  AlNnModel          *model;
  GHashTable         *values;     /* name -> AlOnnxValue* */
  GArray             *nodes;      /* AlNnNode */
  GPtrArray          *owned;      /* AlOnnxValue and int arrays freed with the loader */
  gint64              opset;
  guint               n_acts;
} AlOnnxLoader;

/* Context of one ONNX node during translation. */
typedef struct
{
  AlOnnxLoader           *loader;
  const Onnx__NodeProto  *proto;
  const char             *name;
} AlOnnxNode;

/* Marks a dimension only known when the image is (height, width). */
#define AL_ONNX_UNKNOWN G_MININT64

/* Evaluates `proto` at load time when it is integer shape arithmetic on
 * constants (al-nn-onnx-fold.c); *folded says whether it was. */
gboolean al_onnx_try_fold       (AlOnnxLoader *loader, const Onnx__NodeProto *proto,
                                 gboolean *folded, GError **error);
gboolean al_onnx_translate_node (AlOnnxLoader *loader, const Onnx__NodeProto *proto,
                                 GError **error);

/* What the operator translators share (al-nn-onnx-ops.c): a new engine
 * node, its output, an input computed from the image, a constant input
 * (`optional`: may be absent, *out NULL), and a range check, each setting
 * an error that names the node. */
AlNnNode    *al_onnx_add_node    (const AlOnnxNode *n, AlNnOpKind kind, guint n_inputs);
gboolean     al_onnx_set_output  (const AlOnnxNode *n, AlNnNode *node, guint channels,
                                  GError **error);
AlOnnxValue *al_onnx_act_input   (const AlOnnxNode *n, guint i, GError **error);
gboolean     al_onnx_const_input (const AlOnnxNode *n, guint i, gboolean optional,
                                  AlOnnxValue **out, GError **error);
gboolean     al_onnx_check_range (const AlOnnxNode *n, const char *what, gint64 value,
                                  gint64 lo, gint64 hi, GError **error);
/* The windowed operators (al-nn-onnx-spatial.c); `transpose`: ConvTranspose,
 * `is_max`: MaxPool, `upsample`: the opset-7/9 Upsample. */
gboolean al_onnx_translate_conv   (const AlOnnxNode *n, gboolean transpose, GError **error);
gboolean al_onnx_translate_pool   (const AlOnnxNode *n, gboolean is_max, GError **error);
gboolean al_onnx_translate_resize (const AlOnnxNode *n, gboolean upsample, GError **error);
gboolean al_onnx_translate_pad    (const AlOnnxNode *n, GError **error);

/* helpers (al-nn-onnx.c) */
AlOnnxValue *al_onnx_input        (const AlOnnxNode *n, guint i);   /* NULL: absent */
gboolean     al_onnx_tensor_value (AlOnnxLoader *loader, const Onnx__TensorProto *t,
                                   AlOnnxValue **out, GError **error);
AlOnnxValue *al_onnx_new_act      (AlOnnxLoader *loader, const char *name, guint channels);
void         al_onnx_set_value    (AlOnnxLoader *loader, const char *name, AlOnnxValue *v);
const Onnx__AttributeProto *al_onnx_attr (const AlOnnxNode *n, const char *name);
gint64       al_onnx_attr_int     (const AlOnnxNode *n, const char *name, gint64 def);
float        al_onnx_attr_float   (const AlOnnxNode *n, const char *name, float def);
/* The string attribute or `def`; NUL-terminated copy valid while the proto lives. */
char        *al_onnx_attr_string  (const AlOnnxNode *n, const char *name, const char *def);
/* Copies INTS attribute `name` into out[0..n_expected); FALSE (error set) if
 * its length differs. Absent: fills `def` and returns TRUE. */
gboolean     al_onnx_attr_ints    (const AlOnnxNode *n, const char *name, gint64 *out,
                                   guint n_expected, gint64 def, GError **error);
void         al_onnx_error        (const AlOnnxNode *n, GError **error, gint code,
                                   const char *format, ...) G_GNUC_PRINTF (4, 5);

G_END_DECLS
