/* al-error.h: the error domain shared by every stage of the core.
 *
 * Areas with errors of their own (io, nn, ...) define their own domain next
 * to their code; this one carries what any stage can say: the job was
 * cancelled, an argument or setting is invalid, a job needs more memory than
 * its budget allows.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AL_ERROR (al_error_quark ())

typedef enum
{
  AL_ERROR_FAILED,
  AL_ERROR_CANCELLED,
  AL_ERROR_INVALID_ARGUMENT,
  AL_ERROR_TOO_LARGE,
} AlError;

GQuark al_error_quark (void);

G_END_DECLS
