/* al-dm-tags.c: parse the tag tree of a DM3/DM4 file, defensively.
 *
 * Every count, length and offset comes from the file and is checked before
 * it is used: reads past the end are reported as truncation with the tag
 * being read, nesting is limited, type descriptions are limited in length,
 * and value sizes are computed with overflow checks. Nothing is allocated in
 * proportion to a declared count (children are appended as they are read),
 * so a huge declared count costs nothing until the file runs out.
 */
#include "al-dm-tags.h"

#include <string.h>

#include "al-io-bytes.h"
#include "al-io.h"

/* Real files nest about ten groups deep; deeper is a hostile file that
 * would otherwise exhaust the stack. */
#define AL_DM_MAX_DEPTH 64
/* Real type descriptions have a few entries (a struct of a few fields). */
#define AL_DM_MAX_INFO 1024
/* Real files hold a few thousand tags. */
#define AL_DM_MAX_TAGS (1u << 20)
/* Longest text (characters) we convert for metadata. */
#define AL_DM_MAX_TEXT (1u << 20)

#define AL_DM_TAG_GROUP 20
#define AL_DM_TAG_DATA 21

typedef struct
{
  AlDmFile   *file;
  guint64     pos;
  guint       width;     /* bytes of a count: 4 in DM3, 8 in DM4 */
  const char *tag_name;  /* the tag being read, for messages */
  guint       n_tags;
} Parser;

gboolean
al_dm_sniff (const guint8 *head,
             gsize         n_head)
{
  guint32 version, order;

  if (!al_io_read_u32 (head, n_head, 0, FALSE, &version))
    return FALSE;
  if (version == 3)
    return al_io_read_u32 (head, n_head, 8, FALSE, &order) && order <= 1;
  if (version == 4)
    return al_io_read_u32 (head, n_head, 12, FALSE, &order) && order <= 1;
  return FALSE;
}

guint
al_dm_type_size (AlDmType type)
{
  switch (type)
    {
    case AL_DM_TYPE_BOOL:
    case AL_DM_TYPE_INT8:
    case AL_DM_TYPE_UINT8:
      return 1;
    case AL_DM_TYPE_INT16:
    case AL_DM_TYPE_UINT16:
      return 2;
    case AL_DM_TYPE_INT32:
    case AL_DM_TYPE_UINT32:
    case AL_DM_TYPE_FLOAT32:
      return 4;
    case AL_DM_TYPE_FLOAT64:
    case AL_DM_TYPE_INT64:
    case AL_DM_TYPE_UINT64:
      return 8;
    case AL_DM_TYPE_STRUCT:
    case AL_DM_TYPE_STRING:
    case AL_DM_TYPE_ARRAY:
    default:
      return 0;
    }
}

static void
tag_free (gpointer data)
{
  AlDmTag *tag = data;

  if (tag == NULL)
    return;
  g_free (tag->name);
  if (tag->children != NULL)
    g_ptr_array_unref (tag->children);
  g_free (tag);
}

void
al_dm_file_free (AlDmFile *file)
{
  if (file == NULL)
    return;
  tag_free (file->root);
  g_free (file);
}

static gboolean
fail_truncated (Parser  *p,
                GError **error)
{
  g_autofree char *name = g_utf8_make_valid (p->tag_name, -1);

  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
               "DM%u file ends inside tag '%s' at byte %" G_GSIZE_FORMAT, p->file->version, name,
               p->file->size);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (3, 4)
fail_corrupt (Parser     *p,
              GError    **error,
              const char *format,
              ...)
{
  g_autofree char *name = g_utf8_make_valid (p->tag_name, -1);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT, "DM%u file is damaged in tag '%s' at byte %"
               G_GUINT64_FORMAT ": %s", p->file->version, name, p->pos, what);
  return FALSE;
}

/* Reads an n-byte big-endian unsigned integer (tag structure is big-endian
 * in both versions). */
static gboolean
read_be (Parser   *p,
         guint     n,
         guint64  *out,
         GError  **error)
{
  if (!al_io_span_ok (p->file->size, p->pos, n))
    return fail_truncated (p, error);
  *out = 0;
  for (guint i = 0; i < n; i++)
    *out = (*out << 8) | p->file->data[p->pos + i];
  p->pos += n;
  return TRUE;
}

static gboolean
read_count (Parser  *p,
            guint64 *out,
            GError **error)
{
  return read_be (p, p->width, out, error);
}

/* Size of one struct described by info[first..]: n fields as (name length,
 * type) pairs. Sets *end to the index after the description. */
static gboolean
struct_size (const guint64 *info,
             guint64        n_info,
             guint64        first,
             guint64       *size,
             guint64       *end)
{
  guint64 n_fields;

  /* info[first] is the struct's name length, info[first + 1] its field count. */
  if (first + 2 > n_info)
    return FALSE;
  n_fields = info[first + 1];
  if (n_fields > (n_info - first - 2) / 2)
    return FALSE;
  *size = 0;
  for (guint64 i = 0; i < n_fields; i++)
    {
      guint field_size = al_dm_type_size ((AlDmType) info[first + 3 + 2 * i]);
      if (field_size == 0)
        return FALSE;
      *size += field_size;
    }
  *end = first + 2 + 2 * n_fields;
  return TRUE;
}

/* Decodes a data tag's type description into its type and byte size. */
static gboolean
decode_type (AlDmTag       *tag,
             const guint64 *info,
             guint64        n_info)
{
  guint64 element_size, end;

  tag->type = (AlDmType) info[0];
  switch (info[0])
    {
    case AL_DM_TYPE_STRUCT:
      return struct_size (info, n_info, 1, &tag->size, &end);
    case AL_DM_TYPE_STRING:
      /* UTF-16 characters. */
      if (n_info < 2)
        return FALSE;
      tag->n_elements = info[1];
      return g_uint64_checked_mul (&tag->size, info[1], 2);
    case AL_DM_TYPE_ARRAY:
      if (n_info < 3)
        return FALSE;
      tag->element_type = (AlDmType) info[1];
      if (info[1] == AL_DM_TYPE_STRUCT)
        {
          if (!struct_size (info, n_info, 2, &element_size, &end) || end >= n_info)
            return FALSE;
          tag->n_elements = info[end];
        }
      else
        {
          element_size = al_dm_type_size (tag->element_type);
          if (element_size == 0)
            return FALSE;
          tag->n_elements = info[2];
        }
      return g_uint64_checked_mul (&tag->size, tag->n_elements, element_size);
    default:
      tag->size = al_dm_type_size (tag->type);
      return tag->size > 0;
    }
}

static gboolean
parse_data (Parser  *p,
            AlDmTag *tag,
            GError **error)
{
  static const guint8 delimiter[4] = { '%', '%', '%', '%' };
  g_autofree guint64 *info = NULL;
  guint64 n_info;

  if (!al_io_span_ok (p->file->size, p->pos, sizeof delimiter))
    return fail_truncated (p, error);
  if (memcmp (p->file->data + p->pos, delimiter, sizeof delimiter) != 0)
    return fail_corrupt (p, error, "no '%%%%%%%%' before the value");
  p->pos += sizeof delimiter;
  if (!read_count (p, &n_info, error))
    return FALSE;
  if (n_info == 0 || n_info > AL_DM_MAX_INFO)
    return fail_corrupt (p, error, "a type description of %" G_GUINT64_FORMAT " entries", n_info);
  info = g_new (guint64, n_info);
  for (guint64 i = 0; i < n_info; i++)
    if (!read_count (p, &info[i], error))
      return FALSE;
  if (!decode_type (tag, info, n_info))
    return fail_corrupt (p, error, "a type description DigitalMicrograph does not write "
                         "(type %" G_GUINT64_FORMAT ")", info[0]);
  tag->offset = p->pos;
  if (!al_io_span_ok (p->file->size, p->pos, tag->size))
    return fail_truncated (p, error);
  p->pos += tag->size;
  return TRUE;
}

static gboolean parse_group (Parser *p, AlDmTag *group, guint depth, GError **error);

static gboolean
parse_tag (Parser  *p,
           AlDmTag *parent,
           guint    depth,
           GError **error)
{
  guint64 kind = 0, name_length = 0, declared_size = 0;
  AlDmTag *tag;

  if (!read_be (p, 1, &kind, error) || !read_be (p, 2, &name_length, error))
    return FALSE;
  if (!al_io_span_ok (p->file->size, p->pos, name_length))
    return fail_truncated (p, error);
  if (++p->n_tags > AL_DM_MAX_TAGS)
    return fail_corrupt (p, error, "more than %u tags", AL_DM_MAX_TAGS);

  tag = g_new0 (AlDmTag, 1);
  tag->name = g_strndup ((const char *) p->file->data + p->pos, name_length);
  g_ptr_array_add (parent->children, tag);
  p->pos += name_length;
  p->tag_name = tag->name;
  /* DM4 gives each tag's total size; the structure below says the same. */
  if (p->file->version == 4 && !read_be (p, 8, &declared_size, error))
    return FALSE;

  if (kind == AL_DM_TAG_GROUP)
    {
      tag->is_group = TRUE;
      tag->children = g_ptr_array_new_with_free_func (tag_free);
      return parse_group (p, tag, depth + 1, error);
    }
  if (kind == AL_DM_TAG_DATA)
    return parse_data (p, tag, error);
  return fail_corrupt (p, error, "a tag of unknown kind %" G_GUINT64_FORMAT, kind);
}

static gboolean
parse_group (Parser  *p,
             AlDmTag *group,
             guint    depth,
             GError **error)
{
  guint64 flags, n_tags;
  const char *name = p->tag_name;

  if (depth > AL_DM_MAX_DEPTH)
    return fail_corrupt (p, error, "groups nested more than %d deep", AL_DM_MAX_DEPTH);
  /* "sorted" and "open" flags, one byte each, then the tag count. */
  if (!read_be (p, 2, &flags, error) || !read_count (p, &n_tags, error))
    return FALSE;
  for (guint64 i = 0; i < n_tags; i++)
    {
      if (!parse_tag (p, group, depth, error))
        return FALSE;
      p->tag_name = name;
    }
  return TRUE;
}

AlDmFile *
al_dm_file_parse (const guint8 *data,
                  gsize         size,
                  GError      **error)
{
  g_autoptr (AlDmFile) file = g_new0 (AlDmFile, 1);
  Parser p = { file, 0, 4, "(file header)", 0 };
  guint64 version = 0, root_length = 0, order = 0;

  file->data = data;
  file->size = size;
  file->version = 3;
  if (!read_be (&p, 4, &version, error))
    return NULL;
  if (version != 3 && version != 4)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "DigitalMicrograph file version %" G_GUINT64_FORMAT " is not DM3 or DM4",
                   version);
      return NULL;
    }
  file->version = (guint) version;
  p.width = version == 3 ? 4 : 8;
  if (!read_count (&p, &root_length, error) || !read_be (&p, 4, &order, error))
    return NULL;
  if (order > 1)
    {
      fail_corrupt (&p, error, "byte order %" G_GUINT64_FORMAT " is neither 0 nor 1", order);
      return NULL;
    }
  file->little_endian = order == 1;

  file->root = g_new0 (AlDmTag, 1);
  file->root->name = g_strdup ("");
  file->root->is_group = TRUE;
  file->root->children = g_ptr_array_new_with_free_func (tag_free);
  p.tag_name = "(root)";
  if (!parse_group (&p, file->root, 0, error))
    return NULL;
  return g_steal_pointer (&file);
}

guint
al_dm_tag_n_children (const AlDmTag *group)
{
  return (group != NULL && group->is_group) ? group->children->len : 0;
}

const AlDmTag *
al_dm_tag_child (const AlDmTag *group,
                 guint          i)
{
  if (i >= al_dm_tag_n_children (group))
    return NULL;
  return g_ptr_array_index (group->children, i);
}

const AlDmTag *
al_dm_tag_lookup (const AlDmTag *group,
                  const char    *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  const AlDmTag *tag = group;

  for (guint i = 0; parts[i] != NULL && tag != NULL; i++)
    {
      const AlDmTag *found = NULL;
      for (guint j = 0; j < al_dm_tag_n_children (tag) && found == NULL; j++)
        if (strcmp (al_dm_tag_child (tag, j)->name, parts[i]) == 0)
          found = al_dm_tag_child (tag, j);
      tag = found;
    }
  return tag;
}

gboolean
al_dm_tag_get_number (const AlDmFile *file,
                      const AlDmTag  *tag,
                      double         *value)
{
  const guint8 *p;
  guint64 bits;
  gboolean le = file->little_endian;

  if (tag == NULL || tag->is_group || al_dm_type_size (tag->type) == 0)
    return FALSE;
  p = file->data + tag->offset;
  switch (tag->type)
    {
    case AL_DM_TYPE_BOOL:
    case AL_DM_TYPE_UINT8: *value = p[0]; return TRUE;
    case AL_DM_TYPE_INT8: *value = (gint8) p[0]; return TRUE;
    default:
      break;
    }
  bits = 0;
  for (guint i = 0, n = al_dm_type_size (tag->type); i < n; i++)
    bits = (bits << 8) | p[le ? n - 1 - i : i];
  switch (tag->type)
    {
    case AL_DM_TYPE_INT16: *value = (gint16) bits; break;
    case AL_DM_TYPE_UINT16: *value = (guint16) bits; break;
    case AL_DM_TYPE_INT32: *value = (gint32) bits; break;
    case AL_DM_TYPE_UINT32: *value = (guint32) bits; break;
    case AL_DM_TYPE_INT64: *value = (double) (gint64) bits; break;
    case AL_DM_TYPE_UINT64: *value = (double) bits; break;
    case AL_DM_TYPE_FLOAT32:
      {
        guint32 b32 = (guint32) bits;
        float f;
        memcpy (&f, &b32, sizeof f);
        *value = f;
        break;
      }
    case AL_DM_TYPE_FLOAT64:
      memcpy (value, &bits, sizeof *value);
      break;
    default:
      return FALSE;
    }
  return TRUE;
}

/* UTF-16 text of n characters at p, in the file's byte order. */
static char *
utf16_to_utf8 (const guint8 *p,
               guint64       n,
               gboolean      le)
{
  g_autofree gunichar2 *units = g_new (gunichar2, n + 1);
  char *text;

  for (guint64 i = 0; i < n; i++)
    units[i] = le ? (guint16) (p[2 * i] | p[2 * i + 1] << 8) : (guint16) (p[2 * i] << 8 | p[2 * i + 1]);
  units[n] = 0;
  text = g_utf16_to_utf8 (units, (glong) n, NULL, NULL, NULL);
  if (text == NULL)
    {
      /* Unpaired surrogates: keep what reads as text. */
      for (guint64 i = 0; i < n; i++)
        if (units[i] >= 0xd800 && units[i] < 0xe000)
          units[i] = 0xfffd;
      text = g_utf16_to_utf8 (units, (glong) n, NULL, NULL, NULL);
    }
  return text;
}

char *
al_dm_tag_get_text (const AlDmFile *file,
                    const AlDmTag  *tag)
{
  const guint8 *p;
  char *text = NULL;

  if (tag == NULL || tag->is_group || tag->n_elements > AL_DM_MAX_TEXT)
    return NULL;
  p = file->data + tag->offset;
  if (tag->type == AL_DM_TYPE_STRING
      || (tag->type == AL_DM_TYPE_ARRAY && tag->element_type == AL_DM_TYPE_UINT16))
    text = utf16_to_utf8 (p, tag->n_elements, file->little_endian);
  else if (tag->type == AL_DM_TYPE_ARRAY
           && (tag->element_type == AL_DM_TYPE_INT8 || tag->element_type == AL_DM_TYPE_UINT8))
    {
      g_autofree char *raw = g_strndup ((const char *) p, tag->n_elements);
      text = g_utf8_make_valid (raw, -1);
    }
  if (text != NULL)
    g_strchomp (text);
  return text;
}
