/* al-emi.c: metadata from a TIA EMI file.
 *
 * An EMI file is binary, but holds one XML fragment, <ObjectInfo>, with
 * what the microscope and TIA recorded: the accelerating voltage, the
 * acquisition date and dwell time, and a list of <Data> entries (Label,
 * Value, Unit) such as "High tension 80 kV" or "Magnification 13500000 x".
 * Only that fragment is parsed; an EMI we cannot read adds nothing (the
 * image itself comes from the SER file).
 */
#include "al-ser.h"

#include <math.h>
#include <string.h>

/* The fragment is a few kB; refuse to parse megabytes of it. */
#define AL_EMI_MAX_XML (1u << 20)

static const char xml_start[] = "<ObjectInfo>";
static const char xml_end[] = "</ObjectInfo>";

typedef struct
{
  AlImage *image;
  GString *text;     /* text of the element being read */
  char    *label;    /* current <Data> entry */
  char    *value;
  char    *unit;
} EmiParser;

/* Readable keys for <Data> labels TIA writes (value scaled by factor). */
static const struct
{
  const char *label;
  const char *key;
  double      factor;
} known_labels[] = {
  { "Microscope", "Instrument", 0 },
  { "User", "Operator", 0 },
  { "High tension", "Voltage (kV)", 1 },
  { "Magnification", "Magnification", 1 },
  { "Camera length", "Camera length (mm)", 1e3 },
  { "Mode", "Imaging mode", 0 },
};

static void
replace_str (char      **slot,
             const char *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

static void
set_number (AlImage    *image,
            const char *key,
            const char *text,
            double      factor)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *end;
  double v = g_ascii_strtod (text, &end);

  if (end == text || !isfinite (v) || v == 0)
    return;
  al_image_set_metadata (image, key, g_ascii_formatd (buffer, sizeof buffer, "%.10g", v * factor));
}

static void
finish_data_entry (EmiParser *p)
{
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  if (p->label == NULL || p->value == NULL || p->label[0] == '\0')
    return;
  value = g_strstrip (g_strdup (p->value));
  key = (p->unit != NULL && p->unit[0] != '\0') ? g_strdup_printf ("%s [%s]", p->label, p->unit)
                                                 : g_strdup (p->label);
  al_image_set_metadata (p->image, key, value);
  for (guint i = 0; i < G_N_ELEMENTS (known_labels); i++)
    if (strcmp (p->label, known_labels[i].label) == 0
        && al_image_get_metadata (p->image, known_labels[i].key) == NULL)
      {
        if (known_labels[i].factor != 0)
          set_number (p->image, known_labels[i].key, value, known_labels[i].factor);
        else if (value[0] != '\0')
          al_image_set_metadata (p->image, known_labels[i].key, value);
      }
}

static void
start_element (GMarkupParseContext *context,
               const char          *element,
               const char         **names,
               const char         **values,
               gpointer             data,
               GError             **error)
{
  EmiParser *p = data;

  g_string_truncate (p->text, 0);
  if (strcmp (element, "Data") == 0)
    {
      g_clear_pointer (&p->label, g_free);
      g_clear_pointer (&p->value, g_free);
      g_clear_pointer (&p->unit, g_free);
    }
}

static void
end_element (GMarkupParseContext *context,
             const char          *element,
             gpointer             data,
             GError             **error)
{
  EmiParser *p = data;
  const char *text = p->text->str;

  if (strcmp (element, "Label") == 0)
    replace_str (&p->label, text);
  else if (strcmp (element, "Value") == 0)
    replace_str (&p->value, text);
  else if (strcmp (element, "Unit") == 0)
    replace_str (&p->unit, text);
  else if (strcmp (element, "Data") == 0)
    finish_data_entry (p);
  else if (strcmp (element, "AcceleratingVoltage") == 0)
    set_number (p->image, "Voltage (kV)", text, 1e-3);
  else if (strcmp (element, "AcquireDate") == 0 && text[0] != '\0')
    al_image_set_metadata (p->image, "Acquisition date", text);
  else if (strcmp (element, "DwellTimePath") == 0)
    set_number (p->image, "Dwell time (µs)", text, 1e6);
  g_string_truncate (p->text, 0);
}

static void
text (GMarkupParseContext *context,
      const char          *chars,
      gsize                n,
      gpointer             data,
      GError             **error)
{
  EmiParser *p = data;

  if (p->text->len < AL_EMI_MAX_XML)
    g_string_append_len (p->text, chars, (gssize) n);
}

void
al_emi_read_metadata (const guint8 *data,
                      gsize         size,
                      AlImage      *image)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  const guint8 *start, *end;
  g_autofree char *xml = NULL;
  g_autofree char *valid = NULL;
  EmiParser p = { image, g_string_new (NULL) };
  GMarkupParseContext *context;

  if (data == NULL)
    return;
  start = memmem (data, size, xml_start, strlen (xml_start));
  if (start == NULL)
    goto out;
  end = memmem (start, size - (start - data), xml_end, strlen (xml_end));
  if (end == NULL || end - start > AL_EMI_MAX_XML)
    goto out;
  xml = g_strndup ((const char *) start, end - start + strlen (xml_end));
  valid = g_utf8_make_valid (xml, -1);
  context = g_markup_parse_context_new (&parser, G_MARKUP_DEFAULT_FLAGS, &p, NULL);
  /* A parse error leaves what was read before it. */
  if (g_markup_parse_context_parse (context, valid, -1, NULL))
    g_markup_parse_context_end_parse (context, NULL);
  g_markup_parse_context_free (context);
out:
  g_string_free (p.text, TRUE);
  g_free (p.label);
  g_free (p.value);
  g_free (p.unit);
}
