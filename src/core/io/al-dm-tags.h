/* al-dm-tags.h: the tag tree of a Gatan DigitalMicrograph file (DM3 or DM4).
 *
 * A DM file is one tree of named tags: groups hold tags, data tags hold a
 * number, a string, a struct or an array (the pixels are an array named
 * "Data"). The parser walks the whole tree once, checks every size and
 * offset against the file, and records where each data tag's bytes lie; it
 * copies no data, so the pixel array stays in the (mapped) file until the
 * reader converts it.
 *
 * Layout (from files, as documented by C. Boothroyd,
 * http://www.er-c.org/cbb/info/dmformat/): tag headers, counts and type
 * descriptions are big-endian, 32-bit in DM3 and 64-bit in DM4; data values
 * use the byte order the file header names.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* DM's codes for the type of a data tag's value. */
typedef enum
{
  AL_DM_TYPE_INT16 = 2,
  AL_DM_TYPE_INT32 = 3,
  AL_DM_TYPE_UINT16 = 4,
  AL_DM_TYPE_UINT32 = 5,
  AL_DM_TYPE_FLOAT32 = 6,
  AL_DM_TYPE_FLOAT64 = 7,
  AL_DM_TYPE_BOOL = 8,
  AL_DM_TYPE_INT8 = 9,
  AL_DM_TYPE_UINT8 = 10,
  AL_DM_TYPE_INT64 = 11,
  AL_DM_TYPE_UINT64 = 12,
  AL_DM_TYPE_STRUCT = 15,
  AL_DM_TYPE_STRING = 18,
  AL_DM_TYPE_ARRAY = 20,
} AlDmType;

typedef struct _AlDmTag AlDmTag;

struct _AlDmTag
{
  char      *name;        /* "" for an unnamed tag (list entries) */
  gboolean   is_group;
  GPtrArray *children;    /* groups: AlDmTag* in file order */

  /* Data tags. */
  AlDmType   type;        /* simple type, STRUCT, STRING or ARRAY */
  AlDmType   element_type;/* ARRAY: the type of one element */
  guint64    n_elements;  /* ARRAY, STRING: how many */
  guint64    offset;      /* where the value's bytes start in the file */
  guint64    size;        /* how many bytes the value has */
};

typedef struct
{
  const guint8 *data;     /* the whole file, owned by the caller */
  gsize         size;
  guint         version;  /* 3 or 4 */
  gboolean      little_endian;
  AlDmTag      *root;
} AlDmFile;

/* TRUE when `head` starts like a DM3 or DM4 file. */
gboolean       al_dm_sniff         (const guint8 *head,
                                    gsize         n_head);

/* Parses the tag tree of `data` (which must outlive the result). */
AlDmFile      *al_dm_file_parse    (const guint8 *data,
                                    gsize         size,
                                    GError      **error);
void           al_dm_file_free     (AlDmFile     *file);

/* The tag at a '/'-separated path of names below `group`, or NULL. */
const AlDmTag *al_dm_tag_lookup    (const AlDmTag *group,
                                    const char    *path);
guint          al_dm_tag_n_children (const AlDmTag *group);
const AlDmTag *al_dm_tag_child     (const AlDmTag *group,
                                    guint          i);

/* Size in bytes of one value of a simple type, 0 for others. */
guint          al_dm_type_size     (AlDmType type);

/* A simple-typed data tag's value as a double. */
gboolean       al_dm_tag_get_number (const AlDmFile *file,
                                     const AlDmTag  *tag,
                                     double         *value);
/* A text tag (an array of UTF-16 or 8-bit characters, or a string) as
 * UTF-8, or NULL when the tag holds no text. */
char          *al_dm_tag_get_text   (const AlDmFile *file,
                                     const AlDmTag  *tag);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AlDmFile, al_dm_file_free)

G_END_DECLS
