/* al-hdf5.h: what the EMD reader needs from libhdf5, made safe to call.
 *
 * libhdf5 is not thread-safe in every build (Debian's serial package can be
 * built either way), so every HDF5 call in AtomLens happens between
 * al_hdf5_lock() and al_hdf5_unlock(), under one process-wide mutex. The
 * first lock also silences HDF5's habit of printing its error stack (the
 * core never prints); failures are turned into AL_IO_ERROR with the
 * innermost HDF5 message instead.
 */
#pragma once

#include <hdf5.h>

#include "al-io.h"

G_BEGIN_DECLS

void     al_hdf5_lock   (void);
void     al_hdf5_unlock (void);

/* Sets an AL_IO_ERROR (`code`, or TRUNCATED when HDF5 says the file is
 * truncated) whose message is `what` followed by HDF5's own innermost
 * message, then clears HDF5's error stack. Call with the lock held. */
void     al_hdf5_set_error (GError    **error,
                            AlIoError   code,
                            const char *what);

/* An attribute of `object` as text (fixed or variable length strings, or a
 * number formatted as text); NULL when absent or of another kind. */
char    *al_hdf5_attribute_text   (hid_t       object,
                                   const char *name);
/* An integer or float attribute as a double. */
gboolean al_hdf5_attribute_number (hid_t       object,
                                   const char *name,
                                   double     *value);

/* The stored sample type's name ("uint16", ...) and whether HDF5 can
 * convert it to float (integers and floats of the usual sizes). */
gboolean al_hdf5_sample_type (hid_t        dataset,
                              const char **name);

G_END_DECLS
