/* al-emd-berkeley.c: the Berkeley EMD layout (emdatasets.com, v0.2).
 *
 * A data group is any group whose attribute emd_group_type is 1; it holds
 * "data" (NumPy order: slowest axis first) and "dim1", "dim2", ... with the
 * coordinates along each axis and attributes "name" and "units". For a 2D
 * set dim1 runs along rows and dim2 along columns; a 3D set is a stack
 * with the frames along dim1. The pixel size is the step between the first
 * two coordinates.
 */
#include <math.h>
#include <string.h>

#include "al-emd-private.h"
#include "al-io-bytes.h"

/* Groups visited while searching for the data group, and how deep: EMD
 * files put it at /data/<name> or /signals/<name>. */
#define BERKELEY_MAX_VISITS 10000
#define BERKELEY_MAX_DEPTH 3
/* Microscope attributes copied into the metadata. */
#define BERKELEY_MAX_ATTRIBUTES 256

typedef struct
{
  guint  visits;
  char  *found;   /* path of the first data group */
} Search;

/* Collects the names of a group's hard links. Nothing else is done inside
 * the iteration: opening objects from HDF5's iteration callback touches
 * its metadata cache while the iteration holds entries of it, which a
 * damaged file turns into a use-after-free inside libhdf5 (found by
 * fuzz-emd). */
static herr_t
collect_link (hid_t             parent,
              const char       *name,
              const H5L_info_t *info,
              void             *data)
{
  GPtrArray *names = data;

  if (info->type == H5L_TYPE_HARD)
    g_ptr_array_add (names, g_strdup (name));
  return names->len < BERKELEY_MAX_VISITS ? 0 : 1;
}

static void
search_group (hid_t       group,
              const char *prefix,
              int         depth,
              Search     *search)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hsize_t index = 0;

  if (depth >= BERKELEY_MAX_DEPTH)
    return;
  H5Literate (group, H5_INDEX_NAME, H5_ITER_INC, &index, collect_link, names);
  H5Eclear2 (H5E_DEFAULT);
  for (guint i = 0; i < names->len && search->found == NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", prefix, (char *) g_ptr_array_index (names, i));
      double type;
      hid_t child;

      if (++search->visits > BERKELEY_MAX_VISITS)
        return;
      child = H5Gopen2 (group, g_ptr_array_index (names, i), H5P_DEFAULT);
      if (child < 0)
        {
          H5Eclear2 (H5E_DEFAULT);
          continue;   /* a dataset, not a group */
        }
      if (al_hdf5_attribute_number (child, "emd_group_type", &type) && type == 1)
        search->found = g_steal_pointer (&path);
      else
        search_group (child, path, depth + 1, search);
      H5Gclose (child);
    }
}

/* Step and unit of axis dimN; FALSE when it has no two coordinates. */
static gboolean
read_axis (hid_t   group,
           int     n,
           double *step,
           char  **unit)
{
  g_autofree char *dim_name = g_strdup_printf ("dim%d", n);
  hid_t dataset, space, memory, file_space;
  hsize_t dims[1], start[1] = { 0 }, count[1] = { 2 };
  double values[2];
  gboolean ok = FALSE;

  if (H5Lexists (group, dim_name, H5P_DEFAULT) <= 0)
    return FALSE;
  dataset = H5Dopen2 (group, dim_name, H5P_DEFAULT);
  if (dataset < 0)
    return FALSE;
  space = H5Dget_space (dataset);
  if (space >= 0 && H5Sget_simple_extent_ndims (space) == 1
      && H5Sget_simple_extent_dims (space, dims, NULL) == 1 && dims[0] >= 2)
    {
      memory = H5Screate_simple (1, count, NULL);
      file_space = H5Scopy (space);
      if (H5Sselect_hyperslab (file_space, H5S_SELECT_SET, start, NULL, count, NULL) >= 0
          && H5Dread (dataset, H5T_NATIVE_DOUBLE, memory, file_space, H5P_DEFAULT, values) >= 0)
        {
          *step = values[1] - values[0];
          ok = isfinite (*step) && *step > 0;
        }
      H5Sclose (file_space);
      H5Sclose (memory);
    }
  if (ok)
    {
      g_autofree char *units = al_hdf5_attribute_text (dataset, "units");
      *unit = al_io_normalize_unit (units);
    }
  if (space >= 0)
    H5Sclose (space);
  H5Dclose (dataset);
  H5Eclear2 (H5E_DEFAULT);
  return ok;
}

static void
read_calibration (hid_t    group,
                  AlImage *image,
                  int      rank)
{
  double step_y, step_x, step_z, scale_y;
  g_autofree char *unit_y = NULL;
  g_autofree char *unit_x = NULL;
  g_autofree char *unit_z = NULL;
  int first = rank == 3 ? 2 : 1;

  if (read_axis (group, first + 1, &step_x, &unit_x))
    {
      if (!read_axis (group, first, &step_y, &unit_y))
        step_y = step_x;
      scale_y = step_y;
      if (unit_x != NULL)
        al_io_convert_length (step_y, unit_y != NULL ? unit_y : unit_x, unit_x, &scale_y);
      if (unit_x != NULL || step_x != 1.0)
        al_image_set_calibration (image, step_x, scale_y, unit_x);
    }
  if (rank == 3 && read_axis (group, 1, &step_z, &unit_z))
    {
      image->frame_scale = step_z;
      image->frame_unit = g_steal_pointer (&unit_z);
    }
}

/* Microscope attributes the NCEM writer uses, under AtomLens's keys. */
static const struct
{
  const char *attribute;
  const char *key;
  double      factor;
} known_attributes[] = {
  { "high tension", "Voltage (kV)", 1e-3 },
  { "magnification", "Magnification", 1 },
  { "dwell time", "Dwell time (µs)", 1e6 },
  { "camera length", "Camera length (mm)", 1e3 },
  { "name", "Instrument", 0 },
};

/* Collects attribute names; they are read after the iteration (see
 * collect_link). */
static herr_t
collect_attribute (hid_t             object,
                   const char       *name,
                   const H5A_info_t *info,
                   void             *data)
{
  GPtrArray *names = data;

  g_ptr_array_add (names, g_strdup (name));
  return names->len < BERKELEY_MAX_ATTRIBUTES ? 0 : 1;
}

/* A microscope attribute (/microscope in EMD files), under its name. */
static void
copy_attribute (hid_t       object,
                const char *name,
                AlImage    *image)
{
  g_autofree char *text = al_hdf5_attribute_text (object, name);
  g_autofree char *key = NULL;

  if (text == NULL || text[0] == '\0')
    return;
  key = g_strdup_printf ("Microscope %s", name);
  al_image_set_metadata (image, key, text);
  for (guint i = 0; i < G_N_ELEMENTS (known_attributes); i++)
    if (strcmp (name, known_attributes[i].attribute) == 0)
      {
        double v;
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];
        if (known_attributes[i].factor == 0)
          al_image_set_metadata (image, known_attributes[i].key, text);
        else if (al_hdf5_attribute_number (object, name, &v) && isfinite (v) && v != 0)
          al_image_set_metadata (image, known_attributes[i].key,
                                 g_ascii_formatd (buffer, sizeof buffer, "%.10g",
                                                  v * known_attributes[i].factor));
      }
}

static void
read_microscope (hid_t    file,
                 AlImage *image)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  hid_t group;
  hsize_t index = 0;

  if (H5Lexists (file, "/microscope", H5P_DEFAULT) <= 0)
    return;
  group = H5Gopen2 (file, "/microscope", H5P_DEFAULT);
  if (group < 0)
    return;
  H5Aiterate2 (group, H5_INDEX_NAME, H5_ITER_INC, &index, collect_attribute, names);
  H5Eclear2 (H5E_DEFAULT);
  for (guint i = 0; i < names->len; i++)
    copy_attribute (group, g_ptr_array_index (names, i), image);
  H5Gclose (group);
  H5Eclear2 (H5E_DEFAULT);
}

AlImage *
al_emd_berkeley_read (hid_t       file,
                      const char *name,
                      GError    **error)
{
  Search search = { 0, NULL };
  hid_t group = -1, dataset = -1, space;
  AlImage *image = NULL;
  int rank = -1;

  search_group (file, "", 0, &search);
  if (search.found == NULL)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "“%s” is an HDF5 file, but neither a Velox nor a Berkeley EMD file", name);
      goto out;
    }
  group = H5Gopen2 (file, search.found, H5P_DEFAULT);
  if (group >= 0 && H5Lexists (group, "data", H5P_DEFAULT) > 0)
    dataset = H5Dopen2 (group, "data", H5P_DEFAULT);
  if (dataset < 0)
    {
      g_autofree char *what = g_strdup_printf ("“%s” has an EMD group %s without data", name,
                                               search.found);
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, what);
      goto out;
    }
  space = H5Dget_space (dataset);
  if (space >= 0)
    {
      rank = H5Sget_simple_extent_ndims (space);
      H5Sclose (space);
    }
  if (rank == 1)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds a spectrum or profile, not an image", name);
      goto out;
    }
  image = rank == 3 ? al_emd_open_frames (dataset, 1, 2, 0, name, error)
                    : al_emd_open_frames (dataset, 0, 1, -1, name, error);
  if (image != NULL)
    {
      read_calibration (group, image, rank);
      read_microscope (file, image);
    }
out:
  if (dataset >= 0)
    H5Dclose (dataset);
  if (group >= 0)
    H5Gclose (group);
  g_free (search.found);
  return image;
}
