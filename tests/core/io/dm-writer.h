/* dm-writer.h: builds small DigitalMicrograph files in memory for the
 * tests and the fuzz corpus (the layout al-dm-tags.c reads). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  GByteArray *bytes;
  guint       version;        /* 3 or 4 */
  gboolean    little_endian;  /* byte order of values */
  GArray     *open_groups;    /* positions of group tag-count fields to patch */
  GArray     *open_counts;
  GArray     *open_sizes;     /* DM4: positions of tag-size fields to patch */
} DmWriter;

typedef struct
{
  guint        width, height, n_frames;  /* n_frames 0: a 2D image */
  guint        data_type;                /* DM "DataType" code */
  guint        bytes_per_pixel;
  guint        element_type;             /* DM type of one element of "Data" */
  const void  *pixels;                   /* in the writer's byte order */
  double       scale_x, scale_y, scale_z;
  const char  *unit_x, *unit_y, *unit_z;
  double       voltage;                  /* V; 0: none */
  gboolean     thumbnail;                /* put a 4×4 RGB thumbnail first */
} DmImageSpec;

/* A whole DM file holding `spec`; free with g_bytes_unref. */
GBytes *dm_writer_build (guint              version,
                         gboolean           little_endian,
                         const DmImageSpec *spec);

G_END_DECLS
