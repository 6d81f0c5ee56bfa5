/* al-emd-velox.c: Thermo Fisher (FEI) Velox EMD files.
 *
 * Each image is a group /Data/Image/<id> holding "Data" (rows × columns ×
 * frames, the frame axis last) and "Metadata" (bytes × frames: one JSON
 * text per frame, NUL-padded). The JSON gives the pixel size in metres
 * (BinaryResult/PixelSize) and what the instrument recorded. A file with
 * several images (HAADF, BF, DPC, ...) is read at its first image in name
 * order, as ncempy and rosettasciio list them; the others are counted in
 * the metadata.
 */
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "al-emd-private.h"

#define VELOX_IMAGES "/Data/Image"
/* Images we list in one file; Velox writes a handful. */
#define VELOX_MAX_IMAGES 4096
/* Longest metadata text we parse (Velox pads to 60000 bytes). */
#define VELOX_MAX_JSON (1u << 20)
#define NM_PER_M 1e9

gboolean
al_emd_velox_detect (hid_t file)
{
  gboolean found = H5Lexists (file, "/Data", H5P_DEFAULT) > 0
                   && H5Lexists (file, VELOX_IMAGES, H5P_DEFAULT) > 0;

  H5Eclear2 (H5E_DEFAULT);
  return found;
}

static herr_t
collect_name (hid_t             group,
              const char       *name,
              const H5L_info_t *info,
              void             *data)
{
  GPtrArray *names = data;

  g_ptr_array_add (names, g_strdup (name));
  return names->len < VELOX_MAX_IMAGES ? 0 : 1;
}

/* The JSON text of frame 0: column 0 of the Metadata byte array. */
static char *
read_metadata_json (hid_t group)
{
  hid_t dataset, space, memory;
  hsize_t dims[2] = { 0, 0 }, start[2] = { 0, 0 }, count[2] = { 0, 1 };
  int rank;
  char *text = NULL;

  if (H5Lexists (group, "Metadata", H5P_DEFAULT) <= 0)
    return NULL;
  dataset = H5Dopen2 (group, "Metadata", H5P_DEFAULT);
  if (dataset < 0)
    return NULL;
  space = H5Dget_space (dataset);
  rank = space >= 0 ? H5Sget_simple_extent_ndims (space) : -1;
  if ((rank == 1 || rank == 2) && H5Sget_simple_extent_dims (space, dims, NULL) == rank
      && dims[0] > 0 && (rank == 1 || dims[1] > 0))
    {
      count[0] = MIN (dims[0], VELOX_MAX_JSON);
      if (rank == 1)
        count[1] = 1;
      memory = H5Screate_simple (1, count, NULL);
      text = g_malloc0 (count[0] + 1);
      if (H5Sselect_hyperslab (space, H5S_SELECT_SET, start, NULL, count, NULL) < 0
          || H5Dread (dataset, H5T_NATIVE_UCHAR, memory, space, H5P_DEFAULT, text) < 0)
        g_clear_pointer (&text, g_free);
      H5Sclose (memory);
    }
  if (space >= 0)
    H5Sclose (space);
  H5Dclose (dataset);
  H5Eclear2 (H5E_DEFAULT);
  return text;
}

static AlImage *
read_image (hid_t       images,
            const char *id,
            const char *name,
            GError    **error)
{
  hid_t group = H5Gopen2 (images, id, H5P_DEFAULT), dataset;
  g_autofree char *json = NULL;
  AlImage *image;

  if (group < 0)
    {
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, "A Velox image group cannot be opened");
      return NULL;
    }
  dataset = H5Lexists (group, "Data", H5P_DEFAULT) > 0 ? H5Dopen2 (group, "Data", H5P_DEFAULT) : -1;
  if (dataset < 0)
    {
      g_autofree char *what = g_strdup_printf ("“%s” has a Velox image without data", name);
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, what);
      H5Gclose (group);
      return NULL;
    }
  /* Velox stores rows × columns × frames. */
  image = al_emd_open_frames (dataset, 0, 1, 2, name, error);
  H5Dclose (dataset);
  if (image != NULL)
    {
      json = read_metadata_json (group);
      if (json != NULL)
        al_emd_velox_apply_json (json, image);
    }
  H5Gclose (group);
  return image;
}

AlImage *
al_emd_velox_read (hid_t       file,
                   const char *name,
                   GError    **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  hid_t images = H5Gopen2 (file, VELOX_IMAGES, H5P_DEFAULT);
  hsize_t index = 0;
  AlImage *image = NULL;

  if (images < 0)
    {
      al_hdf5_set_error (error, AL_IO_ERROR_CORRUPT, "The Velox image list cannot be opened");
      return NULL;
    }
  H5Literate (images, H5_INDEX_NAME, H5_ITER_INC, &index, collect_name, ids);
  H5Eclear2 (H5E_DEFAULT);
  if (ids->len == 0)
    g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                 "“%s” is a Velox file without images (spectra only?)", name);
  else
    image = read_image (images, g_ptr_array_index (ids, 0), name, error);
  if (image != NULL && ids->len > 1)
    {
      g_autofree char *count = g_strdup_printf ("%u (the first is shown)", ids->len);
      al_image_set_metadata (image, "Images in file", count);
    }
  H5Gclose (images);
  return image;
}

/* The member at a '/'-separated path of JSON objects, as text. */
static const char *
json_text (JsonNode   *root,
           const char *path)
{
  g_auto (GStrv) parts = g_strsplit (path, "/", -1);
  JsonNode *node = root;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      JsonObject *object;
      if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
        return NULL;
      object = json_node_get_object (node);
      node = json_object_has_member (object, parts[i]) ? json_object_get_member (object, parts[i])
                                                       : NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
json_number (JsonNode   *root,
             const char *path,
             double     *value)
{
  const char *text = json_text (root, path);
  char *end;

  if (text == NULL)
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != text && isfinite (*value);
}

static void
set_number (AlImage    *image,
            const char *key,
            JsonNode   *root,
            const char *path,
            double      factor)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double v;

  if (json_number (root, path, &v) && v != 0)
    al_image_set_metadata (image, key, g_ascii_formatd (buffer, sizeof buffer, "%.10g", v * factor));
}

static void
set_acquisition_date (AlImage  *image,
                      JsonNode *root)
{
  double seconds;
  g_autoptr (GDateTime) when = NULL;

  /* Unix time, in seconds, as text. */
  if (!json_number (root, "Acquisition/AcquisitionStartDatetime/DateTime", &seconds)
      || seconds <= 0 || seconds > 1e11)
    return;
  when = g_date_time_new_from_unix_utc ((gint64) seconds);
  if (when != NULL)
    {
      g_autofree char *text = g_date_time_format (when, "%Y-%m-%d %H:%M:%S UTC");
      al_image_set_metadata (image, "Acquisition date", text);
    }
}

static void
set_calibration (AlImage  *image,
                 JsonNode *root)
{
  const char *unit = json_text (root, "BinaryResult/PixelUnitX");
  double width, height;

  if (!json_number (root, "BinaryResult/PixelSize/width", &width) || width <= 0)
    return;
  if (!json_number (root, "BinaryResult/PixelSize/height", &height) || height <= 0)
    height = width;
  /* Velox writes metres; AtomLens shows nm. Other units (1/m in
   * diffraction) stay as written. */
  if (unit == NULL || strcmp (unit, "m") == 0)
    al_image_set_calibration (image, width * NM_PER_M, height * NM_PER_M, "nm");
  else
    al_image_set_calibration (image, width, height, unit);
}

void
al_emd_velox_apply_json (const char *json,
                         AlImage    *image)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonNode *root;
  const char *model, *maker, *detector;

  if (!g_utf8_validate (json, -1, NULL) || !json_parser_load_from_data (parser, json, -1, NULL))
    return;
  root = json_parser_get_root (parser);
  set_calibration (image, root);
  set_number (image, "Voltage (kV)", root, "Optics/AccelerationVoltage", 1e-3);
  set_number (image, "Magnification", root, "Optics/NominalMagnification", 1);
  set_number (image, "Camera length (mm)", root, "Optics/CameraLength", 1e3);
  set_number (image, "Dwell time (µs)", root, "Scan/DwellTime", 1e6);
  set_number (image, "Frame time (s)", root, "Scan/FrameTime", 1);
  set_acquisition_date (image, root);
  model = json_text (root, "Instrument/InstrumentModel");
  maker = json_text (root, "Instrument/Manufacturer");
  if (model != NULL && model[0] != '\0')
    {
      g_autofree char *instrument = maker != NULL && maker[0] != '\0'
                                      ? g_strdup_printf ("%s %s", maker, model)
                                      : g_strdup (model);
      al_image_set_metadata (image, "Instrument", instrument);
    }
  detector = json_text (root, "BinaryResult/Detector");
  if (detector != NULL && detector[0] != '\0')
    al_image_set_metadata (image, "Detector", detector);
  if (image->n_frames > 1)
    {
      double frame_time;
      if (json_number (root, "Scan/FrameTime", &frame_time) && frame_time > 0)
        {
          image->frame_scale = frame_time;
          g_free (image->frame_unit);
          image->frame_unit = g_strdup ("s");
        }
    }
}
