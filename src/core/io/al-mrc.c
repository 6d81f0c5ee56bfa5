/* al-mrc.c: MRC / MRC2014 files (cryo-EM and tomography software, SerialEM,
 * IMOD, openNCEM), read into an AlImage.
 *
 * Layout (MRC2014, Cheng et al., J. Struct. Biol. 192 (2015) 146, and the
 * CCP-EM format page): a 1024-byte header of 4-byte words, an extended
 * header of NSYMBT bytes, then NZ sections of NY rows of NX samples. Each
 * section is a frame. The pixel size is the cell length over the sampling
 * along each axis (CELLA / MX, in Å); MAPC/MAPR/MAPS say which axis the
 * columns, rows and sections run along.
 *
 * Modes read: 0 (int8; uint8 for IMOD files that say so), 1 (int16),
 * 2 (float32), 6 (uint16), 12 (float16). Complex modes 3 and 4 are Fourier
 * transforms, refused as not an image; mode 101 (4-bit) is unsupported.
 */
#include "al-mrc.h"

#include <math.h>
#include <string.h>

#include "al-frame-source-private.h"

#define MRC_HEADER_BYTES 1024
/* Byte offsets of the header words we read. */
#define MRC_NX 0
#define MRC_MODE 12
#define MRC_MX 28
#define MRC_CELLA 40
#define MRC_MAPC 64
#define MRC_DMIN 76
#define MRC_ISPG 88
#define MRC_NSYMBT 92
#define MRC_IMOD_STAMP 152
#define MRC_IMOD_FLAGS 156
#define MRC_EXTTYP 104
#define MRC_NVERSION 108
#define MRC_MAP 208
#define MRC_MACHST 212
#define MRC_NLABL 220
#define MRC_LABELS 224
#define MRC_LABEL_BYTES 80
#define MRC_MAX_LABELS 10
/* IMOD marks its files with this stamp; bit 0 of its flags then says
 * whether mode-0 bytes are signed. */
#define MRC_IMOD_STAMP_VALUE 1146047817
#define MRC_IMOD_SIGNED_BYTES 1

typedef enum
{
  MODE_INT8 = 0,
  MODE_INT16 = 1,
  MODE_FLOAT32 = 2,
  MODE_COMPLEX_INT16 = 3,
  MODE_COMPLEX_FLOAT32 = 4,
  MODE_UINT16 = 6,
  MODE_FLOAT16 = 12,
  MODE_PACKED_4BIT = 101,
} MrcMode;

typedef struct
{
  const guint8 *data;
  gsize         size;
  gboolean      le;
  gint32        n[3];      /* NX, NY, NZ */
  gint32        mode;
  gint32        m[3];      /* MX, MY, MZ */
  float         cell[3];   /* CELLA, Å */
  gint32        map[3];    /* MAPC, MAPR, MAPS */
  gint32        n_symbt;
} MrcHeader;

static gint32
word (const guint8 *head,
      guint         offset,
      gboolean      le)
{
  guint32 v;

  memcpy (&v, head + offset, 4);
  return (gint32) (le ? GUINT32_FROM_LE (v) : GUINT32_FROM_BE (v));
}

static float
word_float (const guint8 *head,
            guint         offset,
            gboolean      le)
{
  gint32 v = word (head, offset, le);
  float f;

  memcpy (&f, &v, 4);
  return f;
}

static gboolean
known_mode (gint32 mode)
{
  return mode == MODE_INT8 || mode == MODE_INT16 || mode == MODE_FLOAT32
         || mode == MODE_COMPLEX_INT16 || mode == MODE_COMPLEX_FLOAT32 || mode == MODE_UINT16
         || mode == MODE_FLOAT16 || mode == MODE_PACKED_4BIT;
}

/* The header makes sense read in this byte order. */
static gboolean
plausible (const guint8 *head,
           gboolean      le)
{
  for (guint i = 0; i < 3; i++)
    {
      gint32 n = word (head, MRC_NX + 4 * i, le);
      gint32 map = word (head, MRC_MAPC + 4 * i, le);
      if (n <= 0 || map < 0 || map > 3)
        return FALSE;
    }
  return known_mode (word (head, MRC_MODE, le));
}

/* The machine stamp says the byte order: 0x44 0x44 (or 0x44 0x41) little,
 * 0x11 0x11 big. Old files without one are told by which order gives a
 * sensible header. */
static gboolean
byte_order (const guint8 *head,
            gboolean     *le)
{
  if (head[MRC_MACHST] == 0x44 && (head[MRC_MACHST + 1] == 0x44 || head[MRC_MACHST + 1] == 0x41))
    *le = TRUE;
  else if (head[MRC_MACHST] == 0x11 && head[MRC_MACHST + 1] == 0x11)
    *le = FALSE;
  else if (plausible (head, TRUE))
    *le = TRUE;
  else if (plausible (head, FALSE))
    *le = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
mrc_sniff (const guint8 *head,
           gsize         n_head,
           const char   *path)
{
  static const char *const extensions[] = { ".mrc", ".mrcs", ".map", ".st", ".ali", ".rec" };
  gboolean le;
  g_autofree char *lower = NULL;

  if (n_head < MRC_LABELS)
    return FALSE;
  /* MRC2000 and later write "MAP " at byte 208: then the file is MRC even
   * when its header is damaged (the loader says how). Older files are
   * known by a sensible header with a machine stamp or an MRC name. */
  if (memcmp (head + MRC_MAP, "MAP ", 4) == 0)
    return TRUE;
  if (!byte_order (head, &le) || !plausible (head, le))
    return FALSE;
  if (head[MRC_MACHST] == 0x44 || head[MRC_MACHST] == 0x11)
    return TRUE;
  lower = g_ascii_strdown (path, -1);
  for (guint i = 0; i < G_N_ELEMENTS (extensions); i++)
    if (g_str_has_suffix (lower, extensions[i]))
      return TRUE;
  return FALSE;
}

static gboolean
parse_header (MrcHeader  *h,
              const char *name,
              GError    **error)
{
  if (h->size < MRC_HEADER_BYTES)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: an MRC header has %d bytes, the file %" G_GSIZE_FORMAT,
                   name, MRC_HEADER_BYTES, h->size);
      return FALSE;
    }
  if (!byte_order (h->data, &h->le) || !plausible (h->data, h->le))
    {
      gboolean le = h->data[MRC_MACHST] != 0x11;
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” has a damaged MRC header: %d×%d×%d samples in mode %d make no sense",
                   name, word (h->data, MRC_NX, le), word (h->data, MRC_NX + 4, le),
                   word (h->data, MRC_NX + 8, le), word (h->data, MRC_MODE, le));
      return FALSE;
    }
  for (guint i = 0; i < 3; i++)
    {
      h->n[i] = word (h->data, MRC_NX + 4 * i, h->le);
      h->m[i] = word (h->data, MRC_MX + 4 * i, h->le);
      h->cell[i] = word_float (h->data, MRC_CELLA + 4 * i, h->le);
      h->map[i] = word (h->data, MRC_MAPC + 4 * i, h->le);
    }
  h->mode = word (h->data, MRC_MODE, h->le);
  h->n_symbt = word (h->data, MRC_NSYMBT, h->le);
  if (h->n_symbt < 0)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_CORRUPT,
                   "“%s” has a damaged MRC header (extended header of %d bytes)", name, h->n_symbt);
      return FALSE;
    }
  return TRUE;
}

static gboolean
sample_type (const MrcHeader *h,
             const char      *name,
             AlSampleType    *type,
             const char     **dtype,
             GError         **error)
{
  gboolean imod = word (h->data, MRC_IMOD_STAMP, h->le) == MRC_IMOD_STAMP_VALUE;
  gboolean imod_signed = (word (h->data, MRC_IMOD_FLAGS, h->le) & MRC_IMOD_SIGNED_BYTES) != 0;

  switch (h->mode)
    {
    case MODE_INT8:
      /* MRC2014 says signed; IMOD wrote unsigned bytes unless it flags them. */
      *type = (imod && !imod_signed) ? AL_SAMPLE_UINT8 : AL_SAMPLE_INT8;
      *dtype = al_sample_type_name (*type);
      return TRUE;
    case MODE_INT16: *type = AL_SAMPLE_INT16; *dtype = "int16"; return TRUE;
    case MODE_FLOAT32: *type = AL_SAMPLE_FLOAT32; *dtype = "float32"; return TRUE;
    case MODE_UINT16: *type = AL_SAMPLE_UINT16; *dtype = "uint16"; return TRUE;
    case MODE_FLOAT16: *type = AL_SAMPLE_FLOAT16; *dtype = "float16"; return TRUE;
    case MODE_COMPLEX_INT16:
    case MODE_COMPLEX_FLOAT32:
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_NOT_AN_IMAGE,
                   "“%s” holds complex numbers (MRC mode %d, a Fourier transform), not an image",
                   name, h->mode);
      return FALSE;
    default:
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_UNSUPPORTED,
                   "“%s” stores its samples in MRC mode %d, which AtomLens does not read", name,
                   h->mode);
      return FALSE;
    }
}

/* Pixel size along the columns, rows and sections: the cell length of the
 * axis each runs along over that axis's sampling. */
static void
set_calibration (AlImage         *image,
                 const MrcHeader *h)
{
  gint32 axis[3] = { 0, 1, 2 };
  double step[3];
  gboolean permutation = (h->map[0] | h->map[1] | h->map[2]) != 0
                         && h->map[0] + h->map[1] + h->map[2] == 6
                         && h->map[0] * h->map[1] * h->map[2] == 6;

  for (guint i = 0; i < 3; i++)
    {
      gint32 a = permutation ? h->map[i] - 1 : axis[i];
      step[i] = (h->m[a] > 0 && isfinite (h->cell[a]) && h->cell[a] > 0) ? h->cell[a] / h->m[a] : 0;
    }
  if (step[0] > 0)
    al_image_set_calibration (image, step[0], step[1] > 0 ? step[1] : step[0], "Å");
  if (image->n_frames > 1 && step[2] > 0)
    {
      image->frame_scale = step[2];
      image->frame_unit = g_strdup ("Å");
    }
}

static void
set_metadata (AlImage         *image,
              const MrcHeader *h)
{
  gint32 n_labels = CLAMP (word (h->data, MRC_NLABL, h->le), 0, MRC_MAX_LABELS);
  gint32 version = word (h->data, MRC_NVERSION, h->le);
  g_autofree char *space_group = g_strdup_printf ("%d", word (h->data, MRC_ISPG, h->le));
  char exttyp[5] = { 0 };

  for (gint32 i = 0; i < n_labels; i++)
    {
      g_autofree char *raw = g_strndup ((const char *) h->data + MRC_LABELS + i * MRC_LABEL_BYTES,
                                        MRC_LABEL_BYTES);
      g_autofree char *key = g_strdup_printf ("MRC.label%d", i);
      if (g_utf8_validate (raw, -1, NULL) && *g_strstrip (raw) != '\0')
        al_image_set_metadata (image, key, raw);
    }
  if (version > 0)
    {
      g_autofree char *text = g_strdup_printf ("%d", version);
      al_image_set_metadata (image, "MRC.version", text);
    }
  memcpy (exttyp, h->data + MRC_EXTTYP, 4);
  if (h->n_symbt > 0 && g_ascii_isalnum (exttyp[0]))
    al_image_set_metadata (image, "MRC.extended_header", exttyp);
  al_image_set_metadata (image, "MRC.space_group", space_group);
}

/* Reads the header, checks that the file holds every declared frame, and
 * sets up reading frames from the mapping. */
static gboolean
open_source (AlFrameSource *source,
             GError       **error)
{
  MrcHeader h = { 0 };
  AlSampleType type;
  const char *dtype;
  guint64 data_at, n_bytes;
  AlRawFrames raw = { 0 };
  AlImage *info;

  h.data = source->data;
  h.size = source->size;
  if (!parse_header (&h, source->name, error)
      || !sample_type (&h, source->name, &type, &dtype, error))
    return FALSE;

  if (h.n[0] > AL_IMAGE_MAX_SIDE || h.n[1] > AL_IMAGE_MAX_SIDE)
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TOO_LARGE,
                   "“%s” holds frames of %d×%d samples, more than AtomLens reads", source->name,
                   h.n[0], h.n[1]);
      return FALSE;
    }
  data_at = MRC_HEADER_BYTES + (guint64) h.n_symbt;
  /* NX, NY and NZ are positive 32-bit numbers; an overflow cannot fit the file. */
  if (!g_uint64_checked_mul (&n_bytes, (guint64) h.n[0] * h.n[1], (guint64) h.n[2])
      || !g_uint64_checked_mul (&n_bytes, n_bytes, al_sample_type_size (type)))
    n_bytes = G_MAXUINT64;
  if (!al_io_span_ok (h.size, data_at, n_bytes))
    {
      g_set_error (error, AL_IO_ERROR, AL_IO_ERROR_TRUNCATED,
                   "“%s” is cut short: %d×%d×%d samples need %" G_GUINT64_FORMAT
                   " bytes from byte %" G_GUINT64_FORMAT " but the file has %" G_GSIZE_FORMAT,
                   source->name, h.n[0], h.n[1], h.n[2], n_bytes, data_at, h.size);
      return FALSE;
    }
  info = al_frame_source_set_info (source, (guint) h.n[0], (guint) h.n[1], (guint) h.n[2], error);
  if (info == NULL)
    return FALSE;
  g_free (info->dtype);
  info->dtype = g_strdup (dtype);
  info->format = g_strdup ("MRC");
  set_calibration (info, &h);
  set_metadata (info, &h);

  raw.kind = AL_RAW_SAMPLES;
  raw.type = type;
  raw.little_endian = h.le;
  raw.first_offset = data_at;
  raw.stride = (guint64) h.n[0] * h.n[1] * al_sample_type_size (type);
  al_frame_source_set_raw (source, &raw);
  return TRUE;
}

AlImage *
al_mrc_load_bytes (const guint8 *data,
                   gsize         size,
                   const char   *name,
                   GError      **error)
{
  return al_frame_source_load_bytes (data, size, name, open_source, error);
}

static gboolean
mrc_open (AlFrameSource *source,
          const char    *path,
          GError       **error)
{
  return al_frame_source_map (source, path, error) && open_source (source, error);
}

const AlImageReader al_mrc_reader = {
  .format = "MRC",
  .sniff = mrc_sniff,
  .open = mrc_open,
};
