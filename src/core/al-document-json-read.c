/* al-document-json-read.c: reading the .atomlens format (see
 * al-document-json.c) as a hostile file: every member's type and range is
 * checked, sizes are bounded before allocation, the history is checked
 * against the atoms, and the image is checked last against its checksum. */
#include "al-document-private.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "io/al-io.h"

/* JSON nesting we accept; the format needs 6. Deeper input is refused
 * before the recursive parser sees it. */
#define AL_DOCUMENT_MAX_DEPTH 32

static gboolean G_GNUC_PRINTF (2, 3)
corrupt (GError    **error,
         const char *format,
         ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "The document is damaged: %s", msg);
  return FALSE;
}

/* Scans the brackets outside strings: FALSE when they nest too deep;
 * `open` tells whether the text ends inside a string or an open bracket. */
static gboolean
scan_nesting (const char *text,
              gsize       length,
              gboolean   *open)
{
  gboolean in_string = FALSE;
  int depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if ((c == '[' || c == '{') && ++depth > AL_DOCUMENT_MAX_DEPTH)
        return FALSE;
      else if (c == ']' || c == '}')
        depth--;
    }
  *open = in_string || depth > 0;
  return TRUE;
}

JsonNode *
al_document_parse_text (const char *text,
                        gsize       length,
                        GError    **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) local = NULL;
  gsize end = length;
  gboolean open = FALSE;

  while (end > 0 && g_ascii_isspace (text[end - 1]))
    end--;
  if (end == 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED, "The document is empty");
      return NULL;
    }
  if (length > AL_DOCUMENT_MAX_BYTES)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE, "The document is larger than 1 GiB");
      return NULL;
    }
  if (!scan_nesting (text, length, &open))
    {
      corrupt (error, "it nests deeper than %d levels", AL_DOCUMENT_MAX_DEPTH);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, (gssize) length, &local))
    {
      /* A file cut short (a full disk, a copy interrupted) ends inside a
       * string or with brackets left open. */
      if (open)
        g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                     "The document ends early, after %" G_GSIZE_FORMAT " bytes (%s)", length,
                     local->message);
      else
        corrupt (error, "%s", local->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      corrupt (error, "it is JSON but not an object");
      return NULL;
    }
  return json_parser_steal_root (parser);
}

static JsonNode *
member (JsonObject *obj,
        const char *name)
{
  return obj != NULL ? json_object_get_member (obj, name) : NULL;
}

static gboolean
read_int (JsonObject *obj,
          const char *name,
          gint64      lo,
          gint64      hi,
          gint64     *out,
          GError    **error)
{
  JsonNode *node = member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return corrupt (error, "“%s” is missing or not a whole number", name);
  *out = json_node_get_int (node);
  if (*out < lo || *out > hi)
    return corrupt (error, "“%s” is %" G_GINT64_FORMAT ", outside %" G_GINT64_FORMAT "…%" G_GINT64_FORMAT,
                    name, *out, lo, hi);
  return TRUE;
}

static gboolean
node_double (JsonNode *node,
             double   *out)
{
  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

static gboolean
read_double (JsonObject *obj,
             const char *name,
             double     *out,
             GError    **error)
{
  if (!node_double (member (obj, name), out))
    return corrupt (error, "“%s” is missing or not a number", name);
  return TRUE;
}

/* A string member; NULL (and TRUE) for a JSON null when `nullable`. */
static gboolean
read_string (JsonObject  *obj,
             const char  *name,
             gboolean     nullable,
             const char **out,
             GError     **error)
{
  JsonNode *node = member (obj, name);

  *out = NULL;
  if (nullable && (node == NULL || JSON_NODE_HOLDS_NULL (node)))
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return corrupt (error, "“%s” is missing or not text", name);
  *out = json_node_get_string (node);
  return TRUE;
}

static JsonObject *
read_object (JsonObject *obj,
             const char *name,
             GError    **error)
{
  JsonNode *node = member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      corrupt (error, "“%s” is missing or not an object", name);
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
read_array (JsonObject *obj,
            const char *name,
            GError    **error)
{
  JsonNode *node = member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      corrupt (error, "“%s” is missing or not a list", name);
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
read_record (JsonNode     *node,
             AlAtomRecord *r,
             GError      **error)
{
  JsonObject *o;
  gint64 species, flags, coordination, defect_id, defect_type;
  double sx, sy, conf, inten, width;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, "an undo step's atom is not an object");
  o = json_node_get_object (node);
  if (!read_double (o, "x", &r->x, error) || !read_double (o, "y", &r->y, error)
      || !read_double (o, "sigma_x", &sx, error) || !read_double (o, "sigma_y", &sy, error)
      || !read_int (o, "species", -1, AL_MAX_SPECIES - 1, &species, error)
      || !read_double (o, "confidence", &conf, error) || !read_double (o, "intensity", &inten, error)
      || !read_double (o, "width", &width, error) || !read_int (o, "flags", 0, 255, &flags, error)
      || !read_int (o, "coordination", 0, 255, &coordination, error)
      || !read_int (o, "defect_id", G_MININT32, G_MAXINT32, &defect_id, error)
      || !read_int (o, "defect_type", 0, AL_N_DEFECT_TYPES - 1, &defect_type, error))
    return FALSE;
  if (!isfinite (r->x) || !isfinite (r->y))
    return corrupt (error, "an undo step's atom has no position");
  r->sigma_x = (float) sx, r->sigma_y = (float) sy;
  r->species = (gint16) species;
  r->confidence = (float) conf, r->intensity = (float) inten, r->width = (float) width;
  r->flags = (guint8) flags, r->coordination = (guint8) coordination;
  r->defect_id = (gint32) defect_id;
  r->defect_type = (gint16) defect_type;
  return TRUE;
}

static AlEdit *
read_edit (JsonNode *node,
           guint     n_frames,
           GError  **error)
{
  g_autoptr (GError) local = NULL;
  JsonObject *o;
  JsonArray *indices, *before;
  const char *kind_name;
  gint64 frame, value, defect_id;
  double x, y;
  int kind;
  AlEdit *e;
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      corrupt (error, "an undo step is not an object");
      return NULL;
    }
  o = json_node_get_object (node);
  if (!read_string (o, "kind", FALSE, &kind_name, error)
      || !read_int (o, "frame", 0, (gint64) n_frames - 1, &frame, error)
      || (indices = read_array (o, "indices", error)) == NULL
      || (before = read_array (o, "before", error)) == NULL
      || !read_double (o, "x", &x, error) || !read_double (o, "y", &y, error)
      || !read_int (o, "value", -1, AL_N_DEFECT_TYPES, &value, error)
      || !read_int (o, "defect_id", G_MININT32, G_MAXINT32, &defect_id, error))
    return NULL;
  kind = al_edit_kind_from_name (kind_name);
  if (kind < 0)
    {
      corrupt (error, "unknown undo step “%s”", kind_name);
      return NULL;
    }
  n = json_array_get_length (indices);
  if (n != json_array_get_length (before) || n > AL_DOCUMENT_MAX_ATOMS
      || ((kind == AL_EDIT_ADD_ATOM || kind == AL_EDIT_MOVE_ATOM) && n != 1)
      || (kind == AL_EDIT_MOVE_ATOM && (!isfinite (x) || !isfinite (y)))
      || (kind == AL_EDIT_SET_SPECIES && (value < 0 || value >= AL_MAX_SPECIES))
      || (kind == AL_EDIT_SET_DEFECT_TYPE && (value < 0 || value >= AL_N_DEFECT_TYPES)))
    {
      corrupt (error, "a “%s” step does not add up", kind_name);
      return NULL;
    }
  e = al_edit_new (kind, (guint) frame, n);
  e->x = x, e->y = y, e->value = (int) value, e->defect_id = (gint32) defect_id;
  for (guint k = 0; k < n; k++)
    {
      JsonNode *in = json_array_get_element (indices, k);
      if (!JSON_NODE_HOLDS_VALUE (in) || json_node_get_value_type (in) != G_TYPE_INT64
          || json_node_get_int (in) < 0 || json_node_get_int (in) >= AL_DOCUMENT_MAX_ATOMS
          || !read_record (json_array_get_element (before, k), &e->before[k], &local))
        {
          if (local == NULL)
            corrupt (&local, "a “%s” step names an atom that cannot exist", kind_name);
          g_propagate_error (error, g_steal_pointer (&local));
          al_edit_free (e);
          return NULL;
        }
      e->indices[k] = (guint32) json_node_get_int (in);
    }
  return e;
}

static gboolean
read_history (JsonObject *history,
              const char *name,
              guint       n_frames,
              GPtrArray  *out,
              guint64    *serial,
              GError    **error)
{
  JsonArray *list = read_array (history, name, error);

  if (list == NULL)
    return FALSE;
  if (json_array_get_length (list) > AL_DOCUMENT_MAX_EDITS)
    return corrupt (error, "its history holds more than %u steps", AL_DOCUMENT_MAX_EDITS);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      AlEdit *e = read_edit (json_array_get_element (list, i), n_frames, error);
      if (e == NULL)
        return FALSE;
      e->serial = ++*serial;
      g_ptr_array_add (out, e);
    }
  return TRUE;
}

static gboolean
read_frame (JsonNode        *node,
            AlDocumentFrame *frame,
            GError         **error)
{
  JsonObject *o, *atoms;
  JsonArray *deleted;
  guint n;

  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;  /* not analysed */
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return corrupt (error, "a frame is neither an object nor null");
  o = json_node_get_object (node);
  if ((atoms = read_object (o, "atoms", error)) == NULL
      || (deleted = read_array (o, "deleted_by_hand", error)) == NULL)
    return FALSE;
  n = json_array_get_length (deleted);
  if (n % 2 != 0 || n / 2 > AL_DOCUMENT_MAX_ATOMS)
    return corrupt (error, "“deleted_by_hand” is not a list of x, y pairs");
  for (guint k = 0; k < n; k++)
    {
      double v;
      if (!node_double (json_array_get_element (deleted, k), &v) || !isfinite (v))
        return corrupt (error, "“deleted_by_hand” holds something other than positions");
      g_array_append_val (frame->deleted, v);
    }
  frame->atoms = al_atoms_json_read (atoms, error);
  return frame->atoms != NULL;
}

static gboolean
read_header (JsonObject *root,
             GError    **error)
{
  const char *format;
  JsonNode *version = member (root, "version");

  if (!read_string (root, "format", FALSE, &format, NULL) || strcmp (format, AL_DOCUMENT_FORMAT) != 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED, "This is not an AtomLens document");
      return FALSE;
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) < 1)
    return corrupt (error, "it has no format version");
  if (json_node_get_int (version) > AL_DOCUMENT_FORMAT_VERSION)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "This document was made by a newer AtomLens (format version %" G_GINT64_FORMAT
                   "; this one reads up to %d)", json_node_get_int (version), AL_DOCUMENT_FORMAT_VERSION);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_settings (JsonObject      *root,
               AlDocumentState *state,
               GError         **error)
{
  JsonObject *model, *settings;
  const char *material, *model_path;
  g_autoptr (GList) names = NULL;

  if (!read_string (root, "material", TRUE, &material, error)
      || !read_double (root, "pixel_size_nm", &state->pixel_size_nm, error)
      || (model = read_object (root, "model", error)) == NULL
      || !read_string (model, "path", TRUE, &model_path, error)
      || (settings = read_object (model, "settings", error)) == NULL)
    return FALSE;
  if (material != NULL && (state->material = al_material_from_name (material)) == NULL)
    return corrupt (error, "unknown material “%s”", material);
  if (!(state->pixel_size_nm >= 0.0))   /* also NaN */
    return corrupt (error, "the pixel size is negative");
  state->model_path = g_strdup (model_path);
  names = json_object_get_members (settings);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const char *value;
      if (!read_string (settings, l->data, FALSE, &value, error))
        return FALSE;
      g_hash_table_insert (state->model_settings, g_strdup (l->data), g_strdup (value));
    }
  return TRUE;
}

/* Is this the image the document was made from? Checked last, after the
 * rest of the file, so a damaged file is reported as damaged. */
static gboolean
check_image (JsonObject      *info,
             AlDocumentState *state,
             GError         **error)
{
  gint64 w, h, n;
  const char *checksum;

  if (!read_int (info, "width", 1, AL_IMAGE_MAX_SIDE, &w, error)
      || !read_int (info, "height", 1, AL_IMAGE_MAX_SIDE, &h, error)
      || !read_int (info, "frames", 1, G_MAXINT32, &n, error)
      || !read_string (info, "checksum", FALSE, &checksum, error))
    return FALSE;
  if (n != state->frames->len)
    return corrupt (error, "it lists %u frames, not %" G_GINT64_FORMAT, state->frames->len, n);
  if (w != state->image->width || h != state->image->height || n != state->image->n_frames)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_MISMATCH,
                   "The document was made from an image of %" G_GINT64_FORMAT " × %" G_GINT64_FORMAT
                   " pixels and %" G_GINT64_FORMAT " frames; this one has %u × %u and %u",
                   w, h, n, state->image->width, state->image->height, state->image->n_frames);
      return FALSE;
    }
  state->image_checksum = al_image_pixel_checksum (state->image);
  if (strcmp (checksum, state->image_checksum) != 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_MISMATCH,
                   "The image's pixels have changed since the document was saved");
      return FALSE;
    }
  return TRUE;
}

AlDocumentState *
al_document_state_from_json (JsonNode   *node,
                             const char *doc_dir,
                             AlImage    *image,
                             GError    **error)
{
  JsonObject *root = json_node_get_object (node), *info, *history;
  JsonArray *frames;
  AlDocumentState *state;
  const char *recovery_of;
  guint64 serial = 0;
  gboolean ok;

  if (!read_header (root, error) || (info = read_object (root, "image", error)) == NULL
      || (frames = read_array (root, "frames", error)) == NULL
      || (history = read_object (root, "history", error)) == NULL
      || !read_string (root, "recovery_of", TRUE, &recovery_of, error))
    return NULL;
  if (json_array_get_length (frames) > AL_IMAGE_MAX_SAMPLES)
    {
      corrupt (error, "it lists more frames than an image can hold");
      return NULL;
    }

  state = al_document_state_new (NULL);
  state->image = image;
  state->image_path = al_document_json_image_path (node, doc_dir, NULL);
  state->recovery_of = g_strdup (recovery_of);
  ok = read_settings (root, state, error);
  for (guint f = 0; ok && f < json_array_get_length (frames); f++)
    {
      AlDocumentFrame *frame = g_new0 (AlDocumentFrame, 1);
      frame->deleted = g_array_new (FALSE, FALSE, sizeof (double));
      g_ptr_array_add (state->frames, frame);
      ok = read_frame (json_array_get_element (frames, f), frame, error);
    }
  ok = ok && read_history (history, "undo", state->frames->len, state->undo, &serial, error)
       && read_history (history, "redo", state->frames->len, state->redo, &serial, error)
       && al_document_state_check_history (state, error)
       && check_image (info, state, error);
  if (!ok)
    {
      al_document_state_free (state);
      return NULL;
    }
  return state;
}

/* The image's absolute path: the stored relative path resolved against the
 * document's folder when that file exists, else the stored absolute path,
 * else the image's name beside the document. */
char *
al_document_json_image_path (JsonNode   *node,
                             const char *doc_dir,
                             GError    **error)
{
  JsonObject *info = read_object (json_node_get_object (node), "image", error);
  const char *rel = NULL, *abs = NULL;
  g_autofree char *candidate = NULL;
  g_autofree char *base = NULL;

  if (info == NULL || !read_string (info, "path", TRUE, &rel, error)
      || !read_string (info, "absolute_path", TRUE, &abs, error))
    return NULL;
  if (rel == NULL && abs == NULL)
    {
      corrupt (error, "it does not say which image it belongs to");
      return NULL;
    }
  if (rel != NULL)
    {
      candidate = g_path_is_absolute (rel) || doc_dir == NULL ? g_strdup (rel)
                                                              : g_build_filename (doc_dir, rel, NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&candidate);
    }
  if (abs != NULL && g_file_test (abs, G_FILE_TEST_IS_REGULAR))
    return g_strdup (abs);
  base = g_path_get_basename (rel != NULL ? rel : abs);
  if (doc_dir != NULL)
    {
      g_autofree char *beside = g_build_filename (doc_dir, base, NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&beside);
    }
  return g_strdup (abs != NULL ? abs : candidate);
}
