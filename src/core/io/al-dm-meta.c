/* al-dm-meta.c: calibration and microscope metadata of a DM image.
 *
 * Calibration lives in ImageData/Calibrations/Dimension, one unnamed group
 * per axis (x, y, then the stack axis) with "Scale" (units per pixel),
 * "Origin" (in pixels) and "Units" (UTF-16 text). AlImage keeps one unit for
 * both axes, so y is converted into x's unit when both are lengths.
 */
#include "al-dm-meta.h"

#include <math.h>

#include "al-io-bytes.h"

typedef struct
{
  double scale;
  char  *unit;   /* normalized; NULL when uncalibrated */
} DmAxis;

/* What ImageTags says, under the key AtomLens shows. The first field found
 * for a key wins, so better sources come first. */
typedef struct
{
  const char *path;     /* below ImageTags */
  const char *key;
  double      factor;   /* numbers are multiplied by this (0: as text); a
                         * number 0 means "not recorded" and is skipped */
} DmField;

static const DmField fields[] = {
  { "Microscope Info/Voltage", "Voltage (kV)", 1e-3 },
  { "Microscope Info/Indicated Magnification", "Magnification", 1 },
  { "Microscope Info/Actual Magnification", "Magnification", 1 },
  /* What the user typed for the session names the instrument better than
   * the microscope plug-in's own name ("FEI Tecnai Remote"). */
  { "Session Info/Microscope", "Instrument", 0 },
  { "Microscope Info/Microscope", "Instrument", 0 },
  { "Microscope Info/Name", "Instrument", 0 },
  { "Microscope Info/Operator", "Operator", 0 },
  { "Session Info/Operator", "Operator", 0 },
  { "Microscope Info/Specimen", "Specimen", 0 },
  { "Session Info/Specimen", "Specimen", 0 },
  { "Microscope Info/Illumination Mode", "Illumination mode", 0 },
  { "Microscope Info/Imaging Mode", "Imaging mode", 0 },
  { "Microscope Info/STEM Camera Length", "Camera length (mm)", 1 },
  { "Microscope Info/Probe Current (nA)", "Probe current (nA)", 1 },
  { "DataBar/Acquisition Date", "Acquisition date", 0 },
  { "DataBar/Acquisition Time", "Acquisition time", 0 },
  { "DigiScan/Sample Time", "Dwell time (µs)", 1 },
  { "Acquisition/Parameters/High Level/Exposure (s)", "Exposure (s)", 1 },
  { "DataBar/Exposure Time (s)", "Exposure (s)", 1 },
  { "Acquisition/Device/Name", "Detector", 0 },
  { "DataBar/Device Name", "Detector", 0 },
  { "Meta Data/Signal", "Signal", 0 },
};

static DmAxis
read_axis (const AlDmFile *file,
           const AlDmTag  *dimension)
{
  DmAxis axis = { 1.0, NULL };
  g_autofree char *unit = al_dm_tag_get_text (file, al_dm_tag_lookup (dimension, "Units"));
  double scale;

  if (al_dm_tag_get_number (file, al_dm_tag_lookup (dimension, "Scale"), &scale)
      && isfinite (scale) && scale > 0.0)
    axis.scale = scale;
  axis.unit = al_io_normalize_unit (unit);
  return axis;
}

void
al_dm_read_calibration (const AlDmFile *file,
                        const AlDmTag  *entry,
                        AlImage        *image)
{
  const AlDmTag *dims = al_dm_tag_lookup (entry, "ImageData/Calibrations/Dimension");
  DmAxis x, y;
  double scale_y;

  if (al_dm_tag_n_children (dims) < 2)
    return;
  x = read_axis (file, al_dm_tag_child (dims, 0));
  y = read_axis (file, al_dm_tag_child (dims, 1));
  scale_y = y.scale;
  if (x.unit != NULL)
    {
      /* Same unit, or y converted into x's; a y unit that cannot be
       * compared (energy against length) keeps its number. */
      al_io_convert_length (y.scale, y.unit != NULL ? y.unit : x.unit, x.unit, &scale_y);
      al_image_set_calibration (image, x.scale, scale_y, x.unit);
    }
  if (al_dm_tag_n_children (dims) > 2 && image->n_frames > 1)
    {
      DmAxis z = read_axis (file, al_dm_tag_child (dims, 2));
      image->frame_scale = z.scale;
      image->frame_unit = g_steal_pointer (&z.unit);
    }
  g_free (x.unit);
  g_free (y.unit);
}

static char *
field_text (const AlDmFile *file,
            const AlDmTag  *tag,
            double          factor)
{
  double value;

  if (factor != 0 && al_dm_tag_get_number (file, tag, &value))
    {
      if (value == 0 || !isfinite (value))
        return NULL;
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.10g", value * factor));
    }
  return al_dm_tag_get_text (file, tag);
}

/* In TEM diffraction, DM's "Indicated Magnification" is the camera length
 * in mm (rosettasciio reads it so too); in STEM ("SCANNING") it is the
 * magnification even when the imaging mode says DIFFRACTION. */
static void
fix_diffraction_magnification (const AlDmFile *file,
                               const AlDmTag  *tags,
                               AlImage        *image)
{
  g_autofree char *mode = al_dm_tag_get_text (file, al_dm_tag_lookup (tags,
                                                                     "Microscope Info/Imaging Mode"));
  g_autofree char *operation = al_dm_tag_get_text (file, al_dm_tag_lookup (
                                                           tags, "Microscope Info/Operation Mode"));
  const char *magnification = al_image_get_metadata (image, "Magnification");

  if (mode == NULL || g_ascii_strcasecmp (mode, "DIFFRACTION") != 0 || magnification == NULL
      || (operation != NULL && g_ascii_strcasecmp (operation, "SCANNING") == 0))
    return;
  al_image_set_metadata (image, "Camera length (mm)", magnification);
  al_image_set_metadata (image, "Magnification", NULL);
}

void
al_dm_read_metadata (const AlDmFile *file,
                     const AlDmTag  *entry,
                     AlImage        *image)
{
  const AlDmTag *tags = al_dm_tag_lookup (entry, "ImageTags");

  if (tags == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *text = NULL;
      if (al_image_get_metadata (image, fields[i].key) != NULL)
        continue;
      text = field_text (file, al_dm_tag_lookup (tags, fields[i].path), fields[i].factor);
      if (text != NULL && text[0] != '\0')
        al_image_set_metadata (image, fields[i].key, text);
    }
  fix_diffraction_magnification (file, tags, image);
}
