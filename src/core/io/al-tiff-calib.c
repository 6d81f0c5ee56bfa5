/* al-tiff-calib.c: pixel size and metadata from the places TIFF writers
 * put them.
 *
 * In order of trust: an ImageJ description (`unit=`, with XResolution in
 * pixels per unit, `spacing=`/`finterval=` for the stack axis), OME-XML
 * (PhysicalSizeX and its unit), the private tags DigitalMicrograph writes
 * (65003.. units, 65009.. scales), the FEI/Thermo metadata text (tag 34682,
 * [Scan] PixelWidth in metres), and last the TIFF resolution tags when their
 * unit is an inch or a centimetre.
 */
#include "al-tiff-private.h"

#include <math.h>
#include <string.h>

#define AL_NM_PER_INCH 2.54e7
#define AL_NM_PER_CM 1e7
#define AL_NM_PER_M 1e9

/* Private tags DigitalMicrograph writes into its TIFF exports (numbers as
 * HyperSpy/RosettaSciIO read them): units and scales of x, y and z. */
enum
{
  DM_TAG_UNIT_X = 65003,
  DM_TAG_UNIT_Y = 65004,
  DM_TAG_UNIT_Z = 65005,
  DM_TAG_SCALE_X = 65009,
  DM_TAG_SCALE_Y = 65010,
  DM_TAG_SCALE_Z = 65011,
  FEI_TAG_METADATA = 34682,
};

/* Registered with libtiff so it reads them with the type we ask for (and
 * ignores them, with a warning, when a file stores another type). */
static const TIFFFieldInfo private_fields[] = {
  { DM_TAG_UNIT_X, TIFF_VARIABLE, TIFF_VARIABLE, TIFF_ASCII, FIELD_CUSTOM, TRUE, FALSE, "DMUnitX" },
  { DM_TAG_UNIT_Y, TIFF_VARIABLE, TIFF_VARIABLE, TIFF_ASCII, FIELD_CUSTOM, TRUE, FALSE, "DMUnitY" },
  { DM_TAG_UNIT_Z, TIFF_VARIABLE, TIFF_VARIABLE, TIFF_ASCII, FIELD_CUSTOM, TRUE, FALSE, "DMUnitZ" },
  { DM_TAG_SCALE_X, 1, 1, TIFF_DOUBLE, FIELD_CUSTOM, TRUE, FALSE, "DMScaleX" },
  { DM_TAG_SCALE_Y, 1, 1, TIFF_DOUBLE, FIELD_CUSTOM, TRUE, FALSE, "DMScaleY" },
  { DM_TAG_SCALE_Z, 1, 1, TIFF_DOUBLE, FIELD_CUSTOM, TRUE, FALSE, "DMScaleZ" },
  { FEI_TAG_METADATA, TIFF_VARIABLE, TIFF_VARIABLE, TIFF_ASCII, FIELD_CUSTOM, TRUE, FALSE,
    "FEIMetadata" },
};

static TIFFExtendProc parent_extender;

static void
extend_tags (TIFF *tif)
{
  TIFFMergeFieldInfo (tif, private_fields, G_N_ELEMENTS (private_fields));
  if (parent_extender != NULL)
    parent_extender (tif);
}

void
al_tiff_register_tags (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      parent_extender = TIFFSetTagExtender (extend_tags);
      g_once_init_leave (&once, 1);
    }
}

char *
al_tiff_get_text (TIFF    *tif,
                  guint32  tag)
{
  const char *text = NULL;

  if (!TIFFGetField (tif, tag, &text) || text == NULL)
    return NULL;
  if (g_utf8_validate (text, -1, NULL))
    return g_strdup (text);
  /* Older Windows software writes Latin-1 ("µm" as byte 0xB5). */
  return g_convert (text, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

static gboolean
get_double (TIFF    *tif,
            guint32  tag,
            double  *value)
{
  return TIFFGetField (tif, tag, value) && isfinite (*value) && *value > 0.0;
}

/* Unit names as microscopists write them, in one spelling; NULL for "no
 * unit" (ImageJ's "pixel", an empty string). */
static const char *
canonical_unit (const char *unit)
{
  static const struct { const char *in, *out; } names[] = {
    { "micron", "µm" }, { "microns", "µm" }, { "um", "µm" }, { "µm", "µm" }, { "μm", "µm" },
    { "micrometer", "µm" }, { "nanometer", "nm" }, { "A", "Å" }, { "Å", "Å" }, { "angstrom", "Å" },
    { "pixel", NULL }, { "pixels", NULL }, { "", NULL }, { "px", NULL },
  };
  g_autofree char *trimmed = NULL;

  if (unit == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (unit));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (strcmp (trimmed, names[i].in) == 0)
      return names[i].out;
  return g_intern_string (trimmed);
}

/* ImageJ writes non-ASCII characters as \uXXXX. */
static char *
unescape_imagej (const char *value)
{
  GString *out = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == 'u' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3])
          && g_ascii_isxdigit (p[4]) && g_ascii_isxdigit (p[5]))
        {
          char hex[5] = { p[2], p[3], p[4], p[5], '\0' };
          g_string_append_unichar (out, (gunichar) g_ascii_strtoull (hex, NULL, 16));
          p += 5;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* "key=value" lines (ImageJ descriptions, FEI sections) into a table. */
static GHashTable *
parse_lines (const char *text)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto (GStrv) lines = g_strsplit_set (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *eq = strchr (lines[i], '=');
      if (eq == NULL || eq == lines[i])
        continue;
      *eq = '\0';
      g_hash_table_replace (table, g_strstrip (g_strdup (lines[i])), unescape_imagej (eq + 1));
    }
  return table;
}

static double
parse_number (const char *text)
{
  char *end = NULL;
  double v;

  if (text == NULL)
    return 0.0;
  v = g_ascii_strtod (text, &end);
  return (end != text && isfinite (v) && v > 0.0) ? v : 0.0;
}

static gboolean
from_imagej (TIFF       *tif,
             const char *description,
             AlImage    *image)
{
  g_autoptr (GHashTable) keys = parse_lines (description);
  const char *unit = canonical_unit (g_hash_table_lookup (keys, "unit"));
  float xres = 0.0f, yres = 0.0f;
  double frame_interval = parse_number (g_hash_table_lookup (keys, "finterval"));
  double spacing = parse_number (g_hash_table_lookup (keys, "spacing"));

  if (unit != NULL && TIFFGetField (tif, TIFFTAG_XRESOLUTION, &xres) && isfinite (xres) && xres > 0)
    {
      if (!TIFFGetField (tif, TIFFTAG_YRESOLUTION, &yres) || !isfinite (yres) || yres <= 0)
        yres = xres;
      al_image_set_calibration (image, 1.0 / xres, 1.0 / yres, unit);
    }
  if (frame_interval > 0.0)
    {
      const char *tunit = g_hash_table_lookup (keys, "tunit");
      image->frame_scale = frame_interval;
      image->frame_unit = g_strdup (tunit != NULL ? tunit : "s");
    }
  else if (spacing > 0.0)
    {
      /* ImageJ's spacing is the z step, in the image's unit. */
      image->frame_scale = spacing;
      image->frame_unit = g_strdup (unit);
    }
  return image->unit != NULL;
}

/* The value of attribute `name` in the first <Pixels> element, or NULL. */
static char *
ome_pixels_attribute (const char *xml,
                      const char *name)
{
  const char *pixels = xml;
  g_autofree char *pattern = g_strdup_printf (" %s=\"", name);
  const char *end, *at, *close;

  while ((pixels = strstr (pixels, "Pixels")) != NULL)
    {
      if (pixels > xml && (pixels[-1] == '<' || pixels[-1] == ':') && g_ascii_isspace (pixels[6]))
        break;
      pixels += 6;
    }
  if (pixels == NULL || (end = strchr (pixels, '>')) == NULL)
    return NULL;
  at = g_strstr_len (pixels, end - pixels, pattern);
  if (at == NULL)
    return NULL;
  at += strlen (pattern);
  close = memchr (at, '"', end - at);
  return close != NULL ? g_strndup (at, close - at) : NULL;
}

static gboolean
from_ome (const char *xml,
          AlImage    *image)
{
  g_autofree char *size_x = ome_pixels_attribute (xml, "PhysicalSizeX");
  g_autofree char *size_y = ome_pixels_attribute (xml, "PhysicalSizeY");
  g_autofree char *unit_x = ome_pixels_attribute (xml, "PhysicalSizeXUnit");
  g_autofree char *step_t = ome_pixels_attribute (xml, "TimeIncrement");
  g_autofree char *unit_t = ome_pixels_attribute (xml, "TimeIncrementUnit");
  double sx = parse_number (size_x), sy = parse_number (size_y);

  if (parse_number (step_t) > 0.0)
    {
      image->frame_scale = parse_number (step_t);
      image->frame_unit = g_strdup (unit_t != NULL ? unit_t : "s");
    }
  if (sx <= 0.0)
    return FALSE;
  /* OME's default length unit is the micrometre. */
  al_image_set_calibration (image, sx, sy > 0.0 ? sy : sx,
                            unit_x != NULL ? canonical_unit (unit_x) : "µm");
  return image->unit != NULL;
}

static gboolean
from_digitalmicrograph (TIFF    *tif,
                        AlImage *image)
{
  g_autofree char *unit_x = al_tiff_get_text (tif, DM_TAG_UNIT_X);
  g_autofree char *unit_z = al_tiff_get_text (tif, DM_TAG_UNIT_Z);
  double sx = 0.0, sy = 0.0, sz = 0.0;
  const char *unit = canonical_unit (unit_x);

  if (unit == NULL || !get_double (tif, DM_TAG_SCALE_X, &sx))
    return FALSE;
  if (!get_double (tif, DM_TAG_SCALE_Y, &sy))
    sy = sx;
  al_image_set_calibration (image, sx, sy, unit);
  if (get_double (tif, DM_TAG_SCALE_Z, &sz))
    {
      image->frame_scale = sz;
      image->frame_unit = g_strdup (canonical_unit (unit_z));
    }
  return TRUE;
}

/* FEI/Thermo SEM and DualBeam TIFFs: an INI text with [Section]s, copied
 * to the metadata as "FEI.Section.Key". */
static void
read_fei_metadata (TIFF    *tif,
                   AlImage *image)
{
  g_autofree char *text = al_tiff_get_text (tif, FEI_TAG_METADATA);
  g_auto (GStrv) lines = NULL;
  g_autofree char *section = g_strdup ("");

  if (text == NULL)
    return;
  lines = g_strsplit_set (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      char *eq = strchr (line, '=');
      gsize len = strlen (line);
      g_autofree char *key = NULL;

      if (len > 2 && line[0] == '[' && line[len - 1] == ']')
        {
          g_free (section);
          section = g_strndup (line + 1, len - 2);
          continue;
        }
      if (eq == NULL || eq == line)
        continue;
      *eq = '\0';
      key = g_strdup_printf ("FEI.%s.%s", section, g_strstrip (line));
      al_image_set_metadata (image, key, g_strstrip (eq + 1));
    }
}

/* The FEI pixel size is [Scan] PixelWidth/PixelHeight, in metres. */
static gboolean
from_fei (AlImage *image)
{
  double width = parse_number (al_image_get_metadata (image, "FEI.Scan.PixelWidth"));
  double height = parse_number (al_image_get_metadata (image, "FEI.Scan.PixelHeight"));

  if (width <= 0.0)
    return FALSE;
  al_image_set_calibration (image, width * AL_NM_PER_M, (height > 0 ? height : width) * AL_NM_PER_M,
                            "nm");
  return TRUE;
}

static gboolean
from_resolution (TIFF    *tif,
                 AlImage *image)
{
  guint16 unit = RESUNIT_NONE;
  float xres = 0.0f, yres = 0.0f;
  double nm_per_unit;

  if (!TIFFGetField (tif, TIFFTAG_RESOLUTIONUNIT, &unit)
      || !TIFFGetField (tif, TIFFTAG_XRESOLUTION, &xres) || !isfinite (xres) || xres <= 0)
    return FALSE;
  if (unit == RESUNIT_INCH)
    nm_per_unit = AL_NM_PER_INCH;
  else if (unit == RESUNIT_CENTIMETER)
    nm_per_unit = AL_NM_PER_CM;
  else
    return FALSE;
  if (!TIFFGetField (tif, TIFFTAG_YRESOLUTION, &yres) || !isfinite (yres) || yres <= 0)
    yres = xres;
  al_image_set_calibration (image, nm_per_unit / xres, nm_per_unit / yres, "nm");
  return TRUE;
}

/* OME-XML, with or without a namespace prefix on its elements. */
static gboolean
is_ome (const char *description)
{
  return g_str_has_prefix (description, "<?xml")
         && (strstr (description, "<OME") != NULL || strstr (description, ":OME") != NULL);
}

void
al_tiff_read_calibration (TIFF    *tif,
                          guint    n_frames,
                          AlImage *image)
{
  g_autofree char *description = al_tiff_get_text (tif, TIFFTAG_IMAGEDESCRIPTION);
  const char *source = NULL;

  if (description != NULL && g_str_has_prefix (description, "ImageJ=")
      && from_imagej (tif, description, image))
    source = "ImageJ description";
  else if (description != NULL && is_ome (description) && from_ome (description, image))
    source = "OME-XML";
  else if (from_digitalmicrograph (tif, image))
    source = "DigitalMicrograph tags";
  else if (from_fei (image))
    source = "FEI metadata";
  else if (from_resolution (tif, image))
    source = "TIFF resolution tags";
  if (n_frames <= 1)
    {
      image->frame_scale = 0.0;
      g_clear_pointer (&image->frame_unit, g_free);
    }
  if (source != NULL)
    al_image_set_metadata (image, "Calibration", source);
}

static void
set_scaled (AlImage    *image,
            const char *key,
            const char *from,
            double      factor)
{
  const char *text = al_image_get_metadata (image, from);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  double v = parse_number (text);

  if (v > 0.0 && al_image_get_metadata (image, key) == NULL)
    al_image_set_metadata (image, key, g_ascii_formatd (buffer, sizeof buffer, "%.10g", v * factor));
}

static void
set_copy (AlImage    *image,
          const char *key,
          const char *from)
{
  const char *text = al_image_get_metadata (image, from);

  if (text != NULL && *text != '\0' && al_image_get_metadata (image, key) == NULL)
    al_image_set_metadata (image, key, text);
}

/* The keys every reader fills alike for the metadata panel ("Instrument",
 * "Voltage (kV)", ...), from the FEI text and the TIFF tags. */
static void
summarise (AlImage *image)
{
  const char *make = al_image_get_metadata (image, "Make");
  const char *model = al_image_get_metadata (image, "Model");
  const char *stamp = al_image_get_metadata (image, "DateTime");

  set_copy (image, "Instrument", "FEI.System.SystemType");
  set_scaled (image, "Voltage (kV)", "FEI.Beam.HV", 1e-3);
  set_scaled (image, "Dwell time (µs)", "FEI.Scan.Dwelltime", 1e6);
  set_copy (image, "Acquisition date", "FEI.User.Date");
  set_copy (image, "Acquisition time", "FEI.User.Time");
  set_copy (image, "Operator", "FEI.User.User");
  set_copy (image, "Detector", "FEI.Detectors.Name");
  if (model != NULL && al_image_get_metadata (image, "Instrument") == NULL)
    {
      g_autofree char *name = make != NULL && !g_str_has_prefix (model, make)
                                ? g_strdup_printf ("%s %s", make, model) : g_strdup (model);
      al_image_set_metadata (image, "Instrument", name);
    }
  set_copy (image, "Operator", "Artist");
  /* TIFF's "YYYY:MM:DD HH:MM:SS". */
  if (stamp != NULL && strlen (stamp) == 19 && stamp[4] == ':' && stamp[7] == ':'
      && al_image_get_metadata (image, "Acquisition date") == NULL)
    {
      g_autofree char *date = g_strndup (stamp, 10);
      date[4] = date[7] = '-';
      al_image_set_metadata (image, "Acquisition date", date);
      al_image_set_metadata (image, "Acquisition time", stamp + 11);
    }
}

void
al_tiff_read_metadata (TIFF    *tif,
                       AlImage *image)
{
  static const struct { guint32 tag; const char *key; } tags[] = {
    { TIFFTAG_IMAGEDESCRIPTION, "ImageDescription" },
    { TIFFTAG_SOFTWARE, "Software" },
    { TIFFTAG_DATETIME, "DateTime" },
    { TIFFTAG_MAKE, "Make" },
    { TIFFTAG_MODEL, "Model" },
    { TIFFTAG_ARTIST, "Artist" },
    { TIFFTAG_HOSTCOMPUTER, "HostComputer" },
    { TIFFTAG_DOCUMENTNAME, "DocumentName" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (tags); i++)
    {
      g_autofree char *text = al_tiff_get_text (tif, tags[i].tag);
      if (text != NULL && *g_strstrip (text) != '\0')
        al_image_set_metadata (image, tags[i].key, text);
    }
  read_fei_metadata (tif, image);
  summarise (image);
}
