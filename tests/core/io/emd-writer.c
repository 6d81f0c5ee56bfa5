/* emd-writer.c: writes small Velox and Berkeley EMD files with libhdf5. */
#include "emd-writer.h"

#include <hdf5.h>
#include <string.h>

#include "io/al-hdf5.h"

static const char velox_json[] =
  "{\"Optics\":{\"AccelerationVoltage\":\"300000\",\"NominalMagnification\":\"5000000\"},"
  "\"Instrument\":{\"Manufacturer\":\"FEI Company\",\"InstrumentModel\":\"Titan\"},"
  "\"Acquisition\":{\"AcquisitionStartDatetime\":{\"DateTime\":\"1596041374\"}},"
  "\"Scan\":{\"DwellTime\":\"2e-06\",\"FrameTime\":\"0.5\"},"
  "\"BinaryResult\":{\"Detector\":\"HAADF\",\"PixelSize\":{\"width\":\"2.5e-10\","
  "\"height\":\"2.5e-10\"},\"PixelUnitX\":\"m\",\"PixelUnitY\":\"m\"}}";

static guint16 *
make_pixels (guint width,
             guint height,
             guint n_frames,
             gboolean frames_last)
{
  guint frames = MAX (n_frames, 1);
  guint16 *pixels = g_new (guint16, (gsize) width * height * frames);

  for (guint f = 0; f < frames; f++)
    for (guint y = 0; y < height; y++)
      for (guint x = 0; x < width; x++)
        {
          gsize i = frames_last ? ((gsize) y * width + x) * frames + f
                                : ((gsize) f * height + y) * width + x;
          pixels[i] = (guint16) (f * 1000 + y * width + x);
        }
  return pixels;
}

void
emd_writer_velox (const char *path,
                  guint       width,
                  guint       height,
                  guint       n_frames)
{
  hsize_t dims[3] = { height, width, n_frames };
  hsize_t meta_dims[2] = { 4096, n_frames };
  g_autofree guint16 *pixels = make_pixels (width, height, n_frames, TRUE);
  g_autofree guint8 *meta = g_new0 (guint8, 4096 * n_frames);
  hid_t file, group, space, dataset;

  /* Each frame's JSON, in column f of the byte array. */
  for (guint i = 0; i < sizeof velox_json - 1; i++)
    for (guint f = 0; f < n_frames; f++)
      meta[i * n_frames + f] = (guint8) velox_json[i];
  al_hdf5_lock ();
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose (H5Gcreate2 (file, "/Data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Gclose (H5Gcreate2 (file, "/Data/Image", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  group = H5Gcreate2 (file, "/Data/Image/0123abcd", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  space = H5Screate_simple (3, dims, NULL);
  dataset = H5Dcreate2 (group, "Data", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite (dataset, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, pixels);
  H5Dclose (dataset);
  H5Sclose (space);
  space = H5Screate_simple (2, meta_dims, NULL);
  dataset = H5Dcreate2 (group, "Metadata", H5T_STD_U8LE, space, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT);
  H5Dwrite (dataset, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, meta);
  H5Dclose (dataset);
  H5Sclose (space);
  H5Gclose (group);
  H5Fclose (file);
  al_hdf5_unlock ();
}

static void
write_text_attribute (hid_t       object,
                      const char *name,
                      const char *value)
{
  hid_t type = H5Tcopy (H5T_C_S1), space = H5Screate (H5S_SCALAR), attribute;

  H5Tset_size (type, strlen (value) + 1);
  attribute = H5Acreate2 (object, name, type, space, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite (attribute, type, value);
  H5Aclose (attribute);
  H5Sclose (space);
  H5Tclose (type);
}

static void
write_dim (hid_t       group,
           int         n,
           hsize_t     length,
           double      step,
           const char *unit)
{
  g_autofree char *name = g_strdup_printf ("dim%d", n);
  g_autofree double *values = g_new (double, length);
  hid_t space = H5Screate_simple (1, &length, NULL);
  hid_t dataset = H5Dcreate2 (group, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                              H5P_DEFAULT);

  for (hsize_t i = 0; i < length; i++)
    values[i] = step * i;
  H5Dwrite (dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
  write_text_attribute (dataset, "name", n == 1 ? "y" : "x");
  write_text_attribute (dataset, "units", unit);
  H5Dclose (dataset);
  H5Sclose (space);
}

void
emd_writer_berkeley (const char *path,
                     guint       width,
                     guint       height,
                     guint       n_frames)
{
  hsize_t dims3[3] = { n_frames, height, width }, dims2[2] = { height, width };
  g_autofree guint16 *pixels = make_pixels (width, height, n_frames, FALSE);
  hid_t file, group, space, dataset, attr_space, attribute;
  int one = 1, dim = 1;

  al_hdf5_lock ();
  file = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose (H5Gcreate2 (file, "/data", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  group = H5Gcreate2 (file, "/data/scan", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  attr_space = H5Screate (H5S_SCALAR);
  attribute = H5Acreate2 (group, "emd_group_type", H5T_STD_I32LE, attr_space, H5P_DEFAULT,
                          H5P_DEFAULT);
  H5Awrite (attribute, H5T_NATIVE_INT, &one);
  H5Aclose (attribute);
  H5Sclose (attr_space);
  space = n_frames ? H5Screate_simple (3, dims3, NULL) : H5Screate_simple (2, dims2, NULL);
  dataset = H5Dcreate2 (group, "data", H5T_STD_U16LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite (dataset, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, pixels);
  H5Dclose (dataset);
  H5Sclose (space);
  if (n_frames)
    write_dim (group, dim++, n_frames, 2.0, "s");
  write_dim (group, dim++, height, 0.5, "n_m");
  write_dim (group, dim, width, 0.5, "n_m");
  H5Gclose (group);
  H5Fclose (file);
  al_hdf5_unlock ();
}
