/* test-nn-bad-models.c: hostile and unsupported model files. Each case is
 * a model built here with the generated protobuf-c code (or a damaged copy
 * of the reference U-Net) and must give the right AL_NN_ERROR, with a
 * message that names the operator and node, never a crash or a huge
 * allocation. */
#include "al-limits.h"
#include "nn/al-nn-private.h"
#include "nn-test-util.h"
#include "onnx.pb-c.h"

static GPtrArray *garbage;   /* everything the builders allocate */

static gpointer
keep (gpointer p)
{
  g_ptr_array_add (garbage, p);
  return p;
}

static char **
names (const char *csv,
       size_t     *n)
{
  char **v = keep (g_strsplit (csv, ",", -1));

  *n = csv[0] ? g_strv_length (v) : 0;
  for (size_t i = 0; i < *n; i++)
    keep (v[i]);
  return v;
}

static Onnx__NodeProto *
node (const char *op,
      const char *name,
      const char *inputs,
      const char *outputs)
{
  Onnx__NodeProto *n = keep (g_new (Onnx__NodeProto, 1));

  onnx__node_proto__init (n);
  n->op_type = (char *) op;
  n->name = (char *) name;
  n->input = names (inputs, &n->n_input);
  n->output = names (outputs, &n->n_output);
  return n;
}

static void
attr_ints (Onnx__NodeProto *n,
           const char      *name,
           const int64_t   *v,
           size_t           count,
           gboolean         single)
{
  Onnx__AttributeProto *a = keep (g_new (Onnx__AttributeProto, 1));

  onnx__attribute_proto__init (a);
  a->name = (char *) name;
  a->has_type = TRUE;
  if (single)
    {
      a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT;
      a->has_i = TRUE;
      a->i = v[0];
    }
  else
    {
      a->type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS;
      a->ints = (int64_t *) v;
      a->n_ints = count;
    }
  n->attribute = keep (g_renew (Onnx__AttributeProto *, NULL, n->n_attribute + 1));
  n->attribute[n->n_attribute++] = a;
}

static Onnx__TensorProto *
tensor (const char    *name,
        const int64_t *dims,
        size_t         n_dims,
        size_t         n_values)
{
  Onnx__TensorProto *t = keep (g_new (Onnx__TensorProto, 1));

  onnx__tensor_proto__init (t);
  t->name = (char *) name;
  t->dims = (int64_t *) dims;
  t->n_dims = n_dims;
  t->has_data_type = TRUE;
  t->data_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  t->float_data = keep (g_new0 (float, MAX (n_values, 1)));
  for (size_t i = 0; i < n_values; i++)
    t->float_data[i] = 0.01f * (float) (i % 13);
  t->n_float_data = n_values;
  return t;
}

typedef struct
{
  Onnx__NodeProto   *nodes[8];
  size_t             n_nodes;
  Onnx__TensorProto *inits[8];
  size_t             n_inits;
  int64_t            opset;
  const char        *output;
  const char        *classes;
} Spec;

static GBytes *
pack (const Spec *s)
{
  static int64_t in_dims[4] = { 1, 1, 0, 0 };
  Onnx__ModelProto m = ONNX__MODEL_PROTO__INIT;
  Onnx__GraphProto g = ONNX__GRAPH_PROTO__INIT;
  Onnx__OperatorSetIdProto op = ONNX__OPERATOR_SET_ID_PROTO__INIT;
  Onnx__OperatorSetIdProto *ops[1] = { &op };
  Onnx__ValueInfoProto in = ONNX__VALUE_INFO_PROTO__INIT, out = ONNX__VALUE_INFO_PROTO__INIT;
  Onnx__ValueInfoProto *ins[1] = { &in }, *outs[1] = { &out };
  Onnx__TypeProto type = ONNX__TYPE_PROTO__INIT;
  Onnx__TypeProto__Tensor tt = ONNX__TYPE_PROTO__TENSOR__INIT;
  Onnx__TensorShapeProto shape = ONNX__TENSOR_SHAPE_PROTO__INIT;
  Onnx__TensorShapeProto__Dimension dims[4], *dimp[4];
  Onnx__StringStringEntryProto meta = ONNX__STRING_STRING_ENTRY_PROTO__INIT, *metap[1] = { &meta };
  guint8 *buf;
  size_t len;

  for (int i = 0; i < 4; i++)
    {
      onnx__tensor_shape_proto__dimension__init (&dims[i]);
      if (in_dims[i] > 0)
        {
          dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
          dims[i].dim_value = in_dims[i];
        }
      else
        {
          dims[i].value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
          dims[i].dim_param = (char *) (i == 2 ? "height" : "width");
        }
      dimp[i] = &dims[i];
    }
  shape.dim = dimp;
  shape.n_dim = 4;
  tt.has_elem_type = TRUE;
  tt.elem_type = ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT;
  tt.shape = &shape;
  type.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
  type.tensor_type = &tt;
  in.name = (char *) "x";
  in.type = &type;
  out.name = (char *) (s->output != NULL ? s->output : "y");
  op.has_version = TRUE;
  op.version = s->opset > 0 ? s->opset : 14;
  g.node = (Onnx__NodeProto **) s->nodes;
  g.n_node = s->n_nodes;
  g.initializer = (Onnx__TensorProto **) s->inits;
  g.n_initializer = s->n_inits;
  g.input = ins;
  g.n_input = 1;
  g.output = outs;
  g.n_output = 1;
  m.graph = &g;
  m.opset_import = ops;
  m.n_opset_import = 1;
  m.has_ir_version = TRUE;
  m.ir_version = 8;
  if (s->classes != NULL)
    {
      meta.key = (char *) "atomlens.classes";
      meta.value = (char *) s->classes;
      m.metadata_props = metap;
      m.n_metadata_props = 1;
    }
  len = onnx__model_proto__get_packed_size (&m);
  buf = g_malloc (len);
  onnx__model_proto__pack (&m, buf);
  return g_bytes_new_take (buf, len);
}

static const int64_t conv_w_dims[4] = { 2, 1, 3, 3 };
static const int64_t conv_b_dims[1] = { 2 };
static const int64_t pads1[4] = { 1, 1, 1, 1 };

/* x -> Conv(3×3, 2 channels) -> y: the valid baseline every case breaks. */
static void
conv_spec (Spec *s)
{
  memset (s, 0, sizeof *s);
  s->nodes[s->n_nodes++] = node ("Conv", "conv0", "x,w,b", "y");
  attr_ints (s->nodes[0], "pads", pads1, 4, FALSE);
  s->inits[s->n_inits++] = tensor ("w", conv_w_dims, 4, 18);
  s->inits[s->n_inits++] = tensor ("b", conv_b_dims, 1, 2);
}

static void
expect_error (const Spec *s,
              gint        code,
              const char *must_mention)
{
  g_autoptr (GBytes) bytes = pack (s);
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  model = al_nn_model_load_from_data (data, len, &error);
  g_assert_null (model);
  g_assert_error (error, AL_NN_ERROR, code);
  g_test_message ("%s", error->message);
  if (must_mention != NULL && strstr (error->message, must_mention) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, must_mention);
}

static void
test_baseline_loads (void)
{
  Spec s;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;
  float in[25] = { 0 }, out[50];

  conv_spec (&s);
  bytes = pack (&s);
  model = al_nn_model_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (al_nn_model_get_out_channels (model), ==, 2);
  g_assert_true (al_nn_model_run (model, in, 5, 5, 1, out, 1, &error));
  /* zero input: the output is the bias */
  g_assert_cmpfloat_with_epsilon (out[0], 0.0f, 1e-7);
  g_assert_cmpfloat_with_epsilon (out[30], 0.01f, 1e-7);
  /* an input too small for the kernel without padding fails cleanly */
  g_assert_false (al_nn_model_run (model, in, 5, 5, 2, out, 1, &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_SHAPE);
}

/* Identity and Dropout (inference: identity, its mask output unused) cost
 * nothing and change nothing. */
static void
test_identity_dropout (void)
{
  Spec s;
  g_autoptr (GBytes) plain = NULL, wrapped = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) a = NULL, b = NULL;
  float in[36], out_a[72], out_b[72];

  for (guint i = 0; i < 36; i++)
    in[i] = (float) ((i * 7) % 11) - 5.f;
  conv_spec (&s);
  plain = pack (&s);
  s.nodes[0] = node ("Identity", "id", "x", "x1");
  s.nodes[1] = node ("Dropout", "drop", "x1", "x2,mask");
  s.nodes[2] = node ("Conv", "conv0", "x2,w,b", "y");
  attr_ints (s.nodes[2], "pads", pads1, 4, FALSE);
  s.n_nodes = 3;
  wrapped = pack (&s);
  a = al_nn_model_load_from_data (g_bytes_get_data (plain, NULL), g_bytes_get_size (plain), &error);
  g_assert_no_error (error);
  b = al_nn_model_load_from_data (g_bytes_get_data (wrapped, NULL), g_bytes_get_size (wrapped), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (b->n_nodes, ==, 1);
  g_assert_true (al_nn_model_run (a, in, 6, 6, 1, out_a, 1, &error));
  g_assert_true (al_nn_model_run (b, in, 6, 6, 1, out_b, 1, &error));
  g_assert_cmpmem (out_a, sizeof out_a, out_b, sizeof out_b);
}

static void
test_wrong_initializer_size (void)
{
  Spec s;

  conv_spec (&s);
  s.inits[0] = tensor ("w", conv_w_dims, 4, 17);
  expect_error (&s, AL_NN_ERROR_CORRUPT, "“w”");
}

static void
test_huge_dims (void)
{
  static const int64_t huge[4] = { G_GINT64_CONSTANT (1) << 40, 1, G_GINT64_CONSTANT (1) << 40, 3 };
  Spec s;

  conv_spec (&s);
  s.inits[0] = tensor ("w", huge, 4, 1);
  expect_error (&s, AL_NN_ERROR_TOO_LARGE, "“w”");
}

/* With the process's memory budget at its minimum (64 MiB): weights of
 * 78 MiB are refused at load, a whole-image run whose buffers exceed the
 * budget is refused before anything is allocated, and the tiled runner
 * fits its tiles into the budget and gives the same result. */
static void
test_memory_budget (void)
{
  static const int64_t big[4] = { 5000, 1, 64, 64 };
  const guint side = 3000;
  Spec s;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (AlNnModel) model = NULL;
  g_autofree float *in = NULL, *out = NULL;
  AlNnRunOptions opts = AL_NN_RUN_OPTIONS_INIT;

  al_limits_set_memory_budget (AL_LIMITS_SMALL_BUDGET);
  conv_spec (&s);
  s.inits[0] = tensor ("w", big, 4, 1);
  expect_error (&s, AL_NN_ERROR_TOO_LARGE, "memory budget of 64 MiB");

  conv_spec (&s);
  bytes = pack (&s);
  model = al_nn_model_load_from_data (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  in = g_new (float, (gsize) side * side);
  out = g_new (float, (gsize) 2 * side * side);
  for (gsize i = 0; i < (gsize) side * side; i++)
    in[i] = (float) (i % 7);
  g_assert_false (al_nn_model_run (model, in, side, side, 1, out, 1, &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "whole image"));
  g_assert_nonnull (strstr (error->message, "budget"));
  g_clear_error (&error);

  opts.n_threads = 1;
  g_assert_true (al_nn_run_tiled (model, in, side, side, 1, out, &opts, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Centre of the image (away from the reflected border): channel 0 is
   * the 3×3 kernel 0.01·(0..8) over the input, with bias 0. */
  {
    gsize c = (gsize) (side / 2) * side + side / 2;
    float expect = 0.0f;
    for (int dy = -1; dy <= 1; dy++)
      for (int dx = -1; dx <= 1; dx++)
        expect += 0.01f * (float) ((dy + 1) * 3 + dx + 1) * in[c + dy * (gssize) side + dx];
    g_assert_cmpfloat_with_epsilon (out[c], expect, 1e-4);
  }
  al_limits_set_memory_budget (0);
}

static void
test_huge_kernel (void)
{
  static const int64_t big[4] = { 2, 1, 1000, 1 };
  Spec s;

  conv_spec (&s);
  s.inits[0] = tensor ("w", big, 4, 2000);
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "conv0");
}

static void
test_cycle (void)
{
  Spec s;

  conv_spec (&s);
  s.nodes[0] = node ("Relu", "a", "c", "d");
  s.nodes[1] = node ("Add", "b", "x,d", "c");
  s.nodes[2] = node ("Relu", "out", "c", "y");
  s.n_nodes = 3;
  expect_error (&s, AL_NN_ERROR_CORRUPT, "cycle");
}

static void
test_missing_input (void)
{
  Spec s;

  conv_spec (&s);
  s.nodes[0] = node ("Conv", "conv0", "x,w_missing,b", "y");
  expect_error (&s, AL_NN_ERROR_CORRUPT, "w_missing");
}

static void
test_unsupported_operator (void)
{
  Spec s;

  conv_spec (&s);
  s.nodes[s.n_nodes++] = node ("LSTM", "lstm_7", "y", "z");
  s.output = "z";
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "LSTM");
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "lstm_7");
}

static void
test_channel_mismatch (void)
{
  static const int64_t w2[4] = { 2, 3, 3, 3 };
  Spec s;

  conv_spec (&s);
  s.inits[0] = tensor ("w", w2, 4, 54);
  expect_error (&s, AL_NN_ERROR_CORRUPT, "conv0");
}

static void
test_duplicate_output (void)
{
  Spec s;

  conv_spec (&s);
  s.nodes[s.n_nodes++] = node ("Relu", "again", "x", "y");
  expect_error (&s, AL_NN_ERROR_CORRUPT, "again");
}

static void
test_old_softmax (void)
{
  static const int64_t one = 1;
  Spec s;

  conv_spec (&s);
  s.nodes[0] = node ("Softmax", "sm", "x", "y");
  attr_ints (s.nodes[0], "axis", &one, 1, TRUE);
  s.opset = 11;
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "sm");
}

static void
test_resize_huge_scale (void)
{
  static const int64_t d4[1] = { 4 };
  Spec s;
  Onnx__TensorProto *scales;

  conv_spec (&s);
  scales = tensor ("scales", d4, 1, 4);
  scales->float_data[0] = scales->float_data[1] = 1.f;
  scales->float_data[2] = scales->float_data[3] = 1e9f;
  s.nodes[0] = node ("Resize", "up", "x,,scales", "y");
  s.inits[0] = scales;
  s.n_inits = 1;
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "up");
}

static void
test_resize_size_from_image (void)
{
  Spec s;

  conv_spec (&s);
  s.nodes[0] = node ("Shape", "shape", "x", "s");
  s.nodes[1] = node ("Resize", "up", "x,,,s", "y");
  s.n_nodes = 2;
  s.n_inits = 0;
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "image size");
}

static void
test_classes_mismatch (void)
{
  Spec s;

  conv_spec (&s);
  s.classes = "background,Mo,S";
  expect_error (&s, AL_NN_ERROR_CORRUPT, "classes");
}

static void
test_external_data (void)
{
  Spec s;

  conv_spec (&s);
  s.inits[0]->has_data_location = TRUE;
  s.inits[0]->data_location = ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
  expect_error (&s, AL_NN_ERROR_UNSUPPORTED, "external");
}

static void
test_not_onnx (void)
{
  static const guint8 junk[] = "\xff\xff\xff\xff this is not a protobuf";
  g_autoptr (GError) error = NULL;

  g_assert_null (al_nn_model_load_from_data (junk, sizeof junk, &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (al_nn_model_load_from_data (junk, 0, &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_null (al_nn_model_load ("/nonexistent/model.onnx", &error));
  g_assert_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT);
}

/* Every prefix length class of the real U-Net, and seeded byte damage:
 * each loads or fails with an AL_NN_ERROR, never crashes. */
static void
test_truncated_and_damaged (void)
{
  g_autofree char *path = al_test_data_path ("0001-unet-golden/unet.onnx");
  g_autofree guint8 *data = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (99);
  gsize len;
  guint n_failed = 0;

  g_assert_true (g_file_get_contents (path, (char **) &data, &len, NULL));
  for (guint i = 1; i < 64; i++)
    {
      g_autoptr (GError) error = NULL;
      gsize cut = len * i / 64;
      AlNnModel *model = al_nn_model_load_from_data (data, cut, &error);
      g_assert_null (model);
      g_assert_true (error->domain == AL_NN_ERROR);
    }
  for (guint i = 0; i < 300; i++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr (GError) error = NULL;
      AlNnModel *model;

      for (guint k = 0; k < 4; k++)
        {
          /* damage the structure (first 4 KiB: graph, nodes) more often than weights */
          gsize at = i % 2 ? g_rand_int_range (rand, 0, 4096) : g_rand_int_range (rand, 0, (gint32) len);
          copy[at] = (guint8) g_rand_int_range (rand, 0, 256);
        }
      model = al_nn_model_load_from_data (copy, len, &error);
      if (model == NULL)
        {
          g_assert_true (error->domain == AL_NN_ERROR);
          n_failed++;
        }
      al_nn_model_free (model);
    }
  g_test_message ("%u of 300 damaged copies were rejected", n_failed);
  g_assert_cmpuint (n_failed, >, 0);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  garbage = g_ptr_array_new_with_free_func (g_free);
  g_test_add_func ("/core/nn/bad/baseline-loads", test_baseline_loads);
  g_test_add_func ("/core/nn/bad/identity-dropout", test_identity_dropout);
  g_test_add_func ("/core/nn/bad/wrong-initializer-size", test_wrong_initializer_size);
  g_test_add_func ("/core/nn/bad/huge-dims", test_huge_dims);
  g_test_add_func ("/core/nn/bad/huge-kernel", test_huge_kernel);
  g_test_add_func ("/core/nn/bad/memory-budget", test_memory_budget);
  g_test_add_func ("/core/nn/bad/cycle", test_cycle);
  g_test_add_func ("/core/nn/bad/missing-input", test_missing_input);
  g_test_add_func ("/core/nn/bad/unsupported-operator", test_unsupported_operator);
  g_test_add_func ("/core/nn/bad/channel-mismatch", test_channel_mismatch);
  g_test_add_func ("/core/nn/bad/duplicate-output", test_duplicate_output);
  g_test_add_func ("/core/nn/bad/old-softmax", test_old_softmax);
  g_test_add_func ("/core/nn/bad/resize-huge-scale", test_resize_huge_scale);
  g_test_add_func ("/core/nn/bad/resize-size-from-image", test_resize_size_from_image);
  g_test_add_func ("/core/nn/bad/classes-mismatch", test_classes_mismatch);
  g_test_add_func ("/core/nn/bad/external-data", test_external_data);
  g_test_add_func ("/core/nn/bad/not-onnx", test_not_onnx);
  g_test_add_func ("/core/nn/bad/truncated-and-damaged", test_truncated_and_damaged);
  status = g_test_run ();
  g_ptr_array_unref (garbage);
  return status;
}
