/* dm-writer.c: builds small DigitalMicrograph files in memory. */
#include "dm-writer.h"

#include <string.h>

static void
put_be (DmWriter *w,
        guint64   v,
        guint     n)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 b = (guint8) (v >> (8 * (n - 1 - i)));
      g_byte_array_append (w->bytes, &b, 1);
    }
}

static void
put_value (DmWriter *w,
           guint64   v,
           guint     n)
{
  for (guint i = 0; i < n; i++)
    {
      guint8 b = (guint8) (v >> (8 * (w->little_endian ? i : n - 1 - i)));
      g_byte_array_append (w->bytes, &b, 1);
    }
}

static void
put_count (DmWriter *w,
           guint64   v)
{
  put_be (w, v, w->version == 3 ? 4 : 8);
}

static void
patch_be (DmWriter *w,
          guint     pos,
          guint64   v,
          guint     n)
{
  for (guint i = 0; i < n; i++)
    w->bytes->data[pos + i] = (guint8) (v >> (8 * (n - 1 - i)));
}

static void
tag_header (DmWriter   *w,
            guint8      kind,
            const char *name)
{
  guint pos;

  put_be (w, kind, 1);
  put_be (w, strlen (name), 2);
  g_byte_array_append (w->bytes, (const guint8 *) name, strlen (name));
  if (w->version == 4)
    {
      pos = w->bytes->len;
      g_array_append_val (w->open_sizes, pos);
      put_be (w, 0, 8);
    }
}

/* Ends a tag begun with tag_header: DM4 records its size. */
static void
tag_end (DmWriter *w)
{
  guint pos;

  if (w->version != 4)
    return;
  pos = g_array_index (w->open_sizes, guint, w->open_sizes->len - 1);
  g_array_set_size (w->open_sizes, w->open_sizes->len - 1);
  patch_be (w, pos, w->bytes->len - pos - 8, 8);
}

static void
count_tag (DmWriter *w)
{
  if (w->open_counts->len > 0)
    g_array_index (w->open_counts, guint, w->open_counts->len - 1)++;
}

static void
group_body_begin (DmWriter *w)
{
  guint pos, zero = 0;

  put_be (w, 0, 2);
  pos = w->bytes->len;
  g_array_append_val (w->open_groups, pos);
  g_array_append_val (w->open_counts, zero);
  put_count (w, 0);
}

static void
group_begin (DmWriter   *w,
             const char *name)
{
  count_tag (w);
  tag_header (w, 20, name);
  group_body_begin (w);
}

static void
group_end (DmWriter *w)
{
  guint last = w->open_groups->len - 1;

  patch_be (w, g_array_index (w->open_groups, guint, last),
            g_array_index (w->open_counts, guint, last), w->version == 3 ? 4 : 8);
  g_array_set_size (w->open_groups, last);
  g_array_set_size (w->open_counts, last);
  tag_end (w);
}

static void
data_begin (DmWriter      *w,
            const char    *name,
            const guint64 *info,
            guint          n_info)
{
  count_tag (w);
  tag_header (w, 21, name);
  g_byte_array_append (w->bytes, (const guint8 *) "%%%%", 4);
  put_count (w, n_info);
  for (guint i = 0; i < n_info; i++)
    put_count (w, info[i]);
}

static void
put_number (DmWriter   *w,
            const char *name,
            guint       type,
            guint64     bits,
            guint       size)
{
  guint64 info[1] = { type };

  data_begin (w, name, info, 1);
  put_value (w, bits, size);
  tag_end (w);
}

static void
put_long (DmWriter   *w,
          const char *name,
          gint32      v)
{
  put_number (w, name, 3, (guint32) v, 4);
}

static void
put_float (DmWriter   *w,
           const char *name,
           float       v)
{
  guint32 bits;

  memcpy (&bits, &v, 4);
  put_number (w, name, 6, bits, 4);
}

static void
put_text (DmWriter   *w,
          const char *name,
          const char *text)
{
  glong n = 0;
  g_autofree gunichar2 *units = g_utf8_to_utf16 (text, -1, NULL, &n, NULL);
  guint64 info[3] = { 20, 4, (guint64) n };

  data_begin (w, name, info, 3);
  for (glong i = 0; i < n; i++)
    put_value (w, units[i], 2);
  tag_end (w);
}

static void
put_array (DmWriter    *w,
           const char  *name,
           guint        element_type,
           guint        element_size,
           const void  *data,
           guint64      n_bytes)
{
  guint64 info[3] = { 20, element_type, n_bytes / element_size };

  data_begin (w, name, info, 3);
  g_byte_array_append (w->bytes, data, (guint) n_bytes);
  tag_end (w);
}

/* Bytes of one value of a DM simple type. */
static guint
type_size (guint type)
{
  switch (type)
    {
    case 8: case 9: case 10: return 1;
    case 2: case 4: return 2;
    case 3: case 5: case 6: return 4;
    default: return 8;
    }
}

static void
put_axis (DmWriter   *w,
          double      scale,
          const char *unit)
{
  group_begin (w, "");
  put_float (w, "Origin", 0);
  put_float (w, "Scale", (float) scale);
  put_text (w, "Units", unit != NULL ? unit : "");
  group_end (w);
}

static void
put_image (DmWriter          *w,
           const DmImageSpec *spec)
{
  guint n_frames = spec->n_frames ? spec->n_frames : 1;

  group_begin (w, "");
  group_begin (w, "ImageData");
  group_begin (w, "Calibrations");
  group_begin (w, "Dimension");
  put_axis (w, spec->scale_x, spec->unit_x);
  put_axis (w, spec->scale_y, spec->unit_y);
  if (spec->n_frames)
    put_axis (w, spec->scale_z, spec->unit_z);
  group_end (w);
  group_end (w);
  put_array (w, "Data", spec->element_type, type_size (spec->element_type),
             spec->pixels, (guint64) spec->width * spec->height * n_frames * spec->bytes_per_pixel);
  put_long (w, "DataType", (gint32) spec->data_type);
  group_begin (w, "Dimensions");
  put_long (w, "", (gint32) spec->width);
  put_long (w, "", (gint32) spec->height);
  if (spec->n_frames)
    put_long (w, "", (gint32) spec->n_frames);
  group_end (w);
  group_end (w);
  group_begin (w, "ImageTags");
  if (spec->voltage > 0)
    {
      group_begin (w, "Microscope Info");
      put_float (w, "Voltage", (float) spec->voltage);
      put_text (w, "Operator", "Ada");
      group_end (w);
      group_begin (w, "DataBar");
      put_text (w, "Acquisition Date", "1/2/2024");
      group_end (w);
    }
  group_end (w);
  group_end (w);
}

GBytes *
dm_writer_build (guint              version,
                 gboolean           little_endian,
                 const DmImageSpec *spec)
{
  DmWriter w = { g_byte_array_new (), version, little_endian,
                 g_array_new (FALSE, FALSE, sizeof (guint)), g_array_new (FALSE, FALSE, sizeof (guint)),
                 g_array_new (FALSE, FALSE, sizeof (guint)) };
  guint8 thumb[4 * 4 * 4];

  put_be (&w, version, 4);
  put_count (&w, 0);   /* root length, patched below */
  put_be (&w, little_endian ? 1 : 0, 4);
  group_body_begin (&w);
  group_begin (&w, "ImageList");
  if (spec->thumbnail)
    {
      DmImageSpec t = { 4, 4, 0, 23, 4, 5, thumb, 1, 1, 0, NULL, NULL, NULL, 0, FALSE };
      memset (thumb, 200, sizeof thumb);
      put_image (&w, &t);
    }
  put_image (&w, spec);
  group_end (&w);
  put_long (&w, "InImageMode", 1);
  /* Root group: patch its count (version 4 keeps no size for it). */
  patch_be (&w, g_array_index (w.open_groups, guint, 0), g_array_index (w.open_counts, guint, 0),
            version == 3 ? 4 : 8);
  patch_be (&w, 4, w.bytes->len - (version == 3 ? 16 : 24), version == 3 ? 4 : 8);
  put_be (&w, 0, 8);   /* the zero padding DM writes at the end */
  g_array_unref (w.open_groups);
  g_array_unref (w.open_counts);
  g_array_unref (w.open_sizes);
  return g_byte_array_free_to_bytes (w.bytes);
}
