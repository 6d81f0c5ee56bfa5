/* al-document-json.c: the .atomlens format, version 1.
 *
 *   { "format": "atomlens", "version": 1, "generator": "AtomLens 0.1.0",
 *     "image": { "path", "absolute_path", "checksum", "width", "height", "frames" },
 *     "material": "mos2" | null, "pixel_size_nm": 0,
 *     "model": { "path": ... | null, "settings": { "key": "value" } },
 *     "frames": [ null | { "atoms": { "count": N, "x": { "type": "f64", "data": B64 }, ... },
 *                         "deleted_by_hand": [ x, y, ... ] } ],
 *     "history": { "undo": [ step ], "redo": [ step ] },
 *     "recovery_of": "..." (recovery files only) }
 *
 * Atom columns (al-document-atoms-json.c) are binary in base64; the
 * history steps are small and stay readable JSON.
 */
#include "al-document-private.h"

#include <math.h>
#include <string.h>

#include "io/al-io.h"

static void
add_double (JsonBuilder *b,
            const char  *name,
            double       v)
{
  json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);  /* JSON has no NaN */
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *v)
{
  json_builder_set_member_name (b, name);
  if (v != NULL)
    json_builder_add_string_value (b, v);
  else
    json_builder_add_null_value (b);
}

static void
add_record (JsonBuilder        *b,
            const AlAtomRecord *r)
{
  json_builder_begin_object (b);
  add_double (b, "x", r->x);
  add_double (b, "y", r->y);
  add_double (b, "sigma_x", r->sigma_x);
  add_double (b, "sigma_y", r->sigma_y);
  add_int (b, "species", r->species);
  add_double (b, "confidence", r->confidence);
  add_double (b, "intensity", r->intensity);
  add_double (b, "width", r->width);
  add_int (b, "flags", r->flags);
  add_int (b, "coordination", r->coordination);
  add_int (b, "defect_id", r->defect_id);
  add_int (b, "defect_type", r->defect_type);
  json_builder_end_object (b);
}

static void
add_edit (JsonBuilder  *b,
          const AlEdit *e)
{
  json_builder_begin_object (b);
  add_string (b, "kind", al_edit_kind_name (e->kind));
  add_int (b, "frame", e->frame);
  json_builder_set_member_name (b, "indices");
  json_builder_begin_array (b);
  for (guint k = 0; k < e->n; k++)
    json_builder_add_int_value (b, e->indices[k]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "before");
  json_builder_begin_array (b);
  for (guint k = 0; k < e->n; k++)
    add_record (b, &e->before[k]);
  json_builder_end_array (b);
  add_double (b, "x", e->x);
  add_double (b, "y", e->y);
  add_int (b, "value", e->value);
  add_int (b, "defect_id", e->defect_id);
  json_builder_end_object (b);
}

static void
add_history (JsonBuilder     *b,
             const char      *name,
             const GPtrArray *edits)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; i < edits->len; i++)
    add_edit (b, g_ptr_array_index (edits, i));
  json_builder_end_array (b);
}

/* The image path as the file stores it: relative to the document's folder
 * when the image lies there or below (so a folder can be moved whole). */
static char *
relative_image_path (const char *image_path,
                     const char *doc_dir)
{
  g_autofree char *prefix = NULL;

  if (image_path == NULL)
    return NULL;
  if (doc_dir == NULL)
    return g_strdup (image_path);
  prefix = g_str_has_suffix (doc_dir, G_DIR_SEPARATOR_S) ? g_strdup (doc_dir)
                                                         : g_strconcat (doc_dir, G_DIR_SEPARATOR_S, NULL);
  if (g_str_has_prefix (image_path, prefix))
    return g_strdup (image_path + strlen (prefix));
  return g_strdup (image_path);
}

JsonNode *
al_document_state_to_json (const AlDocumentState *state,
                           const char            *doc_dir)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *rel = relative_image_path (state->image_path, doc_dir);
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (b);
  add_string (b, "format", AL_DOCUMENT_FORMAT);
  add_int (b, "version", AL_DOCUMENT_FORMAT_VERSION);
  add_string (b, "generator", "AtomLens " AL_VERSION);

  json_builder_set_member_name (b, "image");
  json_builder_begin_object (b);
  add_string (b, "path", rel);
  add_string (b, "absolute_path", state->image_path);
  add_string (b, "checksum", state->image_checksum);
  add_int (b, "width", state->image->width);
  add_int (b, "height", state->image->height);
  add_int (b, "frames", state->image->n_frames);
  json_builder_end_object (b);

  add_string (b, "material", state->material != NULL ? state->material->name : NULL);
  add_double (b, "pixel_size_nm", state->pixel_size_nm);
  json_builder_set_member_name (b, "model");
  json_builder_begin_object (b);
  add_string (b, "path", state->model_path);
  json_builder_set_member_name (b, "settings");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, state->model_settings);
  while (g_hash_table_iter_next (&iter, &key, &value))
    add_string (b, key, value);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "frames");
  json_builder_begin_array (b);
  for (guint f = 0; f < state->frames->len; f++)
    {
      const AlDocumentFrame *fr = g_ptr_array_index (state->frames, f);
      if (fr->atoms == NULL)
        {
          json_builder_add_null_value (b);
          continue;
        }
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "atoms");
      al_atoms_json_add (b, fr->atoms);
      json_builder_set_member_name (b, "deleted_by_hand");
      json_builder_begin_array (b);
      for (guint k = 0; k < fr->deleted->len; k++)
        json_builder_add_double_value (b, g_array_index (fr->deleted, double, k));
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "history");
  json_builder_begin_object (b);
  add_history (b, "undo", state->undo);
  add_history (b, "redo", state->redo);
  json_builder_end_object (b);
  if (state->recovery_of != NULL)
    add_string (b, "recovery_of", state->recovery_of);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
