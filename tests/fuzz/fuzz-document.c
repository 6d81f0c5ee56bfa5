/* fuzz-document.c: libFuzzer target for the .atomlens reader. Any input
 * must give a document or an AL_IO_ERROR, never a crash, hang or leak; a
 * document it accepts must undo and redo its whole history. */
#include "al-document.h"
#include "fuzz-document-image.h"
#include "io/al-io.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AlDocument) doc = al_document_parse ((const char *) data, size, "/fuzz",
                                                  al_fuzz_document_image (), &error);
  guint n_undo, n_redo;

  g_assert ((doc == NULL) != (error == NULL));
  if (doc == NULL)
    {
      g_assert (error->domain == AL_IO_ERROR);
      return 0;
    }
  /* The loader checked the history against the atoms: every step fits. */
  n_undo = al_document_get_n_undo (doc);
  n_redo = al_document_get_n_redo (doc);
  for (guint i = 0; i < n_undo; i++)
    g_assert (al_document_undo (doc));
  for (guint i = 0; i < n_undo + n_redo; i++)
    g_assert (al_document_redo (doc));
  g_assert (!al_document_redo (doc));
  return 0;
}
