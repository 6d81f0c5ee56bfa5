/* al-test.h: helpers shared by the tests. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a file under ../shared (outside data), or NULL after marking the
 * test skipped with a message when that folder is absent (a user's clone). */
char *al_test_shared_path (const char *relative);
/* Path of a committed golden file under tests/data. */
char *al_test_data_path   (const char *relative);
/* A fresh temporary folder, removed with its contents by al_test_rmdir. */
char *al_test_mkdtemp     (void);
void  al_test_rmdir       (const char *dir);

G_END_DECLS
