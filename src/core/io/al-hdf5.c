/* al-hdf5.c: one lock for libhdf5, its errors as GErrors, and attribute
 * helpers for the EMD reader. */
#include "al-hdf5.h"

#include <string.h>

/* Longest attribute text we read (EMD attributes are short names). */
#define AL_HDF5_MAX_TEXT (1u << 16)

static GMutex hdf5_mutex;

void
al_hdf5_lock (void)
{
  static gsize initialised = 0;

  g_mutex_lock (&hdf5_mutex);
  if (g_once_init_enter (&initialised))
    {
      H5open ();
      H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

void
al_hdf5_unlock (void)
{
  g_mutex_unlock (&hdf5_mutex);
}

typedef struct
{
  char *message;   /* the innermost (first on the stack) description */
} ErrorWalk;

static herr_t
walk_error (unsigned          n,
            const H5E_error2_t *entry,
            void             *data)
{
  ErrorWalk *walk = data;

  if (walk->message == NULL && entry->desc != NULL)
    walk->message = g_utf8_make_valid (entry->desc, -1);
  return 0;
}

void
al_hdf5_set_error (GError    **error,
                   AlIoError   code,
                   const char *what)
{
  ErrorWalk walk = { NULL };

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, walk_error, &walk);
  H5Eclear2 (H5E_DEFAULT);
  if (walk.message != NULL && strstr (walk.message, "truncated") != NULL)
    code = AL_IO_ERROR_TRUNCATED;
  if (walk.message != NULL)
    g_set_error (error, AL_IO_ERROR, code, "%s (HDF5 says: %s)", what, walk.message);
  else
    g_set_error_literal (error, AL_IO_ERROR, code, what);
  g_free (walk.message);
}

static char *
read_string (hid_t attribute,
             hid_t type)
{
  hid_t space = H5Aget_space (attribute);
  hssize_t n_points = space >= 0 ? H5Sget_simple_extent_npoints (space) : -1;
  char *text = NULL;

  if (space >= 0)
    H5Sclose (space);
  if (n_points != 1)
    return NULL;
  if (H5Tis_variable_str (type) > 0)
    {
      char *value = NULL;
      hid_t memory = H5Tcopy (H5T_C_S1);
      H5Tset_size (memory, H5T_VARIABLE);
      H5Tset_cset (memory, H5Tget_cset (type));
      if (H5Aread (attribute, memory, &value) >= 0 && value != NULL)
        {
          text = g_strndup (value, AL_HDF5_MAX_TEXT);
          H5free_memory (value);
        }
      H5Tclose (memory);
    }
  else
    {
      size_t size = H5Tget_size (type);
      if (size > 0 && size <= AL_HDF5_MAX_TEXT)
        {
          char *buffer = g_malloc0 (size + 1);
          hid_t memory = H5Tcopy (type);
          if (H5Aread (attribute, memory, buffer) >= 0)
            text = g_strndup (buffer, size);
          H5Tclose (memory);
          g_free (buffer);
        }
    }
  if (text != NULL)
    {
      char *valid = g_utf8_make_valid (text, -1);
      g_free (text);
      text = g_strstrip (valid);
    }
  return text;
}

char *
al_hdf5_attribute_text (hid_t       object,
                        const char *name)
{
  hid_t attribute, type;
  char *text = NULL;
  double number;

  if (H5Aexists (object, name) <= 0)
    return NULL;
  attribute = H5Aopen (object, name, H5P_DEFAULT);
  if (attribute < 0)
    return NULL;
  type = H5Aget_type (attribute);
  if (type >= 0 && H5Tget_class (type) == H5T_STRING)
    text = read_string (attribute, type);
  if (type >= 0)
    H5Tclose (type);
  H5Aclose (attribute);
  if (text == NULL && al_hdf5_attribute_number (object, name, &number))
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      text = g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.10g", number));
    }
  return text;
}

gboolean
al_hdf5_attribute_number (hid_t       object,
                          const char *name,
                          double     *value)
{
  hid_t attribute, type, space;
  gboolean ok = FALSE;
  H5T_class_t type_class;

  if (H5Aexists (object, name) <= 0)
    return FALSE;
  attribute = H5Aopen (object, name, H5P_DEFAULT);
  if (attribute < 0)
    return FALSE;
  type = H5Aget_type (attribute);
  space = H5Aget_space (attribute);
  type_class = type >= 0 ? H5Tget_class (type) : H5T_NO_CLASS;
  if ((type_class == H5T_INTEGER || type_class == H5T_FLOAT) && space >= 0
      && H5Sget_simple_extent_npoints (space) == 1)
    ok = H5Aread (attribute, H5T_NATIVE_DOUBLE, value) >= 0;
  if (space >= 0)
    H5Sclose (space);
  if (type >= 0)
    H5Tclose (type);
  H5Aclose (attribute);
  if (!ok)
    H5Eclear2 (H5E_DEFAULT);
  return ok;
}

gboolean
al_hdf5_sample_type (hid_t        dataset,
                     const char **name)
{
  hid_t type = H5Dget_type (dataset);
  H5T_class_t type_class;
  size_t size;
  gboolean is_signed, ok = TRUE;

  if (type < 0)
    return FALSE;
  type_class = H5Tget_class (type);
  size = H5Tget_size (type);
  is_signed = type_class == H5T_INTEGER && H5Tget_sign (type) == H5T_SGN_2;
  H5Tclose (type);
  if (type_class == H5T_INTEGER && (size == 1 || size == 2 || size == 4 || size == 8))
    {
      static const char *const names[2][4] = { { "uint8", "uint16", "uint32", "uint64" },
                                               { "int8", "int16", "int32", "int64" } };
      *name = names[is_signed][size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3];
    }
  else if (type_class == H5T_FLOAT && (size == 4 || size == 8))
    *name = size == 4 ? "float32" : "float64";
  else
    {
      *name = type_class == H5T_COMPOUND ? "compound (complex?)" : "unknown";
      ok = FALSE;
    }
  return ok;
}
