/* al-frame-source.c: opening a file as a source of frames, reading frames
 * into a caller's buffer, and loading a window of frames as an AlImage.
 * The readers' own parts are behind al-frame-source-private.h; plainly
 * stored samples are converted here (al_frame_source_set_raw()).
 */
#include "al-frame-source-private.h"

#include <string.h>

/* A frame's mapped pages are given back every this many bytes, so that
 * reading a frame holds little of the file beside its floats. */
#define AL_RAW_RELEASE_BYTES (4u << 20)

/* Rec. 601 luma weights for the B, G, R bytes of a BGRX pixel (DM's RGB
 * images): how bright it looks. */
#define AL_BGRX_LUMA_B 0.114f
#define AL_BGRX_LUMA_G 0.587f
#define AL_BGRX_LUMA_R 0.299f

AlFrameSource *
al_frame_source_new (const char *name)
{
  AlFrameSource *source = g_new0 (AlFrameSource, 1);

  source->name = g_strdup (name);
  return source;
}

void
al_frame_source_free (AlFrameSource *source)
{
  if (source == NULL)
    return;
  if (source->impl_free != NULL)
    source->impl_free (source->impl);
  g_free (source->raw.offsets);
  g_clear_pointer (&source->whole, al_image_free);
  g_clear_pointer (&source->info, al_image_free);
  g_clear_pointer (&source->mapped, g_mapped_file_unref);
  g_free (source->name);
  g_free (source);
}

gboolean
al_frame_source_map (AlFrameSource *source,
                     const char    *path,
                     GError       **error)
{
  source->mapped = al_io_map_file (path, error);
  if (source->mapped == NULL)
    return FALSE;
  source->data = (const guint8 *) g_mapped_file_get_contents (source->mapped);
  source->size = g_mapped_file_get_length (source->mapped);
  return TRUE;
}

void
al_frame_source_set_bytes (AlFrameSource *source,
                           const guint8  *data,
                           gsize          size)
{
  source->data = data;
  source->size = size;
}

AlImage *
al_frame_source_set_info (AlFrameSource *source,
                          guint          width,
                          guint          height,
                          guint          n_frames,
                          GError       **error)
{
  AlImage *info;

  if (width == 0 || height == 0 || n_frames == 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds an empty image (%u×%u pixels, %u frames)", source->name, width,
                   height, n_frames);
      return NULL;
    }
  if (width > AL_IMAGE_MAX_SIDE || height > AL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s” holds frames of %u×%u pixels; AtomLens reads frames up to %u pixels a side",
                   source->name, width, height, AL_IMAGE_MAX_SIDE);
      return NULL;
    }
  if (!al_io_check_budget ((guint64) width * height * sizeof (float), source->name, "one frame",
                           error))
    return NULL;
  info = g_new0 (AlImage, 1);
  info->width = width;
  info->height = height;
  info->n_frames = n_frames;
  info->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  info->dtype = g_strdup ("float32");
  g_clear_pointer (&source->info, al_image_free);
  source->info = info;
  return info;
}

static void
copy_description (const AlImage *from,
                  AlImage       *to)
{
  GHashTableIter iter;
  gpointer key, value;

  to->scale_x = from->scale_x;
  to->scale_y = from->scale_y;
  g_free (to->unit);
  to->unit = g_strdup (from->unit);
  to->pixel_size = from->pixel_size;
  to->frame_scale = from->frame_scale;
  g_free (to->frame_unit);
  to->frame_unit = g_strdup (from->frame_unit);
  g_free (to->source_path);
  to->source_path = g_strdup (from->source_path);
  g_free (to->format);
  to->format = g_strdup (from->format);
  g_free (to->dtype);
  to->dtype = g_strdup (from->dtype);
  g_hash_table_iter_init (&iter, from->metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (to->metadata, g_strdup (key), g_strdup (value));
}

static gboolean
read_whole_frame (AlFrameSource *source,
                  guint          frame,
                  float         *dest,
                  GError       **error)
{
  memcpy (dest, al_image_frame_const (source->whole, frame),
          al_image_frame_samples (source->whole) * sizeof (float));
  return TRUE;
}

void
al_frame_source_set_image (AlFrameSource *source,
                           AlImage       *image)
{
  AlImage *info = al_frame_source_set_info (source, image->width, image->height, image->n_frames,
                                            NULL);

  /* The image exists, so its description is within every limit. */
  g_assert (info != NULL);
  copy_description (image, info);
  source->whole = image;
  source->read_frame = read_whole_frame;
}

void
al_frame_source_set_reader (AlFrameSource  *source,
                            AlFrameReadFunc read_frame,
                            gpointer        impl,
                            GDestroyNotify  impl_free)
{
  source->read_frame = read_frame;
  source->impl = impl;
  source->impl_free = impl_free;
}

static guint
raw_sample_bytes (const AlRawFrames *raw)
{
  switch (raw->kind)
    {
    case AL_RAW_SAMPLES: return (guint) al_sample_type_size (raw->type);
    case AL_RAW_BINARY: return 1;
    case AL_RAW_BGRX: return 4;
    default: g_assert_not_reached ();
    }
}

static void
convert_run (const AlRawFrames *raw,
             const guint8      *src,
             gsize              n,
             float             *dst)
{
  switch (raw->kind)
    {
    case AL_RAW_SAMPLES:
      al_io_convert_samples (src, raw->type, raw->little_endian, n, dst);
      break;
    case AL_RAW_BINARY:
      for (gsize i = 0; i < n; i++)
        dst[i] = src[i] != 0;
      break;
    case AL_RAW_BGRX:
      memset (dst, 0, n * sizeof *dst);
      al_io_accumulate_samples (src, AL_SAMPLE_UINT8, n, 4, AL_BGRX_LUMA_B, dst);
      al_io_accumulate_samples (src + 1, AL_SAMPLE_UINT8, n, 4, AL_BGRX_LUMA_G, dst);
      al_io_accumulate_samples (src + 2, AL_SAMPLE_UINT8, n, 4, AL_BGRX_LUMA_R, dst);
      break;
    default:
      g_assert_not_reached ();
    }
}

/* Converts one frame straight from the mapping and gives its pages back
 * as it goes, so that reading a stack never holds the file beside its
 * floats. */
static gboolean
read_raw_frame (AlFrameSource *source,
                guint          frame,
                float         *dest,
                GError       **error)
{
  const AlRawFrames *raw = &source->raw;
  guint width = source->info->width, height = source->info->height;
  guint64 row_bytes = (guint64) width * raw_sample_bytes (raw);
  guint64 at = raw->offsets != NULL ? raw->offsets[frame]
                                    : raw->first_offset + (guint64) frame * raw->stride;
  guint rows_per_release = (guint) CLAMP (AL_RAW_RELEASE_BYTES / MAX (row_bytes, 1), 1, height);

  if (!al_io_span_ok (source->size, at, row_bytes * height))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: frame %u lies beyond its end", source->name, frame + 1);
      return FALSE;
    }
  for (guint y0 = 0; y0 < height; y0 += rows_per_release)
    {
      guint y1 = MIN (y0 + rows_per_release, height);
      for (guint y = y0; y < y1; y++)
        {
          guint stored = raw->bottom_up ? height - 1 - y : y;
          convert_run (raw, source->data + at + stored * row_bytes, width,
                       dest + (gsize) y * width);
        }
      /* The rows just converted (stored at the other end when bottom-up). */
      if (source->mapped != NULL)
        al_io_release_range (source->data,
                             at + (raw->bottom_up ? height - y1 : y0) * row_bytes,
                             (y1 - y0) * row_bytes);
    }
  return TRUE;
}

void
al_frame_source_set_raw (AlFrameSource     *source,
                         const AlRawFrames *raw)
{
  source->raw = *raw;
  source->read_frame = read_raw_frame;
}

const AlImage *
al_frame_source_get_info (const AlFrameSource *source)
{
  g_return_val_if_fail (source != NULL, NULL);
  return source->info;
}

guint
al_frame_source_get_width (const AlFrameSource *source)
{
  return source->info->width;
}

guint
al_frame_source_get_height (const AlFrameSource *source)
{
  return source->info->height;
}

guint
al_frame_source_get_n_frames (const AlFrameSource *source)
{
  return source->info->n_frames;
}

gsize
al_frame_source_frame_samples (const AlFrameSource *source)
{
  return (gsize) source->info->width * source->info->height;
}

gboolean
al_frame_source_read (AlFrameSource *source,
                      guint          first,
                      guint          n_frames,
                      float         *dest,
                      GError       **error)
{
  gsize n = al_frame_source_frame_samples (source);

  g_return_val_if_fail (source != NULL && dest != NULL, FALSE);
  if (n_frames == 0 || !al_io_check_frames (source->name, source->info->n_frames, first, &n_frames,
                                            error))
    return n_frames == 0;
  for (guint f = 0; f < n_frames; f++)
    if (!source->read_frame (source, first + f, dest + (gsize) f * n, error))
      return FALSE;
  return TRUE;
}

AlImage *
al_frame_source_load (AlFrameSource *source,
                      guint          first,
                      guint          n_frames,
                      GError       **error)
{
  g_autoptr (AlImage) image = NULL;
  g_autofree char *what = NULL;
  guint64 bytes;

  g_return_val_if_fail (source != NULL, NULL);
  if (!al_io_check_frames (source->name, source->info->n_frames, first, &n_frames, error))
    return NULL;
  bytes = (guint64) al_frame_source_frame_samples (source) * n_frames * sizeof (float);
  what = n_frames == source->info->n_frames
           ? g_strdup_printf (n_frames == 1 ? "its image" : "all %u frames", n_frames)
           : g_strdup_printf ("frames %u to %u", first + 1, first + n_frames);
  if (!al_io_check_budget (bytes, source->name, what, error))
    return NULL;
  image = al_io_image_new (source->info->width, source->info->height, n_frames, error);
  if (image == NULL)
    return NULL;
  copy_description (source->info, image);
  if (!al_frame_source_read (source, first, n_frames, image->pixels, error))
    return NULL;
  return g_steal_pointer (&image);
}

AlImage *
al_frame_source_load_all (AlFrameSource *source,
                          GError       **error)
{
  AlImage *image = al_frame_source_load (source, 0, 0, error);

  al_frame_source_free (source);
  return image;
}

AlImage *
al_frame_source_load_bytes (const guint8    *data,
                            gsize            size,
                            const char      *name,
                            AlSourceOpenFunc open_source,
                            GError         **error)
{
  AlFrameSource *source;

  g_return_val_if_fail (data != NULL || size == 0, NULL);
  source = al_frame_source_new (name);
  al_frame_source_set_bytes (source, data, size);
  if (!open_source (source, error))
    {
      al_frame_source_free (source);
      return NULL;
    }
  return al_frame_source_load_all (source, error);
}

gboolean
al_frame_source_open_decoded (AlFrameSource  *source,
                              const char     *path,
                              AlBytesLoadFunc load,
                              GError        **error)
{
  g_autoptr (GMappedFile) mapped = al_io_map_file (path, error);
  AlImage *image;

  if (mapped == NULL)
    return FALSE;
  image = load ((const guint8 *) g_mapped_file_get_contents (mapped),
                g_mapped_file_get_length (mapped), source->name, error);
  if (image == NULL)
    return FALSE;
  al_frame_source_set_image (source, image);
  return TRUE;
}
