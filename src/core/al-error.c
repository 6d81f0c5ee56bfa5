/* al-error.c: the AL_ERROR domain. */
#include "al-error.h"

G_DEFINE_QUARK (al-error-quark, al_error)
