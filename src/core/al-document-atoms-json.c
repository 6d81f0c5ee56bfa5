/* al-document-atoms-json.c: a frame's atoms in the .atomlens file, one
 * member per AlAtoms column, each { "type": "f64", "data": BASE64 } of the
 * little-endian values. Binary columns are exact (every bit of a double
 * comes back), smaller than decimal text, and parsed without a JSON node
 * per number, so a million atoms stay cheap to save and load.
 */
#include "al-document-private.h"

#include <math.h>
#include <string.h>

#include "io/al-io.h"

typedef enum
{
  COL_F64,
  COL_F32,
  COL_I16,
  COL_I32,
  COL_U8,
} ColType;

static const struct
{
  const char *type;
  gsize       size;
} col_types[] = {
  [COL_F64] = { "f64", 8 }, [COL_F32] = { "f32", 4 }, [COL_I16] = { "i16", 2 },
  [COL_I32] = { "i32", 4 }, [COL_U8] = { "u8", 1 },
};

/* The columns of AlAtoms in the file, with where each lives. */
#define COLUMN(name, type) { #name, type, G_STRUCT_OFFSET (AlAtoms, name) }
static const struct
{
  const char *name;
  ColType     type;
  glong       offset;   /* of the array pointer in AlAtoms */
} columns[] = {
  COLUMN (x, COL_F64), COLUMN (y, COL_F64), COLUMN (sigma_x, COL_F32), COLUMN (sigma_y, COL_F32),
  COLUMN (species, COL_I16), COLUMN (confidence, COL_F32), COLUMN (intensity, COL_F32),
  COLUMN (width, COL_F32), COLUMN (flags, COL_U8), COLUMN (coordination, COL_U8),
  COLUMN (defect_id, COL_I32), COLUMN (defect_type, COL_I16),
};
#undef COLUMN

static void **
column_ptr (AlAtoms *atoms,
            guint    c)
{
  return G_STRUCT_MEMBER_P (atoms, columns[c].offset);
}

/* Files are little-endian; swap in place on a big-endian machine. */
static void
to_from_le (guint8 *data,
            gsize   n,
            gsize   size)
{
#if G_BYTE_ORDER == G_BIG_ENDIAN
  for (gsize i = 0; i < n; i++)
    for (gsize a = 0, b = size - 1; a < b; a++, b--)
      {
        guint8 t = data[i * size + a];
        data[i * size + a] = data[i * size + b];
        data[i * size + b] = t;
      }
#endif
}

void
al_atoms_json_add (JsonBuilder   *b,
                   const AlAtoms *atoms)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "count");
  json_builder_add_int_value (b, atoms->n_atoms);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      gsize size = col_types[columns[c].type].size, n = (gsize) atoms->n_atoms * size;
      g_autofree guint8 *bytes = g_memdup2 (*column_ptr ((AlAtoms *) atoms, c), MAX (n, 1));
      g_autofree char *b64 = NULL;

      to_from_le (bytes, atoms->n_atoms, size);
      b64 = g_base64_encode (bytes, n);
      json_builder_set_member_name (b, columns[c].name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, col_types[columns[c].type].type);
      json_builder_set_member_name (b, "data");
      json_builder_add_string_value (b, b64);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
}


static gboolean
column_fail (GError    **error,
             const char *name,
             const char *what)
{
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
               "The document is damaged: atom column “%s” %s", name, what);
  return FALSE;
}

static gboolean
read_column (JsonObject *obj,
             guint       c,
             guint       count,
             AlAtoms    *atoms,
             GError    **error)
{
  JsonNode *node = json_object_get_member (obj, columns[c].name);
  gsize size = col_types[columns[c].type].size, n_bytes = 0;
  JsonObject *col;
  const char *type, *data;
  g_autofree guint8 *bytes = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return column_fail (error, columns[c].name, "is missing");
  col = json_node_get_object (node);
  type = json_object_get_string_member_with_default (col, "type", NULL);
  data = json_object_get_string_member_with_default (col, "data", NULL);
  if (type == NULL || strcmp (type, col_types[columns[c].type].type) != 0 || data == NULL)
    return column_fail (error, columns[c].name, "has the wrong type");
  /* Check the size before decoding: 4 characters per 3 bytes. */
  if (strlen (data) / 4 * 3 > (gsize) count * size + 3)
    return column_fail (error, columns[c].name, "holds more values than “count”");
  bytes = g_base64_decode (data, &n_bytes);
  if (n_bytes != (gsize) count * size)
    return column_fail (error, columns[c].name, "holds fewer or more values than “count”");
  to_from_le (bytes, count, size);
  memcpy (*column_ptr (atoms, c), bytes, n_bytes);
  return TRUE;
}

static gboolean
values_valid (const AlAtoms *atoms,
              GError       **error)
{
  for (guint i = 0; i < atoms->n_atoms; i++)
    {
      if (!isfinite (atoms->x[i]) || !isfinite (atoms->y[i]))
        return column_fail (error, "x", "holds a position that is not a number");
      if (atoms->species[i] < -1 || atoms->species[i] >= AL_MAX_SPECIES)
        return column_fail (error, "species", "holds an unknown species");
      if (atoms->defect_type[i] < 0 || atoms->defect_type[i] >= AL_N_DEFECT_TYPES)
        return column_fail (error, "defect_type", "holds an unknown defect type");
    }
  return TRUE;
}

AlAtoms *
al_atoms_json_read (JsonObject *obj,
                    GError    **error)
{
  JsonNode *count_node = json_object_get_member (obj, "count");
  g_autoptr (AlAtoms) atoms = NULL;
  gint64 count;

  if (count_node == NULL || !JSON_NODE_HOLDS_VALUE (count_node)
      || json_node_get_value_type (count_node) != G_TYPE_INT64)
    {
      column_fail (error, "count", "is missing");
      return NULL;
    }
  count = json_node_get_int (count_node);
  if (count < 0 || count > AL_DOCUMENT_MAX_ATOMS)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "The document is damaged: a frame claims %" G_GINT64_FORMAT " atoms", count);
      return NULL;
    }
  atoms = al_atoms_new ((guint) count);
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    if (!read_column (obj, c, (guint) count, atoms, error))
      return NULL;
  atoms->n_atoms = (guint) count;
  if (!values_valid (atoms, error))
    return NULL;
  return g_steal_pointer (&atoms);
}
