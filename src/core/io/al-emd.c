/* al-emd.c: open an EMD (HDF5) file and read it with the layout it has.
 *
 * Velox files are recognised by their /Data/Image group; anything else is
 * searched for a Berkeley EMD group. All HDF5 work happens under the HDF5
 * lock (al-hdf5.h), and a file is first read by a child process
 * (al-emd-probe.c), since libhdf5 can crash on damaged files.
 */
#include "al-emd.h"

#include <string.h>

#include "al-emd-private.h"
#include "al-frame-source-private.h"

static const guint8 hdf5_signature[8] = { 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n' };

/* Pixels a compressed dataset may hold per stored byte before we call it
 * damaged: real compression of microscope data stays far below this, and
 * the limit keeps a tiny hostile file from claiming gigabytes. */
#define AL_EMD_MAX_COMPRESSION 1024
/* Chunks of one dataset we check (a stack of 4096² frames in 64² chunks
 * has 409600 per 100 frames; Velox writes one chunk per frame). */
#define AL_EMD_MAX_CHUNKS (1u << 22)

static gboolean
emd_sniff (const guint8 *head,
           gsize         n_head,
           const char   *path)
{
  return n_head >= sizeof hdf5_signature && memcmp (head, hdf5_signature, sizeof hdf5_signature) == 0;
}

static gboolean
check_frame_size (hsize_t     rows,
                  hsize_t     columns,
                  hsize_t     frames,
                  const char *name,
                  GError    **error)
{
  if (rows == 0 || columns == 0 || frames == 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE, "“%s” holds an empty data set",
                   name);
      return FALSE;
    }
  if (rows > AL_IMAGE_MAX_SIDE || columns > AL_IMAGE_MAX_SIDE || frames > G_MAXUINT)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s” holds images of %llu×%llu pixels and %llu frames, more than AtomLens reads",
                   name, (unsigned long long) columns, (unsigned long long) rows,
                   (unsigned long long) frames);
      return FALSE;
    }
  return TRUE;
}

/* Every chunk of an unfiltered chunked dataset must have exactly a chunk's
 * bytes: libhdf5 1.10 allocates a chunk's buffer from its recorded size
 * and copies a whole chunk out of it (a heap overflow found by fuzz-emd). */
static gboolean
chunks_hold (hid_t dataset,
             hid_t create,
             gsize sample_size)
{
  hsize_t chunk_dims[H5S_MAX_RANK], n_chunks = 0, chunk_bytes = sample_size;
  int rank = H5Pget_chunk (create, H5S_MAX_RANK, chunk_dims);
  hid_t space;
  gboolean ok;

  if (H5Pget_nfilters (create) != 0)
    return TRUE;   /* compressed: sizes vary, the filter checks its output */
  if (rank <= 0)
    return FALSE;
  for (int i = 0; i < rank; i++)
    chunk_bytes *= chunk_dims[i];
  /* libhdf5 1.10 wants the dataset's own dataspace here, not H5S_ALL. */
  space = H5Dget_space (dataset);
  ok = space >= 0 && H5Dget_num_chunks (dataset, space, &n_chunks) >= 0
       && n_chunks <= AL_EMD_MAX_CHUNKS;
  for (hsize_t i = 0; ok && i < n_chunks; i++)
    {
      hsize_t offset[H5S_MAX_RANK], size = 0;
      unsigned filter_mask = 0;
      haddr_t address = HADDR_UNDEF;
      ok = H5Dget_chunk_info (dataset, space, i, offset, &filter_mask, &address, &size) >= 0
           && size == chunk_bytes;
    }
  if (space >= 0)
    H5Sclose (space);
  return ok;
}

/* Uncompressed (compact or contiguous) data must be stored in full:
 * libhdf5 1.10 trusts a stored size and reads past it when the dataspace
 * is larger. Chunked data is checked chunk by chunk. */
static gboolean
storage_holds (hid_t   dataset,
               hsize_t n_samples,
               hsize_t stored)
{
  hid_t create = H5Dget_create_plist (dataset);
  hid_t type = H5Dget_type (dataset);
  H5D_layout_t layout = create >= 0 ? H5Pget_layout (create) : H5D_LAYOUT_ERROR;
  size_t sample_size = type >= 0 ? H5Tget_size (type) : 0;
  gboolean ok;

  if (type >= 0)
    H5Tclose (type);
  if (layout == H5D_CHUNKED)
    ok = sample_size > 0 && chunks_hold (dataset, create, sample_size);
  else
    ok = (layout == H5D_COMPACT || layout == H5D_CONTIGUOUS) && sample_size > 0
         && stored / sample_size >= n_samples;
  if (create >= 0)
    H5Pclose (create);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* The data set al_emd_open_frames() found in the file being opened (one
 * file at a time: everything here runs under the HDF5 lock). */
static AlEmdFrames *opening;

void
al_emd_frames_free_unlocked (AlEmdFrames *frames)
{
  if (frames == NULL)
    return;
  if (frames->dataset >= 0)
    H5Dclose (frames->dataset);
  if (frames->file >= 0)
    H5Fclose (frames->file);
  H5Eclear2 (H5E_DEFAULT);
  g_free (frames->name);
  g_free (frames);
}

static void
frames_free (gpointer frames)
{
  al_hdf5_lock ();
  al_emd_frames_free_unlocked (frames);
  al_hdf5_unlock ();
}

gboolean
al_emd_frames_read_unlocked (AlEmdFrames *frames,
                             guint        frame,
                             float       *dest,
                             GError     **error)
{
  hid_t space = H5Dget_space (frames->dataset), memory;
  hsize_t start[3] = { 0 }, count[3] = { 1, 1, 1 };
  hsize_t n = frames->dims[frames->row_axis] * frames->dims[frames->column_axis];
  gboolean ok;

  memory = H5Screate_simple (1, &n, NULL);
  count[frames->row_axis] = frames->dims[frames->row_axis];
  count[frames->column_axis] = frames->dims[frames->column_axis];
  if (frames->frame_axis >= 0)
    start[frames->frame_axis] = frame;
  ok = space >= 0 && memory >= 0
       && H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0
       && H5Dread (frames->dataset, H5T_NATIVE_FLOAT, memory, space, H5P_DEFAULT, dest) >= 0;
  if (!ok)
    {
      g_autofree char *what = g_strdup_printf ("Cannot read frame %u of “%s”", frame + 1,
                                               frames->name);
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, what);
    }
  if (memory >= 0)
    H5Sclose (memory);
  if (space >= 0)
    H5Sclose (space);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

/* A description without pixels, for the source's info. */
static AlImage *
new_description (hsize_t columns,
                 hsize_t rows,
                 hsize_t n_frames)
{
  AlImage *info = g_new0 (AlImage, 1);

  info->width = (guint) columns;
  info->height = (guint) rows;
  info->n_frames = (guint) n_frames;
  info->metadata = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return info;
}

AlImage *
al_emd_open_frames (hid_t       dataset,
                    int         row_axis,
                    int         column_axis,
                    int         frame_axis,
                    const char *name,
                    GError    **error)
{
  hid_t space = H5Dget_space (dataset);
  hsize_t dims[3] = { 0 };
  int rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  int expected_rank = frame_axis < 0 ? 2 : 3;
  AlImage *info = NULL;
  const char *dtype = NULL;
  hsize_t n_frames, frame_samples, stored;

  if (rank != expected_rank || H5Sget_simple_extent_dims (space, dims, NULL) != rank)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds %d-dimensional data where an image or stack was expected", name, rank);
      goto out;
    }
  if (!al_hdf5_sample_type (dataset, &dtype))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds %s samples, not image intensities", name, dtype);
      goto out;
    }
  n_frames = frame_axis < 0 ? 1 : dims[frame_axis];
  if (!check_frame_size (dims[row_axis], dims[column_axis], n_frames, name, error))
    goto out;
  /* Declared sizes against what the file stores, before any read. */
  frame_samples = dims[row_axis] * dims[column_axis];
  stored = H5Dget_storage_size (dataset);
  if (stored == 0 || (double) frame_samples * n_frames / stored > AL_EMD_MAX_COMPRESSION
      || !storage_holds (dataset, frame_samples * n_frames, stored))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” is damaged: its %llu pixels are stored in %llu bytes", name,
                   (unsigned long long) (frame_samples * n_frames), (unsigned long long) stored);
      goto out;
    }
  info = new_description (dims[column_axis], dims[row_axis], n_frames);
  info->dtype = g_strdup (dtype);
  if (opening != NULL)
    {
      /* The source keeps its own reference; the caller closes its own. */
      H5Iinc_ref (dataset);
      opening->dataset = dataset;
      opening->row_axis = row_axis;
      opening->column_axis = column_axis;
      opening->frame_axis = frame_axis;
      memcpy (opening->dims, dims, sizeof dims);
    }
out:
  if (space >= 0)
    H5Sclose (space);
  return info;
}

static AlImage *
read_file (hid_t       file,
           const char *name,
           GError    **error)
{
  AlImage *image;

  if (al_emd_velox_detect (file))
    {
      image = al_emd_velox_read (file, name, error);
      if (image != NULL)
        image->format = g_strdup ("Velox EMD");
    }
  else
    {
      image = al_emd_berkeley_read (file, name, error);
      if (image != NULL)
        image->format = g_strdup ("Berkeley EMD");
    }
  H5Eclear2 (H5E_DEFAULT);
  return image;
}

AlImage *
al_emd_open_unlocked (const char   *path,
                      const guint8 *data,
                      gsize         size,
                      const char   *name,
                      AlEmdFrames **frames,
                      GError      **error)
{
  hid_t access, file;
  AlImage *info = NULL;
  AlEmdFrames *found = g_new0 (AlEmdFrames, 1);

  found->file = found->dataset = -1;
  found->name = g_strdup (name);
  access = H5Pcreate (H5P_FILE_ACCESS);
  /* Closing the file closes whatever a failed read left open in it. */
  H5Pset_fclose_degree (access, H5F_CLOSE_STRONG);
  if (data != NULL)
    {
      /* An in-memory file: HDF5's core driver over a copy of the bytes. */
      H5Pset_fapl_core (access, 1 << 16, FALSE);
      H5Pset_file_image (access, (void *) data, size);
    }
  file = H5Fopen (path, H5F_ACC_RDONLY, access);
  if (file < 0)
    {
      g_autofree char *what = g_strdup_printf ("“%s” is not a readable HDF5 file", name);
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, what);
    }
  else
    {
      found->file = file;
      opening = found;
      info = read_file (file, name, error);
      opening = NULL;
      if (info != NULL && found->dataset >= 0)
        *frames = g_steal_pointer (&found);
      else
        g_clear_pointer (&info, al_image_free);
    }
  al_emd_frames_free_unlocked (found);
  H5Pclose (access);
  H5Eclear2 (H5E_DEFAULT);
  return info;
}

/* Reads every frame, as the probing child does to find a crash before
 * the file is read in-process. */
gboolean
al_emd_read_all_unlocked (AlEmdFrames   *frames,
                          const AlImage *info)
{
  g_autofree float *frame = g_try_new (float, (gsize) info->width * info->height);

  if (frame == NULL)
    return FALSE;
  for (guint f = 0; f < info->n_frames; f++)
    if (!al_emd_frames_read_unlocked (frames, f, frame, NULL))
      return FALSE;
  return TRUE;
}

static gboolean
read_emd_frame (AlFrameSource *source,
                guint          frame,
                float         *dest,
                GError       **error)
{
  gboolean ok;

  al_hdf5_lock ();
  ok = al_emd_frames_read_unlocked (source->impl, frame, dest, error);
  al_hdf5_unlock ();
  return ok;
}

/* Opens the file (first in a probing child when `probe`) and hands its
 * data set to `source`. */
static gboolean
open_source (AlFrameSource *source,
             const char    *path,
             const guint8  *data,
             gsize          size,
             gboolean       probe,
             GError       **error)
{
  AlEmdFrames *frames = NULL;
  g_autoptr (AlImage) info = NULL;
  AlImage *described;

  al_hdf5_lock ();
  if (!probe || al_emd_probe_in_child (path, data, size, source->name, error))
    info = al_emd_open_unlocked (path, data, size, source->name, &frames, error);
  al_hdf5_unlock ();
  if (info == NULL)
    return FALSE;
  al_frame_source_set_reader (source, read_emd_frame, frames, frames_free);
  described = al_frame_source_set_info (source, info->width, info->height, info->n_frames, error);
  if (described == NULL)
    return FALSE;
  /* The description as the layout read it replaces the empty one. */
  source->info = g_steal_pointer (&info);
  al_image_free (described);
  return TRUE;
}

AlImage *
al_emd_load_bytes (const guint8 *data,
                   gsize         size,
                   const char   *name,
                   gboolean      probe,
                   GError      **error)
{
  AlFrameSource *source;

  if (size < sizeof hdf5_signature || !emd_sniff (data, size, NULL))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED, "“%s” is not an HDF5 (EMD) file",
                   name);
      return NULL;
    }
  source = al_frame_source_new (name);
  if (!open_source (source, "in-memory.emd", data, size, probe, error))
    {
      al_frame_source_free (source);
      return NULL;
    }
  return al_frame_source_load_all (source, error);
}

/* HDF5 reads the file itself; frames are read as hyperslabs on demand. */
static gboolean
emd_open (AlFrameSource *source,
          const char    *path,
          GError       **error)
{
  return open_source (source, path, NULL, 0, TRUE, error);
}

const AlImageReader al_emd_reader = {
  .format = "EMD",
  .sniff = emd_sniff,
  .open = emd_open,
};
