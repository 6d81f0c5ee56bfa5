/* al-nn-onnx.c: reads an ONNX model (protobuf-c code generated at build
 * time from Debian's onnx.proto) into the engine's graph.
 *
 * The file is hostile until proven otherwise: every tensor's size is checked
 * against its dims and the weight budget before use, the nodes are sorted
 * topologically (a cycle or a dangling input is an error naming the node),
 * and each node is translated by al-nn-onnx-ops.c, which rejects what it
 * does not run by name.
 */
#include <math.h>
#include <string.h>

#include "nn/al-nn-onnx-private.h"

void
al_onnx_error (const AlOnnxNode *n,
               GError          **error,
               gint              code,
               const char       *format,
               ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AL_NN_ERROR, code, "%s node “%s”: %s", n->proto->op_type, n->name, message);
}

AlOnnxValue *
al_onnx_input (const AlOnnxNode *n,
               guint             i)
{
  if (i >= n->proto->n_input || n->proto->input[i][0] == '\0')
    return NULL;
  return g_hash_table_lookup (n->loader->values, n->proto->input[i]);
}

AlOnnxValue *
al_onnx_new_act (AlOnnxLoader *loader,
                 const char   *name,
                 guint         channels)
{
  AlOnnxValue *v = g_new0 (AlOnnxValue, 1);

  g_ptr_array_add (loader->owned, v);
  v->id = loader->n_acts++;
  v->channels = channels;
  if (name != NULL)
    g_hash_table_replace (loader->values, (gpointer) name, v);
  return v;
}

void
al_onnx_set_value (AlOnnxLoader *loader,
                   const char   *name,
                   AlOnnxValue  *v)
{
  g_hash_table_replace (loader->values, (gpointer) name, v);
}

const Onnx__AttributeProto *
al_onnx_attr (const AlOnnxNode *n,
              const char       *name)
{
  for (gsize i = 0; i < n->proto->n_attribute; i++)
    if (g_strcmp0 (n->proto->attribute[i]->name, name) == 0)
      return n->proto->attribute[i];
  return NULL;
}

gint64
al_onnx_attr_int (const AlOnnxNode *n,
                  const char       *name,
                  gint64            def)
{
  const Onnx__AttributeProto *a = al_onnx_attr (n, name);

  return a != NULL && a->has_i ? a->i : def;
}

float
al_onnx_attr_float (const AlOnnxNode *n,
                    const char       *name,
                    float             def)
{
  const Onnx__AttributeProto *a = al_onnx_attr (n, name);

  return a != NULL && a->has_f ? a->f : def;
}

char *
al_onnx_attr_string (const AlOnnxNode *n,
                     const char       *name,
                     const char       *def)
{
  const Onnx__AttributeProto *a = al_onnx_attr (n, name);
  char *s;

  if (a == NULL || !a->has_s)
    return g_strdup (def);
  s = g_strndup ((const char *) a->s.data, a->s.len);
  return s;
}

gboolean
al_onnx_attr_ints (const AlOnnxNode *n,
                   const char       *name,
                   gint64           *out,
                   guint             n_expected,
                   gint64            def,
                   GError          **error)
{
  const Onnx__AttributeProto *a = al_onnx_attr (n, name);

  if (a == NULL)
    {
      for (guint i = 0; i < n_expected; i++)
        out[i] = def;
      return TRUE;
    }
  if (a->n_ints != n_expected)
    {
      al_onnx_error (n, error, AL_NN_ERROR_UNSUPPORTED,
                     "attribute “%s” has %zu values, expected %u (2-D images only)", name,
                     a->n_ints, n_expected);
      return FALSE;
    }
  memcpy (out, a->ints, n_expected * sizeof (gint64));
  return TRUE;
}

/* ---- tensors ------------------------------------------------------------ */

static gsize
element_size (gint32 dtype)
{
  switch (dtype)
    {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
      return 4;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
      return 8;
    case ONNX__TENSOR_PROTO__DATA_TYPE__BOOL:
    case ONNX__TENSOR_PROTO__DATA_TYPE__UINT8:
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
      return 1;
    default:
      return 0;
    }
}

/* A float initializer read as an integer (shape arithmetic): saturated,
 * NaN as 0, so an absurd value stays absurd (and is refused where it is
 * used) instead of being undefined behaviour. */
static gint64
to_int64 (double d)
{
  if (isnan (d))
    return 0;
  if (d >= 0x1p63)
    return G_MAXINT64;
  if (d <= -0x1p63)
    return G_MININT64;
  return (gint64) d;
}

static gint64
raw_element (const guint8 *p,
             gint32        dtype,
             double       *as_double)
{
  gint64 i = 0;

  switch (dtype)
    {
    case ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT:
      {
        float f;
        memcpy (&f, p, 4);
        *as_double = f;
        return to_int64 (f);
      }
    case ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE:
      memcpy (as_double, p, 8);
      return to_int64 (*as_double);
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT32:
      {
        gint32 v;
        memcpy (&v, p, 4);
        i = v;
        break;
      }
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT64:
      memcpy (&i, p, 8);
      break;
    case ONNX__TENSOR_PROTO__DATA_TYPE__INT8:
      i = *(const gint8 *) p;
      break;
    default:
      i = *p;
      break;
    }
  *as_double = (double) i;
  return i;
}

gboolean
al_onnx_tensor_value (AlOnnxLoader             *loader,
                      const Onnx__TensorProto  *t,
                      AlOnnxValue             **out,
                      GError                  **error)
{
  const char *name = t->name != NULL && t->name[0] ? t->name : "(unnamed)";
  gint32 dtype = t->has_data_type ? t->data_type : 0;
  gsize esize = element_size (dtype), numel = 1, n_given;
  AlOnnxValue *v;

  if (esize == 0)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "tensor “%s” has data type %d, which AtomLens does not read", name, dtype),
           FALSE;
  if (t->has_data_location && t->data_location == ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "tensor “%s” keeps its data in an external file; save the model as one file",
                        name),
           FALSE;
  if (t->n_dims > AL_NN_MAX_TENSOR_DIMS)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "tensor “%s” has %zu dimensions", name, t->n_dims),
           FALSE;
  for (gsize d = 0; d < t->n_dims; d++)
    {
      if (t->dims[d] < 0 || (t->dims[d] > 0 && numel > AL_NN_MAX_WEIGHT_BYTES / 4 / (guint64) t->dims[d]))
        return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                            "tensor “%s” has impossible dimensions (%" G_GINT64_FORMAT " in axis %zu)",
                            name, t->dims[d], d),
               FALSE;
      numel *= (gsize) t->dims[d];
    }
  if (loader->model->weight_bytes + numel * 4 > AL_NN_MAX_WEIGHT_BYTES)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                        "the weights exceed %u MiB (at tensor “%s”)", AL_NN_MAX_WEIGHT_BYTES >> 20, name),
           FALSE;
  if (!al_nn_check_budget (loader->model->weight_bytes + numel * 4, "The network's weights",
                           error))
    return FALSE;

  if (t->has_raw_data)
    n_given = t->raw_data.len / esize;
  else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    n_given = t->n_float_data;
  else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
    n_given = t->n_int64_data;
  else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
    n_given = t->n_double_data;
  else
    n_given = t->n_int32_data;
  if (n_given != numel || (t->has_raw_data && t->raw_data.len != numel * esize))
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                        "tensor “%s” should hold %zu values but holds %zu", name, numel, n_given),
           FALSE;

  v = g_new0 (AlOnnxValue, 1);
  g_ptr_array_add (loader->owned, v);
  v->is_const = TRUE;
  v->n_dims = t->n_dims;
  for (gsize d = 0; d < t->n_dims; d++)
    v->dims[d] = t->dims[d];
  v->numel = numel;
  v->f = al_nn_model_take_blob (loader->model, MAX (numel, 1));
  v->i = g_new0 (gint64, MAX (numel, 1));
  g_ptr_array_add (loader->owned, v->i);
  for (gsize k = 0; k < numel; k++)
    {
      double d;

      if (t->has_raw_data)
        v->i[k] = raw_element (t->raw_data.data + k * esize, dtype, &d);
      else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
        v->i[k] = to_int64 (d = t->float_data[k]);
      else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__INT64)
        d = (double) (v->i[k] = t->int64_data[k]);
      else if (dtype == ONNX__TENSOR_PROTO__DATA_TYPE__DOUBLE)
        v->i[k] = to_int64 (d = t->double_data[k]);
      else
        d = (double) (v->i[k] = t->int32_data[k]);
      v->f[k] = (float) d;
    }
  *out = v;
  return TRUE;
}

/* ---- the graph ---------------------------------------------------------- */

static const char *
node_name (const Onnx__NodeProto *n)
{
  if (n->name != NULL && n->name[0])
    return n->name;
  return n->n_output > 0 ? n->output[0] : "(unnamed)";
}

/* Kahn's algorithm over the nodes' data dependencies. */
static gboolean
sort_nodes (const Onnx__GraphProto  *g,
            GHashTable              *known,     /* names available before any node */
            guint                  **order_out,
            GError                 **error)
{
  g_autoptr (GHashTable) producer = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *n_missing = g_new0 (guint, g->n_node + 1);
  g_autofree guint *order = g_new (guint, g->n_node + 1);
  g_autoptr (GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  guint n_done = 0, head = 0;

  for (gsize i = 0; i < g->n_node; i++)
    {
      const Onnx__NodeProto *n = g->node[i];

      g_ptr_array_add (users, g_array_new (FALSE, FALSE, sizeof (guint)));
      if (n->op_type == NULL)
        return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                            "node %zu of the graph has no operator", i),
               FALSE;
      for (gsize o = 0; o < n->n_output; o++)
        {
          if (n->output[o][0] == '\0')
            continue;
          if (g_hash_table_contains (producer, n->output[o]) || g_hash_table_contains (known, n->output[o]))
            return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                                "%s node “%s” writes “%s”, which another node or an initializer "
                                "already defines", n->op_type, node_name (n), n->output[o]),
                   FALSE;
          g_hash_table_insert (producer, n->output[o], GUINT_TO_POINTER (i + 1));
        }
    }
  for (gsize i = 0; i < g->n_node; i++)
    {
      const Onnx__NodeProto *n = g->node[i];

      for (gsize k = 0; k < n->n_input; k++)
        {
          guint p;

          if (n->input[k][0] == '\0' || g_hash_table_contains (known, n->input[k]))
            continue;
          p = GPOINTER_TO_UINT (g_hash_table_lookup (producer, n->input[k]));
          if (p == 0)
            return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                                "%s node “%s” reads “%s”, which no node, input or initializer "
                                "defines", n->op_type, node_name (n), n->input[k]),
                   FALSE;
          g_array_append_val (g_ptr_array_index (users, p - 1), i);
          n_missing[i]++;
        }
    }
  for (gsize i = 0; i < g->n_node; i++)
    if (n_missing[i] == 0)
      order[n_done++] = i;
  while (head < n_done)
    {
      GArray *u = g_ptr_array_index (users, order[head++]);
      for (guint k = 0; k < u->len; k++)
        {
          guint j = g_array_index (u, guint, k);
          if (--n_missing[j] == 0)
            order[n_done++] = j;
        }
    }
  if (n_done < g->n_node)
    {
      for (gsize i = 0; i < g->n_node; i++)
        if (n_missing[i] > 0)
          return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                              "the graph has a cycle through %s node “%s”", g->node[i]->op_type,
                              node_name (g->node[i])),
                 FALSE;
    }
  *order_out = g_steal_pointer (&order);
  return TRUE;
}

static gboolean
read_input (AlOnnxLoader              *loader,
            const Onnx__GraphProto    *g,
            GHashTable                *known,
            GError                   **error)
{
  const Onnx__ValueInfoProto *input = NULL;
  const Onnx__TypeProto__Tensor *tt;
  gint64 channels;

  for (gsize i = 0; i < g->n_input; i++)
    {
      if (g->input[i]->name == NULL || g_hash_table_contains (known, g->input[i]->name))
        continue;   /* older exporters list initializers as inputs too */
      if (input != NULL)
        return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                            "the network has several inputs (“%s”, “%s”); AtomLens runs "
                            "networks with one image input", input->name, g->input[i]->name),
               FALSE;
      input = g->input[i];
    }
  if (input == NULL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT, "the network has no input"), FALSE;
  tt = input->type != NULL ? input->type->tensor_type : NULL;
  if (tt == NULL || tt->shape == NULL || tt->shape->n_dim != 4)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "input “%s” is not a 4-D image tensor (N × C × H × W)", input->name),
           FALSE;
  if (tt->has_elem_type && tt->elem_type != ONNX__TENSOR_PROTO__DATA_TYPE__FLOAT)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "input “%s” is not float32", input->name),
           FALSE;
  channels = tt->shape->dim[1]->value_case == ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
               ? tt->shape->dim[1]->dim_value : -1;
  if (channels < 1 || channels > AL_NN_MAX_CHANNELS)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "input “%s” must declare a fixed channel count", input->name),
           FALSE;
  al_onnx_new_act (loader, input->name, (guint) channels);
  loader->model->in_channels = (guint) channels;
  return TRUE;
}

static void
read_metadata (AlNnModel              *model,
               const Onnx__ModelProto *m)
{
  for (gsize i = 0; i < m->n_metadata_props; i++)
    if (m->metadata_props[i]->key != NULL && m->metadata_props[i]->value != NULL)
      g_hash_table_replace (model->metadata, g_strdup (m->metadata_props[i]->key),
                            g_strdup (m->metadata_props[i]->value));
}

static gboolean
load_graph (AlOnnxLoader            *loader,
            const Onnx__ModelProto  *m,
            GError                 **error)
{
  const Onnx__GraphProto *g = m->graph;
  g_autoptr (GHashTable) known = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree guint *order = NULL;
  AlOnnxValue *out;

  if (g == NULL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT, "the model has no graph"), FALSE;
  for (gsize i = 0; i < g->n_initializer; i++)
    {
      AlOnnxValue *v;

      if (g->initializer[i]->name == NULL)
        continue;
      if (!al_onnx_tensor_value (loader, g->initializer[i], &v, error))
        return FALSE;
      al_onnx_set_value (loader, g->initializer[i]->name, v);
      g_hash_table_add (known, g->initializer[i]->name);
    }
  if (!read_input (loader, g, known, error))
    return FALSE;
  for (gsize i = 0; i < g->n_input; i++)
    if (g->input[i]->name != NULL)
      g_hash_table_add (known, g->input[i]->name);
  if (!sort_nodes (g, known, &order, error))
    return FALSE;
  for (gsize k = 0; k < g->n_node; k++)
    if (!al_onnx_translate_node (loader, g->node[order[k]], error))
      return FALSE;

  if (g->n_output != 1 || g->output[0]->name == NULL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_UNSUPPORTED,
                        "the network has %zu outputs; AtomLens runs networks with one", g->n_output),
           FALSE;
  out = g_hash_table_lookup (loader->values, g->output[0]->name);
  if (out == NULL || out->is_const || out->id == 0 || out->swapped)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                        "the network's output “%s” is not computed from its input", g->output[0]->name),
           FALSE;
  loader->model->output = out->id;
  loader->model->out_channels = out->channels;
  return TRUE;
}

static void
loader_clear (AlOnnxLoader *loader)
{
  g_hash_table_unref (loader->values);
  g_ptr_array_unref (loader->owned);
  if (loader->nodes != NULL)
    g_array_unref (loader->nodes);
}

gboolean
al_nn_onnx_load (AlNnModel    *model,
                 const guint8 *data,
                 gsize         size,
                 GError      **error)
{
  Onnx__ModelProto *m;
  AlOnnxLoader loader = { model };
  gboolean ok;

  if (size == 0)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT, "the model file is empty"), FALSE;
  if (size > AL_NN_MAX_MODEL_BYTES)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_TOO_LARGE,
                        "the model file is larger than %u MiB", AL_NN_MAX_MODEL_BYTES >> 20),
           FALSE;
  m = onnx__model_proto__unpack (NULL, size, data);
  if (m == NULL)
    return g_set_error (error, AL_NN_ERROR, AL_NN_ERROR_CORRUPT,
                        "not an ONNX model, or the file is truncated or damaged (%zu bytes)", size),
           FALSE;

  for (gsize i = 0; i < m->n_opset_import; i++)
    {
      const char *domain = m->opset_import[i]->domain;
      if ((domain == NULL || domain[0] == '\0' || strcmp (domain, "ai.onnx") == 0)
          && m->opset_import[i]->has_version)
        loader.opset = m->opset_import[i]->version;
    }
  if (loader.opset == 0)
    loader.opset = 1;
  model->opset = loader.opset;
  read_metadata (model, m);

  loader.values = g_hash_table_new (g_str_hash, g_str_equal);
  loader.owned = g_ptr_array_new_with_free_func (g_free);
  loader.nodes = g_array_new (FALSE, TRUE, sizeof (AlNnNode));
  ok = load_graph (&loader, m, error);
  model->n_nodes = loader.nodes->len;
  model->n_values = loader.n_acts;
  model->nodes = (AlNnNode *) (void *) g_array_free (loader.nodes, FALSE);
  loader.nodes = NULL;
  loader_clear (&loader);
  onnx__model_proto__free_unpacked (m, NULL);
  return ok;
}
