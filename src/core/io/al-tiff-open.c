/* al-tiff-open.c: opening TIFF files with libtiff's messages captured.
 *
 * libtiff prints errors and warnings to stderr through process-wide
 * handlers. The core never prints, and two files read in two threads must
 * not mix their messages, so every file gets its own handlers through
 * TIFFOpenOptions (libtiff >= 4.5) that keep the first error for the GError.
 */
#include "al-tiff-private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* libtiff's own allocations (strip tables, decoding buffers) for one file
 * stay below this, so a hostile header cannot make it reserve gigabytes. */
#define AL_TIFF_MAX_SINGLE_ALLOC ((tmsize_t) 1 << 30)

static int
on_error (TIFF       *tif,
          void       *user_data,
          const char *module,
          const char *fmt,
          va_list     ap)
{
  AlTiffLog *log = user_data;

  if (log->first_error == NULL)
    log->first_error = g_strdup_vprintf (fmt, ap);
  return 1;
}

static int
on_warning (TIFF       *tif,
            void       *user_data,
            const char *module,
            const char *fmt,
            va_list     ap)
{
  /* Warnings (unknown private tags, odd but readable fields) are what
   * microscope software writes all the time; they never stop a read. */
  return 1;
}

static void
silence_global_handlers (void)
{
  static gsize once = 0;

  /* Messages libtiff emits outside any file's handlers must not reach
   * stderr either. */
  if (g_once_init_enter (&once))
    {
      TIFFSetErrorHandler (NULL);
      TIFFSetWarningHandler (NULL);
      g_once_init_leave (&once, 1);
    }
}

static TIFFOpenOptions *
new_options (AlTiffLog *log)
{
  TIFFOpenOptions *opts = TIFFOpenOptionsAlloc ();

  silence_global_handlers ();
  al_tiff_register_tags ();
  TIFFOpenOptionsSetErrorHandlerExtR (opts, on_error, log);
  TIFFOpenOptionsSetWarningHandlerExtR (opts, on_warning, log);
  TIFFOpenOptionsSetMaxSingleMemAlloc (opts, AL_TIFF_MAX_SINGLE_ALLOC);
  return opts;
}

static TIFF *
check_opened (TIFF       *tif,
              const char *path,
              const char *mode,
              AlTiffLog  *log,
              GError    **error)
{
  g_autofree char *name = NULL;
  g_autofree char *what = NULL;

  if (tif != NULL)
    return tif;
  name = g_path_get_basename (path);
  if (mode[0] == 'r')
    {
      what = g_strdup_printf ("“%s” is not a readable TIFF file", name);
      al_tiff_set_error (error, AL_IO_ERROR_CORRUPT, log, what);
    }
  else
    {
      what = g_strdup_printf ("Cannot write the TIFF file “%s”", name);
      al_tiff_set_error (error, AL_IO_ERROR_WRITE, log, what);
    }
  return NULL;
}

/* A file in memory, read through libtiff's client procedures. */
typedef struct
{
  const guint8 *data;
  gsize         size;
  guint64       position;
} MemoryFile;

static tmsize_t
memory_read (thandle_t handle,
             void     *buffer,
             tmsize_t  n)
{
  MemoryFile *m = handle;
  guint64 left = m->position < m->size ? m->size - m->position : 0;
  guint64 count = MIN ((guint64) MAX (n, 0), left);

  if (count > 0)
    memcpy (buffer, m->data + m->position, count);
  m->position += count;
  return (tmsize_t) count;
}

static tmsize_t
memory_write (thandle_t handle,
              void     *buffer,
              tmsize_t  n)
{
  return -1;
}

static toff_t
memory_seek (thandle_t handle,
             toff_t    offset,
             int       whence)
{
  MemoryFile *m = handle;
  guint64 base = whence == SEEK_CUR ? m->position : whence == SEEK_END ? m->size : 0;

  /* Offsets are unsigned; a wrap-around means a seek before the start. */
  if (base + offset < base)
    return (toff_t) -1;
  m->position = base + offset;
  return m->position;
}

static int
memory_close (thandle_t handle)
{
  g_free (handle);
  return 0;
}

static toff_t
memory_size (thandle_t handle)
{
  return ((MemoryFile *) handle)->size;
}

static int
memory_map (thandle_t handle,
            void    **base,
            toff_t   *size)
{
  MemoryFile *m = handle;

  /* libtiff only reads through the mapping in "r" mode. */
  *base = (void *) m->data;
  *size = m->size;
  return 1;
}

static void
memory_unmap (thandle_t handle,
              void     *base,
              toff_t    size)
{
}

TIFF *
al_tiff_open_bytes (const guint8 *data,
                    gsize         size,
                    const char   *name,
                    AlTiffLog    *log,
                    GError      **error)
{
  TIFFOpenOptions *opts = new_options (log);
  MemoryFile *m = g_new0 (MemoryFile, 1);
  TIFF *tif;

  m->data = data;
  m->size = size;
  tif = TIFFClientOpenExt (name, "r", m, memory_read, memory_write, memory_seek, memory_close,
                           memory_size, memory_map, memory_unmap, opts);
  TIFFOpenOptionsFree (opts);
  /* When the open fails the handle stays ours (libtiff closes it only in
   * TIFFClose). */
  if (tif == NULL)
    g_free (m);
  return check_opened (tif, name, "r", log, error);
}

TIFF *
al_tiff_fd_open (int         fd,
                 const char *name,
                 const char *mode,
                 AlTiffLog  *log,
                 GError    **error)
{
  TIFFOpenOptions *opts = new_options (log);
  TIFF *tif = TIFFFdOpenExt (fd, name, mode, opts);

  TIFFOpenOptionsFree (opts);
  return check_opened (tif, name, mode, log, error);
}

void
al_tiff_log_clear (AlTiffLog *log)
{
  g_clear_pointer (&log->first_error, g_free);
}

void
al_tiff_set_error (GError   **error,
                   AlIoError  code,
                   AlTiffLog *log,
                   const char *what)
{
  if (log != NULL && log->first_error != NULL)
    g_set_error (error, AL_IO_ERROR, code, "%s: %s", what, log->first_error);
  else
    g_set_error_literal (error, AL_IO_ERROR, code, what);
}
